"""The exit codes of every `proofgate` command (the table in README.md)."""
from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # verified; every result PASS; everything checks; the gate passes; done
    FAILED = 1  # not verified (a proof rejected, a model falsified); a FAIL; a check or the gate failed
    BAD_INPUT = 2  # bad input or usage: the message names the file and the line or byte offset
    INTERNAL = 3  # a bug of ours (or a producer's certificate the kernel rejects)
    NO_VERDICT = 4  # no conclusion: a time or memory limit, no answer, a NOT CHECKABLE (and no FAIL)
    NOTHING = 5  # nothing to check: no subject found in the inputs
    INTERRUPTED = 130  # SIGINT or SIGTERM: the run is incomplete, resume it


def of_results(results: Iterable[str], bad_input: bool = False) -> ExitCode:
    """A run's code: bad input first, else as its results taken together (Result.worst); no result is OK."""
    from .results import Result  # here: a plain check's exit code needs no results (typing, enum.Enum)
    results = list(results)
    if bad_input:
        return ExitCode.BAD_INPUT
    if not results:
        return ExitCode.OK
    return {Result.PASS: ExitCode.OK, Result.FAIL: ExitCode.FAILED,
            Result.NOT_CHECKABLE: ExitCode.NO_VERDICT}[Result.worst(results)]
