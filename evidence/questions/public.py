"""`policy public P --kind K`: does the resource policy grant access to the public, as AWS defines it
(docs/CONTROLS.md, "Public"): a request from an outsider -- anonymous, or an AWS principal (not a
service principal: AWS's own callers are not the public) whose account and organisation the policy
names nowhere -- that is allowed, where the keys that make a grant non-public (a fixed aws:SourceArn,
SourceVpc, SourceVpce, SourceOwner, SourceAccount, aws:userid, s3:x-amz-server-side-encryption-aws-kms-key-id,
or a set of aws:SourceIp CIDRs) are absent or hold
values the policy does not name.

The outsider is queries.is_outsider / violations.is_outsider (the catalog's no-public-access, which
already covers the source keys); the keys S3's definition adds are handled here, on both sides."""
from __future__ import annotations

from ..errors import UserError
from ..policy.addresses import parse_address
from ..policy.document import Policy
from ..policy.encode import SERVICE, Ip, Request, Str
from ..policy.loader import Estate, Subject
from ..policy.patterns import action_pattern
from ..policy.queries import is_outsider as outsider_formula
from ..policy.smtlib import FALSE, and_, in_glob, not_, one_of, or_
from ..policy.violations import is_outsider, named_literals
from .answers import Answer
from .policy import Question, allows, yes_no
from .settle import TIMEOUT

ASSUME = ("sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml")
# kind -> the actions a policy of that kind can grant (the service's own)
KINDS = {
    "s3-bucket-policy": ("s3:*",), "kms-key-policy": ("kms:*",), "role-trust-policy": ASSUME,
    "sqs-queue-policy": ("sqs:*",), "sns-topic-policy": ("sns:*",), "lambda-function-policy": ("lambda:*",),
    "secretsmanager-secret-policy": ("secretsmanager:*",), "ecr-repository-policy": ("ecr:*",),
    "resource-policy": ("*",),
}
FIXED_KEYS = ("aws:userid", "s3:x-amz-server-side-encryption-aws-kms-key-id")  # beside violations.OUTSIDER_KEYS
OWNER = "owner"  # the resource's own account when none is given: a name no 12-digit account id can take


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise UserError(f"unknown --kind {kind!r} (expected one of: {', '.join(KINDS)})")
    return kind


def _subject(p: Policy, kind: str, account: str | None) -> Subject:
    return Subject(kind, "policy", account or OWNER, p.source, p)


def _ip_blocks(p: Policy) -> list:
    """The aws:SourceIp blocks the policy names, the whole address space aside (it fixes nothing)."""
    return [b for st in p.statements for c in st.conditions if c.key == "aws:sourceip" and c.operator.family == "ip"
            for b in c.values if not b.is_everything]


def _fixed_formula(r: Request, p: Policy, subject: Subject) -> str:
    """The request carries a value the policy names for a key that fixes who can call."""
    named = sorted(named_literals(subject))
    vouched = []
    for key in FIXED_KEYS:
        for guard, value in r.values(key):
            if isinstance(value, Str) and named:
                vouched.append(and_(guard, one_of(value.term, named)))
    blocks = _ip_blocks(p)
    for guard, value in r.values("aws:sourceip"):
        if isinstance(value, Ip):
            vouched += [and_(guard, value.is_ip, f"(= {value.version} {b.version})", f"(<= {b.first} {value.value})",
                             f"(<= {value.value} {b.last})") for b in blocks]
        elif isinstance(value, Str) and named:
            vouched.append(and_(guard, one_of(value.term, named)))
    return or_(*vouched) if vouched else FALSE


def _fixed(request, p: Policy, subject: Subject) -> bool:
    named = named_literals(subject)
    context = request.context_map()
    if any(v in named for key in FIXED_KEYS for v in context.get(key) or ()):
        return True
    for v in context.get("aws:sourceip") or ():
        address = parse_address(v)
        if v in named or (address is not None and any(b.contains(address) for b in _ip_blocks(p))):
            return True
    return False


def public_formula(r: Request, subject: Subject, estate: Estate) -> str:
    """A member of the public is allowed (the catalog's not-public reads the same formula)."""
    p = subject.document
    actions = [action_pattern(a) for a in KINDS[subject.kind]]
    # a service principal is AWS's own caller, not the public: Access Analyzer reports none
    return and_(or_(*(in_glob(r.s["act"], a) for a in actions)), not_(r.is_kind(SERVICE)),
                outsider_formula(r, subject, estate, True), not_(_fixed_formula(r, p, subject)), r.allowed([p]))


def not_public_member(w, subject: Subject, estate: Estate) -> str | None:
    """The evaluator's word: None when the request is one of the public's that the policy allows."""
    p, kind = subject.document, subject.kind
    if not any(action_pattern(a).matches(w.action.lower()) for a in KINDS[kind]):
        return f"{w.action} is not an action a {kind} grants"
    if w.principal.kind == "Service" or not is_outsider(w, subject, estate, fresh_only=True) \
            or _fixed(w, p, subject):
        return "the caller is not a member of the public"
    return None if allows([p], w) else "not allowed"


def public(p: Policy, kind: str, account: str | None = None, timeout: float | None = TIMEOUT) -> Answer:
    check_kind(kind)
    subject, estate = _subject(p, kind, account), Estate()
    notes = [] if account else ["no --account given: the resource's own account is one the policy does not name"]
    return yes_no("public", Question("a member of the public is allowed", [p],
                                     lambda r: public_formula(r, subject, estate),
                                     lambda w: not_public_member(w, subject, estate)),
                  yes="public", no="not-public", timeout=timeout, notes=notes)
