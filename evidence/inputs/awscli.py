"""Raw AWS CLI output: `aws ec2 describe-security-groups` (SecurityGroups) and
`aws ec2 describe-network-acls` (NetworkAcls), one subject per group or ACL."""
from __future__ import annotations

import json
from pathlib import Path

from ..policy.errors import Where
from ..policy.loader import ACCOUNT_ID, Subject
from ..policy.network import parse_network_acl, parse_security_group

LISTS = {"SecurityGroups": ("security-group", "GroupId", parse_security_group),
         "NetworkAcls": ("network-acl", "NetworkAclId", parse_network_acl)}


def recognises(path, data) -> bool:
    return (isinstance(data, dict) and bool(data) and set(data) <= set(LISTS) | {"NextToken"}
            and any(k in data for k in LISTS))


def read(path) -> list:
    where = Where(path)
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise where.fail(f"cannot read as JSON: {error}") from None
    subjects = []
    for key, (kind, id_key, parse) in LISTS.items():
        items = data.get(key, [])
        if not isinstance(items, list):
            raise where.key(key).fail("expected a list")
        for i, item in enumerate(items):
            at = where.key(key).index(i)
            if not isinstance(item, dict) or not isinstance(item.get(id_key), str):
                raise at.fail(f"missing '{id_key}'")
            owner = item.get("OwnerId")
            if not isinstance(owner, str) or not ACCOUNT_ID.match(owner):
                raise at.key("OwnerId").fail(f"expected a 12-digit account id, got {owner!r}")
            subjects.append(Subject(kind, item[id_key], owner, str(path), parse(item, at),
                                    source=str(path), element=at.path))
    return subjects
