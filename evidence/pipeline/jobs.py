"""`proofgate prove` over many formulas, in parallel: one loop over any `concurrent.futures` executor.

The workers only parse and solve (`prove.work`: the strict parse, then the solver in its own
limited child, as ever).  Everything that makes evidence stays in the main process:

* the store: SQLite has one writer, and it is this process;
* the kernel: `prove.finish` checks each answer here, on the files as stored, so a PASS or a
  FAIL never rests on a worker's word (a worker could be stale code on a remote machine); the
  kernel is linear time, small beside the solver, so this costs little parallelism;
* the order: results are recorded, and their lines printed, in the order of the command line.
  A formula done before a slower one ahead of it waits (its artifacts already on disk, its
  result in memory), so a run killed then may redo it on resume; in exchange, output and
  interrupted runs look exactly as they do one formula at a time.

Executors: a local `ProcessPoolExecutor` (`--jobs N`), or a Dask cluster (`--executor dask://HOST:PORT`)
through `Client.get_executor()`.  A Dask worker may not share this file system, so it is sent the
formula's bytes and sends back the proof or model.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed

from . import solve as P
from . import worker
from ..errors import UserError


def prove_all(store, run_id: str, jobs, executor: Executor, timeout, memory_mb, kernel=None, resume=False,
              ship=False, on_result=None) -> list:
    """Prove each (formula, control, subject) of `jobs` through `executor`; returns the `Proved`s in
    the order of `jobs`, each recorded (and passed to `on_result`) as soon as those before it are."""
    started: list = []  # Job, or a Proved ready as it is (skipped on resume)
    futures = {}
    done: list = []
    ready: dict[int, object] = {}

    def flush():
        while len(done) in ready:
            item = ready.pop(len(done))
            proved = item if isinstance(item, P.Proved) else P.record(store, item)
            if not isinstance(item, P.Proved):
                item.cleanup()
            done.append(proved)
            if on_result:
                on_result(proved)

    try:
        for i, (formula, cid, sid) in enumerate(jobs):
            if resume and store.has_result(run_id, cid, sid):
                started.append(P.Proved(P._stored_result(store, run_id, cid, sid), skipped=True))
                ready[i] = started[-1]
                continue
            job = P.start(store, run_id, formula, cid, sid, kernel, ship=ship)
            started.append(job)
            if job.task is None:
                ready[i] = job
            else:
                futures[executor.submit(run_task, job.task, timeout, memory_mb)] = i
        flush()
        for future in as_completed(futures):
            i = futures[future]
            try:
                worked = future.result()
            except Exception as error:  # the worker died or the cluster lost it: no answer, no verdict
                worked = P.Worked("ERROR", reason=f"the worker failed: {type(error).__name__}: {error}")
            P.finish(store, started[i], worked)
            ready[i] = started[i]
            flush()
        return done
    except BaseException:
        for future in futures:
            future.cancel()
        stop(executor)  # before the temporary files go: no worker, no solver, still writing them
        raise
    finally:
        for job in started:
            if isinstance(job, P.Job):
                job.cleanup()


# --- executors --------------------------------------------------------------

def run_task(task, timeout, memory_mb):
    """What a worker runs: `prove.work`, which a SIGTERM (see `worker.init`) stops cleanly; the
    temporary files are main's."""
    return worker.run(P.work, task, timeout, memory_mb)


def local_executor(jobs: int) -> ProcessPoolExecutor:
    # spawn: workers whose parent is this process (so worker.init's death signal is about us), and no
    # fork of a process that may hold threads (the progress bar) or an open database.
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=worker.init, initargs=(os.getpid(),))


def dask_executor(address: str):
    """(executor, client) for dask://HOST:PORT (also tcp://, tls://); a UserError when dask is missing."""
    try:
        from distributed import Client
    except ImportError:
        raise UserError("--executor dask://... needs dask: pip install 'proofgate[dask]'") from None
    scheme, sep, rest = address.partition("://")
    if not sep or not rest:
        raise UserError(f"--executor {address!r}: give dask://HOST:PORT")
    target = ("tcp://" + rest) if scheme == "dask" else address
    try:
        client = Client(target, timeout="10s")
    except (OSError, TimeoutError) as error:
        raise UserError(f"--executor {address}: cannot reach the Dask scheduler: {error}") from None
    return client.get_executor(pure=False), client


def stop(executor: Executor) -> None:
    """Stop now: cancel what has not started and end the local workers (their solvers die with them)."""
    if isinstance(executor, ProcessPoolExecutor):
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            if p.is_alive():
                p.terminate()  # SIGTERM: the worker kills and reaps its solver
        for p in processes:
            p.join(10)
            if p.is_alive():
                p.kill()
                p.join()
    else:
        executor.shutdown(wait=False)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1
