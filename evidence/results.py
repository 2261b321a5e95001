"""What a result is, and the one place outside the kernel where a PASS or a FAIL is born.

A question (a control on a subject) is encoded as its *violation*: satisfiable exactly when the
subject violates the control.  So the kernel's verdict decides the result by what it verified:

* PASS: a refutation (an LRAT proof, or an SMT certificate's refutation): no violation exists;
* FAIL: a model (of a CNF formula, or an SMT certificate's model): a counterexample;
* NOT CHECKABLE: anything else (no answer, a rejected proof, bad input), with the reason.

`from_verdict` reads that from the verdict's own kind and proof format, never from what a solver,
a producer or a worker said it found.  A caller may only lower a FAIL to NOT CHECKABLE (`run`
does, when the evaluator cannot confirm the decoded counterexample); nothing raises one.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum

TYPE_CHECKING = False  # typing's, without importing typing (start-up of a plain check); mypy takes it as True
if TYPE_CHECKING:
    from typing import Any


class Result(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    NOT_CHECKABLE = "NOT CHECKABLE"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @classmethod
    def worst(cls, results: Iterable[str]) -> Result:
        """Several results as one (a control over its subjects, a run): FAIL if any fails, else NOT
        CHECKABLE if any is, else PASS; nothing at all is NOT CHECKABLE."""
        found = {cls(r) for r in results}
        for r in (cls.FAIL, cls.NOT_CHECKABLE, cls.PASS):
            if r in found:
                return r
        return cls.NOT_CHECKABLE


# (verdict kind, proof format) -> what a VERIFIED verdict establishes; any other pair establishes nothing.
ESTABLISHED: dict[tuple[str | None, str | None], Result] = {
    ("lrat", "text"): Result.PASS,
    ("lrat", "binary"): Result.PASS,
    ("model", "model"): Result.FAIL,
    ("smt", "smt-lrat"): Result.PASS,
    ("smt", "smt-drat"): Result.PASS,
    ("smt", "smt-model"): Result.FAIL,
}


def from_verdict(verdict: Any) -> Result:
    """The result a kernel verdict makes.  `verdict` is a `checker.Verdict`, or its fields as a mapping
    (`Verdict.to_dict()`: a verdict as stored, or as a worker reports it; only the status, the kind and
    the proof's format are read)."""
    fields = verdict if isinstance(verdict, Mapping) else verdict.to_dict()
    if fields.get("status") != "VERIFIED":
        return Result.NOT_CHECKABLE
    return ESTABLISHED.get((fields.get("kind"), (fields.get("proof") or {}).get("format")), Result.NOT_CHECKABLE)


def answer_kind(proof_format: str) -> str:
    """How a verified answer is filed ('model' or 'proof'), by the format the kernel found it in."""
    return "model" if proof_format in ("model", "smt-model") else "proof"


# The pipeline each verified answer went through, by the format the kernel read it in (reports, verify).
PIPELINE = {
    "text": "LRAT proof of a CNF formula (unsatisfiable)",
    "binary": "binary LRAT proof of a CNF formula (unsatisfiable)",
    "model": "model of a CNF formula (a counterexample)",
    "smt-lrat": "SMT certificate: theory lemmas and an LRAT refutation of the Boolean skeleton (unsatisfiable)",
    "smt-drat": "SMT certificate: theory lemmas and a DRAT refutation of the Boolean skeleton, "
                "elaborated to LRAT (unsatisfiable)",
    "smt-model": "SMT certificate with a model (a counterexample)",
}


def answer_label(proof_format: str | None) -> str:
    return PIPELINE.get(proof_format or "", f"answer in format {proof_format}")
