"""evidence/inputs/iam_details.py: `aws iam get-account-authorization-details`.

tests/data/estates/get-account-authorization-details.json follows the example output of
https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html
(users Alice, Bob, Charlie; groups Admins, Dev; role EC2role; customer-managed policies with their
versions), with a URL-encoded inline policy as the IAM API returns documents
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html:
"PolicyDocument ... URL-encoded compliant with RFC 3986") and a permissions boundary added.
"""
import json
from pathlib import Path

from evidence.inputs import detect, load_inputs
from evidence.policy.catalog import load_catalog
from evidence.policy.concrete import COUNTEREXAMPLE, NOT_CHECKABLE, NOTHING_FOUND, search
from evidence.policy.errors import Unsupported
from evidence.policy.judge import encode
from evidence.policy.loader import Account

DATA = Path(__file__).parent / "data" / "estates"
FILE = DATA / "get-account-authorization-details.json"
CATALOG = load_catalog("samples/catalog.yaml")


def subjects(path=FILE):
    got = load_inputs([path])
    assert not got.refused, got.refused
    return got.estate


def test_every_principal_role_trust_and_customer_policy_is_a_subject():
    estate = subjects()
    assert detect(FILE) == "iam-details"
    assert sorted(estate.subjects) == sorted([
        "policy/create-update-delete-set-managed-policies", "policy/S3-read-only-specific-bucket",
        "group/Admins", "group/Dev", "user/Alice", "user/Bob", "user/Charlie", "role/EC2role", "role/EC2role/trust"])
    assert {s.account for s in estate.subjects.values()} == {"123456789012"}
    trust = estate.subjects["role/EC2role/trust"]
    assert trust.kind == "role-trust-policy" and trust.resources == ("arn:aws:iam::123456789012:role/EC2role",)
    assert trust.element == "RoleDetailList[0].AssumeRolePolicyDocument"


def test_a_users_effective_policy_has_its_inline_and_its_groups_policies():
    bob = subjects().subjects["user/Bob"].document
    places = [st.where.split(": ", 1)[1] for st in bob.statements]
    assert places == ["UserDetailList[1].UserPolicyList[0].PolicyDocument.Statement[0]",
                      "GroupDetailList[1].GroupPolicyList[0].PolicyDocument.Statement[0]",  # URL-encoded, decoded
                      "Policies[0].PolicyVersionList[0].Document.Statement"]
    assert [st.index for st in bob.statements] == [0, 1, 2] and not bob.missing
    assert [st.effect for st in bob.statements] == ["Deny", "Allow", "Allow"]


def test_the_default_version_is_the_one_read(tmp_path):
    estate = subjects()
    policy = estate.subjects["policy/S3-read-only-specific-bucket"]
    assert search(CATALOG.control("IAM-1"), policy, estate).outcome == NOTHING_FOUND  # v1 was "*" on "*"
    data = json.loads(FILE.read_text())
    versions = data["Policies"][1]["PolicyVersionList"]
    versions[0]["IsDefaultVersion"], versions[1]["IsDefaultVersion"] = True, False
    (tmp_path / "v1.json").write_text(json.dumps(data))
    estate = subjects(tmp_path / "v1.json")
    found = search(CATALOG.control("IAM-1"), estate.subjects["policy/S3-read-only-specific-bucket"], estate)
    assert found.outcome == COUNTEREXAMPLE


def test_an_attached_policy_not_in_the_file_makes_every_answer_not_checkable():
    estate = subjects()
    estate.accounts["123456789012"] = Account("123456789012")
    for name, feature in (("user/Alice", "arn:aws:iam::aws:policy/AdministratorAccess"),
                          ("role/EC2role", "arn:aws:iam::aws:policy/AmazonS3FullAccess"),
                          ("user/Charlie", "permissions boundary")):
        subject = estate.subjects[name]
        for control in ("IAM-1", "IAM-2"):
            found = search(CATALOG.control(control), subject, estate)
            assert found.outcome == NOT_CHECKABLE and feature in found.explanation, (name, found)
            encoded = encode(CATALOG.control(control), subject, estate)  # the kernel path refuses too
            assert isinstance(encoded, Unsupported) and feature in encoded.feature


def test_a_truncated_export_is_refused_and_iam_list_policies_skipped(tmp_path):
    data = json.loads(FILE.read_text())
    (tmp_path / "page1.json").write_text(json.dumps({**data, "IsTruncated": True, "Marker": "abc"}))
    (tmp_path / "list-policies.json").write_text(json.dumps({"Policies": [
        {"PolicyName": "p", "PolicyId": "ANPA0", "Arn": "arn:aws:iam::123456789012:policy/p", "Path": "/",
         "DefaultVersionId": "v1", "AttachmentCount": 0, "IsAttachable": True}], "IsTruncated": False}))
    got = load_inputs([tmp_path])
    assert [p for p, _ in got.refused] == [str(tmp_path / "page1.json")]
    assert "IsTruncated" in got.refused[0][1]
    assert len(got.skipped) == 1 and "list-policies" in got.skipped[0] and "without their documents" in got.skipped[0]


def test_a_bad_document_names_its_element(tmp_path):
    data = json.loads(FILE.read_text())
    data["RoleDetailList"][0]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] = {"AWS": "12345678901"}
    (tmp_path / "details.json").write_text(json.dumps(data))
    got = load_inputs([tmp_path])
    assert not got.estate.subjects
    why = got.refused[0][1]
    assert "RoleDetailList[0].AssumeRolePolicyDocument.Statement[0].Principal.AWS" in why and "12 digits" in why
