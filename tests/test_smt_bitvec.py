"""Bit-vectors (QF_BV) in the SMT kernel (checker/theories/bitvec.py, docs/smt-certificate.md,
"Bit-vectors").

Every operator's circuit is compared with the kernel's evaluator over every input at widths 1 to 4:
for each assignment of the arguments and of a result constant r, the skeleton of (= (op x y) r) is
satisfiable exactly when the evaluator says op(x, y) = r.  The evaluator is compared with cvc5 over
every input at widths 1 to 4, so the circuits are tied to an independent implementation.  Then known
answers (the standard's subtle cases), reading and refusals, random problems against cvc5, mutated
certificates, the budget, the command line, and a term 10^5 deep."""
import itertools
import json
import random
import re

import pytest
from click.testing import CliRunner
from pysat.solvers import Solver

import checker
from checker import smt, smtlib
from checker.skeleton import Skeleton
from checker.smtlib import SmtError
from evidence.cli import cli
from evidence.smt import soundness
from smt_helpers import edit, prove, verdicts

# (operator as written, arity, result width from the argument width w; None: Bool)
OPERATORS = [(op, 2, lambda w: w) for op in soundness.BV_BINARY] + \
    [("concat", 2, lambda w: 2 * w), ("bvcomp", 2, lambda w: 1)] + \
    [(op, 2, None) for op in soundness.BV_PREDICATES if op not in ("=", "distinct")] + \
    [("bvnot", 1, lambda w: w), ("bvneg", 1, lambda w: w), ("bvnego", 1, None),
     ("(_ extract 1 0)", 1, lambda w: 2), ("(_ extract 0 0)", 1, lambda w: 1), ("(_ repeat 3)", 1, lambda w: 3 * w),
     ("(_ zero_extend 2)", 1, lambda w: w + 2), ("(_ sign_extend 2)", 1, lambda w: w + 2),
     ("(_ zero_extend 0)", 1, lambda w: w), ("(_ rotate_left 1)", 1, lambda w: w),
     ("(_ rotate_left 5)", 1, lambda w: w), ("(_ rotate_right 3)", 1, lambda w: w)]
NAMES = [op for op, _, _ in OPERATORS]


def evaluate(problem, t, values):
    """The kernel's model evaluation of term t (checker.smt), the constants given by `values`."""
    memo = {}

    def value(u):
        op, payload, args, _ = problem.terms[u]
        return values[payload] if op == "const" else smt._evaluate(op, payload, [memo[a] for a in args])
    return smtlib.bottom_up(problem.terms, t, memo, value)


def problem_of(op, arity, w, result):
    sort = "Bool" if result is None else f"(_ BitVec {result(w)})"
    return smtlib.read(f"(declare-const x (_ BitVec {w}))(declare-const y (_ BitVec {w}))(declare-const r {sort})"
                       f"(assert (= ({op} x{' y' if arity == 2 else ''}) r))".encode())


def literals(bits, value):
    return [bit if value >> i & 1 else -bit for i, bit in enumerate(bits)]


@pytest.mark.parametrize("op, arity, result", OPERATORS, ids=NAMES)
def test_each_circuit_agrees_with_the_evaluator_on_every_input_up_to_width_4(op, arity, result):
    for w in range(2 if "extract 1" in op else 1, 5):
        problem = problem_of(op, arity, w, result)
        skeleton = Skeleton(problem)
        const = {problem.terms[t].payload: t for t, term in enumerate(problem.terms) if term.op == "const"}
        bits = {name: skeleton.bitvec.bits.get(t) for name, t in const.items()}
        assertion = problem.assertions[0][0]
        results = [False, True] if result is None else range(1 << result(w))
        checked = 0
        with Solver(name="cadical195", bootstrap_with=skeleton.clauses) as solver:
            for x, y in itertools.product(range(1 << w), range(1 << w) if arity == 2 else [0]):
                for r in results:
                    assume = literals(bits["x"], x) + (literals(bits["y"], y) if arity == 2 else [])
                    assume += [skeleton.var[("p", const["r"])] * (1 if r else -1)] if result is None else \
                        literals(bits["r"], r)
                    expected = evaluate(problem, assertion, {"x": x, "y": y, "r": r})
                    assert solver.solve(assumptions=assume) == expected, (op, w, x, y, r, expected)
                    checked += 1
        assert checked == (1 << w * arity) * len(results)


def test_the_evaluator_agrees_with_cvc5_on_every_input_up_to_width_4():
    cvc5 = pytest.importorskip("cvc5")
    solver = cvc5.Solver(cvc5.TermManager())
    solver.setLogic("QF_BV")
    compared = 0
    for (op, arity, _), w in itertools.product(OPERATORS, range(1, 5)):
        if "extract 1" in op and w < 2:
            continue
        for x, y in itertools.product(range(1 << w), range(1 << w) if arity == 2 else [0]):
            text = f"({op} #b{x:0{w}b}{f' #b{y:0{w}b}' if arity == 2 else ''})"
            parser = cvc5.InputParser(solver)
            parser.setIncrementalStringInput(cvc5.InputLanguage.SMT_LIB_2_6, "term")
            parser.appendIncrementalStringInput(text)
            theirs = solver.simplify(parser.nextTerm())
            theirs = theirs.getBooleanValue() if theirs.getSort().isBoolean() else int(theirs.getBitVectorValue(2), 2)
            problem = smtlib.read(f"(declare-const v Bool)(assert (= v (= {text} {text})))".encode())
            term = problem.terms[problem.terms[problem.assertions[0][0]].args[1]].args[0]
            assert evaluate(problem, term, {}) == theirs, (text, theirs)
            compared += 1
    assert compared > 10_000


# ---- known answers, both ways ------------------------------------------------------------------------
# FixedSizeBitVectors (SMT-LIB 2.6): bvudiv by zero is all ones, bvurem by zero the dividend; QF_BV's
# bvsdiv, bvsrem (sign of the dividend), bvsmod (sign of the divisor) unfold through them; the 2.7
# overflow predicates compare the exact integer result with the range of w bits.  (bvsmod -6 -3) is 0:
# the logic's 2011 fix ("an incorrect answer when the divisor is negative and goes into the dividend
# evenly").
KNOWN = [("(bvudiv #b1010 #b0000)", "#b1111"), ("(bvurem #b1010 #b0000)", "#b1010"),
         ("(bvudiv #xff #x10)", "#x0f"), ("(bvsdiv #b1000 #b1111)", "#b1000"), ("(bvsdiv #b1001 #b0000)", "#b0001"),
         ("(bvsdiv #b0111 #b0000)", "#b1111"), ("(bvsdiv #b1001 #b0010)", "#b1101"),
         ("(bvsrem #b1001 #b0011)", "#b1111"), ("(bvsrem #b1001 #b0000)", "#b1001"),
         ("(bvsmod #b1001 #b0011)", "#b0010"), ("(bvsmod #b0111 #b1101)", "#b1110"),
         ("(bvsmod #b1010 #b1101)", "#b0000"), ("(bvsmod #b1011 #b1101)", "#b1110"),
         ("(bvsmod #b1001 #b0000)", "#b1001"), ("(bvashr #b1000 #b0010)", "#b1110"),
         ("(bvashr #b1000 #b1111)", "#b1111"), ("(bvshl #b0011 #b0100)", "#b0000"),
         ("(bvlshr #b1100 #b0010)", "#b0011"), ("(bvmul #x0f #x11)", "#xff"), ("(concat #b10 #b01)", "#b1001"),
         ("((_ extract 2 1) #b0110)", "#b11"), ("((_ sign_extend 3) #b10)", "#b11110"),
         ("((_ rotate_left 1) #b1000)", "#b0001"), ("((_ rotate_right 6) #b0001)", "#b0100"),
         ("((_ repeat 2) #b10)", "#b1010"), ("(bvcomp #b01 #b01)", "#b1"), ("(bvneg #b0001)", "#b1111"),
         ("(_ bv13 4)", "#xd"), ("(bvxnor #b0101 #b0011)", "#b1001"), ("(bvnand #b0101 #b0011)", "#b1110")]
PREDICATES = [("(bvslt #b1000 #b0111)", True), ("(bvult #b1000 #b0111)", False), ("(bvsle #b1111 #b1111)", True),
              ("(bvuaddo #b1000 #b1000)", True), ("(bvsaddo #b0100 #b0100)", True),
              ("(bvsaddo #b1100 #b0100)", False), ("(bvumulo #b0100 #b0100)", True),
              ("(bvsmulo #b1100 #b0010)", False), ("(bvsmulo #b1000 #b1111)", True),
              ("(bvssubo #b0000 #b1000)", True), ("(bvusubo #b0001 #b0010)", True),
              ("(bvsdivo #b1000 #b1111)", True), ("(bvnego #b1000)", True), ("(bvnego #b0000)", False)]


@pytest.mark.parametrize("term, value", KNOWN + PREDICATES, ids=[t for t, _ in KNOWN + PREDICATES])
def test_known_answers_both_ways(tmp_path, term, value):
    value = str(value).lower()
    width = "Bool" if value in ("true", "false") else \
        f"(_ BitVec {(len(value) - 2) * (4 if value[1] == 'x' else 1)})"
    for claim, answer in ((f"(= r {term})", "sat"), (f"(and (= r {term}) (distinct r {value}))", "unsat")):
        problem, cert, result = prove(tmp_path, f"(set-logic QF_BV)(declare-const r {width})(assert {claim})", answer)
        assert result.answer == answer, (term, claim)
        assert [v.status for v in verdicts(problem, cert)] == ["VERIFIED"] * len(checker.kernels())
        if answer == "sat":
            assert f"(define-fun r () {width} " in cert.read_text()


def test_a_model_of_a_wide_vector_is_read_and_checked(tmp_path):
    text = "(declare-const x (_ BitVec 100))(declare-const y (_ BitVec 100))" \
           "(assert (= (bvmul x #x0000000000000000000000003) y))" \
           "(assert (bvugt x (_ bv1000000000000000000000 100)))(assert (bvult x (_ bv2000000000000000000000 100)))"
    problem, cert, result = prove(tmp_path, text)
    assert result.answer == "sat"
    values = dict(re.findall(r"\(define-fun (\w) \(\) \(_ BitVec 100\) #x([0-9a-f]{25})\)", cert.read_text()))
    x, y = int(values["x"], 16), int(values["y"], 16)
    assert 10**21 < x < 2 * 10**21 and y == 3 * x % 2**100
    assert [v.status for v in verdicts(problem, cert)] == ["VERIFIED"] * len(checker.kernels())
    edit(cert, values["y"], f"{(y + 1) % 2**100:025x}")
    assert [v.code for v in verdicts(problem, cert)] == ["smt-model"] * len(checker.kernels())


# ---- reading -----------------------------------------------------------------------------------
def test_literals_in_every_form_are_the_same_term():
    problem = smtlib.read(b"(assert (= #b00001010 #x0A #x0a (_ bv10 8)))")
    conjunction = problem.terms[problem.assertions[0][0]]
    sides = {a for eq in conjunction.args for a in problem.terms[eq].args}
    assert len(sides) == 1 and problem.terms[sides.pop()][1:] == (10, (), ("BitVec", 8))


@pytest.mark.parametrize("text, message", [
    ("(declare-const x (_ BitVec 8))(declare-const y (_ BitVec 4))\n(assert (= x (bvadd x y)))",
     "line 2, column 14: ill-sorted bvadd (two or more bit-vector argument(s) of one width)"),
    ("(declare-const x (_ BitVec 8))\n(assert (= x ((_ extract 8 1) x)))", "line 2, column 14: ill-sorted extract"),
    ("(declare-const x (_ BitVec 8))\n(assert (= x (bvxnor x x x)))", "line 2, column 14: ill-sorted bvxnor"),
    ("(declare-const x (_ BitVec 8))\n(assert (= x (concat x)))", "line 2, column 14: ill-sorted concat"),
    ("(declare-const x (_ BitVec 8))\n(assert (= x (concat x x x)))", "ill-sorted concat"),
    ("(declare-const x (_ BitVec 8))\n(assert (bvult x 3))", "line 2, column 9: ill-sorted bvult"),
    ("(declare-const x (_ BitVec 8))\n(assert (= x ((_ bvadd 2) x x)))", "bvadd takes no indices"),
    ("(declare-const x (_ BitVec 8))\n(assert (= x ((_ extract 2) x)))", "(_ extract ...) takes 2 index(es)"),
    ("(declare-const x (_ BitVec 8))\n(assert (= x ((_ repeat 0) x)))", "ill-sorted repeat"),
    ("(declare-const x (_ BitVec 0))", "line 1, column 28: unsupported: a bit-vector width of 0"),
    ("(declare-const x (_ BitVec 65537))", "a bit-vector width of 0 or over 65,536"),
    ("(assert (= #b #b0))", "line 1, column 12: not a bit-vector literal"),
    ("(assert (= #x1G #x10))", "not a bit-vector literal"),
    ("(assert (= (_ bv16 4) #x0))", "(_ bv16 4): a value below 2^width"),
    ("(assert (= (_ bv01 4) #x0))", "unsupported: indexed constants (_ bv01 ...)"),
    ("(assert (= (_ bv1 4 4) #x0))", "takes one index"),
    ("(declare-const x (_ BitVec 8))\n(assert (= x (bvite x x x)))", "unknown symbol bvite"),
    ("(declare-const x (_ BitVec 65536))\n(assert (= x (concat x x)))", "more than 65,536 bits"),
    ("(declare-fun bvadd () Bool)", "reserved or predefined"),
])
def test_ill_sorted_and_unsupported_terms_are_refused_with_their_place(text, message):
    with pytest.raises(SmtError) as refused:
        smtlib.read(text.encode())
    assert message in str(refused.value), str(refused.value)


@pytest.mark.slow
def test_circuits_beyond_the_budget_are_refused_by_name_before_any_solving(tmp_path):
    problem = tmp_path / "wide.smt2"
    problem.write_text("(declare-const x (_ BitVec 4096))(assert (= (bvmul x x) (bvudiv x x)))(check-sat)")
    out = smt_prove(tmp_path, problem)
    assert out.exit_code == 2 and "bit-vector circuits of more than 64 gates a byte" in out.output, out.output


def smt_prove(tmp_path, problem, *extra):
    return CliRunner().invoke(cli, ["smt", "prove", str(problem), "-o", str(tmp_path / "out.cert"), *extra])


# ---- the producer and the command line ------------------------------------------------------------------
def test_smt_prove_prints_only_verified_answers_and_its_exit_codes(tmp_path, monkeypatch):
    sat, unsat, outside = (tmp_path / f"{n}.smt2" for n in ("sat", "unsat", "outside"))
    sat.write_text("(set-logic QF_BV)(declare-const x (_ BitVec 8))(assert (= (bvmul x #x03) #x01))(check-sat)")
    unsat.write_text("(set-logic QF_BV)(declare-const x (_ BitVec 8))(assert (= (bvmul x #x02) #x01))(check-sat)")
    outside.write_text("(set-logic QF_BV)(declare-const x (_ BitVec 8))(assert (= (bvredor x) #b1))(check-sat)")
    for path, answer in ((sat, "SATISFIABLE"), (unsat, "UNSATISFIABLE")):
        out = smt_prove(tmp_path, path)
        assert out.exit_code == 0 and out.output.splitlines()[-1] == f"s {answer}", out.output
        assert "c kernel: VERIFIED" in out.output
    out = smt_prove(tmp_path, outside)
    assert out.exit_code == 2 and "unknown symbol bvredor" in out.output and "s " not in out.output
    from evidence.smt import models
    monkeypatch.setattr(models, "bitvector", lambda value, width: f"#b{(value + 1) % 2**width:0{width}b}")
    out = smt_prove(tmp_path, sat)  # a producer bug: the kernel rejects the model, nothing is claimed
    assert out.exit_code == 3 and "SATISFIABLE" not in out.output, out.output


def test_the_time_limit_bounds_a_hard_problem(tmp_path):
    problem = tmp_path / "factor.smt2"  # a product of two 32-bit primes: far beyond a second
    problem.write_text("(set-logic QF_BV)(declare-const x (_ BitVec 128))(declare-const y (_ BitVec 128))"
                       f"(assert (= (bvmul x y) (_ bv{4294967291 * 4294967279} 128)))"
                       "(assert (bvugt x #x00000000000000000000000000000001))"
                       "(assert (bvugt y #x00000000000000000000000000000001))"
                       "(assert (bvult x #x00000000000000010000000000000000))"
                       "(assert (bvult y #x00000000000000010000000000000000))(check-sat)")
    out = smt_prove(tmp_path, problem, "--timeout", "1")
    assert out.exit_code == 4 and out.output.splitlines()[-1] == "s UNKNOWN", out.output


def test_uninterpreted_functions_over_bit_vectors_answer_only_what_the_kernel_verifies(tmp_path):
    declared = "(declare-const x (_ BitVec 4))(declare-const y (_ BitVec 4))" \
               "(declare-fun f ((_ BitVec 4)) (_ BitVec 4))(declare-fun P ((_ BitVec 4)) Bool)"
    problem, cert, result = prove(tmp_path, declared + "(assert (= (f x) (bvadd y #x1)))(assert (P (f y)))"
                                  "(assert (not (P x)))(assert (distinct x y))(assert (= x #x3))")
    assert result.answer == "sat" and "(define-fun f ((_a0 (_ BitVec 4))) (_ BitVec 4) (ite" in cert.read_text()
    assert [v.status for v in verdicts(problem, cert)] == ["VERIFIED"] * len(checker.kernels())
    # unsatisfiable only by congruence, which the bits do not encode: no answer rather than a wrong one
    with pytest.raises(Exception, match="theory combination|no model|satisfiable"):
        prove(tmp_path, declared + "(assert (= x y))(assert (distinct (f x) (f y)))", "uf")


def test_random_problems_answered_as_cvc5_answers_and_verified_by_both_kernels(tmp_path):
    pytest.importorskip("cvc5")
    answers = {}
    for i in range(40):
        text = soundness.GENERATORS["bv"](random.Random(f"bv-test-{i}"))
        problem, cert, result = prove(tmp_path, text, f"r{i}")
        theirs, _ = soundness.cvc5_run(text.encode())
        assert result.answer == theirs, text
        assert [v.status for v in verdicts(problem, cert)] == ["VERIFIED"] * len(checker.kernels()), text
        answers[result.answer] = answers.get(result.answer, 0) + 1
    assert answers.get("sat", 0) >= 5 and answers.get("unsat", 0) >= 5, answers


def test_mutated_problems_and_certificates_are_never_falsely_accepted(tmp_path):
    pytest.importorskip("cvc5")
    pool = []
    for i in range(8):
        text = soundness.GENERATORS["bv"](random.Random(f"bv-mutate-{i}"))
        problem, cert, _ = prove(tmp_path, text, f"m{i}")
        pool.append((f"m{i}", problem.read_bytes(), cert.read_bytes()))
    tally = soundness.mutation_campaign(pool, 80, 7, tmp_path)
    assert not tally.failures, tally.failures[:3]
    assert tally.counts.get("rejected", 0) + tally.counts.get("bad input", 0) >= 20, tally.counts


def test_a_changed_refutation_or_model_bit_is_rejected(tmp_path):
    problem, cert, result = prove(tmp_path, "(declare-const x (_ BitVec 6))(assert (= (bvmul x x) #b000010))")
    assert result.answer == "unsat"
    lines = cert.read_text().splitlines()
    assert re.fullmatch(r"\d+ 0( \d+)+ 0", lines[-1])  # the step that derives the empty clause
    cert.write_text("\n".join(lines[:-1]) + "\n")
    assert [v.verified for v in verdicts(problem, cert)] == [False] * len(checker.kernels())
    problem, cert, result = prove(tmp_path, "(declare-const x (_ BitVec 6))(assert (= (bvmul x x) #b000100))", "s")
    assert result.answer == "sat"
    value = re.search(r"#b([01]{6})", cert.read_text())[1]
    edit(cert, f"#b{value}", f"#b{value[:-1]}{1 - int(value[-1])}")
    assert [v.code for v in verdicts(problem, cert)] == ["smt-model"] * len(checker.kernels())


# ---- depth and size -----------------------------------------------------------------------------
@pytest.mark.slow
def test_a_term_nested_10_to_the_5_deep_is_checked_without_recursion(tmp_path):
    from test_smt_depth import in_child
    depth = 100_000
    (tmp_path / "deep.smt2").write_text("(declare-const x (_ BitVec 1))(declare-const y (_ BitVec 1))"
                                        f"(assert (not (= {'(bvadd x ' * depth}y{')' * depth} y)))")
    out = in_child("""
        import json, sys
        import checker
        from evidence.smt import native
        limit = sys.getrecursionlimit()
        result = native.prove("deep.smt2", "deep.cert")
        verdicts = [checker.check_smt("deep.smt2", "deep.cert", kernel).status for kernel in checker.kernels()]
        print(json.dumps([result.answer, verdicts, sys.getrecursionlimit() == limit]))
        """, tmp_path)
    assert json.loads(out) == ["unsat", ["VERIFIED"] * len(checker.kernels()), True]


def test_bits_are_numbered_as_the_certificate_format_says():
    problem = smtlib.read(b"(declare-const b Bool)(declare-const x (_ BitVec 2))(declare-const y (_ BitVec 2))"
                          b"(assert (or b (bvult x (bvand x y))))")
    skeleton = Skeleton(problem)
    x, y = (problem._ids[("const", n, (), ("BitVec", 2))] for n in "xy")
    # b is 1; at the first bit-vector atom the true variable T = 2, then x's bits 3, 4 and y's 5, 6,
    # then the two and gates 7, 8, then the comparator: xor 9, ite 10, xor 11, ite 12; then the or 13
    assert skeleton.var[("p", problem._ids[("const", "b", (), "Bool")])] == 1 and skeleton.var["true"] == 2
    assert skeleton.bitvec.bits[x] == [3, 4] and skeleton.bitvec.bits[y] == [5, 6]
    assert skeleton.clauses[:3] == [[2], [-7, 3], [-7, 5]]
    assert skeleton.count == 13 and skeleton.clauses[-1] == [13]


def test_the_reader_differential_compares_bit_vector_literals_with_cvc5(monkeypatch):
    pytest.importorskip("cvc5")
    tally = soundness.reader_differential(seed=23, count=400)
    assert not tally.failures, tally.failures[:3]
    from checker import theories
    from checker.theories import bitvec
    wrong = lambda problem, token: bitvec.literal(problem, token[:2] + token[:1:-1])  # noqa: E731 - digits reversed
    monkeypatch.setitem(theories.CONSTANTS, "#", wrong)
    assert any(case[0] == "bit-vector" for case in soundness.reader_differential(seed=23, count=400).failures)
