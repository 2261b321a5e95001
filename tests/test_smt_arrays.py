"""Arrays (issue 21): select and store, the `array` rule (read-over-write, extensionality with the
kernel's @diff), congruence through `eufla`, and the native producer's eager instantiation.

Problems are shaped as the SMT-LIB QF_AX families write them (storecomm, swap, storeinv: declared
sorts Index and Element, chains of stores compared by =) and QF_ALIA's (Int indices and elements); the
axioms are those of the theory declaration ArraysEx (SMT-LIB 2.6, "Theories": ArraysEx)."""
import pytest

from checker import theory
from checker.skeleton import Skeleton
from checker.smtlib import SmtError, read
from smt_helpers import BROKEN_RETURNS, assert_rule_rejects_unless_valid, edit, prove, verdicts

AX = """(set-logic QF_AX)
(declare-sort Index 0)
(declare-sort Element 0)
(declare-fun a1 () (Array Index Element))
(declare-fun a2 () (Array Index Element))
(declare-fun i1 () Index)
(declare-fun i2 () Index)
(declare-fun i3 () Index)
(declare-fun e1 () Element)
(declare-fun e2 () Element)
"""
UNSAT = {
    "read-over-write": AX + "(assert (not (= (select (store a1 i1 e1) i1) e1)))\n(check-sat)\n",
    "storecomm": AX + """(assert (not (= i1 i2)))
(assert (not (= (store (store a1 i1 e1) i2 e2) (store (store a1 i2 e2) i1 e1))))
(check-sat)
""",
    "swap": AX + """(assert (= a2 (store (store a1 i1 (select a1 i2)) i2 (select a1 i1))))
(assert (not (= (store (store a2 i2 (select a2 i1)) i1 (select a2 i2)) a1)))
(check-sat)
""",
    "storeinv": AX + """(assert (= (store a1 i1 e1) (store a2 i1 e2)))
(assert (not (= e1 e2)))
(check-sat)
""",
    "alia-index-arithmetic": """(set-logic QF_ALIA)
(declare-fun a () (Array Int Int))
(declare-fun b () (Array Int Int))
(declare-fun i () Int)
(assert (= b (store a i (+ (select a i) 1))))
(assert (= (select b i) (select a i)))
(check-sat)
""",
    "equal-arrays-through-a-function": """(set-logic QF_AUFLIA)
(declare-fun a () (Array Int Int))
(declare-fun x () Int)
(declare-fun y () Int)
(declare-fun g ((Array Int Int)) Int)
(declare-fun f (Int) Int)
(assert (and (distinct (f x) (f y)) (= (store a y 0) (store a x 0)) (distinct (g a) (g (store a y 0)))))
(check-sat)
""",  # cvc5's regress0/arrays/issue11889-eec-unsat: extensionality on an equality only combination makes
    "alia-case-split": """(set-logic QF_ALIA)
(declare-fun a () (Array Int Int))
(declare-fun i () Int)
(declare-fun j () Int)
(assert (= (select (store a i 5) j) 7))
(assert (= (select a j) 6))
(check-sat)
""",
}
SAT_PROBLEM = AX + "(assert (not (= (select (store a1 i1 e1) i2) e1)))\n(check-sat)\n"


@pytest.mark.parametrize("name", sorted(UNSAT))
def test_unsatisfiable_array_problems_are_certified(tmp_path, name):
    problem, cert, result = prove(tmp_path, UNSAT[name], timeout=60)
    assert result.answer == "unsat"
    assert all(v.verified for v in verdicts(problem, cert))


SAT = {
    "read-elsewhere": SAT_PROBLEM,
    "two-arrays-differ": """(set-logic QF_AUFLIA)
(declare-fun a () (Array Int Int))
(declare-fun b () (Array Int Int))
(assert (not (= a b)))
(check-sat)
""",  # cvc5's regress0/bug421: no select or store, only extensionality tells the two apart
    "equal-after-stores": AX + """(assert (= (store a1 i1 e1) (store a2 i1 e1)))
(assert (not (= (select a1 i2) e2)))
(check-sat)
""",
    "alia-offsets": """(set-logic QF_ALIA)
(declare-fun a () (Array Int Int))
(declare-fun i () Int)
(assert (= (select a i) (+ (select a (+ i 1)) 3)))
(assert (> (select (store a i 0) (+ i 1)) 2))
(check-sat)
""",
}


@pytest.mark.parametrize("name", sorted(SAT))
def test_satisfiable_array_problems_get_a_model_the_kernel_evaluates(tmp_path, name):
    problem, cert, result = prove(tmp_path, SAT[name], timeout=60)
    assert result.answer == "sat"
    assert "(as const (Array " in cert.read_text()
    assert all(v.verified for v in verdicts(problem, cert))


def test_a_model_whose_array_is_changed_is_rejected(tmp_path):
    problem, cert, _ = prove(tmp_path, SAT_PROBLEM, timeout=60)
    line = next(x for x in cert.read_text().splitlines() if x.startswith("(define-fun a1 "))
    e1 = next(x for x in cert.read_text().splitlines() if x.startswith("(define-fun e1 ")).split()[-1].rstrip(")")
    edit(cert, line, f"(define-fun a1 () (Array Index Element) ((as const (Array Index Element)) {e1}))")
    assert not any(v.verified for v in verdicts(problem, cert))


def test_const_arrays_are_read_in_problems_too_and_other_qualified_identifiers_are_not():  # issue 21
    problem = read(b"(declare-fun a () (Array Int Int))(assert (= a ((as const (Array Int Int)) 0)))")
    assert any(t.op == "as const" for t in problem.terms)
    with pytest.raises(SmtError, match="qualified identifiers"):
        read(b"(declare-fun a () (Array Int Int))(assert (= a ((as store (Array Int Int)) 0)))")


def test_cvc5_agrees_on_the_answers():
    cvc5 = pytest.importorskip("cvc5")
    for name, text in {**UNSAT, **{"sat " + k: v for k, v in SAT.items()}}.items():
        solver = cvc5.Solver()
        parser = cvc5.InputParser(solver)
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, name)
        manager, answer = parser.getSymbolManager(), None
        while not (command := parser.nextCommand()).isNull():
            if "check-sat" in str(command):
                answer = str(solver.checkSat())
            else:
                command.invoke(solver, manager)
        assert answer == ("sat" if name.startswith("sat") else "unsat"), name


def test_read_over_write_instances_and_their_mutants():
    problem = read((AX + "(assert (= (select (store a1 i1 e1) i2) (select a1 i2)))"
                    "(assert (= (select (store a1 i1 e1) i2) e1))(assert (= i1 i2))").encode())
    skeleton = Skeleton(problem)
    below, value, index = (skeleton.atoms[v] for v in (1, 2, 3))
    assert theory.check("array", [(index, True), (value, False)], [], problem) is theory.VALID  # i1 = i2: e1
    assert theory.check("array", [(index, False), (below, False)], [], problem) is theory.VALID  # else: a1's
    for mutant in ([(index, False), (value, False)], [(index, True), (below, False)], [(value, False)],
                   [(index, True), (value, True)], [(index, False), (below, True)]):
        assert theory.check("array", mutant, [], problem) is not theory.VALID, mutant
    assert theory.check("array", [(index, True), (value, False)], ["1"], problem) is not theory.VALID


def test_extensionality_needs_the_kernels_own_diff_on_the_two_arrays():
    problem = read((AX + "(assert (not (= a1 a2)))").encode())
    skeleton = Skeleton(problem)
    differ = skeleton.atoms[1]
    problem.data = b""  # as read() leaves a problem: @diff is read on atom lines only
    for text, valid in (("(= (select a1 (@diff a1 a2)) (select a2 (@diff a1 a2)))", True),
                        ("(= (select a1 i1) (select a2 i1))", False),
                        ("(= (select a1 (@diff a1 a1)) (select a2 (@diff a1 a1)))", False)):
        t = problem.parse_term(text.encode())
        key = (problem.terms[t].args and __import__("checker.skeleton").skeleton.canonical(problem, t))[0]
        found = theory.check("array", [(differ, False), (key, True)], [], problem)
        assert (found is theory.VALID) == valid, text


def test_diff_in_a_problem_and_arrays_of_bool_are_refused_by_name():
    with pytest.raises(SmtError, match="@diff"):
        read((AX + "(assert (= i1 (@diff a1 a2)))").encode())
    with pytest.raises(SmtError, match=r"line 1, column \d+: unsupported: arrays of Bool"):
        read(b"(declare-fun a () (Array Int Bool))")
    with pytest.raises(SmtError, match="line 2, column 9: ill-sorted select"):
        read(b"(declare-fun a () (Array Int Int))\n(assert (select a true))")


def test_a_certificate_whose_array_lemma_is_mutated_is_rejected(tmp_path):
    problem, cert, _ = prove(tmp_path, UNSAT["storecomm"], timeout=60)
    line = next(x for x in cert.read_text().splitlines() if x.startswith("lemma array") and len(x.split()) == 5)
    a, b = line.split()[2:4]
    edit(cert, line, f"lemma array {a} {-int(b)} 0")
    assert not any(v.verified for v in verdicts(problem, cert))


def random_problem(rng):
    """A small random QF_ALIA problem: reads of one or two stores over two arrays, at three indices."""
    indices = ["i", "j", "(+ i 1)", "0"]
    arrays = ["a", "b", f"(store a {rng.choice(indices)} {rng.randint(0, 2)})",
              f"(store b {rng.choice(indices)} (select a {rng.choice(indices)}))"]
    reads = [f"(select {rng.choice(arrays)} {rng.choice(indices)})" for _ in range(4)] + ["1", "k"]
    atoms = [f"({rng.choice(['=', '<='])} {rng.choice(reads)} {rng.choice(reads)})" for _ in range(4)]
    atoms.append(f"(= {rng.choice(arrays)} {rng.choice(arrays)})")
    asserts = [f"(assert {'(not ' + a + ')' if rng.random() < 0.4 else a})" for a in atoms]
    return "\n".join(["(set-logic QF_ALIA)", "(declare-fun a () (Array Int Int))", "(declare-fun b () (Array Int Int))",
                      "(declare-const i Int)", "(declare-const j Int)", "(declare-const k Int)"] + asserts +
                     ["(check-sat)"]) + "\n"


def test_random_array_problems_are_answered_as_cvc5_answers_and_every_answer_verifies(tmp_path):
    import random

    from test_smt_combination import cvc5_answer

    from evidence.smt.theories import Unknown
    rng, answers = random.Random(21), []
    for i in range(30):
        text = random_problem(rng)
        try:
            problem, cert, result = prove(tmp_path, text, name=f"r{i}", timeout=60)
        except Unknown:  # no answer (a model we could not build): allowed, never a wrong one
            answers.append("unknown")
            continue
        assert result.answer == cvc5_answer(text), text
        assert all(v.verified for v in verdicts(problem, cert)), text
        answers.append(result.answer)
    assert {"sat", "unsat"} <= set(answers) and answers.count("unknown") <= 3, answers


@pytest.mark.parametrize("returns", BROKEN_RETURNS)
def test_an_array_rule_that_returns_anything_but_its_acceptance_rejects(tmp_path, monkeypatch, returns):
    assert_rule_rejects_unless_valid(tmp_path, monkeypatch, "array", UNSAT["storecomm"], returns)
