"""`proofgate run`: every control of a catalog on every subject it applies to, stored as a run.

Per (control, subject): encode the violation (main process; an unsupported feature is a NOT
CHECKABLE naming it), produce a certificate (untrusted, in a worker, with a time limit), check it with
the kernel (main process, on the stored files), and for a `sat` answer decode the model and have the
evaluator confirm it. Stored like `prove` runs: the problem (.smt2) as the formula, the certificate
as the proof (PASS) or model (FAIL), the kernel's verdict JSON, so report, bundle, verify and gate
work unchanged; the catalog's version and sha256 name the run's catalog."""
from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import as_completed
from dataclasses import dataclass

from ..policy.encode import READABLE
from ..policy.errors import Unsupported
from ..policy.judge import encode, judge, produce
from ..results import Result, answer_kind
from ..store.models import Artifact, Control, ResultRow, Subject, utcnow


@dataclass
class Work:
    """What a worker returns: the producer's answer and certificate (untrusted)."""
    answer: str
    certificate: bytes | None
    producer: str
    seconds: float
    reason: str | None


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


def run_catalog(store, run_id, catalog, estate, executor, timeout, on_result=None, kernel=None) -> list:
    import checker
    kernel = kernel or checker.kernels()[0]
    pairs, excluded = plan(catalog, estate)
    for control in catalog.controls:
        store.add_control(Control(run_id=run_id, id=control.id, title=control.title,
                                  mappings=_json({k: list(v) for k, v in control.mappings.items()}),
                                  remediation=control.statement))
    for name, reason in excluded.items():
        store.add_subject(Subject(run_id=run_id, name=name, status="excluded", reason=reason))
    encoded = [(c, s, encode(c, s, estate)) for c, s in pairs]
    futures = {executor.submit(work, e.problem.encode(), timeout, READABLE): i for i, (_, _, e) in enumerate(encoded)
               if not isinstance(e, Unsupported)}
    results: list = [None] * len(encoded)
    for i, (c, s, e) in enumerate(encoded):
        if isinstance(e, Unsupported):
            results[i] = _record(store, run_id, c, s, None, None, f"not supported: {e.feature}", [])
            on_result and on_result(results[i])
    for future in as_completed(futures):
        i = futures[future]
        c, s, e = encoded[i]
        try:
            worked = future.result()
        except Exception as error:  # a worker that died gives no answer, never a verdict
            worked = Work("unknown", None, "", 0.0, f"worker failed: {type(error).__name__}: {error}")
        results[i] = _finish(store, run_id, c, s, estate, e, worked, kernel)
        on_result and on_result(results[i])
    return results


def _finish(store, run_id, control, subject, estate, encoded, worked: Work, kernel) -> ResultRow:
    problem_sha, problem_size = store.put_bytes(encoded.problem.encode())
    artifacts = [Artifact(sha256=problem_sha, size=problem_size, kind="formula", suffix=".smt2")]
    if worked.certificate is None:
        reason = worked.reason or "the producer gave no answer"
        return _record(store, run_id, control, subject, problem_sha, worked, reason, artifacts)
    cert_sha, cert_size = store.put_bytes(worked.certificate)
    judged = judge(control, subject, estate, encoded, store.path_of(problem_sha), store.path_of(cert_sha), kernel)
    v = judged.kernel_verdict
    if v is None:  # the kernel could not read the certificate
        return _record(store, run_id, control, subject, problem_sha, worked, judged.reason, artifacts)
    kind = answer_kind(v.proof["format"])
    artifacts.append(Artifact(sha256=cert_sha, size=cert_size, kind=kind, suffix=".smtcert"))
    verdict_sha, verdict_size = store.put_bytes(v.to_json(indent=2, sort_keys=True).encode() + b"\n")
    artifacts.append(Artifact(sha256=verdict_sha, size=verdict_size, kind="verdict", suffix=".json"))
    reason = judged.counterexample if judged.verdict is Result.FAIL else judged.reason
    result = _result(run_id, control, subject, judged.verdict, reason, problem_sha, worked)
    setattr(result, f"{kind}_sha256", cert_sha)
    result.verdict_sha256 = verdict_sha
    result.kernel, result.kernel_version, result.kernel_digest = v.kernel, v.kernel_version, v.kernel_digest
    result.kernel_status, result.kernel_code, result.check_seconds = v.status, v.code, v.seconds
    store.record(result, artifacts, subject=Subject(run_id=run_id, name=subject.id, status="analysed"))
    return result


def _record(store, run_id, control, subject, problem_sha, worked, reason, artifacts) -> ResultRow:
    result = _result(run_id, control, subject, Result.NOT_CHECKABLE, reason, problem_sha, worked)
    store.record(result, artifacts, subject=Subject(run_id=run_id, name=subject.id, status="analysed"))
    return result


def _result(run_id, control, subject, verdict, reason, problem_sha, worked) -> ResultRow:
    return ResultRow(run_id=run_id, control_id=control.id, subject=subject.id, verdict=verdict, reason=reason,
                     formula_path=subject.file, formula_sha256=problem_sha,
                     solver=worked.producer if worked else None, solve_seconds=worked.seconds if worked else None,
                     created_at=utcnow())


def _json(value) -> str:
    import json
    return json.dumps(value, sort_keys=True)


def line(result: ResultRow) -> str:
    what = f"{result.control_id}/{result.subject}"
    detail = "UNSAT certificate verified by the kernel" if result.verdict == Result.PASS else result.reason
    return f"{result.verdict:<13} {what}  ({detail})"
