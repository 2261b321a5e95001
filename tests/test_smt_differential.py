"""Random small QF_LRA, QF_LIA, glob and string-equality problems: the native producer's answer against cvc5's (the
`cvc5` package, used here only as an oracle), and every certificate checked by the kernel."""
import random

import pytest

import checker
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


def arithmetic(rng, sort):
    names = ["x", "y", "z"]
    decls = "".join(f"(declare-const {n} {sort})" for n in names)

    def number():
        k = rng.randint(-6, 6)
        return f"(- {-k})" if k < 0 else str(k) if sort == "Int" or rng.random() < 0.7 else f"(/ {abs(k)} 3)"

    def atom():
        terms = [f"(* {number()} {n})" for n in rng.sample(names, rng.randint(1, 3))]
        total = terms[0] if len(terms) == 1 else f"(+ {' '.join(terms)})"
        return f"({rng.choice(['<', '<=', '=', '>=', '>'])} {total} {number()})"

    def formula(depth):
        if depth == 0 or rng.random() < 0.4:
            return atom() if rng.random() < 0.85 else f"(not {atom()})"
        return f"({rng.choice(['and', 'or', 'or'])} {formula(depth - 1)} {formula(depth - 1)})"

    bounds = "".join(f"(assert (<= (- 8) {n} 8))" for n in names) if sort == "Int" else ""
    return f"(set-logic QF_{'LIA' if sort == 'Int' else 'LRA'}){decls}{bounds}" + \
        "".join(f"(assert {formula(2)})" for _ in range(rng.randint(2, 5))) + "(check-sat)"


def strings(rng):
    pieces = ["arn:", "s3:", "bucket", "/", "log", ".gz", "a"]

    def glob():
        parts = [rng.choice(["(re.* re.allchar)", "re.allchar", f'(str.to_re "{rng.choice(pieces)}")'])
                 for _ in range(rng.randint(1, 4))]
        return parts[0] if len(parts) == 1 else f"(re.++ {' '.join(parts)})"

    def literal():
        text = f"(str.in_re {rng.choice(['s', 't'])} {glob()})"
        return text if rng.random() < 0.6 else f"(not {text})"

    extra = [rng.choice(["(= s t)", "(not (= s t))", '(= s "arn:a")', "(= t \"bucket/log.gz\")"])
             for _ in range(rng.randint(0, 1))]
    body = [f"(or {literal()} {literal()})" if rng.random() < 0.3 else literal() for _ in range(rng.randint(2, 5))]
    return "(set-logic QF_S)(declare-const s String)(declare-const t String)" + \
        "".join(f"(assert {b})" for b in body + extra) + "(check-sat)"


def string_equalities(rng):
    """Strings equal or not to each other and to literals: the str rule's classes (two strings equal
    to one literal are equal) and the models' choice of different strings."""
    names, values = ["s", "t", "u"], ['"a"', '"ab"', '""', '"arn:x"']

    def literal():
        r = rng.random()
        text = "(= {} {})".format(*rng.sample(names, 2)) if r < 0.45 else \
            f"(= {rng.choice(names)} {rng.choice(values)})" if r < 0.85 else \
            f'(str.in_re {rng.choice(names)} (re.++ (str.to_re "a") (re.* re.allchar)))'
        return text if rng.random() < 0.55 else f"(not {text})"

    body = [f"(or {literal()} {literal()})" if rng.random() < 0.3 else literal() for _ in range(rng.randint(3, 7))]
    return "(set-logic QF_S)" + "".join(f"(declare-const {n} String)" for n in names) + \
        "".join(f"(assert {b})" for b in body) + "(check-sat)"


GENERATORS = {"lra": lambda rng: arithmetic(rng, "Real"), "lia": lambda rng: arithmetic(rng, "Int"),
              "globs": strings, "equalities": string_equalities}


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
