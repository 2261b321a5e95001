"""Questions about one or two policies, each a formula over the encoder's request variables
(policy/encode.Request) with the evaluator's predicate beside it, settled by settle.py.

A question's formula and its predicate say the same thing: the model the kernel verifies, decoded,
must satisfy the predicate by the concrete evaluator (evaluate.decide), and be a request AWS could
send (request.unrealisable), or there is no answer."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..policy.document import Policy
from ..policy.encode import NOT_ARN, NOT_IP, NOT_NUMBER, Arn, Ip, Number, Request
from ..policy.errors import Unsupported
from ..policy.evaluate import decide
from ..policy.queries import Encoded
from ..policy.request import unrealisable
from ..policy.smtlib import Problem, and_, implies, not_
from .answers import Answer, Part, not_checkable
from .settle import TIMEOUT, settle

Formula = Callable[[Request], str]  # the question over the request variables
Predicate = Callable[[object], "str | None"]  # the evaluator's word on a witness: None agrees


@dataclass
class Question:
    label: str
    policies: list  # every policy the formula reads (their condition keys become variables)
    formula: Formula
    predicate: Predicate
    extra_keys: tuple = ()


def ask(q: Question, timeout: float | None = TIMEOUT, kernel: str | None = None) -> Part:
    """Settle the question; a witness that relies on a key holding a value of the wrong type (the
    encoding admits one: a Numeric key holding no number) is asked for again with typed values; if
    none exists, the first witness stands and the assumption is stated with it."""
    encoded = _encode(q, frozenset())
    first = settle(encoded, _realisable(q.predicate), timeout, kernel)
    part = Part(q.label, first)
    if not first.holds:
        return part
    variables = encoded.variables
    mistyped = _mistyped(first.witness, variables)
    if mistyped:
        typed = settle(_encode(q, frozenset(mistyped)), _realisable(q.predicate), timeout, kernel)
        if typed.holds:
            part = Part(q.label, typed)
        else:
            part.assumptions += [f"{key} holds a value that is not {what} (the encoding admits it; with typed "
                                 f"values: {_said(typed)})" for key, what in sorted(mistyped.items())]
    part.assumptions += [f"the request carries no {key}" for key in sorted(variables.keys)
                         if key not in part.settled.witness.context_map()]
    return part


def _said(s) -> str:
    if s.holds is False:
        return f"no such request, UNSAT certificate sha256 {s.certificate_sha256}"
    return f"not checkable: {s.reason}"


def _encode(q: Question, typed: frozenset) -> Encoded:
    problem = Problem()
    problem.comments.append(f"proofgate question: {q.label}")
    r = Request(problem, q.policies, q.extra_keys)
    problem.add(q.formula(r))
    for key in typed:
        entry = r.keys[key]
        for j, slot in enumerate(entry.slots):
            problem.add(implies(f"(< {j} {entry.count})", _well_typed(slot)))
    return Encoded(problem.text(), r, "request")


def _well_typed(slot) -> str:
    if isinstance(slot, Arn):
        return slot.is_arn
    if isinstance(slot, Ip):
        return slot.is_ip
    if isinstance(slot, Number):
        return slot.is_number
    return "true"


STAND_INS = {NOT_ARN: "an ARN", NOT_IP: "an IP address", NOT_NUMBER: "a number or date"}


def _mistyped(witness, variables: Request) -> dict:
    """{key: what its value is not} for each typed key of the witness holding the encoding's stand-in."""
    context = witness.context_map()
    out = {}
    for key, entry in variables.keys.items():
        if entry.kind in ("arn", "ip", "number"):
            for value in context.get(key) or ():
                if value in STAND_INS:
                    out[key] = STAND_INS[value]
    return out


def _realisable(predicate: Predicate) -> Predicate:
    def confirm(witness):
        why = unrealisable(witness)
        return f"AWS cannot send it: {why}" if why else predicate(witness)
    return confirm


def allows(policies, request) -> bool:
    return decide(policies, request).allowed


# --- the questions -----------------------------------------------------------------------------------


def guarded(question: str, run: Callable[[], Answer]) -> Answer:
    """A feature the encoder does not support is NOT CHECKABLE naming it, never a guess."""
    try:
        return run()
    except Unsupported as error:
        return not_checkable(question, f"not supported: {error.feature}")


def compare(p1: Policy, p2: Policy, timeout: float | None = TIMEOUT) -> Answer:
    """equivalent | more-permissive (P1 allows a request P2 denies, not the reverse) | less-permissive |
    incomparable."""
    def run():
        wider = ask(Question("P1 allows a request P2 does not", [p1, p2],
                             lambda r: and_(r.allowed([p1]), not_(r.allowed([p2]))),
                             lambda w: None if allows([p1], w) and not allows([p2], w) else
                             "not allowed by P1 and denied by P2"), timeout)
        narrower = ask(Question("P2 allows a request P1 does not", [p1, p2],
                                lambda r: and_(r.allowed([p2]), not_(r.allowed([p1]))),
                                lambda w: None if allows([p2], w) and not allows([p1], w) else
                                "not allowed by P2 and denied by P1"), timeout)
        parts = [wider, narrower]
        if any(p.settled.holds is None for p in parts):
            return Answer("compare", None, parts, reason=_first_reason(parts))
        word = {(False, False): "equivalent", (True, False): "more-permissive", (False, True): "less-permissive",
                (True, True): "incomparable"}[(bool(wider.settled.holds), bool(narrower.settled.holds))]
        return Answer("compare", word, parts)
    return guarded("compare", run)


def yes_no(question: str, q: Question, yes: str = "yes", no: str = "no", witness_means_yes: bool = True,
           timeout: float | None = TIMEOUT, notes=()) -> Answer:
    def run():
        part = ask(q, timeout)
        if part.settled.holds is None:
            return Answer(question, None, [part], reason=part.settled.reason, notes=list(notes))
        found = bool(part.settled.holds)
        return Answer(question, yes if found == witness_means_yes else no, [part], notes=list(notes))
    return guarded(question, run)


def allows_any(p: Policy, timeout: float | None = TIMEOUT) -> Answer:
    return yes_no("allows-any", Question("some request is allowed", [p], lambda r: r.allowed([p]),
                                         lambda w: None if allows([p], w) else "not allowed"), timeout=timeout)


def allows_all(p: Policy, timeout: float | None = TIMEOUT) -> Answer:
    """Every request (any principal, action, resource and context) is allowed: no witness of a refusal."""
    return yes_no("allows-all", Question("some request is not allowed", [p], lambda r: not_(r.allowed([p])),
                                         lambda w: None if not allows([p], w) else "allowed"),
                  witness_means_yes=False, timeout=timeout)


def _first_reason(parts) -> str:
    return next(f"{p.label}: {p.settled.reason}" for p in parts if p.settled.holds is None)
