"""The untrusted SMT theory solvers (evidence/smt): every answer is re-checked here independently.

Farkas witnesses and cutting-plane steps by a few-line checker written for this test, models by
evaluation, glob answers against brute force and an independent closure check, EUF conflicts by
re-running on the subset returned.
"""
import fnmatch
import itertools
import math
import random
from fractions import Fraction as F

import pytest

from evidence.smt import arith, euf, globs
from evidence.smt.arith import constraint as C

# ---- independent checkers ----------------------------------------------------------------

def combination(rows, premises):
    """Sum of m*row with the sign rules; returns (kind, {x: c}, bound)."""
    acc, bound, kinds = {}, F(0), set()
    for k, m in premises:
        kind, coeffs, b = rows[k - 1]
        assert m >= 0 or kind == "=", f"negative multiplier on inequality row {k}"
        if m:
            kinds.add(kind)
            bound += m * b
            for x, c in coeffs:
                acc[x] = acc.get(x, 0) + m * c
    kind = "=" if kinds <= {"="} else "<" if "<" in kinds else "<="
    return kind, {x: c for x, c in acc.items() if c}, bound


def is_contradiction(kind, coeffs, bound):
    return not coeffs and (bound < 0 or (bound == 0 and kind == "<") or (kind == "=" and bound != 0))


def assert_farkas(hyps, lam):
    assert len(lam) == len(hyps)
    kind, coeffs, bound = combination(hyps, [(i + 1, m) for i, m in enumerate(lam)])
    assert not coeffs and (bound < 0 or (bound == 0 and kind == "<")), (hyps, lam)


def assert_steps(hyps, steps, sorts=None):
    """Replay the steps; a cut needs non-strict premises over Int variables only (as the kernel)."""
    rows = list(hyps)
    for premises, cut in steps:
        kind, coeffs, bound = combination(rows, premises)
        if cut:
            assert all(sorts is None or sorts[x] == "Int" for k, m in premises if m for x, _ in rows[k - 1][1])
            assert kind != "<" and all(F(c).denominator == 1 for c in coeffs.values())
            g = math.gcd(*(int(c) for c in coeffs.values()))
            kind, coeffs, bound = "<=", {x: c / g for x, c in coeffs.items()}, F(math.floor(bound / g))
        rows.append((kind, tuple(sorted(coeffs.items())), bound))
    assert is_contradiction(rows[-1][0], dict(rows[-1][1]), rows[-1][2]), rows[-1]


def satisfies(model, con):
    kind, coeffs, b = con
    s = sum(c * model.get(x, 0) for x, c in coeffs)
    return {"<=": s <= b, "<": s < b, "=": s == b}[kind]


def random_system(rng, names, m, kinds=("<=", "<", "="), scale=3):
    out = []
    for _ in range(m):
        coeffs = {x: rng.randint(-scale, scale) for x in rng.sample(names, rng.randint(1, len(names)))}
        out.append(C(rng.choice(kinds), coeffs, F(rng.randint(-6, 6), rng.randint(1, 3))))
    return out


# ---- LRA --------------------------------------------------------------------------------

@pytest.mark.parametrize("hyps", [
    [C("<=", {"x": 1}, 0), C("<=", {"x": -1}, -1)],                          # x <= 0, x >= 1
    [C("<", {"x": 1}, 0), C("<", {"x": -1}, 0)],                             # x < 0, x > 0: 0 < 0
    [C("=", {"x": 1}, 1), C("=", {"x": 1}, 2)],                              # equalities only
    [C("=", {"x": 1}, 2), C("=", {"x": 1}, 1)],                              # ... the other sign
    [C("<", {"x": 1, "y": 1}, 1), C("<=", {"x": -1}, 0), C("<=", {"y": -1}, -1)],
    [C("<=", {"x": 1, "y": -1}, 0), C("<=", {"y": 1, "z": -1}, 0), C("<", {"z": 1, "x": -1}, 0)],
    [C("<=", {}, -1)],                                                       # 0 <= -1
    [C("<=", {"x": 2, "y": 3}, 5), C("=", {"x": 1}, 4), C("<=", {"y": -1}, -1)],
])
def test_infeasible_systems_get_farkas_witnesses(hyps):
    verdict, lam = arith.farkas(hyps)
    assert verdict == "unsat"
    assert_farkas(hyps, lam)


def test_the_independent_checkers_reject_corrupted_witnesses():
    hyps = [C("<=", {"x": 1}, 0), C("<=", {"x": -1}, -1)]
    with pytest.raises(AssertionError):
        assert_farkas(hyps, [F(1), F(2)])                  # does not cancel x
    with pytest.raises(AssertionError):
        assert_farkas(hyps, [F(-1), F(-1)])                # negative multipliers
    eq = [C("=", {"x": 2}, 1)]
    verdict, steps = arith.lia_refute(eq, INT2)
    with pytest.raises(AssertionError):                    # the same steps without the cut
        assert_steps(eq, [arith.Step(steps[0].premises, False)] + steps[1:])


def test_check_names_only_the_conflict():
    hyps = [C("<=", {"z": 1}, 7), C("<=", {"x": 1}, 0), C("<=", {"y": 1}, 3), C("<=", {"x": -1}, -1)]
    verdict, used, mult = arith.check(hyps)
    assert verdict == "unsat" and used == [1, 3]
    assert_farkas([hyps[i] for i in used], mult)


def test_strict_bounds_give_a_rational_model():
    hyps = [C("<", {"x": 1, "y": 1}, 3), C("<", {"x": -1}, 0), C("<=", {"y": -1}, -1), C("<", {"y": 1}, 2)]
    verdict, model = arith.check(hyps)
    assert verdict == "sat" and all(satisfies(model, h) for h in hyps)


def test_random_systems_are_certified_both_ways():
    rng, seen = random.Random(4), set()
    for _ in range(300):
        hyps = random_system(rng, ["x", "y", "z"], rng.randint(1, 7))
        r = arith.farkas(hyps)
        seen.add(r[0])
        if r[0] == "sat":
            assert all(satisfies(r[1], h) for h in hyps), (hyps, r)
        else:
            assert_farkas(hyps, r[1])
    assert seen == {"sat", "unsat"}


def test_an_incremental_solver_agrees_with_fresh_ones():
    rng, solver = random.Random(7), arith.Simplex()
    for _ in range(150):
        hyps = random_system(rng, ["a", "b", "c", "d"], rng.randint(1, 6))
        r = solver.check(hyps)
        assert r[0] == arith.check(hyps)[0]
        if r[0] == "sat":
            assert all(satisfies(r[1], h) for h in hyps)
        else:
            assert_farkas([hyps[i] for i in r[1]], r[2])


def test_difference_constraints_keep_the_tableau_in_integers():
    """Pivots of +-1 keep every coefficient and value an int (Fractions are what made a 921-variable chain
    take 36 s); the answer is still exact both ways."""
    n, solver = 60, arith.Simplex()
    chain = [C("<", {f"x{i:02}": 1, f"x{i + 1:02}": -1}, 0) for i in range(n - 1)]
    verdict, model = solver.check(chain + [C("<=", {"x00": -1}, 0)])
    assert verdict == "sat" and all(satisfies(model, h) for h in chain)
    coefficients = [c for row in solver.rows.values() for c in row.values()]
    values = [part for value in solver.value for part in value]
    assert len(solver.rows) > n // 2 and all(type(x) is int for x in coefficients + values)
    verdict, used, mult = solver.check(chain + [C("<=", {"x00": -1, f"x{n - 1}": 1}, 0)])
    assert verdict == "unsat" and used == list(range(n))
    assert_farkas([(chain + [C("<=", {"x00": -1, f"x{n - 1}": 1}, 0)])[i] for i in used], mult)


def test_negation_is_exact_over_reals_and_integers():
    rng = random.Random(1)
    for sorts in ({"x": "Real", "y": "Real"}, {"x": "Int", "y": "Int"}):
        for con in random_system(rng, ["x", "y"], 40):
            if con[0] == "<" and sorts["x"] == "Int":
                continue
            alternatives = arith.negate(con, sorts)
            step = F(1) if sorts["x"] == "Int" else F(1, 3)
            for x, y in itertools.product(range(-6, 7), repeat=2):
                model = {"x": x * step, "y": y * step}
                assert any(satisfies(model, n) for n in alternatives) == (not satisfies(model, con))


# ---- LIA --------------------------------------------------------------------------------

INT2 = {"x": "Int", "y": "Int"}


@pytest.mark.parametrize("hyps", [
    [C("=", {"x": 2}, 1)],
    [C("=", {"x": 2, "y": 2}, 1)],
])
def test_an_odd_even_equality_is_refuted_by_one_cut(hyps):
    verdict, steps = arith.lia_refute(hyps, INT2)
    assert verdict == "unsat" and sum(s.cut for s in steps) == 1
    assert_steps(hyps, steps)
    assert arith.farkas(hyps)[0] == "sat"      # the real relaxation alone is feasible


def test_no_integer_strictly_between_0_and_1():
    x_le_0 = C("<=", {"x": 1}, 0)
    hyps = [arith.negate(x_le_0, INT2)[0], x_le_0]   # x > 0 and x < 1, as canonical Int rows
    verdict, steps = arith.lia_refute(hyps, INT2)
    assert verdict == "unsat"
    assert_steps(hyps, steps)


@pytest.mark.parametrize("hyps", [
    [C("=", {"x": 1, "y": 1}, 1), C("=", {"x": 1, "y": -1}, 0)],            # 2x = 1 by combination
    [C("<=", {"x": -2, "y": 2}, -1), C("<=", {"x": 2, "y": -2}, 1)],         # 2(x - y) = 1, unbounded
    [C("<=", {"x": 4}, 3), C("<=", {"x": -4}, -1)],                          # 1/4 <= x <= 3/4
    [C("=", {"x": 3, "y": 5}, 1), C("=", {"x": 6, "y": 10}, 1)],
])
def test_cutting_planes_refute_without_branching(hyps):
    verdict, steps = arith.lia_refute(hyps, INT2)
    assert verdict == "unsat"
    assert_steps(hyps, steps)


def test_a_single_split_becomes_a_cut_proof():
    # Every row has coefficients of gcd 1 (no row cut helps) and the reals are feasible, but one
    # split on x closes both sides: that split is turned into a single cut.
    hyps = [C("<=", {"x": -1, "y": 1}, -1), C("<=", {"x": 3, "y": -1}, 4), C("<=", {"x": -3, "y": -4}, -5)]
    assert arith.farkas(hyps)[0] == "sat"
    verdict, steps = arith.lia_refute(hyps, INT2)
    assert verdict == "unsat" and sum(s.cut for s in steps) == 1
    assert_steps(hyps, steps)


def decide(hyps, sorts, depth=0):
    """What the DPLL(T) loop does with lia_refute: split on a branch atom and re-solve."""
    r = arith.lia_refute(hyps, sorts)
    assert r[0] != "unknown" and depth < 12, r
    if r[0] == "sat":
        assert all(r[1][x].denominator == 1 for x in r[1] if sorts[x] == "Int")
        assert all(satisfies(r[1], h) for h in hyps)
        return True
    if r[0] == "unsat":
        assert_steps(hyps, r[1], sorts)
        return False
    atom = r[1][0]
    assert atom[0] == "<=" and len(atom[1]) == 1
    return decide(hyps + [atom], sorts, depth + 1) or decide(hyps + list(arith.negate(atom, sorts)), sorts, depth + 1)


def test_random_integer_systems_match_brute_force():
    rng, outcomes = random.Random(11), []
    box = [C("<=", {"x": 1}, 3), C("<=", {"x": -1}, 3), C("<=", {"y": 1}, 3), C("<=", {"y": -1}, 3)]
    for _ in range(120):
        hyps = box + random_system(rng, ["x", "y"], rng.randint(1, 3), kinds=("<=", "="), scale=5)
        truth = any(all(satisfies({"x": F(x), "y": F(y)}, h) for h in hyps)
                    for x, y in itertools.product(range(-3, 4), repeat=2))
        assert decide(hyps, INT2) == truth, hyps
        outcomes.append(truth)
    assert True in outcomes and False in outcomes


def test_thin_slabs_in_three_integer_variables_match_brute_force():
    # Pairs lo <= form <= lo + d with d <= 2: often no integer point although the reals have
    # plenty, which exercises cuts and branching (not just the real relaxation).
    rng, answers = random.Random(12), set()
    sorts = {"x": "Int", "y": "Int", "z": "Int"}
    box = [C("<=", {v: s}, 2) for v in "xyz" for s in (1, -1)]
    for _ in range(100):
        hyps = list(box)
        for _ in range(rng.randint(1, 3)):
            form, lo = {v: rng.randint(-5, 5) for v in "xyz"}, rng.randint(-6, 6)
            hyps += [C("<=", form, lo + rng.randint(0, 2)), C("<=", {v: -c for v, c in form.items()}, -lo)]
        truth = any(all(satisfies(dict(zip("xyz", map(F, p))), h) for h in hyps)
                    for p in itertools.product(range(-2, 3), repeat=3))
        answers.add(arith.lia_refute(hyps, sorts)[0])
        assert decide(hyps, sorts) == truth, hyps
    assert answers == {"sat", "unsat", "branch"}


def test_mixed_int_real_systems_are_certified():
    # No brute force over the reals: every answer is checked on its own (models integral on Int,
    # steps valid, cuts only over Int rows), and both answers must occur.
    rng, answers = random.Random(21), set()
    sorts = {"x": "Int", "y": "Int", "r": "Real"}
    box = [C("<=", {v: s}, 3) for v in "xyr" for s in (1, -1)]
    for _ in range(80):
        hyps = box + random_system(rng, ["x", "y", "r"], rng.randint(1, 4), kinds=("<=", "<", "="), scale=4)
        hyps = [h for h in hyps if not (h[0] == "<" and arith.is_integral(h[1], sorts))]
        answers.add(decide(hyps, sorts))
    assert answers == {True, False}


def test_branching_is_reported_and_bounded():
    hyps = [C("<=", {"x": 3, "y": 2}, 7), C("<=", {"x": -3, "y": -2}, -5), C("<=", {"x": 1, "y": -4}, 0),
            C("<=", {"x": -1, "y": 4}, 1)]
    verdict, atoms = arith.lia_refute(hyps, INT2)
    assert verdict == "branch" and atoms and all(a[0] == "<=" and len(a[1]) == 1 for a in atoms)
    assert decide(hyps, INT2) is False
    verdict, reason = arith.lia_refute(hyps, INT2, max_branches=0)
    assert verdict == "unknown" and "0 splits" in reason


def test_strict_integer_rows_are_refused():
    with pytest.raises(ValueError, match="strict"):
        arith.lia_refute([C("<", {"x": 1}, 1)], INT2)


# ---- globs ------------------------------------------------------------------------------

def test_glob_text_round_trips():
    text = "arn:aws:s3:::bucket/*/?.log"
    g = globs.parse_glob(text)
    assert g.count(globs.STAR) == 1 and g.count(globs.ANY) == 1 and globs.format_glob(g) == text


def test_matches_agrees_with_fnmatch():
    rng = random.Random(3)
    for _ in range(400):
        pattern = "".join(rng.choice("ab*?") for _ in range(rng.randint(0, 5)))
        string = "".join(rng.choice("abc") for _ in range(rng.randint(0, 6)))
        assert globs.matches(globs.parse_glob(pattern), string) == fnmatch.fnmatchcase(string, pattern)


def positions(glob, mask):
    return {i for i in range(len(glob) + 1) if mask >> i & 1}


def eclose(glob, pos):
    """Add the positions reached by skipping stars (independently of globs._close)."""
    pos, todo = set(pos), list(pos)
    while todo:
        i = todo.pop()
        if i < len(glob) and glob[i] == globs.STAR and i + 1 not in pos:
            pos.add(i + 1)
            todo.append(i + 1)
    return pos


def successor(glob, pos, ch):
    """Set-based NFA step written independently of globs.step."""
    return eclose(glob, {i + (glob[i] != globs.STAR) for i in pos
                         if i < len(glob) and glob[i] in (globs.STAR, globs.ANY, ch)})


def assert_closed_witness(literals, states):
    gs = [g for g, _ in literals]
    as_sets = {tuple(frozenset(positions(g, m)) for g, m in zip(gs, s)) for s in states}
    start = tuple(frozenset(eclose(g, {0})) for g in gs)
    assert start in as_sets
    chars = sorted({c for g in gs for c in g if c >= 0}) + [-99]       # -99: a character in no pattern
    for s in as_sets:
        assert not all((len(g) in p) == pol for (g, pol), p in zip(literals, s))
        for ch in chars:  # a successor in which a true glob has no position left may be absent: it never accepts
            nxt = tuple(frozenset(successor(g, p, ch)) for g, p in zip(gs, s))
            assert nxt in as_sets or any(pol and not p for (_, pol), p in zip(literals, nxt))


def test_explore_agrees_with_brute_force():
    rng = random.Random(5)
    alphabet = "ab" + globs.other_char([globs.parse_glob("ab")])
    strings = ["".join(t) for n in range(6) for t in itertools.product(alphabet, repeat=n)]
    seen = set()
    for _ in range(60):
        literals = [(globs.parse_glob("".join(rng.choice("ab*?") for _ in range(rng.randint(0, 4)))),
                     rng.random() < 0.6) for _ in range(rng.randint(1, 3))]
        verdict, result = globs.explore(literals)
        seen.add(verdict)
        found = any(all(globs.matches(g, s) == p for g, p in literals) for s in strings)
        if verdict == "nonempty":
            assert all(fnmatch.fnmatchcase(result, globs.format_glob(g)) == p for g, p in literals)
        else:
            assert not found
            assert_closed_witness(literals, result)
    assert seen == {"empty", "nonempty"}


def test_policy_globs_inclusion_and_disjointness():
    P = globs.parse_glob
    verdict, closed = globs.included(P("arn:aws:s3:::b/*"), P("arn:aws:s3:::*"))
    assert verdict == "empty" and closed[0] == globs.initial([P("arn:aws:s3:::b/*"), P("arn:aws:s3:::*")])
    assert_closed_witness([(P("arn:aws:s3:::b/*"), True), (P("arn:aws:s3:::*"), False)], closed)
    assert globs.disjoint(P("arn:aws:s3:::a/*"), P("arn:aws:s3:::b/*"))[0] == "empty"
    assert globs.disjoint(P("*.log"), P("*.txt"))[0] == "empty"
    verdict, witness = globs.included(P("arn:aws:s3:::*"), P("arn:aws:s3:::b/*"))
    assert verdict == "nonempty" and fnmatch.fnmatchcase(witness, "arn:aws:s3:::*")
    assert not fnmatch.fnmatchcase(witness, "arn:aws:s3:::b/*")
    verdict, witness = globs.explore([(P("logs/*"), True), (P("*.gz"), True), (P("*secret*"), False)])
    assert verdict == "nonempty" and witness == "logs/.gz"


def test_the_other_class_witness_uses_a_fresh_character():
    g = globs.parse_glob("?")
    verdict, witness = globs.explore([(g, True), (globs.parse_glob("x"), False), (globs.parse_glob("y"), False)])
    assert verdict == "nonempty" and len(witness) == 1 and witness not in "xy"


# ---- EUF --------------------------------------------------------------------------------

def assert_conflict(eqs, diseqs, preds, expected):
    got = euf.explain(eqs, diseqs, preds)
    assert got is not None
    assert (sorted(map(repr, got.equalities)), sorted(map(repr, got.disequalities)),
            sorted(map(repr, got.predicates))) == tuple(sorted(map(repr, e)) for e in expected)
    assert euf.explain(*got) is not None    # the subset alone is contradictory


def test_transitivity_conflict_names_only_the_chain():
    eqs = [("a", "b"), ("x", "y"), ("b", "c"), ("c", "d"), ("y", "z")]
    assert_conflict(eqs, [("u", "v"), ("a", "d")], [],
                    ([("a", "b"), ("b", "c"), ("c", "d")], [("a", "d")], []))


def test_congruence_conflict():
    fa, fb = ("f", "a"), ("f", "b")
    assert_conflict([("a", "b")], [(fa, fb)], [], ([("a", "b")], [(fa, fb)], []))
    # nested, two arguments: f(g(a), b) = c, a = a2, b = b2, f(g(a2), b2) != c
    lhs, rhs = ("f", ("g", "a"), "b"), ("f", ("g", "a2"), "b2")
    eqs = [(lhs, "c"), ("a", "a2"), ("q", "r"), ("b", "b2")]
    assert_conflict(eqs, [(rhs, "c")], [], ([(lhs, "c"), ("a", "a2"), ("b", "b2")], [(rhs, "c")], []))
    # f(a) = a implies f(f(a)) = a
    assert_conflict([("a", fa)], [(("f", fa), "a")], [], ([("a", fa)], [(("f", fa), "a")], []))


def test_predicate_conflicts():
    pa, pb = ("p", "a"), ("p", "b")
    assert_conflict([("a", "c"), ("c", "b")], [], [(pa, True), (pb, False), (("q", "a"), True)],
                    ([("a", "c"), ("c", "b")], [], [(pa, True), (pb, False)]))
    assert_conflict([], [], [("flag", True), ("flag", False)], ([], [], [("flag", True), ("flag", False)]))


def test_consistent_literals_give_none():
    assert euf.explain([("a", "b"), (("f", "a"), "c")], [(("f", "b"), "d"), ("a", "c")],
                       [(("p", "a"), True), (("p", "c"), False)]) is None


def test_the_kernels_own_exploration_of_two_globs_agrees_with_brute_force():
    """Without a witness the kernel explores the product of at most two globs itself (and stops at an
    asserted glob that can no longer match): its answer must be the brute-force one."""
    from checker import theory
    from checker.theories.strings import ANY, STAR
    from evidence.smt.globs import matches
    rng, answers = random.Random(9), set()
    items = {"a": ord("a"), "b": ord("b"), "?": ANY, "*": STAR}
    strings = ["".join(t) for n in range(7) for t in itertools.product("abc", repeat=n)]
    for _ in range(300):
        texts = ["".join(rng.choice("ab*?") for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(1, 2))]
        literals = [(tuple(items[ch] for ch in text), rng.random() < 0.6) for text in texts]
        hypotheses = [(("in", "s", glob), truth) for glob, truth in literals]
        empty = not any(all(matches(g, s) == truth for g, truth in literals) for s in strings)
        assert all(fnmatch.fnmatchcase(s, t) == matches(g, s) for s in strings[:40]
                   for t, (g, _) in zip(texts, literals))
        why = theory.check("str", hypotheses, [], None)
        assert (why is theory.VALID) == empty, (texts, literals, why)
        answers.add(empty)
    assert answers == {True, False}
