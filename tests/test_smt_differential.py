"""Random small QF_LRA, QF_LIA, glob and string-equality problems (the soundness bench's generators): the
native producer's answer against cvc5's (the `cvc5` package, used here only as an oracle), and every
certificate checked by the kernel."""
import random

import pytest

import checker
from evidence.smt.soundness import arithmetic, globs, string_equalities
from smt_helpers import prove, verdicts

cvc5 = pytest.importorskip("cvc5")
SEEDS = range(25)


def cvc5_answer(path):
    solver = cvc5.Solver()
    solver.setOption("strings-exp", "true")
    parser = cvc5.InputParser(solver)
    parser.setFileInput(cvc5.InputLanguage.SMT_LIB_2_6, str(path))
    manager, answer = parser.getSymbolManager(), None
    while True:
        command = parser.nextCommand()
        if command.isNull():
            return answer
        out = command.invoke(solver, manager)
        if "sat" in str(out):
            answer = str(out).strip()


GENERATORS = {"lra": lambda rng: arithmetic(rng, "Real"), "lia": lambda rng: arithmetic(rng, "Int"),
              "globs": globs, "equalities": string_equalities}


@pytest.mark.parametrize("kind", list(GENERATORS))
@pytest.mark.parametrize("seed", SEEDS)
def test_the_native_answer_is_cvc5s_and_the_kernel_verifies_it(tmp_path, kind, seed):
    rng = random.Random(f"{kind}-{seed}")
    text = GENERATORS[kind](rng)
    problem, cert, result = prove(tmp_path, text)
    assert result.answer == cvc5_answer(problem), text
    found = verdicts(problem, cert)
    assert [v.status for v in found] == ["VERIFIED"] * len(checker.kernels()), (text, [v.reason for v in found])


def test_the_generators_make_both_answers():
    # the differential test is only worth something if both answers occur for each kind
    answers = {}
    for kind, make in GENERATORS.items():
        for seed in SEEDS:
            import tempfile
            from pathlib import Path
            with tempfile.TemporaryDirectory() as scratch:
                path = Path(scratch) / "p.smt2"
                path.write_text(make(random.Random(f"{kind}-{seed}")))
                answers.setdefault(kind, set()).add(cvc5_answer(path))
    assert all(found == {"sat", "unsat"} for found in answers.values()), answers
