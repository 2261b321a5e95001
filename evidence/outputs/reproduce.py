"""REPRODUCE.md in a bundle: the commands that re-check each answer, with proofgate's kernel and with
the independent LRAT checkers (templates/reproduce.md.j2)."""
from __future__ import annotations

import shlex

from .assessment import Assessment, bundle_name
from .templating import render


def reproduce(a: Assessment, bundle: str = "BUNDLE.tar.gz") -> str:
    results = [r for r in a.results if r.check_command]
    return render("reproduce.md.j2", a=a, bundle=bundle, results=results, name=bundle_name)


def commands(a: Assessment) -> list[tuple[str, list[str]]]:
    """Every proofgate command the reports print, with the result it must reproduce: ("PASS", [args])."""
    out = []
    for r in a.results:
        for args in (r.check_args, r.export_args):
            if args:
                out.append((str(r.verdict), args))
    return out


def script(a: Assessment) -> str:
    """reproduce.sh: runs every command of `commands(a)`; exit 0 only if each verifies."""
    lines = ["#!/bin/sh",
             f"# Re-checks every answer of proofgate run {a.run.id}; run it from the unpacked bundle.",
             "# PROOFGATE: the command that runs proofgate (default: proofgate).",
             "set -u", 'PROOFGATE="${PROOFGATE:-proofgate}"', "failed=0",
             'one() { verdict="$1"; shift; echo "== $verdict: proofgate $*"',
             '  if $PROOFGATE "$@"; then :; else echo "NOT REPRODUCED ($verdict): proofgate $*"; '
             'failed=$((failed + 1)); fi; }']
    todo = commands(a)
    lines += [f"one {verdict.replace(' ', '_')} {shlex.join(args)}" for verdict, args in todo]
    lines += ['if [ "$failed" -ne 0 ]; then echo "$failed of ' + str(len(todo)) + ' command(s) did not verify"; '
              'exit 1; fi', f'echo "all {len(todo)} command(s) verified"', ""]
    return "\n".join(lines)
