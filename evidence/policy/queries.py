"""Control queries as SMT problems whose models are exactly the violations `violations.violates`
describes: UNSAT means no request (or packet) violates the control.

Each query is the predicate of violations.py written over the encoding's variables, line for line,
so that a model, decoded, is a witness the evaluator confirms."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .document import require_complete
from .encode import ANONYMOUS, AWS, FEDERATED, NOT_ARN, SERVICE, Arn, Request, Str, arn_matches, literal_arn
from .errors import Unsupported
from .loader import Estate, Subject
from .network_encode import encode_network
from .patterns import action_pattern, arn_pattern
from .smtlib import FALSE, TRUE, Problem, and_, eq, in_glob, lit, not_, one_of, or_
from .violations import ASSUME_ACTIONS, NETWORK_KINDS, OIDC_HOSTS, OUTSIDER_KEYS, _nontrivial, named_literals, oidc_host


@dataclass
class Encoded:
    problem: str  # SMT-LIB text
    variables: Any  # encode.Request or network_encode.Packet: how to decode a model
    kind: str  # "request" | "packet"


def encode_control(control, subject: Subject, estate: Estate) -> Encoded:
    query = control.query
    problem = Problem()
    problem.comments += [f"proofgate: control {control.id} ({query.kind}) on {subject.kind} {subject.id}",
                         "a model is a violation; unsat means the control holds"]
    if query.kind in NETWORK_KINDS:
        packet = encode_network(problem, query, subject, estate)
        return Encoded(problem.text(), packet, "packet")
    if query.kind == "no-allow-all":
        require_complete([subject.document])
        return _refusal(problem, subject, estate, query)
    if query.kind not in POLICY_QUERIES:
        raise Unsupported(f"query {query.kind}")
    policies = [subject.document]
    if query.kind == "no-more-permissive-than-baseline":
        policies.append(estate.subjects[subject.baseline].document)
    require_complete(policies)
    extra = tuple(query.params.get("context", {}))
    if query.kind == "not-allowed":  # as `policy can` declares them (the keys the policy tests keep their types)
        from ..questions.can import extra_keys, given_of
        extra = extra_keys(given_of(query.params), subject.document)
    if query.kind == "trust-within-organization":
        extra += tuple(key for keys in _oidc_keys(query.params, subject).values() for key in keys.values())
    r = Request(problem, policies, extra)
    problem.add(POLICY_QUERIES[query.kind](r, query.params, subject, estate))
    return Encoded(problem.text(), r, "request")


def _action_in(r: Request, actions) -> str:
    if actions is None:
        return TRUE
    return or_(*(in_glob(r.s["act"], action_pattern(a)) for a in actions))


def _in_scope(r: Request, subject: Subject, params=None) -> str:
    """The resource is one the subject protects, and one the query is about."""
    return and_(*(or_(*(arn_matches(arn_pattern(x, False), r.resource, TRUE, True) for x in scope))
                  for scope in (subject.resources, (params or {}).get("resources", ())) if scope))


def _value_in(value, literals) -> str:
    """A request value (Str or Arn) equals one of the literals."""
    if isinstance(value, Str):
        return one_of(value.term, literals) if literals else FALSE
    if not isinstance(value, Arn):
        raise Unsupported("an address or number key compared with named strings")
    return or_(and_(value.is_arn, or_(*(literal_arn(value.parts, x) for x in sorted(literals)))),
               and_(not_(value.is_arn), TRUE if NOT_ARN in literals else FALSE))


def is_outsider(r: Request, subject: Subject, estate: Estate, fresh_only: bool) -> str:
    account = estate.account(subject.account)
    trusted = {subject.account, *account.trusted_accounts}
    named = named_literals(subject) if fresh_only else set()
    vouched = []  # a source key whose value the policy names (or a trusted account): not an outsider
    for key in OUTSIDER_KEYS:
        for guard, value in r.values(key):
            known = set(named) | (trusted if key in ("aws:sourceaccount", "aws:sourceowner") else set())
            vouched.append(and_(guard, _value_in(value, known)))
            if key == "aws:sourcearn":
                if not isinstance(value, Arn):
                    raise Unsupported("aws:SourceArn compared as a string (its account cannot be read)")
                vouched.append(and_(guard, value.is_arn, one_of(value.parts[4], trusted)))
    s = r.s
    inside = or_(one_of(s["p_acct"], trusted),
                 and_(r.hasorg, eq(s["p_org"], account.organization)) if account.organization else FALSE)
    if fresh_only and named:
        inside = or_(inside, one_of(s["p_acct"], named), and_(r.hasorg, one_of(s["p_org"], named)),
                     *(r.is_named(x) for x in sorted(named)))
        if "" in named:
            inside = or_(inside, not_(r.hasrole))
    aws_outsider = and_(r.is_kind(AWS), not_(inside))
    principal = or_(r.is_kind(ANONYMOUS), r.is_kind(SERVICE), aws_outsider)
    return and_(not_(or_(*vouched)), principal)


def _no_public_access(r, params, subject, estate):
    return and_(_action_in(r, params.get("actions")), _in_scope(r, subject, params),
                is_outsider(r, subject, estate, True), r.allowed([subject.document]))


def _only_trusted_principals(r, params, subject, estate):
    return and_(_action_in(r, params.get("actions")), _in_scope(r, subject, params),
                is_outsider(r, subject, estate, False), r.allowed([subject.document]))


def _explicit_deny(r, params, subject, estate):
    parts = [_action_in(r, params.get("actions")), _in_scope(r, subject, params)]
    for key, values in params.get("context", {}).items():
        entry = r.keys[key]
        if values is None:
            parts.append(f"(= {entry.count} 0)")
        else:
            parts.append(f"(= {entry.count} 1)")
            parts.append(_value_in(entry.slots[0], values))
    excepted = []
    for pattern in params.get("except_principals", ()):
        glob = arn_pattern(pattern, False)
        excepted += [and_(g, arn_matches(glob, v.parts, TRUE, False)) for g, v in r.values("aws:principalarn")]
    parts.append(not_(or_(*excepted)))
    parts.append(not_(r.denied([subject.document])))
    return and_(*parts)


def _fresh_action(r, subject):
    return and_(*(not_(in_glob(r.s["act"], g)) for s in subject.document.statements for g in s.actions
                  if _nontrivial(g)))


def _fresh_resource(r, subject):
    out = []
    for s in subject.document.statements:
        for pattern in s.resources or ():
            named = pattern.components[3:] if not pattern.open_tail else pattern.components[-1:]
            if any(_nontrivial(g) for g in named):
                out.append(not_(arn_matches(pattern, r.resource, TRUE, True, r)))
    return and_(*out)


def _no_full_access(r, params, subject, estate):
    return and_(_fresh_action(r, subject), _fresh_resource(r, subject), r.allowed([subject.document]))


def _no_action_on_any_resource(r, params, subject, estate):
    return and_(_action_in(r, params["actions"]), _fresh_resource(r, subject), r.allowed([subject.document]))


def _no_more_permissive(r, params, subject, estate):
    baseline = estate.subjects[subject.baseline].document
    return and_(r.allowed([subject.document]), not_(r.allowed([baseline])))


def _oidc_keys(params, subject) -> dict:
    """{host: {oidc key: condition key}} for every OIDC host the policy could meet by name: the
    well-known ones, those of its Federated principals, and those its condition keys name."""
    keys = tuple(params.get("oidc_keys", ("aud", "sub")))
    lowered = {k.lower() for k in keys}
    hosts = set(OIDC_HOSTS)
    for st in subject.document.statements:
        if st.principal is not None:
            hosts |= {h for h in map(oidc_host, st.principal.federated) if h}
        for c in st.conditions:
            head, _, tail = c.key.rpartition(":")
            if tail in lowered and head:
                hosts.add(head)
    return {h: {k: f"{h}:{k}".lower() for k in keys} for h in sorted(hosts)}


PROVIDER = "(re.++ re.all (str.to_re \":oidc-provider/\") re.all)"
TWICE = "(re.++ re.all (str.to_re \":oidc-provider/\") re.all (str.to_re \":oidc-provider/\") re.all)"


def _host_is(name: str, host: str) -> str:
    """`violations.oidc_host(name) == host`: the text after the first ':oidc-provider/', or a
    well-known host named alone."""
    once = and_(f"(str.in_re {name} (re.++ re.all (str.to_re {lit(':oidc-provider/' + host)})))",
                f"(not (str.in_re {name} {TWICE}))")
    alone = and_(eq(name, host), f"(not (str.in_re {name} {PROVIDER}))") if host in OIDC_HOSTS else FALSE
    return or_(once, alone)


def _trust_within_organization(r, params, subject, estate):
    if any(":oidc-provider/" in h for h in _oidc_keys(params, subject)):
        raise Unsupported("an OIDC host containing ':oidc-provider/'")
    name = r.s["p_other"]
    web = []
    hosts = _oidc_keys(params, subject)
    for host, keys in hosts.items():
        weak = []
        for key, context_key in keys.items():
            entry = r.keys[context_key]
            attacker = params.get("attacker_values", {}).get(key, ())
            bad = [and_(f"(< {j} {entry.count})", or_(_value_in(slot, attacker) if attacker else FALSE,
                                                    _fresh_value(r, slot, context_key, subject)))
                   for j, slot in enumerate(entry.slots)]
            weak.append(or_(f"(= {entry.count} 0)", *bad))
        single = and_(*(f"(<= {r.keys[k].count} 1)" for k in keys.values()))  # aud, sub: single-valued
        web.append(and_(_host_is(name, host), single, or_(*weak)))
    fresh_host = and_(f"(str.in_re {name} {PROVIDER})", *(not_(_host_is(name, h)) for h in hosts))
    federated = and_(r.is_kind(FEDERATED), or_(fresh_host, *web))
    others = and_(is_outsider(r, subject, estate, False), not_(r.is_kind(SERVICE)), not_(r.is_kind(FEDERATED)))
    return and_(one_of(r.s["act"], ASSUME_ACTIONS), r.allowed([subject.document]), or_(federated, others))


def _fresh_value(r, slot, key, subject) -> str:
    if not isinstance(slot, Str):
        raise Unsupported(f"condition key {key} compared as an ARN, address or number")
    return and_(*(not_(r.glob_holds(slot.term, v)) for st in subject.document.statements for c in st.conditions
                  if c.key == key for v in c.values if hasattr(v, "parts") and _nontrivial(v)))


def _not_allowed(r, params, subject, estate):
    """`policy can`'s formula: a request within the fields given that the policy allows."""
    from ..questions.can import formula, given_of
    return formula(r, given_of(params), subject.document)


def _not_public(r, params, subject, estate):
    """`policy public`'s formula for the subject's kind, with its zone of trust: the subject's own
    account alone (not the estate's organisation or trusted accounts: that is no-public-access)."""
    from ..questions.public import public_formula
    return public_formula(r, subject, Estate())


REFUSAL_CANDIDATES = 2000  # candidate requests tried for a refused one (no-allow-all)


def _refusal(problem: Problem, subject: Subject, estate: Estate, query) -> Encoded:
    """no-allow-all, `policy allows-all` answering no: a request the policy refuses. Its violation
    (every request allowed) has no single witness, so the problem is about one request instead: the
    first candidate (candidates.requests, deterministic) that AWS could send, that the evaluator says
    the policy refuses, and whose values satisfy the encoding's domain and realism by the kernel's own
    model evaluator. Pinned to it, "the policy allows it" is UNSAT exactly when the encoding agrees it
    is refused: a verified certificate then proves the policy does not allow everything (PASS). A model
    is never a FAIL (violations: nothing confirms one). No such candidate: Unsupported, NOT CHECKABLE
    (the policy may allow every request; `policy allows-all` answers that, with an UNSAT certificate)."""
    from checker.smt import Model
    from checker.smtlib import read

    from .candidates import requests
    from .codec import Outside, assignment, define_funs
    from .evaluate import decide
    from .request import unrealisable
    policy = subject.document
    r = Request(problem, [policy])
    domain = read(problem.text().encode())
    found, _ = requests(subject, estate, query)
    for tried, candidate in enumerate(found):
        if tried >= REFUSAL_CANDIDATES:
            break
        if unrealisable(candidate) is not None or decide([policy], candidate).allowed:
            continue
        try:
            values = assignment(r, candidate)
        except Outside:
            continue
        values = {name: values[name] for name in problem.sorts if name in values}
        if len(values) != len(problem.sorts):
            continue  # a variable the assignment leaves free: not one request
        model = Model(domain, define_funs(problem.sorts, values).encode())
        if not all(model.term(t) is True for t, _ in domain.assertions):
            continue  # outside the encoding's domain: pinning it would make any problem UNSAT
        problem.comments.append(f"the request, refused by the evaluator: {candidate}")
        for name, sort in problem.sorts.items():
            problem.add(_pinned(name, sort, values[name]))
        problem.add(r.allowed([policy]))
        return Encoded(problem.text(), r, "request")
    raise Unsupported("no request the policy refuses among the candidates tried: it may allow every request "
                      "(`proofgate policy allows-all` answers that with an UNSAT certificate; a FAIL of this "
                      "control would need one request, and allowing everything has none)")


def _pinned(name: str, sort: str, value) -> str:
    from fractions import Fraction

    from .smtlib import num
    if sort == "Bool":
        return name if value else not_(name)
    return eq(name, value) if sort == "String" else f"(= {name} {num(Fraction(value))})"


POLICY_QUERIES = {
    "trust-within-organization": _trust_within_organization,
    "no-public-access": _no_public_access, "only-trusted-principals": _only_trusted_principals,
    "explicit-deny": _explicit_deny, "no-full-access": _no_full_access,
    "no-action-on-any-resource": _no_action_on_any_resource, "no-more-permissive-than-baseline": _no_more_permissive,
    "not-allowed": _not_allowed, "not-public": _not_public,
}
