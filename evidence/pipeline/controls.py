"""`proofgate run`: every control of a catalog on every subject it applies to, stored as a run.

Per (control, subject): encode the violation (main process; an unsupported feature is a NOT
CHECKABLE naming it), produce a certificate (untrusted, in a worker, with a time limit), check it with
the kernel (main process, on the stored files), and for a `sat` answer decode the model and have the
evaluator confirm it. Stored like `prove` runs: the problem (.smt2) as the formula, the certificate
as the proof (PASS) or model (FAIL), the kernel's verdict JSON, so report, bundle, verify and gate
work unchanged; the catalog's version and sha256 name the run's catalog.  The certificate is filed
as a proof or a model by the format the kernel found it in, not by what the producer answered."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass

from ..policy.encode import READABLE
from ..policy.errors import Unsupported
from ..policy.judge import encode, judge, produce
from ..policy.queries import Encoded
from ..results import Result, answer_kind
from ..store.models import ANSWER_SUFFIX, Artifact, Control, ResultRow, Subject, SubjectSource
from .jobs import Done, Job, Outcome, new_row, run_jobs


@dataclass
class Work:
    """What a worker returns: the producer's answer and certificate (untrusted)."""
    answer: str
    certificate: bytes | None
    producer: str
    seconds: float
    reason: str | None


def produce_chunk(problems: list[bytes], timeout: float | None, hints: dict | None = None) -> tuple[bool, list[Work]]:
    """What a worker runs: `work` on each problem."""
    return True, [work(p, timeout, hints) for p in problems]


def work(problem: bytes, timeout: float | None, hints: dict | None = None) -> Work:
    """In a worker: produce a certificate for the problem (bytes in, bytes out: Dask workers may not
    share this file system); a model's strings are made readable where they can be (`hints` first)."""
    scratch = tempfile.mkdtemp(prefix="proofgate-run-")
    try:
        path, cert = os.path.join(scratch, "problem.smt2"), os.path.join(scratch, "problem.cert")
        with open(path, "wb") as f:
            f.write(problem)
        produced = produce(path, cert, timeout)
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


class Judging:
    """The stage (jobs.Stage) of `run`: encode here, produce in the workers, check and judge here."""

    def __init__(self, store, run_id: str, estate, timeout: float | None, kernel: str | None = None):
        import checker
        self.store, self.run_id, self.estate, self.timeout = store, run_id, estate, timeout
        self.kernel = kernel or checker.kernels()[0]

    def start(self, job: Job) -> Encoded | Outcome:
        control, subject = job.question
        encoded = encode(control, subject, self.estate)
        if isinstance(encoded, Unsupported):
            return Outcome(self._row(job, None, reason=f"not supported: {encoded.feature}"))
        return encoded

    def submit(self, executor, tickets: list[Encoded]):
        return executor.submit(produce_chunk, [e.problem.encode() for e in tickets], self.timeout, READABLE)

    def finish(self, job: Job, encoded: Encoded, worked: Work) -> Outcome:
        store = self.store
        control, subject = job.question
        problem_sha, problem_size = store.put_bytes(encoded.problem.encode())
        artifacts = [Artifact(sha256=problem_sha, size=problem_size, kind="formula", suffix=".smt2")]
        if worked.certificate is None:
            reason = worked.reason or "the producer gave no answer"
            return Outcome(self._row(job, worked, reason=reason, formula_sha256=problem_sha), artifacts)
        cert_sha, cert_size = store.put_bytes(worked.certificate)
        judged = judge(control, subject, self.estate, encoded, store.path_of(problem_sha), store.path_of(cert_sha),
                       self.kernel)
        v = judged.kernel_verdict
        if v is None:  # the kernel could not read the certificate
            return Outcome(self._row(job, worked, reason=judged.reason, formula_sha256=problem_sha), artifacts)
        kind = answer_kind(v.proof["format"])
        artifacts.append(Artifact(sha256=cert_sha, size=cert_size, kind=kind, suffix=ANSWER_SUFFIX[v.proof["format"]]))
        verdict_sha, verdict_size = store.put_bytes(v.to_json(indent=2, sort_keys=True).encode() + b"\n")
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
        return 1  # a producer's run outweighs a future by far

    def sync(self) -> None:
        pass  # stored here, fsynced

    def cleanup(self, encoded: Encoded) -> None:
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


def run_catalog(store, run_id, catalog, estate, executor, timeout, on_result=None, kernel=None) -> list[Done]:
    """`run`: the catalog's controls and the excluded subjects registered, then each (control, subject)
    through jobs.run_jobs."""
    pairs, excluded = plan(catalog, estate)
    for control in catalog.controls:
        store.add_control(Control(run_id=run_id, id=control.id, title=control.title,
                                  mappings=json.dumps({k: list(v) for k, v in control.mappings.items()},
                                                      sort_keys=True),
                                  remediation=control.statement))
    for name, reason in excluded.items():
        store.add_subject(Subject(run_id=run_id, name=name, status="excluded", reason=reason))
    jobs = [Job(c.id, s.id, s.file, question=(c, s)) for c, s in pairs]
    return run_jobs(store, run_id, jobs, Judging(store, run_id, estate, timeout, kernel), executor,
                    on_result=on_result)


def line(done: Done) -> str:
    """A result as `run` prints it."""
    result = done.result
    what = f"{result.control_id}/{result.subject}"
    detail = "UNSAT certificate verified by the kernel" if result.verdict == Result.PASS else result.reason
    return f"{result.verdict:<13} {what}  ({detail})"
