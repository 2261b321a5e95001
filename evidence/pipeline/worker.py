"""The first thing a local worker process runs: standard library only.

A pool worker imports the module of its initializer before any task; kept here, away from the
store, the database and the solvers, a worker that only checks proofs (`prove --proof-dir`) starts
in tens of milliseconds, not the third of a second that importing sqlmodel costs.
"""
import os
import signal

busy = False  # a task is running: a SIGTERM unwinds it through its cleanup
pool_worker = False  # init ran: this process is a local pool's worker


def init(parent: int) -> None:
    """In each local worker: die with the main process (even on SIGKILL, Linux); leave Ctrl-C to the
    main process (which stops the workers); on SIGTERM unwind the running task (a solver's cleanup
    kills and reaps it; a check removes its temporary copies), then exit."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the main process died while this one started: no signal will come
        os._exit(1)
    global pool_worker
    pool_worker = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)


def _on_term(signum, frame):
    if busy:
        raise SystemExit(143)
    os._exit(143)


def run(fn, *args):
    """fn(*args) as a task that a SIGTERM stops cleanly: its `finally` blocks run, then the worker exits
    (a SystemExit left to the pool would be sent back as the task's error, and the worker would go on).
    Anywhere else (a Dask worker) it is just fn(*args)."""
    global busy
    busy = True
    try:
        return fn(*args)
    except SystemExit:
        if not pool_worker:
            raise
        os._exit(143)
    finally:
        busy = False
