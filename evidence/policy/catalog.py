"""The control catalog: versioned YAML, identified by the sha256 of its bytes.

Each control states a property in plain words and as a *query*: a small declarative description of the
violation the encoder turns into an SMT problem (and the concrete search looks for). Query kinds:

  no-full-access                    the policy allows any action (one it does not name) on any resource
  no-action-on-any-resource         actions: [..]; one of them is allowed on a resource the policy does not name
  no-public-access                  actions: [..]; someone outside the account and organisation (anonymous, or
                                    an AWS principal or service the policy does not name) is allowed one of them
  only-trusted-principals           actions: [..] (default all); a principal outside the account, the
                                    organisation and the account's trusted_accounts is allowed
  trust-within-organization         oidc_keys: [aud, sub]; attacker_values: {sub: [..]}; a principal outside the
                                    organisation may assume the role, or a web identity whose token lacks, or has
                                    an attacker's value for, one of the keys
  explicit-deny                     actions: [..]; context: {key: [values] | null}; except_principals: [ARN globs];
                                    a request with that context, by a principal not excepted, is not explicitly denied
Queries on requests take an optional `resources: [ARN globs]`: the witness's resource must match one
(e.g. objects only, for s3:PutObject); it must also be one the subject protects (its `resources`).
  no-world-ingress                  protocol: tcp; ports: [22, 3389]; a packet from an address outside the
                                    account's trusted_sources reaches one of the ports
  no-rules                          the (default) security group admits some packet, in or out
  world-ingress-only-on             allowed: [{protocol: tcp, ports: [80, 443]}]; a packet from outside the trusted
                                    sources reaches a protocol/port not in the list
  no-more-permissive-than-baseline  a request the subject allows and its approved baseline does not
The direct questions (evidence/questions/) as controls, each with its question's own formula and
evaluator check (the control FAILs exactly when the question answers yes, public, exposed):
  not-allowed                       principal, action, resource, context: {key: [values]}, as `policy can`
                                    takes them (each optional); a request within them is allowed. A context
                                    key no admitted action can carry is refused, as `policy can` refuses it
  no-allow-all                      (`policy allows-all`) the policy allows every request. No single request
                                    witnesses that, so this kind PASSes on an UNSAT certificate that one
                                    refused candidate request is allowed, and never FAILs: with no refused
                                    candidate it is NOT CHECKABLE (queries._refusal)
  not-public                        a member of the public (Access Analyzer's definition, as `policy public`
                                    implements it for the subject's kind; the zone of trust is the subject's
                                    account alone) is allowed
  not-exposed                       protocol: tcp | udp | all (default tcp); ports: P or "P-Q"; from: [CIDRs]
                                    (default 0.0.0.0/0 and ::/0 less private addresses), as `network exposed`;
                                    a packet from those addresses reaches the ports through the subject alone
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from ..validation import Strict, Text, read, validate
from .errors import PolicyInputError, Where
from .loader import KINDS, POLICY_KINDS
from .network import PORTED, parse_protocol
from .patterns import parse_action_pattern, parse_arn_pattern

NIST, SOC2, CIS = "nist-800-53r5", "soc2-tsc", "cis-aws-foundations"
FRAMEWORKS = (NIST, SOC2, CIS)
POLICIES = tuple(POLICY_KINDS)
NETWORK = ("security-group", "network-acl")
# the subject kinds `policy public --kind` knows (questions/public.KINDS)
PUBLIC_KINDS = ("s3-bucket-policy", "kms-key-policy", "role-trust-policy", "resource-policy")


# --- the file's schema ------------------------------------------------------------------------------


def _number_as_text(value):
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _checked(check):
    """A value checked by a parser that reports through a Where, as a pydantic validator."""
    def validate(value):
        try:
            return check(value, Where(""))
        except PolicyInputError as error:
            raise ValueError(error.message) from None
    return validate


def _action(value):
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected text, got {value!r}")
    if parse_action_pattern(value) is None:
        raise ValueError(f"{value!r} is not an action (service:Action or *)")
    return value.lower()


def _arn_glob(value):
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected text, got {value!r}")
    if parse_arn_pattern(value, variables=False) is None:
        raise ValueError(f"{value!r} is not an ARN pattern")
    return value


def _condition_key(key: str) -> str:
    if ":" not in key:
        raise ValueError(f"{key!r} is not a condition key")
    return key


def _context_value(value) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if not text:
        raise ValueError("expected non-empty text")
    return text


def _port(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected an integer, got {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"expected an integer, got {value!r}") from None
    if not 0 <= number <= 65535:
        raise ValueError(f"{number} is out of range 0..65535")
    return number


def _kind(value: str) -> str:
    if value not in KINDS:
        raise ValueError(f"unknown subject kind {value!r}")
    return value


Nonempty = Field(min_length=1)
Actions = Annotated[list[Annotated[Any, AfterValidator(_action)]], Nonempty]
ArnGlobs = Annotated[list[Annotated[Any, AfterValidator(_arn_glob)]], Nonempty]
Ports = Annotated[list[Annotated[Any, AfterValidator(_port)]], Nonempty]
Protocol = Annotated[Any, AfterValidator(_checked(parse_protocol))]
Context = dict[Annotated[str, AfterValidator(_condition_key)],
               Annotated[list[Annotated[Any, AfterValidator(_context_value)]], Nonempty] | None]


class Allowed(Strict):
    protocol: Protocol
    ports: Ports | None = None

    @model_validator(mode="after")
    def _ported(self):
        if self.ports is None and self.protocol in PORTED:
            raise ValueError("missing 'ports' for a TCP or UDP entry")
        return self


class NoFullAccess(Strict):
    kind: Literal["no-full-access"]


class NoActionOnAnyResource(Strict):
    kind: Literal["no-action-on-any-resource"]
    actions: Actions


class NoPublicAccess(Strict):
    kind: Literal["no-public-access"]
    actions: Actions
    resources: ArnGlobs | None = None


class OnlyTrustedPrincipals(Strict):
    kind: Literal["only-trusted-principals"]
    actions: Actions | None = None
    resources: ArnGlobs | None = None


class TrustWithinOrganization(Strict):
    kind: Literal["trust-within-organization"]
    oidc_keys: Annotated[list[Text], Nonempty] | None = None
    attacker_values: dict[str, Annotated[list[Text], Nonempty]] | None = None


class ExplicitDeny(Strict):
    kind: Literal["explicit-deny"]
    actions: Actions
    resources: ArnGlobs | None = None
    context: Context | None = None
    except_principals: ArnGlobs | None = None


class NoWorldIngress(Strict):
    kind: Literal["no-world-ingress"]
    protocol: Protocol
    ports: Ports


class NoRules(Strict):
    kind: Literal["no-rules"]


class WorldIngressOnlyOn(Strict):
    kind: Literal["world-ingress-only-on"]
    allowed: Annotated[list[Allowed], Nonempty]


class NoMorePermissiveThanBaseline(Strict):
    kind: Literal["no-more-permissive-than-baseline"]


def _user_checked(check):
    """A value checked by a command-line parser of the questions (UserError), as a pydantic validator."""
    def validate(value):
        from ..errors import UserError
        if not isinstance(value, str) or not value:
            raise ValueError(f"expected text, got {value!r}")
        try:
            check(value)
        except UserError as error:
            raise ValueError(str(error).split(": ", 1)[-1]) from None
        return value
    return validate


def _principal(value):
    from ..questions.can import parse_principal
    return parse_principal(value)


def _context_key(key: str) -> str:
    from .request import DERIVED_KEYS
    _condition_key(key)
    if key.lower() in DERIVED_KEYS:
        raise ValueError(f"{key}: AWS derives it from the principal; give 'principal' instead")
    return key


def _ports(value):
    """A port or a range P-Q, as `network exposed --port` takes it: (low, high)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected a port or a range P-Q, got {value!r}")
    low, _, high = str(value).partition("-")
    first, last = _port(low.strip()), _port(high.strip() or low.strip())
    if first > last:
        raise ValueError(f"{value!r}: the range is empty")
    return (first, last)


def _cidr(value):
    from .addresses import parse_block
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected a CIDR block, got {value!r}")
    try:
        parse_block(value)
    except ValueError as error:
        raise ValueError(f"{value!r}: {error}") from None
    return value


RequestContext = dict[Annotated[str, AfterValidator(_context_key)],
                      Annotated[list[Annotated[Any, AfterValidator(_context_value)]], Nonempty]]


class NotAllowed(Strict):
    """`policy can` as a control: its fields, as the command line takes them."""
    kind: Literal["not-allowed"]
    principal: Annotated[Any, BeforeValidator(_number_as_text), AfterValidator(_user_checked(_principal))] | None = None
    action: Annotated[Any, AfterValidator(_action)] | None = None
    resource: Annotated[Any, AfterValidator(_arn_glob)] | None = None
    context: RequestContext | None = None

    @field_validator("context")
    @classmethod
    def _realisable(cls, context, info: ValidationInfo):
        """A key no action of the query can carry makes it a question about no request (as `policy can`)."""
        from ..questions.can import narrowed_actions
        narrowed_actions(info.data.get("action"), [k.lower() for k in context or {}])  # ValueError names it
        return context


class NoAllowAll(Strict):
    kind: Literal["no-allow-all"]


class NotPublic(Strict):
    kind: Literal["not-public"]


class NotExposed(Strict):
    """`network exposed` as a control."""
    kind: Literal["not-exposed"]
    protocol: Literal["tcp", "udp", "all"] = "tcp"
    ports: Annotated[Any, AfterValidator(_ports)]
    sources: Annotated[list[Annotated[Any, AfterValidator(_cidr)]], Nonempty] | None = Field(None, alias="from")


# kind -> (its model, subject kinds it can apply to)
QUERY_KINDS = {
    "no-full-access": (NoFullAccess, POLICIES),
    "no-action-on-any-resource": (NoActionOnAnyResource, POLICIES),
    "no-public-access": (NoPublicAccess, POLICIES),
    "only-trusted-principals": (OnlyTrustedPrincipals, POLICIES),
    "trust-within-organization": (TrustWithinOrganization, ("role-trust-policy",)),
    "explicit-deny": (ExplicitDeny, POLICIES),
    "no-world-ingress": (NoWorldIngress, NETWORK),
    "no-rules": (NoRules, ("security-group",)),
    "world-ingress-only-on": (WorldIngressOnlyOn, NETWORK),
    "no-more-permissive-than-baseline": (NoMorePermissiveThanBaseline, POLICIES),
    "not-allowed": (NotAllowed, POLICIES),
    "no-allow-all": (NoAllowAll, POLICIES),
    "not-public": (NotPublic, PUBLIC_KINDS),
    "not-exposed": (NotExposed, NETWORK),
}
AnyQuery = Annotated[Union[NoFullAccess, NoActionOnAnyResource, NoPublicAccess, OnlyTrustedPrincipals,
                           TrustWithinOrganization, ExplicitDeny, NoWorldIngress, NoRules, WorldIngressOnlyOn,
                           NoMorePermissiveThanBaseline, NotAllowed, NoAllowAll, NotPublic, NotExposed],
                     Field(discriminator="kind")]  # QUERY_KINDS' models
Identifier = Annotated[Text, BeforeValidator(_number_as_text)]


class Mappings(Strict):
    nist: list[Identifier] | None = Field(None, alias=NIST)
    soc2: list[Identifier] | None = Field(None, alias=SOC2)
    cis: list[Identifier] | None = Field(None, alias=CIS)


class Frameworks(Strict):
    nist: Any = Field(None, alias=NIST)
    soc2: Any = Field(None, alias=SOC2)
    cis: Any = Field(None, alias=CIS)


class ControlEntry(Strict):
    id: Text
    title: Text
    statement: Text
    applies_to: Annotated[list[Annotated[str, AfterValidator(_kind)]], Nonempty]
    only_default: bool = False
    query: AnyQuery
    mappings: Mappings


class CatalogFile(Strict):
    version: Identifier
    name: Text
    description: Any = None
    frameworks: Frameworks = Frameworks()
    controls: Annotated[list[ControlEntry], Nonempty]


# --- what the encoder reads -------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    kind: str
    params: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    statement: str
    applies_to: tuple
    query: Query
    mappings: dict  # framework -> tuple of identifiers
    only_default: bool = False  # only the default security group / network ACL

    def applies(self, subject) -> bool:
        if subject.kind not in self.applies_to:
            return False
        if self.query.kind == "no-more-permissive-than-baseline" and subject.baseline is None:
            return False
        return not self.only_default or getattr(subject.document, "is_default", False)


@dataclass(frozen=True)
class Catalog:
    version: str
    name: str
    sha256: str
    controls: tuple
    frameworks: dict
    path: str

    def control(self, control_id: str) -> Control:
        for c in self.controls:
            if c.id == control_id:
                return c
        raise KeyError(control_id)


def load_catalog(path) -> Catalog:
    doc = read(path, PolicyInputError, noun="element")
    catalog = validate(CatalogFile, doc)
    controls, seen = [], set()
    for i, entry in enumerate(catalog.controls):
        at = ("controls", i)
        for j, kind in enumerate(entry.applies_to):
            if kind not in QUERY_KINDS[entry.query.kind][1]:
                raise doc.fail(at + ("applies_to", j), f"a {entry.query.kind} query cannot apply to {kind}")
        if entry.id in seen:
            raise doc.fail(at + ("id",), f"control id {entry.id!r} is used twice")
        seen.add(entry.id)
        controls.append(_control(entry))
    return Catalog(catalog.version, catalog.name, hashlib.sha256(doc.raw).hexdigest(), tuple(controls),
                   catalog.frameworks.model_dump(by_alias=True, exclude_unset=True), str(path))


def _control(entry: ControlEntry) -> Control:
    mappings = {name: tuple(ids) for name, ids in entry.mappings.model_dump(by_alias=True, exclude_unset=True).items()}
    return Control(entry.id, entry.title, entry.statement, tuple(entry.applies_to),
                   Query(entry.query.kind, _params(entry.query)), mappings, entry.only_default)


def _params(query) -> dict:
    """The query's parameters as the encoder reads them: tuples, lower-cased keys, (protocol, ports) pairs."""
    params: dict = {}
    for name, value in query.model_dump(exclude_unset=True, exclude={"kind"}).items():
        if name == "context":
            params[name] = {k.lower(): tuple(v) if v is not None else None for k, v in value.items()}
        elif name == "attacker_values":
            params[name] = {k: tuple(v) for k, v in value.items()}
        elif name == "allowed":
            params[name] = tuple((a["protocol"], tuple(a["ports"]) if a.get("ports") is not None else None)
                                 for a in value)
        elif isinstance(value, list):
            params[name] = tuple(value)
        else:
            params[name] = value
    return params
