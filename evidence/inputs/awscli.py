"""Raw AWS CLI output, one subject per group, ACL or policy:

- `aws ec2 describe-security-groups` (SecurityGroups) and `describe-network-acls` (NetworkAcls);
- `aws ec2 describe-security-group-rules` (SecurityGroupRules): the rules of one group make one subject;
- `aws s3api get-bucket-policy` and `aws kms get-key-policy` ({"Policy": "<JSON text>"}): the output names
  neither the bucket or key nor its account, so the bucket or key id is the file's name (`BUCKET.json`,
  `BUCKET.bucket-policy.json`, `KEY-ID.key-policy.json`) and the account the nearest folder named by a
  12-digit account id; otherwise the file is refused saying so;
- `aws organizations describe-policy` (SCP and RCP content); `list-policies` holds summaries only and
  is skipped with that reason.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..policy.addresses import parse_block
from ..policy.document import RCP, RESOURCE, SCP
from ..policy.errors import Where, mapping, text
from ..policy.loader import ACCOUNT_ID, Subject
from ..policy.network import SecurityGroup, parse_network_acl, parse_permission, parse_security_group
from .common import Skip, account_from_folders, items_of, parse_document, read_json

LISTS = {"SecurityGroups": ("security-group", "GroupId", parse_security_group),
         "NetworkAcls": ("network-acl", "NetworkAclId", parse_network_acl)}
RULES = "SecurityGroupRules"
ORG_TYPES = {"SERVICE_CONTROL_POLICY": ("scp", SCP), "RESOURCE_CONTROL_POLICY": ("rcp", RCP)}
ORG_ARN = re.compile(r"^arn:aws[a-z-]*:organizations::(\d{12}|aws):policy/")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
KEY_ID = re.compile(r"^(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")


def recognises(path, data) -> bool:
    if not isinstance(data, dict) or not data:
        return False
    keys = set(data) - {"NextToken"}
    if keys and keys <= set(LISTS) | {RULES}:
        return True
    if keys == {"Policy"} or keys == {"Policy", "PolicyName"}:  # get-bucket-policy, get-key-policy, describe-policy
        return True
    policies = data.get("Policies")
    return keys == {"Policies"} and isinstance(policies, list) and all(
        isinstance(p, dict) and ORG_ARN.match(str(p.get("Arn", ""))) for p in policies)


def read(path) -> list:
    data, where = read_json(path)
    keys = set(data) - {"NextToken"}
    if "Policy" in keys:
        policy = data["Policy"]
        if isinstance(policy, dict):
            return [_organizations_policy(path, policy, where.key("Policy"))]
        if "PolicyName" in data:
            return [_key_policy(path, data, where)]
        return [_bucket_policy(path, data, where)]
    if keys == {"Policies"}:
        raise Skip("organizations list-policies: policy summaries without their content "
                   "(run describe-policy for each to check them)")
    subjects = []
    for key, (kind, id_key, parse) in LISTS.items():
        for item, at in items_of(data, key, where):
            if not isinstance(item.get(id_key), str):
                raise at.fail(f"missing '{id_key}'")
            subjects.append(Subject(kind, item[id_key], _owner(item, "OwnerId", at), str(path), parse(item, at),
                                    source=str(path), element=at.path))
    return subjects + _group_rules(path, data, where)


def _owner(item, key, at: Where) -> str:
    owner = item.get(key)
    if not isinstance(owner, str) or not ACCOUNT_ID.match(owner):
        raise at.key(key).fail(f"expected a 12-digit account id, got {owner!r}")
    return owner


RULE_FIELDS = ("SecurityGroupRuleId", "GroupId", "GroupOwnerId", "IsEgress", "IpProtocol", "FromPort", "ToPort",
               "CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupInfo", "Description", "Tags")
SOURCES = ("CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupInfo")


def _group_rules(path, data, where: Where) -> list:
    """describe-security-group-rules: each rule is one permission with one source; grouped by GroupId."""
    groups: dict[str, dict] = {}
    for rule, at in items_of(data, RULES, where):
        mapping(rule, at, RULE_FIELDS, required=("GroupId", "IsEgress", "IpProtocol"))
        group_id = text(rule["GroupId"], at.key("GroupId"))
        if not isinstance(rule["IsEgress"], bool):
            raise at.key("IsEgress").fail("expected true or false")
        given = [k for k in SOURCES if k in rule]
        if len(given) != 1:
            raise at.fail(f"expected exactly one of {', '.join(SOURCES)}, got {len(given)}")
        permission = {k: rule[k] for k in ("IpProtocol", "FromPort", "ToPort") if k in rule}
        source = given[0]
        if source in ("CidrIpv4", "CidrIpv6"):
            try:
                parse_block(text(rule[source], at.key(source)), 4 if source == "CidrIpv4" else 6)
            except ValueError as error:
                raise at.key(source).fail(str(error)) from None
            field, key = ("IpRanges", "CidrIp") if source == "CidrIpv4" else ("Ipv6Ranges", "CidrIpv6")
            permission[field] = [{key: rule[source]}]
        elif source == "PrefixListId":
            permission["PrefixListIds"] = [{"PrefixListId": text(rule[source], at.key(source))}]
        else:
            ref = mapping(rule[source], at.key(source), required=("GroupId",))
            permission["UserIdGroupPairs"] = [{"GroupId": text(ref["GroupId"], at.key(source).key("GroupId"))}]
        entry = groups.setdefault(group_id, {"owner": _owner(rule, "GroupOwnerId", at), "at": at,
                                             "ingress": [], "egress": []})
        entry["egress" if rule["IsEgress"] else "ingress"].append(parse_permission(permission, at))
    return [Subject("security-group", gid, g["owner"], str(path),
                    SecurityGroup(gid, "", tuple(g["ingress"]), tuple(g["egress"])),
                    source=str(path), element=f"{RULES} (GroupId {gid})") for gid, g in groups.items()]


def _stem(path) -> str:
    name = Path(path).name
    for suffix in (".json", ".bucket-policy", ".get-bucket-policy", ".key-policy", ".get-key-policy"):
        name = name.removesuffix(suffix)
    return name


def _bucket_policy(path, data, where: Where) -> Subject:
    bucket = _stem(path)
    if not BUCKET.match(bucket):
        raise where.fail(f"get-bucket-policy output does not name its bucket, and the file name gives {bucket!r}, "
                         "which is not a bucket name: name the file BUCKET.json or BUCKET.bucket-policy.json")
    account = account_from_folders(path, where, "get-bucket-policy output")
    document = parse_document(data["Policy"], where.key("Policy"), RESOURCE)
    return Subject("s3-bucket-policy", f"bucket/{bucket}", account, str(path), document,
                   (f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"), source=str(path), element="Policy",
                   description=f"bucket policy of {bucket} (bucket name from the file name)")


def _key_policy(path, data, where: Where) -> Subject:
    key = _stem(path)
    if not KEY_ID.match(key):
        raise where.fail(f"get-key-policy output does not name its key, and the file name gives {key!r}, which "
                         "is not a key id: name the file KEY-ID.key-policy.json (e.g. "
                         "1234abcd-12ab-34cd-56ef-1234567890ab.key-policy.json)")
    account = account_from_folders(path, where, "get-key-policy output")
    document = parse_document(data["Policy"], where.key("Policy"), RESOURCE)
    return Subject("kms-key-policy", f"key/{key}", account, str(path), document,
                   (f"arn:aws:kms:*:{account}:key/{key}",), source=str(path), element="Policy",
                   description=f"key policy of {key} (key id from the file name; any region)")


def _organizations_policy(path, policy, where: Where) -> Subject:
    mapping(policy, where, ("PolicySummary", "Content"), required=("PolicySummary", "Content"))
    summary = mapping(policy["PolicySummary"], where.key("PolicySummary"), required=("Id", "Arn", "Type"))
    kind_rules = ORG_TYPES.get(summary["Type"])
    if kind_rules is None:
        raise Skip(f"organizations policy of type {summary['Type']} (not an access policy: only "
                   f"{' and '.join(ORG_TYPES)} are checked)")
    m = ORG_ARN.match(str(summary["Arn"]))
    if m is None:
        raise where.key("PolicySummary").key("Arn").fail(f"not an organizations policy ARN: {summary['Arn']!r}")
    if m.group(1) == "aws":
        raise Skip(f"AWS-managed policy {summary['Id']} (the same in every organisation)")
    kind, rules = kind_rules
    document = parse_document(policy["Content"], where.key("Content"), rules)
    return Subject(kind, f"{kind}/{summary['Id']}", m.group(1), str(path), document, source=str(path),
                   element="Policy.Content", description=str(summary.get("Name", "")))
