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
