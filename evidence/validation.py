"""Configuration files (the gate, the control catalog, subjects and the account) read into pydantic models.

`read` parses YAML or JSON and remembers where each element stands (YAML: line and column; a key
given twice is refused there); `validate` checks the data against a model (extra="forbid": an
unknown key is an error, never ignored) and turns the first error, in the order a reader meets it,
into one line: `file:line:column: path: message`, as `Document.fail` does for the checks a model
cannot make.  A typo must never weaken a gate or a control silently.
"""
from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from .errors import UserError

Loc = tuple  # an element's path in the data: keys and list indexes


class InvalidFile(UserError):
    """A file that is not what it should be: its name, where in it (line and column when known), the
    path of the element (`exceptions[1].expires`) and what is wrong."""

    def __init__(self, file, path: str, message: str, position: tuple[int, int] | None = None):
        self.file, self.path, self.message, self.position = str(file), path, message, position
        at = f":{position[0]}:{position[1]}" if position else ""
        super().__init__(f"{file}{at}: {path + ': ' if path else ''}{message}")


class Strict(BaseModel):
    """A file's schema: every key known, no value coerced behind the reader's back."""
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


@dataclass
class Document:
    """A file's data, and where its elements stand (1-based line and column of each value, and of each key)."""
    file: str
    data: Any
    format: str  # "yaml" or "json"
    raw: bytes = b""  # the file as read
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    error: type[InvalidFile] = InvalidFile
    noun: str = "key"  # what a key is called in messages: "key", or "element" for AWS-style files

    def fail(self, loc: Loc, message: str, at_key: bool = False) -> InvalidFile:
        """The error for the element at `loc` (its key's position with `at_key`), to raise."""
        position = (self.keys if at_key else self.values).get(loc) or self.values.get(loc) or self._nearest(loc)
        return self.error(self.file, element_path(loc), message, position)

    def _nearest(self, loc: Loc) -> tuple[int, int] | None:
        while loc:
            loc = loc[:-1]
            if loc in self.values:
                return self.values[loc]
        return None


def read(path, error: type[InvalidFile] = InvalidFile, noun: str = "key") -> Document:
    """Parse `path` as JSON (NAME.json) or YAML; syntax errors name the line and column."""
    path = Path(path)
    fmt = "json" if path.suffix == ".json" else "yaml"
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as failure:
        raise error(path, "", f"cannot read: {getattr(failure, 'strerror', None) or failure}") from None
    doc = Document(str(path), None, fmt, raw, error=error, noun=noun)
    try:
        if fmt == "json":
            doc.data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
        else:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
            doc.data = None if root is None else _construct(root, (), doc, yaml.SafeLoader(""))
    except json.JSONDecodeError as failure:
        raise error(path, "", f"not valid JSON: {failure.msg}", (failure.lineno, failure.colno)) from None
    except _DuplicateKey as failure:
        raise error(path, "", f"not valid JSON: key {failure.args[0]!r} given twice") from None
    except yaml.YAMLError as failure:
        mark = getattr(failure, "problem_mark", None)
        raise error(path, "", f"not valid {fmt.upper()}: {getattr(failure, 'problem', None) or failure}",
                    (mark.line + 1, mark.column + 1) if mark else None) from None
    except RecursionError:
        raise error(path, "", f"not valid {fmt.upper()}: nested too deeply") from None
    return doc


def validate(model: type[BaseModel], doc: Document) -> Any:
    """`doc`'s data as `model`, or its first error (in reading order) raised as `doc.error`."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as invalid:
        errors = [(_data_loc(doc.data, e["loc"]), e) for e in invalid.errors()]
        loc, first = min(errors, key=lambda item: _reading_order(doc, item[0], item[1]["type"]))
        where = loc[:-1] if first["type"] == "missing" else loc  # a missing key: said of the mapping that lacks it
        if first["type"] == "union_tag_invalid":
            where += (first["ctx"]["discriminator"].strip("'"),)
        raise doc.fail(where, _message(model, doc, loc, first), at_key=first["type"] == "extra_forbidden") from None


def element_path(loc: Loc) -> str:
    """("exceptions", 0, "expires") -> "exceptions[0].expires"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe_type(value) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "a boolean", int: "a number",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


# --- reading ----------------------------------------------------------------------------------------


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _construct(node, loc: Loc, doc: Document, loader) -> Any:
    """A YAML node as Python data (as yaml.safe_load makes it), each element's position noted."""
    doc.values[loc] = _position(node)
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise doc.fail(loc, "expected text keys, got a mapping or list as a key")
            key = _scalar(key_node, loader)
            doc.keys[loc + (key,)] = _position(key_node)
            if key in out:
                raise doc.fail(loc + (key,), f"{doc.noun} given twice", at_key=True)
            out[key] = _construct(value_node, loc + (key,), doc, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, loc + (i,), doc, loader) for i, item in enumerate(node.value)]
    return _scalar(node, loader)


def _scalar(node, loader) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):  # e.g. a timestamp that is not a date (2026-02-30): its text
        return node.value


def _position(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


# --- errors -----------------------------------------------------------------------------------------


def _data_loc(data, loc) -> Loc:
    """pydantic's location without what is not in the data (a union's tag, an index into a single value);
    a missing key is the last part, and stays."""
    out: list = []
    for i, part in enumerate(loc):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        elif not (i == len(loc) - 1 and isinstance(data, dict)):
            continue
        out.append(part)
    return tuple(out)


def _reading_order(doc: Document, loc: Loc, kind: str):
    """Where a reader meets an error: in each mapping, its unknown keys first, then what it lacks, then
    its values in order (an element's own error before those inside it)."""
    order = [(2, doc.values.get(loc[:i + 1], (0, 0))) for i in range(len(loc) - 1)]
    rank = {"extra_forbidden": 0, "missing": 1}.get(kind, 2)
    return order + [(rank, doc.keys.get(loc) or doc.values.get(loc, (0, 0)) if loc else (0, 0))]


def _message(model: type[BaseModel], doc: Document, loc: Loc, error: ErrorDetails) -> str:
    kind, value = error["type"], error.get("input")
    owner = _model_at(model, loc[:-1], doc.data) if loc else model
    mapping = "a mapping" if doc.noun == "key" else "an object"
    if kind == "extra_forbidden" and owner is not None:
        return f"unknown {doc.noun} (expected one of: " \
               f"{', '.join(f.alias or name for name, f in owner.model_fields.items())})"
    if kind == "missing":
        info = owner.model_fields.get(loc[-1]) if owner is not None else None
        info = info or next((f for f in (owner.model_fields.values() if owner else ()) if f.alias == loc[-1]), None)
        return f"missing '{loc[-1]}'" + (f" ({info.description})" if info is not None and info.description else "")
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "union_tag_invalid":
        ctx = error["ctx"]
        return f"unknown {loc[-1] if loc else ''} {ctx['discriminator'].strip(chr(39))} {ctx['tag']!r} " \
               f"(expected one of: {ctx['expected_tags'].replace(chr(39), '')})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected {mapping}, got {describe_type(value)}"
    return {"list_type": f"expected a list, got {describe_type(value)}",
            "too_short": "the list is empty (a non-empty list is expected)",
            "string_type": f"expected text, got {describe_type(value)}",
            "bool_type": f"expected true or false, got {value!r}",
            "union_tag_not_found": "missing 'kind'"}.get(kind, error["msg"])


def _model_at(model, loc: Loc, data) -> type[BaseModel] | None:
    """The model class that holds the element at `loc` (following fields, list items and dict values)."""
    current: Any = model
    for part in loc:
        current = _unwrap(current, data)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part) or next(
                (f for f in current.model_fields.values() if f.alias == part), None)
            if info is None:
                return None
            current = info.annotation
        else:
            args = typing.get_args(current)
            current = args[-1] if args else None
        data = data[part] if isinstance(data, (dict, list)) and _has(data, part) else None
    current = _unwrap(current, data)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _has(data, part) -> bool:
    return part in data if isinstance(data, dict) else isinstance(part, int) and 0 <= part < len(data)


def _unwrap(annotation, data):
    """Through Annotated and Optional; of a union of models, the member the data's literals select."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) > 1:
                members = [m for m in members if _selects(m, data)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _selects(member, data) -> bool:
    if not (isinstance(member, type) and issubclass(member, BaseModel) and isinstance(data, dict)):
        return False
    literals = {n: typing.get_args(f.annotation) for n, f in member.model_fields.items()
                if typing.get_origin(f.annotation) is typing.Literal}
    return bool(literals) and all(data.get(n) in values for n, values in literals.items())


# --- values every file has --------------------------------------------------------------------------


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("expected non-empty text")
    return value.strip()


Text = typing.Annotated[str, AfterValidator(_text)]  # non-empty, without surrounding white space
