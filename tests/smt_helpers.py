"""Helpers for the SMT producer tests: prove into a temporary folder, check with every kernel."""
from pathlib import Path

from click.testing import CliRunner

import checker
from evidence.cli import cli
from evidence.smt import native
from evidence.smt.checking import check

ROOT = Path(__file__).resolve().parent.parent
SMT = ROOT / "samples" / "smt"


def prove(tmp_path, text_or_path, name="p", **options):
    """(problem path, certificate path, Result) for SMT-LIB text or a problem file."""
    problem = Path(text_or_path) if isinstance(text_or_path, Path) else tmp_path / f"{name}.smt2"
    if not isinstance(text_or_path, Path):
        problem.write_text(text_or_path)
    cert = tmp_path / f"{name}.cert"
    return problem, cert, native.prove(problem, cert, **options)


def verdicts(problem, cert):
    """Every kernel's verdict (a DRAT refutation through the engine first)."""
    out = []
    for kernel in checker.kernels():
        done, verdict, _ = check(problem, cert, kernel)
        assert verdict is not None, done
        out.append(verdict)
    return out


def run_check(problem, cert, *extra):
    return CliRunner().invoke(cli, ["check", *extra, str(problem), str(cert)])


def edit(cert, old, new, count=1):
    """Replace text in a certificate, insisting that it is there."""
    text = cert.read_text()
    assert old in text, (old, text)
    cert.write_text(text.replace(old, new, count))


BROKEN_RETURNS = [None, "", False, 0, "fall off"]  # what a broken theory rule might return instead of VALID


def assert_rule_rejects_unless_valid(tmp_path, monkeypatch, tag, text, returns):
    """A certificate the kernel verifies is rejected once rule `tag` returns `returns` (or nothing)."""
    from checker import theories

    def broken(*args):
        if returns != "fall off":
            return returns

    problem, cert, _ = prove(tmp_path, text, timeout=60)
    assert all(v.verified for v in verdicts(problem, cert))
    monkeypatch.setitem(theories.RULES, tag, broken)
    assert not any(v.verified for v in verdicts(problem, cert))
