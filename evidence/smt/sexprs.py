"""S-expressions for the untrusted side (models from solvers, outputs to decode): nested lists of atoms.

String literals are decoded exactly as the kernel reads them (checker.smtlib.literal)."""
import re

from checker.smtlib import SmtError, literal

_TOKEN = re.compile(rb'(?:[ \t\r\n]|;[^\n]*)*(?:(\()|(\))|("(?:[^"]|"")*")|(\|[^|]*\|)|([^ \t\r\n()";|]+)|(.)|\Z)',
                    re.S)


class Node(list):
    """An s-expression list; .at and .end are the byte offsets of its '(' and after its ')'."""


class Atom(str):
    """A token; .at is its byte offset, .quoted is '"' for a string literal (its value), '|' for a
    quoted symbol (its name), '' otherwise."""


def sexprs(data):
    """Yield the top-level s-expressions of `data` (bytes); SmtError at a byte offset on bad input."""
    stack = [Node()]
    for m in _TOKEN.finditer(data):
        kind = m.lastindex
        if kind == 1:
            stack.append(Node())
            stack[-1].at = m.start(1)
        elif kind == 2:
            if len(stack) == 1:
                raise SmtError(m.start(2), "unbalanced ')'")
            done = stack.pop()
            done.end = m.end(2)
            stack[-1].append(done)
        elif kind == 6:
            raise SmtError(m.start(6), "unexpected character (an unclosed string?)")
        elif kind:
            raw = m.group(kind)
            try:
                text = literal(raw) if kind == 3 else raw[1:-1].decode() if kind == 4 else raw.decode()
            except (ValueError, UnicodeDecodeError) as error:
                raise SmtError(m.start(kind), str(error)) from None
            token = Atom(text)
            token.at, token.quoted = m.start(kind), {3: '"', 4: "|"}.get(kind, "")
            stack[-1].append(token)
        if len(stack) == 1 and stack[0]:
            yield stack[0].pop()
    if len(stack) > 1:
        raise SmtError(stack[-1].at, "unclosed '(' (truncated?)")
