"""The engine's LRAT, read by checkers that are not ours: cake_lpr (verified, CakeML) and lrat-check,
when they are on PATH (skipped otherwise; nothing here builds them).

cake_lpr exits 0 whatever its answer, so its verdict is read from its output ("s VERIFIED UNSAT", as
evidence/crosscheck.py reads it);
lrat-check accepts an empty-clause step with missing hints, so it is never asked to reject."""
import shutil

import pytest

from bench import families
from evidence.crosscheck import parse
from evidence.solvers import _compat, drat

FORMULAS = {
    "php-5": families.pigeonhole(5),
    "parity-12": families.parity(12, 2),
    "counter-bmc": families.counter_bmc(5, 20),
    "barrel-16": families.barrel_shifter_miter(16),
}
CAKE, LRAT_CHECK = shutil.which("cake_lpr"), shutil.which("lrat-check")
needs_cake = pytest.mark.skipif(not CAKE, reason="cake_lpr is not on PATH")


def accepts(name, cnf, lrat):
    """The checker's verdict as `verify --cross-check` reads it (evidence/crosscheck.py)."""
    verdict, note = parse(name).check(cnf, lrat, timeout=300)
    return verdict is True


def cake_accepts(cnf, lrat):
    return accepts("cake_lpr", cnf, lrat)


def elaborated(tmp_path, name, threads=1):
    nvars, clauses = FORMULAS[name]
    cnf, proof, lrat = tmp_path / f"{name}.cnf", tmp_path / f"{name}.drat", tmp_path / f"{name}.lrat"
    families.write_dimacs(cnf, nvars, clauses)  # no blank lines, no comments: cake_lpr reads it
    assert _compat.solve_with_drat(nvars, clauses, proof) is None
    assert drat.elaborate(str(cnf), str(proof), str(lrat), threads=threads).status == "elaborated"
    return cnf, lrat


@needs_cake
@pytest.mark.parametrize("name", FORMULAS)
@pytest.mark.parametrize("threads", [1, 3], ids=["one-thread", "fixed-split"])
def test_cake_lpr_verifies_the_engines_lrat(tmp_path, name, threads):
    cnf, lrat = elaborated(tmp_path, name, threads)
    assert cake_accepts(cnf, lrat)


@needs_cake
def test_cake_lpr_verdict_is_read_right_it_refuses_a_step_split_over_two_lines_and_a_missing_hint(tmp_path):
    """Why the grammar matters, and that 'not VERIFIED' is seen: the same proof with its first step on
    two lines, and with a hint dropped, are refused (exit code 0 both times)."""
    cnf, lrat = elaborated(tmp_path, "php-5")
    lines = lrat.read_text().splitlines(keepends=True)
    step = next(i for i, line in enumerate(lines) if " d " not in line)
    words = lines[step].split()
    split = tmp_path / "split.lrat"
    cut = words.index("0") + 1
    split.write_text("".join(lines[:step]) + " ".join(words[:cut]) + "\n" + " ".join(words[cut:]) + "\n"
                     + "".join(lines[step + 1:]))
    assert not cake_accepts(cnf, split)
    dropped = tmp_path / "dropped.lrat"
    words.pop(cut)  # the step's first hint
    dropped.write_text("".join(lines[:step]) + " ".join(words) + "\n" + "".join(lines[step + 1:]))
    assert not cake_accepts(cnf, dropped)
    assert cake_accepts(cnf, lrat)


@pytest.mark.skipif(not LRAT_CHECK, reason="lrat-check is not on PATH")
@pytest.mark.parametrize("name", FORMULAS)
def test_lrat_check_verifies_the_engines_lrat(tmp_path, name):
    cnf, lrat = elaborated(tmp_path, name)
    assert accepts("lrat-check", cnf, lrat)
