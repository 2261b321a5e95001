"""Theory combination (issue 21), the `eufla` rule (docs/smt-certificate.md, section 4): congruence closure over
function applications with linear equations between arithmetic terms; sound for Int and Real alike (an integer model
is a rational one)."""
from fractions import Fraction

from . import LEAVES, RULES, VALID, find

APPS = ("app", "select", "store", "@diff")  # functions in every model: equal arguments, equal values
ARITH = ("Int", "Real")


def eufla(tag, hypotheses, witness, problem):
    if witness or any(key[0] not in ("eq", "p") and key[:2] != ("lin", "=") for key, _ in hypotheses):
        return "an eufla lemma has equalities, predicates and linear equations only, and no witness"
    from ..skeleton import _linear
    from ..smtlib import bottom_up
    from ..theory import charge
    terms, parent, pivots, apps = problem.terms, {}, {}, []
    leaf = ("num", "const", "app", "ite", *LEAVES)

    def form(t):  # t's value as {variable: coefficient, None: constant}
        coeffs, k = bottom_up(terms, t, problem.linear, lambda u: _linear(problem, u), lambda u: terms[u].op not in leaf)
        return {**coeffs, None: k}

    def reduce(f):  # f with every pivot replaced by its expression: equal in every model of the equations
        problem.budget -= len(f) + sum(len(pivots[x]) for x in f if x in pivots)
        out = {}
        for x, c in f.items():
            for y, d in pivots[x].items() if x in pivots else ((x, 1),):
                out[y] = out.get(y, 0) + c * d
        return {x: c for x, c in out.items() if c}

    def equate(f):  # add the equation f = 0; True when it reads 0 = k with k not 0
        f = reduce(f)
        if all(x is None for x in f):
            return bool(f)
        p = max(x for x in f if x is not None)
        c = Fraction(f.pop(p))
        expr = {x: -d / c for x, d in f.items()}
        problem.budget -= len(pivots) * len(expr)
        for e in pivots.values():
            k = e.pop(p, 0)
            for x, d in expr.items():
                e[x] = e.get(x, 0) + k * d
                if not e[x]:
                    del e[x]
        pivots[p] = expr
        return False

    def key(a):  # what decides that two arguments are equal
        return frozenset(reduce(form(a)).items()) if terms[a].sort in ARITH else find(parent, a)

    todo, seen = [a for k, _ in hypotheses for a in (k[1:3] if k[0] == "eq" else k[1:2] if k[0] == "p" else
                                                     (x for x, _ in k[2]))], set()
    while todo:  # the applications under the hypotheses' terms
        t = todo.pop()
        if t not in seen:
            seen.add(t)
            apps += [t] if terms[t].op in APPS else []
            todo.extend(terms[t].args)
    for k, truth in hypotheses:
        if truth and k[0] == "eq" or k[0] == "p":  # a predicate is merged with true (term 0) or false (1)
            parent[find(parent, k[1])] = find(parent, k[2] if k[0] == "eq" else 1 - truth)
        elif truth and k[0] == "lin" and equate({**dict(k[2]), None: -k[3]}):
            return VALID
    changed, apps = True, sorted(apps)  # arguments first (they were numbered first): most merges in one pass
    while changed:  # merge applications whose arguments became equal, until nothing changes
        if (budget := charge(problem, len(apps) + len(seen))) is not None:
            return budget
        changed, signatures = False, {}
        for t in apps:
            op, payload, args, sort = terms[t]
            other = signatures.setdefault((op, payload, tuple(key(a) for a in args)), t)
            if other == t:
                continue
            if sort in ARITH and reduce({other: 1, t: -1}):
                if equate({other: 1, t: -1}):
                    return VALID
                changed = True
            elif sort not in ARITH and find(parent, other) != find(parent, t):
                parent[find(parent, t)], changed = find(parent, other), True
    if find(parent, 0) == find(parent, 1):  # a predicate both true and false
        return VALID
    for k, truth in hypotheses:
        if not truth and (k[0] == "eq" and find(parent, k[1]) == find(parent, k[2]) or
                          k[0] == "lin" and not reduce({**dict(k[2]), None: -k[3]})):
            return VALID
    return "congruence closure with the linear equations finds no contradiction"


RULES["eufla"] = eufla
