"""What the AWS readers share: reading a file's JSON, and policy documents as AWS returns them (an
object, a JSON string, or a URL-encoded JSON string as IAM's get-role and AWS Config give them)."""
from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from ..policy.document import Rules, parse_policy
from ..policy.errors import Where


def read_json(path):
    where = Where(path)
    try:
        return json.loads(Path(path).read_text("utf-8")), where
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise where.fail(f"cannot read as JSON: {error}") from None


def items_of(data, key, where: Where):
    """(object, where) for each element of the list data[key] (absent: none), each an object."""
    items = data.get(key, [])
    if not isinstance(items, list):
        raise where.key(key).fail("expected a list")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise where.key(key).index(i).fail("expected an object")
        yield item, where.key(key).index(i)


def policy_document(value, where: Where):
    """The document as an object: JSON text is parsed, URL-encoded JSON text ("%7B%22Version...") decoded first."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        raise where.fail("expected a policy document (an object or JSON text)")
    text = value.strip()
    if text.startswith("%7B") or text.startswith("%7b"):
        text = urllib.parse.unquote(text)
    try:
        document = json.loads(text)
    except ValueError as error:
        raise where.fail(f"the policy document is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise where.fail("expected a policy document (a JSON object)")
    return document


def parse_document(value, where: Where, rules: Rules):
    return parse_policy(policy_document(value, where), where, rules)


class Skip(Exception):
    """A file that is recognisably AWS output but holds nothing to check (its reason is listed, never silent)."""


@dataclass(frozen=True)
class Skipped:
    """One item of a file that holds nothing to check, returned among the subjects so that it is listed."""
    element: str
    reason: str


ACCOUNT_FOLDER = re.compile(r"^\d{12}$")


def account_from_folders(path, where: Where, what: str) -> str:
    """The account of an output that does not name it: the nearest folder named by a 12-digit account id."""
    for folder in Path(path).resolve().parents:
        if ACCOUNT_FOLDER.match(folder.name):
            return folder.name
    raise where.fail(f"{what} does not say which account it belongs to: put the file in a folder named by "
                     "the 12-digit account id (e.g. export/111122223333/...)")
