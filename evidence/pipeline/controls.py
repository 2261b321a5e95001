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
import time
from dataclasses import dataclass, field

from ..policy.encode import READABLE
from ..policy.errors import Unsupported
from ..policy.judge import encode
from ..policy.queries import Encoded
from ..results import Result, answer_kind
from ..smt.budget import DEFAULT_CONFLICTS
from ..store.models import ANSWER_SUFFIX, Artifact, CachedProof, Control, ResultRow, Subject, SubjectSource, utcnow
from . import batch
from .batch import kernel_digest
from .cache import cache_key, control_digest
from .control_worker import Task, Work, work, work_chunk
from .jobs import Done, Job, Outcome, new_row, run_jobs
from .judging import judge_reported, reported_wrongly


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
    """A pair encoded, sent to a worker: the encoding, its cache key, and the cache entry whose
    certificate the worker is to check again (None: solve)."""
    encoded: Encoded
    key: str
    problem: bytes
    kind: str  # the control's query kind (control_worker.order)
    cached: CachedProof | None = None


@dataclass
class Counts:
    """What a run did: results reused from the cache, cached answers the kernel (or their hash) turned
    down, and the seconds of each stage (produce and kernel: the workers' own time, summed)."""
    reused: int = 0
    rejected: int = 0
    solved: int = 0
    unchecked: int = 0  # of the reused, those on their stored kernel verdict (--reuse-verdicts), not re-checked
    seconds: dict = field(default_factory=lambda: dict.fromkeys(("encode", "produce", "kernel", "judge", "store"),
                                                                0.0))


class Judging:
    """The stage (jobs.Stage) of `run`: encode here (and find a cached answer), produce or re-check in
    the workers (control_worker.py: the kernel checks there), store and judge here."""

    def __init__(self, store, run_id: str, estate, timeout: float | None, kernel: str | None = None,
                 conflicts: int | None = DEFAULT_CONFLICTS, cache: bool = True, recheck: bool = True):
        import checker
        self.store, self.run_id, self.estate, self.timeout = store, run_id, estate, timeout
        self.kernel = kernel or checker.kernels()[0]
        self.expected = {k: kernel_digest(k) for k in checker.kernels()}
        self.conflicts, self.cache, self.counts = conflicts, cache, Counts()
        self._remembered: list[CachedProof] = []
        self._digests: dict[int, tuple[object, str]] = {}  # id(control) -> (control, control_digest)
        self._unlooked: list[Ticket] = []  # started, their cache entries not yet looked up (submit does, at once)
        self.recheck = recheck  # False (--reuse-verdicts): a cached answer's stored verdict is not checked again

    def start(self, job: Job) -> Ticket | Outcome:
        control, subject = job.question
        clock = time.perf_counter()
        encoded = encode(control, subject, self.estate)
        self.counts.seconds["encode"] += time.perf_counter() - clock
        if isinstance(encoded, Unsupported):
            return Outcome(self._row(job, None, reason=f"not supported: {encoded.feature}"))
        problem = encoded.problem.encode()
        ticket = Ticket(encoded, cache_key(hashlib.sha256(problem).hexdigest(), control, self._digest(control)),
                        problem, control.query.kind)
        if self.cache:
            self._unlooked.append(ticket)
        return ticket

    def _digest(self, control) -> str:
        """control_digest, once per control of the run (the control is kept, so its id stays its own)."""
        known = self._digests.get(id(control))
        if known is None or known[0] is not control:
            known = self._digests[id(control)] = (control, control_digest(control))
        return known[1]

    def _look_up(self) -> None:
        """The cache entries of every ticket started and not yet looked up, in one query (run_jobs
        starts every job before it submits the first chunk): not one query a pair."""
        if self._unlooked:
            found = self.store.cached([t.key for t in self._unlooked])
            for t in self._unlooked:
                t.cached = found.get(t.key)
            self._unlooked = []

    def _task(self, ticket: Ticket) -> Task:
        entry = ticket.cached
        if entry is not None:
            certificate = self._cached_bytes(entry)
            if certificate is not None:
                return Task(ticket.problem, ticket.kind, certificate, entry.producer)
            ticket.cached = None  # gone or altered: solved afresh
            self.counts.rejected += 1
        return Task(ticket.problem, ticket.kind)

    def _cached_bytes(self, entry: CachedProof) -> bytes | None:
        """The cached certificate, if it is still stored under its sha256 and its bytes still hash to it."""
        return self._stored_bytes(entry.answer_sha256)

    def _stored_bytes(self, sha256: str) -> bytes | None:
        """An artifact's bytes, if it is still stored under its sha256 and its bytes still hash to it."""
        try:
            data = self.store.path_of(sha256).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == sha256 else None

    def settle(self, tickets: list[Ticket]) -> list[Work | None]:
        """With re-checks (the default): None for each, every ticket goes to a worker.  Under
        --reuse-verdicts (recheck False), a cached answer's Work made of the kernel verdict stored with
        it by an earlier run, not checked again: that verdict must be this installation's kernel's
        (the same kernel and digest), VERIFIED, on this problem's and this certificate's sha256, and the
        verdict's, certificate's and problem's bytes must still hash to their names.  Anything less and
        the ticket goes to a worker, as by default.  This trusts the store (its database and
        artifacts) not to have been forged; `verify` and the bundle's re-check still re-derive every
        verdict with the kernel."""
        self._look_up()
        if self.recheck or not self.cache:
            return [None] * len(tickets)
        stored: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for formula, answer, verdict, kernel, digest in self.store.verified_verdicts(
                t.cached.formula_sha256 for t in tickets if t.cached is not None):
            stored.setdefault((formula, answer), []).append((verdict, kernel, digest))
        return [self._stored(t, stored) for t in tickets]

    def _stored(self, ticket: Ticket, stored: dict) -> Work | None:
        entry = ticket.cached
        if entry is None:
            return None
        problem_sha = hashlib.sha256(ticket.problem).hexdigest()
        for verdict_sha, kernel, digest in stored.get((problem_sha, entry.answer_sha256), []):
            if kernel != self.kernel or digest != self.expected.get(kernel):
                continue
            raw, certificate = self._stored_bytes(verdict_sha), self._cached_bytes(entry)
            if raw is None or certificate is None or not self.store.has_artifact(problem_sha):
                return None
            try:
                verdict = json.loads(raw)
            except ValueError:
                return None
            if not isinstance(verdict, dict) or verdict.get("status") != "VERIFIED" or \
                    reported_wrongly(verdict, problem_sha, entry.answer_sha256, self.expected):
                continue
            return Work("stored", certificate, entry.producer, 0.0, None, verdict)
        return None

    def submit(self, executor, tickets: list[Ticket]):
        self._look_up()
        tasks = [self._task(t) for t in tickets]
        return executor.submit(work_chunk, tasks, self.timeout, READABLE, self.conflicts, self.kernel)

    def finish(self, job: Job, ticket: Ticket, worked: Work) -> Outcome:
        outcome = self._judged(job, ticket, worked)
        if worked.answer == "failed":  # run_jobs records a lost worker's results at once: no later sync
            self.sync()
        if ticket.cached is not None:
            if outcome.row.verdict in (Result.PASS, Result.FAIL):
                self.counts.reused += 1
                self.counts.unchecked += worked.answer == "stored"
                return outcome
            # the kernel (or the evaluator) turns the cached answer down now: solve afresh, here
            self.counts.rejected += 1
            ticket.cached = None
            worked = work(Task(ticket.problem, ticket.kind), self.timeout, READABLE, self.conflicts,
                          self.kernel)
            outcome = self._judged(job, ticket, worked)
        self.counts.solved += 1
        self.counts.seconds["produce"] += worked.seconds
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

    def _judged(self, job: Job, ticket: Ticket, worked: Work) -> Outcome:
        """The row the worker's report makes, once its verdict is shown to be this installation's
        kernel's on the very bytes stored here; a model is then decoded and confirmed (judging.py)."""
        store, seconds = self.store, self.counts.seconds
        control, subject = job.question
        seconds["kernel"] += worked.kernel_seconds
        clock = time.perf_counter()
        problem_sha, problem_size = store.put_bytes_once(ticket.problem)
        artifacts = [Artifact(sha256=problem_sha, size=problem_size, kind="formula", suffix=".smt2")]
        v = worked.verdict
        if worked.certificate is None or v is None:
            seconds["store"] += time.perf_counter() - clock
            reason = worked.reason or "the producer gave no answer"
            return Outcome(self._row(job, worked, reason=reason, formula_sha256=problem_sha), artifacts)
        cert_sha = hashlib.sha256(worked.certificate).hexdigest()
        wrong = reported_wrongly(v, problem_sha, cert_sha, self.expected)
        if wrong:
            seconds["store"] += time.perf_counter() - clock
            return Outcome(self._row(job, worked, reason=wrong, formula_sha256=problem_sha), artifacts)
        if ticket.cached is None:
            store.put_bytes_once(worked.certificate)
        cert_path = store.path_of(cert_sha)
        v = {**v, "formula": {**v["formula"], "path": str(store.path_of(problem_sha))},
             "proof": {**v["proof"], "path": str(cert_path)}}  # where the kernel's inputs are kept
        verdict_sha, verdict_size = store.put_bytes_once(json.dumps(v, indent=2, sort_keys=True).encode() + b"\n")
        judged_at = time.perf_counter()
        seconds["store"] += judged_at - clock
        judged = judge_reported(control, subject, self.estate, ticket.encoded, v, cert_path)
        seconds["judge"] += time.perf_counter() - judged_at
        kind = answer_kind(v["proof"]["format"])
        artifacts += [Artifact(sha256=cert_sha, size=len(worked.certificate), kind=kind,
                               suffix=ANSWER_SUFFIX[v["proof"]["format"]]),
                      Artifact(sha256=verdict_sha, size=verdict_size, kind="verdict", suffix=".json")]
        row = self._row(job, worked, verdict=judged.verdict,
                        reason=judged.counterexample if judged.verdict is Result.FAIL else judged.reason,
                        formula_sha256=problem_sha, verdict_sha256=verdict_sha, kernel=v["kernel"],
                        kernel_version=v["kernel_version"], kernel_digest=v["kernel_digest"],
                        kernel_status=v["status"], kernel_code=v["code"], check_seconds=v["seconds"],
                        **{f"{kind}_sha256": cert_sha})
        return Outcome(row, artifacts)

    def _row(self, job: Job, worked: Work | None, **fields) -> ResultRow:
        _, subject = job.question
        solver = worked.producer if worked else None
        if worked is not None and worked.answer == "cached":
            solver = f"{worked.producer} (reused from the proof cache)"
        elif worked is not None and worked.answer == "stored":
            solver = f"{worked.producer} (reused from the proof cache with its stored kernel verdict, " \
                     "not re-checked: --reuse-verdicts)"
        return new_row(self.run_id, job, formula_path=subject.file, solver=solver,
                       solve_seconds=worked.seconds if worked else None, **fields)

    def no_answer(self, reason: str) -> Work:
        return Work("failed", None, "", 0.0, reason)

    def chunk_size(self, todo: int, workers: int) -> int:
        # warm workers answer most pairs in tens of milliseconds: a few per future, yet enough
        # futures that both workers stay busy to the end
        return max(1, min(8, todo // (8 * max(1, workers))))

    def sync(self) -> None:
        batch.sync(str(self.store.artifacts))  # one syncfs for the files of many results (a group commit)

    def cleanup(self, ticket: Ticket) -> None:
        pass

    def line(self, done: Done) -> str:
        return line(done)


def bind_inputs(store, run_id: str, catalog_path, read: list[str], estate) -> dict[str, str]:
    """What ties the run's evidence to the files reviewed: each file read (and the catalog) kept with its
    sha256, and each subject's source file and element path.  `verify` re-derives the encodings from them."""
    digests = store.add_input_files(run_id, [(str(catalog_path), "catalog")] + [(p, "input") for p in read])
    store.add_subject_sources(run_id, [SubjectSource(run_id=run_id, subject=s.id, path=s.source or s.file,
                                                     sha256=digests[s.source or s.file], element=s.element)
                                       for s in estate.subjects.values() if (s.source or s.file) in digests])
    return digests


def run_catalog(store, run_id, catalog, estate, executor, timeout, on_result=None, kernel=None, *,
                conflicts: int | None = DEFAULT_CONFLICTS, cache: bool = True, counts: Counts | None = None,
                workers: int = 1, recheck: bool = True) -> list[Done]:
    """`run`: the catalog's controls and the excluded subjects registered, then each (control, subject)
    through jobs.run_jobs: reused from the proof cache (unless `cache` is False), its certificate
    checked by the kernel again (unless `recheck` is False: --reuse-verdicts, Judging.settle), else
    produced within the budget of `conflicts`.  `counts`, if given, is filled in (reused, solved, seconds by stage)."""
    pairs, excluded = plan(catalog, estate)
    for control in catalog.controls:
        store.add_control(Control(run_id=run_id, id=control.id, title=control.title,
                                  mappings=json.dumps({k: list(v) for k, v in control.mappings.items()},
                                                      sort_keys=True),
                                  remediation=control.statement))
    for name, reason in excluded.items():
        store.add_subject(Subject(run_id=run_id, name=name, status="excluded", reason=reason))
    jobs = [Job(c.id, s.id, s.file, question=(c, s)) for c, s in pairs]
    stage = Judging(store, run_id, estate, timeout, kernel, conflicts, cache, recheck)
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
