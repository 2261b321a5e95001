"""Glob patterns (`*`, `?`) with policy variables, and ARN patterns matched component by component.

A pattern is a tuple of parts, each a literal string, `STAR`, `ONE` or a `Var`: exactly the shape an
SMT encoding needs (literals, `re.allchar`, `(re.* re.allchar)`, and a string standing for the
request's value of a context key), so no regular-expression syntax ever leaks in from a policy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

STAR, ONE = "*", "?"
ARN_COMPONENTS = 6  # arn:partition:service:region:account:resource (the resource may hold colons)
VARIABLE = re.compile(r"\$\{([^}]*)\}")
VARIABLE_BODY = re.compile(r"^\s*([A-Za-z0-9_.:/-]+)\s*(?:,\s*'([^']*)'\s*)?$")
ESCAPES = {"*": "*", "?": "?", "$": "$"}  # ${*} ${?} ${$}: the literal character


@dataclass(frozen=True)
class Wild:
    symbol: str  # STAR or ONE


@dataclass(frozen=True)
class Var:
    """A policy variable such as ${aws:username}: the request's value of that (single-valued) key."""
    key: str  # lower-cased: condition keys are case-insensitive
    default: str | None = None

    def __str__(self):
        return "${" + self.key + (f", '{self.default}'" if self.default is not None else "") + "}"


@dataclass(frozen=True)
class Glob:
    parts: tuple  # str | Wild | Var
    text: str

    @property
    def is_literal(self) -> bool:
        return all(isinstance(p, str) for p in self.parts)

    @property
    def literal(self) -> str:
        return "".join(p for p in self.parts if isinstance(p, str))

    @cached_property
    def variables(self) -> tuple:
        return tuple(p for p in self.parts if isinstance(p, Var))

    def matches(self, value: str, context=None, ignore_case=False) -> bool:
        if not self.variables:
            return (self._case_blind if ignore_case else self._exact).fullmatch(value) is not None
        regex = self.regex(context)
        return regex is not None and _compiled(regex, ignore_case).fullmatch(value) is not None

    @cached_property
    def _exact(self):
        return _compiled(self.regex(), False)

    @cached_property
    def _case_blind(self):
        return _compiled(self.regex(), True)

    def regex(self, context=None) -> str | None:
        """None when a variable has no value in the request (and no default): then nothing matches."""
        out = []
        for p in self.parts:
            if isinstance(p, str):
                out.append(re.escape(p))
            elif isinstance(p, Wild):
                out.append(".*" if p.symbol == STAR else ".")
            else:
                value = variable_value(p, context)
                if value is None:
                    return None
                out.append(re.escape(value))
        return "".join(out)

    def __str__(self):
        return self.text


def variable_value(var: Var, context) -> str | None:
    values = (context or {}).get(var.key)
    if values is None or len(values) != 1:  # absent, or multi-valued: AWS substitutes single values only
        return var.default
    return values[0]


@lru_cache(maxsize=4096)
def _compiled(regex: str, ignore_case: bool):
    return re.compile(regex, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def parse_glob(text: str, wildcards=True, variables=True) -> Glob:
    """`wildcards=False` (StringEquals) keeps `*` and `?` literal; `variables=False` (policy Version
    2008-10-17 or none) keeps `${...}` literal, as AWS does."""
    parts: list = []
    pos = 0
    for m in VARIABLE.finditer(text) if variables else ():
        _literal_parts(text[pos:m.start()], wildcards, parts)
        body = m.group(1)
        body_match = VARIABLE_BODY.match(body)
        if body.strip() in ESCAPES:
            _append_literal(parts, ESCAPES[body.strip()])
        elif body_match:
            parts.append(Var(body_match.group(1).lower(), body_match.group(2)))
        else:  # not a variable AWS would recognise: the text stays as written
            _literal_parts(m.group(0), wildcards, parts)
        pos = m.end()
    _literal_parts(text[pos:], wildcards, parts)
    return Glob(tuple(parts), text)


def _literal_parts(chunk: str, wildcards: bool, parts: list):
    for ch in chunk:
        if wildcards and ch in (STAR, ONE):
            parts.append(Wild(ch))
        else:
            _append_literal(parts, ch)


def _append_literal(parts: list, s: str):
    if parts and isinstance(parts[-1], str):
        parts[-1] += s
    else:
        parts.append(s)


# --- ARNs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArnPattern:
    """An ARN pattern as six component globs, matched separately (IAM: "each of the six colon-delimited
    components is checked separately"). A `*` ending a pattern with fewer components expands over the
    remaining colons (IAM Resource element: "if the * is the last character of a segment, it can expand
    to match beyond the colon boundaries"), so `*` alone and `arn:aws:s3:*` match any ARN they cover."""
    components: tuple  # of Glob; fewer than six only when the last one ends with STAR
    text: str

    @property
    def open_tail(self) -> bool:
        return len(self.components) < ARN_COMPONENTS

    def matches(self, arn: str, context=None) -> bool:
        values = split_arn(arn)
        n = len(self.components)
        if self.open_tail:
            if len(values) < n:
                return False
            head, tail = values[:n - 1], ":".join(values[n - 1:])
            return all(g.matches(v, context) for g, v in zip(self.components, head)) and \
                self.components[-1].matches(tail, context)
        return len(values) == ARN_COMPONENTS and \
            all(g.matches(v, context) for g, v in zip(self.components, values))

    def __str__(self):
        return self.text


def split_arn(arn: str) -> list[str]:
    return arn.split(":", ARN_COMPONENTS - 1)


def split_glob_at_colons(parts, cuts: int | None = None) -> list[list]:
    """A glob's parts cut at its literal colons (at most `cuts` of them, the first ones): an ARN
    pattern's components, as split_arn cuts an ARN."""
    pieces: list[list] = []
    current: list = []
    for part in parts:
        if isinstance(part, str) and ":" in part and (cuts is None or len(pieces) < cuts):
            chunks = part.split(":", -1 if cuts is None else cuts - len(pieces))
            for chunk in chunks[:-1]:
                if chunk:
                    current.append(chunk)
                pieces.append(current)
                current = []
            if chunks[-1]:
                current.append(chunks[-1])
        else:
            current.append(part)
    pieces.append(current)
    return pieces


@lru_cache(maxsize=4096)
def parse_arn_pattern(text: str, variables=True) -> ArnPattern | None:
    """None when `text` is not an ARN pattern (the caller names the element in its error)."""
    glob = parse_glob(text, True, variables)
    components = split_glob_at_colons(glob.parts, ARN_COMPONENTS - 1)
    globs = tuple(Glob(tuple(c), "".join(str(p) if not isinstance(p, Wild) else p.symbol for p in c))
                  for c in components)
    if len(globs) < ARN_COMPONENTS:
        last = globs[-1].parts
        if not last or last[-1] != Wild(STAR):
            return None
        if len(globs) == 1:
            return ArnPattern(globs, text) if last == (Wild(STAR),) else None
        return ArnPattern(globs, text) if _arn_prefix_ok(globs[0]) else None
    return ArnPattern(globs, text) if _arn_prefix_ok(globs[0]) else None


def _arn_prefix_ok(first: Glob) -> bool:
    return first.matches("arn")


# --- actions ---------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def parse_action_pattern(text: str) -> Glob | None:
    """`service:Action` or `*`, case-insensitive: stored lower-cased (actions carry no variables)."""
    lowered = text.lower()
    if lowered != "*" and (":" not in lowered or not lowered.split(":", 1)[0] or not lowered.split(":", 1)[1]):
        return None
    return parse_glob(lowered, wildcards=True, variables=False)


def action_pattern(text: str) -> Glob:
    """An action the loader already accepted (parse_action_pattern was not None for it)."""
    glob = parse_action_pattern(text)
    if glob is None:
        raise ValueError(f"{text!r} is not an action pattern")
    return glob


def arn_pattern(text: str, variables=True) -> ArnPattern:
    """An ARN pattern the loader already accepted (parse_arn_pattern was not None for it)."""
    pattern = parse_arn_pattern(text, variables)
    if pattern is None:
        raise ValueError(f"{text!r} is not an ARN pattern")
    return pattern


def action_matches(pattern: Glob, action: str) -> bool:
    return pattern.matches(action.lower())
