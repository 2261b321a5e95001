"""Where the workers run: a local process pool, a Dask cluster (`Client.get_executor()`), or this process.

All three are `concurrent.futures` executors, so run_jobs has one loop for them.  A Dask worker may
be on another machine: the stages send it plain data (bytes, absolute paths), never an open file.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor

from ..errors import UserError
from . import worker


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
        raise UserError("--executor dask://... needs dask: pip install '.[dask]' in a proofgate checkout") from None
    scheme, sep, rest = address.partition("://")
    if not sep or not rest:
        raise UserError(f"--executor {address!r}: give dask://HOST:PORT")
    target = ("tcp://" + rest) if scheme == "dask" else address
    try:
        client = Client(target, timeout="10s")
    except (OSError, TimeoutError) as error:
        raise UserError(f"--executor {address}: cannot reach the Dask scheduler: {error}") from None
    return client.get_executor(pure=False), client


class InlineExecutor(Executor):
    """Each task at once, in this process (one formula proved by `prove()`): the same stages, no pool."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # as a pool would report it; an interrupt goes on up
            future.set_exception(error)
        return future


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


def worker_count(executor, client=None) -> int:
    if client is not None:
        return max(1, len(client.scheduler_info().get("workers", {})))
    return getattr(executor, "_max_workers", None) or 1
