"""Theory conflicts of a Boolean assignment, as certificate lemmas (untrusted producer side).

`Theories.conflicts(assignment)` looks at every atom the SAT solver assigned and answers the lemmas
that rule the assignment out: a clause of atom literals (the negation of the conflicting ones),
a theory tag and witness tokens in the kernel's terms (checker/theory.py).  No lemma means every
theory is consistent, and `values` then holds what the model writer needs.

Rows are built with the kernel's own `checker.theory.rows`, so the multipliers we compute are for
exactly the rows the kernel will read.  Lemmas are kept small with the solvers' explanations: the
simplex's used rows, congruence closure's proof forest, a deletion-minimal set of memberships.
"""
import functools
from collections import namedtuple
from fractions import Fraction

from checker import theory as kernel
from checker.skeleton import Pred

from . import arith, euf

Lemma = namedtuple("Lemma", "tag literals witness")  # literals: [int]; witness: [token]
APPS = ("app", "select", "store", "@diff")  # function applications to congruence closure
BRANCH_WITNESS = ["1", "1", "2", "1"]  # x <= k, or not: rows -x <= -k-1 and x <= k sum to 0 <= -1


class Unknown(Exception):
    """The theory solvers cannot decide (branch and bound gave up; or no model could be built)."""


def hypothesis(var, truth):
    """The lemma literal that negates `var = truth`."""
    return -var if truth else var


class Theories:
    def __init__(self, problem, atoms):
        self.problem, self.atoms = problem, atoms  # atoms: .skeleton, .variable(key)
        self.simplex = arith.Simplex()  # one per problem: its tableau keeps every form it has seen
        self.split = set()  # disequality atoms whose two sides are already a lemma
        self.values = {}  # after a consistent check: name -> Fraction
        self.lengths = None  # the length lemmas, given in the first round
        self.interface = {}  # linear equation key -> the two terms it equates (combination)
        self.extended, self.instantiated = set(), set()  # array equalities, (store, index) pairs done
        from .strings import Strings  # which imports this module
        self.strings = Strings(problem, atoms)

    def conflicts(self, assignment):
        """Lemmas refuting `assignment` (variable -> bool over the skeleton's atoms); [] if consistent."""
        if self.lengths is None:
            for t in self.bool_arguments:  # a Boolean constant seen only as an argument is no atom yet
                self.atoms.variable(Pred("p", t))
        by_kind = {"lin": [], "eq": [], "p": [], "in": []}
        for var, key in list(self.atoms.skeleton.atoms.items()):
            by_kind[key[0]].append((var, key, assignment.get(var, False)))
        if self.lengths is None:
            self.lengths = self.strings.lengths() + self.arrays()
            if self.lengths:
                return self.lengths
        equalities = by_kind["eq"] + by_kind["p"] + [x for x in by_kind["lin"] if x[1][1] == "="]
        found = self.euf(equalities) + \
            self.strings.conflicts(by_kind["in"], by_kind["eq"], by_kind["lin"])
        found += self.arithmetic(by_kind["lin"])
        if found:
            return found
        found = self.arrays()  # for array equalities made since (interface atoms), and their indices
        if found:
            return found
        known = len(self.interface)
        found = self.combine(assignment)  # which may name equations euf has not read as equalities yet
        return found or (self.euf(equalities) if len(self.interface) > known else []) or \
            self.strings.realize(self.values)

    # ---- arithmetic ----------------------------------------------------------------------------
    def arithmetic(self, asserted):
        lemmas, used = [], []
        for var, key, truth in asserted:
            if key[1] == "=" and not truth:  # a disequality: let the SAT solver pick a side first
                if var not in self.split:
                    self.split.add(var)
                    lemmas.append(self.sides(var, key))
            else:
                used.append((var, key, truth))
        if lemmas:
            return lemmas
        rows = kernel.rows([(key, truth) for _, key, truth in used], None)
        constraints = [arith.constraint(kind, coeffs, bound) for kind, coeffs, bound, _ in rows]
        found = self.simplex.check(constraints)
        if found[0] == "unsat":
            _, which, multipliers = found
            return [Lemma("lra", [hypothesis(used[i][0], used[i][2]) for i in which], list(map(str, multipliers)))]
        self.values = found[1]
        sorts = {x: "Int" if integral else "Real" for _, coeffs, _, integral in rows for x in coeffs}
        if "Int" not in sorts.values():
            return []
        found = arith.lia_refute(constraints, sorts)
        if found[0] == "sat":
            self.values = found[1]
            return []
        if found[0] == "unsat":
            return [self.cuts(used, found[1])]
        if found[0] == "branch":
            return self.branches(found[1])
        raise Unknown(found[1])

    def sides(self, var, key):
        """`s = k or s < k or s > k`: the disequality's two sides as atoms, refuted side by side."""
        _, _, pairs, bound, integral = key
        below = ("lin", "<=", pairs, bound - 1, True) if integral else ("lin", "<", pairs, bound, False)
        at_most = ("lin", "<=", pairs, bound, integral)
        literals = [var, self.atoms.variable(below), -self.atoms.variable(at_most)]
        return Lemma("lra", literals, "1 1 0 | 1 0 1".split())

    def cuts(self, used, steps):
        """A lia lemma from lia_refute's steps, over only the rows they use (renumbered)."""
        n = len(used)
        rows = sorted({row for step in steps for row, m in step.premises if row <= n and m})
        number = {row: i for i, row in enumerate(rows, 1)}
        number.update({n + j: len(rows) + j for j in range(1, len(steps) + 1)})
        text = " ; ".join(" ".join(f"{number[row]} {m}" for row, m in step.premises if m) + (" cut" if step.cut else "")
                          for step in steps)
        return Lemma("lia", [hypothesis(used[r - 1][0], used[r - 1][2]) for r in rows], text.split())

    def branches(self, splits):
        """Branch atoms `x <= k` for the SAT solver to decide, each with its tautology `v or not v`."""
        lemmas = []
        for _, ((name, _),), bound in splits:
            key = ("lin", "<=", ((name, 1),), Fraction(bound), True)
            if key not in self.atoms.skeleton.var:
                var = self.atoms.variable(key)
                lemmas.append(Lemma("lia", [var, -var], list(BRANCH_WITNESS)))
        if not lemmas:
            raise Unknown("branch and bound asks for splits the SAT solver already decides")
        return lemmas

    # ---- equality and uninterpreted functions ------------------------------------------------
    def node(self, t):
        """euf's term for a problem term: applications are tuples, everything else a leaf (true and false:
        euf's own nodes for the truth values, which predicates are merged with)."""
        op, payload, args, _ = self.problem.terms[t]
        return (payload if op == "app" else op,) + tuple(self.node(a) for a in args) if op in APPS else \
            euf.TRUTH.get(op, f"#{t}")

    @functools.cached_property
    def bool_arguments(self):
        """The Boolean constants and predicates that are arguments of a function (atoms of their own,
        declared if the skeleton lacks them): their truth decides congruences.  In term order."""
        terms = self.problem.terms
        return sorted({a for op, _, args, _ in terms if op in APPS for a in args if terms[a].op in ("const", "app")
                       and terms[a].sort == "Bool"})

    @functools.cached_property
    def bool_argument_set(self):
        return set(self.bool_arguments)

    def sides_of(self, key):
        """The two terms a linear equation equates: an interface equality we made, or `x - y = 0`."""
        if key in self.interface:
            return self.interface[key]
        pairs = key[2]
        if key[3] == 0 and len(pairs) == 2 and sorted(c for _, c in pairs) == [-1, 1]:
            return pairs[0][0], pairs[1][0]
        return None

    def euf(self, asserted):
        owner, equalities, disequalities, predicates, mixed = {}, [], [], [], set()
        for var, key, truth in asserted:
            if key[0] == "lin":
                if key[1] != "=" or self.sides_of(key) is None:
                    continue
                item = tuple(self.node(x) for x in self.sides_of(key))
                (equalities if truth else disequalities).append(item)
                mixed.add(item)
            elif key[0] == "eq":
                item = (self.node(key[1]), self.node(key[2]))
                (equalities if truth else disequalities).append(item)
            elif self.problem.terms[key[1]][0] == "app" or key[1] in self.bool_argument_set:  # a constant predicate
                item = (self.node(key[1]), truth)  # conflicts with nothing, unless a function's argument
                predicates.append(item)
            else:
                continue
            owner[item] = hypothesis(var, truth)
        if not (disequalities or predicates):
            return []
        found = euf.explain(equalities, disequalities, predicates)
        if found is None:
            return []
        items = list(found.equalities) + list(found.disequalities) + list(found.predicates)
        tag = "eufla" if mixed & set(items) or any(t.op in APPS[1:] for t in self.problem.terms) else "euf"
        return [Lemma(tag, list(dict.fromkeys(owner[item] for item in items)), [])]

    # ---- arrays: every instance of the axioms over the problem's index terms, eagerly -------------
    def arrays(self):
        """Extensionality for each equality of arrays (its @diff index), then read-over-write for each
        store (and the constant array's axiom for each constant array) and each index term of its sort,
        down every chain of stores: the instances that decide
        QF_AX (with congruence, which euf does).  Terms are made just before the atom line that
        first names them, so the kernel numbers them as we do."""
        problem, terms, lemmas = self.problem, self.problem.terms, []
        if not any(isinstance(t.sort, tuple) and t.sort[0] == "Array" for t in terms):
            return []
        for key in [k for k in self.atoms.skeleton.atoms.values() if k[0] == "eq" and k not in self.extended]:
            sort = terms[key[1]].sort
            self.extended.add(key)
            if isinstance(sort, tuple) and sort[0] == "Array":
                d = problem.make("@diff", None, key[1:3], sort[1])
                x, y = (problem.make("select", None, (u, d), sort[2]) for u in key[1:3])
                lemmas.append(self.axiom([(key, False), (self.equal(x, y), True)]))
        done = self.instantiated
        while True:
            indices = {}  # index sort -> the index terms of selects and stores, and the @diff terms
            for t, u in enumerate(terms):
                if u.op in ("select", "store"):
                    indices.setdefault(u.sort[1] if u.op == "store" else terms[u.args[0]].sort[1], set()).add(u.args[1])
                elif u.op == "@diff":
                    indices.setdefault(u.sort, set()).add(t)
            todo = [(s, j) for s, t in enumerate(terms) if t.op in ("store", "as const")
                    for j in sorted(indices.get(t.sort[1], ())) if (s, j) not in done]
            if not todo:
                return lemmas
            for s, j in todo:
                done.add((s, j))
                if terms[s].op == "as const":  # (select (as const v) j) = v
                    sel = problem.make("select", None, (s, j), terms[s].sort[2])
                    lemmas.append(self.axiom([(self.equal(sel, terms[s].args[0]), False)]))
                    continue
                c, i, v = terms[s].args
                index = self.equal(i, j)
                sel = problem.make("select", None, (s, j), terms[s].sort[2])
                if index is not True:
                    if index is not False:  # i = j can hold
                        lemmas.append(self.axiom([(index, True), (self.equal(sel, v), False)]))
                    below = problem.make("select", None, (c, j), terms[s].sort[2])
                    lemmas.append(self.axiom([(index, False), (self.equal(sel, below), False)]))
                else:
                    lemmas.append(self.axiom([(self.equal(sel, v), False)]))

    def equal(self, a, b):
        """The key of a = b (made an atom now, so that its terms are numbered here), or True."""
        from checker.theories.arrays import equality
        key = equality(self.problem, a, b)
        if isinstance(key, tuple):
            self.atoms.variable(key)
        return key

    def axiom(self, hypotheses):
        return Lemma("array", [hypothesis(self.atoms.variable(k), truth) for k, truth in hypotheses
                               if not isinstance(k, bool)], [])

    # ---- theory combination: equalities between the terms functions are applied to ----------------
    def equation(self, a, b):
        """The canonical key of `a = b` for two arithmetic terms (None: it folds to a constant)."""
        from checker.skeleton import linear
        key, _ = linear(self.problem, "=", a, b)
        return key if isinstance(key, tuple) else None

    def value_of(self, t):
        from checker.skeleton import _linear
        from checker.smtlib import bottom_up
        terms, leaf = self.problem.terms, ("num", "const", "app", "ite", *kernel.theories.LEAVES)
        coeffs, k = bottom_up(terms, t, self.problem.linear, lambda u: _linear(self.problem, u),
                              lambda u: terms[u].op not in leaf)
        return sum((c * Fraction(self.values.get(x, 0)) for x, c in coeffs.items()), Fraction(k))

    def combine(self, assignment):
        """Model-based combination: two applications of one function whose arithmetic arguments have
        equal values get atoms for the equalities of their arguments (and, over Int or Real, of their
        results), each with its tautology, for the SAT solver to decide; euf and arithmetic then
        agree through them.  [] when every such atom is already decided consistently."""
        terms, lemmas, groups = self.problem.terms, [], {}
        for t, (op, payload, args, _) in enumerate(terms):
            if op in APPS and any(terms[a].sort in ("Int", "Real") for a in args + (t,)):
                groups.setdefault((op, payload, len(args)), []).append(t)
        for group in groups.values():
            for i, t1 in enumerate(group):
                for t2 in group[i + 1:]:
                    lemmas += self.interface_atoms(t1, t2, assignment)
                    if lemmas and len(lemmas) > 200:
                        return lemmas
        return lemmas

    def interface_atoms(self, t1, t2, assignment):
        terms, out, decided = self.problem.terms, [], True
        for a, b in zip(terms[t1].args, terms[t2].args):
            if a == b:
                continue
            arith = terms[a].sort in ("Int", "Real")
            if arith and self.value_of(a) != self.value_of(b):
                return []
            key = self.equation(a, b) if arith else ("eq", min(a, b), max(a, b))
            if key is None:
                return []
            decided = self.tautology(key, (a, b), out) and decided and assignment.get(self.atoms.variable(key))
        if decided and terms[t1].sort in ("Int", "Real") and self.value_of(t1) != self.value_of(t2):
            key = self.equation(t1, t2)
            if key is not None:
                self.tautology(key, (t1, t2), out)
        return out

    def tautology(self, key, sides, out):
        """The atom of `key` (made with `v or not v` when new); True when it already was one."""
        if key[0] == "lin":
            self.interface.setdefault(key, sides)
        if key in self.atoms.skeleton.var:
            return True
        var = self.atoms.variable(key)
        out.append(Lemma("eufla", [var, -var], []))
        return False
