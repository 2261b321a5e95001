"""IAM-style policy documents read into typed statements, refusing anything AWS would refuse.

Every error names the file and the element path (`Statement[2].Condition.StringLike`); features AWS
accepts but the semantics does not model are kept, marked, and raise `Unsupported` when evaluated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .addresses import parse_block
from .conditions import Condition, parse_date, parse_number, parse_operator
from .errors import Unsupported, Where, mapping, one_or_many, text
from .patterns import parse_action_pattern, parse_arn_pattern, parse_glob

VERSIONS = ("2012-10-17", "2008-10-17")
POLICY_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
                      "NotResource", "Condition")
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
ACCOUNT_ID = re.compile(r"^\d{12}$")
PARTITION = r"aws(?:-cn|-us-gov|-iso(?:-[a-z])?)?"
ACCOUNT_ROOT = re.compile(rf"^arn:{PARTITION}:iam::(\d{{12}}):root$")
IDENTITY_ARN = re.compile(rf"^arn:{PARTITION}:(?:iam::(\d{{12}}):(?:user|role|group)/\S+|"
                          rf"sts::(\d{{12}}):(?:assumed-role/\S+/\S+|federated-user/\S+))$")
ACCOUNTISH = re.compile(rf"^(?:\d+|arn:{PARTITION}:(?:iam|sts)::\d+:\S+)$")  # digits of the wrong length
UNIQUE_ID = re.compile(r"^A[A-Z0-9]{15,}$")  # what AWS shows for a deleted principal


@dataclass(frozen=True)
class PrincipalSpec:
    """The Principal (or NotPrincipal) element. `everyone` is `"*"` or `{"AWS": "*"}`, which the IAM
    guide lists as equivalent."""
    everyone: bool = False
    accounts: frozenset = frozenset()  # account ids, from "123456789012" or arn:aws:iam::123456789012:root
    arns: frozenset = frozenset()  # users, roles, role sessions, federated users
    services: frozenset = frozenset()  # lower-cased
    federated: frozenset = frozenset()
    unsupported: tuple = ()  # e.g. CanonicalUser


@dataclass(frozen=True)
class Statement:
    index: int
    sid: str | None
    effect: str  # Allow | Deny
    principal: PrincipalSpec | None  # None: no Principal element (identity policies, SCPs)
    not_principal: bool
    actions: tuple  # of Glob, lower-cased
    not_action: bool
    resources: tuple | None  # of ArnPattern; None: no Resource element (trust policies)
    not_resource: bool
    conditions: tuple  # of Condition
    where: str  # "file: Statement[2]", for reports


@dataclass(frozen=True)
class Policy:
    version: str | None
    statements: tuple
    source: str
    # parts of the effective policy that the input names but does not contain (an attached AWS-managed
    # policy whose document is not in the export): any answer could change with them, so none is given
    missing: tuple = ()


def require_complete(documents) -> None:
    """Unsupported when a policy, security group or ACL lacks content it is known to have (an attached policy
    not exported, a value a template leaves to deployment): both an Allow and a Deny may hide there."""
    for document in documents:
        missing = getattr(document, "missing", ())
        if missing:
            raise Unsupported(f"content not in the input: {missing[0]}")


@dataclass(frozen=True)
class Rules:
    """What a kind of policy must and must not contain (IAM JSON policy reference)."""
    principal: str  # required | forbidden
    resource: str  # required | optional


IDENTITY = Rules("forbidden", "required")
RESOURCE = Rules("required", "required")
TRUST = Rules("required", "optional")
SCP = Rules("forbidden", "required")
RCP = Rules("required", "required")  # resource control policies: Principal "*" (with conditions), on resources


def parse_policy(document, where: Where, rules: Rules) -> Policy:
    mapping(document, where, POLICY_ELEMENTS, required=("Statement",))
    version = document.get("Version")
    if version is not None and version not in VERSIONS:
        raise where.key("Version").fail(f"expected one of {', '.join(VERSIONS)}, got {version!r}")
    variables = version == "2012-10-17"  # AWS substitutes ${...} only under this version
    raw = document["Statement"]
    items = [(raw, where.key("Statement"))] if isinstance(raw, dict) else one_or_many(raw, where.key("Statement"))
    statements = tuple(_statement(i, item, w, rules, variables) for i, (item, w) in enumerate(items))
    return Policy(version, statements, where.file)


def _statement(i, node, where: Where, rules: Rules, variables: bool) -> Statement:
    mapping(node, where, STATEMENT_ELEMENTS, required=("Effect",))
    sid = text(node["Sid"], where.key("Sid"), allow_empty=True) if "Sid" in node else None
    effect = node["Effect"]
    if effect not in ("Allow", "Deny"):
        raise where.key("Effect").fail(f"expected \"Allow\" or \"Deny\", got {effect!r}")
    principal, not_principal = None, False
    if "Principal" in node and "NotPrincipal" in node:
        raise where.fail("has both Principal and NotPrincipal")
    for name in ("Principal", "NotPrincipal"):
        if name in node:
            if rules.principal == "forbidden":
                raise where.key(name).fail(f"{name} is not allowed in this kind of policy "
                                           "(it applies to the identity it is attached to)")
            principal, not_principal = _principal(node[name], where.key(name)), name == "NotPrincipal"
    if principal is None and rules.principal == "required":
        raise where.fail("missing 'Principal' (a resource or trust policy must say whom it applies to)")
    actions, not_action = _exactly_one(node, where, "Action", "NotAction", _actions, required=True)
    resources, not_resource = _exactly_one(node, where, "Resource", "NotResource",
                                           lambda v, w: _resources(v, w, variables),
                                           required=rules.resource == "required")
    conditions = _conditions(node["Condition"], where.key("Condition"), variables) if "Condition" in node else ()
    return Statement(i, sid, effect, principal, not_principal, actions, not_action, resources, not_resource,
                     conditions, str(where))


def _exactly_one(node, where, name, negated, parse, required):
    if name in node and negated in node:
        raise where.fail(f"has both {name} and {negated}")
    for key in (name, negated):
        if key in node:
            return parse(node[key], where.key(key)), key == negated
    if required:
        raise where.fail(f"missing '{name}' (or '{negated}')")
    return None, False


def _actions(value, where: Where) -> tuple:
    out = []
    for item, w in one_or_many(value, where):
        pattern = parse_action_pattern(text(item, w))
        if pattern is None:
            raise w.fail(f"{item!r} is not an action (expected service:Action, wildcards allowed, or *)")
        out.append(pattern)
    return tuple(out)


def _resources(value, where: Where, variables: bool) -> tuple:
    out = []
    for item, w in one_or_many(value, where):
        pattern = parse_arn_pattern(text(item, w), variables)
        if pattern is None:
            raise w.fail(f"{item!r} is not a valid ARN (arn:partition:service:region:account:resource) or *")
        out.append(pattern)
    return tuple(out)


def _principal(value, where: Where) -> PrincipalSpec:
    if value == "*":
        return PrincipalSpec(everyone=True)
    if isinstance(value, list):
        raise where.fail('expected "*" or an object such as {"AWS": ["111122223333", "arn:aws:iam::...:role/x"]}, '
                         "got a list (AWS puts the list under the principal type)")
    mapping(value, where, PRINCIPAL_TYPES)
    if not value:
        raise where.fail("expected at least one of: " + ", ".join(PRINCIPAL_TYPES))
    everyone, accounts, arns, services, federated, unsupported = False, set(), set(), set(), set(), []
    for kind, items in value.items():
        for item, w in one_or_many(items, where.key(kind)):
            name = text(item, w)
            if kind == "CanonicalUser":
                unsupported.append(f"CanonicalUser principal ({w})")
            elif kind == "AWS":
                if name == "*":
                    everyone = True
                elif ACCOUNT_ID.match(name):
                    accounts.add(name)
                elif m := ACCOUNT_ROOT.match(name):
                    accounts.add(m.group(1))
                elif "*" in name or "?" in name:
                    raise w.fail(f"{name!r}: a wildcard cannot match part of a principal (only \"*\" alone)")
                elif IDENTITY_ARN.match(name):
                    arns.add(name)
                elif UNIQUE_ID.match(name):
                    unsupported.append(f"principal given by unique id {name} ({w})")
                elif ACCOUNTISH.match(name):
                    # IAM refuses such a principal when the policy is saved: an account id is 12 digits
                    raise w.fail(f"{name!r}: an AWS account id has exactly 12 digits (IAM refuses this "
                                 "principal when the policy is saved)")
                else:
                    raise w.fail(f"{name!r} is not an account id or an IAM principal ARN")
            elif "*" in name or "?" in name:
                raise w.fail(f"{name!r}: wildcards are not allowed in a {kind} principal")
            elif kind == "Service":
                services.add(name.lower())
            else:
                federated.add(name)
    return PrincipalSpec(everyone, frozenset(accounts), frozenset(arns), frozenset(services), frozenset(federated),
                         tuple(unsupported))


def _conditions(value, where: Where, variables: bool) -> tuple:
    mapping(value, where)
    out = []
    for op_text, block in value.items():
        w = where.key(op_text)
        operator = parse_operator(op_text)
        if operator is None:
            raise w.fail("unknown condition operator")
        mapping(block, w)
        if not block:
            raise w.fail("expected at least one condition key")
        for key, raw in block.items():
            kw = w.key(key)
            if ":" not in key or key.startswith(":") or key.endswith(":"):
                raise kw.fail(f"{key!r} is not a condition key (expected prefix:name, e.g. aws:SourceIp)")
            values = tuple(_condition_value(operator, item, iw, variables) for item, iw in one_or_many(raw, kw))
            out.append(Condition(operator, key.lower(), key, values, str(kw)))
    return tuple(out)


def _condition_value(operator, item, where: Where, variables: bool):
    if isinstance(item, (dict, list)) or item is None:
        raise where.fail("expected text, a number or a boolean")
    family = operator.family
    as_text = ("true" if item else "false") if isinstance(item, bool) else str(item)
    if family in ("string", "string-ignore-case"):
        return parse_glob(as_text, wildcards=False, variables=variables)
    if family == "like":
        return parse_glob(as_text, wildcards=True, variables=variables)
    if family == "arn":
        pattern = parse_arn_pattern(as_text, variables)
        if pattern is None:
            raise where.fail(f"{as_text!r} is not a valid ARN")
        return pattern
    if family in ("bool", "null"):
        if as_text.lower() not in ("true", "false"):
            raise where.fail(f"expected true or false, got {item!r}")
        return as_text.lower() == "true"
    if family == "ip":
        try:
            return parse_block(as_text)
        except ValueError as error:
            raise where.fail(str(error)) from None
    if family == "numeric":
        number = parse_number(item)
        if number is None:
            raise where.fail(f"expected a number, got {item!r}")
        return number
    if family == "date":
        moment = None if isinstance(item, bool) else parse_date(item)
        if moment is None:
            raise where.fail(f"expected a date (ISO 8601 or epoch seconds), got {item!r}")
        return moment
    return as_text  # an operator the semantics does not model: kept as written

