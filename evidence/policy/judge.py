"""One control on one subject, from query to verdict:

  encode (queries.py) -> produce a certificate (untrusted: native DPLL(T), else cvc5) -> the kernel
  checks it -> PASS on a verified `unsat`; on a verified `sat` the model is decoded into a request
  (or packet) that the evaluator must confirm violates the control: FAIL; otherwise NOT CHECKABLE.

`produce` runs in worker processes; `judge` runs where the evidence is stored."""
from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import checker

from ..results import Result, from_verdict
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


def produce(problem_path: str, cert_path: str, timeout: float | None = None) -> Produced:
    """The untrusted producer, behind one function so it can be switched: cvc5 (its lemmas
    re-justified by our solvers), then the native DPLL(T) loop. Each runs in a child process that is
    killed at the time limit (a producer's own limit is not relied on)."""
    start = time.monotonic()
    reasons = []
    for name in PRODUCERS:
        left = None if timeout is None else max(1.0, timeout - (time.monotonic() - start))
        try:
            done = subprocess.run([sys.executable, "-m", "evidence.policy.judge", name, str(problem_path),
                                   str(cert_path), str(left or 0)], capture_output=True, text=True, timeout=left)
        except subprocess.TimeoutExpired:
            reasons.append(f"{name}: no answer in {left:.0f} s")
            continue
        answer = done.stdout.strip().splitlines()[-1:] if done.returncode == 0 else []
        if answer and answer[0] in ("sat", "unsat"):
            return Produced(answer[0], name, time.monotonic() - start)
        reasons.append(f"{name}: {(done.stderr.strip().splitlines() or ['no answer'])[-1]}"[:300])
    return Produced("unknown", "", time.monotonic() - start, "; ".join(reasons))


PRODUCERS = ("cvc5", "native")


def _produce_here(name: str, problem_path: str, cert_path: str, timeout: float | None) -> str:
    if name == "native":
        from evidence.smt import native
        return native.prove(problem_path, cert_path, timeout=timeout).answer
    from evidence.smt import cvc5_import
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


if __name__ == "__main__":  # the child process of `produce`
    print(_produce_here(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]) or None))
