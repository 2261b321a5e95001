"""What a violation of each query kind *is*, as a predicate over a witness that the evaluator decides.

The untrusted search (concrete.py) looks for witnesses satisfying these predicates, and a FAIL found
any other way (an SMT model, later) is confirmed by the same predicate: a FAIL always means the
concrete evaluator agrees that this very request or packet breaks the control.

"Outsiders" follow issue 5: an AWS principal of another account and organisation, an anonymous
caller, or a service acting for another account. The values of aws:PrincipalOrgID/Account/Arn are
the principal's own; aws:SourceVpc, aws:SourceVpce, aws:SourceAccount, aws:SourceOwner and
aws:SourceArn of an outsider are absent or values the policy does not name, so a wildcard principal
restricted to named ones of those is not public, while one restricted by aws:Referer or a pattern
such as vpce-* is.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .addresses import Address
from .document import require_complete
from .evaluate import decide, explicitly_denied
from .firewall import Packet, network_acl_allows, security_group_admits
from .loader import Estate, Subject
from .patterns import action_pattern, arn_pattern, split_arn
from .request import Request

OUTSIDER_KEYS = ("aws:sourcevpc", "aws:sourcevpce", "aws:sourceaccount", "aws:sourceowner", "aws:sourcearn")
ASSUME_ACTIONS = ("sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml")
OIDC_HOSTS = ("accounts.google.com", "cognito-identity.amazonaws.com", "graph.facebook.com", "www.amazon.com")


@dataclass(frozen=True)
class NetworkWitness:
    packet: Packet
    egress: bool = False


def violates(query, subject: Subject, estate: Estate, witness) -> bool:
    """May raise Unsupported when the answer depends on an unmodelled feature."""
    base = estate.subjects.get(subject.baseline) if subject.baseline else None
    require_complete([subject.document, base.document if base else None])
    return PREDICATES[query.kind](query.params, subject, estate, witness)


# --- policies ---------------------------------------------------------------------------------------

def _policies(subject: Subject):
    return [subject.document]


def _in_scope(subject: Subject, request: Request, params=None) -> bool:
    """The resource is one the subject protects, and one the query is about."""
    for scope in (subject.resources, (params or {}).get("resources", ())):
        if scope and not any(arn_pattern(r, False).matches(request.resource) for r in scope):
            return False
    return True


def _action_in(actions, action: str) -> bool:
    return actions is None or any(action_pattern(a).matches(action.lower()) for a in actions)


_NAMED: dict = {}


def named_literals(subject: Subject) -> frozenset:
    """Every literal string the policy names: principals, condition values, ARN components."""
    cached = _NAMED.get(id(subject.document))
    if cached is not None and cached[0] is subject.document:
        return cached[1]
    out = _named_literals(subject)
    _NAMED[id(subject.document)] = (subject.document, out)
    return out


def _named_literals(subject: Subject) -> frozenset:
    out = set()
    for s in subject.document.statements:
        if s.principal is not None:
            spec = s.principal
            out |= set(spec.accounts) | set(spec.arns) | set(spec.services) | set(spec.federated)
        for c in s.conditions:
            for v in c.values:
                if hasattr(v, "is_literal") and v.is_literal:
                    out.add(v.literal)
                elif hasattr(v, "components"):
                    if all(g.is_literal for g in v.components):
                        out.add(v.text)
                    out |= {g.literal for g in v.components if g.is_literal}
    return frozenset(out)


def is_outsider(request: Request, subject: Subject, estate: Estate, fresh_only: bool) -> bool:
    """`fresh_only` (public access): the outsider's account and organisation are not named anywhere in
    the policy. Otherwise (allow-lists) a named account outside the organisation is an outsider too."""
    account = estate.account(subject.account)
    trusted = {subject.account, *account.trusted_accounts}
    named = named_literals(subject) if fresh_only else frozenset()
    ctx = request.context_map()
    for key in OUTSIDER_KEYS:
        values = ctx.get(key) or ()
        if any(v in named or (key in ("aws:sourceaccount", "aws:sourceowner") and v in trusted) for v in values):
            return False
        if key == "aws:sourcearn" and any(len(split_arn(v)) == 6 and split_arn(v)[4] in trusted for v in values):
            return False
    p = request.principal
    if p.kind == "Anonymous":
        return True
    if p.kind == "Service":
        return True  # acting for nobody the account trusts: its source account is checked above
    if p.kind == "Federated":
        return False  # web and SAML identities are judged by the trust control
    if p.account in trusted or (account.organization is not None and p.org_id == account.organization):
        return False
    if fresh_only and (p.account in named or (p.org_id is not None and p.org_id in named) or p.name in named
                       or (p.role_arn or "") in named):
        return False
    return True


def principal_can_violate(query, subject: Subject, estate: Estate, principal) -> bool:
    """A cheap filter for the search: principals that can never be outsiders, whatever the context."""
    if query.kind not in ("no-public-access", "only-trusted-principals", "trust-within-organization"):
        return True
    if query.kind == "trust-within-organization" and principal.kind == "Federated":
        return True
    probe = Request.make(principal, "", "", {})
    return is_outsider(probe, subject, estate, fresh_only=query.kind == "no-public-access")


def _no_public_access(params, subject, estate, request: Request) -> bool:
    return _action_in(params.get("actions"), request.action) and _in_scope(subject, request, params) and \
        is_outsider(request, subject, estate, fresh_only=True) and decide(_policies(subject), request).allowed


def _only_trusted_principals(params, subject, estate, request: Request) -> bool:
    return _action_in(params.get("actions"), request.action) and _in_scope(subject, request, params) and \
        is_outsider(request, subject, estate, fresh_only=False) and decide(_policies(subject), request).allowed


def oidc_host(provider: str) -> str | None:
    if ":oidc-provider/" in provider:
        return provider.split(":oidc-provider/", 1)[1]
    return provider if provider in OIDC_HOSTS else None


def _trust_within_organization(params, subject, estate, request: Request) -> bool:
    if request.action.lower() not in ASSUME_ACTIONS or not decide(_policies(subject), request).allowed:
        return False
    p = request.principal
    if p.kind == "Federated":
        host = oidc_host(p.name)
        if host is None:
            return False  # SAML: the provider is the account's own; its assertions are out of scope
        ctx = request.context_map()
        keys = params.get("oidc_keys", ("aud", "sub"))
        if any(len(ctx.get(f"{host}:{key}".lower()) or ()) > 1 for key in keys):
            return False  # a token's aud and sub are single-valued: no token carries two of either
        for key in keys:
            values = ctx.get(f"{host}:{key}".lower())
            attacker = params.get("attacker_values", {}).get(key, ())
            if not values or any(v in attacker or is_fresh_value(v, f"{host}:{key}", subject) for v in values):
                return True
        return False
    return is_outsider(request, subject, estate, fresh_only=False) and p.kind != "Service"


def is_fresh_value(value: str, key: str, subject: Subject) -> bool:
    """Matched by no value the policy names for this key, except all-wildcard ones: a value anyone can get."""
    for s in subject.document.statements:
        for c in s.conditions:
            if c.key == key.lower() and any(_nontrivial(v) and v.matches(value) for v in c.values
                                            if hasattr(v, "parts")):
                return False
    return True


def _explicit_deny(params, subject, estate, request: Request) -> bool:
    if not _action_in(params.get("actions"), request.action) or not _in_scope(subject, request, params):
        return False
    ctx = request.context_map()
    for key, values in params.get("context", {}).items():
        present = ctx.get(key)
        if values is None and present:
            return False
        if values is not None and (not present or len(present) != 1 or present[0] not in values):
            return False
    principal_arn = (ctx.get("aws:principalarn") or ("",))[0]
    if any(arn_pattern(g, False).matches(principal_arn) for g in params.get("except_principals", ())):
        return False
    return not explicitly_denied(_policies(subject), request)


def _nontrivial(glob) -> bool:
    return any(isinstance(p, str) and p.strip(":") for p in glob.parts)


def is_fresh_action(action: str, subject: Subject) -> bool:
    return not any(_nontrivial(g) and g.matches(action.lower())
                   for s in subject.document.statements for g in s.actions)


def is_fresh_resource(resource: str, subject: Subject) -> bool:
    """Not covered by any resource pattern that names a region, account or resource."""
    for s in subject.document.statements:
        for pattern in s.resources or ():
            named = pattern.components[3:] if not pattern.open_tail else pattern.components[-1:]
            if any(_nontrivial(g) for g in named) and pattern.matches(resource):
                return False
    return True


def _no_full_access(params, subject, estate, request: Request) -> bool:
    return is_fresh_action(request.action, subject) and is_fresh_resource(request.resource, subject) and \
        decide(_policies(subject), request).allowed


def _no_action_on_any_resource(params, subject, estate, request: Request) -> bool:
    return _action_in(params["actions"], request.action) and is_fresh_resource(request.resource, subject) and \
        decide(_policies(subject), request).allowed


def _no_more_permissive(params, subject, estate, request: Request) -> bool:
    baseline = estate.subjects[subject.baseline]
    return decide(_policies(subject), request).allowed and not decide(_policies(baseline), request).allowed


def _not_allowed(params, subject, estate, request: Request) -> bool:
    """`policy can`'s answer is yes with this request: it is within the fields given and allowed."""
    from ..questions.can import given_of, outside
    return outside(given_of(params), request) is None and decide(_policies(subject), request).allowed


def _not_public(params, subject, estate, request: Request) -> bool:
    """`policy public`'s answer is public with this request (its zone of trust: the subject's account)."""
    from ..questions.public import not_public_member
    return not_public_member(request, subject, Estate()) is None


def _no_allow_all(params, subject, estate, request: Request) -> bool:
    """Allowing every request has no single-request witness: no request confirms a violation (the
    query's problem, queries._refusal, is about one refused request: its UNSAT is the PASS)."""
    return False


# --- networks ------------------------------------------------------------------------------------------

def _admits(subject: Subject, witness: NetworkWitness) -> bool:
    if subject.kind == "security-group":
        return security_group_admits(subject.document, witness.packet, witness.egress)
    return network_acl_allows(subject.document, witness.packet, witness.egress)


def is_world(address: Address, subject: Subject, estate: Estate) -> bool:
    return not any(b.contains(address) for b in estate.account(subject.account).trusted_sources)


def _from_world(witness: NetworkWitness, subject, estate) -> bool:
    return not witness.egress and not witness.packet.peer_groups and is_world(witness.packet.peer, subject, estate)


def _no_world_ingress(params, subject, estate, witness: NetworkWitness) -> bool:
    p = witness.packet
    return p.protocol == params["protocol"] and p.port in params["ports"] and _from_world(witness, subject, estate) \
        and _admits(subject, witness)


def _world_ingress_only_on(params, subject, estate, witness: NetworkWitness) -> bool:
    p = witness.packet
    authorised = any(p.protocol == proto and (ports is None or p.port in ports) for proto, ports in params["allowed"])
    return not authorised and _from_world(witness, subject, estate) and _admits(subject, witness)


def _no_rules(params, subject, estate, witness: NetworkWitness) -> bool:
    return _admits(subject, witness)


def _not_exposed(params, subject, estate, witness: NetworkWitness) -> bool:
    """`network exposed SUBJECT` answers exposed with this packet: one of the addresses asked about
    reaches the ports, and the subject admits it."""
    from ..questions.network import exposure_of, in_exposure
    return in_exposure(exposure_of(params), witness) is None and _admits(subject, witness)


PREDICATES: dict[str, Callable[..., bool]] = {
    "no-full-access": _no_full_access, "no-action-on-any-resource": _no_action_on_any_resource,
    "no-public-access": _no_public_access, "only-trusted-principals": _only_trusted_principals,
    "trust-within-organization": _trust_within_organization, "explicit-deny": _explicit_deny,
    "no-more-permissive-than-baseline": _no_more_permissive,
    "no-world-ingress": _no_world_ingress, "world-ingress-only-on": _world_ingress_only_on, "no-rules": _no_rules,
    "not-allowed": _not_allowed, "not-public": _not_public, "not-exposed": _not_exposed,
    "no-allow-all": _no_allow_all,
}
NETWORK_KINDS = ("no-world-ingress", "world-ingress-only-on", "no-rules", "not-exposed")
