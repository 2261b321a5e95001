"""Counterexamples in plain words: who can do what to which resource under which conditions."""
from __future__ import annotations

from .evaluate import matching_statements
from .firewall import admitting_rule, deciding_acl_entry
from .network import NetworkAcl
from .request import DERIVED_KEYS, Request
from .violations import NetworkWitness


def who(request: Request, subject, estate) -> str:
    p = request.principal
    account = estate.account(subject.account)
    if p.kind == "Anonymous":
        return "anyone (an anonymous caller)"
    if p.kind == "Service":
        return f"the service {p.name}"
    if p.kind == "Federated":
        return f"a web or SAML identity from {p.name}"
    if p.account == account.id:
        where = "in this account"
    elif p.account in account.trusted_accounts:
        where = "in a trusted account"
    elif account.organization and p.org_id == account.organization:
        where = "in the organisation"
    else:
        org = f"organisation {p.org_id}" if p.org_id else "no organisation"
        where = f"outside the organisation (account {p.account}, {org})"
    return f"{p.name} {where}"


def conditions(request: Request) -> str:
    shown = [(k, v) for k, v in request.context if k not in DERIVED_KEYS]
    if not shown:
        return "without any condition key set"
    parts = []
    for key, values in shown:
        parts.append(f"{key} = {values[0]}" if len(values) == 1 else
                     f"{key} = {{{', '.join(values)}}}" if values else f"{key} = {{}}")
    return "with " + ", ".join(parts)


def explain_request(request: Request, subject, estate, verb="can") -> str:
    statements = matching_statements([subject.document], request)
    reason = ", ".join(f"{s.effect} at {s.where}" for s in statements) or "no statement applies"
    return f"{who(request, subject, estate)} {verb} {request.action} on {request.resource} " \
           f"{conditions(request)} ({reason})"


def explain_packet(witness: NetworkWitness, subject) -> str:
    direction = "out to" if witness.egress else "in from"
    p = witness.packet
    text = str(p).replace(" with peer ", f" {direction} ")
    if isinstance(subject.document, NetworkAcl):
        entry = deciding_acl_entry(subject.document, p, witness.egress)
        return f"{text} is allowed by rule {entry.number} ({entry.where})"
    rule = admitting_rule(subject.document, p, witness.egress)
    return f"{text} is admitted by {subject.document.id}" + (f" ({rule.where})" if rule else "")
