"""The control catalog: versioned YAML, identified by the sha256 of its bytes.

Each control states a property in plain words and as a *query*: a small declarative description of the
violation the encoder turns into an SMT problem (and the concrete search looks for). Query kinds:

  no-full-access                    the policy allows any action (one it does not name) on any resource
  no-action-on-any-resource         actions: [..]; one of them is allowed on a resource the policy does not name
  no-public-access                  actions: [..]; someone outside the account and organisation (anonymous, or
                                    an AWS principal or service the policy does not name) is allowed one of them
  only-trusted-principals           actions: [..] (default all); a principal outside the account, the
                                    organisation and the account's trusted_accounts is allowed
  trust-within-organization         oidc_keys: [aud, sub]; attacker_values: {sub: [..]}; a principal outside the
                                    organisation may assume the role, or a web identity whose token lacks, or has
                                    an attacker's value for, one of the keys
  explicit-deny                     actions: [..]; context: {key: [values] | null}; except_principals: [ARN globs];
                                    a request with that context, by a principal not excepted, is not explicitly denied
Queries on requests take an optional `resources: [ARN globs]`: the witness's resource must match one
(e.g. objects only, for s3:PutObject); it must also be one the subject protects (its `resources`).
  no-world-ingress                  protocol: tcp; ports: [22, 3389]; a packet from an address outside the
                                    account's trusted_sources reaches one of the ports
  no-rules                          the (default) security group admits some packet, in or out
  world-ingress-only-on             allowed: [{protocol: tcp, ports: [80, 443]}]; a packet from outside the trusted
                                    sources reaches a protocol/port not in the list
  no-more-permissive-than-baseline  a request the subject allows and its approved baseline does not
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Where, integer, mapping, text
from .loader import KINDS, POLICY_KINDS
from .network import PORTED, parse_protocol
from .patterns import parse_action_pattern, parse_arn_pattern

NIST, SOC2, CIS = "nist-800-53r5", "soc2-tsc", "cis-aws-foundations"
FRAMEWORKS = (NIST, SOC2, CIS)
POLICIES = tuple(POLICY_KINDS)
NETWORK = ("security-group", "network-acl")

# kind -> (allowed parameters, required parameters, subject kinds it can apply to)
QUERY_KINDS = {
    "no-full-access": ((), (), POLICIES),
    "no-action-on-any-resource": (("actions",), ("actions",), POLICIES),
    "no-public-access": (("actions", "resources"), ("actions",), POLICIES),
    "only-trusted-principals": (("actions", "resources"), (), POLICIES),
    "trust-within-organization": (("oidc_keys", "attacker_values"), (), ("role-trust-policy",)),
    "explicit-deny": (("actions", "resources", "context", "except_principals"), ("actions",), POLICIES),
    "no-world-ingress": (("protocol", "ports"), ("protocol", "ports"), NETWORK),
    "no-rules": ((), (), ("security-group",)),
    "world-ingress-only-on": (("allowed",), ("allowed",), NETWORK),
    "no-more-permissive-than-baseline": ((), (), POLICIES),
}
CONTROL_FIELDS = ("id", "title", "statement", "applies_to", "only_default", "query", "mappings")
CATALOG_FIELDS = ("version", "name", "description", "frameworks", "controls")


@dataclass(frozen=True)
class Query:
    kind: str
    params: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    statement: str
    applies_to: tuple
    query: Query
    mappings: dict  # framework -> tuple of identifiers
    only_default: bool = False  # only the default security group / network ACL

    def applies(self, subject) -> bool:
        if subject.kind not in self.applies_to:
            return False
        if self.query.kind == "no-more-permissive-than-baseline" and subject.baseline is None:
            return False
        return not self.only_default or getattr(subject.document, "is_default", False)


@dataclass(frozen=True)
class Catalog:
    version: str
    name: str
    sha256: str
    controls: tuple
    frameworks: dict
    path: str

    def control(self, control_id: str) -> Control:
        for c in self.controls:
            if c.id == control_id:
                return c
        raise KeyError(control_id)


def load_catalog(path) -> Catalog:
    path = Path(path)
    where = Where(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise where.fail(f"cannot read: {error.strerror or error}") from None
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except RecursionError:
        raise where.fail("not valid YAML: nested too deeply") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        at = Where(f"{path}:{mark.line + 1}:{mark.column + 1}") if mark else where
        raise at.fail(f"not valid YAML: {getattr(error, 'problem', None) or error}") from None
    mapping(data, where, CATALOG_FIELDS, required=("version", "name", "controls"))
    version = text(str(data["version"]) if isinstance(data["version"], (int, float)) else data["version"],
                   where.key("version"))
    frameworks = mapping(data.get("frameworks", {}), where.key("frameworks"), FRAMEWORKS)
    if not isinstance(data["controls"], list) or not data["controls"]:
        raise where.key("controls").fail("expected a non-empty list of controls")
    controls, seen = [], set()
    for i, node in enumerate(data["controls"]):
        control = _control(node, where.key("controls").index(i))
        if control.id in seen:
            raise where.key("controls").index(i).key("id").fail(f"control id {control.id!r} is used twice")
        seen.add(control.id)
        controls.append(control)
    return Catalog(version, text(data["name"], where.key("name")), hashlib.sha256(raw).hexdigest(),
                   tuple(controls), dict(frameworks), str(path))


def _control(node, where: Where) -> Control:
    mapping(node, where, CONTROL_FIELDS, required=("id", "title", "statement", "applies_to", "query", "mappings"))
    control_id = text(node["id"], where.key("id"))
    query = _query(node["query"], where.key("query"))
    allowed_kinds = QUERY_KINDS[query.kind][2]
    applies = node["applies_to"]
    if not isinstance(applies, list) or not applies:
        raise where.key("applies_to").fail("expected a non-empty list of subject kinds")
    for i, kind in enumerate(applies):
        if kind not in KINDS:
            raise where.key("applies_to").index(i).fail(f"unknown subject kind {kind!r}")
        if kind not in allowed_kinds:
            raise where.key("applies_to").index(i).fail(f"a {query.kind} query cannot apply to {kind}")
    mappings = mapping(node["mappings"], where.key("mappings"), FRAMEWORKS)
    parsed = {}
    for framework, ids in mappings.items():
        w = where.key("mappings").key(framework)
        if not isinstance(ids, list):
            raise w.fail("expected a list of control identifiers")
        parsed[framework] = tuple(text(str(v) if isinstance(v, (int, float)) else v, w.index(j))
                                  for j, v in enumerate(ids))
    only_default = node.get("only_default", False)
    if not isinstance(only_default, bool):
        raise where.key("only_default").fail("expected true or false")
    return Control(control_id, text(node["title"], where.key("title")), text(node["statement"], where.key("statement")),
                   tuple(applies), query, parsed, only_default)


def _query(node, where: Where) -> Query:
    mapping(node, where, required=("kind",))
    kind = node["kind"]
    if kind not in QUERY_KINDS:
        raise where.key("kind").fail(f"unknown query kind {kind!r} (expected one of: {', '.join(QUERY_KINDS)})")
    allowed, required, _ = QUERY_KINDS[kind]
    mapping(node, where, ("kind",) + allowed, required=required)
    params = {}
    for name in allowed:
        if name in node:
            params[name] = PARAMETERS[name](node[name], where.key(name))
    return Query(kind, params)


def _list(value, where: Where) -> list:
    if not isinstance(value, list) or not value:
        raise where.fail("expected a non-empty list")
    return [(v, where.index(i)) for i, v in enumerate(value)]


def _actions(value, where):
    out = []
    for item, w in _list(value, where):
        if parse_action_pattern(text(item, w)) is None:
            raise w.fail(f"{item!r} is not an action (service:Action or *)")
        out.append(item.lower())
    return tuple(out)


def _context(value, where):
    mapping(value, where)
    out = {}
    for key, values in value.items():
        w = where.key(key)
        if ":" not in key:
            raise w.fail(f"{key!r} is not a condition key")
        if values is None:
            out[key.lower()] = None
        else:
            out[key.lower()] = tuple(str(v).lower() if isinstance(v, bool) else text(str(v), wi)
                                     for v, wi in _list(values, w))
    return out


def _principal_globs(value, where):
    out = []
    for item, w in _list(value, where):
        if parse_arn_pattern(text(item, w), variables=False) is None:
            raise w.fail(f"{item!r} is not an ARN pattern")
        out.append(item)
    return tuple(out)


def _oidc_keys(value, where):
    return tuple(text(v, w) for v, w in _list(value, where))


def _attacker_values(value, where):
    mapping(value, where)
    return {key: tuple(text(v, w) for v, w in _list(values, where.key(key))) for key, values in value.items()}


def _ports(value, where):
    return tuple(integer(v, w, 0, 65535) for v, w in _list(value, where))


def _allowed(value, where):
    out = []
    for item, w in _list(value, where):
        mapping(item, w, ("protocol", "ports"), required=("protocol",))
        protocol = parse_protocol(item["protocol"], w.key("protocol"))
        ports = _ports(item["ports"], w.key("ports")) if "ports" in item else None
        if ports is None and protocol in PORTED:
            raise w.fail("missing 'ports' for a TCP or UDP entry")
        out.append((protocol, ports))
    return tuple(out)


PARAMETERS = {
    "actions": _actions, "context": _context, "except_principals": _principal_globs, "oidc_keys": _oidc_keys,
    "attacker_values": _attacker_values, "ports": _ports, "allowed": _allowed, "resources": _principal_globs,
    "protocol": lambda v, w: parse_protocol(v, w),
}
