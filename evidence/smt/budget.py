"""The producers' limits: a deterministic budget first, the wall clock only as a safety net.

A budget counts the solver's own work (SAT conflicts; cvc5's resource units), so the same problem
gets the same answer on a quiet machine and on a loaded one; the wall-clock limit stays behind it
for what a budget does not count (a theory solver's loop, cvc5's preprocessing).  The budget is set
for the producer running in this process (`limit`) and read where the SAT solvers are called
(native.Search, solvers._compat), which keeps it out of every signature in between.  Each producer
gets the whole budget afresh.  Which limit ended a search is said in its reason, in words that go
into the stored result: "budget: 200000 conflicts exhausted" or "wall-clock safety net 60 s"."""
from __future__ import annotations

import contextlib
import threading

DEFAULT_CONFLICTS = 200_000  # `run --budget`: far above what any sample or AWS managed policy needs
CVC5_UNITS_PER_CONFLICT = 20  # cvc5's rlimit for the same budget (its units are finer than a conflict)


class Exhausted(Exception):
    """The deterministic budget ran out: no answer, and the same on any machine."""

    def __str__(self) -> str:  # args stay (what,): it pickles back as it was
        return f"budget: {self.args[0]} exhausted"


class _Budget(threading.local):  # per thread: a Dask worker runs several tasks at once, each its own budget
    given: int | None = None  # the budget as set, for messages
    left: int | None = None  # conflicts left to the producer running here (None: no budget)


_budget = _Budget()


@contextlib.contextmanager
def limit(conflicts: int | None):
    """A budget of `conflicts` for whatever runs inside (None: unlimited)."""
    previous = (_budget.given, _budget.left)
    _budget.given = _budget.left = conflicts
    try:
        yield
    finally:
        _budget.given, _budget.left = previous


def given() -> int | None:
    return _budget.given


def left() -> int | None:
    """Conflicts the next SAT call may spend (None: no budget); Exhausted when none are left."""
    if _budget.left is not None and _budget.left <= 0:
        raise exhausted()
    return _budget.left


def spend(conflicts: int) -> None:
    """Charge a SAT call (at least one unit, so a loop of calls that never conflict still ends)."""
    if _budget.left is not None:
        _budget.left -= max(1, conflicts)


def exhausted() -> Exhausted:
    return Exhausted(f"{_budget.given} conflicts")


def safety_net(seconds: float) -> str:
    return f"wall-clock safety net {seconds:g} s"
