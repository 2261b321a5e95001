"""Where in its file a result points: the line of the subject's element, or of the offending statement.

A FAIL's reason names the statement or rule that admits the counterexample as `FILE: PATH` (PATH from
the subject's document root, e.g. `Statement[1]`); the subject's own element path says where that
document sits in the file.  Lines are read from the file as the run read it (its stored copy)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_element(element: str) -> tuple:
    """"Resources.Bucket.Properties.PolicyDocument" or "Statement[1]" -> ("Resources", ..., "Statement", 1)."""
    return tuple(int(index) if index else key for key, index in PART.findall(element or ""))


def offending_element(reason: str | None, file: str) -> str | None:
    """The element path a FAIL's reason names inside `file`, if it names one."""
    if not reason or not file:
        return None
    found = re.search(re.escape(file) + r": ([A-Za-z0-9_]+(?:\[\d+\])*(?:\.[A-Za-z0-9_]+(?:\[\d+\])*)*)", reason)
    return found[1] if found else None


def line_of(path: Path, loc: tuple) -> int | None:
    """1-based line where the element at `loc` starts in the JSON or YAML file at `path`; None when the
    file cannot be read or has no such element (the caller falls back to the nearest known one)."""
    try:
        node = yaml.compose(path.read_text("utf-8"), Loader=yaml.SafeLoader)  # JSON files are YAML too
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
        if node is None:
            return line
        line = node.start_mark.line + 1
    return line


def result_line(path: Path | None, element: str, reason: str | None, file: str) -> int | None:
    """The line of the offending statement when the reason names one, else of the subject's element."""
    if path is None:
        return None
    inner = offending_element(reason, file)
    return line_of(path, parse_element(element) + (parse_element(inner) if inner else ()))
