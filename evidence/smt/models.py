"""A satisfiable answer's model, as the `declare-const` / `define-fun` lines the kernel evaluates.

Values come from the final consistent round: Booleans from the SAT solver, numbers from the simplex
(exact), strings from the glob automata (a shortest member of each string's memberships, different
from the strings it must differ from), and values of declared sorts from congruence closure (one
abstract value, declared with `declare-const`, per class), bit-vectors from the SAT solver's values
of their bits (the kernel's circuit, checker/theories/bitvec.py).  A function is an `ite` table over the
applications the problem makes of it.  Nothing here is trusted: the kernel evaluates the result.
"""
import itertools

from checker.smt import OPS
from checker.smtlib import ARITH
from checker.theories import OPS as THEORY_OPS
from checker.theories import strings as kernel
from checker.theories.strings import accepts

from . import euf, globs
from .atoms import bitvector, numeral, sort_text, string, symbol
from .strings import classes, is_literal
from .theories import Unknown

BUILTIN = ("Bool", "Int", "Real", "String")


def declared(sort):
    """A sort the script declared (its values are abstract), not a built-in or a structured sort."""
    return sort not in BUILTIN and not isinstance(sort, tuple)


def is_array(sort):
    return isinstance(sort, tuple) and sort[0] == "Array"


def is_bitvector(sort):
    return isinstance(sort, tuple) and sort[0] == "BitVec"


class Model:
    def __init__(self, problem, skeleton, assignment, numbers):
        self.problem, self.skeleton, self.assignment, self.numbers = problem, skeleton, assignment, numbers
        self.abstract, self.declared = {}, []  # euf class -> value; "(declare-const ...)" lines
        self.spare = []  # values made for function defaults only
        self.arrays, self.array_classes = {}, None  # array term -> value; term -> its class
        self.closure = self._congruence()
        self.strings = self._strings()

    # ---- values of constants and applications -------------------------------------------------
    def value(self, t):
        op, payload, args, sort = self.problem.terms[t]
        if sort == "Bool":
            var = self.skeleton.var.get(("p", t))
            return bool(var and self.assignment.get(var, False))
        if sort in ARITH:
            return self.numbers.get(t, 0)
        if sort == "String":
            return self.strings(t)
        if is_array(sort):
            return self.array(t)
        if is_bitvector(sort):  # a bit-vector: its bits' values (0 for a term the atoms never reach)
            bits = getattr(self.skeleton, "bitvec", None)
            return sum(1 << i for i, bit in enumerate(bits.bits.get(t, ()) if bits else ())
                       if self.assignment.get(abs(bit), False) == (bit > 0))
        rep = self.closure.rep[self.closure.node(self.node(t))]
        if rep not in self.abstract:
            self.abstract[rep] = self._fresh(sort)
        return self.abstract[rep]

    def node(self, t):
        """euf's term for a problem term: applications are tuples, everything else a leaf."""
        op, payload, args, _ = self.problem.terms[t]
        return (payload,) + tuple(self.node(a) for a in args) if op == "app" else euf.TRUTH.get(op, f"#{t}")

    def array(self, t):
        """An array's value, (default, frozenset of (index, element)) as the kernel's: a store's from its
        array's; a constant's from its class of true equalities: a store in it, or else the reads the
        problem makes of its members (a default element elsewhere).  The kernel checks it."""
        terms = self.problem.terms
        if self.arrays.get(t) is not None:
            return self.arrays[t]
        if t in self.arrays:  # a cycle (a = (store a i v)): the reads
            return self.reads(t)
        self.arrays[t] = None
        op, _, args, _ = terms[t]
        stores = [m for m in self.array_class(t) if terms[m].op == "store" and m != t and m not in self.arrays]
        consts = [m for m in self.array_class(t) if terms[m].op == "as const"]
        if op == "store":
            value = THEORY_OPS["store"]([self.array(args[0]), self.evaluate(args[1]), self.evaluate(args[2])], None)
        elif op == "as const" or consts and not stores:  # every element its value
            value = (self.evaluate(terms[consts[0] if op != "as const" else t].args[0]), frozenset())
        else:
            value = self.array(stores[0]) if stores else self.reads(t)
        self.arrays[t] = value
        return value

    def reads(self, t):
        terms, members, pairs = self.problem.terms, self.array_class(t), {}
        for u, (op, _, args, _) in enumerate(terms):
            if op == "select" and args[0] in members and terms[args[0]].op != "store":
                pairs.setdefault(self.evaluate(args[1]), self.value(u))
        default = self.default(terms[t].sort[2])
        return default, frozenset((i, v) for i, v in pairs.items() if v != default)

    def array_class(self, t):
        """The arrays equal to t by true equality atoms (t included)."""
        if self.array_classes is None:
            parent = {}
            find = lambda x: x if parent.get(x, x) == x else find(parent[x])  # noqa: E731
            for var, key in self.skeleton.atoms.items():
                if key[0] == "eq" and is_array(self.problem.sort(key[1])) and self.assignment.get(var):
                    parent[find(key[1])] = find(key[2])
            self.array_classes = {}
            for x in list(parent):
                self.array_classes.setdefault(find(x), set()).add(x)
            self.array_classes = {x: c for c in self.array_classes.values() for x in c}
        return self.array_classes.get(t, {t})

    def evaluate(self, t):
        """Any term's value (arguments of applications may be arithmetic, literals, ...)."""
        op, payload, args, _ = self.problem.terms[t]
        if op in ("const", "app", "select", "@diff"):  # the theories' values (a select: its own, as decided)
            return self.value(t)
        if op in ("num", "str"):
            return payload
        if op in ("true", "false"):
            return op == "true"
        if op == "in":
            return accepts(self.problem.terms[args[1]].payload.automaton, self.evaluate(args[0]))
        x = [self.evaluate(a) for a in args]
        if op in ("and", "or"):
            return all(x) if op == "and" else any(x)
        if op == "ite":
            return x[1] if x[0] else x[2]
        return OPS[op](x) if op in OPS else THEORY_OPS[op](x, payload)

    def _fresh(self, sort):
        """A new abstract value of a declared sort (distinct names are distinct values)."""
        n = sum(1 for v in self.abstract.values() if v[2] == sort) + sum(1 for v in self.spare if v[2] == sort)
        name = f"@{sort}_{n}"
        while name in self.problem.funs or name in self.problem.macros:
            name += "_"
        self.declared.append(f"(declare-const {symbol(name)} {symbol(sort)})")
        return ("abstract", symbol(name), sort)

    def _congruence(self):
        """Congruence closure of the true equalities over every term of a declared sort."""
        cc = euf.CongruenceClosure()
        for t, (op, _, _, sort) in enumerate(self.problem.terms):
            if op in ("const", "app") and declared(sort):
                cc.node(self.node(t))
        for var, key in self.skeleton.atoms.items():
            if key[0] == "eq" and declared(self.problem.sort(key[1])) and self.assignment.get(var):
                cc.merge(cc.node(self.node(key[1])), cc.node(self.node(key[2])), ("eq", var))
            elif key[0] == "p":  # a Boolean argument (h p): p is true or false, as assigned
                cc.merge(cc.node(self.node(key[1])), cc.node(euf.TRUTH[str(bool(self.assignment.get(var))).lower()]),
                         ("p", var))
        return cc

    def _strings(self):
        """Strings per class of true string equalities: members of their memberships, of the length the
        arithmetic gave them, pairwise as different as the false equalities demand (greedy), and for a
        class holding a concatenation, its parts' values joined (Unknown when any of that fails)."""
        terms, atoms, truth = self.problem.terms, self.skeleton.atoms, self.assignment
        eqs = [(key, truth.get(var, False)) for var, key in atoms.items()
               if key[0] == "eq" and self.problem.sort(key[1]) == "String"]
        pins = [(key[1], ("literal", key[2])) for var, key in atoms.items()
                if key[0] == "in" and truth.get(var, False) and is_literal(key[2])]
        root = classes([(key[1], key[2]) for key, true in eqs if true] + pins)
        literals, apart, joined, located = {}, {}, {}, {}
        for var, key in atoms.items():
            if key[0] == "in":
                key = kernel.at(self.problem, key)  # (str.at s k) in P: s in another pattern
                literals.setdefault(root(key[1]), []).append((key[2], truth.get(var, False)))
        for t, (op, _, _, _) in enumerate(terms):
            if op == "str.len" and t in self.numbers:
                length = self.numbers[t]
                if length < 0 or length > kernel.POSITIONS:
                    raise Unknown(f"a string of length {length} (the producer builds strings up to {kernel.POSITIONS})")
                exact = kernel.at(self.problem, kernel.bound(self.problem, ("lin", "=", ((t, 1),), int(length), True)))
                literals.setdefault(root(exact[1]), []).append((exact[2], True))
            elif op == "str.++":
                joined.setdefault(root(t), t)
            elif op == "str.at":
                located.setdefault(root(t), []).append(t)
        for key, true in eqs:
            if not true:
                apart.setdefault(root(key[1]), []).append(root(key[2]))
                apart.setdefault(root(key[2]), []).append(root(key[1]))
        chosen = {}
        pinned = {root(term) for term, _ in pins}  # equal to a literal: chosen first, others avoid them
        subjects = sorted({root(t) for t, (op, _, _, sort) in enumerate(terms) if sort == "String" and
                           op in ("const", "app", "str.++")} | set(literals),
                          key=lambda c: (c not in pinned, isinstance(c, tuple), c if isinstance(c, int) else c[1]))
        def avoid(c):
            return [(tuple(map(ord, chosen[d])), False) for d in apart.get(c, []) if d in chosen]

        def split(c):  # a word of c's memberships, cut into its concatenation's parts, where it can be
            args = terms[joined[c]].args
            free = [root(a) for a in args if terms[a].op != "str" and root(a) not in chosen]
            if any(x in joined for x in free):
                return
            if len(set(free)) < len(free):  # an argument twice: short words for each, tried in turn
                return guess(c, list(dict.fromkeys(free)))
            parts = [terms[a].payload if terms[a].op == "str" else chosen[root(a)] if root(a) in chosen else
                     literals.get(root(a), []) + avoid(root(a)) for a in args]
            found = globs.split(literals.get(c, []) + avoid(c), parts)
            for a, piece in zip(args, found or ()):
                chosen.setdefault(root(a), piece)

        def guess(c, free, tries=20000):
            patterns = [p for d in [c] + free for p, _ in literals.get(d, [])]
            cuts = kernel.classes(patterns) + [kernel.MAX + 1]  # the characters named first, then one per class
            chars = sorted(globs.representatives(cuts[:-1]), key=lambda ch: cuts[cuts.index(ord(ch)) + 1] -
                           ord(ch) > 1 if ord(ch) in cuts else True)[:8]
            words = ["".join(w) for n in range(4) for w in itertools.product(chars, repeat=n)]
            for values in itertools.islice(itertools.product(words, repeat=len(free)), tries):
                trial = dict(zip(free, values))
                if all(all(globs.matches(p, v) == positive for p, positive in literals.get(d, []) + avoid(d))
                       for d, v in trial.items()):
                    text = "".join(terms[a].payload if terms[a].op == "str" else trial.get(root(a), chosen.get(root(a)))
                                   or "" for a in terms[joined[c]].args)
                    if all(globs.matches(p, text) == positive for p, positive in literals.get(c, []) + avoid(c)):
                        chosen.update(trial)
                        return

        def value(t):  # a concatenation's classes take its parts' values, joined (parts first)
            todo = [root(t)]
            while todo:
                c = todo[-1]
                if c in chosen or c not in joined:
                    chosen.setdefault(c, "")
                    todo.pop()
                    continue
                parts = [p for p in terms[joined[c]].args if terms[p].op != "str" and root(p) not in chosen]
                if any(root(p) in todo for p in parts):
                    raise Unknown("a string equal to a concatenation of itself")
                if parts:
                    todo += [root(p) for p in parts]
                    continue
                chosen[c] = "".join(terms[p].payload if terms[p].op == "str" else chosen.get(root(p), "")
                                    for p in terms[joined[c]].args)
                if not all(globs.matches(g, chosen[c]) == positive for g, positive in literals.get(c, [])) or \
                        any(chosen.get(d) == chosen[c] for d in apart.get(c, [])):
                    raise Unknown("the value of a concatenation falls outside its memberships (word equations "
                                  "are beyond this producer)")
                todo.pop()
            return chosen.get(root(t), "")

        for c in [c for c in subjects if c in pinned] + [c for c in subjects if c in joined] + subjects:
            if c in located:
                continue
            if c in joined:
                split(c)
                if all(terms[p].op == "str" or root(p) in chosen for p in terms[joined[c]].args):
                    value(joined[c])  # others then keep away from it
            elif c not in chosen:
                found = globs.explore(literals.get(c, []) + avoid(c))
                if found[0] != "nonempty":
                    raise Unknown("no string satisfies a variable's memberships and length and differs from the "
                                  "strings it must differ from (the kernel's str rule cannot refute that either)")
                chosen[c] = found[1]

        for c, found in located.items():  # a character of its string, which was chosen for it
            for t in found:
                text, k = value(terms[t].args[0]), terms[terms[t].args[1]].payload
                chosen.setdefault(c, text[k:k + 1])
                if chosen[c] != text[k:k + 1] or not all(globs.matches(g, chosen[c]) == positive for g, positive
                                                          in literals.get(c, [])):
                    raise Unknown("a str.at term's class holds a string of its own (beyond this producer)")
        for c in list(joined):
            value(joined[c])
        return value

    # ---- the text -------------------------------------------------------------------------------
    def text(self):
        """The model's lines (declarations of abstract values first)."""
        defs = []
        for name, (params, sort) in self.problem.funs.items():
            if not params:
                t = self.problem._ids.get(("const", str(name), (), sort))
                body = self.show(self.value(t) if t is not None else self.default(sort), sort)
                defs.append(f"(define-fun {symbol(name)} () {sort_text(sort)} {body})")
            else:
                defs.append(self.function(name, params, sort))
        return "\n".join(self.declared + defs) + "\n"

    def function(self, name, params, sort):
        """An ite table over the problem's applications of `name`; conflicting rows are Unknown."""
        table = {}
        for t, (op, payload, args, _) in enumerate(self.problem.terms):
            if op == "app" and payload == name:
                arguments, result = tuple(self.evaluate(a) for a in args), self.value(t)
                if table.setdefault(arguments, result) != result:
                    raise Unknown(f"two applications of {name} to equal arguments need different values "
                                  "(theory combination is not supported)")
        names = [f"_a{i}" for i in range(len(params))]
        body = self.show(self.default(sort), sort)
        for arguments, result in reversed(list(table.items())):
            tests = [f"(= {n} {self.show(v, s)})" for n, v, s in zip(names, arguments, params)]
            test = tests[0] if len(tests) == 1 else f"(and {' '.join(tests)})"
            body = f"(ite {test} {self.show(result, sort)} {body})"
        signature = " ".join(f"({n} {sort_text(s)})" for n, s in zip(names, params))
        return f"(define-fun {symbol(name)} ({signature}) {sort_text(sort)} {body})"

    def default(self, sort):
        if is_bitvector(sort):
            return 0
        if is_array(sort):  # the constant array of its elements' default
            return self.default(sort[2]), frozenset()
        if sort not in BUILTIN:
            used = [v for v in list(self.abstract.values()) + self.spare if v[2] == sort]
            if not used:
                self.spare.append(self._fresh(sort))
            return used[0] if used else self.spare[-1]
        return {"Bool": False, "Int": 0, "Real": 0, "String": ""}[sort]

    @staticmethod
    def show(value, sort):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return string(value)
        if is_bitvector(sort):
            return bitvector(value, sort[1])
        if is_array(sort):  # a constant array, then a store per index whose element is not the default
            text = f"((as const {sort_text(sort)}) {Model.show(value[0], sort[2])})"
            for i, v in sorted(value[1], key=repr):
                text = f"(store {text} {Model.show(i, sort[1])} {Model.show(v, sort[2])})"
            return text
        if isinstance(value, tuple):
            return value[1]
        return numeral(value, real=sort == "Real")
