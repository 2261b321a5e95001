"""The shipped samples and the answers they must get: samples/expected.tsv.

Each line: formula, proof (or model), expected answer (VERIFIED, NOT VERIFIED or BAD INPUT) and,
unless VERIFIED, the reason code (the kernel's, or for a DRAT proof the engine's when it stops first;
for an SMT problem or certificate the kernel cannot read, 'unsupported' or 'syntax');
paths relative to the samples folder, fields tab-separated.
"""
import time
from dataclasses import dataclass
from pathlib import Path

import checker

from ..solvers import drat

ANSWERS = ("VERIFIED", "NOT VERIFIED", "BAD INPUT")


@dataclass(frozen=True)
class Expectation:
    formula: Path
    proof: Path
    expected: str
    code: str

    @property
    def is_model(self):
        return self.proof.suffix == ".model"

    @property
    def is_smt(self):
        return self.formula.suffix == ".smt2"

    def expected_text(self):
        return self.expected if self.expected == "VERIFIED" else f"{self.expected} ({self.code})"


@dataclass(frozen=True)
class Answer:
    status: str
    code: str
    seconds: float

    def matches(self, case):
        return (self.status, self.code) == (case.expected, "ok" if case.expected == "VERIFIED" else case.code)

    def text(self):
        return self.status if self.status == "VERIFIED" else f"{self.status} ({self.code})"


def load_expectations(folder):
    table = Path(folder) / "expected.tsv"
    if not table.is_file():
        raise checker.InputError(table, "no such file: the samples folder lists its answers there")
    cases = []
    for number, line in enumerate(table.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (3, 4) or fields[2] not in ANSWERS or (fields[2] != "VERIFIED") != (len(fields) == 4):
            raise checker.InputError(table, f"line {number}: expected FORMULA, PROOF, ANSWER[, CODE] separated by tabs")
        cases.append(Expectation(Path(folder) / fields[0], Path(folder) / fields[1], fields[2],
                                 fields[3] if len(fields) == 4 else "ok"))
    return cases


def run_sample(case, kernel="c"):
    start = time.perf_counter()
    if case.is_smt:
        return _run_smt(case, kernel, start)
    try:
        if case.is_model:
            verdict = checker.check_model(case.formula, case.proof)
        elif drat.proof_format(case.proof) == "drat":
            done, verdict = drat.check(case.formula, case.proof, kernel, binary_lrat=True)
            if verdict is None:  # the engine's answer: rejected, or bad input
                status = "BAD INPUT" if done.status == "malformed" else "NOT VERIFIED"
                return Answer(status, done.code, time.perf_counter() - start)
        else:
            verdict = checker.check_lrat(case.formula, case.proof, kernel=kernel)
        return Answer(verdict.status, verdict.code, time.perf_counter() - start)
    except checker.InputError as error:
        return Answer("BAD INPUT", error.outcome.code if error.outcome else "open", time.perf_counter() - start)


def _run_smt(case, kernel, start):
    """An SMT certificate: the kernel (after the DRAT engine for a DRAT refutation).  Bad input has no
    kernel code: it is 'unsupported' when the construct is outside the subset, else 'syntax'."""
    from ..smt.checking import check
    try:
        done, verdict, _ = check(case.formula, case.proof, kernel)
    except checker.InputError as error:
        return Answer("BAD INPUT", "unsupported" if "unsupported" in str(error) else "syntax",
                      time.perf_counter() - start)
    if verdict is None:
        return Answer("BAD INPUT" if done.status == "malformed" else "NOT VERIFIED", done.code,
                      time.perf_counter() - start)
    return Answer(verdict.status, verdict.code, time.perf_counter() - start)
