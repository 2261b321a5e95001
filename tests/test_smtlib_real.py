"""Issue 21: SMT-LIB as real problems write it.  Each file of tests/data/smtlib is written for one
construct real files use (its first line `; EXPECT: sat|unsat`); the native producer answers it as
expected with a certificate every kernel verifies, and mutated certificates are rejected."""
import re
from pathlib import Path

import pytest

from checker import smtlib
from tests.smt_helpers import edit, prove, run_check, verdicts

DATA = Path(__file__).resolve().parent / "data" / "smtlib"
FILES = sorted(DATA.glob("*.smt2"))


def expected(path):
    return re.search(r"^; EXPECT: (sat|unsat)$", path.read_text(), re.M).group(1)


def test_every_file_says_what_it_expects_and_both_answers_are_there():
    assert FILES and {expected(p) for p in FILES} == {"sat", "unsat"}
    assert all(p.stem.endswith("-" + expected(p)) for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_native_producer_answers_as_expected_and_every_kernel_verifies(tmp_path, path):
    _, cert, result = prove(tmp_path, path, timeout=60)
    assert result.answer == expected(path)
    assert all(v.verified for v in verdicts(path, cert))


# ---- check-sat-assuming of terms ------------------------------------------------------------------
def test_check_sat_assuming_reads_each_boolean_term_as_an_assertion():
    problem = smtlib.read(b"(declare-fun x () Int)(assert (> x 0))(check-sat-assuming ((and (< x 3) (> x 1)) (not (= x 5))))")
    assert len(problem.assertions) == 3 and [problem.terms[t].op for t, _ in problem.assertions[1:]] == ["and", "not"]
    with pytest.raises(smtlib.SmtError, match="ill-sorted|Bool"):
        smtlib.read(b"(declare-fun x () Int)(check-sat-assuming ((+ x 1)))")
    with pytest.raises(smtlib.SmtError, match="list of Boolean terms"):
        smtlib.read(b"(declare-fun a () Bool)(check-sat-assuming a)")


@pytest.mark.parametrize("model", ["(define-fun x () Real 0.5)\n(define-fun y () Real 3.0)",  # fails (> x 1.0)
                                   "(define-fun x () Real 1.5)\n(define-fun y () Real 2.0)"])  # fails (not (= y 2.0))
def test_a_model_that_satisfies_the_assertions_but_not_an_assumption_is_rejected(tmp_path, model):
    path = DATA / "assuming-term-sat.smt2"
    _, cert, _ = prove(tmp_path, path)
    text = cert.read_text()
    cert.write_text(text[:text.index("(define-fun")] + model + "\n")
    assert not any(v.verified for v in verdicts(path, cert))


def test_an_unsat_certificate_without_the_assumption_is_rejected(tmp_path):
    path = DATA / "assuming-term-unsat.smt2"
    _, cert, _ = prove(tmp_path, path)
    plain = tmp_path / "plain.smt2"  # the same assertion, without the assumption: satisfiable
    plain.write_text(path.read_text().split("(check-sat-assuming")[0] + "(check-sat)\n")
    edit(cert, re.search(r"^problem \S+$", cert.read_text(), re.M).group(0),
         "problem " + __import__("hashlib").sha256(plain.read_bytes()).hexdigest())
    assert run_check(plain, cert).exit_code != 0  # refused: its atoms are not the plain problem's
    lemma = re.search(r"^lemma lra .*$", cert.read_text(), re.M).group(0)
    edit(cert, lemma, lemma.replace(" 1 1", " 1 2", 1) if " 1 1" in lemma else lemma + " 1")
    assert not any(v.verified for v in verdicts(path, cert))


# ---- ite of an integer numeral and a Real -----------------------------------------------------------
def test_an_integer_numeral_fits_a_real_ite_but_a_decimal_never_fits_an_int_one():
    problem = smtlib.read(b"(declare-fun c () Bool)(declare-fun x () Real)(assert (= x (ite c 1 x)))")
    assert problem.terms[problem.terms[problem.assertions[0][0]].args[1]].sort == "Real"
    problem = smtlib.read(b"(declare-fun c () Bool)(declare-fun x () Real)(assert (= x (ite c (ite c 1 2) x)))")
    outer = problem.terms[problem.terms[problem.assertions[0][0]].args[1]]
    inner = problem.terms[outer.args[1]]  # made again, of Real numerals, as an atom line prints it: (ite c 1.0 2.0)
    assert outer.sort == "Real" and inner.sort == "Real" and {problem.terms[a][1:] for a in inner.args[1:]} == \
        {(1, (), "Real"), (2, (), "Real")}
    for bad in (b"(declare-fun c () Bool)(declare-fun n () Int)(assert (= n (ite c 0.5 n)))",
                b"(declare-fun c () Bool)(declare-fun n () Int)(declare-fun x () Real)(assert (= x (ite c n x)))",
                b"(declare-fun c () Bool)(declare-fun n () Int)(declare-fun x () Real)(assert (= x (ite c (ite c 1 n) x)))"):
        with pytest.raises(smtlib.SmtError, match="ill-sorted ite"):
            smtlib.read(bad)


@pytest.mark.parametrize("logic, sort", [("QF_LRA", "Real"), ("QF_UFLRA", "Real"), ("QF_RDL", "Real"),
                                         ("QF_NRA", "Real"), ("QF_LIA", "Int"), ("QF_LIRA", "Int"),
                                         ("QF_AUFLIRA", "Int"), ("ALL", "Int"), (None, "Int")])
def test_a_numeral_is_a_real_in_a_logic_of_reals_alone(logic, sort):
    declare = (f"(set-logic {logic})" if logic else "") + "(declare-fun x () Real)(declare-fun c () Bool)"
    problem = smtlib.read(f"{declare}(assert (= (- x) (+ 6 x)))".encode())
    negated, summed = (problem.terms[a] for a in problem.terms[problem.assertions[0][0]].args)
    assert problem.terms[negated.args[0]][1:] == (-1, (), sort)  # (- x) is (* -1 x), -1 the logic's numeral
    assert problem.terms[summed.args[0]][1:] == (6, (), sort)
    mixed = f"{declare}(assert (= x (ite c (+ (- 6) (ite c 1 0)) x)))".encode()  # an Int sum, unless 6 is Real
    if sort == "Int":
        with pytest.raises(smtlib.SmtError, match="ill-sorted ite"):
            smtlib.read(mixed)
    else:
        problem = smtlib.read(mixed)
        ite = problem.terms[problem.terms[problem.assertions[0][0]].args[1]]
        assert ite.sort == problem.terms[ite.args[1]].sort == "Real"


def test_a_model_that_gives_a_real_ite_another_value_than_its_numeral_branch_is_rejected(tmp_path):
    path = DATA / "ite-numeral-real-sat.smt2"
    _, cert, _ = prove(tmp_path, path)
    text = cert.read_text()
    cert.write_text(text[:text.index("(define-fun")] +
                    "(define-fun c () Bool true)\n(define-fun x () Real 1.75)\n(define-fun y () Real 0.0)\n")
    assert not any(v.verified for v in verdicts(path, cert))
    cert.write_text(text[:text.index("(define-fun")] +
                    "(define-fun c () Bool true)\n(define-fun x () Real 2.0)\n(define-fun y () Real 0.0)\n")
    assert all(v.verified for v in verdicts(path, cert))  # the control: the same model with x = 2 is one


# ---- functions of Bool arguments ---------------------------------------------------------------------
def _rule(tag, text, hypotheses):
    """checker.theory.check on hypotheses written as (term text, truth): Bool terms are predicates, (= s t)
    equalities (both read in `text`'s problem)."""
    from checker import theory
    from checker.skeleton import canonical
    problem = smtlib.read(text)
    keys = [(canonical(problem, problem.parse_term(t.encode()))[0], truth) for t, truth in hypotheses]
    return theory.check(tag, keys, [], problem)


BOOL_ARGS = b"(declare-fun f (Bool) Bool)(declare-fun g (Bool) Int)(declare-fun a () Bool)(declare-fun b () Bool)"


@pytest.mark.parametrize("tag", ["euf", "eufla"])
def test_a_predicate_is_its_truth_value_to_congruence(tag):
    from checker.theory import VALID
    assert _rule(tag, BOOL_ARGS, [("a", True), ("b", True), ("(f a)", True), ("(f b)", False)]) is VALID
    assert _rule(tag, BOOL_ARGS, [("a", False), ("(f a)", True), ("(f false)", False)]) is VALID
    assert _rule(tag, BOOL_ARGS, [("(f a)", True), ("(f (f a))", False), ("(f (f (f a)))", True),
                                  ("a", True)]) is VALID  # (f a) is true = a, so (f (f a)) is (f a)
    assert _rule(tag, BOOL_ARGS, [("(f a)", True), ("(f a)", False)]) is VALID  # as before: one atom both ways
    for consistent in ([("a", True), ("b", False), ("(f a)", True), ("(f b)", False)],
                       [("(f a)", True), ("(f b)", False)], [("a", True), ("(f true)", True), ("(f b)", False)]):
        assert _rule(tag, BOOL_ARGS, consistent) is not VALID


def test_eufla_compares_arithmetic_values_of_functions_of_equal_truth_values():
    from checker.theory import VALID
    assert _rule("eufla", BOOL_ARGS, [("a", True), ("b", True), ("(= (g a) (g b))", False)]) is VALID
    assert _rule("eufla", BOOL_ARGS, [("a", True), ("b", False), ("(= (g a) (g b))", False)]) is not VALID


def test_a_lemma_without_the_truth_of_an_argument_is_rejected(tmp_path):
    path = DATA / "euf-bool-arguments-unsat.smt2"
    _, cert, _ = prove(tmp_path, path)
    lemma = re.search(r"^lemma euf (-?\d+ )+0$", cert.read_text(), re.M).group(0)
    literals = lemma.split()[2:-1]
    edit(cert, lemma, "lemma euf " + " ".join(literals[:-1]) + " 0")  # the last: an argument's truth
    assert not any(v.verified for v in verdicts(path, cert))


def test_a_model_whose_function_differs_on_equal_truth_values_is_rejected(tmp_path):
    path = DATA / "euf-bool-arguments-sat.smt2"
    _, cert, _ = prove(tmp_path, path)
    text = cert.read_text()
    for name in ("x", "y"):
        text = re.sub(rf"\(define-fun {name} \(\) Bool \w+\)", f"(define-fun {name} () Bool true)", text)
    cert.write_text(text)
    assert not any(v.verified for v in verdicts(path, cert))


# ---- constant arrays in problems ---------------------------------------------------------------------
CONST = b"(declare-const a (Array Int Int))(declare-const j Int)(declare-const x Int)"


def test_the_constant_array_axiom_holds_of_its_own_value_only():
    from checker.theory import VALID
    assert _rule("array", CONST, [("(= (select ((as const (Array Int Int)) 1) j) 1)", False)]) is VALID
    for wrong in ([("(= (select ((as const (Array Int Int)) 1) j) 2)", False)],
                  [("(= (select ((as const (Array Int Int)) 1) j) 1)", True)],
                  [("(= (select ((as const (Array Int Int)) x) j) (+ x 1))", False)],
                  [("(= (select a j) 1)", False)]):
        assert _rule("array", CONST, wrong) is not VALID


@pytest.mark.parametrize("text, match", [
    (b"(assert (= a ((as const (Array Int Real)) 1.5)))", "ill-sorted"),
    (b"(assert (= a ((as const Int) 1)))", "ill-sorted"),
    (b"(assert (= x (as x Int)))", "unsupported: 'as'"),
    (b"(assert (= a ((as x (Array Int Int)) 1)))", "qualified identifiers"),
    (b"(assert (= a ((as const (Array Int Int)) 1 2)))", "ill-sorted")])
def test_only_a_constant_array_of_an_array_sort_and_one_element_is_read(text, match):
    with pytest.raises(smtlib.SmtError, match=match):
        smtlib.read(CONST + text)


def test_a_model_with_another_constant_is_rejected(tmp_path):
    path = DATA / "const-array-sat.smt2"
    _, cert, _ = prove(tmp_path, path)
    text = cert.read_text()
    value = re.search(r"^\(define-fun e \(\) E (\S+)\)$", text, re.M).group(1)  # a: the constant array of e
    cert.write_text(re.sub(r"^\(define-fun a \(\) \(Array E E\) .*$", f"(define-fun a () (Array E E) ((as const "
                           f"(Array E E)) {value}))", text, flags=re.M))
    assert not any(v.verified for v in verdicts(path, cert))  # a is then the constant array of e itself


def test_a_constant_array_lemma_moved_to_another_atom_is_rejected(tmp_path):
    path = DATA / "const-array-unsat.smt2"
    _, cert, _ = prove(tmp_path, path)
    text = cert.read_text()
    const = re.search(r"^atom (\d+) \(= \(select \(\(as const \(Array Int Int\)\) 5\) i\) 5\)$", text, re.M).group(1)
    store = re.search(r"^atom (\d+) \(= \(select \(store a i 7\) j\) 7\)$", text, re.M).group(1)
    edit(cert, f"lemma array {const} 0", f"lemma array {store} 0")  # (select (store a i 7) j) = 7 does not follow
    assert not any(v.verified for v in verdicts(path, cert))


# ---- producer bugs the real files found --------------------------------------------------------------
def test_a_model_with_the_int_term_under_division_of_another_value_is_rejected(tmp_path):
    path = DATA / "int-under-division-sat.smt2"
    _, cert, _ = prove(tmp_path, path)
    text = cert.read_text()
    cert.write_text(re.sub(r"^\(define-fun c \(\) Bool \w+\)\n\(define-fun x \(\) Real .*$",
                           "(define-fun c () Bool false)\n(define-fun x () Real 3.0)", text, flags=re.M))
    assert "x () Real 3.0" in cert.read_text()  # x = (/ 6 2), which the problem says it is not
    assert not any(v.verified for v in verdicts(path, cert))


FUNCTION_OF_ARRAYS = ("(declare-fun f ((Array Int Int)) Int)(declare-fun a () (Array Int Int))"
                      "(declare-fun b () (Array Int Int))(assert (> (f a) 0))(assert (< (f (store b 1 2)) 0))")


def test_a_function_of_arrays_has_a_model_that_every_kernel_verifies(tmp_path):
    path, cert, result = prove(tmp_path, FUNCTION_OF_ARRAYS)
    assert result.answer == "sat" and "(define-fun f ((" in cert.read_text()
    assert all(v.verified for v in verdicts(path, cert))


@pytest.mark.parametrize("table, verified", [
    ("(ite (= x ((as const (Array Int Int)) 0)) 1 (- 1))", True),  # a = const 0, b = const 0: (store b 1 2) differs
    ("(ite (= x (store ((as const (Array Int Int)) 0) 1 2)) (- 1) 1)", True),  # the same function, said otherwise
    ("(ite (= x (store ((as const (Array Int Int)) 0) 1 3)) (- 1) 1)", False),  # (store b 1 2) is not it: f is 1
    ("1", False)])
def test_a_function_of_arrays_is_applied_to_the_array_values_of_its_arguments(tmp_path, table, verified):
    path, cert, _ = prove(tmp_path, FUNCTION_OF_ARRAYS)
    text = cert.read_text()
    model = "".join(f"(define-fun {n} () (Array Int Int) ((as const (Array Int Int)) 0))\n" for n in "ab")
    cert.write_text(text[:text.index("(define-fun")] + model +
                    f"(define-fun f ((x (Array Int Int))) Int {table})\n")
    assert {v.verified for v in verdicts(path, cert)} == {verified}


# ---- define-sort -------------------------------------------------------------------------------------
def test_define_sort_names_a_sort_and_nothing_else():
    problem = smtlib.read(b"(declare-sort U 0)(define-sort V () U)(define-sort A () (Array Int V))"
                          b"(declare-fun a () A)(declare-fun x () V)(assert (= (select a 0) x))")
    assert problem.funs == {"a": ((), ("Array", "Int", "U")), "x": ((), "U")}
    for bad, match in [(b"(define-sort V (X) Int)", "with parameters"), (b"(define-sort V () V)", "unsupported sort: V"),
                       (b"(define-sort Int () Real)", "reserved or predefined"),
                       (b"(define-sort V () Int)(declare-fun V () Int)", "already declared")]:
        with pytest.raises(smtlib.SmtError, match=match):
            smtlib.read(bad)


def test_a_model_must_give_a_defined_sort_values_of_the_sort_it_names(tmp_path):
    path = DATA / "define-sort-sat.smt2"
    _, cert, _ = prove(tmp_path, path)
    assert all(v.verified for v in verdicts(path, cert))
    text = cert.read_text()
    cert.write_text(re.sub(r"^\(define-fun y \(\) Real .*$", "(define-fun y () Int 0)", text, flags=re.M))
    assert run_check(path, cert).exit_code != 0  # refused: y is of sort R, which is Real
    cert.write_text(re.sub(r"^\(define-fun y \(\) Real .*$", "(define-fun y () R 0.0)", text, flags=re.M))
    assert not any(v.verified for v in verdicts(path, cert))  # y = 0 with g's table: (g 0) is its default


def test_commands_that_only_print_may_follow_the_query_and_others_may_not():
    base = b"(declare-fun a () Bool)(assert a)(check-sat-assuming ((not a)))"
    for after in (b"(get-assertions)", b"(get-unsat-assumptions)", b"(get-unsat-core)(exit)"):
        assert len(smtlib.read(base + after).assertions) == 2
    for after in (b"(block-model :literals)", b"(assert a)", b"(check-sat)", b"(pop 1)"):
        with pytest.raises(smtlib.SmtError):
            smtlib.read(base + after)


def test_an_atom_line_whose_term_is_exponential_in_full_is_written_with_lets():
    from checker.skeleton import Eq
    from evidence.smt.atoms import SHARE_ABOVE, Atoms, term
    text = b"(declare-sort U 0)(declare-fun f (U U) U)(declare-fun p (U) Bool)(declare-fun y () U)" + \
        b"(define-fun t0 () U y)" + b"".join(b"(define-fun t%d () U (f t%d t%d))" % (i + 1, i, i) for i in range(16)) + \
        b"(declare-fun _s0 () U)(assert (p t16))"  # _s0 is taken: the binders are named otherwise
    problem = smtlib.read(text)
    big = next(t for t, u in enumerate(problem.terms) if u.op == "app" and u.payload == "f" and t == max(
        x for x, v in enumerate(problem.terms) if v.op == "app" and v.payload == "f"))
    assert len(term(problem, big)) > 2**16 > SHARE_ABOVE
    atoms = Atoms(problem)
    y = next(t for t, u in enumerate(problem.terms) if u.op == "const" and u.payload == "y")
    var = atoms.variable(Eq("eq", min(big, y), max(big, y)))  # read back by the kernel's own declare
    line = atoms.lines[-1]
    assert line.startswith(f"atom {var} (let ((") and len(line) < 2000
    assert not re.search(r"\(\(_s0 ", line)  # _s0 is declared: the binders are named otherwise


def test_an_int_ite_read_again_for_many_real_ites_is_counted_against_the_reading_budget():
    def consumed(uses):  # reading steps spent: each use of t in a Real ite reads its 200 ites again
        text = b"(declare-fun c () Bool)(declare-fun x () Real)" + \
            b"".join(b"(declare-fun d%d () Bool)" % i for i in range(uses)) + \
            b"(define-fun t () Int " + b"(ite c 1 " * 200 + b"0" + b")" * 200 + b")" + \
            b"".join(b"(assert (= x (ite d%d t x)))" % i for i in range(uses))
        return 64 * len(text) + 10**6 - smtlib.read(text).budget
    assert consumed(11) - consumed(1) >= 10 * 400  # 200 ites and their numerals, each time
