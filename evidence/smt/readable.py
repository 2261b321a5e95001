"""Readable models.  A producer's strings are the shortest that satisfy the problem: correct, but a
report that says a caller "can  on arn:::::" reads badly.  `improve` offers each string constant of a
`sat` certificate values a reader expects -- the hints given for it, then each glob the problem tests
it against with the `*`s filled by "example" and the `?`s by "x" -- one at a time, and keeps a value
only when the kernel's own model evaluator says that every assertion still holds.  As untrusted as
the producer: the certificate it rewrites is checked by the kernel like any other.
"""
from __future__ import annotations

import copy

from checker import smt, smtlib
from checker.theories.strings import ANY, STAR

from .atoms import string, symbol
from .sexprs import sexprs

CANDIDATES = 6  # per constant: each costs one evaluation of the problem


def improve(problem_path, cert_path, hints: dict | None = None) -> list[str]:
    """Rewrite the certificate's string values where a more readable one also satisfies the problem;
    returns the names changed.  A certificate that is not `sat`, or whose model does not satisfy the
    problem as it stands, is left alone (the kernel will say why)."""
    with open(problem_path, "rb") as f:
        problem = smtlib.read(f.read())
    with open(cert_path, encoding="utf-8") as f:
        head, sep, body = f.read().partition("\nsat\n")
    lines = body.splitlines()
    if not sep or not _satisfied(problem, lines):
        return []
    where = _string_lines(lines)
    globs = _globs(problem)
    hints = hints or {}
    changed = []
    mentions = _mentions(problem)
    for name in sorted(where, key=lambda n: (n not in hints, where[n])):
        current = _value(lines[where[name]])
        offers = list(dict.fromkeys(hints.get(name, []) + [_fill(g) for g in globs.get(name, [])] + ["example"]))
        # the assertions that name the constant: the others hold still, its value aside
        touched = _only(problem, mentions.get(name, [])) if mentions is not None else problem
        for value in offers[:CANDIDATES]:
            if value == current:
                break  # already what a reader would be offered first
            trial = lines[:where[name]] + [f"(define-fun {symbol(name)} () String {string(value)})"] + \
                lines[where[name] + 1:]
            if _satisfied(touched, trial):
                lines = trial
                changed.append(name)
                break
    if changed:
        with open(cert_path, "w", encoding="utf-8") as f:
            f.write(head + sep + "\n".join(lines) + "\n")
    return changed


def _satisfied(problem, lines) -> bool:
    try:
        return smt.check_model(problem, ("\n".join(lines) + "\n").encode(), 0) is smt.SATISFIED
    except smt.Bad:
        return False


def _mentions(problem) -> dict | None:
    """Constant name -> the assertions whose terms name it (None when a model may define functions,
    whose bodies could name any constant: then every assertion is evaluated for every offer)."""
    terms = problem.terms
    if any(op == "app" for op, _, _, _ in terms):
        return None
    names: list = [None] * len(terms)  # term -> the constants below it (terms are made after their arguments)
    for t, (op, payload, args, _) in enumerate(terms):
        below = {payload} if op == "const" else set()
        for a in args or ():
            below |= names[a]
        names[t] = frozenset(below)
    out: dict[str, list] = {}
    for assertion in problem.assertions:
        for name in names[assertion[0]]:
            out.setdefault(name, []).append(assertion)
    return out


def _only(problem, assertions):
    """The problem with only these assertions (shared terms and declarations: read, never changed)."""
    view = copy.copy(problem)
    view.assertions = list(assertions)
    return view


def _string_lines(lines) -> dict:
    """name -> index of its `(define-fun NAME () String "...")` line."""
    out = {}
    for i, line in enumerate(lines):
        try:
            forms = list(sexprs(line.encode()))
        except smtlib.SmtError:
            continue
        form = forms[0] if len(forms) == 1 else None
        if isinstance(form, list) and len(form) == 5 and form[0] == "define-fun" and form[2] == [] \
                and form[3] == "String" and getattr(form[4], "quoted", "") == '"':
            out[str(form[1])] = i
    return out


def _value(line: str) -> str:
    return str(next(sexprs(line.encode()))[4])


def _globs(problem) -> dict:
    """Constant name -> the globs it is tested against, longest first (the most telling)."""
    out: dict[str, set] = {}
    for op, _, args, _ in problem.terms:
        if op == "in" and problem.terms[args[0]][0] == "const":
            out.setdefault(problem.terms[args[0]][1], set()).update(problem.terms[args[1]][1].globs or ())
    return {name: sorted(globs, key=lambda g: (-len(g), g)) for name, globs in out.items()}


def _fill(glob) -> str:
    return "".join("example" if item == STAR else "x" if item == ANY else chr(item) for item in glob)
