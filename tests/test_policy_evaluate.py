"""Known answers for the concrete IAM evaluator, written from the IAM User Guide's rules (policy
evaluation logic, the Action/Resource/Principal elements, condition operators), each in both directions."""
import pytest

from evidence.policy.errors import Unsupported
from evidence.policy.evaluate import Decision, decide
from policy_helpers import ORG, OUTSIDER, OWNER, Principal, allow, deny, identity, policy, request, user


def allowed(p, r):
    return decide(p, r) is Decision.ALLOW


# --- evaluation logic ---------------------------------------------------------------------------

def test_default_is_implicit_deny():
    assert decide(policy(allow(action="s3:PutObject")), request()) is Decision.IMPLICIT_DENY


def test_allow_allows():
    assert decide(policy(allow()), request()) is Decision.ALLOW


def test_explicit_deny_wins_whatever_the_order():
    assert decide(policy(allow(), deny()), request()) is Decision.EXPLICIT_DENY
    assert decide(policy(deny(), allow()), request()) is Decision.EXPLICIT_DENY


def test_deny_in_another_policy_wins():
    assert decide([policy(allow()), policy(deny())], request()) is Decision.EXPLICIT_DENY
    assert decide([policy(allow()), policy(deny(action="s3:PutObject"))], request()) is Decision.ALLOW


# --- Action / NotAction ---------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, action, expected", [
    ("s3:Get*", "s3:GetObject", True),
    ("s3:Get*", "s3:PutObject", False),
    ("s3:?etObject", "s3:GetObject", True),
    ("s3:?etObject", "s3:GGetObject", False),
    ("S3:GETOBJECT", "s3:getobject", True),  # actions are case-insensitive
    ("*", "iam:CreateUser", True),
    ("*:*", "iam:CreateUser", True),
    ("s3:*", "s3express:CreateSession", False),
    ("s3:*", "S3:ListBucket", True),
])
def test_action_patterns(pattern, action, expected):
    assert allowed(policy(allow(action=pattern, resource="*")), request(action=action)) is expected


def test_not_action_allows_everything_else():
    p = policy({"Effect": "Allow", "Principal": "*", "NotAction": "iam:*", "Resource": "*"})
    assert allowed(p, request(action="s3:GetObject"))
    assert not allowed(p, request(action="iam:CreateUser"))


# --- Resource / NotResource -------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, resource, expected", [
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/dir/key", True),  # * covers '/'
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", False),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket2/key", False),
    ("arn:aws:s3:::bucket/ke?", "arn:aws:s3:::bucket/key", True),
    ("arn:aws:s3:::bucket/ke?", "arn:aws:s3:::bucket/keys", False),
    ("*", "arn:aws:iam::111122223333:user/x", True),
    ("arn:aws:s3:*", "arn:aws:s3:::bucket/key", True),  # a trailing * expands beyond colons
    ("arn:aws:s3:*", "arn:aws:sqs:us-east-1:111122223333:q", False),
    ("arn:aws:iam::*:role/admin", "arn:aws:iam::111122223333:role/admin", True),
    ("arn:aws:iam:*:111122223333:role/admin", "arn:aws:iam::111122223333:role/admin", True),  # * may be empty
    ("arn:aws:iam::1*:role/admin", "arn:aws:iam::111122223333:role/admin", True),
    ("arn:aws:iam::2*:role/admin", "arn:aws:iam::111122223333:role/admin", False),
    ("arn:aws:logs:us-east-1:111122223333:log-group:app*", "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:s", True),
    ("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/key", False),  # resources are case-sensitive
])
def test_resource_patterns(pattern, resource, expected):
    assert allowed(policy(allow(resource=pattern)), request(resource=resource)) is expected


def test_wildcard_inside_a_segment_does_not_cross_a_colon():
    # `*` in the middle of the region segment matches within that segment only.
    p = policy(allow(action="sqs:*", resource="arn:aws:sqs:us-*-1:111122223333:queue"))
    assert allowed(p, request(action="sqs:SendMessage", resource="arn:aws:sqs:us-east-1:111122223333:queue"))
    assert not allowed(p, request(action="sqs:SendMessage", resource="arn:aws:sqs:us-east-1:1:111122223333:queue"))


def test_not_resource():
    p = policy({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})
    assert allowed(p, request(resource="arn:aws:s3:::bucket/key"))
    assert not allowed(p, request(resource="arn:aws:s3:::secret/key"))


# --- Principal / NotPrincipal ------------------------------------------------------------------------

@pytest.mark.parametrize("spec, who, expected", [
    ("*", Principal.anonymous(), True),
    ({"AWS": "*"}, Principal.anonymous(), True),  # the IAM guide lists it as equivalent to "*"
    ({"AWS": "*"}, user(account=OUTSIDER, org=None), True),
    ({"AWS": OWNER}, user(), True),
    ({"AWS": OWNER}, user(account=OUTSIDER), False),
    ({"AWS": f"arn:aws:iam::{OWNER}:root"}, Principal.role_session(f"arn:aws:iam::{OWNER}:role/app"), True),
    ({"AWS": f"arn:aws:iam::{OWNER}:root"}, Principal.anonymous(), False),
    ({"AWS": f"arn:aws:iam::{OWNER}:role/app"}, Principal.role_session(f"arn:aws:iam::{OWNER}:role/app"), True),
    ({"AWS": f"arn:aws:iam::{OWNER}:role/app"}, Principal.role_session(f"arn:aws:iam::{OWNER}:role/other"), False),
    ({"AWS": f"arn:aws:iam::{OWNER}:user/alice"}, user("alice"), True),
    ({"AWS": f"arn:aws:iam::{OWNER}:user/alice"}, user("bob"), False),
    ({"Service": "cloudtrail.amazonaws.com"}, Principal.service("cloudtrail.amazonaws.com"), True),
    ({"Service": "cloudtrail.amazonaws.com"}, Principal.service("config.amazonaws.com"), False),
    ({"Service": "cloudtrail.amazonaws.com"}, user(), False),
    ({"Federated": "accounts.google.com"}, Principal.federated("accounts.google.com"), True),
    ({"Federated": "accounts.google.com"}, Principal.federated("cognito-identity.amazonaws.com"), False),
    ({"AWS": [OUTSIDER, OWNER]}, user(), True),  # values of one element are ORed
])
def test_principal_forms(spec, who, expected):
    assert allowed(policy(allow(principal=spec)), request(principal=who)) is expected


def test_not_principal_with_deny_denies_everyone_else():
    admin = f"arn:aws:iam::{OWNER}:role/admin"
    p = policy(allow(principal={"AWS": OWNER}),
               {"Effect": "Deny", "NotPrincipal": {"AWS": admin}, "Action": "s3:*", "Resource": "*"})
    assert allowed(p, request(principal=Principal.role_session(admin)))
    assert decide(p, request(principal=user())) is Decision.EXPLICIT_DENY


# --- conditions -------------------------------------------------------------------------------------

def cond(operator, key, values, context=None, **kw):
    p = policy(allow(Condition={operator: {key: values}}))
    return allowed(p, request(context=context, **kw))


@pytest.mark.parametrize("operator, values, value, expected", [
    ("StringEquals", "abc", "abc", True),
    ("StringEquals", "abc", "ABC", False),  # case-sensitive
    ("StringEquals", "a*", "abc", False),  # no wildcards
    ("StringEquals", ["x", "abc"], "abc", True),  # values ORed
    ("StringNotEquals", ["x", "abc"], "abc", False),  # negated: none of the values
    ("StringNotEquals", ["x", "y"], "abc", True),
    ("StringEqualsIgnoreCase", "ABC", "abc", True),
    ("StringNotEqualsIgnoreCase", "ABC", "abc", False),
    ("StringLike", "a*c", "abbbc", True),
    ("StringLike", "a?c", "abbc", False),
    ("StringNotLike", ["a*", "z*"], "abc", False),
    ("StringNotLike", ["b*", "z*"], "abc", True),
    ("NumericEquals", "10", "10.0", True),
    ("NumericNotEquals", "10", "10", False),
    ("NumericLessThan", 10, "9", True),
    ("NumericLessThan", 10, "10", False),
    ("NumericLessThanEquals", 10, "10", True),
    ("NumericGreaterThan", "1.5", "2", True),
    ("NumericGreaterThanEquals", "3", "2", False),
    ("NumericEquals", "10", "ten", False),
    ("DateLessThan", "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", True),
    ("DateLessThan", "2024-01-01T00:00:00Z", "1704067200", False),  # epoch seconds of the same instant
    ("DateGreaterThanEquals", "2024-01-01", "1704067200", True),
    ("DateEquals", "2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00Z", True),
    ("DateNotEquals", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", True),
    ("Bool", "true", "true", True),
    ("Bool", "true", "false", False),
    ("Bool", True, "TRUE", True),
])
def test_operators_on_present_keys(operator, values, value, expected):
    assert cond(operator, "aws:TestKey", values, {"aws:TestKey": value}) is expected


@pytest.mark.parametrize("operator, values, ip, expected", [
    ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
    ("IpAddress", "203.0.113.0/24", "203.0.114.7", False),
    ("IpAddress", "203.0.113.5", "203.0.113.5", True),  # a bare address is a /32
    ("IpAddress", "2001:db8::/32", "2001:db8:1::1", True),
    ("IpAddress", "2001:db8::/32", "2001:db9::1", False),
    ("IpAddress", "0.0.0.0/0", "2001:db8::1", False),  # an IPv4 block never holds an IPv6 address
    ("NotIpAddress", ["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", False),
    ("NotIpAddress", ["10.0.0.0/8", "2001:db8::/32"], "198.51.100.1", True),
])
def test_ip_operators(operator, values, ip, expected):
    assert cond(operator, "aws:SourceIp", values, source_ip=ip) is expected


@pytest.mark.parametrize("operator, values, arn, expected", [
    ("ArnLike", "arn:aws:sns:*:111122223333:topic-*", "arn:aws:sns:us-east-1:111122223333:topic-a", True),
    ("ArnLike", "arn:aws:sns:*:111122223333:topic-*", "arn:aws:sns:us-east-1:999988887777:topic-a", False),
    ("ArnEquals", "arn:aws:sns:*:111122223333:t", "arn:aws:sns:eu-west-1:111122223333:t", True),  # wildcards too
    ("ArnNotLike", "arn:aws:iam::*:role/BreakGlass", "arn:aws:iam::111122223333:role/BreakGlass", False),
    ("ArnNotLike", "arn:aws:iam::*:role/BreakGlass", "arn:aws:iam::111122223333:role/Other", True),
    ("ArnLike", "arn:aws:iam::*:role/*", "not-an-arn", False),
])
def test_arn_operators(operator, values, arn, expected):
    assert cond(operator, "aws:SourceArn", values, {"aws:SourceArn": arn}) is expected


@pytest.mark.parametrize("operator, expected", [
    ("StringEquals", False), ("StringLike", False), ("ArnLike", False), ("Bool", False), ("IpAddress", False),
    ("NumericEquals", False), ("DateEquals", False),  # positive operators: false when the key is missing
    ("StringNotEquals", True), ("StringNotLike", True), ("ArnNotLike", True), ("NotIpAddress", True),
    ("NumericNotEquals", True),  # negated operators: true when the key is missing
    ("StringEqualsIfExists", True), ("NumericLessThanIfExists", True), ("BoolIfExists", True),
    ("ForAnyValue:StringEquals", False), ("ForAllValues:StringEquals", True),
    ("ForAnyValue:StringNotEquals", False),
])
def test_missing_key(operator, expected):
    values = {"ArnLike": "arn:aws:s3:::x", "ArnNotLike": "arn:aws:s3:::x", "IpAddress": "10.0.0.0/8",
              "NotIpAddress": "10.0.0.0/8", "Bool": "true", "BoolIfExists": "true"}.get(operator, "1")
    assert cond(operator, "aws:Missing", values) is expected


def test_if_exists_applies_the_operator_when_the_key_is_present():
    assert cond("StringEqualsIfExists", "aws:K", "a", {"aws:K": "a"})
    assert not cond("StringEqualsIfExists", "aws:K", "a", {"aws:K": "b"})


@pytest.mark.parametrize("values, present, expected", [
    ("true", False, True), ("true", True, False), ("false", True, True), ("false", False, False),
    (["true", "false"], True, True),
])
def test_null(values, present, expected):
    context = {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"} if present else {}
    assert cond("Null", "aws:TokenIssueTime", values, context) is expected


@pytest.mark.parametrize("operator, request_values, expected", [
    ("ForAllValues:StringEquals", ["a", "b"], True),
    ("ForAllValues:StringEquals", ["a", "z"], False),
    ("ForAllValues:StringEquals", [], True),  # an empty set: vacuously true
    ("ForAnyValue:StringEquals", ["z", "b"], True),
    ("ForAnyValue:StringEquals", ["y", "z"], False),
    ("ForAnyValue:StringEquals", [], False),
    ("ForAllValues:StringNotEquals", ["y", "z"], True),  # none of the request values is a or b
    ("ForAllValues:StringNotEquals", ["a", "z"], False),
    ("ForAnyValue:StringNotEquals", ["a", "z"], True),  # z is neither a nor b
    ("ForAnyValue:StringNotEquals", ["a", "b"], False),
    ("ForAllValues:StringLike", ["a1", "b2"], True),
])
def test_set_operators(operator, request_values, expected):
    values = ["a*", "b*"] if operator.endswith("Like") else ["a", "b"]
    assert cond(operator, "aws:TagKeys", values, {"aws:TagKeys": request_values}) is expected


def test_condition_keys_are_case_insensitive():
    assert cond("StringEquals", "AWS:PrincipalOrgId", ORG, principal=user())
    assert cond("Bool", "aws:securetransport", "true", {"AWS:SecureTransport": "true"})


def test_condition_values_are_case_sensitive():
    assert not cond("StringEquals", "aws:PrincipalOrgID", ORG.upper(), principal=user())


def test_keys_anded_operators_anded():
    p = policy(allow(Condition={"StringEquals": {"aws:A": "1", "aws:B": "2"}, "Bool": {"aws:C": "true"}}))
    assert allowed(p, request(context={"aws:A": "1", "aws:B": "2", "aws:C": "true"}))
    assert not allowed(p, request(context={"aws:A": "1", "aws:B": "3", "aws:C": "true"}))
    assert not allowed(p, request(context={"aws:A": "1", "aws:B": "2", "aws:C": "false"}))


def test_principal_derived_keys():
    role = f"arn:aws:iam::{OWNER}:role/app"
    assert cond("ArnEquals", "aws:PrincipalArn", role, principal=Principal.role_session(role))  # the role, not the session
    assert cond("StringEquals", "aws:PrincipalAccount", OWNER, principal=user())
    assert not cond("StringEquals", "aws:PrincipalAccount", OWNER, principal=user(account=OUTSIDER))
    assert not cond("StringEquals", "aws:PrincipalOrgID", ORG, principal=Principal.anonymous())


# --- policy variables ---------------------------------------------------------------------------------

def test_policy_variable_in_resource_takes_the_request_value():
    p = identity(allow(resource="arn:aws:s3:::home/${aws:username}/*", principal=None))
    assert allowed(p, request(resource="arn:aws:s3:::home/alice/notes", principal=user("alice")))
    assert not allowed(p, request(resource="arn:aws:s3:::home/bob/notes", principal=user("alice")))


def test_policy_variable_without_a_value_matches_nothing_unless_defaulted():
    p = identity(allow(resource="arn:aws:s3:::home/${aws:username}/*", principal=None))
    session = Principal.role_session(f"arn:aws:iam::{OWNER}:role/app")  # sessions have no aws:username
    assert not allowed(p, request(resource="arn:aws:s3:::home/alice/x", principal=session))
    p = identity(allow(resource="arn:aws:s3:::home/${aws:username, 'shared'}/*", principal=None))
    assert allowed(p, request(resource="arn:aws:s3:::home/shared/x", principal=session))


def test_policy_variable_in_condition():
    p = policy(allow(Condition={"StringLike": {"s3:prefix": "home/${aws:username}/*"}}))
    assert allowed(p, request(principal=user("alice"), context={"s3:prefix": "home/alice/docs"}))
    assert not allowed(p, request(principal=user("alice"), context={"s3:prefix": "home/bob/docs"}))


def test_policy_variables_are_literal_under_the_2008_version():
    p = identity(allow(resource="arn:aws:s3:::home/${aws:username}/*", principal=None), version="2008-10-17")
    assert not allowed(p, request(resource="arn:aws:s3:::home/alice/x", principal=user("alice")))
    assert allowed(p, request(resource="arn:aws:s3:::home/${aws:username}/x", principal=user("alice")))


def test_escaped_wildcard_variables_are_literal_characters():
    p = policy(allow(resource="arn:aws:s3:::bucket/${*}"))
    assert allowed(p, request(resource="arn:aws:s3:::bucket/*"))
    assert not allowed(p, request(resource="arn:aws:s3:::bucket/key"))


# --- unsupported features -----------------------------------------------------------------------------

def test_unsupported_operator_raises_only_when_it_decides():
    p = policy(allow(), deny(Condition={"BinaryEquals": {"aws:Blob": "QmluYXJ5"}}))
    with pytest.raises(Unsupported, match="BinaryEquals"):
        decide(p, request())
    # the Deny cannot apply to another action, so the unmodelled condition does not matter
    p2 = policy(allow(action="s3:*"), deny(Condition={"BinaryEquals": {"aws:Blob": "QmluYXJ5"}}))
    assert decide(p2, request(action="s3:PutObject")) is Decision.ALLOW


def test_unsupported_condition_beside_a_false_one_is_decided():
    p = policy(allow(Condition={"BinaryEquals": {"aws:Blob": "QQ=="}, "StringEquals": {"aws:K": "v"}}))
    assert decide(p, request(context={"aws:K": "other"})) is Decision.IMPLICIT_DENY
    with pytest.raises(Unsupported):
        decide(p, request(context={"aws:K": "v"}))


def test_canonical_user_principal_is_unsupported():
    p = policy(allow(principal={"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}))
    with pytest.raises(Unsupported, match="CanonicalUser"):
        decide(p, request())


# --- several policy types ---------------------------------------------------------------------------

from evidence.policy.evaluate import decide_access, permitted_by_scps  # noqa: E402
from policy_helpers import SCP  # noqa: E402

FULL_ACCESS = policy({"Effect": "Allow", "Action": "*", "Resource": "*"}, kind=SCP)
NO_S3 = policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}, kind=SCP)
ONLY_EC2 = policy({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}, kind=SCP)


def test_scps_intersect_across_levels():
    r = request(principal=user())
    assert permitted_by_scps([[FULL_ACCESS], [FULL_ACCESS]], r)
    assert not permitted_by_scps([[FULL_ACCESS], [FULL_ACCESS, NO_S3]], r)  # a deny anywhere
    assert not permitted_by_scps([[FULL_ACCESS], [ONLY_EC2]], r)  # one level allows nothing for S3
    assert permitted_by_scps([[FULL_ACCESS], [ONLY_EC2]], request(action="ec2:RunInstances", principal=user()))
    assert not permitted_by_scps([[NO_S3]], r)  # a deny-only SCP with nothing allowing at its level
    assert permitted_by_scps([], r)


def test_identity_and_resource_policies_same_and_cross_account():
    ident = identity(allow(principal=None))
    bucket = policy(allow(principal={"AWS": OUTSIDER}))
    mine, theirs = request(principal=user()), request(principal=user(account=OUTSIDER, org=None))
    assert decide_access(mine, identity=[ident], resource_account=OWNER).allowed  # identity alone suffices
    assert decide_access(theirs, identity=[ident], resource=[bucket], resource_account=OWNER).allowed
    assert not decide_access(theirs, resource=[bucket], resource_account=OWNER).allowed  # cross-account: both
    assert not decide_access(theirs, identity=[ident], resource_account=OWNER).allowed
    assert decide_access(mine, identity=[ident], scps=[[FULL_ACCESS, NO_S3]]) is Decision.EXPLICIT_DENY
    assert decide_access(mine, identity=[ident], scps=[[ONLY_EC2]]) is Decision.IMPLICIT_DENY
