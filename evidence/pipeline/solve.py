"""The generic path: one CNF formula -> solver -> kernel -> a stored result for a control.

What a result means (the kernel decides, never the solver):

* PASS: the kernel VERIFIED an LRAT proof that the formula is unsatisfiable:
  no configuration violates the property, the control holds.
* FAIL: the kernel VERIFIED a model: a concrete counterexample.
* NOT CHECKABLE: anything else (timeout, memory, solver error, a proof the
  kernel rejects, bad input), with the reason.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import checker

from ..solvers import cadical as solve
from ..results import Result, from_verdict
from ..store.models import Artifact, Control, ResultRow, Subject, utcnow
from ..store.store import Store

TOKEN = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")  # OSCAL's token, ASCII: control ids appear there
SUFFIX = {None: ".cnf", "gzip": ".cnf.gz", "xz": ".cnf.xz", "bz2": ".cnf.bz2"}
PROOF_SUFFIX = {"text": ".lrat", "binary": ".blrat", "model": ".model"}
SATISFIABLE = "the formula is satisfiable: the model is a counterexample"


@dataclass
class Proved:
    result: ResultRow
    bad_input: bool = False  # the user's input was at fault (exit code 2)
    skipped: bool = False  # already stored in the run being resumed

    def line(self) -> str:
        r = self.result
        what = f"{r.control_id}/{r.subject}"
        if self.skipped:
            return f"{r.verdict:<13} {what}  (already in run {r.run_id}, skipped)"
        if r.verdict == Result.PASS:
            detail = f"UNSAT proof verified by the {r.kernel} kernel"
        elif r.verdict == Result.FAIL:
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
    """One formula, in this process (the solver still in its own limited child): the stages of
    `evidence.parallel.prove_all`, run one after the other."""
    if resume and store.has_result(run_id, control_id, subject):
        return Proved(_stored_result(store, run_id, control_id, subject), skipped=True)
    job = start(store, run_id, formula, control_id, subject, kernel)
    try:
        if job.task is not None:
            finish(store, job, work(job.task, timeout, memory_mb))
        return record(store, job)
    finally:
        job.cleanup()


def _stored_result(store: Store, run_id: str, control_id: str, subject: str) -> ResultRow:
    return next(r for r in store.results(run_id) if (r.control_id, r.subject) == (control_id, subject))


@dataclass
class Task:
    """What a worker needs, picklable: the formula (a path it can read, or its bytes when the worker
    may not share this file system) and where to write the solver's answer (or None: return it)."""
    formula: str
    display: str  # the formula as given, for messages
    kernel: str
    proof: str | None = None
    model: str | None = None
    data: bytes | None = None


@dataclass
class Worked:
    """A worker's report. Untrusted as evidence: only the kernel, run by the main process on the
    stored files, can make a PASS or a FAIL of it."""
    answer: str  # "UNSAT", "SAT", "ERROR" or "BAD INPUT"
    seconds: float | None = None
    reason: str | None = None
    payload: bytes | None = None  # the proof or model, when the task asked for it back


@dataclass
class Job:
    """A formula on its way, in the main process: the result being filled in and its artifacts."""
    result: ResultRow
    artifacts: list
    formula: object
    stored: Path | None = None
    task: Task | None = None
    bad_input: bool = False
    temps: list = None

    def cleanup(self) -> None:
        for t in self.temps or ():
            Path(t).unlink(missing_ok=True)


def start(store: Store, run_id: str, formula, control_id: str, subject: str, kernel: str | None,
          ship: bool = False) -> Job:
    """Main process: store the formula as given, and make the worker's task (None when the
    formula cannot even be read). `ship`: the worker gets the formula's bytes, returns its answer."""
    result = ResultRow(run_id=run_id, control_id=control_id, subject=subject, verdict=Result.NOT_CHECKABLE,
                    formula_path=_display_path(formula), solver=solve.solver_version(), created_at=utcnow())
    job = Job(result, [], formula, temps=[])
    try:
        sha, size = store.put_file(formula)
    except OSError as error:
        result.reason = f"bad input: {formula}: cannot read: {error.strerror or error}"
        job.bad_input = True
        return job
    job.stored = store.path_of(sha)
    result.formula_sha256 = sha
    # Kept even when malformed: the evidence shows exactly what was submitted.
    job.artifacts.append(Artifact(sha256=sha, size=size, kind="formula", suffix=SUFFIX[_compression(job.stored)]))
    kernel = kernel or checker.kernels()[0]
    if ship:
        job.task = Task(str(job.stored), str(formula), kernel, data=job.stored.read_bytes())
    else:
        proof, model = store.temp_path(".lrat"), store.temp_path(".model")
        job.temps += [proof, model]
        job.task = Task(str(job.stored), str(formula), kernel, str(proof), str(model))
    return job


def work(task: Task, timeout: float | None, memory_mb: int | None) -> Worked:
    """In a worker (or in-process): parse the formula strictly, then solve it in a limited child."""
    import shutil
    import tempfile
    scratch = tempfile.mkdtemp(prefix="proofgate-") if task.data is not None or task.proof is None else None
    try:
        formula, proof, model = task.formula, task.proof, task.model
        if scratch is not None:
            proof, model = os.path.join(scratch, "proof.lrat"), os.path.join(scratch, "model.txt")
            if task.data is not None:
                formula = os.path.join(scratch, "formula")
                with open(formula, "wb") as f:
                    f.write(task.data)
        # The kernel's strict parser reads the whole formula before any solver time is spent:
        # checking an empty proof parses every clause (its answer is of no interest).
        probe = proof + ".probe"
        try:
            open(probe, "wb").close()
            checker.check_lrat(formula, probe, task.kernel)
        except checker.InputError as error:
            where = error.outcome.message() if error.outcome else str(error)
            return Worked("BAD INPUT", reason=f"bad input: {task.display}: {where}")
        finally:
            Path(probe).unlink(missing_ok=True)
        solved = solve.solve(formula, proof, model, timeout, memory_mb)
        worked = Worked(solved.answer, round(solved.seconds, 3), solved.reason)
        if scratch is not None and solved.answer in ("UNSAT", "SAT"):
            worked.payload = Path(proof if solved.answer == "UNSAT" else model).read_bytes()
        return worked
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def finish(store: Store, job: Job, worked: Worked) -> None:
    """Main process: put the worker's answer in the store and have the kernel check it there.
    The kernel runs here, on the stored files, whatever the worker was: a PASS or a FAIL rests on
    the kernel's verdict in this process, never on a worker's word (and the stored verdict names
    exactly the files stored)."""
    result, formula, kernel = job.result, job.formula, job.task.kernel
    result.solve_seconds = worked.seconds
    if worked.answer == "BAD INPUT":
        result.reason, job.bad_input = worked.reason, True
        return
    if worked.answer not in ("UNSAT", "SAT"):
        result.reason = worked.reason or "the solver gave no answer"
        return
    kind = "proof" if worked.answer == "UNSAT" else "model"
    if worked.payload is not None:
        answer_sha, answer_size = store.put_bytes(worked.payload)
    else:
        answer_sha, answer_size = store.ingest(Path(job.task.proof if kind == "proof" else job.task.model))
    answer_path, stored, sha = store.path_of(answer_sha), job.stored, result.formula_sha256
    try:
        if kind == "proof":
            verdict = checker.check_lrat(stored, answer_path, kernel)
        else:
            verdict = checker.check_model(stored, answer_path)
    except checker.InputError as error:  # the solver's output (the formula parsed above) is malformed
        if error.path == str(stored):
            result.reason = f"bad input: {formula}: {error.outcome.message() if error.outcome else error}"
            job.bad_input = True
            return
        result.reason = f"the kernel could not read the solver's {kind}" \
                        f": {error.outcome.message() if error.outcome else error}"
        return
    if (verdict.formula["sha256"], verdict.proof["sha256"]) != (sha, answer_sha):
        result.reason = "a stored file changed while the kernel read it"
        return
    job.artifacts.append(Artifact(sha256=answer_sha, size=answer_size, kind=kind,
                                  suffix=PROOF_SUFFIX[verdict.proof["format"]]))
    setattr(result, f"{kind}_sha256", answer_sha)
    verdict_sha, verdict_size = store.put_bytes(verdict.to_json(indent=2, sort_keys=True).encode() + b"\n")
    job.artifacts.append(Artifact(sha256=verdict_sha, size=verdict_size, kind="verdict", suffix=".json"))
    result.verdict_sha256 = verdict_sha
    result.kernel, result.kernel_version, result.kernel_digest = verdict.kernel, verdict.kernel_version, \
        verdict.kernel_digest
    result.kernel_status, result.kernel_code = verdict.status, verdict.code
    result.check_seconds = verdict.seconds
    result.verdict = from_verdict(verdict)
    if result.verdict is Result.FAIL:
        result.reason = SATISFIABLE
    elif result.verdict is Result.NOT_CHECKABLE:
        result.reason = f"the kernel rejected the solver's {kind}: {verdict.reason}"


def record(store: Store, job: Job) -> Proved:
    """Main process: commit the result (its artifacts are on disk: `Store.record` refuses otherwise)."""
    result = job.result
    store.record(result, job.artifacts, Control(run_id=result.run_id, id=result.control_id),
                 Subject(run_id=result.run_id, name=result.subject, status="analysed"))
    return Proved(result, bad_input=job.bad_input)


def _display_path(formula, cwd: Path | None = None) -> str:
    """As given, but relative to the working directory when inside it (SARIF locations, reports)."""
    path = Path(formula)
    if path.is_absolute():
        try:
            path = path.relative_to(cwd or Path.cwd())
        except ValueError:
            pass
    return path.as_posix()


def _compression(path) -> str | None:
    with open(path, "rb") as f:
        head = f.read(6)
    return next((name for magic, name in ((b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"), (b"BZh", "bz2"))
                 if head.startswith(magic)), None)


def run_fields() -> dict:
    from .provenance import tool_digest, tool_version
    return {"tool_version": tool_version(), "tool_digest": tool_digest(), "kernel_version": checker.KERNEL_VERSION,
            "solver": solve.solver_version()}

