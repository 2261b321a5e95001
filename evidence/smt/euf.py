"""Congruence closure with explanations (untrusted producer side), for EUF lemmas.

Terms are names (str) or applications `("f", arg1, ...)`. `explain(equalities, disequalities,
pred_lits)` returns None when the literals are consistent, else a `Conflict` naming a small subset of
the inputs (the items themselves) that is already contradictory: the kernel re-runs congruence
closure on the lemma, so no more than the subset is needed.

The explanation structure is Nieuwenhuis and Oliveras' proof forest ("Fast congruence closure and
extensions", 2007): every merge adds an edge labelled with its reason (an input literal, or a
congruence between two applications); the explanation of a = b is the labels on the forest path
between them, congruence labels expanded recursively into their arguments' explanations.
"""
from collections import namedtuple

Conflict = namedtuple("Conflict", "equalities disequalities predicates")

_TRUE, _FALSE = 0, 1    # node ids of the Boolean constants a predicate literal is equated with
TRUTH = {"true": "=true", "false": "=false"}  # the terms of those constants (as arguments: (f true))


class CongruenceClosure:
    def __init__(self):
        self.ids = {TRUTH["true"]: _TRUE, TRUTH["false"]: _FALSE}
        self.app = [None, None]                 # app: id -> (symbol, arg ids) or None
        self.rep, self.members, self.uses = [0, 1], [[0], [1]], [[], []]
        self.proof = [None, None]               # id -> (next id, reason) on the way to the root
        self.sigs = {}                          # (symbol, arg reps) -> an application id
        self.pending = []

    def node(self, term):
        """The id of a term, registering it and its subterms."""
        if term in self.ids:
            return self.ids[term]
        app = None
        if isinstance(term, tuple):
            app = (term[0], tuple(self.node(a) for a in term[1:]))
        i = len(self.app)
        self.ids[term] = i
        self.app.append(app)
        self.rep.append(i)
        self.members.append([i])
        self.uses.append([])
        self.proof.append(None)
        if app:
            for a in set(app[1]):
                self.uses[self.rep[a]].append(i)
            self._signature(i)
        return i

    def _signature(self, i):
        sym, args = self.app[i]
        key = (sym, tuple(self.rep[a] for a in args))
        other = self.sigs.setdefault(key, i)
        if other != i and self.rep[other] != self.rep[i]:
            self.pending.append((i, other, ("cong", i, other)))

    def merge(self, a, b, reason):
        """Merge the classes of node ids a and b, then everything congruence forces."""
        self.pending.append((a, b, reason))
        while self.pending:
            a, b, reason = self.pending.pop()
            if self.rep[a] == self.rep[b]:
                continue
            self._reroot(a)                       # a becomes its proof tree's root,
            self.proof[a] = (b, reason)           # so the new edge keeps the forest a forest
            ra, rb = self.rep[a], self.rep[b]
            if len(self.members[ra]) > len(self.members[rb]):
                ra, rb = rb, ra                   # move the smaller class
            for m in self.members[ra]:
                self.rep[m] = rb
            self.members[rb] += self.members[ra]
            moved, self.uses[ra] = self.uses[ra], []
            self.uses[rb] += moved
            for u in moved:
                self._signature(u)

    def _reroot(self, a):
        prev, edge = None, None
        while a is not None:
            nxt = self.proof[a]
            self.proof[a] = (prev, edge) if prev is not None else None
            prev, edge = a, nxt[1] if nxt else None
            a = nxt[0] if nxt else None

    def explain(self, a, b):
        """The input reasons (labels) behind a = b, for two node ids in one class."""
        out, todo, seen = [], [(a, b)], set()
        while todo:
            x, y = todo.pop()
            path_x = self._path(x)
            on_x = {n: k for k, n in enumerate(path_x)}
            path_y = self._path(y)
            k = next(k for k, n in enumerate(path_y) if n in on_x)   # first common ancestor
            for n in path_x[:on_x[path_y[k]]] + path_y[:k]:
                if n in seen:
                    continue
                seen.add(n)
                reason = self.proof[n][1]
                if reason[0] == "cong":
                    _, u, v = reason
                    todo.extend(zip(self.app[u][1], self.app[v][1]))
                else:
                    out.append(reason)
        return out

    def _path(self, x):
        path = [x]
        while self.proof[x] is not None:
            x = self.proof[x][0]
            path.append(x)
        return path


def explain(equalities, disequalities, pred_lits=()):
    """None if consistent; else a `Conflict` of sub-lists of the inputs that is contradictory.

    `equalities` and `disequalities` are pairs of terms; `pred_lits` pairs `(atom, polarity)` with the
    atom an application or a name (a Boolean constant). Of all contradictions found (a disequality
    between merged terms, or an atom both true and false), the one with the fewest literals is given.
    """
    cc = CongruenceClosure()
    for s, t in list(equalities) + list(disequalities):
        cc.node(s), cc.node(t)
    for atom, _ in pred_lits:
        cc.node(atom)
    for i, (s, t) in enumerate(equalities):
        cc.merge(cc.ids[s], cc.ids[t], ("eq", i))
    for i, (atom, pol) in enumerate(pred_lits):
        cc.merge(cc.ids[atom], _TRUE if pol else _FALSE, ("pred", i))
    found = []
    if cc.rep[_TRUE] == cc.rep[_FALSE]:
        found.append(cc.explain(_TRUE, _FALSE))
    for i, (s, t) in enumerate(disequalities):
        if cc.rep[cc.ids[s]] == cc.rep[cc.ids[t]]:
            found.append(cc.explain(cc.ids[s], cc.ids[t]) + [("diseq", i)])
    if not found:
        return None
    best = set(min(found, key=len))
    pick = lambda tag, items: [x for i, x in enumerate(items) if (tag, i) in best]   # noqa: E731
    return Conflict(pick("eq", equalities), pick("diseq", disequalities), pick("pred", pred_lits))
