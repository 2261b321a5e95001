"""The direct questions as catalog controls (issue 14): `not-allowed` (policy can), `not-public` (policy
public) and `not-exposed` (network exposed). For each, on policies and security groups shaped as AWS's
documentation shows them, a PASS (an UNSAT certificate the kernel verified) and a FAIL (a model the kernel
verified, decoded and confirmed by the evaluator); a differential check that the control FAILs exactly
when the question answers yes / public / exposed; bad parameters refused with the file and the path."""
import json

import pytest
from click.testing import CliRunner

import checker
from cases import ACCOUNT
from evidence.cli import cli
from evidence.policy.catalog import PUBLIC_KINDS, QUERY_KINDS, load_catalog
from evidence.policy.errors import PolicyInputError, Unsupported
from evidence.policy.judge import encode, judge, produce
from evidence.policy.loader import load_estate
from evidence.policy.violations import violates
from evidence.questions import public as public_question
from evidence.questions.can import can, given_of, parse_given
from evidence.questions.network import estate_of as network_estate
from evidence.questions.network import exposed, exposure_of
from evidence.questions.policy import allows_all
from evidence.questions.public import public

pytestmark = pytest.mark.slow  # solver calls: a few seconds each on a shared machine

OWNER = ACCOUNT["id"]
MAPPINGS = "{nist-800-53r5: [AC-3], soc2-tsc: [CC6.1], cis-aws-foundations: []}"


def catalog_file(tmp_path, *controls) -> str:
    """controls: (id, applies_to, query as YAML flow text)."""
    lines = ["version: 1", "name: questions as controls", "controls:"]
    for cid, applies, query in controls:
        lines += [f"  - id: {cid}", "    title: t", "    statement: s", f"    applies_to: [{', '.join(applies)}]",
                  f"    query: {query}", f"    mappings: {MAPPINGS}"]
    path = tmp_path / "catalog.yaml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def subject_file(kind, sid, document, **extra):
    return {"kind": kind, "id": sid, "account": OWNER, "document": document, **extra}


def estate_with(tmp_path, *subjects):
    folder = tmp_path / "inputs"
    folder.mkdir(exist_ok=True)
    (folder / "account.json").write_text(json.dumps(ACCOUNT))
    for s in subjects:
        (folder / f"{s['id']}.json").write_text(json.dumps(s))
    return load_estate(folder), folder


def verdict(control, subject, estate, tmp_path) -> str:
    """Encode, produce (untrusted), kernel, decode and confirm: the verdict `run` would store."""
    encoded = encode(control, subject, estate)
    if isinstance(encoded, Unsupported):
        return "NOT CHECKABLE"
    problem, cert = tmp_path / f"{control.id}-{subject.id}.smt2", tmp_path / f"{control.id}-{subject.id}.cert"
    problem.write_text(encoded.problem)
    produced = produce(str(problem), str(cert), timeout=60)
    assert produced.answer in ("sat", "unsat"), produced.reason
    judged = judge(control, subject, estate, encoded, problem, cert)
    assert judged.verdict != "NOT CHECKABLE", judged.reason
    assert checker.check_smt(str(problem), str(cert)).verified  # every verdict rests on the kernel
    if judged.verdict == "FAIL":
        assert violates(control.query, subject, estate, judged.witness)  # the evaluator's word, again
    return str(judged.verdict)


# --- policies from AWS's documentation ------------------------------------------------------------------

# "Granting read-only permission to a public anonymous user", S3 User Guide, Examples of bucket policies:
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html
PUBLIC_READ = {"Version": "2012-10-17", "Statement": [{
    "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
    "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket/*"]}]}
# "Managing access based on specific IP addresses" (the same page), written as an allow: only from
# 192.0.2.0/24 (IPv4) or 2001:DB8:1234:5678::/64 (IPv6).
IP_READ = {"Version": "2012-10-17", "Statement": [{
    "Sid": "IPAllow", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
    "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:DB8:1234:5678::/64"]}}}]}
# "Restricting access to a specific VPC endpoint", S3 User Guide:
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html
# (as an allow, the form S3 Block Public Access calls non-public: a fixed aws:SourceVpce)
VPCE_READ = {"Version": "2012-10-17", "Statement": [{
    "Sid": "Access-to-specific-VPCE-only", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
    "Resource": ["arn:aws:s3:::awsexamplebucket1", "arn:aws:s3:::awsexamplebucket1/*"],
    "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}]}
# The cross-account grant of the S3 User Guide walkthrough ("Bucket owner granting cross-account bucket
# permissions"): https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
CROSS_ACCOUNT = {"Version": "2012-10-17", "Statement": [{
    "Sid": "Example permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
    "Action": ["s3:GetLifecycleConfiguration", "s3:ListBucket"], "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket"]}]}
# The default key policy's first statement, KMS Developer Guide ("Allows access to the AWS account and
# enables IAM policies"): https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
KMS_DEFAULT = {"Version": "2012-10-17", "Statement": [{
    "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
    "Action": "kms:*", "Resource": "*"}]}
# A role any AWS account can assume (Principal "*" in a trust policy: what IAM warns about), and the EC2
# service trust policy of the IAM User Guide ("Creating a role for an AWS service"):
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html
TRUST_ANYONE = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
TRUST_EC2 = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
# "AWS: Denies access to AWS based on the source IP", IAM User Guide, identity-based policy examples:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-ip.html
# (beside an allow of S3 reads, so that something is allowed)
DENY_OUTSIDE_IP = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]},
                   "Bool": {"aws:ViaAWSService": "false"}}}]}


def bucket(sid, document):
    return subject_file("s3-bucket-policy", sid, document)


# --- not-allowed -------------------------------------------------------------------------------------------

NOT_ALLOWED = [  # (query, subject, the expected verdict)
    ("{kind: not-allowed, principal: anonymous, action: 's3:PutObject'}", bucket("public-read", PUBLIC_READ), "PASS"),
    ("{kind: not-allowed, principal: anonymous, action: 's3:GetObject'}", bucket("public-read", PUBLIC_READ), "FAIL"),
    ("{kind: not-allowed, principal: anonymous, action: 's3:GetObject', context: {'aws:SourceIp': ['203.0.113.9']}}",
     bucket("ip-read", IP_READ), "PASS"),
    ("{kind: not-allowed, principal: anonymous, action: 's3:GetObject', context: {'aws:SourceIp': ['192.0.2.77']}}",
     bucket("ip-read", IP_READ), "FAIL"),
    ("{kind: not-allowed, principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', "
     "resource: 'arn:aws:s3:::amzn-s3-demo-bucket/report.csv', context: {'aws:SourceIp': ['198.51.100.7'], "
     "'aws:ViaAWSService': ['false']}}", subject_file("iam-policy", "deny-ip", DENY_OUTSIDE_IP), "PASS"),
    ("{kind: not-allowed, principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', "
     "context: {'aws:SourceIp': ['203.0.113.20']}}", subject_file("iam-policy", "deny-ip", DENY_OUTSIDE_IP), "FAIL"),
    # s3:* with s3:prefix asks about the ListBucket family only (request realism): the walkthrough grants it
    ("{kind: not-allowed, action: 's3:*', context: {'s3:prefix': ['home/']}}", bucket("cross", CROSS_ACCOUNT), "FAIL"),
    ("{kind: not-allowed, action: 's3:*', context: {'s3:prefix': ['home/']}}", bucket("public-read", PUBLIC_READ),
     "PASS"),
]


@pytest.mark.parametrize("query, subject, expected", NOT_ALLOWED)
def test_not_allowed_agrees_with_policy_can(tmp_path, query, subject, expected):
    catalog = load_catalog(catalog_file(tmp_path, ("Q-1", ["s3-bucket-policy", "iam-policy"], query)))
    estate, _ = estate_with(tmp_path, subject)
    control, s = catalog.control("Q-1"), estate.subjects[subject["id"]]
    got = verdict(control, s, estate, tmp_path)
    assert got == expected
    answer = can(s.document, given_of(control.query.params))  # the direct question, on the same policy
    assert answer.word == {"PASS": "no", "FAIL": "yes"}[got], answer.text()


# --- not-public --------------------------------------------------------------------------------------------

NOT_PUBLIC = [
    (bucket("public-read", PUBLIC_READ), "FAIL"),
    (bucket("ip-read", IP_READ), "PASS"),  # a fixed set of aws:SourceIp blocks: not public
    (bucket("vpce-read", VPCE_READ), "PASS"),
    (bucket("cross", CROSS_ACCOUNT), "PASS"),  # a named partner account is not the public
    (subject_file("kms-key-policy", "kms-default", KMS_DEFAULT), "PASS"),
    (subject_file("role-trust-policy", "trust-anyone", TRUST_ANYONE), "FAIL"),
    (subject_file("role-trust-policy", "trust-ec2", TRUST_EC2), "PASS"),  # a service is AWS's own caller
]


@pytest.mark.parametrize("subject, expected", NOT_PUBLIC, ids=[s["id"] for s, _ in NOT_PUBLIC])
def test_not_public_agrees_with_policy_public(tmp_path, subject, expected):
    catalog = load_catalog(catalog_file(tmp_path, ("Q-2", list(PUBLIC_KINDS), "{kind: not-public}")))
    estate, _ = estate_with(tmp_path, subject)
    control, s = catalog.control("Q-2"), estate.subjects[subject["id"]]
    got = verdict(control, s, estate, tmp_path)
    assert got == expected
    answer = public(s.document, s.kind, s.account)
    assert answer.word == {"PASS": "not-public", "FAIL": "public"}[got], answer.text()


def test_public_kinds_are_the_questions():
    assert set(PUBLIC_KINDS) <= set(public_question.KINDS)
    assert QUERY_KINDS["not-public"][1] == PUBLIC_KINDS


# --- not-exposed -------------------------------------------------------------------------------------------

# The web server rules of the EC2 User Guide, "Security group rules for different use cases": HTTP and
# HTTPS from anywhere (IPv4 and IPv6), SSH from the network's own public range:
# https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-rules-reference.html
WEB = {"GroupId": "sg-0123456789abcdef0", "GroupName": "web", "IpPermissions": [
    {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
     "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
     "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}]}
# A database tier reachable only from the private network (RFC 1918), same page ("Database server rules")
DB = {"GroupId": "sg-0fedcba9876543210", "GroupName": "db", "IpPermissions": [
    {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]}
# The default network ACL allows all inbound traffic (VPC User Guide, "Default network ACL"):
# https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html
DEFAULT_ACL = {"NetworkAclId": "acl-0123456789abcdef0", "IsDefault": True, "Entries": [
    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": False, "CidrBlock": "0.0.0.0/0"}]}

NOT_EXPOSED = [
    ("{kind: not-exposed, ports: 3389}", subject_file("security-group", "web", WEB), "PASS"),  # no RDP rule
    # SSH from 203.0.113.0/24 only: an internet range (TEST-NET-3, not private), so exposed to the world
    ("{kind: not-exposed, ports: 22}", subject_file("security-group", "web", WEB), "FAIL"),
    ("{kind: not-exposed, ports: 22, from: ['198.51.100.0/24', '2001:db8::/32']}",
     subject_file("security-group", "web", WEB), "PASS"),
    ("{kind: not-exposed, ports: 443}", subject_file("security-group", "web", WEB), "FAIL"),
    ("{kind: not-exposed, protocol: all, ports: '0-1023', from: ['::/0']}",
     subject_file("security-group", "web", WEB), "FAIL"),
    ("{kind: not-exposed, ports: 22, from: ['203.0.113.0/24']}", subject_file("security-group", "web", WEB), "FAIL"),
    ("{kind: not-exposed, ports: 3306}", subject_file("security-group", "db", DB), "PASS"),  # private only
    ("{kind: not-exposed, ports: 3306, from: ['10.0.0.0/8']}", subject_file("security-group", "db", DB), "FAIL"),
    ("{kind: not-exposed, protocol: udp, ports: 53}", subject_file("network-acl", "acl", DEFAULT_ACL), "FAIL"),
]


@pytest.mark.parametrize("query, subject, expected", NOT_EXPOSED)
def test_not_exposed_agrees_with_network_exposed(tmp_path, query, subject, expected):
    catalog = load_catalog(catalog_file(tmp_path, ("Q-3", ["security-group", "network-acl"], query)))
    estate, folder = estate_with(tmp_path, subject)
    control, s = catalog.control("Q-3"), estate.subjects[subject["id"]]
    got = verdict(control, s, estate, tmp_path)
    assert got == expected
    answer = exposed(network_estate(folder / f"{subject['id']}.json"), exposure_of(control.query.params))
    assert answer.word == {"PASS": "not-exposed", "FAIL": "exposed"}[got], answer.text()


# --- no-allow-all ------------------------------------------------------------------------------------------

# The AdministratorAccess managed policy (Action "*" on Resource "*"):
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
# Administrator access with MFA required ("AWS: Allows MFA-authenticated IAM users to manage their own
# credentials" uses the same Bool aws:MultiFactorAuthPresent condition):
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html
ADMIN_MFA = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                                                     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
# "Everything except IAM" (the PowerUserAccess managed policy's NotAction form):
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html
POWER_USER = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}]}
# Allow everything, then an explicit deny (evaluation logic: the deny wins):
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
ADMIN_BUT_IAM = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}

NO_ALLOW_ALL = [
    (subject_file("iam-policy", "admin", ADMIN), "NOT CHECKABLE"),  # allows everything: no single witness
    (subject_file("iam-policy", "admin-mfa", ADMIN_MFA), "PASS"),
    (subject_file("iam-policy", "power-user", POWER_USER), "PASS"),
    (subject_file("iam-policy", "admin-but-iam", ADMIN_BUT_IAM), "PASS"),
    (bucket("public-read", PUBLIC_READ), "PASS"),
]


@pytest.mark.parametrize("subject, expected", NO_ALLOW_ALL, ids=[s["id"] for s, _ in NO_ALLOW_ALL])
def test_no_allow_all_agrees_with_policy_allows_all(tmp_path, subject, expected):
    """PASS exactly when `policy allows-all` answers no; a policy allowing everything is NOT CHECKABLE,
    never a PASS (its FAIL would need an UNSAT certificate, which only the question gives)."""
    catalog = load_catalog(catalog_file(tmp_path, ("Q-4", ["iam-policy", "s3-bucket-policy"], "{kind: no-allow-all}")))
    estate, _ = estate_with(tmp_path, subject)
    control, s = catalog.control("Q-4"), estate.subjects[subject["id"]]
    encoded = encode(control, s, estate)
    if expected == "NOT CHECKABLE":
        assert isinstance(encoded, Unsupported) and "allows-all" in encoded.feature
    else:
        assert verdict(control, s, estate, tmp_path) == expected
    answer = allows_all(s.document)
    assert answer.word == {"PASS": "no", "NOT CHECKABLE": "yes"}[expected], answer.text()


def test_no_allow_all_model_is_never_a_fail(tmp_path):
    """A model of the pinned problem (the encoding allowing a request the evaluator refuses) is a
    disagreement, NOT CHECKABLE: nothing confirms a violation of no-allow-all."""
    catalog = load_catalog(catalog_file(tmp_path, ("Q-4", ["iam-policy"], "{kind: no-allow-all}")))
    estate, _ = estate_with(tmp_path, subject_file("iam-policy", "admin-but-iam", ADMIN_BUT_IAM))
    control, s = catalog.control("Q-4"), estate.subjects["admin-but-iam"]
    assert not violates(control.query, s, estate, candidates_first(s, estate, control))


def candidates_first(subject, estate, control):
    from evidence.policy.candidates import requests
    return next(iter(requests(subject, estate, control.query)[0]))


# --- in `run`, and bad parameters ----------------------------------------------------------------------------

def test_run_stores_question_controls_and_verify_rederives_them(tmp_path):
    path = catalog_file(tmp_path, ("Q-1", ["s3-bucket-policy"], "{kind: not-allowed, principal: anonymous}"),
                        ("Q-2", ["s3-bucket-policy"], "{kind: not-public}"),
                        ("Q-3", ["security-group"], "{kind: not-exposed, ports: 3389}"),
                        ("Q-4", ["s3-bucket-policy"], "{kind: no-allow-all}"))
    _, folder = estate_with(tmp_path, bucket("public-read", PUBLIC_READ), subject_file("security-group", "web", WEB))
    db = f"sqlite:///{tmp_path / 'e.db'}"
    runner = CliRunner()
    ran = runner.invoke(cli, ["run", "--catalog", path, "--inputs", str(folder), "--db", db, "--jobs", "1",
                              "--timeout", "60"])
    assert ran.exit_code == 1, ran.output  # the public bucket fails two of them
    lines = {line.split()[1]: line.split()[0] for line in ran.output.splitlines()
             if line.split() and line.split()[0] in ("PASS", "FAIL", "NOT")}
    assert lines == {"Q-1/public-read": "FAIL", "Q-2/public-read": "FAIL", "Q-3/web": "PASS",
                     "Q-4/public-read": "PASS"}, ran.output
    key, bundle = tmp_path / "k.key", tmp_path / "ev.tar.gz"
    assert runner.invoke(cli, ["keygen", "-o", str(key)]).exit_code == 0
    made = runner.invoke(cli, ["bundle", "-o", str(bundle), "--key", str(key), "--db", db])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(cli, ["verify", str(bundle), "--pubkey", f"{key}.pub"])
    assert checked.exit_code in (0, 1), checked.output  # the problems derived again from the bundled inputs
    assert checked.output.count("kernel VERIFIED") == 4, checked.output
    assert "all 4 problems re-derived from the bundled inputs" in checked.output, checked.output


BAD = [
    ("{kind: not-allowed, principal: 'bob'}", "controls[0].query.principal", "expected a user"),
    ("{kind: not-allowed, action: 's3GetObject'}", "controls[0].query.action", "not an action"),
    ("{kind: not-allowed, resource: 'bucket/key'}", "controls[0].query.resource", "not an ARN pattern"),
    ("{kind: not-allowed, context: {'aws:PrincipalArn': ['x']}}", "controls[0].query.context.aws:PrincipalArn",
     "derives it from the principal"),
    ("{kind: not-allowed, context: {'aws:SourceIp': []}}", "controls[0].query.context.aws:SourceIp", "non-empty"),
    ("{kind: not-allowed, action: 's3:GetObject', context: {'s3:prefix': ['foo']}}", "controls[0].query.context",
     "no request for s3:GetObject carries it"),
    ("{kind: not-allowed, actions: ['s3:GetObject']}", "controls[0].query.actions", "unknown element"),
    ("{kind: not-public, account: '123456789012'}", "controls[0].query.account", "unknown element"),
    ("{kind: no-allow-all, actions: ['*']}", "controls[0].query.actions", "unknown element"),
    ("{kind: not-exposed}", "controls[0].query", "missing 'ports'"),
    ("{kind: not-exposed, ports: 99999}", "controls[0].query.ports", "out of range"),
    ("{kind: not-exposed, ports: '443-80'}", "controls[0].query.ports", "empty"),
    ("{kind: not-exposed, ports: 22, protocol: icmp}", "controls[0].query.protocol", "tcp"),
    ("{kind: not-exposed, ports: 22, from: ['10.0.0.0/33']}", "controls[0].query.from[0]", "10.0.0.0/33"),
]


@pytest.mark.parametrize("query, path, words", BAD)
def test_bad_parameters_are_refused(tmp_path, query, path, words):
    kinds = ["security-group"] if "not-exposed" in query else ["s3-bucket-policy"]
    file = catalog_file(tmp_path, ("Q-1", kinds, query))
    with pytest.raises(PolicyInputError) as caught:
        load_catalog(file)
    assert caught.value.file == file
    assert caught.value.path == path and words in caught.value.message, str(caught.value)
    _, folder = estate_with(tmp_path)
    ran = CliRunner().invoke(cli, ["run", "--catalog", file, "--inputs", str(folder),
                                   "--db", f"sqlite:///{tmp_path / 'e.db'}"])
    assert ran.exit_code == 2 and path in ran.output, ran.output


def test_not_public_does_not_apply_to_identity_policies(tmp_path):
    file = catalog_file(tmp_path, ("Q-1", ["iam-policy"], "{kind: not-public}"))
    with pytest.raises(PolicyInputError, match="cannot apply"):
        load_catalog(file)


def test_not_allowed_parameters_as_policy_can_reads_them(tmp_path):
    catalog = load_catalog(catalog_file(tmp_path, ("Q-1", ["s3-bucket-policy"], "{kind: not-allowed, principal: "
                                                   "111122223333, context: {'aws:SourceIp': ['192.0.2.1']}}")))
    given = given_of(catalog.control("Q-1").query.params)
    assert given.principal.name == "arn:aws:iam::111122223333:root" and given.context == {"aws:sourceip": ["192.0.2.1"]}


def test_can_gives_every_value_a_slot():
    """Two values of a key the policy does not test: the request carries both (one slot each); more
    values of a tested key than its conditions can tell apart: not checkable, never a guessed no."""
    p = load_policy_dict(PUBLIC_READ)
    both = can(p, parse_given("anonymous", "s3:GetObject", None, ["aws:TagKeys=a", "aws:TagKeys=b"]))
    assert both.word == "yes", both.text()
    assert both.parts[0].settled.witness.context_map()["aws:tagkeys"] == ("a", "b")
    ip = load_policy_dict(IP_READ)
    three = can(ip, parse_given("anonymous", "s3:GetObject", None,
                                ["aws:SourceIp=192.0.2.1", "aws:SourceIp=192.0.2.2", "aws:SourceIp=192.0.2.3"]))
    assert three.word == "not-checkable" and "3 values for aws:sourceip" in three.reason


def load_policy_dict(document):
    from evidence.policy.document import RESOURCE, parse_policy
    from evidence.policy.errors import Where
    return parse_policy(document, Where("test.json"), RESOURCE)
