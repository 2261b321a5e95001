"""Untrusted counterexample search: for a control and a subject, try the candidate requests or packets
and return the first that violates the control, as the evaluator decides it, in plain words.

This module never says PASS. Finding nothing is "no counterexample found"; only a kernel-checked
certificate (issue 4) can turn that into a PASS. A feature the semantics does not model, met while
nothing was found, makes the result NOT CHECKABLE with the feature named.
"""
from __future__ import annotations

from dataclasses import dataclass

from .candidates import packets, requests
from .catalog import Control
from .describe import explain_packet, explain_request
from .errors import Unsupported
from .loader import Estate, Subject
from .request import unrealisable
from .violations import NETWORK_KINDS, violates

COUNTEREXAMPLE = "counterexample"
NOTHING_FOUND = "no counterexample found"
NOT_CHECKABLE = "not checkable"
VERBS = {"explicit-deny": "can, without an explicit Deny,", "no-more-permissive-than-baseline":
         "can (the baseline does not allow it)", "no-rules": "is admitted:"}


@dataclass(frozen=True)
class Finding:
    control: str
    subject: str
    outcome: str  # COUNTEREXAMPLE | NOTHING_FOUND | NOT_CHECKABLE: never a pass
    witness: object = None  # the Request or NetworkWitness that violates the control
    explanation: str = ""
    tried: int = 0
    complete: bool = False  # every candidate of a complete set was tried (still not a proof)


def search(control: Control, subject: Subject, estate: Estate) -> Finding:
    if not control.applies(subject):
        raise ValueError(f"control {control.id} does not apply to {subject.kind} {subject.id}")
    query = control.query
    if query.kind in NETWORK_KINDS:
        candidates, complete = packets(subject, estate, query), True
    else:
        candidates, complete = requests(subject, estate, query)
    unsupported, tried = None, 0
    for witness in candidates:
        tried += 1
        if query.kind not in NETWORK_KINDS and unrealisable(witness) is not None:
            continue  # a request AWS could not send violates nothing
        try:
            if violates(query, subject, estate, witness):
                return Finding(control.id, subject.id, COUNTEREXAMPLE, witness,
                               explain(control, subject, estate, witness), tried, complete)
        except Unsupported as error:
            unsupported = unsupported or error
    if unsupported is not None:
        return Finding(control.id, subject.id, NOT_CHECKABLE, None, f"not supported: {unsupported.feature}",
                       tried, complete)
    return Finding(control.id, subject.id, NOTHING_FOUND, None,
                   f"no counterexample among {tried} candidates", tried, complete)


def confirm(control: Control, subject: Subject, estate: Estate, witness) -> bool:
    """Does the evaluator agree that this witness (from the search, or from a solver's model) violates
    the control? Unsupported features make it False, and so does a request AWS could not send
    (request.unrealisable): an unconfirmed FAIL is no FAIL."""
    if control.query.kind not in NETWORK_KINDS and unrealisable(witness) is not None:
        return False
    try:
        return violates(control.query, subject, estate, witness)
    except Unsupported:
        return False


def explain(control: Control, subject: Subject, estate: Estate, witness) -> str:
    if control.query.kind in NETWORK_KINDS:
        return explain_packet(witness, subject)
    return explain_request(witness, subject, estate, VERBS.get(control.query.kind, "can"))


def search_all(catalog, estate: Estate) -> list[Finding]:
    """Every control on every subject it applies to, in catalog then subject order."""
    return [search(control, subject, estate) for control in catalog.controls
            for subject in estate.subjects.values() if control.applies(subject)]
