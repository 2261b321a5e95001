"""`prove`'s stage: one CNF formula -> solver (in a worker) -> kernel (here) -> a result for a control.

What a result means (the kernel decides, never the solver):

* PASS: the kernel VERIFIED an LRAT proof that the formula is unsatisfiable:
  no configuration violates the property, the control holds.
* FAIL: the kernel VERIFIED a model: a concrete counterexample.
* NOT CHECKABLE: anything else (timeout, memory, solver error, a proof the
  kernel rejects, bad input), with the reason.

The workers only parse and solve (`work`: the strict parse, then the solver in its own limited
child).  The kernel checks each answer here, on the files as stored, so a PASS or a FAIL never rests
on a worker's word (a worker could be stale code on a remote machine); the kernel is linear time,
small beside the solver, so this costs little parallelism.  A Dask worker may not share this file
system (`ship`): it is sent the formula's bytes and sends back the proof or model.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import checker

from ..results import Result, from_verdict
from ..solvers import cadical as solve
from ..store.models import ANSWER_SUFFIX, FORMULA_SUFFIX, Artifact, ResultRow
from ..store.store import Store
from . import worker
from .executors import InlineExecutor
from .jobs import Done, Job, Outcome, new_row, run_jobs

SATISFIABLE = "the formula is satisfiable: the model is a counterexample"


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
class Ticket:
    """A formula on its way, in the main process: the row being filled in, its artifacts, the task sent."""
    row: ResultRow
    artifacts: list[Artifact]
    stored: Path
    task: Task
    temps: list[Path] = field(default_factory=list)


class Solving:
    """The stage (jobs.Stage) of `prove`: solve in the workers, check here."""

    def __init__(self, store: Store, run_id: str, kernel: str | None, timeout: float | None, memory_mb: int | None,
                 ship: bool = False):
        self.store, self.run_id, self.kernel = store, run_id, kernel or checker.kernels()[0]
        self.timeout, self.memory_mb, self.ship = timeout, memory_mb, ship
        self.solver = solve.solver_version()

    def start(self, job: Job) -> Ticket | Outcome:
        """Store the formula as given, and make the worker's task (an Outcome when the formula cannot even
        be read). `ship`: the worker gets the formula's bytes and returns its answer."""
        row = new_row(self.run_id, job, solver=self.solver)
        try:
            sha, size = self.store.put_file(job.formula)
        except OSError as error:
            row.reason = f"bad input: {job.formula}: cannot read: {error.strerror or error}"
            return Outcome(row, bad_input=True)
        stored = self.store.path_of(sha)
        row.formula_sha256 = sha
        # Kept even when malformed: the evidence shows exactly what was submitted.
        artifacts = [Artifact(sha256=sha, size=size, kind="formula", suffix=FORMULA_SUFFIX[_compression(stored)])]
        if self.ship:
            return Ticket(row, artifacts, stored, Task(str(stored), str(job.formula), self.kernel,
                                                       data=stored.read_bytes()))
        proof, model = self.store.temp_path(".lrat"), self.store.temp_path(".model")
        return Ticket(row, artifacts, stored, Task(str(stored), str(job.formula), self.kernel, str(proof), str(model)),
                      [proof, model])

    def submit(self, executor, tickets: list[Ticket]):
        return executor.submit(solve_chunk, [t.task for t in tickets], self.timeout, self.memory_mb)

    def finish(self, job: Job, ticket: Ticket, worked: Worked) -> Outcome:
        """Put the worker's answer in the store and have the kernel check it there.  The kernel runs
        here, on the stored files, whatever the worker was, and the stored verdict names exactly the
        files stored."""
        store, kernel, formula, result = self.store, self.kernel, job.formula, ticket.row
        outcome = Outcome(result, ticket.artifacts)
        result.solve_seconds = worked.seconds
        if worked.answer == "BAD INPUT":
            result.reason, outcome.bad_input = worked.reason, True
            return outcome
        if worked.answer not in ("UNSAT", "SAT"):
            result.reason = worked.reason or "the solver gave no answer"
            return outcome
        kind = "proof" if worked.answer == "UNSAT" else "model"
        if worked.payload is not None:
            answer_sha, answer_size = store.put_bytes(worked.payload)
        else:
            written = ticket.task.proof if kind == "proof" else ticket.task.model
            if written is None:
                raise RuntimeError("the worker kept its answer, but was given no file to write it to")
            answer_sha, answer_size = store.ingest(Path(written))
        answer_path, stored, sha = store.path_of(answer_sha), ticket.stored, result.formula_sha256
        try:
            if kind == "proof":
                verdict = checker.check_lrat(stored, answer_path, kernel)
            else:
                verdict = checker.check_model(stored, answer_path)
        except checker.InputError as error:  # the solver's output (the formula parsed above) is malformed
            if error.path == str(stored):
                result.reason = f"bad input: {formula}: {error.outcome.message() if error.outcome else error}"
                outcome.bad_input = True
                return outcome
            result.reason = f"the kernel could not read the solver's {kind}" \
                            f": {error.outcome.message() if error.outcome else error}"
            return outcome
        if (verdict.formula["sha256"], verdict.proof["sha256"]) != (sha, answer_sha):
            result.reason = "a stored file changed while the kernel read it"
            return outcome
        outcome.artifacts.append(Artifact(sha256=answer_sha, size=answer_size, kind=kind,
                                          suffix=ANSWER_SUFFIX[verdict.proof["format"]]))
        setattr(result, f"{kind}_sha256", answer_sha)
        verdict_sha, verdict_size = store.put_bytes(verdict.to_json(indent=2, sort_keys=True).encode() + b"\n")
        outcome.artifacts.append(Artifact(sha256=verdict_sha, size=verdict_size, kind="verdict", suffix=".json"))
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
        return outcome

    def no_answer(self, reason: str) -> Worked:
        return Worked("ERROR", reason=reason)

    def chunk_size(self, todo: int, workers: int) -> int:
        return 1  # a solver's run outweighs a future by far

    def sync(self) -> None:
        pass  # the answers are ingested (fsynced) here

    def cleanup(self, ticket: Ticket) -> None:
        for t in ticket.temps:
            t.unlink(missing_ok=True)

    def line(self, done: Done) -> str:
        return line(done)


def line(done: Done) -> str:
    """A result as `prove` prints it."""
    r = done.result
    what = f"{r.control_id}/{r.subject}"
    if done.skipped:
        return f"{r.verdict:<13} {what}  (already in run {r.run_id}, skipped)"
    if r.verdict == Result.PASS:
        detail = f"UNSAT proof verified by the {r.kernel} kernel"
    elif r.verdict == Result.FAIL:
        detail = f"counterexample (model) verified by the {r.kernel} kernel"
    else:
        detail = r.reason or ""
    times = f"; solve {r.solve_seconds:.2f} s, check {r.check_seconds:.3f} s" \
        if r.solve_seconds is not None and r.check_seconds is not None else ""
    return f"{r.verdict:<13} {what}  ({detail}{times})"


def prove_all(store: Store, run_id: str, jobs: list[Job], executor, timeout, memory_mb, kernel=None, resume=False,
              ship=False, on_result=None) -> list[Done]:
    """`prove`: each job's formula solved through `executor` and checked here (jobs.run_jobs)."""
    return run_jobs(store, run_id, jobs, Solving(store, run_id, kernel, timeout, memory_mb, ship), executor,
                    resume=resume, on_result=on_result)


def prove(store: Store, run_id: str, formula, control_id: str, subject: str, timeout: float | None,
          memory_mb: int | None, kernel: str | None = None, resume: bool = False) -> Done:
    """One formula, in this process (the solver still in its own limited child)."""
    return prove_all(store, run_id, [Job(control_id, subject, str(formula))], InlineExecutor(), timeout, memory_mb,
                     kernel, resume)[0]


def solve_chunk(tasks: list[Task], timeout: float | None, memory_mb: int | None) -> tuple[bool, list[Worked]]:
    """What a worker runs: `work` on each task, which a SIGTERM (see `worker.init`) stops cleanly; the
    temporary files are main's."""
    return True, worker.run(lambda: [work(t, timeout, memory_mb) for t in tasks])


def work(task: Task, timeout: float | None, memory_mb: int | None) -> Worked:
    """In a worker (or in-process): parse the formula strictly, then solve it in a limited child."""
    import shutil
    import tempfile
    scratch = tempfile.mkdtemp(prefix="proofgate-") if task.data is not None or task.proof is None else None
    try:
        formula, proof, model = task.formula, task.proof or "", task.model or ""
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


def _compression(path) -> str | None:
    with open(path, "rb") as f:
        head = f.read(6)
    return next((name for magic, name in ((b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"), (b"BZh", "bz2"))
                 if head.startswith(magic)), None)
