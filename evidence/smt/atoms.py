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
from checker.theories.strings import ANY, Automaton

# A simple symbol (SMT-LIB 2.6, section 3.1); anything else is written |quoted|.
SHARE_ABOVE = 20_000  # characters of an atom line written in full, past which shared subterms are let-bound
_SIMPLE = re.compile(r"[A-Za-z~!@$%^&*_+=<>.?/\-][A-Za-z0-9~!@$%^&*_+=<>.?/\-]*\Z")


def symbol(name):
    return name if _SIMPLE.match(name) else f"|{name}|"


def numeral(q, real=False):
    """A numeral, decimal or (/ p q); a whole Real as a decimal (1.0), which is of sort Real."""
    q = Fraction(q)
    text = (f"{abs(q.numerator)}.0" if real else str(abs(q.numerator))) if q.denominator == 1 else \
        f"(/ {abs(q.numerator)} {q.denominator})"
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


def sort_text(sort):
    """A sort as SMT-LIB: a symbol, or (_ BitVec n)."""
    if isinstance(sort, tuple) and sort[0] == "Array":
        return f"(Array {sort_text(sort[1])} {sort_text(sort[2])})"
    return f"(_ BitVec {sort[1]})" if isinstance(sort, tuple) and sort[0] == "BitVec" else symbol(sort)


def bitvector(value, width):
    """A bit-vector value as a literal: #x when the width is a multiple of 4, else #b."""
    return f"#x{value:0{width // 4}x}" if width % 4 == 0 else f"#b{value:0{width}b}"


def term(problem, t, names=None):
    """Any problem term as SMT-LIB text the kernel reads back as that very term (an explicit stack:
    terms nest as deep as the input); a term in `names` below t is written as its let-bound name."""
    out, todo, top = [], [t], t
    while todo:
        t = todo.pop()
        if isinstance(t, str):
            out.append(t)
            continue
        if names and t in names and t != top:
            out.append(names[t])
            continue
        op, payload, args, sort = problem.terms[t]
        if not args:
            out.append(symbol(payload) if op == "const" else numeral(payload, real=sort == "Real") if op == "num"
                       else string(payload) if op == "str" else op if op in ("true", "false") else
                       payload.head if op == "re" else bitvector(payload, sort[1]) if op == "bv" else _no_text(op))
            continue
        head = symbol(payload) if op == "app" else "str.in_re" if op == "in" else \
            f"(_ extract {payload[0]} {payload[1]})" if op == "extract" else \
            f"(_ repeat {payload[1]})" if op == "repeat" else f"(as const {sort_text(sort)})" if op == "as const" \
            else op if op != "re" else \
            payload.head if isinstance(payload.head, str) else f"(_ {' '.join(map(str, payload.head))})"
        out.append(f"({head}")
        todo.append(")")
        for a in reversed(args):
            todo += [a, " "]
    return "".join(out)


def _no_text(op):
    raise ValueError(f"no text for a {op} term")


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
        self.automata = None  # automaton -> a regular-expression term of the problem, made when first needed

    def text(self, key):
        """SMT-LIB text whose canonical atom is `key`.  Past SHARE_ABOVE characters, the subterms it
        reaches twice or more are let-bound (a term written in full can be exponentially long)."""
        plain = self._text(key, None)
        if len(plain) <= SHARE_ABOVE:
            return plain
        terms = self.problem.terms
        roots = [x for x, _ in key[2]] if key[0] == "lin" else [key[1]] if key[0] in ("in", "p") else list(key[1:3])
        parents, todo, seen = {}, list(roots), set(roots)
        while todo:
            for a in terms[todo.pop()].args:
                parents[a] = parents.get(a, 0) + 1
                if a not in seen:
                    seen.add(a)
                    todo.append(a)
        shared = sorted(a for a, n in parents.items() if n > 1 and terms[a].args and terms[a].sort != "RegLan")
        taken = set(self.problem.funs) | set(self.problem.macros) | set(self.problem.sorts)
        prefix = "_s"
        while any(name.startswith(prefix) for name in taken):
            prefix = "_" + prefix
        names = {a: f"{prefix}{i}" for i, a in enumerate(shared)}
        body = self._text(key, names)
        for a in reversed(shared):  # innermost the last made: a binding uses only earlier ones
            body = f"(let (({names[a]} {term(self.problem, a, names)})) {body})"
        return body

    def _text(self, key, names):
        kind = key[0]
        if kind == "lin":
            _, op, pairs, bound, _ = key
            sorts = {self.problem.terms[x].sort for x, _ in pairs}

            def side(x):  # an Int term in a Real form (the problem's (/ t k) made it so) is written (/ t 1)
                text = term(self.problem, x, names)
                return text if len(sorts) == 1 or self.problem.terms[x].sort == "Real" else f"(/ {text} 1)"
            parts = [side(x) if c == 1 else f"(* {numeral(c)} {side(x)})" for x, c in pairs]
            return f"({op} {parts[0] if len(parts) == 1 else '(+ ' + ' '.join(parts) + ')'} {numeral(bound)})"
        if kind == "in":
            return f"(str.in_re {term(self.problem, key[1], names)} {self.pattern(key[2])})"
        if kind == "eq":
            return f"(= {term(self.problem, key[1], names)} {term(self.problem, key[2], names)})"
        return term(self.problem, key[1], names)

    def pattern(self, pattern):
        """A glob's regular expression, or the problem's regular expression whose automaton it is."""
        if not isinstance(pattern, Automaton):
            return regex(pattern)
        if self.automata is None:
            self.automata = {p.automaton: t for t, (op, p, _, _) in enumerate(self.problem.terms) if op == "re"}
        if pattern not in self.automata:
            raise ValueError("no regular expression of the problem has this automaton")
        return term(self.problem, self.automata[pattern])

    def variable(self, key):
        """The variable of `key`, declaring it (an atom line) when the skeleton lacks it."""
        skeleton = self.skeleton
        if key not in skeleton.var:
            text = self.text(key)
            try:
                declare(self.problem, skeleton, str(skeleton.count + 1), text.encode(), 0)
            except Bad as error:
                if "steps a byte" in error.args[1]:  # a term written out in full (no sharing) is too long
                    from .theories import Unknown
                    raise Unknown(f"an atom line of {len(text):,} characters is beyond the kernel's reading budget "
                                  "(its terms are written without sharing)") from None
                raise AssertionError(f"the kernel refuses our atom line {text[:200]}: {error.args[1]}") from None
            if key not in skeleton.var:
                raise AssertionError(f"our atom line {text} is not the atom {key!r} (bug)")
            self.lines.append(f"atom {skeleton.count} {text}")
            if self.on_new:
                self.on_new(skeleton.count, text)
        return skeleton.var[key]
