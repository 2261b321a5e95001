"""Soundness of the SMT kernel's reading and rules, with cvc5 as the independent oracle (issue 22):
the five false accepts found by reading string literals wrongly, ill-formed input refused with its
line and column, reject by default in every rule, and a fast seeded part of each campaign of
evidence/smt/soundness.py (bench/bench_soundness.py runs the long ones)."""
import hashlib
import random
import re
from pathlib import Path

import pytest

import checker
from checker import smt, smtlib, theories, theory
from evidence.policy.smtlib import lit
from evidence.smt import soundness
from evidence.smt.atoms import string

cvc5 = pytest.importorskip("cvc5")
ROOT = Path(__file__).resolve().parent.parent
SMT = ROOT / "samples" / "smt"


def write(tmp_path, problem, body, answer):
    (tmp_path / "p.smt2").write_bytes(problem)
    digest = hashlib.sha256(problem).hexdigest()
    (tmp_path / "p.cert").write_text(f"smtcert 2\nproblem {digest}\n{answer}\n{body}")
    return tmp_path / "p.smt2", tmp_path / "p.cert"


def statuses(problem, cert):
    return {v[0] for v in soundness.kernel_verdicts(problem, cert)}


# ---- the five false accepts (each was certified by both kernels) ----------------------------------
def script(*assertions):
    return ("(set-logic QF_S)(declare-fun s () String)" + "".join(f"(assert {a})" for a in assertions) +
            "(check-sat)").encode()


FALSE_ACCEPTS = [
    # (problem, the right answer, the value of s in a model, or None)
    (script('(= s "\\u0061")', "(str.in_re s re.allchar)"), "sat", "a"),  # four hex digits: one character
    (script('(= s "\\ud800")', "(str.in_re s re.allchar)"), "sat", "\ud800"),  # a surrogate is a character too
    (script('(= s "\\u{3FFFF}")', '(str.in_re s (re.++ (str.to_re "\\u{5c}") (re.* re.allchar)))'), "sat",
     "\\u{3FFFF}"),  # past 0x2FFFF: no escape, nine characters starting with a backslash
    (script('(= s "\\u{FFFFF}")', '(str.in_re s (re.++ (str.to_re "\\u{5c}") (re.* re.allchar)))'), "sat",
     "\\u{FFFFF}"),
    (script('(= s "\\u0061")', '(not (= s "a"))'), "unsat", None),  # "\u0061" is "a"
]


@pytest.mark.parametrize("problem, answer, value", FALSE_ACCEPTS)
def test_each_former_false_accept_is_answered_rightly(tmp_path, problem, answer, value):
    assert soundness.cvc5_run(problem)[0] == answer
    path, cert = tmp_path / "p.smt2", tmp_path / "p.cert"
    path.write_bytes(problem)
    assert soundness.certify(path, cert) == answer
    assert statuses(path, cert) == {"VERIFIED"}
    if value is not None:
        model = smtlib.read(problem), cert.read_bytes().split(b"\nsat\n", 1)[1]
        assert smt.Model(*model).term(model[0].parse_term(b"s", "String")) == value


def test_the_certificates_the_old_reading_made_are_rejected(tmp_path):
    # unsat for "\u0061" and re.allchar: the lemma claims s = "\u0061" and one character contradict
    problem, _, _ = FALSE_ACCEPTS[0]
    assert statuses(*write(tmp_path, problem, "lemma str -1 -2 0\nrefutation lrat\n3 0 1 2 3 0\n", "unsat")) \
        == {"NOT VERIFIED"}
    # sat with s = "\u{5c}u0061" (the six characters \u0061), for a problem that says s is "a" and not "a"
    problem, _, _ = FALSE_ACCEPTS[4]
    assert statuses(*write(tmp_path, problem, '(define-fun s () String "\\u{5c}u0061")\n', "sat")) \
        == {"NOT VERIFIED"}


# ---- ill-formed input: refused, with line and column ------------------------------------------------
@pytest.mark.parametrize("text, words", [
    (b'(declare-fun s () String)(declare-fun t () String)\n(assert (= s "\xff"))(assert (= t "\xfe"))',
     "line 2, column 14: a string literal holds printable ASCII only"),
    (b'(declare-fun s () String)\n(assert (= s "a\tb"))', "line 2, column 14: a string literal holds printable"),
    (b"(declare-fun |true| () Bool)\n(assert (not |true|))", "line 1, column 14: true is reserved or predefined"),
    (b"(declare-fun |and| () Bool)(assert |and|)", "line 1, column 14: and is reserved"),
    (b"(declare-fun |not| (Bool) Bool)", "line 1, column 14: not is reserved"),
    (b"(define-fun not ((x Bool)) Bool x)", "line 1, column 13: not is reserved"),
    (b"(declare-sort Int 0)", "line 1, column 15: Int is reserved"),
    (b"(declare-sort String 0)", "line 1, column 15: String is reserved"),
    (b"(declare-fun x () Int)\n(assert (= x 00))", "line 2, column 14: not a numeral or decimal: '00'"),
    (b'(declare-fun s () String)(assert (str.in_re s (re.union (str.to_re "a"))))',
     "line 1, column 47: ill-sorted re.union"),
    (b'(declare-fun s () String)(assert (str.in_re s (re.++ (str.to_re "a"))))', "column 47: ill-sorted re.++"),
    (b'(declare-fun s () String)(assert (= s (str.++ "a")))', "column 39: ill-sorted str.++"),
    (b"(declare-fun x () Int)(declare-fun |x| () Int)", "line 1, column 36: x is already declared"),
    (b"(declare-fun x () Int)(assert (let ((y 1) (y 2)) (= x y)))", "a let binds a symbol twice"),
    (b"(assert (and))", "line 1, column 9: empty application"),
    (b"(declare-fun a () Bool)(assert (and a))", "line 1, column 32: ill-sorted and"),  # :left-assoc: two or more
    (b"(declare-fun x () Int)(assert (= x))", "line 1, column 31: ill-sorted ="),
    (b"(declare-fun x () Int)(assert (! (= x 1)))", "an annotation needs at least one attribute"),
    (b"(declare-fun x () Int)(assert (= x 1))(check-sat)(assert (= x 2))(check-sat)",
     "line 1, column 50: unsupported: a command after check-sat"),
    (b"(declare-fun @x () Int)", "line 1, column 14: @x is reserved"),
    (b"(declare-fun x () Int)(assert (= x 1abc))", "column 36: not a numeral or decimal"),
    (b"(declare-fun x\x0c () Int)", "line 1, column 15: unexpected character"),
    (b"(declare-fun |a\xffb| () Int)", "line 1, column 14: a quoted symbol that is not UTF-8"),
])
def test_ill_formed_input_is_refused_with_line_and_column(tmp_path, text, words):
    with pytest.raises(smtlib.SmtError) as error:
        smtlib.read(text)
    assert words in str(error.value)
    problem, cert = write(tmp_path, text, "refutation lrat\n", "unsat")
    for kernel in checker.kernels():
        with pytest.raises(checker.InputError) as error:
            checker.check_smt(problem, cert, kernel)
        assert error.value.path == str(problem) and words in str(error.value)


def test_an_ite_over_int_is_lifted_into_the_skeleton():
    """(ite c a b) of a sort other than Bool stands for itself, with -c | v = a and c | v = b."""
    problem = smtlib.read(b"(declare-fun c () Bool)(declare-fun x () Int)(assert (< (ite c x 3) 0))")
    from checker.skeleton import Skeleton
    skeleton = Skeleton(problem)
    ite = problem.parse_term(b"(ite c x 3)", "Int")
    atoms = {key: var for var, key in skeleton.atoms.items()}
    c, at_x, at_3 = atoms[("p", problem.parse_term(b"c"))], atoms[("lin", "=", ((problem.parse_term(b"x", "Int"), 1),
                                                                             (ite, -1)), 0, True)], \
        atoms[("lin", "=", ((ite, 1),), 3, True)]
    assert [-c, at_x] in skeleton.clauses and [c, at_3] in skeleton.clauses


def test_check_sat_assuming_asks_the_assertions_and_its_literals():
    problem = smtlib.read(b"(declare-fun a () Bool)(declare-fun b () Bool)(assert (or a b))(check-sat-assuming ((not a) b))")
    assert [problem.terms[t].op for t, _ in problem.assertions] == ["or", "not", "const"]
    problem = smtlib.read(b"(declare-fun a () Bool)(check-sat-assuming ((and a a)))")  # issue 21: a term too
    assert [problem.terms[t].op for t, _ in problem.assertions] == ["and"]


def test_a_named_term_is_a_definition_seen_from_there_on():
    problem = smtlib.read(b"(declare-fun x () Int)(assert (! (> x 1) :named big :pattern (x)))(assert (not big))")
    first, second = (t for t, _ in problem.assertions)
    assert problem.terms[second] == ("not", None, (first,), "Bool")
    problem = smtlib.read(b"(declare-fun p () Bool)(assert (and (! p :named n) (not n)))")  # in its own command too
    (both, _), = problem.assertions
    assert problem.terms[both].op == "and" and problem.terms[problem.terms[both].args[1]].op == "not"
    with pytest.raises(smtlib.SmtError, match="a :named term inside a let"):  # it would not be closed
        smtlib.read(b"(declare-fun x () Int)(assert (let ((y x)) (! (> y 1) :named big)))")


# ---- the producers write literals the kernel reads back ----------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_every_text_written_as_a_literal_reads_back_as_itself(seed):
    rng = random.Random(seed)
    alphabet = ['"', "\\", "u", "{", "}", "0", "6", "1", "a", " ", "\u00e9", "\ud800", "\x00", "\t", "\U0002ffff", "~"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        for write_literal in (lit, string):  # the policy encoder's, the SMT producers'
            assert smtlib.literal(write_literal(text).encode()) == text, (text, write_literal(text))


# ---- reject by default -----------------------------------------------------------------------------------
SAMPLES_BY_RULE = {"euf": "uf-congruence-unsat", "arith": "lra-chain-unsat", "farkas": "lia-branch-unsat",
                   "strings": "str-bucket-unsat", "lengths": "str-length-unsat", "check": "lra-unsat",
                   "check_model": "lia-sat"}
THEORY_RULES = {"strings": "str", "lengths": "len"}  # rules of checker/theories/, found by tag


@pytest.mark.parametrize("rule", list(SAMPLES_BY_RULE))
@pytest.mark.parametrize("returns", [None, "", False, 0, "fall off"])
def test_a_rule_that_returns_anything_but_its_acceptance_rejects(monkeypatch, rule, returns):
    def broken(*args, **kwargs):
        if returns != "fall off":
            return returns

    name = SAMPLES_BY_RULE[rule]
    problem, cert = SMT / f"{name}.smt2", SMT / f"{name}.cert"
    assert statuses(problem, cert) == {"VERIFIED"}
    if rule in THEORY_RULES:
        monkeypatch.setitem(theories.RULES, THEORY_RULES[rule], broken)
    else:
        monkeypatch.setattr(smt if rule == "check_model" else theory, rule, broken)
    assert statuses(problem, cert) == {"NOT VERIFIED"}


# ---- the campaigns, seeded and short --------------------------------------------------------------------
def test_reader_differential_against_cvc5():
    tally = soundness.reader_differential(seed=22, count=800)
    assert not tally.failures, tally.failures[:5]
    assert {"same value", "both refuse", "kernel stricter"} <= set(tally.counts), tally.counts


def test_the_reader_differential_finds_the_old_escape_reading(monkeypatch):
    """It has teeth: with the reading of the escapes that made the false accepts, it finds values that differ."""
    old = re.compile(r"\\u\{([0-9a-fA-F]{1,5})\}")
    monkeypatch.setattr(smtlib, "literal", lambda token: old.sub(lambda m: chr(int(m[1], 16)), token[1:-1].replace(
        b'""', b'"').decode("utf-8", "replace")))
    tally = soundness.reader_differential(seed=22, count=800)
    assert tally.counts.get("different values", 0) > 0 and tally.counts.get("kernel reads what cvc5 refuses", 0) > 0


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("pool")
    out = []
    for name, data in soundness.problems(ROOT, per_theory=2, seed=22):
        problem, cert = scratch / f"{name}.smt2", scratch / f"{name}.cert"
        problem.write_bytes(data)
        out.append((name, data, soundness.certify(problem, cert), cert))
    return out


def test_answer_differential_against_cvc5(pool):
    """Every sample and random problem of each theory: our certificate verifies, and says what cvc5 says."""
    for name, data, answer, cert in pool:
        assert answer == soundness.cvc5_run(data)[0], name
        assert statuses(cert.with_suffix(".smt2"), cert) == {"VERIFIED"}, name
    assert {answer for _, _, answer, _ in pool} == {"sat", "unsat"}


def test_mutants_the_kernel_accepts_are_all_confirmed_by_cvc5(pool, tmp_path):
    tally = soundness.mutation_campaign([(n, d, c.read_bytes()) for n, d, _, c in pool], 240, 22, tmp_path)
    assert not tally.failures, tally.failures[:3]
    assert tally.counts.get("accepted, cvc5 confirmed", 0) > 0 and tally.counts.get("rejected", 0) > 0, tally.counts
