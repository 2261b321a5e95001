"""Writing SMT-LIB 2 text in the kernel's subset: Boolean connectives that fold constants, globs as
`str.in_re` over `str.to_re`, `re.allchar`, `re.all`, `re.++`, `re.union`, and linear comparisons.

Formulas are plain strings ("true", "false" or an s-expression), so an encoding is readable as is."""
from __future__ import annotations

from .errors import Unsupported
from .patterns import STAR, Glob, Var, Wild

TRUE, FALSE = "true", "false"
MAX_CASE_LETTERS = 10  # an ignore-case literal becomes 2^letters globs in the kernel: keep it small


def lit(text: str) -> str:
    """A string literal; characters outside printable ASCII as \\u{...} escapes."""
    out = []
    for ch in text:
        if ch == '"':
            out.append('""')
        elif ch == "\\" or not (32 <= ord(ch) < 127):
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def num(value) -> str:
    """An integer or rational constant (negative ones as (- n))."""
    from fractions import Fraction
    value = Fraction(value)
    text = str(abs(value.numerator)) if value.denominator == 1 else \
        f"(/ {abs(value.numerator)} {value.denominator})"
    return f"(- {text})" if value < 0 else text


def and_(*terms: str) -> str:
    xs = [x for x in terms if x != TRUE]
    if FALSE in xs:
        return FALSE
    return TRUE if not xs else xs[0] if len(xs) == 1 else f"(and {' '.join(xs)})"


def or_(*terms: str) -> str:
    xs = [x for x in terms if x != FALSE]
    if TRUE in xs:
        return TRUE
    return FALSE if not xs else xs[0] if len(xs) == 1 else f"(or {' '.join(xs)})"


def not_(x: str) -> str:
    if x in (TRUE, FALSE):
        return FALSE if x == TRUE else TRUE
    if x.startswith("(not ") and x.endswith(")"):
        inner = x[5:-1]
        if _balanced(inner):
            return inner
    return f"(not {x})"


def implies(a: str, b: str) -> str:
    return or_(not_(a), b)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def regex(glob: Glob, ignore_case: bool = False) -> str:
    items = []
    letters = 0
    for part in glob.parts:
        if isinstance(part, Var):
            raise Unsupported(f"policy variable {part} in {glob.text!r}")
        if isinstance(part, Wild):
            items.append("re.all" if part.symbol == STAR else "re.allchar")
        elif ignore_case:
            for ch in part:
                if ch.lower() != ch.upper():
                    letters += 1
                    items.append(f"(re.union (str.to_re {lit(ch.lower())}) (str.to_re {lit(ch.upper())}))")
                else:
                    items.append(f"(str.to_re {lit(ch)})")
        else:
            items.append(f"(str.to_re {lit(part)})")
    if letters > MAX_CASE_LETTERS:
        raise Unsupported(f"case-insensitive match of {glob.text!r} (more than {MAX_CASE_LETTERS} letters)")
    if not items:
        return '(str.to_re "")'
    return items[0] if len(items) == 1 else f"(re.++ {' '.join(items)})"


class Const(str):
    """A known string standing where a string variable could: matches are decided here, not by SMT."""


def in_glob(term: str, glob: Glob, ignore_case: bool = False) -> str:
    """`term` (a variable name, or a Const) matches `glob`."""
    if isinstance(term, Const):
        regex(glob)  # policy variables are unsupported whatever the term
        return TRUE if glob.matches(term, None, ignore_case) else FALSE
    return f"(str.in_re {term} {regex(glob, ignore_case)})"


def contains_any(term: str, chars: str) -> str:
    if isinstance(term, Const):
        return TRUE if any(c in term for c in chars) else FALSE
    """The string holds one of the characters (used to keep ARN components free of ':')."""
    return or_(*(f"(str.in_re {term} (re.++ re.all (str.to_re {lit(c)}) re.all))" for c in chars))


def eq(term: str, value: str) -> str:
    if isinstance(term, Const):
        return TRUE if term == value else FALSE
    return f"(= {term} {lit(value)})"


def one_of(term: str, values) -> str:
    return or_(*(eq(term, v) for v in sorted(set(values))))


class Problem:
    """Declarations and assertions, written out in declaration order."""

    def __init__(self):
        self.sorts: dict[str, str] = {}
        self.assertions: list[str] = []
        self.comments: list[str] = []

    def declare(self, name: str, sort: str) -> str:
        if self.sorts.setdefault(name, sort) != sort:
            raise AssertionError(f"{name} declared twice with different sorts")
        return name

    def add(self, formula: str) -> None:
        if formula != TRUE:
            self.assertions.append(formula)

    def text(self) -> str:
        lines = [f"; {c}" for c in self.comments] + ["(set-logic ALL)"]
        lines += [f"(declare-const {n} {s})" for n, s in self.sorts.items()]
        lines += [f"(assert {a})" for a in self.assertions] + ["(check-sat)", ""]
        return "\n".join(lines)
