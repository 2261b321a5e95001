"""Runs as controls: each control's result over its subjects, and what changed between two runs."""
from __future__ import annotations

from ..results import Result
from .store import Store


def control_verdicts(results) -> dict[str, Result]:
    """Each control over its subjects (Result.worst: FAIL if any subject fails, ...)."""
    by_control: dict[str, list[str]] = {}
    for r in results:
        by_control.setdefault(r.control_id, []).append(r.verdict)
    return {c: Result.worst(v) for c, v in sorted(by_control.items())}


def diff_runs(store: Store, run_a: str, run_b: str) -> dict:
    """Controls whose verdict changed from run A to run B, and those added or removed."""
    a = control_verdicts(store.results(store.run(run_a).id))
    b = control_verdicts(store.results(store.run(run_b).id))
    return {
        "changed": [(c, a[c], b[c]) for c in sorted(a.keys() & b.keys()) if a[c] != b[c]],
        "added": [(c, b[c]) for c in sorted(b.keys() - a.keys())],
        "removed": [(c, a[c]) for c in sorted(a.keys() - b.keys())],
        "unchanged": sum(a[c] == b[c] for c in a.keys() & b.keys()),
    }
