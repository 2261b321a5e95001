"""What a run is shown as: HTML, Markdown, OSCAL, JUnit and SARIF, all read from one Assessment
(assessment.py), so that they cannot disagree about a run.  The structured formats are built as data
and serialised by the standard library: escaping is never hand-made."""
from __future__ import annotations

FORMATS = ("html", "md", "oscal", "junit", "sarif")


def render(a, fmt: str, gate=None) -> str:
    """Run `a` as format `fmt` (one of FORMATS); `gate`: its outcome, for the formats that show one."""
    if fmt == "html":
        from .html import html
        return html(a)
    if fmt == "md":
        from .markdown import markdown
        return markdown(a, gate)
    if fmt == "oscal":
        from .oscal import assessment_results
        return assessment_results(a)
    if fmt == "junit":
        from .junit import junit
        return junit(a, gate)
    if fmt == "sarif":
        from .sarif import sarif
        return sarif(a, gate=gate)
    raise ValueError(f"unknown report format {fmt!r} (have: {', '.join(FORMATS)})")
