"""`run`'s judgement of a worker's report (control_worker.py): the kernel checked the certificate in
the worker; here its verdict is first shown to be this installation's kernel's, on the problem
encoded here and the certificate stored here, then it makes the result as policy/judge.judge would
(results.from_verdict; a model decoded and confirmed by the evaluator before it is a FAIL)."""
from __future__ import annotations

from ..policy.codec import Outside
from ..policy.concrete import confirm, explain
from ..policy.judge import DISAGREE, Judged, decode_model
from ..results import Result, from_verdict


def reported_wrongly(verdict: dict, problem_sha256: str, certificate_sha256: str, expected: dict) -> str | None:
    """Why a worker's verdict cannot be used (None: it can): another kernel, or other bytes."""
    name = verdict.get("kernel")
    if verdict.get("kernel_digest") != expected.get(name):
        digest = str(verdict.get("kernel_digest"))[:16]
        return f"the worker's {name} kernel is not this installation's (digest {digest})"
    if (verdict.get("formula") or {}).get("sha256") != problem_sha256:
        return "the worker's kernel checked another problem than the one encoded here"
    if (verdict.get("proof") or {}).get("sha256") != certificate_sha256:
        return "the worker's kernel checked another certificate than the one it returned"
    return None


def judge_reported(control, subject, estate, encoded, verdict: dict, cert_path) -> Judged:
    result = from_verdict(verdict)
    if result is Result.NOT_CHECKABLE:
        return Judged(result, f"the kernel rejected the certificate: {verdict.get('reason')}")
    if result is Result.PASS:
        return Judged(result, None)
    try:
        witness = decode_model(encoded, cert_path)
    except Outside as error:
        return Judged(Result.NOT_CHECKABLE, f"the model lies outside the encoded request space: {error}")
    if not confirm(control, subject, estate, witness):
        return Judged(Result.NOT_CHECKABLE, f"{DISAGREE} on {witness}")
    return Judged(result, "counterexample confirmed by the evaluator", None, witness,
                  explain(control, subject, estate, witness))
