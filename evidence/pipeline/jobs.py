"""One pipeline for every run: jobs through a stage, on any `concurrent.futures` executor, recorded in order.

`prove` (solve, then check), `prove --proof-dir` (check what exists) and `run` (a control catalog)
differ only in their stage (solve.py, proof_dir.py, controls.py), which says:

* `start(job)`, in this process: what the job is (its formula stored, its problem encoded), as a
  ticket for a worker, or at once the Outcome when there is nothing to send (bad input, unsupported);
* `submit(executor, tickets)`: a chunk of tickets to a worker, as a picklable function of plain
  data, so that a local pool and a Dask cluster run the same thing; it answers (synced, answers);
* `finish(job, ticket, answer)`, in this process: the Outcome, the row the kernel's verdict makes
  (results.from_verdict): a worker's answer is never evidence by itself;
* optionally `settle(tickets)`: for each ticket an answer had without a worker, or None (sent to one);
* `no_answer(reason)`: the answer of a worker that died; `sync()`: make durable what workers wrote
  without syncing (synced False); `cleanup(ticket)`: remove a ticket's temporary files; `line(done)`.

run_jobs does the rest, once: resume, chunks, futures, a lost worker as NOT CHECKABLE, the sync a
chunk still needs (one syncfs for every chunk waiting, in the background: a group commit), and the
record, in the order given, of every result ready (one store transaction for them all).  A result
done before one ahead of it waits (its artifacts already on disk), so the output and an interrupted
run look the same whatever the executor; an unrecorded result is simply done again on resume.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..results import Result
from ..store.models import Artifact, ResultRow, utcnow
from . import executors

TOKEN = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")  # OSCAL's token, ASCII: control ids appear there


@dataclass(frozen=True)
class Job:
    """One question: a control on a subject, asked of a formula (for `run`, of the subject's file)."""
    control: str
    subject: str
    formula: str  # as given: stored (prove), named in messages and, relative to here, in reports
    answer: str | None = None  # --proof-dir: the proof or model that exists already
    kind: str | None = None  # --proof-dir: "proof" or "model"
    question: Any = None  # run: (the catalog's control, the subject), to encode and to judge

    @property
    def key(self) -> tuple[str, str]:
        return self.control, self.subject


@dataclass
class Outcome:
    """What a job made, to be recorded: its row, the artifacts the row names, whose fault a failure was."""
    row: ResultRow
    artifacts: list[Artifact] = field(default_factory=list)
    bad_input: bool = False  # the user's input was at fault (exit code 2)


@dataclass
class Done:
    """A recorded result, or (skipped) one the run being resumed had already."""
    result: ResultRow
    bad_input: bool = False
    skipped: bool = False


class Stage(Protocol):
    def start(self, job: Job) -> Any: ...
    def submit(self, executor: Executor, tickets: list) -> Future: ...
    def finish(self, job: Job, ticket: Any, answer: Any) -> Outcome: ...
    def no_answer(self, reason: str) -> Any: ...
    def chunk_size(self, todo: int, workers: int) -> int: ...
    def sync(self) -> None: ...
    def cleanup(self, ticket: Any) -> None: ...
    def line(self, done: Done) -> str: ...


def run_jobs(store, run_id: str, jobs: Sequence[Job], stage: Stage, executor: Executor, *, workers: int = 1,
             resume: bool = False, on_result: Callable[[Done], None] | None = None) -> list[Done]:
    """Every job through `stage` on `executor`; returns the Done of each, in the order of `jobs`, each
    recorded (and given to `on_result`) as soon as those before it are."""
    old = {(r.control_id, r.subject): r for r in store.results(run_id)} if resume else {}
    tickets: dict[int, Any] = {}
    ready: dict[int, Outcome] = {}  # durable, waiting only for those before them
    held: dict[int, dict[int, Outcome]] = {}  # chunk -> its outcomes, waiting for a sync
    done: list[Done] = []
    futures: dict[Future, int] = {}
    syncer: ThreadPoolExecutor | None = None

    def flush() -> None:
        start = end = len(done)
        while end < len(jobs) and (end in ready or jobs[end].key in old):
            end += 1
        outcomes = {i: ready.pop(i) for i in range(start, end) if i in ready}
        if outcomes:
            store.record_many(run_id, [(o.row, o.artifacts) for o in outcomes.values()])
        for i in range(start, end):
            o = outcomes.get(i)
            done.append(Done(o.row, o.bad_input) if o else Done(old[jobs[i].key], skipped=True))
            if on_result:
                on_result(done[-1])

    def finish(i: int, answer: Any) -> Outcome:
        try:
            return stage.finish(jobs[i], tickets[i], answer)
        finally:
            stage.cleanup(tickets.pop(i))

    try:
        todo = []
        for i, job in enumerate(jobs):
            if job.key in old:
                continue
            started = stage.start(job)
            if isinstance(started, Outcome):
                ready[i] = started
            else:
                tickets[i] = started
                todo.append(i)
        settle = getattr(stage, "settle", None)  # answers a stage has without a worker (run --reuse-verdicts)
        if settle is not None and todo:
            answers = settle([tickets[i] for i in todo])
            settled = {i: finish(i, a) for i, a in zip(todo, answers) if a is not None}
            if settled:
                held[-1] = settled  # their files were written without a sync, as a worker's chunk's are
                todo = [i for i in todo if i not in settled]
        size = stage.chunk_size(len(todo), workers)
        chunks = [todo[k:k + size] for k in range(0, len(todo), size)]
        for c, members in enumerate(chunks):
            futures[stage.submit(executor, [tickets[i] for i in members])] = c
        flush()
        pending, syncing, sync = set(futures), [], None
        while pending or held:
            if sync is None and held:  # one sync for every chunk whose files were written before it starts
                syncer = syncer or ThreadPoolExecutor(1, thread_name_prefix="proofgate-sync")
                syncing, sync = list(held), syncer.submit(stage.sync)
            finished, _ = wait((pending | {sync}) if sync else pending, return_when=FIRST_COMPLETED)
            for future in finished:
                if future is sync:
                    future.result()  # a sync that failed: none of these chunks is recorded
                    for c in syncing:
                        ready.update(held.pop(c))
                    syncing, sync = [], None
                    continue
                pending.discard(future)
                members = chunks[futures[future]]
                try:
                    synced, answers = future.result()
                except Exception as error:  # the worker died, or the cluster lost it: no answer, no verdict
                    synced, answers = True, [stage.no_answer(f"the worker failed: {type(error).__name__}: "
                                                             f"{error}")] * len(members)
                outcomes = {i: finish(i, a) for i, a in zip(members, answers)}
                if synced:
                    ready.update(outcomes)
                else:
                    held[futures[future]] = outcomes
            flush()
        return done
    except BaseException:
        for future in futures:
            future.cancel()
        executors.stop(executor)  # before the temporary files go: no worker, no solver, still writing them
        raise
    finally:
        if syncer is not None:
            syncer.shutdown(wait=False)
        for ticket in tickets.values():
            stage.cleanup(ticket)


# --- what the stages share ----------------------------------------------------------------------


def default_name(formula) -> str:
    """A control or subject name from a file name: php-4.cnf.gz -> php-4."""
    name = Path(formula).name
    for ending in (".gz", ".xz", ".bz2", ".cnf", ".dimacs"):
        if name.endswith(ending):
            name = name[: -len(ending)]
    name = re.sub(r"[^A-Za-z0-9._-]", "-", name) or "formula"
    return name if TOKEN.match(name) else "_" + name


def new_row(run_id: str, job: Job, cwd: Path | None = None, **fields) -> ResultRow:
    """A job's result row, NOT CHECKABLE until a stage has the kernel's verdict (`fields` fill it in)."""
    return ResultRow(**{"run_id": run_id, "control_id": job.control, "subject": job.subject,
                        "verdict": Result.NOT_CHECKABLE, "formula_path": display_path(job.formula, cwd),
                        "created_at": utcnow(), **fields})


def display_path(formula, cwd: Path | None = None) -> str:
    """As given, but relative to the working directory when inside it (SARIF locations, reports)."""
    path = Path(formula)
    if path.is_absolute():
        try:
            path = path.relative_to(cwd or Path.cwd())
        except ValueError:
            pass
    return path.as_posix()
