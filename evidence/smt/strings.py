"""String conflicts and lemmas (untrusted producer side), in the kernel's terms (checker/theories/strings.py).

Each string term is a variable of its own to the string theory (a concatenation of non-literals too);
what ties strings together are true equalities (merged classes) and lengths, which are integer
variables the arithmetic solver sees:

- once, before the search, the length lemmas that hold whatever the assignment: `(str.len s) >= 0`,
  the length of each concatenation (`len` rule), equal strings have equal lengths (`len`), and the
  shortest and longest word of each membership bound its string's length (`str`, with the bound read
  as a membership of the words of at most that length), and a character `(str.at s k)` is at most one long;
- in each round, the memberships (and length bounds) of one class that no string has, as a `str`
  lemma with the closed set of product states as its witness; if there are none, the memberships of a
  concatenation with one each of its arguments (which the kernel lifts to the concatenation);
- after a consistent arithmetic round, each class must have a member of the length the arithmetic
  gave it; if it has none, the lemma `memberships -> (str.len s) != v` sends the search elsewhere.
"""
from checker.theories import strings as kernel

from . import globs
from .theories import Lemma, hypothesis

BOUNDS = 256  # length bounds (and lengths realised) up to this many characters get str lemmas
STATES = 1 << 17  # product states explored for a bound lemma before it is left out
AHEAD = 64  # memberships in patterns that a true one in a single word decides ahead of need, per round


class Strings:
    def __init__(self, problem, atoms):
        self.problem, self.atoms = problem, atoms  # atoms: .skeleton, .variable(key)
        self.explored = {}  # membership literals -> globs.explore's answer (None: too many states)
        self.groups = {}  # after a round: class -> its memberships and length bounds, (var, key, truth)
        self.root, self.links = (lambda t: t), []  # after a round: the classes, the true equalities joining them
        self.decided = set()  # pairs of membership variables a lemma relates already (ahead)
        self._sorted = (-1, [])  # ahead: (memberships seen, [(in single words, in patterns)] of each string)

    # ---- lemmas that hold whatever the assignment ----------------------------------------------------
    def lengths(self):
        terms, skeleton = self.problem.terms, self.atoms.skeleton
        needed = {t.args[0] for t in terms if t.op == "str.len"}
        if needed:  # a concatenation's memberships and equalities bound its parts' lengths too
            needed |= {u for u, t in enumerate(terms) if t.op == "str.++"}
        equal = [key for key in skeleton.atoms.values() if key[0] == "eq" and terms[key[1]].sort == "String"]
        size = -1
        while size != len(needed):  # the strings whose lengths matter, closed under equality and parts
            size = len(needed)
            needed |= {x for _, s, t in equal if s in needed or t in needed for x in (s, t)}
            needed |= {p for s in list(needed) if terms[s].op == "str.++" for p in terms[s].args
                       if terms[p].op != "str"}
        lemmas = []
        for s in sorted(needed):
            lemmas.append(self.empty([(self.length_atom(s, "<=", -1), self.bound("<=", s, -1), True)], []))
            if terms[s].op == "str.at":  # one character at most
                lemmas.append(self.empty([(self.length_atom(s, "<=", 1), self.bound("<=", s, 1), False)], []))
            if terms[s].op == "str.++":  # (str.len (str.++ p ...)) = the sum of the parts' lengths
                coeffs, total = {self.length(s): 1}, 0
                for p in terms[s].args:
                    if terms[p].op == "str":
                        total += len(terms[p].payload)
                    else:
                        coeffs[self.length(p)] = coeffs.get(self.length(p), 0) - 1
                lemmas.append(Lemma("len", [self.equation(coeffs, total)], []))
        for _, s, t in equal:
            if s in needed:
                var = skeleton.var[("eq", s, t)]
                lemmas.append(Lemma("len", [-var, self.equation({self.length(s): 1, self.length(t): -1}, 0)], []))
        for var, key in list(skeleton.atoms.items()):
            if key[0] == "in" and key[1] in needed:
                lemmas += self.bounds(var, key)
        return [lemma for lemma in lemmas if lemma is not None]

    def bounds(self, var, key):
        """A membership's shortest and longest words bound its string's length (str lemmas)."""
        shortest, longest = globs.length_range(key[2])
        if shortest is None:  # the empty language
            return [self.empty([(var, key, True)], [])]
        out = []
        if 0 < shortest <= BOUNDS:
            out.append(self.empty([(var, key, True), (self.length_atom(key[1], "<=", shortest - 1),
                                                      self.bound("<=", key[1], shortest - 1), True)], [], STATES))
        if longest is not None and longest <= BOUNDS:
            out.append(self.empty([(var, key, True), (self.length_atom(key[1], "<=", longest),
                                                      self.bound("<=", key[1], longest), False)], [], STATES))
        return out

    def length(self, s):
        """The term (str.len s), made where the kernel makes it: when it reads the atom line that needs it."""
        return self.problem.make("str.len", None, (s,), "Int")

    def length_atom(self, s, kind, k):
        return self.atoms.variable(("lin", kind, ((self.length(s), 1),), k, True))

    def bound(self, kind, s, k):
        return kernel.at(self.problem, kernel.bound(self.problem, ("lin", kind, ((self.length(s), 1),), k, True)))

    def equation(self, coeffs, total):
        """The literal of the atom sum(c * x) = total (canonical: variables by number, the first positive)."""
        pairs = sorted((x, c) for x, c in coeffs.items() if c)
        sign = 1 if pairs[0][1] > 0 else -1
        return self.atoms.variable(("lin", "=", tuple((x, sign * c) for x, c in pairs), sign * total, True))

    # ---- conflicts of an assignment ------------------------------------------------------------------
    def conflicts(self, memberships, equalities, arithmetic):
        """str lemmas: a disequality between strings that must be equal, or memberships and length
        bounds of one string (joined by true equalities, or by being equal to one literal) that no
        string has."""
        links = [(var, key) for var, key, truth in equalities if truth and self.problem.sort(key[1]) == "String"]
        links += [(var, ("in", key[1], ("literal", key[2]))) for var, key, truth in memberships
                  if truth and is_literal(key[2])]
        self.links = links
        root = self.root = classes([(key[1], key[2]) for _, key in links])
        lemmas = [Lemma("str", [-v for v in connect({key[1], key[2]}, links)] + [var], [])
                  for var, key, truth in equalities if not truth and self.problem.sort(key[1]) == "String"
                  and root(key[1]) == root(key[2])]
        bounds = [(var, self.translate(key), truth) for var, key, truth in arithmetic]
        groups = self.groups = {}
        for var, key, truth in memberships + [b for b in bounds if not isinstance(b[1], str)]:
            key = kernel.at(self.problem, key)  # (str.at s k) in P: s in another pattern
            groups.setdefault(root(key[1]), []).append((var, key, truth))
        for group in groups.values():
            # Two memberships clash most often (inclusion in, or disjointness of, a true one's pattern):
            # every such pair is a lemma now, so one round rules out many of the SAT solver's choices.
            pairs = [[group[i], group[j]] for i, j in _with_a_true_one(group) if self.is_empty([group[i], group[j]])]
            lemmas += [self.empty(pair, links) for pair in pairs]
            self.decided.update(frozenset((a[0], b[0])) for a, b in pairs)
            if not pairs and self.is_empty(group):
                lemmas.append(self.empty(minimal(group, self.is_empty), links))
        if lemmas:  # refuted anyway: lemmas the next rounds would find one at a time, now
            lemmas += self.ahead(memberships)
        if not lemmas:  # memberships of a concatenation, with one each of its arguments
            lemmas = [lemma for lemma in map(self.lift, self.concatenations(root)) if lemma is not None][:8]
        return [lemma for lemma in lemmas if lemma is not None]

    def ahead(self, memberships):
        """Lemmas no assignment has needed yet, each pair of memberships at most once: a string's true
        membership in a single word decides (up to AHEAD a round) its memberships in patterns with
        wildcards, the word being in the pattern or not.  A control's list of actions against a
        policy's Allow patterns otherwise costs a round of the search for each pair the SAT solver
        tries; this way it costs a round for each action."""
        if len(memberships) != self._sorted[0]:  # (new atoms come with branches and length bounds)
            by_term = {}
            for var, key, _ in memberships:
                key = kernel.at(self.problem, key)
                word = is_literal(key[2])
                by_term.setdefault(key[1], ([], []))[0 if word else 1].append(
                    (var, key, "".join(map(chr, key[2])) if word else None))
            self._sorted = (len(memberships), [(words, patterns) for words, patterns in by_term.values()
                                               if words and patterns])
        true = {var for var, _, truth in memberships if truth}
        out = []
        for words, patterns in self._sorted[1]:
            for word in (m for m in words if m[0] in true):
                count = 0
                for pattern in patterns:
                    pair = frozenset((word[0], pattern[0]))
                    if pair in self.decided:
                        continue
                    if count >= AHEAD:
                        break
                    self.decided.add(pair)
                    inside = globs.matches(pattern[1][2], word[2])
                    lemma = self.empty([(word[0], word[1], True), (pattern[0], pattern[1], not inside)], [])
                    if lemma is not None:
                        out.append(lemma)
                        count += 1
        return out

    def concatenations(self, root):
        """Each concatenation that has memberships (in its class) and arguments in other classes."""
        terms = self.problem.terms
        return [u for u, term in enumerate(terms) if term.op == "str.++" and self.groups.get(root(u)) and
                any(terms[a].op != "str" and root(a) != root(u) for a in term.args)]

    def lift(self, u):
        """A str lemma: u's class's memberships and one true membership of each argument (tried in
        turn), read by the kernel as memberships of u alone (checker/theories/strings.py, lift)."""
        terms, root = self.problem.terms, self.root
        own = [(var, key, truth) for var, key, truth in self.groups[root(u)]]
        parts = {root(a): [m for m in self.groups.get(root(a), []) if m[2]] for a in terms[u].args
                 if terms[a].op != "str" and root(a) != root(u)}
        choice = {c: options[0] for c, options in parts.items() if options}
        for c, options in parts.items():
            for option in options:
                trial = {**choice, c: option}
                if self.lifted_empty(u, own, list(trial.values())):
                    chosen = list(trial.values())
                    own = minimal(own, lambda kept, chosen=chosen: self.lifted_empty(u, kept, chosen))
                    if chosen:
                        chosen = minimal(chosen, lambda kept, own=own: self.lifted_empty(u, own, kept))
                    return self.lemma(self.lift_clause(u, own, chosen))
        return None

    def lift_clause(self, u, own, chosen):
        """u's memberships first (so that u is the lemma's first concatenation), the links joining u to
        their subjects, then the arguments' memberships and their links."""
        clause = [hypothesis(var, truth) for var, _, truth in own]
        clause += [-var for var in connect({u} | {key[1] for _, key, _ in own}, self.links)]
        terms = self.problem.terms
        for var, key, truth in chosen:
            clause.append(hypothesis(var, truth))
            argument = next(a for a in terms[u].args if self.root(a) == self.root(key[1]))
            clause += [-v for v in connect({argument, key[1]}, self.links)]
        keys = self.atoms.skeleton.atoms
        first = next((x for lit in clause for key in [keys[abs(lit)]] if key[0] != "lin"
                      for x in key[1:2 if key[0] == "in" else 3] if terms[x].op == "str.++"), None)
        return list(dict.fromkeys(clause)) if first == u else None  # the kernel lifts the first concatenation

    def lifted_empty(self, u, own, chosen):
        clause = self.lift_clause(u, own, chosen) if own else None
        return clause is not None and self.lemma(clause, STATES, check=True) is not None

    def translate(self, key):
        """A length atom (str.len s) <= k or = k as the kernel reads it in a str lemma: a membership of s
        (a message for any other arithmetic atom, or a bound too large to be worth it)."""
        terms = self.problem.terms
        if len(key[2]) != 1 or terms[key[2][0][0]].op != "str.len" or key[1] == "<" or abs(key[3]) > BOUNDS:
            return "not a length bound"
        return kernel.at(self.problem, kernel.bound(self.problem, key))

    def realize(self, values):
        """After a consistent arithmetic round: each class with a length v needs a member of length v;
        the lemma for one that has none (its memberships rule out (str.len s) = v)."""
        terms = self.problem.terms
        for t, term in enumerate(terms):
            if term.op != "str.len" or t not in values or not 0 <= values[t] <= BOUNDS:
                continue
            v = int(values[t])
            exact = kernel.at(self.problem, kernel.bound(self.problem, ("lin", "=", ((t, 1),), v, True)))
            group = self.groups.get(self.root(exact[1]), [])
            exact = (exact[2], True)
            if group and self.is_empty(group, [exact]):
                var = self.atoms.variable(("lin", "=", ((t, 1),), v, True))
                found = minimal(group + [(var, self.translate(self.atoms.skeleton.atoms[var]), True)], self.is_empty)
                return [self.empty(found, self.links)]
        return []

    def is_empty(self, group, extra=()):
        """Whether these memberships have no common string (remembered: the patterns never change)."""
        literals = tuple((key[2], truth) for _, key, truth in group) + tuple(extra)
        if literals not in self.explored:
            self.explored[literals] = globs.explore(list(literals), STATES)
        return self.explored[literals] is not None and self.explored[literals][0] == "empty"  # None: too many

    def empty(self, group, links, limit=None):
        """A str lemma: these memberships (and the links joining their subjects) are empty, or None when
        that cannot be shown within `limit` states."""
        joins = connect({key[1] for _, key, _ in group}, links)
        clause = [-var for var in joins] + [hypothesis(var, truth) for var, _, truth in group]
        return self.lemma(list(dict.fromkeys(clause)), limit)

    def lemma(self, clause, limit=None, check=False):
        """The str lemma of this clause, its witness over the memberships as the kernel reads them
        (checker.theories.strings.gather: lemma order, lengths as memberships, a concatenation lifted),
        or None if they are not empty (within `limit` states).  check: only say whether it is."""
        keys = self.atoms.skeleton.atoms
        patterns = kernel.gather([(keys[abs(lit)], lit < 0) for lit in clause], self.problem)
        if patterns is kernel.VALID:
            return Lemma("str", clause, [])
        if not isinstance(patterns, list):
            return None
        found = self.explored.get(tuple(patterns))
        if found is None:
            found = self.explored[tuple(patterns)] = globs.explore(patterns, limit)
        if found is None or found[0] != "empty":
            return None
        if check:
            return True
        states = found[1]
        work = len(kernel.classes(p for p, _ in patterns)) + sum(len(p.sets if isinstance(p, kernel.Automaton) else p)
                                                                 for p, _ in patterns)  # as the kernel counts it
        explored = len(patterns) <= 2 and len(states) <= kernel.LIMIT and len(states) * work <= kernel.LIMIT << 6
        witness = [] if explored else [",".join(format(mask, "x") for mask in state) for state in states]
        return Lemma("str", clause, witness)


def is_literal(pattern):
    """A glob without wildcards: its one member (the kernel merges strings equal to one literal)."""
    return not isinstance(pattern, kernel.Automaton) and all(item >= 0 for item in pattern)


def _with_a_true_one(group):
    """The index pairs i < j of `group` (memberships: (var, key, truth)) of which one at least is true,
    in the order of all pairs i < j: without walking the pairs of two false ones (most of them, when
    a string has hundreds of memberships and the assignment makes one or two of them true)."""
    true = [i for i, (_, _, truth) in enumerate(group) if truth]
    for i in range(len(group)):
        if group[i][2]:
            yield from ((i, j) for j in range(i + 1, len(group)))
        else:
            yield from ((i, j) for j in true if j > i)


def minimal(group, is_empty):
    """A subset of the memberships that is still empty, from which none can be dropped."""
    kept = list(group)
    for item in list(group):
        trial = [x for x in kept if x is not item]
        if trial and is_empty(trial):
            kept = trial
    return kept


def classes(pairs):
    """The union-find root function of the terms these equalities join."""
    parent = {}

    def root(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    return root


def connect(subjects, equalities):
    """Variables of true equalities linking all `subjects` (paths of a breadth-first tree)."""
    subjects = sorted(subjects)
    if len(subjects) < 2:
        return []
    edges = {}
    for var, key in equalities:
        edges.setdefault(key[1], []).append((key[2], var))
        edges.setdefault(key[2], []).append((key[1], var))
    start, parent, queue = subjects[0], {subjects[0]: None}, [subjects[0]]
    for x in queue:
        for y, var in edges.get(x, ()):
            if y not in parent:
                parent[y] = (x, var)
                queue.append(y)
    used = []
    for s in subjects[1:]:
        while s != start:
            s, var = parent[s]
            used.append(var)
    return list(dict.fromkeys(used))
