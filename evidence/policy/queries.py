"""Control queries as SMT problems whose models are exactly the violations `violations.violates`
describes: UNSAT means no request (or packet) violates the control.

Each query is the predicate of violations.py written over the encoding's variables, line for line,
so that a model, decoded, is a witness the evaluator confirms."""
from __future__ import annotations

from dataclasses import dataclass

from .encode import NOT_ARN, ANONYMOUS, AWS, FEDERATED, SERVICE, Arn, Request, Str, arn_matches, literal_arn
from .errors import Unsupported
from .loader import Estate, Subject
from .network_encode import Packet, encode_network
from .patterns import parse_action_pattern, parse_arn_pattern, split_arn
from .smtlib import FALSE, TRUE, Problem, and_, eq, implies, in_glob, not_, one_of, or_
from .violations import NETWORK_KINDS, OUTSIDER_KEYS, _nontrivial, named_literals


@dataclass
class Encoded:
    problem: str  # SMT-LIB text
    variables: object  # encode.Request or network_encode.Packet: how to decode a model
    kind: str  # "request" | "packet"


def encode_control(control, subject: Subject, estate: Estate) -> Encoded:
    query = control.query
    problem = Problem()
    problem.comments += [f"proofgate: control {control.id} ({query.kind}) on {subject.kind} {subject.id}",
                         "a model is a violation; unsat means the control holds"]
    if query.kind in NETWORK_KINDS:
        packet = encode_network(problem, query, subject, estate)
        return Encoded(problem.text(), packet, "packet")
    if query.kind not in POLICY_QUERIES:
        raise Unsupported(f"query {query.kind}")
    policies = [subject.document]
    if query.kind == "no-more-permissive-than-baseline":
        policies.append(estate.subjects[subject.baseline].document)
    extra = tuple(query.params.get("context", {}))
    r = Request(problem, policies, extra)
    problem.add(POLICY_QUERIES[query.kind](r, query.params, subject, estate))
    return Encoded(problem.text(), r, "request")


def _action_in(r: Request, actions) -> str:
    if actions is None:
        return TRUE
    return or_(*(in_glob(r.s["act"], parse_action_pattern(a)) for a in actions))


def _in_scope(r: Request, subject: Subject, params=None) -> str:
    """The resource is one the subject protects, and one the query is about."""
    return and_(*(or_(*(arn_matches(parse_arn_pattern(x, False), r.resource, TRUE, True) for x in scope))
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
        glob = parse_arn_pattern(pattern, False)
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
                out.append(not_(arn_matches(pattern, r.resource, TRUE, True)))
    return and_(*out)


def _no_full_access(r, params, subject, estate):
    return and_(_fresh_action(r, subject), _fresh_resource(r, subject), r.allowed([subject.document]))


def _no_action_on_any_resource(r, params, subject, estate):
    return and_(_action_in(r, params["actions"]), _fresh_resource(r, subject), r.allowed([subject.document]))


def _no_more_permissive(r, params, subject, estate):
    baseline = estate.subjects[subject.baseline].document
    return and_(r.allowed([subject.document]), not_(r.allowed([baseline])))


POLICY_QUERIES = {
    "no-public-access": _no_public_access, "only-trusted-principals": _only_trusted_principals,
    "explicit-deny": _explicit_deny, "no-full-access": _no_full_access,
    "no-action-on-any-resource": _no_action_on_any_resource, "no-more-permissive-than-baseline": _no_more_permissive,
}
