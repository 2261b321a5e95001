"""The Boolean skeleton of a Problem (canonical atoms, numbering, Tseitin clauses), as the kernel and
the producers derive it; docs/smt-certificate.md states the rules for anyone who writes their own."""
import math
from fractions import Fraction
from typing import NamedTuple

from . import theories
from .smtlib import ARITH, SmtError, bottom_up

CONNECTIVES = ("not", "and", "or", "xor", "ite", "=")


# ---- canonical atoms: the keys variables stand for --------------------------
class Pred(NamedTuple):  # a Boolean constant or application: its term
    tag: str  # "p"
    term: int


class Eq(NamedTuple):  # an equality of two terms of a declared sort or String, left < right
    tag: str  # "eq"
    left: int
    right: int


class Lin(NamedTuple):  # sum of c * x over (x, c) pairs, x increasing, `kind` ("<=", "<", "=") bound
    tag: str  # "lin"
    kind: str
    pairs: tuple
    bound: object  # an int, or a Fraction over Real
    integral: bool  # every x is an Int


class Skeleton:
    """Variables 1..count: atoms (key in `atoms`) and connectives; `clauses` in derivation order."""

    def __init__(self, problem):
        self.problem, self.clauses, self.count = problem, [], 0
        self.atoms, self.var, self.lit = {}, {}, {}  # var -> key, key -> var, term -> literal
        self.ites, self.scanned = [], set()  # ites of other sorts than Bool met under atoms, not yet lifted
        for t, _ in problem.assertions:
            self.clauses.append([self.literal(t)])
            theories.lift(self)

    def literal(self, t):
        return bottom_up(self.problem.terms, t, self.lit, self.value, self.boolean)

    def boolean(self, t):
        op, _, args, sort = self.problem.terms[t]
        return op in CONNECTIVES and sort == "Bool" and (op != "=" or self.problem.sort(args[0]) == "Bool")

    def value(self, t):
        op, _, args, _ = self.problem.terms[t]
        return self.connective(op, [self.lit[a] for a in args]) if self.boolean(t) else self.atom(t)

    def connective(self, op, x):
        if op == "not":
            return -x[0]
        self.count += 1
        v, c, a, b = self.count, *(x * 3)[:3]
        s = -1 if op == "xor" else 1  # "=" over Bool is iff, xor its negation
        self.clauses.extend(
            [[-v, a] for a in x] + [[v] + [-a for a in x]] if op == "and" else
            [[v, -a] for a in x] + [[-v] + x] if op == "or" else
            [[-v, -c, a], [-v, c, b], [v, -c, -a], [v, c, -b]] if op == "ite" else
            [[-v, -c, s * a], [-v, c, -s * a], [v, c, s * a], [v, -c, -s * a]])
        return v

    def atom(self, t):
        """The literal of a non-connective Boolean term: a canonical atom, or a union of memberships."""
        literal = theories.atom(self, t)
        if literal is not None:
            return literal
        found = canonical(self.problem, t)
        if isinstance(found, list):  # membership in a union of globs: their disjunction
            return self.connective("or", [self.number(key) for key in found]) if len(found) > 1 \
                else self.number(found[0])
        key, positive = found
        return self.number(key) if positive else -self.number(key)

    def number(self, key):
        if key in (True, False):
            key, positive = "true", key
            if key not in self.var:
                self.clauses.append([self.number(key)])
            return self.var[key] if positive else -self.var[key]
        if key not in self.var:
            self.count += 1
            v = self.var[key] = self.count
            if key != "true":
                self.atoms[v] = key
        return self.var[key]

    def dimacs(self, extra=()):
        clauses = self.clauses + list(extra)
        lines = [f"p cnf {self.count} {len(clauses)}"] + [" ".join(map(str, c + [0])) for c in clauses]
        return ("\n".join(lines) + "\n").encode()


def canonical(problem, t):
    """(key, positive) for an atom term, True/False for a constant, or a list of membership keys."""
    op, payload, args, sort = problem.terms[t]
    if op in ("true", "false"):
        return (op == "true"), True
    if op in ("const", "app"):
        return Pred("p", t), True
    a, b = args
    if problem.sort(a) in ARITH:
        return linear(problem, op, a, b)
    if op == "in" or problem.sort(a) == "String":  # memberships, string equalities: checker/theories/strings.py
        return theories.strings.key(problem, t)
    if a == b:
        return True, True
    return Eq("eq", min(a, b), max(a, b)), True


# ---- linear arithmetic ---------------------------------------------------------
def _linear(problem, t):
    """({variable term: coefficient}, constant) of arithmetic term t, from those of its arguments.
    Coefficients are ints, or Fractions where a decimal or a division makes them so."""
    op, payload, args, sort = problem.terms[t]
    if op == "num":
        return {}, payload
    if op in ("const", "app", "ite") or op in theories.LEAVES:  # an ite stands for itself (the skeleton lifts it)
        return {t: 1}, 0
    memo = problem.linear
    if op == "*" or op == "/":
        parts = [memo[a] for a in args]
        scale, form = 1, parts[0]
        for coeffs, k in parts[1:] if op == "/" else parts:
            if op == "/":
                scale = Fraction(scale) / k
            elif coeffs:
                form = coeffs, k
            else:
                scale *= k
        return {x: c * scale for x, c in form[0].items()}, form[1] * scale
    coeffs, k = {}, 0
    for i, a in enumerate(args):
        sign = -1 if op == "-" and i else 1
        cs, c0 = memo[a]
        problem.budget -= len(cs)  # the sizes of the forms built bound this work
        k += sign * c0
        for x, c in cs.items():
            coeffs[x] = coeffs.get(x, 0) + sign * c
    if problem.budget < 0:
        raise SmtError(None, "unsupported: linear forms of more than 64 entries a byte (arithmetic terms that "
                       "share many variables)")
    return coeffs, k


def linear(problem, op, a, b):
    """`a op b` as (Lin(...), positive), or (True/False, True)."""
    terms = problem.terms

    def inside(u):  # not a leaf: a numeral, or a variable to arithmetic (constants, applications, ites, LEAVES)
        return terms[u].op not in ("num", "const", "app", "ite") and terms[u].op not in theories.LEAVES

    (ca, ka), (cb, kb) = (bottom_up(terms, x, problem.linear, lambda u: _linear(problem, u), inside)
                          for x in (a, b))
    kind, sign = {"<": ("<", 1), "<=": ("<=", 1), ">": ("<", -1), ">=": ("<=", -1), "=": ("=", 1)}[op]
    coeffs = {x: sign * (ca.get(x, 0) - cb.get(x, 0)) for x in set(ca) | set(cb)}
    coeffs = {x: c for x, c in coeffs.items() if c}
    bound = sign * (kb - ka)  # an int, or a Fraction (ints stay ints: far faster, the same numbers)
    if not coeffs:
        return {"<": 0 < bound, "<=": 0 <= bound, "=": bound == 0}[kind], True
    integral = all(problem.sort(x) == "Int" for x in coeffs)
    scale = math.lcm(*(c.denominator for c in coeffs.values()))  # to coprime integers
    divisor = math.gcd(*(int(c * scale) for c in coeffs.values()))
    scale = scale // divisor if scale % divisor == 0 else Fraction(scale, divisor)
    pairs = sorted((x, int(c * scale)) for x, c in coeffs.items())
    bound *= scale
    if integral:
        if kind == "=" and bound.denominator != 1:
            return False, True
        bound, kind = (math.ceil(bound) - 1 if kind == "<" else math.floor(bound)), "<=" if kind != "=" else "="
    positive = pairs[0][1] > 0
    if not positive:
        pairs = [(x, -c) for x, c in pairs]
        if kind == "=":
            bound, positive = -bound, True
        elif kind == "<=":
            kind, bound = ("<=", -bound - 1) if integral else ("<", -bound)
        else:
            kind, bound = "<=", -bound
    bound = bound.numerator if isinstance(bound, Fraction) and bound.denominator == 1 else bound
    return Lin("lin", kind, tuple(pairs), bound, integral), positive
