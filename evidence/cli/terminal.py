"""What the commands print on a terminal: result words in colour (never when piped, never with NO_COLOR,
https://no-color.org), and JSON for scripts."""
from __future__ import annotations

import json
import os
import re

import click

from ..results import Result

COLOURS = {Result.PASS: "green", Result.FAIL: "red", Result.NOT_CHECKABLE: "yellow"}
WORD = re.compile(r"\b(PASS|FAIL|NOT CHECKABLE)\b")


def colour_enabled(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set to anything but the empty string."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(line: str, enabled: bool) -> str:
    """The first result word of `line` in its colour (bold), when `enabled`."""
    if not enabled:
        return line
    return WORD.sub(lambda m: click.style(m[1], fg=COLOURS[Result(m[1])], bold=True), line, count=1)


def echo_result(line: str, err: bool = False) -> None:
    stream = click.get_text_stream("stderr" if err else "stdout")
    click.echo(paint(line, colour_enabled(stream)), err=err, color=colour_enabled(stream))


def echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True, default=str))
