"""Readers of the files auditors are handed, each turning one file into subjects (one module per format).

`load_inputs(paths)` walks files and folders (recursively), detects each file's format from its
content (or takes `fmt`), and returns an Estate plus the files refused (with the error naming the
file and element) and skipped (not configuration).  One bad file never refuses the others.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..policy.errors import PolicyInputError
from ..policy.loader import SUFFIXES, Account, Estate, load_subject
from . import awscli, awsconfig, cloudformation, iam_details, terraform
from .common import Skip, Skipped

# Each reader module has `recognises(path, data) -> bool` (data: the parsed JSON object, or None when the
# file is not JSON) and `read(path) -> list` of subjects/accounts raising PolicyInputError. Detection tries
# them in this order; "native" (the hand-written subject format) is the fallback for .json/.yaml/.yml files.
READERS = {"awscli": awscli, "iam-details": iam_details, "awsconfig": awsconfig,
           "cloudformation": cloudformation, "terraform": terraform}
FORMATS = ("native", *READERS)


@dataclass
class Inputs:
    estate: Estate
    read: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # files: "path", or "path (why)" for recognised AWS output
    skip_reasons: dict = field(default_factory=dict)  # each skipped file's path -> why (None: not configuration)
    # "path: element (why)": parts of read files with nothing to check
    skipped_items: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (path, message)


def _files(paths):
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file())
        else:
            yield p


def detect(path: Path) -> str | None:
    """The format of `path` by its content: None when it is not configuration we read."""
    data = None
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return "native"  # the native reader reports the syntax error with its line and column
    for name, reader in READERS.items():
        if reader.recognises(path, data):
            return name
    return "native" if path.suffix in SUFFIXES else None


def load_inputs(paths, fmt: str | None = None) -> Inputs:
    out = Inputs(Estate())
    for path in _files(paths):
        kind = fmt or detect(path)
        if kind is None:
            out.skipped.append(str(path))
            out.skip_reasons[str(path)] = None
            continue
        try:
            loaded = [load_subject(path)] if kind == "native" else READERS[kind].read(path)
        except PolicyInputError as error:
            out.refused.append((str(path), str(error)))
            continue
        except Skip as why:
            out.skipped.append(f"{path} ({why})")
            out.skip_reasons[str(path)] = str(why)
            continue
        out.read.append(str(path))
        for item in loaded:
            if isinstance(item, Skipped):
                out.skipped_items.append(f"{path}: {item.element} ({item.reason})")
            elif isinstance(item, Account):
                if item.id in out.estate.accounts:
                    out.refused.append((str(path), f"account {item.id} is also described in "
                                                    f"{out.estate.accounts[item.id].file}"))
                else:
                    out.estate.accounts[item.id] = item
            elif item.id in out.estate.subjects:
                out.refused.append((str(path), f"subject id {item.id!r} is also used by "
                                                f"{out.estate.subjects[item.id].source}"))
            else:
                out.estate.subjects[item.id] = item
    subjects, changed = out.estate.subjects, True
    while changed:  # a baseline names a subject of the same kind, as load_estate asks, also once others are refused
        changed = False
        for subject in list(subjects.values()):
            base = subjects.get(subject.baseline) if subject.baseline is not None else subject
            if base is None or base.kind != subject.kind:
                out.refused.append((subject.source or subject.file,
                                    f"baseline: no {subject.kind} subject with id {subject.baseline!r} in the inputs"))
                del subjects[subject.id]
                changed = True
    return out
