"""One SMT question settled the way `run` settles a control: the untrusted producer writes a certificate
(pipeline/control_worker.work: cvc5, else native DPLL(T), with readable strings), the kernel checks it, and a
`sat` model is decoded (policy/judge.decode_model) and must be confirmed by the concrete evaluator.

Nothing here decides an answer on the producer's word: `Settled.holds` is True only for a model the
kernel verified and the evaluator confirmed, False only for an UNSAT certificate the kernel verified;
anything else is None (NOT CHECKABLE) with the reason."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import checker

from ..pipeline.control_worker import Task, work
from ..policy.codec import Outside
from ..policy.encode import READABLE
from ..policy.errors import Unsupported
from ..policy.judge import decode_model
from ..policy.queries import Encoded
from ..results import Result, from_verdict
from ..smt.budget import DEFAULT_CONFLICTS

TIMEOUT = 60.0


@dataclass
class Settled:
    holds: bool | None  # True: a confirmed witness exists; False: a verified certificate that none does
    witness: Any = None  # the confirmed Request or NetworkWitness
    reason: str | None = None  # why NOT CHECKABLE, or what the evaluator said
    problem_sha256: str | None = None
    certificate_sha256: str | None = None
    kernel: dict = field(default_factory=dict)  # the kernel's verdict: status, kernel, version, seconds
    producer: str = ""
    seconds: dict = field(default_factory=dict)  # produce, check

    def evidence(self) -> dict:
        return {"problem_sha256": self.problem_sha256, "certificate_sha256": self.certificate_sha256,
                "certificate": "model" if self.holds else "unsat" if self.holds is False else None,
                "kernel": self.kernel, "producer": self.producer, "seconds": self.seconds}


def settle(encoded: Encoded, confirm: Callable[[Any], str | None], timeout: float | None = TIMEOUT,
           kernel: str | None = None) -> Settled:
    """`confirm(witness)` is the evaluator's word on a decoded model: None when it agrees the witness
    answers the question, else why not (an unconfirmed model is no answer)."""
    problem = encoded.problem.encode()
    problem_sha = hashlib.sha256(problem).hexdigest()
    # the worker's own kernel check is not used: the verdict below is this process's check_smt
    worked = work(Task(problem, kind="question"), timeout, READABLE, DEFAULT_CONFLICTS, kernel or checker.kernels()[0])
    if worked.certificate is None:
        return Settled(None, reason=f"no certificate: {worked.reason or 'the producer gave no answer'}",
                       problem_sha256=problem_sha, producer=worked.producer, seconds={"produce": worked.seconds})
    scratch = tempfile.mkdtemp(prefix="proofgate-question-")
    try:
        problem_path, cert_path = os.path.join(scratch, "q.smt2"), os.path.join(scratch, "q.cert")
        with open(problem_path, "wb") as f:
            f.write(problem)
        with open(cert_path, "wb") as f:
            f.write(worked.certificate)
        out = Settled(None, problem_sha256=problem_sha, producer=worked.producer,
                      certificate_sha256=hashlib.sha256(worked.certificate).hexdigest(),
                      seconds={"produce": worked.seconds})
        try:
            verdict = checker.check_smt(problem_path, cert_path, kernel or checker.kernels()[0])
        except checker.InputError as error:
            out.reason = f"the kernel cannot read the producer's certificate: {error}"
            return out
        out.kernel = {"status": verdict.status, "kernel": verdict.kernel, "version": verdict.kernel_version,
                      "digest": verdict.kernel_digest, "format": verdict.proof.get("format")}
        out.seconds["check"] = round(verdict.seconds, 4)
        result = from_verdict(verdict)
        if result is Result.NOT_CHECKABLE:
            out.reason = f"the kernel rejected the certificate: {verdict.reason}"
            return out
        if result is Result.PASS:
            out.holds = False
            return out
        try:
            witness = decode_model(encoded, cert_path)
        except Outside as error:
            out.reason = f"the model lies outside the encoded request space: {error}"
            return out
        try:
            disagreement = confirm(witness)
        except Unsupported as error:
            disagreement = f"the evaluator cannot decide it: {error.feature}"
        if disagreement is not None:
            out.reason = f"encoder and evaluator disagree on {witness}: {disagreement}"
            return out
        out.holds, out.witness = True, witness
        return out
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
