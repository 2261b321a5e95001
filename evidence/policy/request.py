"""A request as IAM sees it: who (principal), what (action), on which resource, in which context.

The context maps lower-cased condition keys to tuples of strings (every key may be multivalued).
Keys AWS derives from the principal (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID,
aws:PrincipalType, aws:username, aws:PrincipalServiceName, kms:CallerAccount) are filled in from it; policy variables
such as ${aws:username} take their value from the same context, so a request carries their values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

ACCOUNT_IN_ARN = re.compile(r"^arn:[^:]+:(?:iam|sts)::(\d{12}):")
# Keys whose values come from the principal, never from the caller's choice.
DERIVED_KEYS = frozenset({"aws:principalarn", "aws:principalaccount", "aws:principalorgid", "aws:principaltype",
                          "aws:username", "aws:principalservicename", "kms:calleraccount"})

# Keys only a signed request (an authenticated principal) carries: AWS omits them from anonymous
# requests (IAM User Guide, "AWS global condition context keys",
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html: aws:userid
# and aws:PrincipalIsAWSService "are included in the request context for all signed requests").
PRINCIPAL_ONLY_KEYS = frozenset({"aws:userid", "aws:principalisawsservice", "aws:principalorgpaths",
                                 "aws:principalservicenameslist", "aws:tokenissuetime",
                                 "aws:multifactorauthage"})
PRINCIPAL_ONLY_PREFIXES = ("aws:principaltag/",)


def principal_only(key: str) -> bool:
    key = key.lower()
    return key in PRINCIPAL_ONLY_KEYS or key.startswith(PRINCIPAL_ONLY_PREFIXES)


# aws:PrincipalTag is set for IAM users and for role (and federated-user) sessions with tags, never for
# the root user, a service, a web-identity provider or an anonymous caller (IAM User Guide, global keys).
TAGGED_TYPES = ("User", "AssumedRole", "FederatedUser", "Role")
# Keys that are single strings of a fixed set when present.
BOOLEAN_VALUES = ("true", "false")


def unrealisable(request: "Request") -> str | None:
    """Why AWS could not send this request (None if it could): the evaluator's own statement of the
    request-context realism the encoder also states (encode.Request._realism), from the same sources
    (authref: the service authorization reference) but written independently."""
    from . import authref
    from .addresses import parse_address
    from .conditions import parse_date, parse_number
    principal = request.principal
    if principal.kind == "AWS" and principal.type == "User" and principal.name.endswith("/"):
        return "an IAM user has a name"
    action = request.action.lower()
    for key, values in request.context:
        if principal.kind == "Anonymous" and principal_only(key):
            return f"an anonymous request carries no {key}"
        if key == "aws:principalisawsservice":
            expected = "true" if principal.kind == "Service" else "false"
            if any(v != expected for v in values):
                return f"aws:PrincipalIsAWSService is {expected} for a {principal.kind} principal"
        if key.startswith("aws:principaltag/") and values and \
                not (principal.kind == "AWS" and principal.type in TAGGED_TYPES):
            return f"{key} is set only for IAM users and role sessions"
        if key == "aws:userid" and len(values) > 1:
            return "aws:userid has one value"
        if values and action in authref.actions_without(key):
            return f"{action} does not set {key}"
        kind = authref.key_type(key)
        if values and kind == "IPAddress" and any(parse_address(v) is None for v in values):
            return f"{key} is an IP address"
        if values and kind in ("Numeric", "Date"):
            parse = parse_number if kind == "Numeric" else parse_date
            if any(parse(v) is None for v in values):
                return f"{key} is a {kind.lower()} value"
        if values and kind == "Bool" and any(v not in BOOLEAN_VALUES for v in values):
            return f"{key} is true or false"
    return authref.arn_violation(request.resource)


@dataclass(frozen=True)
class Principal:
    kind: str  # AWS | Service | Federated | Anonymous
    name: str = ""  # AWS: the caller's ARN (user, role session, account root); Service/Federated: its name
    account: str | None = None
    org_id: str | None = None
    role_arn: str | None = None  # for a role session: the role it is a session of

    @staticmethod
    def aws(arn: str, org_id: str | None = None, role_arn: str | None = None) -> "Principal":
        m = ACCOUNT_IN_ARN.match(arn)
        return Principal("AWS", arn, m.group(1) if m else None, org_id, role_arn)

    @staticmethod
    def root(account: str, org_id: str | None = None) -> "Principal":
        return Principal("AWS", f"arn:aws:iam::{account}:root", account, org_id)

    @staticmethod
    def role_session(role_arn: str, session: str = "session", org_id: str | None = None) -> "Principal":
        match = ACCOUNT_IN_ARN.match(role_arn)
        if match is None:
            raise ValueError(f"{role_arn!r} is not a role ARN")
        account = match.group(1)
        role_name = role_arn.rsplit("/", 1)[-1]
        return Principal("AWS", f"arn:aws:sts::{account}:assumed-role/{role_name}/{session}", account, org_id,
                         role_arn)

    @staticmethod
    def service(name: str) -> "Principal":
        return Principal("Service", name.lower())

    @staticmethod
    def federated(provider: str) -> "Principal":
        return Principal("Federated", provider)

    @staticmethod
    def anonymous() -> "Principal":
        return Principal("Anonymous")

    @property
    def type(self) -> str:
        if self.kind != "AWS":
            return self.kind
        if self.name.endswith(":root"):
            return "Account"
        if ":assumed-role/" in self.name:
            return "AssumedRole"
        if ":federated-user/" in self.name:
            return "FederatedUser"
        return "User" if ":user/" in self.name else "Role"

    def derived_context(self) -> dict:
        ctx = {}
        if self.kind == "AWS":
            ctx["aws:principalarn"] = (self.role_arn or self.name,)
            if self.account:
                ctx["aws:principalaccount"] = (self.account,)
                ctx["kms:calleraccount"] = (self.account,)  # KMS: the caller's account, like aws:PrincipalAccount
            if self.org_id:
                ctx["aws:principalorgid"] = (self.org_id,)
            ctx["aws:principaltype"] = (self.type,)
            if self.type == "User":
                ctx["aws:username"] = (self.name.rsplit("/", 1)[-1],)
        elif self.kind == "Service":
            ctx["aws:principalservicename"] = (self.name,)
        elif self.kind == "Anonymous":
            ctx["aws:principaltype"] = ("Anonymous",)
        return ctx


@dataclass(frozen=True)
class Request:
    principal: Principal
    action: str
    resource: str
    context: tuple = field(default=())  # sorted (key, values) pairs: hashable, so requests can be deduplicated

    @staticmethod
    def make(principal: Principal, action: str, resource: str, context: dict | None = None,
             source_ip: str | None = None) -> "Request":
        merged = principal.derived_context()
        if source_ip is not None:
            merged["aws:sourceip"] = (source_ip,)
        for key, value in (context or {}).items():
            if value is None:  # None: the key is absent, even if derived from the principal
                merged.pop(key.lower(), None)
            else:
                merged[key.lower()] = normalise_values(value)
        return Request(principal, action, resource, tuple(sorted(merged.items())))

    def context_map(self) -> dict:
        return dict(self.context)


def normalise_values(value) -> tuple:
    items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
    return tuple(("true" if v else "false") if isinstance(v, bool) else str(v) for v in items)
