"""The two ways a configuration can escape the semantics: it is wrong, or it is right but beyond us.

A `PolicyInputError` is bad input (malformed JSON or YAML, a misspelled element, a wrong type, an
invalid CIDR or ARN): it names the file and the element path and must stop the run, never pass.
An `Unsupported` feature is valid AWS but not modelled (a `BinaryEquals` condition, a prefix list in a
security group): the verdict becomes NOT CHECKABLE, naming the feature.
"""
from __future__ import annotations

from ..validation import InvalidFile, describe_type


class PolicyInputError(InvalidFile):
    """A subject, account or catalog file that is not valid: file, element path, message (exit code 2)."""


class Unsupported(Exception):
    """Raised while evaluating an element the semantics does not model; `feature` says which, and where."""

    def __init__(self, feature: str):
        self.feature = feature
        super().__init__(f"not supported: {feature}")


class Where:
    """A file and an element path inside it, so that every error can say exactly what is wrong where."""

    def __init__(self, file, path: str = ""):
        self.file, self.path = str(file), path

    def key(self, name) -> "Where":
        return Where(self.file, f"{self.path}.{name}" if self.path else str(name))

    def index(self, i: int) -> "Where":
        return Where(self.file, f"{self.path}[{i}]")

    def fail(self, message: str) -> PolicyInputError:
        return PolicyInputError(self.file, self.path, message)

    def __str__(self):
        return f"{self.file}: {self.path}" if self.path else self.file


def mapping(value, where: Where, allowed=None, required=()) -> dict:
    if not isinstance(value, dict):
        raise where.fail(f"expected an object, got {describe_type(value)}")
    for name in value:
        if not isinstance(name, str):
            raise where.fail(f"expected text keys, got {name!r}")
        if allowed is not None and name not in allowed:
            raise where.key(name).fail(f"unknown element (expected one of: {', '.join(allowed)})")
    for name in required:
        if name not in value:
            raise where.fail(f"missing '{name}'")
    return value


def one_or_many(value, where: Where) -> list[tuple[object, Where]]:
    """AWS lets most elements be a single value or a list of them; a list's items get their index."""
    if isinstance(value, list):
        if not value:
            raise where.fail("expected at least one value, got an empty list")
        return [(item, where.index(i)) for i, item in enumerate(value)]
    return [(value, where)]


def text(value, where: Where, allow_empty=False) -> str:
    if not isinstance(value, str):
        raise where.fail(f"expected text, got {describe_type(value)}")
    if not allow_empty and not value:
        raise where.fail("expected non-empty text")
    return value


def integer(value, where: Where, low=None, high=None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise where.fail(f"expected an integer, got {describe_type(value)}")
    try:
        number = int(value)
    except ValueError:
        raise where.fail(f"expected an integer, got {value!r}") from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise where.fail(f"{number} is out of range {low}..{high}")
    return number


__all__ = ["PolicyInputError", "Unsupported", "Where", "describe_type", "integer", "mapping", "one_or_many", "text"]
