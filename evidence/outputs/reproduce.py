"""REPRODUCE.md in a bundle: the commands that re-check each answer, with proofgate's kernel and with
the independent LRAT checkers (templates/reproduce.md.j2)."""
from __future__ import annotations

from .assessment import Assessment, bundle_name
from .templating import render


def reproduce(a: Assessment, bundle: str = "BUNDLE.tar.gz") -> str:
    results = [r for r in a.results if r.check_command]
    return render("reproduce.md.j2", a=a, bundle=bundle, results=results, name=bundle_name)
