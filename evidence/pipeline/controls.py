"""`proofgate run`: every control of a catalog on every subject it applies to, stored as a run.

Per (control, subject): encode the violation (main process; an unsupported feature is a NOT
CHECKABLE naming it), reuse a cached answer the kernel accepts again (cache.py), or produce a
certificate (untrusted, in a warm worker, within a deterministic budget: smt/budget.py), check it with
the kernel (main process, on the stored files), and for a `sat` answer decode the model and have the
evaluator confirm it. Stored like `prove` runs: the problem (.smt2) as the formula, the certificate
as the proof (PASS) or model (FAIL), the kernel's verdict JSON, so report, bundle, verify and gate
work unchanged; the catalog's version and sha256 name the run's catalog.  The certificate is filed
as a proof or a model by the format the kernel found it in, not by what the producer answered."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field

from ..policy.encode import READABLE
from ..policy.errors import Unsupported
from ..policy.judge import encode, judge, produce
from ..policy.queries import Encoded
from ..results import Result, answer_kind
from ..smt.budget import DEFAULT_CONFLICTS
from ..store.models import ANSWER_SUFFIX, Artifact, CachedProof, Control, ResultRow, Subject, utcnow
from ..store.store import file_sha256
from .cache import cache_key
from .jobs import Done, Job, Outcome, new_row, run_jobs


@dataclass
class Work:
    """What a worker returns: the producer's answer and certificate (untrusted)."""
    answer: str
    certificate: bytes | None
    producer: str
    seconds: float
    reason: str | None


def produce_chunk(problems: list[bytes], timeout: float | None, hints: dict | None = None,
                  conflicts: int | None = DEFAULT_CONFLICTS) -> tuple[bool, list[Work]]:
    """What a worker runs: `work` on each problem."""
    return True, [work(p, timeout, hints, conflicts) for p in problems]


def work(problem: bytes, timeout: float | None, hints: dict | None = None,
         conflicts: int | None = DEFAULT_CONFLICTS) -> Work:
    """In a worker: produce a certificate for the problem (bytes in, bytes out: Dask workers may not
    share this file system); a model's strings are made readable where they can be (`hints` first)."""
    scratch = tempfile.mkdtemp(prefix="proofgate-run-")
    try:
        path, cert = os.path.join(scratch, "problem.smt2"), os.path.join(scratch, "problem.cert")
        with open(path, "wb") as f:
            f.write(problem)
        produced = produce(path, cert, timeout, conflicts)
        if produced.answer == "sat":
            _readable(path, cert, hints)
        data = open(cert, "rb").read() if produced.answer in ("sat", "unsat") else None
        return Work(produced.answer, data, produced.producer, round(produced.seconds, 3), produced.reason)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _readable(path, cert, hints):
    from checker.smtlib import SmtError

    from ..smt.readable import improve
    try:
        improve(path, cert, hints)
    except (SmtError, ValueError, OSError, RecursionError):
        pass  # cosmetic: the certificate stays as the producer wrote it, and the kernel checks it either way


def plan(catalog, estate):
    """(control, subject) pairs to analyse, and the subjects no control applies to, with reasons."""
    pairs = [(c, s) for c in catalog.controls for s in estate.subjects.values() if c.applies(s)]
    used = {s.id for _, s in pairs}
    excluded = {s.id: f"no control of catalog {catalog.version} applies to a {s.kind}"
                + (" (only default groups and ACLs are checked by NET-3)" if s.kind == "security-group" else "")
                for s in estate.subjects.values() if s.id not in used}
    return pairs, excluded


@dataclass
class Ticket:
    """A pair encoded, sent to a worker: the encoding and its cache key."""
    encoded: Encoded
    key: str


@dataclass
class Counts:
    """What a run did: results reused from the cache, cached answers the kernel (or their hash) turned
    down, and the seconds of each stage (produce: the workers' own time, summed)."""
    reused: int = 0
    rejected: int = 0
    solved: int = 0
    seconds: dict = field(default_factory=lambda: dict.fromkeys(("encode", "produce", "kernel", "store"), 0.0))


class Judging:
    """The stage (jobs.Stage) of `run`: encode here (and reuse a cached answer the kernel accepts
    again), produce in the workers, check and judge here."""

    def __init__(self, store, run_id: str, estate, timeout: float | None, kernel: str | None = None,
                 conflicts: int | None = DEFAULT_CONFLICTS, cache: bool = True):
        import checker
        self.store, self.run_id, self.estate, self.timeout = store, run_id, estate, timeout
        self.kernel = kernel or checker.kernels()[0]
        self.conflicts, self.cache, self.counts = conflicts, cache, Counts()
        self._remembered: list[CachedProof] = []

    def start(self, job: Job) -> Ticket | Outcome:
        control, subject = job.question
        clock = time.perf_counter()
        encoded = encode(control, subject, self.estate)
        self.counts.seconds["encode"] += time.perf_counter() - clock
        if isinstance(encoded, Unsupported):
            return Outcome(self._row(job, None, reason=f"not supported: {encoded.feature}"))
        problem = encoded.problem.encode()
        key = cache_key(hashlib.sha256(problem).hexdigest(), control)
        if self.cache:
            entry = self.store.cached([key]).get(key)
            if entry is not None:
                reused = self._reuse(job, encoded, entry)
                if reused is not None:
                    self.counts.reused += 1
                    return reused
                self.counts.rejected += 1
        return Ticket(encoded, key)

    def _reuse(self, job: Job, encoded: Encoded, entry: CachedProof) -> Outcome | None:
        """The cached answer checked by the kernel again, as a fresh one would be: its Outcome if the
        stored bytes still hash to their name and the result is a PASS or a FAIL again, else None."""
        path = self.store.path_of(entry.answer_sha256)
        try:
            if file_sha256(path)[0] != entry.answer_sha256:
                return None
            certificate = path.read_bytes()
        except OSError:
            return None
        worked = Work("cached", certificate, f"{entry.producer} (reused from the proof cache)", 0.0, None)
        outcome = self._judged(job, encoded, worked, put_certificate=False)
        return outcome if outcome.row.verdict in (Result.PASS, Result.FAIL) else None

    def submit(self, executor, tickets: list[Ticket]):
        return executor.submit(produce_chunk, [t.encoded.problem.encode() for t in tickets], self.timeout, READABLE,
                               self.conflicts)

    def finish(self, job: Job, ticket: Ticket, worked: Work) -> Outcome:
        self.counts.solved += 1
        self.counts.seconds["produce"] += worked.seconds
        outcome = self._judged(job, ticket.encoded, worked)
        row = outcome.row
        if row.verdict in (Result.PASS, Result.FAIL):  # remembered even under --no-cache: the next run may reuse it
            self._remembered.append(CachedProof(key=ticket.key, formula_sha256=row.formula_sha256,
                                                answer_sha256=row.proof_sha256 or row.model_sha256,
                                                producer=worked.producer, created_at=utcnow()))
            if len(self._remembered) >= 200:
                self.remember()
        return outcome

    def remember(self) -> None:
        """The new cache entries into the store (their artifacts are on disk, fsynced, already)."""
        self.store.remember(self._remembered)
        self._remembered = []

    def _judged(self, job: Job, encoded: Encoded, worked: Work, put_certificate: bool = True) -> Outcome:
        store, seconds = self.store, self.counts.seconds
        control, subject = job.question
        clock = time.perf_counter()
        problem_sha, problem_size = store.put_bytes(encoded.problem.encode())
        artifacts = [Artifact(sha256=problem_sha, size=problem_size, kind="formula", suffix=".smt2")]
        if worked.certificate is None:
            seconds["store"] += time.perf_counter() - clock
            reason = worked.reason or "the producer gave no answer"
            return Outcome(self._row(job, worked, reason=reason, formula_sha256=problem_sha), artifacts)
        if put_certificate:
            cert_sha, cert_size = store.put_bytes(worked.certificate)
        else:  # reused: checked where it is stored
            cert_sha, cert_size = hashlib.sha256(worked.certificate).hexdigest(), len(worked.certificate)
        stored = time.perf_counter()
        judged = judge(control, subject, self.estate, encoded, store.path_of(problem_sha), store.path_of(cert_sha),
                       self.kernel)
        judged_at = time.perf_counter()
        seconds["kernel"] += judged_at - stored
        v = judged.kernel_verdict
        if v is None:  # the kernel could not read the certificate
            seconds["store"] += stored - clock
            return Outcome(self._row(job, worked, reason=judged.reason, formula_sha256=problem_sha), artifacts)
        kind = answer_kind(v.proof["format"])
        artifacts.append(Artifact(sha256=cert_sha, size=cert_size, kind=kind, suffix=ANSWER_SUFFIX[v.proof["format"]]))
        verdict_sha, verdict_size = store.put_bytes(v.to_json(indent=2, sort_keys=True).encode() + b"\n")
        seconds["store"] += (stored - clock) + (time.perf_counter() - judged_at)
        artifacts.append(Artifact(sha256=verdict_sha, size=verdict_size, kind="verdict", suffix=".json"))
        row = self._row(job, worked, verdict=judged.verdict,
                        reason=judged.counterexample if judged.verdict is Result.FAIL else judged.reason,
                        formula_sha256=problem_sha, verdict_sha256=verdict_sha, kernel=v.kernel,
                        kernel_version=v.kernel_version, kernel_digest=v.kernel_digest, kernel_status=v.status,
                        kernel_code=v.code, check_seconds=v.seconds, **{f"{kind}_sha256": cert_sha})
        return Outcome(row, artifacts)

    def _row(self, job: Job, worked: Work | None, **fields) -> ResultRow:
        _, subject = job.question
        return new_row(self.run_id, job, formula_path=subject.file, solver=worked.producer if worked else None,
                       solve_seconds=worked.seconds if worked else None, **fields)

    def no_answer(self, reason: str) -> Work:
        return Work("unknown", None, "", 0.0, reason)

    def chunk_size(self, todo: int, workers: int) -> int:
        # warm workers answer most pairs in tens of milliseconds: a few per future, yet enough
        # futures that both workers stay busy to the end
        return max(1, min(8, todo // (8 * max(1, workers))))

    def sync(self) -> None:
        pass  # stored here, fsynced

    def cleanup(self, ticket: Ticket) -> None:
        pass

    def line(self, done: Done) -> str:
        return line(done)


def run_catalog(store, run_id, catalog, estate, executor, timeout, on_result=None, kernel=None, *,
                conflicts: int | None = DEFAULT_CONFLICTS, cache: bool = True, counts: Counts | None = None,
                workers: int = 1) -> list[Done]:
    """`run`: the catalog's controls and the excluded subjects registered, then each (control, subject)
    through jobs.run_jobs: reused from the proof cache (unless `cache` is False), else produced within
    the budget of `conflicts`.  `counts`, if given, is filled in (reused, solved, seconds by stage)."""
    pairs, excluded = plan(catalog, estate)
    for control in catalog.controls:
        store.add_control(Control(run_id=run_id, id=control.id, title=control.title,
                                  mappings=json.dumps({k: list(v) for k, v in control.mappings.items()},
                                                      sort_keys=True),
                                  remediation=control.statement))
    for name, reason in excluded.items():
        store.add_subject(Subject(run_id=run_id, name=name, status="excluded", reason=reason))
    jobs = [Job(c.id, s.id, s.file, question=(c, s)) for c, s in pairs]
    stage = Judging(store, run_id, estate, timeout, kernel, conflicts, cache)
    if counts is not None:
        stage.counts = counts
    try:
        return run_jobs(store, run_id, jobs, stage, executor, workers=workers, on_result=on_result)
    finally:
        stage.remember()


def line(done: Done) -> str:
    """A result as `run` prints it."""
    result = done.result
    what = f"{result.control_id}/{result.subject}"
    detail = "UNSAT certificate verified by the kernel" if result.verdict == Result.PASS else result.reason
    return f"{result.verdict:<13} {what}  ({detail})"
