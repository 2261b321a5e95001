"""The HTML report: one self-contained page (templates/report.html.j2) for people."""
from __future__ import annotations

from .assessment import Assessment, bundle_name
from .templating import render


def html(a: Assessment) -> str:
    return render("report.html.j2", a=a, name=bundle_name)
