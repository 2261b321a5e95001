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

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from ..validation import Strict, Text, read, validate
from .addresses import parse_block
from .document import IDENTITY, RCP, RESOURCE, SCP, TRUST, Policy, parse_policy
from .errors import PolicyInputError, Where
from .network import NetworkAcl, SecurityGroup, parse_network_acl, parse_security_group
from .patterns import parse_arn_pattern

POLICY_KINDS = {"iam-policy": IDENTITY, "s3-bucket-policy": RESOURCE, "kms-key-policy": RESOURCE,
                "resource-policy": RESOURCE, "role-trust-policy": TRUST, "scp": SCP,
                "rcp": RCP}
KINDS = tuple(POLICY_KINDS) + ("security-group", "network-acl")
SUFFIXES = (".json", ".yaml", ".yml")
ACCOUNT_ID = re.compile(r"^\d{12}$")
ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")


# --- the files' schemas -----------------------------------------------------------------------------


def _account_id(value) -> str:
    value = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(value, str) or not ACCOUNT_ID.match(value):
        raise ValueError(f"expected a 12-digit account id (quoted in YAML), got {value!r}")
    return value


def _organization(value: str) -> str:
    if not ORG_ID.match(value):
        raise ValueError(f"{value!r} is not an organization id (o-...)")
    return value


def _source(value: str):
    try:
        return parse_block(value)
    except ValueError as error:
        raise ValueError(str(error)) from None


def _kind(value) -> str:
    if value not in KINDS:
        raise ValueError(f"unknown kind {value!r} (expected one of: account, {', '.join(KINDS)})")
    return value


def _arn(name: str) -> str:
    pattern = parse_arn_pattern(name, variables=False)
    if pattern is None or pattern.open_tail or not all(g.is_literal for g in pattern.components[:5]):
        raise ValueError(f"{name!r} is not an ARN (arn:partition:service:region:account:resource; "
                         "wildcards only in the resource part, e.g. arn:aws:s3:::logs/*)")
    return name


def _one_or_many(value):
    return value if isinstance(value, list) else [value]  # AWS style: a single value, or a list of them


AccountId = Annotated[Any, AfterValidator(_account_id)]


class AccountFile(Strict):
    kind: Literal["account"]
    id: AccountId
    organization: Annotated[Text, AfterValidator(_organization)] | None = None
    trusted_accounts: list[AccountId] = []
    trusted_sources: list[Annotated[Text, AfterValidator(_source)]] = []  # CIDR blocks
    description: Any = None


class SubjectFile(Strict):
    kind: Annotated[Any, AfterValidator(_kind)]
    id: Text
    account: AccountId
    description: Text | None = None
    resources: Annotated[list[Annotated[Text, AfterValidator(_arn)]], BeforeValidator(_one_or_many),
                         Field(min_length=1)] = []
    baseline: Text | None = None
    document: Any = Field(description="the policy, or the EC2 API shape")


# --- what the controls read -------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    kind: str
    id: str
    account: str
    file: str
    document: Any  # Policy | SecurityGroup | NetworkAcl, as `kind` says
    resources: tuple = ()  # ARN patterns: what a resource policy protects (the bucket, its objects)
    baseline: str | None = None
    description: str = ""
    source: str = ""  # the file the subject was read from
    element: str = ""  # its element path inside that file, e.g. Resources.MyBucketPolicy.Properties.PolicyDocument

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


def load_subject(path) -> Subject | Account:
    doc = read(path, PolicyInputError, noun="element")
    if isinstance(doc.data, dict) and doc.data.get("kind") == "account":
        a = validate(AccountFile, doc)
        return Account(a.id, a.organization, tuple(a.trusted_accounts), tuple(a.trusted_sources), doc.file)
    s = validate(SubjectFile, doc)
    where = Where(path)  # element paths inside the document start at its root: Statement[2]...
    document: Policy | SecurityGroup | NetworkAcl
    if s.kind in POLICY_KINDS:
        document = parse_policy(s.document, where, POLICY_KINDS[s.kind])
    elif s.kind == "security-group":
        document = parse_security_group(s.document, where)
    else:
        document = parse_network_acl(s.document, where)
    return Subject(s.kind, s.id, s.account, str(path), document, tuple(s.resources), s.baseline,
                   s.description or "", source=str(path), element="document")


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
