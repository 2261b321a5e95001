"""AWS Config configuration items: `aws configservice get-resource-config-history` (configurationItems),
`batch-get-resource-config` (baseConfigurationItems) and the configuration snapshot delivered to S3
({"fileVersion": ..., "configurationItems": [...]}).

Config writes its keys in camelCase (`ipPermissions`, `ruleNumber`) where the EC2 and IAM APIs use
PascalCase, and gives `configuration` and each `supplementaryConfiguration` value either as an object
(snapshots) or as JSON text (the CLI): both are read. An item is turned into the API shape and read by
the same parser as CLI output, so an error names the item (`configurationItems[3].configuration...`).
IAM items of one file (roles, users, groups, policies) are read together, as the authorization details
are, so that a user's groups and attached customer-managed policies are found.

Resource types read: AWS::S3::Bucket (its BucketPolicy.policyText), AWS::EC2::SecurityGroup,
AWS::EC2::NetworkAcl, AWS::IAM::Role/User/Group/Policy, AWS::KMS::Key (only when a key policy is
among its supplementary configuration: Config records the key's metadata, so otherwise it is listed as
skipped). Other types, deleted or not recorded resources are listed as skipped.
"""
from __future__ import annotations

import dataclasses
import json

from ..policy.document import RESOURCE
from ..policy.errors import PolicyInputError, Where
from ..policy.loader import ACCOUNT_ID, Subject
from ..policy.network import parse_network_acl, parse_security_group
from . import iam_details
from .common import Skipped, parse_document, read_json

LISTS = ("configurationItems", "baseConfigurationItems")
IAM_TYPES = {"AWS::IAM::Group": "GroupDetailList", "AWS::IAM::User": "UserDetailList",
             "AWS::IAM::Role": "RoleDetailList", "AWS::IAM::Policy": "Policies"}
GONE = ("ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded")


def recognises(path, data) -> bool:
    return isinstance(data, dict) and any(isinstance(data.get(k), list) for k in LISTS) and all(
        isinstance(i, dict) and "resourceType" in i for k in LISTS for i in data.get(k, []))


def _object(value, where: Where):
    """A configuration given as an object or as JSON text; None stays None."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise where.fail(f"not JSON: {error}") from None
    if value is not None and not isinstance(value, dict):
        raise where.fail("expected an object or JSON text of one")
    return value


def pascal(value, stop=("policyDocument", "assumeRolePolicyDocument", "document", "policyText")):
    """camelCase keys as the API spells them (PascalCase); policy documents are left as they are, and
    null values dropped (Config writes absent elements as null)."""
    if isinstance(value, list):
        return [pascal(v, stop) for v in value]
    if not isinstance(value, dict):
        return value
    return {k[:1].upper() + k[1:]: (v if k in stop else pascal(v, stop)) for k, v in value.items() if v is not None}


def _account(item, at: Where) -> str:
    account = item.get("accountId", item.get("awsAccountId"))
    if not isinstance(account, str) or not ACCOUNT_ID.match(account):
        raise at.key("accountId").fail(f"expected a 12-digit account id, got {account!r}")
    return account


def _security_group(config):
    """Config's permissions: `ipv4Ranges` [{cidrIp}] (and the same addresses again as `ipRanges`, plain text)."""
    group = pascal({k: v for k, v in config.items() if k in ("groupId", "groupName", "description", "vpcId",
                                                                "ownerId", "ipPermissions", "ipPermissionsEgress")})
    for direction in ("IpPermissions", "IpPermissionsEgress"):
        for permission in group.get(direction, []):
            v4 = permission.pop("Ipv4Ranges", None)
            plain = permission.pop("IpRanges", [])
            permission["IpRanges"] = v4 if v4 is not None else [{"CidrIp": c} if isinstance(c, str) else c
                                                                 for c in plain]
    return group


def _newest(items) -> dict:
    """(type, id) -> the index of its newest item: a resource's history holds one item per change."""
    newest: dict = {}
    for i, item in enumerate(items):
        if isinstance(item, dict):
            key = (item.get("resourceType"), item.get("resourceId"))
            when = str(item.get("configurationItemCaptureTime"))
            if key not in newest or when >= str(items[newest[key]].get("configurationItemCaptureTime")):
                newest[key] = i
    return newest


def read(path) -> list:
    data, where = read_json(path)
    out: list = []
    iam: dict = {key: [] for key in IAM_TYPES.values()}
    origins: dict = {}  # the element path of each IAM list item in the built authorization details -> the item's
    for key in LISTS:
        items = data.get(key, [])
        if not isinstance(items, list):
            raise where.key(key).fail("expected a list")
        newest = _newest(items)
        for i, item in enumerate(items):
            at = where.key(key).index(i)
            if not isinstance(item, dict):
                raise at.fail("expected an object")
            if newest[(item.get("resourceType"), item.get("resourceId"))] != i:
                out.append(Skipped(at.path, f"{item.get('resourceType')} {item.get('resourceId')}: an older "
                                            "configuration item of the resource (the newest is read)"))
                continue
            kind, status = item.get("resourceType"), item.get("configurationItemStatus")
            if status in GONE:
                out.append(Skipped(at.path, f"{kind} {item.get('resourceId')}: {status}"))
                continue
            cw = at.key("configuration")
            config = _object(item.get("configuration"), cw)
            supplementary = item.get("supplementaryConfiguration") or {}
            if not isinstance(supplementary, dict):
                raise at.key("supplementaryConfiguration").fail("expected an object")
            if kind in IAM_TYPES:
                if config is None:
                    raise cw.fail("missing")
                entry = pascal(config)
                if kind == "AWS::IAM::Policy":  # get-account-authorization-details' shape: a policy's Arn
                    entry.setdefault("Arn", item.get("arn", item.get("ARN")))
                name = IAM_TYPES[kind]
                origins[f"{name}[{len(iam[name])}]"] = cw.path
                iam[name].append(entry)
                continue
            read_item = READ.get(str(kind))
            if read_item is None:
                out.append(Skipped(at.path, f"{kind}: not a resource type proofgate reads"))
                continue
            got = read_item(path, item, at, config, supplementary)
            out.append(got)
    if any(iam.values()):
        out += _iam(path, iam, origins)
    return out


def _iam(path, iam, origins) -> list:
    try:
        subjects = iam_details.subjects_of(iam, Where(path), str(path))
    except PolicyInputError as error:  # name the Config item, not the list built from it
        head = error.path.split(".")[0]
        raise PolicyInputError(error.file, error.path.replace(head, f"{origins.get(head, head)} ({head})", 1),
                               error.message) from None
    return [dataclasses.replace(s, element=_origin(s.element, origins)) for s in subjects]


def _origin(element: str, origins) -> str:
    head = element.split(".")[0]
    return element.replace(head, origins[head], 1) if head in origins else element


def _bucket(path, item, at: Where, config, supplementary):
    name = item.get("resourceName") or item.get("resourceId")
    sw = at.key("supplementaryConfiguration").key("BucketPolicy")
    policy = _object(supplementary.get("BucketPolicy"), sw)
    text = policy.get("policyText") if policy else None
    if text is None:
        return Skipped(at.path, f"AWS::S3::Bucket {name}: no bucket policy")
    document = parse_document(text, sw.key("policyText"), RESOURCE)
    return Subject("s3-bucket-policy", f"bucket/{name}", _account(item, at), str(path), document,
                   (f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"), source=str(path), element=sw.path)


def _security_group_item(path, item, at: Where, config, supplementary):
    cw = at.key("configuration")
    if config is None:
        raise cw.fail("missing")
    group = _security_group(config)
    return Subject("security-group", group.get("GroupId", item.get("resourceId")), _account(item, at), str(path),
                   parse_security_group(group, cw), source=str(path), element=cw.path)


def _network_acl(path, item, at: Where, config, supplementary):
    cw = at.key("configuration")
    if config is None:
        raise cw.fail("missing")
    acl = pascal({k: v for k, v in config.items() if k in ("networkAclId", "vpcId", "isDefault", "ownerId",
                                                              "entries")})
    return Subject("network-acl", acl.get("NetworkAclId", item.get("resourceId")), _account(item, at), str(path),
                   parse_network_acl(acl, cw), source=str(path), element=cw.path)


def _kms_key(path, item, at: Where, config, supplementary):
    for name in ("KeyPolicy", "Policy"):
        if name in supplementary:
            sw = at.key("supplementaryConfiguration").key(name)
            document = parse_document(supplementary[name], sw, RESOURCE)
            arn = item.get("arn", item.get("ARN"))
            return Subject("kms-key-policy", f"key/{item.get('resourceId')}", _account(item, at), str(path),
                           document, (arn,) if isinstance(arn, str) else (), source=str(path), element=sw.path)
    return Skipped(at.path, f"AWS::KMS::Key {item.get('resourceId')}: the configuration item has the key's "
                            "metadata, not its key policy (export it with kms get-key-policy)")


READ = {"AWS::S3::Bucket": _bucket, "AWS::EC2::SecurityGroup": _security_group_item,
        "AWS::EC2::NetworkAcl": _network_acl, "AWS::KMS::Key": _kms_key}
