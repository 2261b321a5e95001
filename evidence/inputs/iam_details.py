"""`aws iam get-account-authorization-details`: every user, group and role with its effective identity
policy, every role's trust policy, and every customer-managed policy.

A principal's effective identity policy is one `iam-policy` subject holding the statements of all its
policies (inline, attached managed, and for a user those of its groups): IAM allows a request when any of
them allows it and no one denies it, which is what one policy with all their statements says. An
attached policy whose document is not in the file (an AWS-managed policy the export left out) and a
permissions boundary (which narrows what the policies allow) are recorded as missing content: every
control on that subject is then NOT CHECKABLE naming them, never PASS.

Subject ids: `user/NAME`, `group/NAME`, `role/NAME`, `role/NAME/trust`, `policy/PATH/NAME` (the
resource part of the policy ARN).
"""
from __future__ import annotations

import dataclasses
import re

from ..policy.document import IDENTITY, TRUST, Policy
from ..policy.errors import Where
from ..policy.loader import Subject
from .common import Skip, items_of, parse_document, read_json

LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
KEYS = set(LISTS) | {"IsTruncated", "Marker"}
IAM_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|aws):(\S+)$")


def recognises(path, data) -> bool:
    return isinstance(data, dict) and bool(data) and set(data) <= KEYS and any(k in data for k in LISTS)


def _arn(item, at: Where):
    arn = item.get("Arn")
    m = IAM_ARN.match(arn) if isinstance(arn, str) else None
    if m is None:
        raise at.key("Arn").fail(f"expected an IAM ARN with a 12-digit account (arn:aws:iam::123456789012:...), "
                                 f"got {arn!r}")
    return arn, m.group(1), m.group(2)


def _name(item, key, at: Where) -> str:
    if not isinstance(item.get(key), str) or not item[key]:
        raise at.fail(f"missing '{key}'")
    return item[key]


def _default_document(policy, at: Where):
    versions = policy.get("PolicyVersionList", [])
    if not isinstance(versions, list):
        raise at.key("PolicyVersionList").fail("expected a list")
    for j, version in enumerate(versions):
        if isinstance(version, dict) and version.get("IsDefaultVersion") is True:
            vw = at.key("PolicyVersionList").index(j).key("Document")
            if "Document" not in version:
                raise vw.fail("missing 'Document'")
            return parse_document(version["Document"], vw, IDENTITY)
    return None


def _merge(parts, source: str, missing) -> Policy:
    statements = [st for policy in parts for st in policy.statements]
    statements = [dataclasses.replace(st, index=i) for i, st in enumerate(statements)]
    version = "2012-10-17" if any(p.version == "2012-10-17" for p in parts) else None
    return Policy(version, tuple(statements), source, tuple(missing))


def read(path) -> list:
    data, where = read_json(path)
    policies = data.get("Policies")
    if set(data) <= {"Policies", "IsTruncated", "Marker"} and isinstance(policies, list) and not any(
            isinstance(p, dict) and "PolicyVersionList" in p for p in policies):
        raise Skip("iam list-policies: policy summaries without their documents "
                   "(get-account-authorization-details has them)")
    return subjects_of(data, where, str(path))


def subjects_of(data, where: Where, path: str) -> list:
    """The subjects of one authorization-details object (also what awsconfig builds from IAM items)."""
    if data.get("IsTruncated") is True:
        raise where.key("IsTruncated").fail("the export is truncated (IsTruncated: true): pass every page, "
                                            "e.g. run the CLI without --max-items, so that no policy is missing")
    managed, subjects = {}, []  # policy ARN -> its default version, parsed
    for policy, at in items_of(data, "Policies", where):
        arn, account, resource = _arn(policy, at)
        document = _default_document(policy, at)
        if document is None:
            raise at.key("PolicyVersionList").fail("no version has IsDefaultVersion: true")
        managed[arn] = document
        if account != "aws":  # customer-managed: a subject of its own
            subjects.append(Subject("iam-policy", resource, account, str(path), document,
                                    source=str(path), element=at.path))
    groups = {}
    principals = []
    for key, kind, inline in (("GroupDetailList", "group", "GroupPolicyList"),
                              ("UserDetailList", "user", "UserPolicyList"),
                              ("RoleDetailList", "role", "RolePolicyList")):
        for item, at in items_of(data, key, where):
            name = _name(item, kind.capitalize() + "Name", at)
            arn, account, _ = _arn(item, at)
            parts, missing = [], []
            for pol, pw in items_of(item, inline, at):
                if "PolicyDocument" not in pol:
                    raise pw.fail("missing 'PolicyDocument'")
                parts.append(parse_document(pol["PolicyDocument"], pw.key("PolicyDocument"), IDENTITY))
            for att, aw in items_of(item, "AttachedManagedPolicies", at):
                ref = att.get("PolicyArn")
                if not isinstance(ref, str):
                    raise aw.fail("missing 'PolicyArn'")
                if ref in managed:
                    parts.append(managed[ref])
                else:
                    missing.append(f"attached policy {ref} ({aw})")
            boundary = item.get("PermissionsBoundary")
            if isinstance(boundary, dict):
                missing.append(f"permissions boundary {boundary.get('PermissionsBoundaryArn')} "
                               f"({at.key('PermissionsBoundary')}): not modelled")
            if kind == "group":
                groups[name] = (parts, missing)
            if kind == "user":
                memberships = item.get("GroupList", [])
                if not isinstance(memberships, list):
                    raise at.key("GroupList").fail("expected a list of group names")
                for j, group in enumerate(memberships):
                    if group not in groups:  # the group's policies are not in the export
                        missing.append(f"group {group!r} ({at.key('GroupList').index(j)})")
                    else:
                        parts += groups[group][0]
                        missing += groups[group][1]
            principals.append(Subject("iam-policy", f"{kind}/{name}", account, str(path),
                                      _merge(parts, str(path), missing), source=str(path),
                                      element=at.path,
                                      description=f"effective identity policy of {kind} {name}"))
            if kind == "role":
                tw = at.key("AssumeRolePolicyDocument")
                if "AssumeRolePolicyDocument" not in item:
                    raise tw.fail("missing 'AssumeRolePolicyDocument'")
                principals.append(Subject("role-trust-policy", f"role/{name}/trust", account, str(path),
                                          parse_document(item["AssumeRolePolicyDocument"], tw, TRUST), (arn,),
                                          source=str(path), element=tw.path,
                                          description=f"trust policy of role {name}"))
    return subjects + principals
