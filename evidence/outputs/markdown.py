"""The Markdown summary (templates/summary.md.j2): a CI job summary, with the gate's table when there is one."""
from __future__ import annotations

from ..results import Result
from .assessment import Assessment
from .templating import render

MARKDOWN_LIMIT = 1 << 20  # GitHub's cap on a job summary


def markdown(a: Assessment, gate=None, limit: int = MARKDOWN_LIMIT) -> str:
    """The summary, with as many control rows as fit in `limit` bytes (problems first)."""
    order = {Result.FAIL: 0, Result.NOT_CHECKABLE: 1, Result.PASS: 2}
    controls = sorted(a.controls, key=lambda c: (order[c.verdict], c.id))
    shown = len(controls)
    while True:
        text = render("summary.md.j2", a=a, gate=gate, controls=controls[:shown], hidden=len(controls) - shown)
        if len(text.encode()) < limit or shown == 0:
            return text
        shown = shown * 3 // 4 if shown > 4 else shown - 1
