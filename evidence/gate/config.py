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
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from ..pipeline.jobs import TOKEN
from ..validation import InvalidFile, Strict, Text, read, validate

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ConfigError(InvalidFile):
    """A gate file that cannot be read, or is not a gate (exit code 2)."""


def _control_id(value: str) -> str:
    if not TOKEN.match(value):
        raise ValueError(f"{value!r} is not a control id (letters, digits, '.', '_', '-')")
    return value


def _date(value) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not DATE.match(value):
        raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a date: {error}") from None


ControlId = Annotated[Text, AfterValidator(_control_id)]
Day = Annotated[date, BeforeValidator(_date)]


class GateException(Strict):
    control: ControlId = Field(description="the control it excepts")
    owner: Text = Field(description="who accepted the risk")
    reason: Text = Field(description="why")
    expires: Day = Field(description="the last day it applies, YYYY-MM-DD")


class GateFile(Strict):
    required: list[ControlId] = Field(min_length=1, description="the list of controls that must PASS")
    exceptions: list[GateException] = []


@dataclass
class GateConfig:
    path: str
    required: list[str]
    exceptions: list[dict] = field(default_factory=list)


def load_config(path) -> GateConfig:
    doc = read(path, ConfigError)
    if doc.data is None:
        raise doc.fail((), "empty file: expected a mapping with 'required'")
    gate = validate(GateFile, doc)
    for i, cid in enumerate(gate.required):
        if cid in gate.required[:i]:
            raise doc.fail(("required", i), f"control {cid!r} is listed twice")
    return GateConfig(str(path), list(gate.required), [e.model_dump() for e in gate.exceptions])
