"""Known answers in both directions, through the whole SMT path, for every control of the catalog
that tests/test_policy_encode.py::test_known_answers does not cover.

Each case is a small subject whose verdict follows from a rule AWS documents (cited next to it), not
from what the code happens to do. The path: encode (queries.py) -> produce a certificate (cvc5, else
the native DPLL(T)) -> the kernel checks it -> a PASS is a verified UNSAT certificate; a FAIL is a
verified model, decoded into a request or packet that the concrete evaluator (`violates`) confirms.

AWS pages (IAM User Guide unless said otherwise):
  [eval]      reference_policies_evaluation-logic.html: default deny, an explicit Deny overrides any Allow
  [action]    reference_policies_elements_action.html / _notaction.html: wildcards, case-insensitive;
              NotAction with Allow grants every action not listed
  [resource]  reference_policies_elements_resource.html
  [principal] reference_policies_elements_principal.html / _notprincipal.html: "*" = {"AWS": "*"} =
              everyone, anonymous included; an account id = that account; NotPrincipal with Deny denies
              everyone not listed
  [cond]      reference_policies_elements_condition_operators.html: an absent key makes a condition
              false, a negated operator (StringNotEquals, ArnNotLike) true; Null true = key absent
  [global]    reference_policies_condition-keys.html: aws:PrincipalOrgID / aws:SourceVpce describe the
              caller's organisation / endpoint; aws:Referer is set by the caller ("do not use it to
              prevent unauthorized parties"); aws:SourceIp is any public address
  [kms]       KMS Developer Guide, conditions-kms.html: kms:CallerAccount is the caller's account
  [oidc]      id_roles_create_for-idp_oidc.html / GitHub's "Configuring OpenID Connect in AWS": the
              trust must pin token.actions.githubusercontent.com:aud and :sub
  [scp]       AWS Organizations User Guide, orgs_manage_policies_scps_evaluation.html and the
              "deny except a role" example (ArnNotLike aws:PrincipalARN)
  [nacl]      VPC User Guide, nacl-rules.html: rules evaluated in increasing rule number, the first
              match decides; none matches -> the * rule denies
  [s3-sse]    S3 User Guide, UsingServerSideEncryption.html: deny PutObject when
              s3:x-amz-server-side-encryption is absent ("Null": true)
"""
import json
from pathlib import Path

import pytest

import checker
from cases import KNOWN as ENCODE_KNOWN  # the controls test_policy_encode knows (S3-1, S3-3, NET-1, NET-3, NET-4)
from evidence.policy.catalog import load_catalog
from evidence.policy.codec import assignment, decode, define_funs, model_values
from evidence.policy.errors import Unsupported
from evidence.policy.judge import encode, judge, produce
from evidence.policy.loader import load_estate
from evidence.policy.request import Principal, Request
from evidence.policy.violations import violates

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
OWNER, ORG, PARTNER, STRANGER = "111122223333", "o-a1b2c3d4e5", "444455556666", "777766665555"
ACCOUNT = {"kind": "account", "id": OWNER, "organization": ORG, "trusted_accounts": [PARTNER],
           "trusted_sources": ["198.51.100.0/24"]}
PRODUCE_TIMEOUT = 20


def _estate(directory, *subjects):
    directory.mkdir(parents=True)
    (directory / "account.json").write_text(json.dumps(ACCOUNT))
    for s in subjects:
        (directory / f"{s['id']}.json").write_text(json.dumps(s))
    return load_estate(directory)


# --- subject builders ---------------------------------------------------------------------------------

def _doc(statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def identity(sid, *statements, baseline=None):
    out = {"kind": "iam-policy", "id": sid, "account": OWNER, "document": _doc(statements)}
    if baseline:
        out["baseline"] = baseline
    return out


def bucket(sid, *statements):
    return {"kind": "s3-bucket-policy", "id": sid, "account": OWNER,
            "resources": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "document": _doc(statements)}


KEY_ARN = f"arn:aws:kms:us-east-1:{OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def key(sid, *statements):
    return {"kind": "kms-key-policy", "id": sid, "account": OWNER, "resources": [KEY_ARN],
            "document": _doc(statements)}


def trust(sid, *statements):
    return {"kind": "role-trust-policy", "id": sid, "account": OWNER,
            "resources": [f"arn:aws:iam::{OWNER}:role/{sid}"], "document": _doc(statements)}


def scp(sid, *statements):
    return {"kind": "scp", "id": sid, "account": OWNER, "document": _doc(statements)}


def nacl(sid, *entries):
    return {"kind": "network-acl", "id": sid, "account": OWNER,
            "document": {"NetworkAclId": f"acl-{sid}", "IsDefault": False, "Entries": list(entries)}}


def entry(number, action, cidr="0.0.0.0/0", protocol="6", ports=None):
    out = {"RuleNumber": number, "Protocol": protocol, "RuleAction": action, "Egress": False, "CidrBlock": cidr}
    if ports:
        out["PortRange"] = {"From": ports[0], "To": ports[1]}
    return out


# --- statements ----------------------------------------------------------------------------------------

ADMIN = {"Effect": "Allow", "Action": "*", "Resource": "*"}
OBJECTS = "arn:aws:s3:::b/*"
PUT_ANYONE = {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": OBJECTS}
GET_ANYONE = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": OBJECTS}
BREAK_GLASS = {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/BreakGlass"}}
AUDIT_ACTIONS = ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "config:Stop*",
                 "config:Delete*", "guardduty:DeleteDetector", "guardduty:UpdateDetector"]
GITHUB = f"arn:aws:iam::{OWNER}:oidc-provider/token.actions.githubusercontent.com"


def github_trust(condition):
    return {"Effect": "Allow", "Principal": {"Federated": GITHUB}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition}


ARTIFACTS_RW = {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::artifacts/*"}
APPROVED = identity("approved", ARTIFACTS_RW)


def case(control, expected, subject, *others, rule, marks=()):
    """One known answer: `subject` (with `others` in the estate, e.g. its baseline) must get `expected`
    for `control`, because of `rule`."""
    return pytest.param(control, expected, subject, others, rule, id=f"{control}-{expected}-{subject['id']}",
                        marks=marks)


CASES = [
    # IAM-1: no semantic *:* grant.
    case("IAM-1", "PASS", identity("admin-fenced", ADMIN, {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}),
         rule="[eval] the explicit Deny (of every non-S3 action: NotAction) overrides Action '*'"),
    case("IAM-1", "FAIL", identity("notaction-admin", {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
         rule="[action] NotAction with Allow grants every other action, on Resource '*'"),
    case("IAM-1", "FAIL", identity("star-star", {"Effect": "Allow", "Action": "*:*", "Resource": "*"}),
         rule="[action] '*:*' matches every service:action"),

    # IAM-2: no privilege-escalation action on '*'.
    case("IAM-2", "PASS", identity("passrole-named", {
        "Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{OWNER}:role/app-*"}),
         rule="[resource] the grant is limited to named roles"),
    case("IAM-2", "FAIL", identity("pass-wildcard", {"Effect": "Allow", "Action": "IAM:Pass*", "Resource": "*"}),
         rule="[action] 'IAM:Pass*' matches iam:PassRole (wildcards, case-insensitive), Resource '*'"),

    # S3-2: no public write.
    case("S3-2", "PASS", bucket("vpce-write", dict(PUT_ANYONE, Condition={
        "StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})),
         rule="[global] aws:SourceVpce pinned to the account's endpoint: an outsider's request has "
              "another or none, and an absent key makes the condition false [cond]"),
    case("S3-2", "FAIL", bucket("referer-write", dict(PUT_ANYONE, Condition={
        "StringLike": {"aws:Referer": "https://www.example.com/*"}})),
         rule="[global] aws:Referer is whatever the caller sends: Principal '*' stays public"),
    case("S3-2", "FAIL", bucket("ip-write", dict(PUT_ANYONE, Condition={
        "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
         rule="[global] aws:SourceIp: a range of public addresses is reachable by anyone there"),

    # S3-1 (beyond test_policy_encode's): Deny with NotPrincipal.
    case("S3-1", "PASS", bucket("notprincipal-deny", GET_ANYONE, {
        "Effect": "Deny", "NotPrincipal": {"AWS": f"arn:aws:iam::{OWNER}:root"}, "Action": "s3:*",
        "Resource": OBJECTS}),
         rule="[principal] NotPrincipal with Deny denies everyone not listed (an anonymous caller "
              "included); [eval] the Deny overrides the public Allow"),
    case("S3-1", "FAIL", bucket("notorg-read", dict(GET_ANYONE, Condition={
        "StringNotEquals": {"aws:PrincipalOrgID": ORG}})),
         rule="[cond] StringNotEquals PrincipalOrgID: true for every other organisation, and for an "
              "anonymous caller (absent key, negated operator)"),

    case("S3-1", "FAIL", bucket("forallvalues-org", dict(GET_ANYONE, Condition={
        "ForAllValues:StringEquals": {"aws:PrincipalOrgID": ORG}})),
         rule="[cond] ForAllValues is vacuously true when the key is absent: an anonymous caller has no "
              "aws:PrincipalOrgID"),

    # RES-1: only the account, its organisation and allow-listed accounts.
    case("RES-1", "PASS", bucket("org-and-partner", {
        "Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": "s3:GetObject", "Resource": OBJECTS},
        dict(GET_ANYONE, Condition={"StringEquals": {"aws:PrincipalOrgID": ORG}})),
         rule="[principal] an account id is that (allow-listed) account; [global] PrincipalOrgID pins the org"),
    case("RES-1", "FAIL", bucket("stranger", {
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{STRANGER}:root"}, "Action": "s3:GetObject",
        "Resource": OBJECTS}),
         rule="[principal] arn:aws:iam::ID:root grants the account ID, which is neither ours nor allow-listed"),
    case("RES-1", "FAIL", bucket("notprincipal-stranger", GET_ANYONE, {
        "Effect": "Deny", "NotPrincipal": {"AWS": f"arn:aws:iam::{STRANGER}:root"}, "Action": "s3:*",
        "Resource": OBJECTS}),
         rule="[principal] NotPrincipal with Deny exempts the listed (outside) account from the Deny, "
              "so the public Allow still reaches it"),

    # IAM-3: role trust within the organisation; OIDC must pin aud and sub.
    case("IAM-3", "PASS", trust("ci-pinned", github_trust({"StringEquals": {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:example-org/app:ref:refs/heads/main"}})),
         rule="[oidc] aud and sub both pinned to one repository and branch"),
    case("IAM-3", "FAIL", trust("ci-no-sub", github_trust({"StringEquals": {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}})),
         rule="[oidc] without a sub condition any GitHub repository's token is accepted"),
    case("IAM-3", "FAIL", trust("ci-forall-sub", github_trust({
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "ForAllValues:StringEquals": {"token.actions.githubusercontent.com:sub": "repo:example-org/app:*"}})),
         rule="[cond] ForAllValues is vacuously true when the key is absent: a token without sub passes"),
    case("IAM-3", "FAIL", trust("vendor", {
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{STRANGER}:root"}, "Action": "sts:AssumeRole"}),
         rule="[principal] an outside account named in a trust policy can assume the role"),

    # KMS-1: key policy not public.
    case("KMS-1", "PASS", key("caller-account", {
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
        "Condition": {"StringEquals": {"kms:CallerAccount": OWNER}}}),
         rule="[kms] kms:CallerAccount is the caller's own account: Principal '*' limited to ours"),
    case("KMS-1", "FAIL", key("any-aws", {
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}),
         rule="[principal] {'AWS': '*'} is everyone, like '*'"),

    # S3-4: unencrypted uploads explicitly denied.
    case("S3-4", "PASS", bucket("deny-no-sse", PUT_ANYONE, {
        "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": OBJECTS,
        "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}}),
         rule="[s3-sse][cond] Null true holds exactly when the header is absent"),
    case("S3-4", "PASS", bucket("deny-not-aes", PUT_ANYONE, {
        "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": OBJECTS,
        "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}}),
         rule="[cond] a negated operator is true when the key is absent, so the Deny covers it"),
    case("S3-4", "FAIL", bucket("deny-wrong-null", PUT_ANYONE, {
        "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": OBJECTS,
        "Condition": {"Null": {"s3:x-amz-server-side-encryption": "false"}}}),
         rule="[cond] Null false holds only when the header is present: absent uploads are not denied"),

    # NET-2: network ACLs, first match by rule number.
    case("NET-2", "PASS", nacl("deny-first",
                               entry(90, "allow", cidr="198.51.100.0/24", ports=(22, 22)),
                               entry(100, "deny", ports=(22, 22)), entry(110, "deny", ports=(3389, 3389)),
                               entry(200, "allow", protocol="-1")),
         rule="[nacl] the lowest-numbered matching rule decides: the denies (100, 110) come before "
              "the allow-all (200); rule 90 admits only the trusted VPN"),
    case("NET-2", "FAIL", nacl("deny-too-late",
                               entry(100, "allow", protocol="-1"), entry(200, "deny", ports=(22, 22)),
                               entry(210, "deny", ports=(3389, 3389))),
         rule="[nacl] rule 100 (allow all) matches first; the later denies are never reached"),

    # ORG-1: SCP denies leaving the organisation except to the break-glass role.
    case("ORG-1", "PASS", scp("leave-guard", {
        "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*", "Condition": BREAK_GLASS}),
         rule="[scp] Deny with ArnNotLike aws:PrincipalARN: everyone but BreakGlass is denied"),
    case("ORG-1", "PASS", scp("leave-no-exception", {
        "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}),
         rule="[eval] an unconditional Deny denies every principal (stricter than the control asks)"),
    case("ORG-1", "FAIL", scp("leave-admins", {
        "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*",
        "Condition": {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/*Admin*"}}}),
         rule="[cond] the exception matches any role with Admin in its name, which is not denied"),

    # ORG-2: SCP denies stopping the audit services except to the break-glass role.
    case("ORG-2", "PASS", scp("audit-guard", {
        "Effect": "Deny", "Action": AUDIT_ACTIONS, "Resource": "*", "Condition": BREAK_GLASS}),
         rule="[action] config:Stop*/Delete* cover the Config actions; [scp] break-glass exception"),
    case("ORG-2", "FAIL", scp("audit-one-region", {
        "Effect": "Deny", "Action": AUDIT_ACTIONS, "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}),
         rule="[cond] a request to any other region makes the condition false: not denied"),

    # CHG-1: no more permissive than the approved baseline.
    case("CHG-1", "PASS", identity("narrowed", {
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::artifacts/reports/*"},
        baseline="approved"), APPROVED,
         rule="[action][resource] one of the baseline's actions on a sub-path of its resource"),
    case("CHG-1", "FAIL", identity("widened", {
        "Effect": "Allow", "Action": ["s3:Get*", "s3:PutObject"], "Resource": "arn:aws:s3:::artifacts/*"},
        baseline="approved"), APPROVED,
         rule="[action] s3:Get* also matches s3:GetObjectAcl, which the baseline does not allow"),
]


def test_every_control_is_known_both_ways():
    """With test_policy_encode.py's KNOWN, every control of the catalog has a PASS and a FAIL case."""
    catalog = load_catalog(SAMPLES / "catalog.yaml")
    covered = {(c.values[0], c.values[1]) for c in CASES}
    covered |= {(c, v) for c in ENCODE_KNOWN for v in ("PASS", "FAIL")}
    missing = {(c.id, v) for c in catalog.controls for v in ("PASS", "FAIL")} - covered
    assert not missing


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(SAMPLES / "catalog.yaml")


@pytest.mark.parametrize("control_id, expected, subject_doc, others, rule", CASES)
def test_known_answer(catalog, tmp_path, control_id, expected, subject_doc, others, rule):
    estate = _estate(tmp_path / "account", subject_doc, *others)
    control, subject = catalog.control(control_id), estate.subjects[subject_doc["id"]]
    assert control.applies(subject)

    encoded = encode(control, subject, estate)
    assert not isinstance(encoded, Unsupported), encoded
    problem, cert = tmp_path / "p.smt2", tmp_path / "p.cert"
    problem.write_text(encoded.problem)
    produced = produce(str(problem), str(cert), timeout=PRODUCE_TIMEOUT)
    assert produced.answer == ("unsat" if expected == "PASS" else "sat"), (rule, produced.reason)

    judged = judge(control, subject, estate, encoded, problem, cert)
    assert judged.verdict == expected, (rule, judged.reason)
    assert checker.check_smt(str(problem), str(cert)).verified  # the verdict rests on the kernel
    if expected == "FAIL":  # the decoded model is a violation the evaluator confirms
        assert judged.witness is not None and violates(control.query, subject, estate, judged.witness)


# --- the two fixes the known answers above needed --------------------------------------------------------

def test_oidc_aud_and_sub_are_single_valued(catalog, tmp_path):
    """GitHub's and AWS's OIDC keys aud and sub carry one value (a JWT's sub is one string): a token
    with the pinned audience and an extra unnamed one is no request anyone can make, so it is no
    violation, and a pinned trust passes (above). One unnamed value alone still is."""
    doc = trust("ci-pinned", github_trust({"StringEquals": {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:example-org/app:ref:refs/heads/main"}}))
    estate = _estate(tmp_path / "pinned", doc)
    control, subject = catalog.control("IAM-3"), estate.subjects["ci-pinned"]
    sub = {"token.actions.githubusercontent.com:sub": ["repo:example-org/app:ref:refs/heads/main"]}

    def token(aud):
        context = {"token.actions.githubusercontent.com:aud": aud, **sub}
        return Request.make(Principal("Federated", GITHUB), "sts:AssumeRoleWithWebIdentity",
                            f"arn:aws:iam::{OWNER}:role/ci-pinned", context)
    assert not violates(control.query, subject, estate, token(["sts.amazonaws.com", "other"]))
    assert not violates(control.query, subject, estate, token(["sts.amazonaws.com"]))
    weak = _estate(tmp_path / "weak", trust("ci-any-aud", github_trust({"StringLike": {
        "token.actions.githubusercontent.com:aud": "*",
        "token.actions.githubusercontent.com:sub": "repo:example-org/app:ref:refs/heads/main"}})))
    assert violates(control.query, weak.subjects["ci-any-aud"], weak, token(["anything"]))


def test_upper_case_action_in_a_model_is_decoded_to_an_equivalent_lower_case_one(catalog, tmp_path):
    """The encoding leaves the action's case free; a producer may answer 's3:getAAAAAA' (cvc5 did, for
    CHG-1-FAIL-widened). Decoded, its cased letters become a character no literal holds, so the
    request still violates (s3:Get* allows it, the baseline's s3:GetObject does not)."""
    estate = _estate(tmp_path / "account", APPROVED, identity("widened", {
        "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::artifacts/*"}, baseline="approved"))
    control, subject = catalog.control("CHG-1"), estate.subjects["widened"]
    encoded = encode(control, subject, estate)
    request = Request.make(Principal.aws(f"arn:aws:iam::{OWNER}:user/u", ORG), "s3:getacl",
                           "arn:aws:s3:::artifacts/k")
    values = assignment(encoded.variables, request)
    values[encoded.variables.s["act"]] = "s3:getAAAAAA"
    model = model_values(define_funs(_sorts(encoded.problem), values))
    decoded = decode(encoded.variables, model)
    assert decoded.action == decoded.action.lower() and decoded.action.startswith("s3:get")
    assert len(decoded.action) == len("s3:getAAAAAA") and "a" not in decoded.action[6:]
    assert violates(control.query, subject, estate, decoded)


def _sorts(text):
    return dict(line[len("(declare-const "):-1].split() for line in text.splitlines()
                if line.startswith("(declare-const "))
