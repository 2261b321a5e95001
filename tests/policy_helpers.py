"""Shared builders for the policy tests: a policy from a Python dict, a request in one call."""
from evidence.policy.document import IDENTITY, RESOURCE, SCP, TRUST, parse_policy
from evidence.policy.errors import Where
from evidence.policy.request import Principal, Request

OWNER, ORG = "111122223333", "o-exampleorg1"
OUTSIDER = "999988887777"


def policy(*statements, kind=RESOURCE, version="2012-10-17"):
    document = {"Statement": list(statements)}
    if version is not None:
        document["Version"] = version
    return parse_policy(document, Where("test.json"), kind)


def identity(*statements, **kw):
    return policy(*statements, kind=IDENTITY, **kw)


def allow(action="s3:GetObject", resource="arn:aws:s3:::bucket/*", principal="*", **extra):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource, **extra}
    if principal is not None:
        statement["Principal"] = principal
    return statement


def deny(action="s3:GetObject", resource="arn:aws:s3:::bucket/*", principal="*", **extra):
    return {**allow(action, resource, principal, **extra), "Effect": "Deny"}


def request(action="s3:GetObject", resource="arn:aws:s3:::bucket/key", principal=None, context=None,
            source_ip=None):
    return Request.make(principal or Principal.anonymous(), action, resource, context, source_ip)


def user(name="alice", account=OWNER, org=ORG):
    return Principal.aws(f"arn:aws:iam::{account}:user/{name}", org)


__all__ = ["OWNER", "ORG", "OUTSIDER", "policy", "identity", "allow", "deny", "request", "user", "Principal",
           "IDENTITY", "RESOURCE", "SCP", "TRUST"]
