"""The questions, on known answers from AWS's documentation; every witness is re-confirmed here by the
concrete evaluator (evaluate.decide), independently of settle's own confirmation."""
import json
import random

import pytest
from click.testing import CliRunner

from evidence.cli import cli
from evidence.policy.evaluate import decide
from evidence.policy.request import Request
from evidence.questions.can import can, parse_given
from evidence.questions.policy import allows_all, allows_any, compare
from evidence.questions.public import public
from tests.policy_helpers import allow, deny, identity, policy, request, user

pytestmark = pytest.mark.slow  # solver calls: a few seconds each on a shared machine


def confirmed(answer, *policies):
    """Every witness of the answer, evaluated again: the direction it witnesses holds."""
    for part in answer.parts:
        assert part.settled.holds is not None, part.settled.reason
        if part.settled.holds:
            assert isinstance(part.settled.witness, Request)
            assert part.settled.certificate_sha256 and part.settled.kernel["status"] == "VERIFIED"
    return answer.word


# Access Analyzer's check-no-new-access compares an updated policy against a reference one:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-custom-policy-checks.html
# The wildcard semantics (s3:Get* covers s3:GetObject):
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
def test_compare_known_answers():
    narrow = identity(allow("s3:GetObject", principal=None))
    wide = identity(allow("s3:Get*", principal=None))
    answer = compare(wide, narrow)
    assert confirmed(answer) == "more-permissive"
    w = answer.parts[0].settled.witness
    assert decide([wide], w).allowed and not decide([narrow], w).allowed
    assert compare(narrow, wide).word == "less-permissive"
    # an explicit deny overrides the allow (policy evaluation logic):
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    carved = identity(allow("s3:Get*", principal=None), deny("s3:GetObjectAcl", principal=None))
    assert confirmed(compare(carved, identity(allow("s3:GetObjectAcl", principal=None)))) == "incomparable"
    assert confirmed(compare(narrow, identity(allow(["s3:GetObject"], principal=None)))) == "equivalent"


def test_allows_any_and_all():
    assert confirmed(allows_any(identity(allow(principal=None)))) == "yes"
    nothing = identity(allow(principal=None), deny("*", "*", principal=None))
    assert confirmed(allows_any(nothing)) == "no"
    # the AdministratorAccess managed policy: Action "*" on Resource "*"
    # https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
    assert confirmed(allows_all(policy(allow("*", "*")))) == "yes"
    answer = allows_all(identity(allow(principal=None)))
    assert confirmed(answer) == "no"
    assert not decide([identity(allow(principal=None))], answer.parts[0].settled.witness).allowed


def test_can_stays_within_what_was_given():
    # the example bucket policy granting one account read access:
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html
    p = policy(allow("s3:GetObject", principal={"AWS": "arn:aws:iam::111122223333:root"}))
    yes = can(p, parse_given("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
                             "arn:aws:s3:::bucket/report.csv"))
    assert confirmed(yes) == "yes"
    w = yes.parts[0].settled.witness
    assert w.resource == "arn:aws:s3:::bucket/report.csv" and w.principal.name.endswith(":user/alice")
    assert decide([p], w).allowed
    assert can(p, parse_given("anonymous", "s3:GetObject")).word == "no"
    assert can(p, parse_given(None, "s3:PutObject")).word == "no"


# S3 Block Public Access, "The meaning of public":
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
def test_public_known_answers():
    everyone = policy(allow("s3:GetObject", principal="*"))
    answer = public(everyone, "s3-bucket-policy", "111122223333")
    assert confirmed(answer) == "public"
    w = answer.parts[0].settled.witness
    assert decide([everyone], w).allowed
    if w.principal.kind == "Anonymous":  # an anonymous caller carries no key that describes a principal
        assert not {k for k, _ in w.context if k.startswith("aws:principal") or k == "aws:userid"} - {
            "aws:principaltype"}
    # a fixed aws:SourceVpce makes it non-public, as does a named account
    vpce = policy(allow("s3:GetObject", principal="*",
                        Condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}))
    assert confirmed(public(vpce, "s3-bucket-policy", "111122223333")) == "not-public"
    account = policy(allow("s3:GetObject", principal={"AWS": "arn:aws:iam::111122223333:root"}))
    assert confirmed(public(account, "s3-bucket-policy", "111122223333")) == "not-public"
    # a set of CIDRs (not the whole address space) is non-public; 0.0.0.0/0 fixes nothing
    cidr = policy(allow("s3:GetObject", principal="*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))
    assert confirmed(public(cidr, "s3-bucket-policy", "111122223333")) == "not-public"
    world = policy(allow("s3:GetObject", principal="*", Condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}))
    assert confirmed(public(world, "s3-bucket-policy", "111122223333")) == "public"


def test_compare_agrees_with_sampled_requests():
    """Random policies; a sampled request one allows and the other denies must be a direction the
    answer says holds (and a direction it says does not hold has no such request)."""
    rng = random.Random(14)
    actions = ["s3:GetObject", "s3:Get*", "s3:PutObject", "s3:*"]
    resources = ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a*", "arn:aws:s3:::other/*"]
    samples = [request(a, r, principal=user()) for a in ("s3:GetObject", "s3:PutObject", "s3:GetObjectAcl")
               for r in ("arn:aws:s3:::bucket/a1", "arn:aws:s3:::bucket/b", "arn:aws:s3:::other/x")]
    for _ in range(3):
        def random_policy():
            return identity(*[(allow if rng.random() < 0.7 else deny)(rng.choice(actions), rng.choice(resources),
                                                                       principal=None) for _ in range(2)])
        p1, p2 = random_policy(), random_policy()
        answer = compare(p1, p2)
        confirmed(answer)
        wider, narrower = (bool(p.settled.holds) for p in answer.parts)
        for r in samples:
            a1, a2 = decide([p1], r).allowed, decide([p2], r).allowed
            assert not (a1 and not a2) or wider, r
            assert not (a2 and not a1) or narrower, r


def test_cli_one_line_json_and_exit_codes(tmp_path):
    p1, p2 = tmp_path / "wide.json", tmp_path / "narrow.json"
    p1.write_text(json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:Get*", principal=None)]}))
    p2.write_text(json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:GetObject", principal=None)]}))
    runner = CliRunner()
    out = runner.invoke(cli, ["policy", "compare", str(p1), str(p2)])
    assert out.exit_code == 0 and out.output.splitlines()[0] == "more-permissive"
    out = runner.invoke(cli, ["policy", "compare", "--json", str(p1), str(p2)])
    data = json.loads(out.output)
    assert data["answer"] == "more-permissive" and data["parts"][0]["witness"]["action"]
    assert all(part["certificate_sha256"] for part in data["parts"])
    bad = tmp_path / "bad.json"
    bad.write_text('{"Version": "2012-10-17",\n "Statement": [}')
    out = runner.invoke(cli, ["policy", "allows-any", str(bad)])
    assert out.exit_code == 2 and f"{bad}:2:" in out.output
    notpolicy = tmp_path / "np.json"
    notpolicy.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Actoin": "s3:*"}]}))
    out = runner.invoke(cli, ["policy", "allows-any", str(notpolicy)])
    assert out.exit_code == 2 and "Statement[0]" in out.output and f"{notpolicy}:" in out.output
    out = runner.invoke(cli, ["policy", "public", str(p1), "--kind", "s3-bucket"])
    assert out.exit_code == 2 and "s3-bucket-policy" in out.output and "kms-key-policy" in out.output


def test_public_trust_and_key_policies():
    # a role any AWS principal can assume is public; the usual EC2 instance role trust policy is not:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html
    from evidence.policy.document import TRUST
    anyone = policy({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}, kind=TRUST)
    assert confirmed(public(anyone, "role-trust-policy", "111122223333")) == "public"
    ec2 = policy({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
                 kind=TRUST)
    assert confirmed(public(ec2, "role-trust-policy", "111122223333")) == "not-public"
    # a key policy for "*" restricted by kms:CallerAccount to one account is not public:
    # https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
    key = policy(allow("kms:Decrypt", "*", principal={"AWS": "*"},
                       Condition={"StringEquals": {"kms:CallerAccount": "111122223333"}}))
    assert confirmed(public(key, "kms-key-policy", "111122223333")) == "not-public"
    assert confirmed(public(policy(allow("kms:Decrypt", "*", principal={"AWS": "*"})),
                            "kms-key-policy", "111122223333")) == "public"
