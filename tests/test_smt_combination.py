"""Theory combination (issue 21): uninterpreted functions over Int and Real, the `eufla` rule
(docs/smt-certificate.md, section 4) and the native producer's model-based combination.

The problems are shaped as the SMT-LIB QF_UFLIA / QF_UFLRA benchmark families write them (the
standard's example of section 3.9.1 applies a declared function to arithmetic terms; the
"wisa"/"EufLaArithmetic" families mix congruence with bounds and ite)."""
import pytest

from checker import theory
from checker.skeleton import Skeleton
from checker.smtlib import read
from smt_helpers import BROKEN_RETURNS, assert_rule_rejects_unless_valid, edit, prove, verdicts

UNSAT = {
    "bounds-force-equal": """(set-logic QF_UFLIA)
(declare-fun f (Int) Int)
(declare-const x Int)
(declare-const y Int)
(assert (<= x y))
(assert (<= y x))
(assert (not (= (f x) (f y))))
(check-sat)
""",
    "argument-is-a-sum": """(set-logic QF_UFLIA)
(declare-fun f (Int) Int)
(declare-const x Int)
(declare-const y Int)
(assert (= y (+ x 1)))
(assert (not (= (f (+ x 1)) (f y))))
(check-sat)
""",
    "nested-real": """(set-logic QF_UFLRA)
(declare-fun f (Real) Real)
(declare-fun g (Real) Real)
(declare-fun x () Real)
(declare-fun y () Real)
(declare-fun z () Real)
(assert (and (<= x y) (<= y (+ x z)) (= z 0.0)))
(assert (= (g (f x)) 1.0))
(assert (< (g (f y)) 1.0))
(check-sat)
""",
    "ite-and-predicate": """(set-logic QF_UFLIA)
(declare-fun a () Int)
(declare-fun b () Int)
(declare-fun p (Int) Bool)
(assert (= a (ite (p b) (+ b 1) (- b 1))))
(assert (p (- a 1)))
(assert (not (p b)))
(assert (> a b))
(check-sat)
""",
    "declared-sort-result": """(set-logic QF_UFLIA)
(declare-sort U 0)
(declare-fun h (Int Int) U)
(declare-const i Int)
(declare-const j Int)
(assert (= (+ i j) 4))
(assert (= (- i j) 0))
(assert (not (= (h i 2) (h 2 j))))
(check-sat)
""",
    "arithmetic-result-of-declared-sort-arguments": """(set-logic QF_UFLIA)
(declare-sort list 0)
(declare-fun cons (Int list) list)
(declare-fun nil () list)
(declare-fun length (list) Int)
(declare-fun one_cons (list) list)
(assert (= (length nil) 0))
(assert (= (length (cons 1 nil)) (+ 1 (length nil))))
(assert (= (one_cons nil) (cons 1 nil)))
(assert (not (= (length (one_cons nil)) 1)))
(check-sat)
""",
}
SAT = {
    "offset-values": """(set-logic QF_UFLRA)
(declare-fun f (Real) Real)
(declare-fun x () Real)
(declare-fun y () Real)
(assert (= (f x) (+ (f y) 1.0)))
(assert (<= x y))
(assert (>= (f (+ x 0.5)) 2.0))
(check-sat)
""",
    "distinct-arguments": """(set-logic QF_UFLIA)
(declare-fun f (Int) Int)
(declare-const x Int)
(declare-const y Int)
(assert (>= x 0))
(assert (<= y 1))
(assert (not (= (f x) (f y))))
(check-sat)
""",
}


@pytest.mark.parametrize("name", sorted(UNSAT))
def test_unsatisfiable_combinations_are_certified(tmp_path, name):
    problem, cert, result = prove(tmp_path, UNSAT[name], timeout=60)
    assert result.answer == "unsat"
    assert all(v.verified for v in verdicts(problem, cert))


@pytest.mark.parametrize("name", sorted(SAT))
def test_satisfiable_combinations_get_a_model_the_kernel_accepts(tmp_path, name):
    problem, cert, result = prove(tmp_path, SAT[name], timeout=60)
    assert result.answer == "sat"
    assert all(v.verified for v in verdicts(problem, cert))


def test_the_answers_agree_with_cvc5(tmp_path):
    cvc5 = pytest.importorskip("cvc5")
    for name, text in {**UNSAT, **SAT}.items():
        solver = cvc5.Solver()
        solver.setOption("input-language", "smt2")
        parser = cvc5.InputParser(solver)
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, name)
        manager = parser.getSymbolManager()
        answer = None
        while not (command := parser.nextCommand()).isNull():
            if "check-sat" in str(command):
                answer = str(solver.checkSat())
            else:
                command.invoke(solver, manager)
        assert answer == ("unsat" if name in UNSAT else "sat"), name


def lemma_of(text, *literals):
    """The hypotheses of the lemma whose literals are `literals` (skeleton variables)."""
    problem = read(text.encode())
    skeleton = Skeleton(problem)
    return problem, [(skeleton.atoms[abs(lit)], lit < 0) for lit in literals]


def test_the_rule_accepts_congruence_through_a_linear_equation_and_rejects_its_mutants():
    problem, hypotheses = lemma_of(UNSAT["argument-is-a-sum"], -1, 2)  # y = x+1 implies f(x+1) = f(y)
    assert theory.check("eufla", hypotheses, [], problem) is theory.VALID
    for mutant in ([(hypotheses[0][0], False), hypotheses[1]],  # the equation negated
                   [hypotheses[1]],  # the equation left out
                   [hypotheses[0], (hypotheses[1][0], True)]):  # the conclusion negated
        assert theory.check("eufla", mutant, [], problem) is not theory.VALID
    assert theory.check("eufla", hypotheses, ["1"], problem) is not theory.VALID  # no witness
    assert theory.check("euf", hypotheses, [], problem) is not theory.VALID  # plain euf reads no equation


def test_an_equation_off_by_a_constant_proves_nothing():
    problem, hypotheses = lemma_of("""(declare-fun f (Int) Int)(declare-const x Int)(declare-const y Int)
(assert (= y (+ x 2)))(assert (not (= (f (+ x 1)) (f y))))""", -1, 2)
    assert theory.check("eufla", hypotheses, [], problem) is not theory.VALID


def test_a_bound_is_not_an_equation():
    problem, hypotheses = lemma_of(UNSAT["bounds-force-equal"], -1, -2, 3)
    assert "linear equations only" in theory.check("eufla", hypotheses, [], problem)


def test_a_certificate_whose_eufla_lemma_is_mutated_is_rejected(tmp_path):
    problem, cert, _ = prove(tmp_path, UNSAT["argument-is-a-sum"], timeout=60)
    line = next(x for x in cert.read_text().splitlines() if x.startswith("lemma eufla") and " -" in x)
    literals = line.split()[2:line.split().index("0")]
    flipped = " ".join(str(-int(x)) if i == 0 else x for i, x in enumerate(literals))
    edit(cert, line, "lemma eufla " + flipped + " 0")
    assert not any(v.verified for v in verdicts(problem, cert))


def cvc5_answer(text):
    cvc5 = pytest.importorskip("cvc5")
    solver = cvc5.Solver()
    parser = cvc5.InputParser(solver)
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, "random")
    manager, answer = parser.getSymbolManager(), None
    while not (command := parser.nextCommand()).isNull():
        if "check-sat" in str(command):
            answer = str(solver.checkSat())
        else:
            command.invoke(solver, manager)
    return answer


def random_problem(rng, logic="QF_UFLIA"):
    """A small random UF + arithmetic problem: two functions over three variables and sums of them."""
    real = logic == "QF_UFLRA"
    sort, one = ("Real", "1.0") if real else ("Int", "1")
    leaves = ["x", "y", "z", f"(+ x {one})", f"(- y {one})"]
    terms = leaves + [f"(f {rng.choice(leaves)})" for _ in range(3)] + [f"(g {rng.choice(leaves)} {rng.choice(leaves)})"]
    atoms = [f"({rng.choice(['=', '<=', '<'])} {rng.choice(terms)} {rng.choice(terms)})" for _ in range(5)]
    asserts = [f"(assert {'(not ' + a + ')' if rng.random() < 0.4 else a})" for a in atoms]
    asserts.append(f"(assert (or {rng.choice(atoms)} (not {rng.choice(atoms)})))")
    return "\n".join([f"(set-logic {logic})", f"(declare-fun f ({sort}) {sort})",
                      f"(declare-fun g ({sort} {sort}) {sort})"] +
                     [f"(declare-const {v} {sort})" for v in "xyz"] + asserts + ["(check-sat)"]) + "\n"


@pytest.mark.parametrize("logic", ["QF_UFLIA", "QF_UFLRA"])
def test_random_combinations_are_answered_as_cvc5_answers_and_every_answer_verifies(tmp_path, logic):
    import random
    rng, answers = random.Random(21), []
    for i in range(25):
        text = random_problem(rng, logic)
        problem, cert, result = prove(tmp_path, text, name=f"r{i}", timeout=60)
        assert result.answer == cvc5_answer(text), text
        assert all(v.verified for v in verdicts(problem, cert)), text
        answers.append(result.answer)
    assert {"sat", "unsat"} <= set(answers)  # both kinds were met


@pytest.mark.parametrize("returns", BROKEN_RETURNS)
def test_an_eufla_rule_that_returns_anything_but_its_acceptance_rejects(tmp_path, monkeypatch, returns):
    assert_rule_rejects_unless_valid(tmp_path, monkeypatch, "eufla", UNSAT["argument-is-a-sum"], returns)
