"""Condition operators: what each one means, how its policy values are read, how a request is judged.

Rules followed (IAM User Guide, "Condition operators", "Multivalued context keys", "Condition with
multiple keys or values"): keys are case-insensitive; the keys of a block are ANDed and a key's values
ORed; a negated operator (StringNotEquals, ArnNotLike, NotIpAddress...) holds when the request value
matches *none* of the policy values; a missing key makes a positive operator false and a negated one
true; `...IfExists` is true when the key is missing; `Null: true` means the key is missing;
`ForAnyValue:` is false when the key is missing; `ForAllValues:` is true when it is missing or empty.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from fractions import Fraction

from .addresses import parse_address
from .errors import Unsupported
from .patterns import split_arn

# base operator -> (family, negated, comparison). Families decide how values are read and compared.
OPERATORS = {
    "StringEquals": ("string", False, None), "StringNotEquals": ("string", True, None),
    "StringEqualsIgnoreCase": ("string-ignore-case", False, None),
    "StringNotEqualsIgnoreCase": ("string-ignore-case", True, None),
    "StringLike": ("like", False, None), "StringNotLike": ("like", True, None),
    "ArnEquals": ("arn", False, None), "ArnLike": ("arn", False, None),
    "ArnNotEquals": ("arn", True, None), "ArnNotLike": ("arn", True, None),
    "Bool": ("bool", False, None), "Null": ("null", False, None),
    "IpAddress": ("ip", False, None), "NotIpAddress": ("ip", True, None),
    "NumericEquals": ("numeric", False, "=="), "NumericNotEquals": ("numeric", True, "=="),
    "NumericLessThan": ("numeric", False, "<"), "NumericLessThanEquals": ("numeric", False, "<="),
    "NumericGreaterThan": ("numeric", False, ">"), "NumericGreaterThanEquals": ("numeric", False, ">="),
    "DateEquals": ("date", False, "=="), "DateNotEquals": ("date", True, "=="),
    "DateLessThan": ("date", False, "<"), "DateLessThanEquals": ("date", False, "<="),
    "DateGreaterThan": ("date", False, ">"), "DateGreaterThanEquals": ("date", False, ">="),
}
NOT_MODELLED = {"BinaryEquals"}  # valid AWS operators the semantics does not cover: NOT CHECKABLE
QUALIFIERS = ("ForAnyValue", "ForAllValues")
COMPARE = {"==": lambda a, b: a == b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
           ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


@dataclass(frozen=True)
class Operator:
    text: str
    base: str
    qualifier: str | None  # ForAnyValue | ForAllValues | None
    if_exists: bool

    @property
    def family(self) -> str:
        return OPERATORS[self.base][0] if self.base in OPERATORS else "not-modelled"

    @property
    def negated(self) -> bool:
        return OPERATORS[self.base][1] if self.base in OPERATORS else False

    @property
    def comparison(self):
        return OPERATORS[self.base][2] if self.base in OPERATORS else None


def parse_operator(text: str) -> Operator | None:
    """None when AWS has no such operator (a typo: bad input, not an unsupported feature)."""
    qualifier, rest = None, text
    if ":" in text:
        qualifier, rest = text.split(":", 1)
        if qualifier not in QUALIFIERS:
            return None
    if_exists = rest.endswith("IfExists")
    base = rest[:-len("IfExists")] if if_exists else rest
    if base not in OPERATORS and base not in NOT_MODELLED:
        return None
    if base == "Null" and (if_exists or qualifier):  # AWS: "IfExists cannot be used with Null"
        return None
    return Operator(text, base, qualifier, if_exists)


@dataclass(frozen=True)
class Condition:
    operator: Operator
    key: str  # lower-cased
    key_text: str  # as written, for messages
    values: tuple  # parsed by family: Glob, ArnPattern, Block, Fraction or bool
    where: str

    def holds(self, context: dict) -> bool:
        op = self.operator
        if op.family == "not-modelled":
            raise Unsupported(f"condition operator {op.text} ({self.where})")
        present = context.get(self.key)
        if op.family == "null":
            missing = not present
            return any(v == missing for v in self.values)
        if not present:  # absent (or an empty set of values)
            if op.if_exists:
                return True
            if op.qualifier == "ForAllValues":
                return True
            if op.qualifier == "ForAnyValue":
                return False
            return op.negated
        judged = [self._value_holds(v, context) for v in present]
        if op.qualifier == "ForAllValues":
            return all(judged)
        if op.qualifier == "ForAnyValue":
            return any(judged)
        # A plain operator on a multivalued key: positive if any request value matches; a negated one
        # then holds only when no request value matches any policy value.
        return all(judged) if op.negated else any(judged)

    def _value_holds(self, request_value: str, context: dict) -> bool:
        matched = any(_matches(self.operator, policy_value, request_value, context) for policy_value in self.values)
        return not matched if self.operator.negated else matched


def _matches(op: Operator, policy_value, request_value: str, context: dict) -> bool:
    family = op.family
    if family == "string":
        return policy_value.matches(request_value, context)
    if family == "string-ignore-case":
        return policy_value.matches(request_value, context, ignore_case=True)
    if family == "like":
        return policy_value.matches(request_value, context)
    if family == "arn":
        return len(split_arn(request_value)) == 6 and policy_value.matches(request_value, context)
    if family == "bool":
        return request_value.lower() == ("true" if policy_value else "false")
    if family == "ip":
        address = parse_address(request_value)
        return address is not None and policy_value.contains(address)
    if family == "numeric":
        number = parse_number(request_value)
        return number is not None and COMPARE[op.comparison](number, policy_value)
    if family == "date":
        moment = parse_date(request_value)
        return moment is not None and COMPARE[op.comparison](moment, policy_value)
    raise AssertionError(family)


def parse_number(value) -> Fraction | None:
    if isinstance(value, bool):
        return None
    try:
        return Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        return None


def parse_date(value) -> Fraction | None:
    """Epoch seconds (exact): ISO 8601 dates and times (UTC when no offset) or epoch numbers."""
    number = parse_number(value)
    if number is not None:
        return number
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return Fraction(delta.days * 86400 + delta.seconds) + Fraction(delta.microseconds, 1_000_000)
