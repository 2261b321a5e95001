"""Subjects (one policy, security group or network ACL per file) and the account they belong to.

A directory holds one file per subject, JSON or YAML:

    kind: s3-bucket-policy        # see KINDS
    id: bucket-logs               # unique in the directory
    account: "111122223333"
    resources: [arn:aws:s3:::logs, arn:aws:s3:::logs/*]   # what a resource policy protects
    baseline: bucket-logs-approved                        # optional: the approved version of this policy
    document: { Version: 2012-10-17, Statement: [...] }   # the policy, or the EC2 API shape

and one `kind: account` file with the organisation and the allow-lists the controls refer to.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .document import IDENTITY, RESOURCE, SCP, TRUST, Policy, parse_policy
from .errors import Where, mapping, one_or_many, text
from .network import parse_network_acl, parse_security_group
from .patterns import parse_arn_pattern
from .addresses import parse_block

POLICY_KINDS = {"iam-policy": IDENTITY, "s3-bucket-policy": RESOURCE, "kms-key-policy": RESOURCE,
                "resource-policy": RESOURCE, "role-trust-policy": TRUST, "scp": SCP}
KINDS = tuple(POLICY_KINDS) + ("security-group", "network-acl")
SUBJECT_FIELDS = ("kind", "id", "account", "description", "resources", "baseline", "document")
ACCOUNT_FIELDS = ("kind", "id", "organization", "trusted_accounts", "trusted_sources", "description")
SUFFIXES = (".json", ".yaml", ".yml")
ACCOUNT_ID = re.compile(r"^\d{12}$")
ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")


@dataclass(frozen=True)
class Subject:
    kind: str
    id: str
    account: str
    file: str
    document: object  # Policy | SecurityGroup | NetworkAcl
    resources: tuple = ()  # ARN patterns: what a resource policy protects (the bucket, its objects)
    baseline: str | None = None
    description: str = ""

    @property
    def is_policy(self) -> bool:
        return isinstance(self.document, Policy)


@dataclass(frozen=True)
class Account:
    id: str
    organization: str | None = None
    trusted_accounts: tuple = ()
    trusted_sources: tuple = ()  # CIDR blocks from which administrative access is expected
    file: str = ""


@dataclass
class Estate:
    """Everything loaded from one directory: the account settings and the subjects by id."""
    accounts: dict = field(default_factory=dict)
    subjects: dict = field(default_factory=dict)

    def account(self, account_id: str) -> Account:
        return self.accounts.get(account_id) or Account(account_id)


def read_structured(path) -> object:
    """JSON or YAML by suffix; syntax errors name the file, line and column."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Where(path).fail(f"cannot read: {getattr(error, 'strerror', None) or error}") from None
    if path.suffix == ".json":
        try:
            return json.loads(raw, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as error:
            raise Where(f"{path}:{error.lineno}:{error.colno}").fail(f"not valid JSON: {error.msg}") from None
        except _DuplicateKey as error:
            raise Where(path).fail(f"not valid JSON: key {error.args[0]!r} given twice") from None
        except RecursionError:
            raise Where(path).fail("not valid JSON: nested too deeply") from None
    try:
        return yaml.safe_load(raw)
    except RecursionError:
        raise Where(path).fail("not valid YAML: nested too deeply") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise Where(where).fail(f"not valid YAML: {getattr(error, 'problem', None) or error}") from None


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def load_subject(path) -> Subject | Account:
    data = read_structured(path)
    where = Where(path)
    if isinstance(data, dict) and data.get("kind") == "account":
        return _account(data, where)
    mapping(data, where, SUBJECT_FIELDS, required=("kind", "id", "account", "document"))
    kind = data["kind"]
    if kind not in KINDS:
        raise where.key("kind").fail(f"unknown kind {kind!r} (expected one of: account, {', '.join(KINDS)})")
    subject_id = text(data["id"], where.key("id"))
    account = _account_id(data["account"], where.key("account"))
    document_where = Where(path)  # element paths inside the document start at its root: Statement[2]...
    if kind in POLICY_KINDS:
        document = parse_policy(data["document"], document_where, POLICY_KINDS[kind])
    elif kind == "security-group":
        document = parse_security_group(data["document"], document_where)
    else:
        document = parse_network_acl(data["document"], document_where)
    resources = ()
    if "resources" in data:
        resources = tuple(_arn(item, w) for item, w in one_or_many(data["resources"], where.key("resources")))
    baseline = text(data["baseline"], where.key("baseline")) if "baseline" in data else None
    description = text(data["description"], where.key("description")) if "description" in data else ""
    return Subject(kind, subject_id, account, str(path), document, resources, baseline, description)


def _account(data, where: Where) -> Account:
    mapping(data, where, ACCOUNT_FIELDS, required=("id",))
    account = _account_id(data["id"], where.key("id"))
    org = None
    if "organization" in data:
        org = text(data["organization"], where.key("organization"))
        if not ORG_ID.match(org):
            raise where.key("organization").fail(f"{org!r} is not an organization id (o-...)")
    trusted = tuple(_account_id(v, w) for v, w in _optional_list(data, "trusted_accounts", where))
    sources = []
    for value, w in _optional_list(data, "trusted_sources", where):
        try:
            sources.append(parse_block(text(value, w)))
        except ValueError as error:
            raise w.fail(str(error)) from None
    return Account(account, org, trusted, tuple(sources), where.file)


def _optional_list(data, name, where):
    if name not in data:
        return []
    if not isinstance(data[name], list):
        raise where.key(name).fail("expected a list")
    return [(v, where.key(name).index(i)) for i, v in enumerate(data[name])]


def _account_id(value, where: Where) -> str:
    value = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(value, str) or not ACCOUNT_ID.match(value):
        raise where.fail(f"expected a 12-digit account id (quoted in YAML), got {value!r}")
    return value


def _arn(value, where: Where) -> str:
    name = text(value, where)
    pattern = parse_arn_pattern(name, variables=False)
    if pattern is None or pattern.open_tail or not all(g.is_literal for g in pattern.components[:5]):
        raise where.fail(f"{name!r} is not an ARN (arn:partition:service:region:account:resource; "
                         "wildcards only in the resource part, e.g. arn:aws:s3:::logs/*)")
    return name


def load_estate(directory) -> Estate:
    """Every JSON/YAML file of the directory (sorted, non-recursive); ids must be unique and every
    baseline must name a subject of the same kind."""
    directory = Path(directory)
    if not directory.is_dir():
        raise Where(directory).fail("not a directory")
    estate = Estate()
    for path in sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES and p.is_file()):
        loaded = load_subject(path)
        if isinstance(loaded, Account):
            if loaded.id in estate.accounts:
                raise Where(path).key("id").fail(f"account {loaded.id} is also described in "
                                                 f"{estate.accounts[loaded.id].file}")
            estate.accounts[loaded.id] = loaded
        else:
            if loaded.id in estate.subjects:
                raise Where(path).key("id").fail(f"subject id {loaded.id!r} is also used by "
                                                 f"{estate.subjects[loaded.id].file}")
            estate.subjects[loaded.id] = loaded
    for subject in estate.subjects.values():
        if subject.baseline is not None:
            base = estate.subjects.get(subject.baseline)
            if base is None or base.kind != subject.kind:
                raise Where(subject.file).key("baseline").fail(
                    f"no {subject.kind} subject with id {subject.baseline!r} in {directory}")
    return estate
