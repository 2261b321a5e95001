"""Lemmas that relate arithmetic atoms over one linear form (untrusted).

cvc5 rewrites atoms before its theory solvers see them (`x = z + 1` becomes `x - z >= 1` and
`x - z <= 1`), so its lemmas may speak of atoms the skeleton only knows in another shape.  Between
atoms of one form (canonical keys with the same coefficients) the valid binary clauses (`x - z = 1`
implies `x - z <= 1`, ...) and the ternary ones that make an equality from two bounds reconnect
them; each is justified like any other lemma, and invalid candidates are simply not kept.
"""
import itertools

from .justify import MAX_SPLITS, Unjustified, justify

MAX_GROUP = 12  # atoms of one form considered (the candidates grow with its square, then cube)


def bridges(problem, keys, new):
    """Lemmas (justify's) relating `new` atom keys to each other and to `keys` of the same form."""
    groups = {}
    for key in keys:
        if key[0] == "lin":
            groups.setdefault(key[2], []).append(key)
    found = []
    for group in groups.values():
        if len(group) < 2 or len(group) > MAX_GROUP or not any(k in new for k in group):
            continue
        literals = [(k, s) for k in group for s in (True, False)]
        candidates = [list(c) for c in itertools.combinations(literals, 2) if c[0][0] != c[1][0]]
        candidates += [[(e, True), x, y] for e in group if e[1] == "=" for x, y in
                       itertools.combinations([lit for lit in literals if lit[0] != e], 2) if x[0] != y[0]]
        for clause in candidates:
            if not any(k in new for k, _ in clause):
                continue
            try:  # no case splits (depth at the limit): a bridge over one form never needs one
                found.extend(justify(problem, clause, depth=MAX_SPLITS))
            except Unjustified:
                continue
    return found
