"""The concrete evaluator: given policies and a request, Allow or Deny exactly as IAM documents it.

Policy evaluation logic: every applicable statement counts, order does not; an explicit Deny wins;
otherwise an Allow allows; otherwise the request is implicitly denied. Features the semantics does
not model raise `Unsupported` only when the answer depends on them: a statement already ruled out by
its action, resource, principal or another condition never needs them.
"""
from __future__ import annotations

from enum import Enum
from typing import Iterable

from .document import Policy, PrincipalSpec, Statement
from .errors import Unsupported
from .request import Principal, Request

UNKNOWN = "unknown"  # a statement whose applicability hangs on an unsupported feature


class Decision(str, Enum):
    ALLOW = "Allow"
    EXPLICIT_DENY = "explicit Deny"
    IMPLICIT_DENY = "implicit deny"

    @property
    def allowed(self) -> bool:
        return self is Decision.ALLOW


def decide(policies: Policy | Iterable[Policy], request: Request) -> Decision:
    policies = [policies] if isinstance(policies, Policy) else list(policies)
    context = request.context_map()
    allows: list[Statement] = []
    denies: list[Statement] = []
    for policy in policies:
        for statement in policy.statements:
            (denies if statement.effect == "Deny" else allows).append(_applies(statement, request, context))
    if any(a is True for a in denies):
        return Decision.EXPLICIT_DENY
    _raise_first(denies)
    if any(a is True for a in allows):
        return Decision.ALLOW
    _raise_first(allows)
    return Decision.IMPLICIT_DENY


def permitted_by_scps(levels: Iterable[Iterable[Policy]], request: Request) -> bool:
    """Service control policies intersect: at every level of the organisation (root, each OU, the
    account) some attached SCP must allow the request, and no SCP anywhere may deny it. No levels:
    no SCP applies (a management account, or no organisation)."""
    levels = [list(level) for level in levels]
    if any(decide(level, request) is Decision.EXPLICIT_DENY for level in levels):
        return False
    return all(decide(level, request) is Decision.ALLOW for level in levels)


def decide_access(request: Request, identity=(), resource=(), scps=(),
                  resource_account: str | None = None) -> Decision:
    """One request against every policy type that applies (IAM "policy evaluation logic"): an explicit
    Deny anywhere wins; SCPs must permit; then, for a principal of the resource's account, an Allow in
    either the identity or the resource policies suffices, while across accounts both must allow."""
    everything = list(identity) + list(resource) + [p for level in scps for p in level]
    if decide(everything, request) is Decision.EXPLICIT_DENY:
        return Decision.EXPLICIT_DENY
    if scps and not permitted_by_scps(scps, request):
        return Decision.IMPLICIT_DENY
    by_identity = bool(identity) and decide(list(identity), request).allowed
    by_resource = bool(resource) and decide(list(resource), request).allowed
    same_account = resource_account is None or request.principal.account == resource_account
    allowed = (by_identity or by_resource) if same_account else (by_identity and by_resource)
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


def explicitly_denied(policies: Policy | Iterable[Policy], request: Request) -> bool:
    """Does some Deny statement apply? Allow statements are not consulted, so features used only in
    them never make this unknown."""
    policies = [policies] if isinstance(policies, Policy) else list(policies)
    context = request.context_map()
    outcomes = [_applies(s, request, context) for p in policies for s in p.statements if s.effect == "Deny"]
    if any(o is True for o in outcomes):
        return True
    _raise_first(outcomes)
    return False


def statement_applies(statement: Statement, request: Request) -> bool:
    outcome = _applies(statement, request, request.context_map())
    _raise_first([outcome])
    return outcome is True


def matching_statements(policies: Iterable[Policy], request: Request) -> list[Statement]:
    """The statements that apply to the request (for explaining a verdict); unknown ones are left out."""
    context = request.context_map()
    return [s for p in policies for s in p.statements if _applies(s, request, context) is True]


def _raise_first(outcomes):
    for outcome in outcomes:
        if isinstance(outcome, Unsupported):
            raise outcome


def _applies(statement: Statement, request: Request, context: dict):
    """True, False, or the Unsupported exception that keeps it from being decided."""
    unknown = None
    if statement.principal is not None:
        matched = principal_matches(statement.principal, request.principal)
        if isinstance(matched, Unsupported):
            unknown = matched
        elif matched == statement.not_principal:
            return False
    if any(p.matches(request.action.lower()) for p in statement.actions) == statement.not_action:
        return False
    if statement.resources is not None and \
            any(r.matches(request.resource, context) for r in statement.resources) == statement.not_resource:
        return False
    for condition in statement.conditions:
        try:
            if not condition.holds(context):
                return False
        except Unsupported as error:
            unknown = unknown or error
    return unknown or True


def principal_matches(spec: PrincipalSpec, principal: Principal):
    """True or False; an Unsupported when only an unmodelled entry (e.g. CanonicalUser) could match."""
    if spec.everyone:
        return True
    if principal.kind == "AWS":
        if principal.account in spec.accounts or principal.name in spec.arns or \
                (principal.role_arn is not None and principal.role_arn in spec.arns):
            return True
    elif principal.kind == "Service":
        if principal.name.lower() in spec.services:
            return True
    elif principal.kind == "Federated":
        if principal.name in spec.federated:
            return True
    return Unsupported(spec.unsupported[0]) if spec.unsupported else False
