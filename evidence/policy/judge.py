"""One control on one subject, from query to verdict:

  encode (queries.py) -> produce a certificate (untrusted: native DPLL(T), else cvc5) -> the kernel
  checks it -> PASS on a verified `unsat`; on a verified `sat` the model is decoded into a request
  (or packet) that the evaluator must confirm violates the control: FAIL; otherwise NOT CHECKABLE.

`produce` runs in worker processes; `judge` runs where the evidence is stored."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import checker

from ..results import Result, from_verdict
from ..smt import budget
from ..smt.native import Timeout, time_limit
from .codec import Outside, decode, model_values
from .concrete import confirm, explain
from .errors import Unsupported
from .queries import Encoded, encode_control
from .request import unrealisable

DISAGREE = "encoder and evaluator disagree"


@dataclass
class Produced:
    answer: str  # "sat", "unsat" or "unknown"
    producer: str = ""
    seconds: float = 0.0
    reason: str | None = None


def produce(problem_path: str, cert_path: str, timeout: float | None = None,
            conflicts: int | None = budget.DEFAULT_CONFLICTS) -> Produced:
    """The untrusted producer, behind one function so it can be switched: cvc5 (its lemmas
    re-justified by our solvers), then the native DPLL(T) loop, in this process (a warm worker: no
    interpreter or cvc5 start per problem).  Each gets the whole deterministic budget of `conflicts`
    (None: none); `timeout`, for both together, is only the wall-clock safety net.  The reason of
    no answer names the limit that ended each producer (budget.py)."""
    start = time.monotonic()
    reasons = []
    for name in PRODUCERS:
        left = None if timeout is None else timeout - (time.monotonic() - start)
        if left is not None and left <= 0:
            reasons.append(f"{name}: {budget.safety_net(timeout)}")  # type: ignore[arg-type]
            continue
        try:
            with budget.limit(conflicts):
                answer = _produce_here(name, problem_path, cert_path, left)
        except Timeout:
            reasons.append(f"{name}: {budget.safety_net(timeout)}")  # type: ignore[arg-type]
            continue
        except Exception as error:  # noqa: BLE001 - an untrusted producer's failure is its reason, not ours
            reasons.append(f"{name}: {error}"[:300])
            continue
        if answer in ("sat", "unsat"):
            return Produced(answer, name, time.monotonic() - start)
        reasons.append(f"{name}: no answer")
    return Produced("unknown", "", time.monotonic() - start, "; ".join(reasons))


PRODUCERS = ("cvc5", "native")


def _produce_here(name: str, problem_path: str, cert_path: str, timeout: float | None) -> str:
    if name == "native":
        from evidence.smt import native
        return native.prove(problem_path, cert_path, timeout=timeout).answer
    from evidence.smt import cvc5_import
    with time_limit(timeout):  # the safety net around the import's own loops (cvc5 has tlimit-per)
        return cvc5_import.prove(problem_path, cert_path, timeout=timeout)


@dataclass
class Judged:
    verdict: Result
    reason: str | None = None
    kernel_verdict: Any = None  # the checker.Verdict
    witness: object = None  # the confirmed Request or NetworkWitness
    counterexample: str | None = None  # the witness in plain words


def encode(control, subject, estate) -> Encoded | Unsupported:
    try:
        return encode_control(control, subject, estate)
    except Unsupported as error:
        return error


def judge(control, subject, estate, encoded: Encoded, problem_path, cert_path, kernel="c") -> Judged:
    """The kernel's verdict on the certificate makes the result (results.from_verdict); a FAIL stands only
    if the model, decoded, is a request or packet the evaluator confirms violates the control."""
    try:
        verdict = checker.check_smt(str(problem_path), str(cert_path), kernel)
    except checker.InputError as error:
        return Judged(Result.NOT_CHECKABLE, f"the kernel cannot read the producer's certificate: {error}")
    result = from_verdict(verdict)
    if result is Result.NOT_CHECKABLE:
        return Judged(result, f"the kernel rejected the certificate: {verdict.reason}", verdict)
    if result is Result.PASS:
        return Judged(result, None, verdict)
    try:
        witness = decode_model(encoded, cert_path)
    except Outside as error:
        return Judged(Result.NOT_CHECKABLE, f"the model lies outside the encoded request space: {error}", verdict)
    unreal = unrealisable(witness) if encoded.kind == "request" else None
    if unreal is not None:  # the encoder admitted a request AWS could not send: never a FAIL
        return Judged(Result.NOT_CHECKABLE, f"{DISAGREE}: the model is a request AWS could not send "
                      f"({unreal}): {witness}", verdict)
    if not confirm(control, subject, estate, witness):
        return Judged(Result.NOT_CHECKABLE, f"{DISAGREE} on {witness}", verdict)
    return Judged(result, "counterexample confirmed by the evaluator", verdict, witness,
                  explain(control, subject, estate, witness))


def decode_model(encoded: Encoded, cert_path):
    with open(cert_path, encoding="utf-8") as f:
        text = f.read()
    body = text.split("\nsat\n", 1)[1]
    values = model_values(body)
    if encoded.kind == "packet":
        return encoded.variables.decode(values)
    return decode(encoded.variables, values)


