"""Values a template leaves open (a CloudFormation parameter, `Fn::GetAtt`, a Terraform variable or an
attribute known only after apply), kept symbolic rather than guessed.

A subject whose content holds one is still read, so that the rest of it is checked for errors, but
every answer about it is NOT CHECKABLE naming the value: the subject's document records it as
missing content (document.require_complete), and the placeholders put in its place to parse the rest
are never evaluated.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..policy.document import Policy, Rules
from ..policy.errors import PolicyInputError, Where
from ..policy.network import SecurityGroup, parse_network_acl, parse_permission
from .common import parse_document

PLACEHOLDER = "*"  # valid as an action, a resource, a principal and a string condition value


@dataclass(frozen=True)
class Symbol:
    """A value the input does not determine: `what` names it as written (`Fn::GetAtt MyBucket.Arn`)."""
    what: str

    def __str__(self):
        return self.what


def symbols_in(value, where: Where) -> list[str]:
    """Each symbolic value inside `value`, described with its element path."""
    if isinstance(value, Symbol):
        return [f"{value.what} ({where}), which the input leaves to deployment"]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in symbols_in(v, where.key(k))]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in symbols_in(v, where.index(i))]
    return []


def with_placeholders(value):
    if isinstance(value, Symbol):
        return PLACEHOLDER
    if isinstance(value, dict):
        return {k: with_placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_placeholders(v) for v in value]
    return value


def policy_of(value, where: Where, rules: Rules, also=()) -> Policy:
    """The policy document `value` (an object or JSON text); symbolic values (and `also`, e.g. a bucket name
    left open) make it incomplete."""
    found = symbols_in(value, where) + list(also)
    if not found:
        return parse_document(value, where, rules)
    try:
        policy = parse_document(with_placeholders(value), where, rules)
    except PolicyInputError:  # a placeholder where it cannot stand: nothing is evaluated anyway
        policy = Policy(None, (), where.file)
    return dataclasses.replace(policy, missing=tuple(found))


def merge_missing(document, missing):
    """The document with more missing content (a Policy, SecurityGroup or NetworkAcl)."""
    return dataclasses.replace(document, missing=tuple(document.missing) + tuple(missing)) if missing else document


def security_group_of(group_id: str, name: str, rules, missing=()):
    """A security group from (permission in DescribeSecurityGroups' shape, egress?, Where) triples: a rule
    with a symbolic value is left out and recorded as missing, so that no answer is given without it."""
    ingress: list = []
    egress: list = []
    missing = list(missing)
    for permission, is_egress, at in rules:
        found = symbols_in(permission, at)
        if found:
            missing += found
            continue
        (egress if is_egress else ingress).append(parse_permission(permission, at))
    return SecurityGroup(group_id, name, tuple(ingress), tuple(egress), tuple(missing))


def network_acl_of(acl_id: str, entries, where: Where, missing=()):
    """A network ACL from (entry in DescribeNetworkAcls' shape, Where) pairs, symbolic entries as above.
    A new ACL has only the final `*` deny rules, which no match already means."""
    kept, missing = [], list(missing)
    for entry, at in entries:
        found = symbols_in(entry, at)
        if found:
            missing += found
        else:
            kept.append(entry)
    acl = parse_network_acl({"NetworkAclId": acl_id, "Entries": kept}, where)
    return dataclasses.replace(acl, missing=tuple(missing))


def default_key_policy(account: str) -> dict:
    """The policy KMS gives a key created without one (KMS developer guide, "Default key policy"): the
    account may use the key as IAM policies allow."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"}]}
