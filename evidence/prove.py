"""The generic path: one CNF formula -> solver -> kernel -> a stored result for a control.

What a result means (the kernel decides, never the solver):

* PASS: the kernel VERIFIED an LRAT proof that the formula is unsatisfiable:
  no configuration violates the property, the control holds.
* FAIL: the kernel VERIFIED a model: a concrete counterexample.
* NOT CHECKABLE: anything else (timeout, memory, solver error, a proof the
  kernel rejects, bad input), with the reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import checker

from . import solve
from .store import Artifact, Control, Result, Store, Subject, utcnow

TOKEN = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")  # OSCAL's token, ASCII: control ids appear there
SUFFIX = {None: ".cnf", "gzip": ".cnf.gz", "xz": ".cnf.xz", "bz2": ".cnf.bz2"}
PROOF_SUFFIX = {"text": ".lrat", "binary": ".blrat", "model": ".model"}


@dataclass
class Proved:
    result: Result
    bad_input: bool = False  # the user's input was at fault (exit code 2)
    skipped: bool = False  # already stored in the run being resumed

    def line(self) -> str:
        r = self.result
        what = f"{r.control_id}/{r.subject}"
        if self.skipped:
            return f"{r.verdict:<13} {what}  (already in run {r.run_id}, skipped)"
        if r.verdict == "PASS":
            detail = f"UNSAT proof verified by the {r.kernel} kernel"
        elif r.verdict == "FAIL":
            detail = f"counterexample (model) verified by the {r.kernel} kernel"
        else:
            detail = r.reason
        times = f"; solve {r.solve_seconds:.2f} s, check {r.check_seconds:.3f} s" \
            if r.solve_seconds is not None and r.check_seconds is not None else ""
        return f"{r.verdict:<13} {what}  ({detail}{times})"


def default_name(formula) -> str:
    """A control or subject name from a file name: php-4.cnf.gz -> php-4."""
    name = Path(formula).name
    for ending in (".gz", ".xz", ".bz2", ".cnf", ".dimacs"):
        if name.endswith(ending):
            name = name[: -len(ending)]
    name = re.sub(r"[^A-Za-z0-9._-]", "-", name) or "formula"
    return name if TOKEN.match(name) else "_" + name


def prove(store: Store, run_id: str, formula, control_id: str, subject: str, timeout: float | None,
          memory_mb: int | None, kernel: str | None = None, resume: bool = False) -> Proved:
    if resume and store.has_result(run_id, control_id, subject):
        old = next(r for r in store.results(run_id) if (r.control_id, r.subject) == (control_id, subject))
        return Proved(old, skipped=True)
    result = Result(run_id=run_id, control_id=control_id, subject=subject, verdict="NOT CHECKABLE",
                    formula_path=_display_path(formula), solver=solve.solver_version(), created_at=utcnow())
    artifacts: list[Artifact] = []
    bad_input, temps = False, []
    try:
        bad_input = _prove(store, result, artifacts, temps, formula, timeout, memory_mb,
                           kernel or checker.kernels()[0])
    finally:
        for t in temps:
            t.unlink(missing_ok=True)
    if result.verdict != "NOT CHECKABLE" and result.kernel_status != "VERIFIED":
        raise RuntimeError("a PASS or FAIL without a kernel verdict")  # never: guards the rule itself
    store.record(result, artifacts, Control(run_id=run_id, id=control_id),
                 Subject(run_id=run_id, name=subject, status="analysed"))
    return Proved(result, bad_input=bad_input)


def _prove(store, result, artifacts, temps, formula, timeout, memory_mb, kernel) -> bool:
    """Fill in `result` and `artifacts`; True when the input itself was bad."""
    try:
        sha, size = store.put_file(formula)
    except OSError as error:
        result.reason = f"bad input: {formula}: cannot read: {error.strerror or error}"
        return True
    stored = store.path_of(sha)
    result.formula_sha256 = sha
    # Kept even when malformed: the evidence shows exactly what was submitted.
    artifacts.append(Artifact(sha256=sha, size=size, kind="formula", suffix=SUFFIX[_compression(stored)]))
    # The kernel's strict parser reads the whole formula before any solver time is spent:
    # checking an empty proof parses every clause (its answer is of no interest).
    probe = store.temp_path(".lrat")
    temps.append(probe)
    try:
        checker.check_lrat(stored, probe, kernel)
    except checker.InputError as error:
        where = error.outcome.message() if error.outcome else str(error)
        result.reason = f"bad input: {formula}: {where}"
        return True

    proof_tmp, model_tmp = store.temp_path(".lrat"), store.temp_path(".model")
    temps += [proof_tmp, model_tmp]
    solved = solve.solve(stored, proof_tmp, model_tmp, timeout, memory_mb)
    result.solve_seconds = round(solved.seconds, 3)
    if solved.answer == "ERROR":
        result.reason = solved.reason
        return False
    answer_tmp = proof_tmp if solved.answer == "UNSAT" else model_tmp
    answer_sha, answer_size = store.ingest(answer_tmp)
    answer_path = store.path_of(answer_sha)
    try:
        if solved.answer == "UNSAT":
            verdict = checker.check_lrat(stored, answer_path, kernel)
        else:
            verdict = checker.check_model(stored, answer_path)
    except checker.InputError as error:  # the solver's output (the formula parsed above) is malformed
        if error.path == str(stored):
            result.reason = f"bad input: {formula}: {error.outcome.message() if error.outcome else error}"
            return True
        result.reason = f"the kernel could not read the solver's {'proof' if solved.answer == 'UNSAT' else 'model'}" \
                        f": {error.outcome.message() if error.outcome else error}"
        return False
    if (verdict.formula["sha256"], verdict.proof["sha256"]) != (sha, answer_sha):
        result.reason = "a stored file changed while the kernel read it"
        return False
    kind = "proof" if solved.answer == "UNSAT" else "model"
    artifacts.append(Artifact(sha256=answer_sha, size=answer_size, kind=kind,
                              suffix=PROOF_SUFFIX[verdict.proof["format"]]))
    setattr(result, f"{kind}_sha256", answer_sha)
    verdict_sha, verdict_size = store.put_bytes(verdict.to_json(indent=2, sort_keys=True).encode() + b"\n")
    artifacts.append(Artifact(sha256=verdict_sha, size=verdict_size, kind="verdict", suffix=".json"))
    result.verdict_sha256 = verdict_sha
    result.kernel, result.kernel_version, result.kernel_digest = verdict.kernel, verdict.kernel_version, \
        verdict.kernel_digest
    result.kernel_status, result.kernel_code = verdict.status, verdict.code
    result.check_seconds = verdict.seconds
    if verdict.verified:
        result.verdict = "PASS" if kind == "proof" else "FAIL"
        result.reason = None if kind == "proof" else "the formula is satisfiable: the model is a counterexample"
    else:
        result.reason = f"the kernel rejected the solver's {kind}: {verdict.reason}"
    return False


def _display_path(formula) -> str:
    """As given, but relative to the working directory when inside it (SARIF locations, reports)."""
    path = Path(formula)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            pass
    return path.as_posix()


def _compression(path) -> str | None:
    with open(path, "rb") as f:
        head = f.read(6)
    return next((name for magic, name in ((b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"), (b"BZh", "bz2"))
                 if head.startswith(magic)), None)


def exit_code(proved: list[Proved]) -> int:
    """2 bad input, else 4 NOT CHECKABLE, else 1 FAIL, else 0 PASS."""
    verdicts = {p.result.verdict for p in proved}
    if any(p.bad_input for p in proved):
        return 2
    if "NOT CHECKABLE" in verdicts:
        return 4
    return 1 if "FAIL" in verdicts else 0


def run_fields() -> dict:
    from .toolinfo import tool_digest, tool_version
    return {"tool_version": tool_version(), "tool_digest": tool_digest(), "kernel_version": checker.KERNEL_VERSION,
            "solver": solve.solver_version()}

