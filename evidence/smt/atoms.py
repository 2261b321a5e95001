"""Canonical atom keys (checker/skeleton.py) written back as SMT-LIB, and new atoms numbered as the
kernel numbers them (untrusted producer side).

A lemma may need atoms the skeleton lacks (the two sides of a disequality, integer branches).  The
certificate introduces each with an `atom N TERM` line; `Atoms.variable` writes TERM, then reads it
back with the kernel's own `checker.smt.declare`, so the variable we use is the one the kernel will
give that line, and a TERM that does not canonicalise to the key we meant is caught here.
"""
import re
from fractions import Fraction

from checker.skeleton import Skeleton
from checker.smt import Bad, declare
from checker.smtlib import ANY, ARITH

# A simple symbol (SMT-LIB 2.6, section 3.1); anything else is written |quoted|.
_SIMPLE = re.compile(r"[A-Za-z~!@$%^&*_+=<>.?/\-][A-Za-z0-9~!@$%^&*_+=<>.?/\-]*\Z")


def symbol(name):
    return name if _SIMPLE.match(name) else f"|{name}|"


def numeral(q):
    q = Fraction(q)
    text = str(abs(q.numerator)) if q.denominator == 1 else f"(/ {abs(q.numerator)} {q.denominator})"
    return f"(- {text})" if q < 0 else text


def string(text):
    """A string literal the kernel reads back as `text`: quotes doubled, the rest ASCII (certificate
    lines are read as text, and a backslash could start an escape)."""
    out = []
    for ch in text:
        if ch == '"':
            out.append('""')
        elif " " <= ch <= "~" and ch != "\\":
            out.append(ch)
        else:
            out.append("\\u{%x}" % ord(ch))
    return '"' + "".join(out) + '"'


def term(problem, t):
    """A problem term as SMT-LIB text (atoms only ever mention constants, applications and literals)."""
    op, payload, args, _ = problem.terms[t]
    if op == "const":
        return symbol(payload)
    if op == "app":
        return f"({symbol(payload)} {' '.join(term(problem, a) for a in args)})"
    if op == "num":
        return numeral(payload)
    if op == "str":
        return string(payload)
    raise ValueError(f"no text for a {op} term in an atom")


def regex(glob):
    """The regular expression of a glob: literal runs, re.allchar for ?, (re.* re.allchar) for *."""
    parts, run = [], []
    for item in glob:
        if item >= 0:
            run.append(chr(item))
            continue
        if run:
            parts.append(f"(str.to_re {string(''.join(run))})")
            run = []
        parts.append("re.allchar" if item == ANY else "(re.* re.allchar)")
    if run or not parts:
        parts.append(f"(str.to_re {string(''.join(run))})")
    return parts[0] if len(parts) == 1 else f"(re.++ {' '.join(parts)})"


class Atoms:
    """The skeleton plus atoms added by lemmas.  `on_new(variable, text)` hears of each atom line."""

    def __init__(self, problem, on_new=None):
        self.problem, self.skeleton, self.on_new = problem, Skeleton(problem), on_new
        self.lines = []  # "atom N TERM", in order
        self._names = {problem.show(t): t for t, (op, _, _, sort) in enumerate(problem.terms)
                       if op in ("const", "app") and sort in ARITH}

    def text(self, key):
        """SMT-LIB text whose canonical atom is `key`."""
        kind = key[0]
        if kind == "lin":
            _, op, pairs, bound, _ = key
            parts = [self._arith(name) if c == 1 else f"(* {numeral(c)} {self._arith(name)})" for name, c in pairs]
            return f"({op} {parts[0] if len(parts) == 1 else '(+ ' + ' '.join(parts) + ')'} {numeral(bound)})"
        if kind == "in":
            return f"(str.in_re {term(self.problem, key[1])} {regex(key[2])})"
        if kind == "eq":
            return f"(= {term(self.problem, key[1])} {term(self.problem, key[2])})"
        return term(self.problem, key[1])

    def _arith(self, name):
        if name not in self._names:  # a term first seen in an atom line: find it again
            self._names.update({self.problem.show(t): t for t, (op, _, _, sort) in enumerate(self.problem.terms)
                                if op in ("const", "app") and sort in ARITH})
        return term(self.problem, self._names[name])

    def variable(self, key):
        """The variable of `key`, declaring it (an atom line) when the skeleton lacks it."""
        skeleton = self.skeleton
        if key not in skeleton.var:
            text = self.text(key)
            try:
                declare(self.problem, skeleton, str(skeleton.count + 1), text.encode(), 0)
            except Bad as error:
                raise AssertionError(f"the kernel refuses our atom line {text}: {error.args[1]}") from None
            if key not in skeleton.var:
                raise AssertionError(f"our atom line {text} is not the atom {key!r} (bug)")
            self.lines.append(f"atom {skeleton.count} {text}")
            if self.on_new:
                self.on_new(skeleton.count, text)
        return skeleton.var[key]
