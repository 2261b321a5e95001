"""The CI gate: every required control must have a kernel-verified PASS, or an unexpired exception.

GATE.yaml:

    required: [AC-3, php-4]          # control ids; each must PASS in the run
    exceptions:                      # optional: accepted, owned, time-boxed risks
      - control: AC-3
        owner: alice@example.com
        reason: legacy bucket, migration ticket SEC-42
        expires: 2026-12-31          # last day it applies (UTC); after it, it counts as no exception

A malformed file is refused with its name, line and column, and the YAML path of the bad
element (e.g. ``exceptions[1].expires``): a typo must never weaken a gate silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import yaml

from ..errors import UserError
from ..pipeline.jobs import TOKEN

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EXCEPTION_KEYS = ("control", "owner", "reason", "expires")


class ConfigError(UserError):
    def __init__(self, file, where: str, message: str, node=None):
        mark = getattr(node, "start_mark", None) if node is not None else None
        position = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        super().__init__(f"{file}{position}: {where + ': ' if where else ''}{message}")


@dataclass
class GateConfig:
    path: str
    required: list[str]
    exceptions: list[dict] = field(default_factory=list)


def load_config(path) -> GateConfig:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, "", f"cannot read: {getattr(error, 'strerror', None) or error}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}{where}", "", f"not valid YAML: {getattr(error, 'problem', None) or error}") \
            from None
    if root is None:
        raise ConfigError(path, "", "empty file: expected a mapping with 'required'")
    top = _mapping(path, root, "", ("required", "exceptions"))
    if "required" not in top:
        raise ConfigError(path, "", "missing 'required' (the list of controls that must PASS)", root)
    required = []
    for i, item in enumerate(_sequence(path, top["required"], "required", nonempty=True)):
        cid = _token(path, item, f"required[{i}]")
        if cid in required:
            raise ConfigError(path, f"required[{i}]", f"control {cid!r} is listed twice", item)
        required.append(cid)
    exceptions = []
    for i, node in enumerate(_sequence(path, top["exceptions"], "exceptions") if "exceptions" in top else []):
        where = f"exceptions[{i}]"
        fields = _mapping(path, node, where, EXCEPTION_KEYS)
        for key in EXCEPTION_KEYS:
            if key not in fields:
                raise ConfigError(path, where, f"missing '{key}' (an exception needs {', '.join(EXCEPTION_KEYS)})",
                                  node)
        exceptions.append({"control": _token(path, fields["control"], f"{where}.control"),
                           "owner": _text(path, fields["owner"], f"{where}.owner"),
                           "reason": _text(path, fields["reason"], f"{where}.reason"),
                           "expires": _date(path, fields["expires"], f"{where}.expires")})
    return GateConfig(str(path), required, exceptions)


def _mapping(path, node, where, allowed) -> dict:
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(path, where, "expected a mapping", node)
    out = {}
    for key, value in node.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else None
        here = f"{where}.{name}" if where else str(name)
        if name not in allowed:
            raise ConfigError(path, here, f"unknown key (expected one of: {', '.join(allowed)})", key)
        if name in out:
            raise ConfigError(path, here, "key given twice", key)
        out[name] = value
    return out


def _sequence(path, node, where, nonempty=False) -> list:
    if not isinstance(node, yaml.SequenceNode):
        raise ConfigError(path, where, "expected a list", node)
    if nonempty and not node.value:
        raise ConfigError(path, where, "the list is empty: name at least one control", node)
    return node.value


def _text(path, node, where) -> str:
    if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
        raise ConfigError(path, where, "expected non-empty text", node)
    return node.value.strip()


def _token(path, node, where) -> str:
    value = _text(path, node, where)
    if not TOKEN.match(value):
        raise ConfigError(path, where, f"{value!r} is not a control id (letters, digits, '.', '_', '-')", node)
    return value


def _date(path, node, where) -> date:
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    if value is None or not DATE.match(value):
        raise ConfigError(path, where, f"expected a date YYYY-MM-DD, got {value!r}", node)
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ConfigError(path, where, f"{value!r} is not a date: {error}", node) from None
