"""The SMT kernel on hand-written problems and certificates: canonical atoms, the skeleton, every lemma
rule accepting its witness and refusing a broken one, the container's errors, and models."""
import hashlib
from fractions import Fraction

import pytest

import checker
from checker import smtlib, theory
from checker.skeleton import Skeleton, canonical
from checker.theories import strings

LRA = b"""(set-logic QF_LRA)
(declare-const x Real)
(declare-const y Real)
(assert (< (+ x y) 1))
(assert (> x 1))
(assert (>= y 0))
"""
# atoms: 1 = x+y < 1, 2 = x <= 1 (asserted false), 3 = y < 0 (asserted false); units 1, -2, -3
LRA_REFUTATION = "5 0 1 2 3 4 0\n"


def write(tmp_path, problem, body, answer="unsat", digest=None):
    (tmp_path / "p.smt2").write_bytes(problem)
    digest = digest or hashlib.sha256(problem).hexdigest()
    (tmp_path / "p.cert").write_text(f"smtcert 2\nproblem {digest}\n{answer}\n{body}")
    return str(tmp_path / "p.smt2"), str(tmp_path / "p.cert")


def verdict(tmp_path, problem, body, **kw):
    """The Python kernel's verdict, after insisting that the C kernel's refutation check says the same."""
    paths = write(tmp_path, problem, body, **kw)
    answers = []
    for kernel in ("python", "c"):
        try:
            v = checker.check_smt(*paths, kernel=kernel)
            answers.append((v.status, v.code, v.reason, v.line, v.offset, tuple(v.counts.items()), v))
        except checker.InputError as error:
            answers.append((str(error), error))
    assert answers[0][:-1] == answers[1][:-1], f"kernels disagree: {answers}"
    if isinstance(answers[0][-1], checker.InputError):
        raise answers[0][-1]
    return answers[0][-1]


def atom(text, decls="(declare-const x Int)(declare-const y Int)(declare-const r Real)(declare-const s Real)"):
    """The canonical atom, its variables named (they are numbered in declaration order: x, y, r, s)."""
    problem = smtlib.read(f"{decls}(assert {text})".encode())
    return named(problem, canonical(problem, problem.assertions[0][0]))


def named(problem, found):
    """A canonical key (or (key, positive)) with the terms of its variables written as their names."""
    if isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], bool):
        return named(problem, found[0]), found[1]
    if isinstance(found, tuple) and found and found[0] == "lin":
        return found._replace(pairs=tuple((problem.terms[x].payload, c) for x, c in found.pairs))
    return found


# ---- canonical atoms ------------------------------------------------------
@pytest.mark.parametrize("text, key, positive", [
    ("(<= (* 2 x) 7)", ("<=", (("x", 1),), 3), True),          # gcd and floor over Int
    ("(< x 4)", ("<=", (("x", 1),), 3), True),                  # strict over Int
    ("(>= x 4)", ("<=", (("x", 1),), 3), False),                # the same variable, negated
    ("(> (- y x) 2)", ("<=", (("x", 1), ("y", -1)), -3), True),  # sorted by name, first coefficient positive
    ("(= (* 3 x) (+ y 1))", ("=", (("x", 3), ("y", -1)), 1), True),
    ("(= (- x) 5)", ("=", (("x", 1),), -5), True),
    ("(<= (/ r 2) (/ 1 3))", ("<=", (("r", 1),), Fraction(2, 3)), True),  # coefficients scaled to integers
    ("(> r 1.5)", ("<=", (("r", 1),), Fraction(3, 2)), False),
    ("(>= r s)", ("<", (("r", 1), ("s", -1)), 0), False),
    ("(< (- r) 0)", ("<=", (("r", 1),), 0), False),
])
def test_arithmetic_atoms_are_canonical(text, key, positive):
    (tag, kind, pairs, bound, _), sign = atom(text)
    assert (tag, kind, pairs, bound, sign) == ("lin", key[0], key[1], Fraction(key[2]), positive)


def test_atoms_that_fold_to_constants():
    assert atom("(= (* 2 x) 1)") == (False, True)
    assert atom("(< 1 2)") == (True, True)
    assert atom("(<= (- x x) 0)") == (True, True)


def test_string_atoms_are_glob_memberships():
    decls = "(declare-const s String)(declare-const t String)"
    assert atom('(= "ab" s)', decls) == (("in", 0 + smtlib.read(b"").true + 2, (97, 98)), True) or \
        atom('(= "ab" s)', decls)[0][2] == (97, 98)
    globs = atom('(str.in_re s (re.++ (str.to_re "a") (re.* re.allchar) (re.* re.allchar) re.allchar))', decls)
    assert [key[2] for key in globs] == [(97, strings.STAR, strings.ANY)]
    union = atom('(str.in_re s (re.union (str.to_re "a") (str.to_re "b")))', decls)
    assert sorted(key[2] for key in union) == [(97,), (98,)]
    assert atom('(= "a" (str.++ "" "a"))', decls) == (True, True)


def test_let_binds_in_parallel_and_its_end_restores_what_it_shadowed():
    problem = smtlib.read(b"(declare-const a Int)(declare-const b Int)(assert (let ((a b) (b a)) (let ((a 1) (c a)) "
                          b"(and (< a b) (< c a)))))(assert (< a b))(check-sat)")
    a, b = (problem.make("const", name, (), "Int") for name in "ab")
    one = problem.make("num", 1, (), "Int")
    inner, outer = (t for t, _ in problem.assertions)
    assert problem.terms[inner].args == (problem.make("<", None, (one, a), "Bool"), problem.make("<", None, (b, one), "Bool"))
    assert outer == problem.make("<", None, (a, b), "Bool")


def test_skeleton_numbering_and_clauses():
    problem = smtlib.read(b"(declare-const a Bool)(declare-const b Bool)(declare-const x Int)"
                          b"(assert (or a (and b (< x 3))))(assert (ite a (not b) (>= x 3)))")
    sk = Skeleton(problem)
    # a=1, b=2, x<=2 is 3, and=4, or=5; ite=6 over (a, -b, -3)
    assert sk.count == 6 and sorted(sk.atoms) == [1, 2, 3]
    assert sk.clauses == [[-4, 2], [-4, 3], [4, -2, -3], [5, -1], [5, -4], [-5, 1, 4], [5],
                          [-6, -1, -2], [-6, 1, -3], [6, -1, 2], [6, 1, 3], [6]]


def test_shared_subterms_get_one_variable():
    problem = smtlib.read(b"(declare-const a Bool)(declare-const b Bool)"
                          b"(assert (let ((c (and a b))) (or c (not c))))(assert (and a b))")
    sk = Skeleton(problem)
    assert sk.count == 4 and sk.clauses[-1] == [3]


# ---- certificates: LRA refutation, both kernels ----------------------------
def test_lra_certificate_verifies(tmp_path):
    v = verdict(tmp_path, LRA, f"lemma lra -1 2 3 0 1 1 1\nrefutation lrat\n{LRA_REFUTATION}")
    assert v.verified and v.kind == "smt" and v.proof["format"] == "smt-lrat"
    assert v.formula["sha256"] == hashlib.sha256(LRA).hexdigest()


@pytest.mark.parametrize("lemma, why", [
    ("lemma lra -1 2 3 0 1 1 -1", "negative multiplier"),
    ("lemma lra -1 2 3 0 1 2 1", "no contradiction"),
    ("lemma lra -1 2 3 0 1 1", "one multiplier per literal"),
    ("lemma lra -1 2 0 1 1", "no contradiction"),                 # a literal missing
    ("lemma lia -1 2 3 0 1 1 2 1 3 1 cut", "cut needs integer"),   # a cut over reals
    ("lemma euf -1 2 3 0", "only equalities"),
    ("lemma lra -1 2 3 0 1 1e3 1", "malformed witness"),
    ("lemma nra -1 2 3 0", "unknown theory tag"),
])
def test_broken_lemmas_are_rejected_and_named(tmp_path, lemma, why):
    v = verdict(tmp_path, LRA, f"{lemma}\nrefutation lrat\n{LRA_REFUTATION}")
    assert not v.verified and v.code == "smt-lemma"
    assert why in v.reason and "lemma 1" in v.reason and v.line == 4


def test_dropped_lemma_fails_the_refutation(tmp_path):
    v = verdict(tmp_path, LRA, f"refutation lrat\n{LRA_REFUTATION}")
    assert not v.verified and v.code == "hint-dead" and v.line == 5


def test_refutation_without_empty_clause(tmp_path):
    v = verdict(tmp_path, LRA, "lemma lra -1 2 3 0 1 1 1\nrefutation lrat\n")
    assert not v.verified and v.code == "no-empty-clause"


def test_certificate_for_another_problem(tmp_path):
    v = verdict(tmp_path, LRA, f"lemma lra -1 2 3 0 1 1 1\nrefutation lrat\n{LRA_REFUTATION}", digest="0" * 64)
    assert not v.verified and v.code == "smt-problem" and "another problem" in v.reason


def test_changed_atom_changes_the_lemma(tmp_path):
    changed = LRA.replace(b"(> x 1)", b"(> x 0)")
    v = verdict(tmp_path, changed, f"lemma lra -1 2 3 0 1 1 1\nrefutation lrat\n{LRA_REFUTATION}")
    assert not v.verified and v.code == "smt-lemma"


# ---- LIA: cuts, branches, disequalities -----------------------------------
LIA = b"(declare-const x Int)(declare-const y Int)(assert (= (+ (* 2 x) (* 2 y)) 1))"


def test_equality_without_integer_solution_folds_to_false(tmp_path):
    sk = Skeleton(smtlib.read(LIA))
    assert sk.clauses == [[1], [-1]]  # 2x + 2y = 1 is false over Int: T and then ¬T


def lin(kind, pairs, bound, integral=True):
    return ("lin", kind, tuple(pairs), Fraction(bound), integral)


# 2x + 2y <= 1 (not canonical: the reader would tighten it; cuts matter for derived rows like it)
EVEN = lin("<=", [("x", 2), ("y", 2)], 1)
XY = lin("<=", [("x", 1), ("y", 1)], 0)


@pytest.mark.parametrize("witness, why", [
    ("1 1 cut ; 3 1 2 1", theory.VALID),   # cut to x+y <= 0; with x+y >= 1 (row 2): 0 <= -1
    ("1 1/2 cut ; 3 1 2 1", theory.VALID),  # x+y <= 1/2, cut: x+y <= 0
    ("1 1 ; 3 1 2 1", "no contradiction"),  # without the cut: 0 <= 0
    ("1 1/3 cut ; 3 1 2 1", "integer coefficients"),
    ("1 1 cut", "no contradiction"),
    ("1 -1 cut ; 3 1 2 1", "negative multiplier"),
    ("3 1", "row 3 does not exist"),
    ("1 1 2", "pairs"),
])
def test_cutting_plane_rule(witness, why):
    found = theory.check("lia", [(EVEN, True), (XY, False)], witness.split(), None)
    assert found is why if why is theory.VALID else why in found


@pytest.mark.parametrize("low, why", [(10**30 + 1, theory.VALID), (10**30, "no contradiction")])
def test_a_cut_over_numbers_past_a_float_is_exact(low, why):
    """2x <= 2*10^30 + 1 cuts to x <= 10^30 exactly (a float would round the bound to 10^30 + 2^36 or so):
    with x >= 10^30 + 1 that is a contradiction, with x >= 10^30 none.  Bounds are ints, as the skeleton makes them."""
    rows = [(("lin", "<=", (("x", 2),), 2 * 10**30 + 1, True), True), (("lin", "<=", (("x", -1),), -low, True), True)]
    found = theory.check("lia", rows, "1 1 cut ; 3 1 2 1".split(), None)
    assert found is why if why is theory.VALID else why in found


def test_cuts_need_integer_variables_and_the_lia_tag():
    real = lin("<=", [("x", 2), ("y", 2)], 1, integral=False)
    assert "integer variables" in theory.check("lia", [(real, True), (XY, False)], "1 1 cut ; 3 1 2 1".split(), None)
    assert theory.check("lra", [(EVEN, True), (XY, False)], "1 cut".split(), None) is not theory.VALID  # lra: no cuts


def test_strict_rows_and_equalities():
    r = [("r", 1)]
    lt, eq = lin("<", r, 0, False), lin("=", r, 0, False)
    assert theory.check("lra", [(lt, True), (lin("<", r, 0, False), False)], ["1", "1"], None) is theory.VALID
    one = lin("=", r, 1, False)
    assert theory.check("lra", [(one, True), (lt, True)], ["-1", "1"], None) is theory.VALID  # r=1 (any sign), r<0
    assert "negative" in theory.check("lra", [(lt, True), (one, True)], ["-1", "1"], None)
    assert "no contradiction" in theory.check("lra", [(eq, True), (lt, False)], ["-1", "1"], None)
@pytest.mark.parametrize("witness, ok", [("2 1 3 1 | 1 1 3 1", True), ("2 1 3 1", False),
                                         ("2 1 3 1 | 2 1 3 1", False)])
def test_disequality_needs_both_sides(tmp_path, witness, ok):
    # x <= 3, x >= 3 (¬(x <= 2)), x ≠ 3: lemma ¬(x<=3) ∨ (x<=2) ∨ (x=3)
    problem = b"(declare-const x Int)(assert (<= x 3))(assert (>= x 3))(assert (not (= x 3)))"
    sk = Skeleton(smtlib.read(problem))
    x = sk.problem.parse_term(b"x", "Int")
    le3, le2, eq3 = sk.var[("lin", "<=", ((x, 1),), 3, True)], sk.var[("lin", "<=", ((x, 1),), 2, True)], \
        sk.var[("lin", "=", ((x, 1),), 3, True)]
    parts = witness.split("|")
    # rows: 1 = x <= 3, 2 = -x <= -3, 3 = the disequality's side: x <= 2, then -x <= -4
    body = f"lemma lia {-le3} {le2} {eq3} 0 {' | '.join(p.strip() for p in parts)}\nrefutation lrat\n"
    v = verdict(tmp_path, problem, body)
    assert (v.code == "no-empty-clause") == ok, v.reason


def test_branch_lemma_is_a_tautology(tmp_path):
    problem = b"(declare-const x Int)(assert (< 0 x))(assert (< x 1))"
    assert Skeleton(smtlib.read(problem)).clauses == [[-1], [1]]  # 0 < x is ¬(x <= 0); x < 1 is x <= 0
    body = "atom 2 (<= x 5)\nlemma lia 2 -2 0 1 1 2 1\nrefutation lrat\n"
    v = verdict(tmp_path, problem, body)
    assert v.code == "no-empty-clause"


# ---- EUF ----------------------------------------------------------------
EUF = b"""(declare-sort U 0)(declare-fun f (U) U)(declare-fun p (U) Bool)(declare-const a U)(declare-const b U)
(assert (= a b))(assert (not (= (f a) (f b))))(assert (p a))(assert (not (p b)))"""


def test_euf_congruence(tmp_path):
    sk = Skeleton(smtlib.read(EUF))
    ab, fab = 1, 2
    assert sk.atoms[ab][0] == "eq" and sk.atoms[fab][0] == "eq"
    v = verdict(tmp_path, EUF, "lemma euf -1 2 0\nrefutation lrat\n6 0 1 2 5 0\n")
    assert v.verified, v.reason
    v = verdict(tmp_path, EUF, "lemma euf -1 -3 4 0\nrefutation lrat\n6 0 1 3 4 5 0\n")
    assert v.verified, v.reason


def test_euf_without_contradiction_is_rejected(tmp_path):
    v = verdict(tmp_path, EUF, "lemma euf 2 0\nrefutation lrat\n")
    assert v.code == "smt-lemma" and "congruence closure finds no contradiction" in v.reason
    v = verdict(tmp_path, EUF, "lemma euf -3 4 0\nrefutation lrat\n")
    assert v.code == "smt-lemma"


# ---- strings ------------------------------------------------------------
STR = b"""(declare-const s String)
(assert (str.in_re s (re.++ (str.to_re "arn:aws:s3:::logs/") (re.* re.allchar))))
(assert (not (str.in_re s (re.++ (str.to_re "arn:aws:s3:::") (re.* re.allchar)))))"""


def test_glob_inclusion_by_the_kernel(tmp_path):
    v = verdict(tmp_path, STR, "lemma str -1 2 0\nrefutation lrat\n4 0 1 2 3 0\n")
    assert v.verified, v.reason


def test_glob_non_inclusion_is_rejected(tmp_path):
    problem = STR.replace(b"arn:aws:s3:::\"", b"arn:aws:s3:::logs/x\"")
    v = verdict(tmp_path, problem, "lemma str -1 2 0\nrefutation lrat\n")
    assert v.code == "smt-lemma" and "not empty" in v.reason


def test_three_memberships_need_a_witness_and_it_must_be_closed(tmp_path):
    problem = b"""(declare-const s String)
(assert (str.in_re s (re.++ (str.to_re "a") (re.* re.allchar))))
(assert (str.in_re s (re.++ (re.* re.allchar) (str.to_re "b"))))
(assert (not (str.in_re s (re.++ (str.to_re "a") (re.* re.allchar) (str.to_re "b")))))
(assert (not (str.in_re s (str.to_re "ab"))))"""
    # "ab" matches a*, *b and a*b: all four memberships are needed; the closed set from the producer side
    from evidence.smt import globs
    sk = Skeleton(smtlib.read(problem))
    lits = [-1, -2, 3]
    assert globs.explore([(sk.atoms[1][2], True), (sk.atoms[2][2], True), (sk.atoms[3][2], False)])[0] == "empty"
    found = globs.explore([(sk.atoms[abs(l)][2], l < 0) for l in lits])
    tokens = " ".join(",".join(format(m, "x") for m in state) for state in found[1])
    v = verdict(tmp_path, problem, f"lemma str -1 -2 3 0 {tokens}\nrefutation lrat\n")
    assert v.code == "no-empty-clause", v.reason
    v = verdict(tmp_path, problem, "lemma str -1 -2 3 0\nrefutation lrat\n")
    assert v.code == "smt-lemma" and "needs a witness" in v.reason
    unclosed = " ".join(tokens.split()[:-1])
    v = verdict(tmp_path, problem, f"lemma str -1 -2 3 0 {unclosed}\nrefutation lrat\n")
    assert v.code == "smt-lemma" and ("not closed" in v.reason or "initial" in v.reason)


EQUAL = b"""(declare-const x String)
(declare-const y String)
(assert (str.in_re x (re.++ (str.to_re "a") (re.* re.allchar))))
(assert (str.in_re y (re.++ (str.to_re "a") (re.* re.allchar))))
(assert (= x "ab"))
(assert (= y "ab"))
(assert (not (= x y)))"""
# atoms: 1 = x in a*, 2 = y in a*, 3 = x in "ab", 4 = y in "ab", 5 = x = y; units 1 2 3 4 -5


def test_strings_equal_to_one_literal_are_equal(tmp_path):
    v = verdict(tmp_path, EQUAL, "lemma str -3 -4 5 0\nrefutation lrat\n7 0 3 4 5 6 0\n")
    assert v.verified, v.reason


@pytest.mark.parametrize("lemma, why", [("-1 -2 5", "about one string"), ("-3 -2 5", "about one string"),
                                         ("-3 5", "not empty")])
def test_strings_are_not_merged_by_a_wildcard_glob_or_by_one_literal(tmp_path, lemma, why):
    # x in a* and y in a*, or x = "ab" and y in a*, or x = "ab" alone, do not make x and y equal
    v = verdict(tmp_path, EQUAL, f"lemma str {lemma} 0\nrefutation lrat\n")
    assert v.code == "smt-lemma" and why in v.reason, v.reason


def test_strings_equal_to_different_literals_are_not_merged(tmp_path):
    problem = EQUAL.replace(b'(= y "ab")', b'(= y "ac")')
    v = verdict(tmp_path, problem, "lemma str -3 -4 5 0\nrefutation lrat\n")
    assert v.code == "smt-lemma" and "about one string" in v.reason, v.reason


# ---- malformed input: exit 2 with a position ---------------------------------
@pytest.mark.parametrize("body, where", [
    ("lemma lra -1 2 3 1 1 1\n", "line 4"),           # no terminating 0
    ("lemma lra -1 9 0 1 1\n", "line 4"),              # not an atom
    ("lemma lra -1 x 0\n", "line 4"),
    ("atom 9 (<= x 3)\n", "line 4"),                   # not the next number
    ("atom 4 (and (<= x 3) (<= y 3))\n", "line 4"),    # not an atom
    ("atom 4 (<= z 3)\n", "unknown symbol z"),
    ("frobnicate\n", "line 4"),
    ("lemma lra -1 2 3 0 1 1 1\n", "end of file"),      # truncated: no refutation
])
def test_malformed_certificates(tmp_path, body, where):
    with pytest.raises(checker.InputError) as error:
        verdict(tmp_path, LRA, body)
    assert error.value.path.endswith("p.cert") and where in str(error.value)


@pytest.mark.parametrize("problem, message", [
    (b"(declare-const x Int)(assert (> (str.len x) 1))", "ill-sorted str.len"),
    (b"(declare-const x Int)(assert (> (* x x) 1))", "non-linear"),
    (b"(declare-const x Int)\n(assert (> x 1)", "line 2, column 1: unclosed"),
    (b"(assert (> y 1))", "unknown symbol y"),
    (b"(declare-const x Int)(declare-const r Real)(assert (> (+ x r) 1))", "mixed"),
    (b"(declare-const s String)(assert (str.in_re s (re.++ (re.comp re.allchar) re.all)))",
     "unsupported: re.comp inside re.++"),
    (b"\xff\xfe(garbage", "expected a command"),
    (b"(assert (> 1 " + b"9" * 5000 + b"))", "unsupported: a numeral of more than 4,000 digits"),
    (b"(declare-const x Int)\n(assert (> x \"1))", "line 2, column 14: unexpected character"),
    # numbers Python cannot print (4,300 digits and more) never reach str(): refused where they are made
    pytest.param(b"(declare-fun f (Int) Int)(assert (> (f (* " + b"9" * 3000 + b" " + b"9" * 3000 + b")) 0))",
                 "column 40: unsupported: a constant of more than 4,000 digits", id="folded 6000 digits"),
    pytest.param(b"(declare-fun f (Real) Real)(assert (> (f " + b"9" * 3000 + b"." + b"9" * 3000 + b") 0))",
                 "column 42: unsupported: a numeral of more than 4,000 digits", id="numeral of 6001 characters"),
    # a long run of blanks before a bad character: reading stays linear (a search from every
    # position after a failed match would take minutes here)
    (b"(declare-const x Int)" + b" " * 200_000 + b'"x', "column 200022: unexpected character"),
    (b"(declare-const x Int)\n" + b"; note\n" * 50_000 + b"|x", "line 50002, column 1: unexpected character"),
])
def test_malformed_or_unsupported_problems_name_the_construct(tmp_path, problem, message):
    with pytest.raises(checker.InputError) as error:
        verdict(tmp_path, problem, "refutation lrat\n")
    assert error.value.path.endswith("p.smt2") and message in str(error.value)


def test_drat_refutation_needs_its_elaboration(tmp_path):
    with pytest.raises(checker.InputError, match="DRAT"):
        verdict(tmp_path, LRA, "lemma lra -1 2 3 0 1 1 1\nrefutation drat\n0\n")


def test_lrat_errors_point_into_the_certificate(tmp_path):
    with pytest.raises(checker.InputError) as error:
        verdict(tmp_path, LRA, "lemma lra -1 2 3 0 1 1 1\nrefutation lrat\n5 0 1 2 x 0\n")
    assert "line 6" in str(error.value)


# ---- models -------------------------------------------------------------
MODEL_PROBLEM = b"""(declare-sort U 0)(declare-fun f (U) U)(declare-const a U)(declare-const b U)
(declare-const x Int)(declare-const r Real)(declare-const s String)
(assert (and (= (f a) b) (distinct a b) (> x 2) (= (* 2 r) 1)
  (str.in_re s (re.++ (str.to_re "arn:") (re.* re.allchar)))))"""
GOOD_MODEL = """(declare-const e1 U)(declare-const e2 U)
(define-fun a () U e1)
(define-fun b () U e2)
(define-fun f ((u U)) U (ite (= u e1) e2 e1))
(define-fun x () Int 3)
(define-fun r () Real (/ 1 2))
(define-fun s () String "arn:aws")
"""


def test_good_model_verifies(tmp_path):
    v = verdict(tmp_path, MODEL_PROBLEM, GOOD_MODEL, answer="sat")
    assert v.verified and v.proof["format"] == "smt-model"


@pytest.mark.parametrize("old, new, why", [
    ("(define-fun x () Int 3)", "(define-fun x () Int 2)", "falsifies assertion 1"),
    ("(define-fun x () Int 3)", "(define-fun x () Int (/ 7 2))", "not a Int"),
    ("(define-fun x () Int 3)", "", "no value for x"),
    ('"arn:aws"', '"arm:aws"', "falsifies"),
    ("(define-fun b () U e2)", "(define-fun b () U e1)", "falsifies"),
    ("(define-fun r () Real (/ 1 2))", "(define-fun r () Real 0.5)", None),
])
def test_corrupted_models_are_rejected(tmp_path, old, new, why):
    v = verdict(tmp_path, MODEL_PROBLEM, GOOD_MODEL.replace(old, new), answer="sat")
    assert v.verified == (why is None) and (why is None or why in v.reason)


def test_malformed_model(tmp_path):
    with pytest.raises(checker.InputError, match="line 4"):
        verdict(tmp_path, MODEL_PROBLEM, "(define-fun nope () Int 3)\n", answer="sat")


# ---- random corruption: a verdict or a clear error, never a crash ------------
def corpus():
    """(problem, certificate body, answer) cases that verify, to corrupt."""
    three = b"""(declare-const s String)
(assert (str.in_re s (re.++ (str.to_re "a") (re.* re.allchar))))
(assert (str.in_re s (re.++ (re.* re.allchar) (str.to_re "b"))))
(assert (not (str.in_re s (re.++ (str.to_re "a") (re.* re.allchar) (str.to_re "b")))))"""
    from evidence.smt import globs
    sk = Skeleton(smtlib.read(three))
    _, states = globs.explore([(sk.atoms[abs(lit)][2], lit < 0) for lit in (-1, -2, 3)])
    witness = " ".join(",".join(format(m, "x") for m in state) for state in states)
    return [(LRA, f"lemma lra -1 2 3 0 1 1 1\nrefutation lrat\n{LRA_REFUTATION}", "unsat"),
            (EUF, "lemma euf -1 2 0\nrefutation lrat\n6 0 1 2 5 0\n", "unsat"),
            (STR, "lemma str -1 2 0\nrefutation lrat\n4 0 1 2 3 0\n", "unsat"),
            (three, f"lemma str -1 -2 3 0 {witness}\nrefutation lrat\n5 0 1 2 3 4 0\n", "unsat"),
            (MODEL_PROBLEM, GOOD_MODEL, "sat")]


def mutate(data, rng):
    i = rng.randrange(len(data) + 1)
    kind = rng.randrange(4)
    if kind == 0:
        return data[:i]
    if kind == 1:
        return data[:i] + data[i + 1:]
    if kind == 2:
        return data[:i] + bytes([rng.choice(b"()0123456789- \n\"|;abxyz*?:\xff")]) + data[i:]
    return data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]


def test_corrupted_problems_and_certificates_never_crash(tmp_path):
    import random
    rng, outcomes = random.Random(20261121), {"verified": 0, "rejected": 0, "malformed": 0}
    for problem, body, answer in corpus():
        assert verdict(tmp_path, problem, body, answer=answer).verified
        for _ in range(60):
            corrupt_problem = rng.random() < 0.4
            p = mutate(problem, rng) if corrupt_problem else problem
            b = body if corrupt_problem else mutate(body.encode(), rng).decode("utf-8", "replace")
            digest = hashlib.sha256(p).hexdigest()  # the certificate follows the problem: test the rest
            try:
                v = verdict(tmp_path, p, b, answer=answer, digest=digest)
                outcomes["verified" if v.verified else "rejected"] += 1
                assert v.reason is None if v.verified else v.reason
            except checker.InputError as error:
                outcomes["malformed"] += 1
                assert error.path.endswith(("p.smt2", "p.cert")) and str(error)
    assert all(outcomes.values()), outcomes


def test_an_atom_line_may_name_a_membership(tmp_path):
    problem = b'(declare-const s String)(assert (= s "arn:aws:s3:::logs/a"))'
    body = ('atom 2 (str.in_re s (re.++ (str.to_re "arn:aws:s3:::") (re.* re.allchar)))\n'
            "lemma str -1 2 0\nrefutation lrat\n")
    v = verdict(tmp_path, problem, body)
    assert v.code == "no-empty-clause"  # the atom and the lemma (a literal in a glob) are accepted
    with pytest.raises(checker.InputError, match="one atom"):
        verdict(tmp_path, problem, 'atom 2 (str.in_re s (re.union (str.to_re "a") (str.to_re "b")))\n')


def test_glob_steps_match_a_direct_reading():
    import fnmatch
    import random

    from checker.theories.strings import ANY, STAR, closure, squeeze, step

    def matches(glob, text):  # the kernel's glob steps, run over the text
        mask = closure(glob, 1)
        for ch in text:
            mask = step(glob, mask, ord(ch))
        return bool(mask >> len(glob) & 1)
    rng = random.Random(7)
    for _ in range(500):
        glob = "".join(rng.choice("ab*?") for _ in range(rng.randrange(6)))
        text = "".join(rng.choice("abc") for _ in range(rng.randrange(6)))
        items = squeeze(tuple(STAR if c == "*" else ANY if c == "?" else ord(c) for c in glob))
        assert matches(items, text) == fnmatch.fnmatchcase(text, glob.replace("[", "[[]")), (glob, text)
