"""A policy to ask about, from a file: a bare IAM policy document (JSON or YAML), or one of our subject
files (`kind: ...`, `document: ...`). Bad input names the file, the line and column, and the element."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..policy.document import Policy, Rules, parse_policy
from ..policy.errors import PolicyInputError, Where
from ..policy.loader import POLICY_KINDS, Subject, load_subject
from ..validation import read

# A bare document may or may not name principals: the question, not the file, says what it is.
ANY_POLICY = Rules("optional", "optional")
STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def load_policy(path) -> Policy:
    """The policy in `path`; PolicyInputError (exit 2) when it is not one."""
    path = Path(path)
    doc = read(path, PolicyInputError, noun="element")
    if isinstance(doc.data, dict) and "kind" in doc.data and "document" in doc.data:
        subject = load_subject(path)
        if not isinstance(subject, Subject) or not subject.is_policy:
            raise PolicyInputError(path, "kind", f"a {getattr(subject, 'kind', 'account')} file is not a policy "
                                                 f"(expected one of: {', '.join(POLICY_KINDS)})")
        return subject.document
    try:
        return parse_policy(doc.data, Where(path), ANY_POLICY)
    except PolicyInputError as error:
        raise PolicyInputError(error.file, error.path, error.message, _position(doc, error.path)) from None


def _position(doc, element: str) -> tuple[int, int] | None:
    """Line and column of an element path (`Statement[1].Condition`): YAML files know them; a JSON
    file is read again as YAML (JSON is YAML 1.2) to find them."""
    loc = tuple(int(i) if i else k for k, i in STEP.findall(element))
    values = doc.values
    if not values and doc.format == "json":
        try:
            again = read_as_yaml(doc.raw.decode("utf-8"), doc.file)
            values = again.values
        except (yaml.YAMLError, PolicyInputError, ValueError):
            return None
    while loc and loc not in values:
        loc = loc[:-1]
    return values.get(loc)


def read_as_yaml(text: str, file: str):
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as f:
        f.write(text.replace("\t", " "))
    try:
        return read(f.name, PolicyInputError, noun="element")
    finally:
        Path(f.name).unlink(missing_ok=True)
