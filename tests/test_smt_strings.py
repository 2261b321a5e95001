"""Strings and regular expressions (checker/theories/strings.py): every operator's automaton against
Python's `re` on all short strings, the string atoms, the `str` rule (automata, lengths, lifted
concatenations) and the `len` rule both ways, mutated witnesses, refusals by name, the model's string
operations, and random QF_S / QF_SLIA problems answered as cvc5 answers them."""
import itertools
import random
import re

import pytest

from checker import smtlib, theory
from checker.skeleton import Skeleton, canonical
from checker.theories import strings
from evidence.smt import globs, soundness
from smt_helpers import prove, verdicts

ALPHABET = "abcd"  # d: a character no expression names
WORDS = ["".join(w) for n in range(5) for w in itertools.product(ALPHABET, repeat=n)]


# ---- regular expressions, written twice: SMT-LIB and Python ----------------------------------------------
def regex(rng, depth=3):
    """(SMT-LIB text, Python pattern) of a random regular expression over a, b, c."""
    if depth == 0 or rng.random() < 0.25:
        word = rng.choice(["", "a", "b", "ab", "ca", "bcb"])
        low, high = rng.choice("abc"), rng.choice("abc")
        return rng.choice([
            (f'(str.to_re "{word}")', re.escape(word)), ("re.allchar", "."), ("re.all", ".*"), ("re.none", "(?!)"),
            (f'(re.range "{low}" "{high}")', f"[{low}-{high}]" if low <= high else "(?!)"),
            ('(re.range "ab" "c")', "(?!)")])
    op = rng.choice(["re.++", "re.union", "re.*", "re.+", "re.opt", "loop", "power"])
    parts = [regex(rng, depth - 1) for _ in range(rng.randint(2, 3) if op in ("re.++", "re.union") else 1)]
    smt, py = " ".join(p[0] for p in parts), [p[1] for p in parts]
    if op == "re.++":
        return f"(re.++ {smt})", "".join(f"(?:{p})" for p in py)
    if op == "re.union":
        return f"(re.union {smt})", "|".join(f"(?:{p})" for p in py)
    if op == "loop":
        low, high = rng.randint(0, 2), rng.randint(0, 3)
        return f"((_ re.loop {low} {high}) {smt})", f"(?:{py[0]}){{{low},{high}}}" if low <= high else "(?!)"
    if op == "power":
        n = rng.randint(0, 3)
        return f"((_ re.^ {n}) {smt})", f"(?:{py[0]}){{{n}}}"
    return f"({op} {smt})", f"(?:{py[0]}){ {'re.*': '*', 're.+': '+', 're.opt': '?'}[op]}"


def read_regex(text):
    problem = smtlib.read(f"(declare-const s String)(assert (str.in_re s {text}))".encode())
    return problem, problem.terms[problem.terms[problem.assertions[0][0]].args[1]].payload


def test_every_operators_automaton_matches_pythons_re_on_all_short_strings():
    rng, seen = random.Random(1), set()
    for _ in range(300):
        smt, py = regex(rng)
        _, payload = read_regex(smt)
        compiled = re.compile(py, re.S)
        for word in WORDS:
            expected = compiled.fullmatch(word) is not None
            assert strings.accepts(payload.automaton, word) == expected, (smt, py, word)
            seen.add(expected)
        if payload.globs is not None:  # a union of globs: the same language
            assert all(any(globs.matches(g, w) for g in payload.globs) == strings.accepts(payload.automaton, w)
                       for w in WORDS), smt
    assert seen == {True, False}


def test_comp_inter_diff_at_the_top_are_not_and_and():
    rng = random.Random(2)
    for _ in range(100):
        (a, pa), (b, pb) = regex(rng, 2), regex(rng, 2)
        for top, meaning in [(f"(re.comp {a})", lambda x, y: not x), (f"(re.inter {a} {b})", lambda x, y: x and y),
                             (f"(re.diff {a} {b})", lambda x, y: x and not y)]:
            for word in WORDS[:40]:
                problem = smtlib.read(f'(assert (str.in_re "{word}" {top}))'.encode())
                folded = problem.terms[problem.assertions[0][0]]
                value = smt_value(problem, problem.assertions[0][0])
                expected = meaning(re.fullmatch(pa, word, re.S) is not None, re.fullmatch(pb, word, re.S) is not None)
                assert value == expected, (top, word, folded)


def smt_value(problem, t):
    """A closed Boolean term's value, by the kernel's model evaluator."""
    from checker.smt import Model
    return Model(problem, b"").term(t)


def test_globs_keep_their_reading_and_their_atoms():
    """The policy encoders' patterns are unions of globs: one atom per glob, as before automata."""
    decls = "(declare-const s String)"
    glob = '(re.++ (str.to_re "a") (re.* re.allchar) re.allchar)'
    problem = smtlib.read(f"{decls}(assert (str.in_re s {glob}))".encode())
    assert [key[2] for key in canonical(problem, problem.assertions[0][0])] == [(97, strings.STAR, strings.ANY)]
    problem = smtlib.read(f'{decls}(assert (str.in_re s (re.++ (re.union (str.to_re "a") (str.to_re "A")) '
                          f'(str.to_re "b"))))'.encode())
    assert sorted(key[2] for key in canonical(problem, problem.assertions[0][0])) == [(65, 98), (97, 98)]
    problem = smtlib.read(f'{decls}(assert (str.in_re s (re.+ (re.range "a" "z"))))'.encode())
    key, positive = canonical(problem, problem.assertions[0][0])
    assert positive and isinstance(key[2], strings.Automaton) and len(key[2].sets) == 2


@pytest.mark.parametrize("text, answer", [
    ('(str.at "abc" 1)', "b"), ('(str.at "abc" 3)', ""), ('(str.at "abc" (- 1))', ""),
    ('(str.substr "abcde" 1 2)', "bc"), ('(str.substr "abc" 1 9)', "bc"), ('(str.substr "abc" 3 1)', ""),
    ('(str.substr "abc" 0 0)', ""), ('(str.substr "abc" (- 1) 2)', ""),
    ('(str.replace "abcb" "b" "x")', "axcb"), ('(str.replace "abc" "" "x")', "xabc"),
    ('(str.replace "abc" "d" "x")', "abc"), ('(str.++ "a" "" "\\u{62}")', "ab")])
def test_string_operations_on_literals_are_the_theorys(text, answer):
    problem = smtlib.read(f"(declare-const s String)(assert (= s {text}))".encode())
    assert problem.terms[problem.terms[problem.assertions[0][0]].args[1]] == ("str", answer, (), "String")
    key, _ = canonical(problem, problem.assertions[0][0])
    assert key[2] == tuple(map(ord, answer))


@pytest.mark.parametrize("text, value", [
    ('(str.prefixof "ab" "abc")', True), ('(str.prefixof "b" "abc")', False), ('(str.suffixof "bc" "abc")', True),
    ('(str.suffixof "" "abc")', True), ('(str.contains "abc" "bc")', True), ('(str.contains "abc" "ac")', False),
    ('(= (str.len "a\\u{10000}b") 3)', True), ('(str.in_re "ab" (re.comp (re.++ re.allchar re.allchar)))', False)])
def test_predicates_on_literals_fold(text, value):
    problem = smtlib.read(f"(assert {text})".encode())
    assert problem.assertions[0][0] == (problem.true if value else problem.false) or \
        smt_value(problem, problem.assertions[0][0]) is value


@pytest.mark.parametrize("word, kind", [("ab", "prefixof"), ("ab", "suffixof"), ("b", "contains"), ("", "prefixof")])
def test_prefix_suffix_contains_are_memberships(word, kind):
    args = f'"{word}" s' if kind != "contains" else f's "{word}"'
    problem = smtlib.read(f"(declare-const s String)(assert (str.{kind} {args}))".encode())
    found = canonical(problem, problem.assertions[0][0])
    glob = found[0] if isinstance(found, list) else found[0][2]
    test = {"prefixof": str.startswith, "suffixof": str.endswith, "contains": lambda w, p: p in w}[kind]
    assert all(globs.matches(glob[2] if isinstance(glob, tuple) and glob[0] == "in" else glob, w) == test(w, word)
               for w in WORDS)


@pytest.mark.parametrize("text, message", [
    ("(str.in_re s (re.++ (re.comp re.allchar) re.all))", "re.comp inside re.++"),
    ("(str.in_re s (re.* (re.inter re.all re.allchar)))", "re.inter inside re.*"),
    ("(str.in_re s (re.range s \"b\"))", "re.range of a non-literal"),
    ("(= (str.at s (str.len s)) \"a\")", "str.at of a non-literal"),
    ("(= (str.substr s 0 1) \"a\")", "str.substr of a non-literal"),
    ("(= (str.replace s \"a\" \"b\") \"a\")", "str.replace of a non-literal"),
    ("(str.prefixof s \"ab\")", "str.prefixof of a non-literal pattern"),
    ("(str.contains \"ab\" s)", "str.contains of a non-literal pattern"),
    ("(str.in_re s (str.to_re s))", "str.to_re of a non-literal"),
    ("(> (str.indexof s \"a\" 0) 0)", "unsupported: str.indexof"),
    ("(= re.all (re.union re.all (str.to_re \"a\")))", "= of regular expressions"),
    ("(str.in_re s ((_ re.loop 0 5000) re.allchar))", "more than 4096 positions"),
    ("(str.in_re s ((_ re.^ 70) ((_ re.^ 70) re.allchar)))", "more than 4096 positions"),
    ("(str.in_re s (re.loop re.allchar 1 2))", "ill-sorted (_ re.loop i i)"),
    ("(str.in_re s ((_ re.^ 2) re.allchar re.allchar))", "ill-sorted (_ re.^ i)"),
    ("(str.in_re s (ite (= s \"a\") re.all re.none))", "a regular expression given by ite"),
    ("(= (str.len 3) 1)", "ill-sorted str.len"),
])
def test_outside_the_subset_is_refused_by_name(text, message):
    with pytest.raises(smtlib.SmtError, match=re.escape(message)):
        smtlib.read(f"(declare-const s String)(assert {text})".encode())


def test_regular_expression_equality_is_refused_not_decided_by_its_text(tmp_path):
    """The old reader compared regular expressions' globs, and verified this unsatisfiable problem as sat."""
    problem, _, _ = tmp_path / "p.smt2", None, None
    problem.write_text('(assert (not (= re.all (re.union re.all (str.to_re "a")))))')
    with pytest.raises(smtlib.SmtError, match="of regular expressions"):
        smtlib.read(problem.read_bytes())


# ---- the str rule ----------------------------------------------------------------------------------------
def keys(*texts, decls="(declare-const s String)"):
    """The problem and the canonical key of each atom text (one membership or arithmetic atom each)."""
    problem = smtlib.read(decls.encode())
    found = []
    for text in texts:
        key = canonical(problem, problem.parse_term(text.encode()))
        found.append(key[0] if isinstance(key, tuple) else key[0])
    return problem, found


PLUS, PAIRS, ENDS_B, STARTS_A = ('(str.in_re s (re.+ (re.range "a" "c")))', '(str.in_re s (re.* (str.to_re "ab")))',
                                 '(str.in_re s (re.++ (re.* re.allchar) (str.to_re "b") (re.* re.allchar)))',
                                 '(str.in_re s (re.++ (str.to_re "a") (re.+ re.allchar)))')


def brute(problem, hypotheses):
    """Whether some word of up to 4 characters over a..d satisfies every hypothesis (lengths included)."""
    def holds(key, word):
        if key[0] == "lin":
            key = strings.bound(problem, key)
        return globs.matches(key[2], word)
    return any(all(holds(key, w) == truth for key, truth in hypotheses) for w in WORDS)


def witness(problem, hypotheses):
    found = globs.explore(strings.gather(hypotheses, problem))
    return [",".join(format(m, "x") for m in state) for state in found[1]] if found[0] == "empty" else None


def test_the_str_rule_agrees_with_brute_force_on_random_automata():
    """Valid lemmas accepted (the kernel's own exploration for two memberships, a witness for more),
    invalid ones rejected with the reason."""
    rng, answers = random.Random(4), set()
    for _ in range(150):
        texts = [f"(str.in_re s {regex(rng, 2)[0]})" for _ in range(rng.randint(1, 3))]
        problem, found = keys(*texts)
        if any(not isinstance(k, tuple) or k[0] != "in" for k in found):
            continue
        hypotheses = [(k, rng.random() < 0.6) for k in found]
        proof = witness(problem, hypotheses)
        verdict = theory.check("str", hypotheses, [] if len(found) <= 2 else (proof or []), problem)
        if brute(problem, hypotheses):  # a word satisfies them all: never valid
            assert verdict is not theory.VALID and proof is None, (texts, hypotheses)
        answers.add(verdict is theory.VALID)
        assert (verdict is theory.VALID) == (proof is not None), (texts, hypotheses, verdict)
    assert answers == {True, False}


def test_a_witness_is_needed_for_three_memberships_and_must_be_closed():
    problem, found = keys(PLUS, PAIRS, ENDS_B)
    hypotheses = [(found[0], True), (found[1], True), (found[2], False)]  # (ab)+ ... never without a b
    assert "needs a witness" in theory.check("str", hypotheses, [], problem)
    tokens = witness(problem, hypotheses)
    assert theory.check("str", hypotheses, tokens, problem) is theory.VALID
    assert "not closed" in theory.check("str", hypotheses, tokens[:1], problem) or \
        "initial" in theory.check("str", hypotheses, tokens[1:], problem)


def test_mutated_witnesses_are_rejected():
    problem, found = keys(PLUS, PAIRS, ENDS_B)
    hypotheses = [(found[0], True), (found[1], True), (found[2], False)]
    states = globs.explore(strings.gather(hypotheses, problem))[1]
    tokens = [",".join(format(m, "x") for m in state) for state in states]
    assert len(tokens) > 2 and theory.check("str", hypotheses, tokens, problem) is theory.VALID
    rng, rejected = random.Random(3), 0
    for i in range(len(tokens)):
        assert theory.check("str", hypotheses, tokens[:i] + tokens[i + 1:], problem) is not theory.VALID
        state = list(states[i])
        j = rng.randrange(len(state))
        state[j] ^= 1 << rng.randrange(state[j].bit_length() + 1)
        changed = tokens[:i] + [",".join(format(m, "x") for m in state)] + tokens[i + 1:]
        rejected += theory.check("str", hypotheses, changed, problem) is not theory.VALID
    assert rejected == len(tokens)
    for bad in (["-1,1,1"], ["1,-2,1"], ["1,1"], ["1,1,1,1"], ["x,1,1"], ["1,,1"]):  # -1 would have every bit
        assert theory.check("str", hypotheses, tokens + bad, problem) is not theory.VALID, bad


def test_lengths_in_a_str_lemma_are_memberships():
    problem, (pairs, at_most_two, none, empty, far) = keys(
        PAIRS, "(<= (str.len s) 2)", "(<= (str.len s) (- 1))", "(<= (str.len s) 0)", "(<= (str.len s) 5000)")
    assert theory.check("str", [(none, True)], [], problem) is theory.VALID  # (str.len s) >= 0
    assert "not empty" in theory.check("str", [(empty, True)], [], problem)
    assert "at most 4096" in theory.check("str", [(far, True)], [], problem)
    # (ab)* has no word of length 1: (ab)* and len <= 2 and len != 0 and len != 2
    problem, (pairs, one, two) = keys(PAIRS, "(= (str.len s) 1)", "(= (str.len s) 3)")
    assert theory.check("str", [(pairs, True), (one, True)], [], problem) is theory.VALID
    assert theory.check("str", [(pairs, True), (two, True)], [], problem) is theory.VALID
    assert "not empty" in theory.check("str", [(pairs, True), (one, False)], [], problem)
    problem, (ends, shortest, longest) = keys(ENDS_B, "(<= (str.len s) 0)", '(<= (str.len s) 3)')
    assert theory.check("str", [(ends, True), (shortest, True)], [], problem) is theory.VALID  # len >= 1
    assert "not empty" in theory.check("str", [(ends, True), (longest, False)], [], problem)  # unbounded


def test_a_concatenations_memberships_lift_its_arguments():
    problem = smtlib.read(b"""(declare-const v String)(declare-const a String)
(assert (str.in_re (str.++ v a) (re.* (re.++ (str.to_re "b") (str.to_re "z")))))
(assert (str.in_re v (str.to_re "a")))
(assert (str.in_re a (re.+ (str.to_re "b"))))
(assert (str.in_re v (re.+ (str.to_re "b"))))
""")
    sk = Skeleton(problem)
    concat, literal, other, wrong = (sk.var[key] for key in list(sk.atoms.values()))
    other_text = '(str.in_re a (re.+ (str.to_re "z")))'
    sk.atoms[other] = canonical(problem, problem.parse_term(other_text.encode()))[0]
    assert theory.check("str", [(sk.atoms[concat], True), (sk.atoms[literal], True)], [], problem) is theory.VALID
    assert theory.check("str", [(sk.atoms[concat], True), (sk.atoms[other], True)], [], problem) is not theory.VALID
    # a false membership of an argument says nothing of the concatenation
    assert "concatenation" in theory.check("str", [(sk.atoms[concat], True), (sk.atoms[literal], False)], [], problem)
    # two memberships of one argument: refused (the rule takes one each)
    found = theory.check("str", [(sk.atoms[concat], True), (sk.atoms[literal], True), (sk.atoms[wrong], True)], [],
                         problem)
    assert found is not theory.VALID
    # the concatenation must come first: a lemma that names its argument first still finds it
    assert theory.check("str", [(sk.atoms[literal], True), (sk.atoms[concat], True)], [], problem) is theory.VALID


def test_a_character_of_a_string_is_a_membership_of_the_string():
    """(str.at s k) in P read as s in at(P, k): the same words as the theory's str.at, over all short strings."""
    rng = random.Random(6)
    for _ in range(120):
        smt, py = regex(rng, 2)
        k = rng.randint(0, 2)
        problem = smtlib.read(f"(declare-const s String)(assert (str.in_re (str.at s {k}) {smt}))".encode())
        found = canonical(problem, problem.assertions[0][0])
        for key in (found if isinstance(found, list) else [found[0]]):
            moved = strings.at(problem, key)
            assert moved[1] == 0 + problem.terms[key[1]].args[0]
            for word in WORDS:
                char = word[k] if k < len(word) else ""
                assert globs.matches(moved[2], word) == globs.matches(key[2], char), (smt, k, word)


def test_str_at_lemmas_both_ways():
    problem = smtlib.read(b"""(declare-const s String)
(assert (= (str.at s 2) "a"))
(assert (str.in_re (str.at s 0) (re.range "0" "9")))
(assert (str.in_re s (re.* (re.range "a" "c"))))
(assert (<= (str.len s) 2))
(assert (<= (str.len (str.at s 7)) 1))
""")
    sk = Skeleton(problem)
    a2, digit0, letters, short, at_most_one = (sk.atoms[v] for v in sorted(sk.atoms))
    assert theory.check("str", [(digit0, True), (letters, True)], [], problem) is theory.VALID
    assert theory.check("str", [(a2, True), (short, True)], [], problem) is theory.VALID
    assert "not empty" in theory.check("str", [(a2, True), (letters, True)], [], problem)
    assert theory.check("str", [(at_most_one, False)], [], problem) is theory.VALID  # a character at most
    with pytest.raises(smtlib.SmtError, match="str.at of a non-literal"):
        smtlib.read(b"(declare-const s String)(declare-const i Int)(assert (= (str.at s i) \"a\"))")
    with pytest.raises(smtlib.SmtError, match="str.at of a non-literal"):
        smtlib.read(b"(declare-const s String)(assert (= (str.at s 5000) \"a\"))")


# ---- the len rule ----------------------------------------------------------------------------------------
def test_length_of_a_concatenation_and_of_equal_strings():
    problem = smtlib.read(b"""(declare-const x String)(declare-const y String)(declare-const z String)
(assert (= z (str.++ x "ab" y x)))
(assert (> (str.len z) 0))
""")
    sk = Skeleton(problem)
    def key(text):
        return canonical(problem, problem.parse_term(text.encode()))[0]
    u = "(str.++ x \"ab\" y x)"
    good = key(f"(= (str.len {u}) (+ (str.len x) (str.len x) (str.len y) 2))")
    assert theory.check("len", [(good, False)], [], problem) is theory.VALID
    for wrong in (f"(= (str.len {u}) (+ (str.len x) (str.len y) 2))", f"(= (str.len {u}) (+ (str.len x) (str.len x) "
                  "(str.len y) 3))", f"(= (* 2 (str.len {u})) (+ (str.len x) (str.len x) (str.len y) 2))"):
        assert "not the length" in theory.check("len", [(key(wrong), False)], [], problem)
    scaled = key(f"(= (* 3 (str.len {u})) (* 3 (+ (str.len x) (str.len x) (str.len y) 2)))")
    assert theory.check("len", [(scaled, False)], [], problem) is theory.VALID
    equal = sk.atoms[1]
    same = key(f"(= (str.len z) (str.len {u}))")
    assert theory.check("len", [(equal, True), (same, False)], [], problem) is theory.VALID
    assert theory.check("len", [(same, False)], [], problem) is not theory.VALID
    assert theory.check("len", [(equal, False), (same, False)], [], problem) is not theory.VALID
    assert "no witness" in theory.check("len", [(good, False)], ["1"], problem)
    assert theory.check("len", [(good, True)], [], problem) is not theory.VALID


# ---- whole problems ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, answer", [
    ('(declare-const x String)(assert (str.in_re x (re.* (str.to_re "ab"))))(assert (= (str.len x) 5))', "unsat"),
    ('(declare-const x String)(assert (str.in_re x (re.* (str.to_re "ab"))))(assert (= (str.len x) 6))', "sat"),
    ('(declare-const x String)(declare-const y String)(assert (= x (str.++ y "-" y)))(assert (< (str.len x) 1))',
     "unsat"),
    ('(declare-const x String)(declare-const y String)(assert (str.in_re (str.++ x "b" y) (re.+ (str.to_re "ab"))))'
     '(assert (str.in_re y (re.+ (str.to_re "a"))))', "unsat"),
    ('(declare-const x String)(declare-const y String)(assert (str.in_re (str.++ x "b" y) (re.+ (str.to_re "ab"))))'
     '(assert (str.in_re y (re.+ (re.range "a" "b"))))', "sat"),
    ('(declare-const x String)(assert (str.in_re x (re.inter (re.+ (re.range "0" "9")) (re.comp (str.to_re "0")))))'
     '(assert (not (str.prefixof "0" x)))(assert (<= (str.len x) 1))', "sat"),
    ('(declare-const s String)(assert (= (str.at s 2) "a"))(assert (str.in_re (str.at s 0) (re.range "0" "9")))'
     '(assert (< (str.len s) 4))', "sat"),
    ('(declare-const s String)(assert (= (str.at s 2) "a"))(assert (< (str.len s) 3))', "unsat"),
])
def test_problems_are_answered_and_verified(tmp_path, text, answer):
    problem, cert, result = prove(tmp_path, "(set-logic QF_SLIA)" + text)
    assert result.answer == answer and all(v.verified for v in verdicts(problem, cert))
    assert soundness.cvc5_run(problem.read_bytes())[0] == answer


def test_the_model_check_evaluates_strings_exactly(tmp_path):
    text = ('(set-logic QF_SLIA)(declare-const x String)(declare-const y String)'
            '(assert (str.in_re (str.++ x y) (re.++ (re.range "a" "c") (str.to_re "d"))))(assert (= (str.len y) 1))')
    problem, cert, result = prove(tmp_path, text)
    assert result.answer == "sat" and all(v.verified for v in verdicts(problem, cert))
    model = cert.read_text()
    for x, y, ok in (('"a"', '"d"', True), ('"ad"', '""', False), ('"e"', '"d"', False), ('""', '"cd"', False)):
        lines = [line for line in model.splitlines() if not line.startswith("(define-fun")]
        cert.write_text("\n".join(lines + [f"(define-fun x () String {x})", f"(define-fun y () String {y})"]) + "\n")
        assert all(v.verified == ok for v in verdicts(problem, cert)), (x, y)


@pytest.mark.parametrize("kind", ["regex", "lengths"])
def test_random_problems_are_answered_as_cvc5_answers_them(tmp_path, kind):
    answers = set()
    for i in range(25):
        data = soundness.GENERATORS[kind](random.Random(f"{kind}-test-{i}"))
        problem, cert = tmp_path / f"{i}.smt2", tmp_path / f"{i}.cert"
        problem.write_text(data)
        theirs = soundness.cvc5_run(data.encode())[0]
        ours = soundness.certify(problem, cert)
        if ours is None:  # outside what the producer decides (word equations): no answer is no wrong answer
            continue
        assert all(v == ("VERIFIED", "ok") for v in soundness.kernel_verdicts(problem, cert)), data
        assert ours == theirs, data
        answers.add(ours)
    assert answers == {"sat", "unsat"}


@pytest.mark.parametrize("old, new, why", [
    ("lemma len 9 0", "lemma len 10 0", "lemma 5 (len): the equation is not the length"),
    ("lemma len -3 10 0", "lemma len 10 0", "lemma 6 (len): the equation is not the length"),
    ("lemma str -1 -11 0", "lemma str -1 11 0", "lemma 7 (str): a reachable state accepts"),
    ("lemma str -5 0", "lemma str 5 0", "lemma 1 (str): a reachable state accepts"),
    ("lemma str -1 12 0", "lemma str -1 12 0 1,1", "lemma 8 (str): the witness is not closed"),
])
def test_a_broken_string_lemma_is_named_in_the_verdict(tmp_path, old, new, why):
    from smt_helpers import SMT, edit
    problem, cert = SMT / "str-length-unsat.smt2", tmp_path / "c.cert"
    cert.write_text((SMT / "str-length-unsat.cert").read_text())
    assert all(v.verified for v in verdicts(problem, cert))
    edit(cert, old + "\n", new + "\n")
    found = verdicts(problem, cert)
    assert all(not v.verified and why in v.reason for v in found), [v.reason for v in found]
