"""What a warm worker of `run` does for one (control, subject) pair: produce a certificate, or take a
cached one, and have the kernel check it here, as `prove --proof-dir` does (batch.py).

Bytes in, bytes and the kernel's verdict out: a Dask worker may not share the store's file system.
The main process only stores, and uses the verdict after checking that it is this installation's
kernel's and names the very bytes it stores (controls.Judging.finish); it then decodes a model and
has the evaluator confirm it.  Checking in the workers is what lets `run` scale with them: the
kernel's check of a policy problem costs about a tenth of a second, and done in the main process it
capped a run at a few pairs a second however many workers solved.

The producers go cheapest first (`order`): the native DPLL(T) loop answers the policy and network
problems in tens to hundreds of milliseconds (no-action-on-any-resource too, since its string theory
decides a true action's patterns at once: smt/strings.py, Strings.ahead), then cvc5.  A query kind
the native loop is slow on could go to cvc5 first (CVC5_FIRST, empty now).  The choice depends only
on the query's kind, and each attempt is bounded by the deterministic budget (smt/budget.py), so it
is the same on any machine."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass

from ..smt import budget

# Query kinds whose problems the native loop is slow on (bench/bench_estate.py measures it): cvc5 first.
# None now: no-action-on-any-resource was (a round of the search per action and Allow pattern) until the
# string theory decided a true action's patterns at once (smt/strings.py, Strings.ahead).
CVC5_FIRST: frozenset[str] = frozenset()
# Conflicts for the native loop's quick first try (no-action-on-any-resource spends up to ~80 on the
# estate: a SAT call or more a round); cvc5 next gets the whole budget.
NATIVE_FIRST_BUDGET = 256


@dataclass
class Work:
    """What a worker returns: the producer's answer and certificate (untrusted), and the kernel's
    verdict on them (Verdict.to_dict(), None when the kernel could not read the certificate).  `answer`
    is the producer's ("sat", "unsat", "unknown"), "cached" for a cached certificate the kernel checked
    again here, "failed" for a lost worker, or "stored" (never from a worker: controls.Judging.settle,
    under --reuse-verdicts, a cached answer with the verdict stored for it, not checked again)."""
    answer: str
    certificate: bytes | None
    producer: str
    seconds: float
    reason: str | None
    verdict: dict | None = None
    kernel_seconds: float = 0.0


@dataclass
class Task:
    """One pair for a worker: the problem, the query's kind, and a cached certificate to check (or None)."""
    problem: bytes
    kind: str
    cached: bytes | None = None
    producer: str = ""  # of the cached certificate


def order(kind: str) -> tuple[str, ...]:
    return ("cvc5", "native") if kind in CVC5_FIRST else ("native", "cvc5")


def work_chunk(tasks: list[Task], timeout: float | None, hints: dict | None, conflicts: int | None,
               kernel: str) -> tuple[bool, list[Work]]:
    """What a worker runs: each task in turn.  Not synced: the main process writes the artifacts
    without an fsync each, and syncs them all at once before it records the results (jobs.run_jobs)."""
    from . import worker
    return False, worker.run(lambda: [work(t, timeout, hints, conflicts, kernel) for t in tasks])


def work(task: Task, timeout: float | None, hints: dict | None, conflicts: int | None, kernel: str) -> Work:
    scratch = tempfile.mkdtemp(prefix="proofgate-run-")
    try:
        path, cert = os.path.join(scratch, "problem.smt2"), os.path.join(scratch, "problem.cert")
        with open(path, "wb") as f:
            f.write(task.problem)
        if task.cached is not None:
            with open(cert, "wb") as f:
                f.write(task.cached)
            worked = Work("cached", task.cached, task.producer, 0.0, None)
        else:
            worked = _produce(task.kind, path, cert, timeout, conflicts, hints)
        if worked.certificate is not None:
            worked.verdict, worked.kernel_seconds, unreadable = _check(path, cert, kernel)
            worked.reason = worked.reason if unreadable is None else unreadable
        return worked
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _produce(kind: str, path: str, cert: str, timeout: float | None, conflicts: int | None,
             hints: dict | None) -> Work:
    from ..policy.judge import _produce_here, produce
    start = time.monotonic()
    first, reasons = order(kind)[0], []
    if first == "native":  # the quick try; its failure is no verdict, only the way to cvc5
        quick = NATIVE_FIRST_BUDGET if conflicts is None else min(conflicts, NATIVE_FIRST_BUDGET)
        try:
            with budget.limit(quick):
                answer = _produce_here("native", path, cert, timeout)
            if answer in ("sat", "unsat"):
                return _finished(answer, "native", start, path, cert, hints)
        except Exception as error:  # noqa: BLE001 - an untrusted producer's failure is a reason, not ours
            reasons.append(f"native (quick try): {error}"[:300])
    left = None if timeout is None else max(0.001, timeout - (time.monotonic() - start))
    produced = produce(path, cert, left, conflicts)  # cvc5, then native with the whole budget
    if produced.answer in ("sat", "unsat"):
        return _finished(produced.answer, produced.producer, start, path, cert, hints)
    return Work("unknown", None, "", round(time.monotonic() - start, 3), "; ".join(reasons + [produced.reason or ""]))


def _finished(answer: str, producer: str, start: float, path: str, cert: str, hints: dict | None) -> Work:
    if answer == "sat":
        _readable(path, cert, hints)
    with open(cert, "rb") as f:
        data = f.read()
    return Work(answer, data, producer, round(time.monotonic() - start, 3), None)


def _readable(path, cert, hints):
    from checker.smtlib import SmtError

    from ..smt.readable import improve
    try:
        improve(path, cert, hints)
    except (SmtError, ValueError, OSError, RecursionError):
        pass  # cosmetic: the certificate stays as the producer wrote it, and the kernel checks it either way


def _check(path: str, cert: str, kernel: str) -> tuple[dict | None, float, str | None]:
    """(the kernel's verdict as a dict, its seconds, why it could not read the certificate)."""
    import checker
    clock = time.perf_counter()
    try:
        return checker.check_smt(path, cert, kernel).to_dict(), time.perf_counter() - clock, None
    except checker.InputError as error:
        return None, time.perf_counter() - clock, f"the kernel cannot read the producer's certificate: {error}"
