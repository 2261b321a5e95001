"""Known answers, both ways, for every control of the catalog, on configurations written here from the
documented rules (not the samples). A violation must be found and confirmed by the evaluator; a
compliant configuration must yield "no counterexample found" (never a PASS: only the kernel gives those)."""
import pytest

from evidence.policy.addresses import parse_block
from evidence.policy.catalog import load_catalog
from evidence.policy.concrete import COUNTEREXAMPLE, NOTHING_FOUND, confirm, search
from evidence.policy.document import parse_policy
from evidence.policy.errors import Where
from evidence.policy.evaluate import decide, explicitly_denied
from evidence.policy.loader import POLICY_KINDS, Account, Estate, Subject
from evidence.policy.network import parse_network_acl, parse_security_group
from evidence.policy.violations import NetworkWitness

OWNER, ORG, TRUSTED, PARTNER = "111122223333", "o-a1b2c3d4e5", "444455556666", "999988887777"
BUCKET = ("arn:aws:s3:::data", "arn:aws:s3:::data/*")
KEY = ("arn:aws:kms:us-east-1:111122223333:key/k1",)
ROLE = ("arn:aws:iam::111122223333:role/r",)
GITHUB = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
CATALOG = load_catalog("samples/catalog.yaml")


def account():
    return Account(OWNER, ORG, (TRUSTED,), (parse_block("198.51.100.0/24"), parse_block("2001:db8:cafe::/48")))


def policy_subject(kind, statements, resources=(), sid="subject", baseline=None):
    document = parse_policy({"Version": "2012-10-17", "Statement": statements}, Where(f"{sid}.json"),
                            POLICY_KINDS[kind])
    return Subject(kind, sid, OWNER, f"{sid}.json", document, tuple(resources), baseline)


def run(control_id, subject, *others):
    estate = Estate({OWNER: account()}, {s.id: s for s in (subject, *others)})
    control = CATALOG.control(control_id)
    assert control.applies(subject)
    finding = search(control, subject, estate)
    if finding.outcome == COUNTEREXAMPLE:
        assert confirm(control, subject, estate, finding.witness)
        assert finding.explanation
    return finding, estate


def star(action, resource=BUCKET[1], **extra):
    return {"Effect": "Allow", "Principal": "*", "Action": action, "Resource": resource, **extra}


def cond(operator, key, value):
    return {"Condition": {operator: {key: value}}}


# --- IAM-1, IAM-2: identity policies ------------------------------------------------------------------

def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


@pytest.mark.parametrize("control, statements, violated", [
    ("IAM-1", [allow("*")], True),
    ("IAM-1", [allow("*:*")], True),
    ("IAM-1", [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], True),
    ("IAM-1", [{"Effect": "Allow", "NotAction": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"}], True),
    ("IAM-1", [allow("*", **cond("Bool", "aws:MultiFactorAuthPresent", "true"))], True),  # still everything
    ("IAM-1", [allow("s3:*")], False),
    ("IAM-1", [allow("*", "arn:aws:s3:::data/*")], False),
    ("IAM-1", [allow("*"), {"Effect": "Deny", "Action": "*", "Resource": "*"}], False),
    ("IAM-1", [allow(["ec2:*", "s3:*", "iam:*"])], False),  # broad, but names its services
    ("IAM-2", [allow("iam:PassRole")], True),
    ("IAM-2", [allow("iam:*")], True),
    ("IAM-2", [allow("iam:Put*Policy")], True),
    ("IAM-2", [{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}], True),
    ("IAM-2", [allow("iam:PassRole", "arn:aws:iam::111122223333:role/app-*")], False),
    ("IAM-2", [allow("iam:Get*")], False),
    ("IAM-2", [allow("iam:*"), {"Effect": "Deny", "Action": "iam:*", "NotResource": "arn:aws:iam::*:role/app-*"}], False),
])
def test_identity_controls(control, statements, violated):
    finding, estate = run(control, policy_subject("iam-policy", statements))
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding
    if violated:
        assert decide(estate.subjects["subject"].document, finding.witness).allowed


# --- S3-1, S3-2, RES-1, KMS-1: who outside can get in ------------------------------------------------

READ, WRITE = "S3-1", "S3-2"


@pytest.mark.parametrize("control, statements, violated", [
    (READ, [star("s3:GetObject")], True),
    (READ, [star("s3:ListBucket", BUCKET[0], Principal={"AWS": "*"})], True),
    (READ, [star("s3:Get*")], True),
    (READ, [star("s3:GetObject", **cond("StringLike", "aws:PrincipalOrgID", "o-*"))], True),  # any organisation
    (READ, [star("s3:GetObject", **cond("StringNotEquals", "aws:PrincipalOrgID", ORG))], True),  # everyone else!
    (READ, [star("s3:GetObject", **cond("StringLike", "aws:Referer", "https://example.com/*"))], True),
    (READ, [star("s3:GetObject", **cond("StringLike", "aws:SourceVpce", "vpce-*"))], True),  # any endpoint
    (READ, [star("s3:GetObject", **cond("StringEqualsIfExists", "aws:PrincipalOrgID", ORG))], True),  # anonymous
    (READ, [star("s3:GetObject", **cond("StringEquals", "aws:PrincipalOrgID", ORG))], False),
    (READ, [star("s3:GetObject", **cond("StringEquals", "aws:PrincipalAccount", OWNER))], False),
    (READ, [star("s3:GetObject", **cond("StringEquals", "aws:SourceVpc", "vpc-0abc"))], False),
    (READ, [star("s3:GetObject", **cond("StringEquals", "aws:SourceVpce", "vpce-0abc"))], False),
    (READ, [star("s3:GetObject", **cond("StringEquals", "aws:SourceAccount", OWNER))], False),
    (READ, [star("s3:GetObject", **cond("StringEquals", "aws:SourceOwner", OWNER))], False),
    (READ, [star("s3:GetObject", **cond("ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{OWNER}:role/*"))], False),
    (READ, [star("s3:GetObject", Principal={"AWS": OWNER})], False),
    (READ, [star("s3:GetObject", Principal={"AWS": PARTNER})], False),  # named, so not public (see RES-1)
    (READ, [star("s3:PutObject")], False),  # public write is S3-2's business
    (READ, [star("s3:GetObject"), {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": list(BUCKET),
                                   **cond("StringNotEquals", "aws:PrincipalOrgID", ORG)}], False),
    (WRITE, [star("s3:PutObject")], True),
    (WRITE, [star("s3:*")], True),
    (WRITE, [star("s3:PutBucketPolicy", BUCKET[0], Principal={"AWS": "*"})], True),
    (WRITE, [star("s3:GetObject")], False),
    (WRITE, [star("s3:PutObject", **cond("StringEquals", "aws:PrincipalOrgID", ORG))], False),
])
def test_public_bucket_access(control, statements, violated):
    finding, estate = run(control, policy_subject("s3-bucket-policy", statements, BUCKET))
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding
    if violated:
        assert decide(estate.subjects["subject"].document, finding.witness).allowed
        assert finding.witness.principal.account not in (OWNER, TRUSTED)


@pytest.mark.parametrize("statements, violated", [
    ([star("s3:GetObject", Principal={"AWS": PARTNER})], True),
    ([star("s3:GetObject", Principal={"AWS": f"arn:aws:iam::{PARTNER}:role/reader"})], True),
    ([star("s3:GetObject")], True),
    ([star("s3:PutObject", Principal={"Service": "cloudtrail.amazonaws.com"})], True),  # confused deputy
    ([star("s3:PutObject", Principal={"Service": "cloudtrail.amazonaws.com"},
           **cond("StringEquals", "aws:SourceAccount", PARTNER))], True),
    ([star("s3:GetObject", Principal={"AWS": TRUSTED})], False),
    ([star("s3:GetObject", Principal={"AWS": OWNER})], False),
    ([star("s3:GetObject", **cond("StringEquals", "aws:PrincipalOrgID", ORG))], False),
    ([star("s3:PutObject", Principal={"Service": "cloudtrail.amazonaws.com"},
           **cond("StringEquals", "aws:SourceAccount", OWNER))], False),
    ([star("s3:PutObject", Principal={"Service": "cloudtrail.amazonaws.com"},
           **cond("ArnLike", "aws:SourceArn", f"arn:aws:cloudtrail:*:{OWNER}:trail/*"))], False),
])
def test_resource_policy_only_for_trusted_principals(statements, violated):
    finding, _ = run("RES-1", policy_subject("s3-bucket-policy", statements, BUCKET))
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding


@pytest.mark.parametrize("statements, violated", [
    ([star("kms:Decrypt", "*", Principal={"AWS": "*"}, **cond("StringLike", "kms:ViaService", "s3.*.amazonaws.com"))], True),
    ([star("kms:*", "*")], True),
    ([star("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{OWNER}:root"})], False),
    ([star("kms:Decrypt", "*", Principal={"AWS": "*"},
           Condition={"StringEquals": {"kms:CallerAccount": OWNER, "kms:ViaService": "s3.us-east-1.amazonaws.com"}})],
     False),
])
def test_key_policy_not_public(statements, violated):
    finding, _ = run("KMS-1", policy_subject("kms-key-policy", statements, KEY))
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding


# --- IAM-3: role trust ----------------------------------------------------------------------------------

def trust(principal, action="sts:AssumeRole", **extra):
    return {"Effect": "Allow", "Principal": principal, "Action": action, **extra}


def github(conditions):
    return trust({"Federated": GITHUB}, "sts:AssumeRoleWithWebIdentity", Condition=conditions)


AUD, SUB = "token.actions.githubusercontent.com:aud", "token.actions.githubusercontent.com:sub"


@pytest.mark.parametrize("statements, violated", [
    ([trust({"AWS": f"arn:aws:iam::{PARTNER}:root"}, **cond("StringEquals", "sts:ExternalId", "x"))], True),
    ([trust({"AWS": "*"})], True),
    ([trust("*", **cond("StringLike", "aws:PrincipalOrgID", "o-*"))], True),
    ([github({"StringEquals": {AUD: "sts.amazonaws.com"}})], True),  # sub unconstrained
    ([github({"StringEquals": {AUD: "sts.amazonaws.com"}, "StringLike": {SUB: "repo:*"}})], True),
    ([github({"StringLike": {AUD: "*", SUB: "repo:example-org/app:*"}})], True),  # aud unconstrained
    ([github({"StringEquals": {SUB: "repo:example-org/app:ref:refs/heads/main"}})], True),  # aud missing
    ([github({"StringEquals": {AUD: "sts.amazonaws.com", SUB: "repo:example-org/app:ref:refs/heads/main"}})], False),
    ([github({"StringEquals": {AUD: "sts.amazonaws.com"}, "StringLike": {SUB: "repo:example-org/app:*"}})], False),
    ([trust({"AWS": f"arn:aws:iam::{OWNER}:role/admin"})], False),
    ([trust({"AWS": TRUSTED})], False),
    ([trust({"Service": "ec2.amazonaws.com"})], False),
    ([trust({"AWS": "*"}, **cond("StringEquals", "aws:PrincipalOrgID", ORG))], False),
])
def test_role_trust(statements, violated):
    finding, estate = run("IAM-3", policy_subject("role-trust-policy", statements, ROLE))
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding
    if violated:
        assert decide(estate.subjects["subject"].document, finding.witness).allowed


# --- S3-3, S3-4, ORG-1, ORG-2: required explicit denies ----------------------------------------------------

def deny(action, resource, principal="*", **extra):
    out = {"Effect": "Deny", "Action": action, "Resource": resource, **extra}
    if principal is not None:
        out["Principal"] = principal
    return out


HTTP = cond("Bool", "aws:SecureTransport", "false")


@pytest.mark.parametrize("control, statements, violated", [
    ("S3-3", [], True),
    ("S3-3", [deny("s3:*", BUCKET[1], **HTTP)], True),  # the bucket itself is not covered
    ("S3-3", [deny("s3:GetObject", list(BUCKET), **HTTP)], True),  # only reads
    ("S3-3", [deny("s3:*", list(BUCKET), **cond("NumericLessThan", "s3:TlsVersion", "1.2"))], True),  # HTTP has no TLS
    ("S3-3", [deny("s3:*", list(BUCKET), **HTTP)], False),
    ("S3-3", [deny("s3:*", "arn:aws:s3:::data*", **HTTP)], False),
    ("S3-3", [deny("*", "*", **cond("BoolIfExists", "aws:SecureTransport", "false"))], False),
    ("S3-4", [], True),
    ("S3-4", [deny("s3:PutObject", BUCKET[1], **cond("StringEquals", "s3:x-amz-server-side-encryption", "none"))], True),
    ("S3-4", [deny("s3:PutObject", BUCKET[1], **cond("Null", "s3:x-amz-server-side-encryption", "false"))], True),
    ("S3-4", [deny("s3:PutObject", BUCKET[1], **cond("Null", "s3:x-amz-server-side-encryption", "true"))], False),
    ("S3-4", [deny("s3:PutObject", BUCKET[1],
                   **cond("StringNotEquals", "s3:x-amz-server-side-encryption", ["AES256", "aws:kms"]))], False),
])
def test_bucket_denies(control, statements, violated):
    finding, estate = run(control, policy_subject("s3-bucket-policy", statements or [star("s3:GetObject", **cond(
        "StringEquals", "aws:PrincipalOrgID", ORG))], BUCKET))
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding
    if violated:
        assert not explicitly_denied(estate.subjects["subject"].document, finding.witness)


BREAK_GLASS = cond("ArnNotLike", "aws:PrincipalARN", "arn:aws:iam::*:role/BreakGlass")
AUDIT = ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "config:StopConfigurationRecorder",
         "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel", "guardduty:DeleteDetector",
         "guardduty:UpdateDetector"]


@pytest.mark.parametrize("control, statements, violated", [
    ("ORG-1", [deny("ec2:*", "*", None)], True),
    ("ORG-1", [deny("organizations:LeaveOrganization", "*", None,
                    **cond("StringEquals", "aws:RequestedRegion", "us-east-1"))], True),
    ("ORG-1", [deny("organizations:LeaveOrganization", "*", None,
                    **cond("ArnNotLike", "aws:PrincipalARN", "arn:aws:iam::*:role/*"))], True),  # exempts every role
    ("ORG-1", [deny("organizations:LeaveOrganization", "*", None)], False),
    ("ORG-1", [deny("organizations:*", "*", None, **BREAK_GLASS)], False),
    ("ORG-2", [deny(["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], "*", None, **BREAK_GLASS)], True),
    ("ORG-2", [deny(AUDIT[:-1], "*", None, **BREAK_GLASS)], True),
    ("ORG-2", [deny(AUDIT, "*", None, **BREAK_GLASS)], False),
    ("ORG-2", [deny(["cloudtrail:*", "config:*", "guardduty:*"], "*", None)], False),
])
def test_service_control_policies(control, statements, violated):
    finding, estate = run(control, policy_subject("scp", statements))
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding
    if violated:
        assert not explicitly_denied(estate.subjects["subject"].document, finding.witness)
        assert not finding.witness.principal.name.endswith("role/BreakGlass")


# --- CHG-1: no more permissive than the baseline ------------------------------------------------------------

BASE = [allow("s3:GetObject", "arn:aws:s3:::data/*", **cond("Bool", "aws:SecureTransport", "true"))]


@pytest.mark.parametrize("changed, violated", [
    ([allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::data/*", **cond("Bool", "aws:SecureTransport", "true"))], True),
    ([allow("s3:GetObject", "arn:aws:s3:::*", **cond("Bool", "aws:SecureTransport", "true"))], True),
    ([allow("s3:GetObject", "arn:aws:s3:::data/*")], True),  # the condition was dropped
    (BASE, False),
    ([allow("s3:GetObject", "arn:aws:s3:::data/reports/*", **cond("Bool", "aws:SecureTransport", "true"))], False),
    ([allow("s3:GetObject", "arn:aws:s3:::data/*"), {"Effect": "Deny", "Action": "*", "Resource": "*",
                                                      **cond("BoolIfExists", "aws:SecureTransport", "false")}], False),
])
def test_no_more_permissive_than_baseline(changed, violated):
    baseline = policy_subject("iam-policy", BASE, sid="base")
    subject = policy_subject("iam-policy", changed, baseline="base")
    finding, _ = run("CHG-1", subject, baseline)
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding
    if violated:
        assert decide(subject.document, finding.witness).allowed
        assert not decide(baseline.document, finding.witness).allowed


def test_baseline_control_applies_only_with_a_baseline():
    assert not CATALOG.control("CHG-1").applies(policy_subject("iam-policy", BASE))


# --- NET-1 .. NET-4 ---------------------------------------------------------------------------------------

def sg_subject(ingress=(), egress=(), name="app"):
    document = parse_security_group({"GroupId": "sg-1", "GroupName": name, "IpPermissions": list(ingress),
                                     "IpPermissionsEgress": list(egress)}, Where("sg.json"))
    return Subject("security-group", "subject", OWNER, "sg.json", document)


def acl_subject(*entries):
    document = parse_network_acl({"NetworkAclId": "acl-1", "Entries": list(entries)}, Where("acl.json"))
    return Subject("network-acl", "subject", OWNER, "acl.json", document)


def perm(protocol="tcp", low=22, high=22, v4=(), v6=(), groups=()):
    out = {"IpProtocol": protocol, "IpRanges": [{"CidrIp": c} for c in v4], "Ipv6Ranges": [{"CidrIpv6": c} for c in v6],
           "UserIdGroupPairs": [{"GroupId": g} for g in groups]}
    if low is not None:
        out.update(FromPort=low, ToPort=high)
    return out


def entry(number, action, cidr="0.0.0.0/0", protocol="6", low=22, high=22):
    out = {"RuleNumber": number, "Protocol": protocol, "RuleAction": action, "Egress": False,
           ("Ipv6CidrBlock" if ":" in cidr else "CidrBlock"): cidr}
    if protocol == "6":
        out["PortRange"] = {"From": low, "To": high}
    return out


@pytest.mark.parametrize("ingress, violated", [
    ([perm(v4=["0.0.0.0/0"])], True),
    ([perm(low=3389, high=3389, v6=["::/0"])], True),
    ([perm("-1", None, v4=["0.0.0.0/0"])], True),
    ([perm(v4=["0.0.0.0/1"])], True),  # half the internet is the world too
    ([perm(low=0, high=65535, v4=["203.0.113.0/24"])], True),
    ([perm(v4=["198.51.100.0/24"]), perm(low=3389, high=3389, v6=["2001:db8:cafe::/48"])], False),  # trusted
    ([perm(groups=["sg-bastion"])], False),
    ([perm(low=443, high=443, v4=["0.0.0.0/0"], v6=["::/0"])], False),
    ([perm("udp", 22, 22, v4=["0.0.0.0/0"])], False),  # the control is about TCP
])
def test_security_group_admin_ports(ingress, violated):
    finding, estate = run("NET-1", sg_subject(ingress))
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding
    if violated:
        assert finding.witness.packet.port in (22, 3389)
        assert not any(b.contains(finding.witness.packet.peer) for b in estate.account(OWNER).trusted_sources)


@pytest.mark.parametrize("entries, violated", [
    ([entry(100, "allow", protocol="-1")], True),
    ([entry(100, "allow", protocol="-1"), entry(200, "deny")], True),  # the deny comes too late
    ([entry(50, "deny"), entry(100, "allow", protocol="-1")], True),  # 3389 is still allowed
    ([entry(100, "allow", "::/0", low=3389, high=3389)], True),
    ([entry(50, "deny", low=22, high=22), entry(60, "deny", "0.0.0.0/0", low=3389, high=3389),
      entry(70, "deny", "::/0", protocol="-1"), entry(100, "allow", protocol="-1")], False),
    ([entry(90, "allow", "198.51.100.0/24"), entry(100, "allow", low=443, high=443)], False),
    ([], False),
])
def test_network_acl_admin_ports(entries, violated):
    finding, _ = run("NET-2", acl_subject(*entries))
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding


@pytest.mark.parametrize("ingress, egress, violated", [
    ([perm("-1", None, groups=["sg-1"])], [], True),
    ([], [perm("-1", None, v4=["0.0.0.0/0"])], True),
    ([], [], False),
])
def test_default_security_group_has_no_rules(ingress, egress, violated):
    subject = sg_subject(ingress, egress, name="default")
    finding, _ = run("NET-3", subject)
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding
    if violated:
        assert isinstance(finding.witness, NetworkWitness)


def test_default_rule_applies_only_to_default_groups():
    assert not CATALOG.control("NET-3").applies(sg_subject([perm(v4=["0.0.0.0/0"])]))


@pytest.mark.parametrize("subject, violated", [
    (sg_subject([perm(low=8080, high=8080, v4=["0.0.0.0/0"])]), True),
    (sg_subject([perm("udp", 53, 53, v6=["::/0"])]), True),
    (sg_subject([perm(low=443, high=443, v4=["0.0.0.0/0"]), perm(low=80, high=80, v6=["::/0"]),
                 perm(v4=["198.51.100.0/24"])]), False),
    (acl_subject(entry(100, "allow", low=80, high=443)), True),
    (acl_subject(entry(100, "allow", low=80, high=80), entry(110, "allow", low=443, high=443)), False),
    (sg_subject([perm("icmp", 3, 4, v4=["0.0.0.0/0"])]), True),  # ICMP type 3 code 4 (fragmentation needed)
    (acl_subject({"RuleNumber": 10, "Protocol": "1", "RuleAction": "allow", "Egress": False,
                  "CidrBlock": "0.0.0.0/0", "IcmpTypeCode": {"Type": 3, "Code": 4}}), True),
])
def test_world_ingress_only_on_authorised_ports(subject, violated):
    finding, _ = run("NET-4", subject)
    assert finding.outcome == (COUNTEREXAMPLE if violated else NOTHING_FOUND), finding
