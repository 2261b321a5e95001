"""evidence/inputs/awsconfig.py: AWS Config configuration items, written from the AWS Config developer guide:

- config-snapshot.json: the configuration snapshot delivered to S3 ("fileVersion", "configurationItems" with
  objects, "awsAccountId", "ARN"), https://docs.aws.amazon.com/config/latest/developerguide/deliver-snapshot-cli.html
  and the item fields of https://docs.aws.amazon.com/config/latest/developerguide/config-item-table.html
- get-resource-config-history.json: the CLI's form (configuration and supplementary values as JSON text),
  https://docs.aws.amazon.com/cli/latest/reference/configservice/get-resource-config-history.html;
  IAM documents URL-encoded as Config records them
  (https://docs.aws.amazon.com/config/latest/developerguide/iamrole-config.html is the resource-type page).
- the S3 bucket policy in supplementaryConfiguration.BucketPolicy.policyText
  (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-config.html).
"""
import dataclasses
import json
from pathlib import Path

from evidence.inputs import detect, load_inputs
from evidence.policy.catalog import load_catalog
from evidence.policy.concrete import COUNTEREXAMPLE, NOT_CHECKABLE, NOTHING_FOUND, search
from evidence.policy.loader import Account, Estate

DATA = Path(__file__).parent / "data" / "estates"
SNAPSHOT, HISTORY = DATA / "config-snapshot.json", DATA / "get-resource-config-history.json"
CATALOG = load_catalog("samples/catalog.yaml")
OWNER = "123456789012"


def read(*paths):
    got = load_inputs(list(paths))
    assert not got.refused, got.refused
    got.estate.accounts[OWNER] = Account(OWNER)
    return got


def test_a_snapshot_gives_bucket_group_and_acl_and_lists_what_it_skips():
    got = read(SNAPSHOT)
    assert detect(SNAPSHOT) == "awsconfig"
    assert {s.id: s.kind for s in got.estate.subjects.values()} == {
        "bucket/amzn-s3-demo-bucket": "s3-bucket-policy", "sg-0123456789abcdef0": "security-group",
        "acl-0123456789abcdef0": "network-acl"}
    reasons = " | ".join(got.skipped_items)
    assert "amzn-s3-demo-logs: no bucket policy" in reasons
    assert "AWS::KMS::Key" in reasons and "not its key policy" in reasons
    assert "AWS::EC2::Subnet: not a resource type" in reasons


def test_camel_case_security_group_and_acl_read_like_the_cli():
    estate = read(SNAPSHOT).estate
    sg = estate.subjects["sg-0123456789abcdef0"].document
    assert len(sg.ingress[0].blocks) == 2  # 0.0.0.0/0 (ipv4Ranges, not twice via ipRanges) and ::/0
    assert sg.ingress[1].prefix_lists == ("pl-63a5400a",)
    assert search(CATALOG.control("NET-1"), estate.subjects["sg-0123456789abcdef0"], estate).outcome == NOT_CHECKABLE
    acl = estate.subjects["acl-0123456789abcdef0"]
    assert [e.number for e in acl.document.rules(False)] == [100, 101, 32767, 32768]
    assert search(CATALOG.control("NET-2"), acl, estate).outcome == COUNTEREXAMPLE  # everything allowed in


def test_iam_items_of_one_file_are_read_together_with_url_encoded_documents():
    estate = read(HISTORY).estate
    role = estate.subjects["role/deploy"]
    assert [st.where.split(": ", 1)[1].split(".Statement")[0] for st in role.document.statements] == [
        "RoleDetailList[0].RolePolicyList[0].PolicyDocument", "Policies[0].PolicyVersionList[0].Document"]
    assert role.element == "configurationItems[0].configuration"
    assert search(CATALOG.control("IAM-1"), role, estate).outcome == COUNTEREXAMPLE  # its inline "*" on "*"
    trust = estate.subjects["role/deploy/trust"]
    assert trust.document.statements[0].principal.accounts == frozenset({"444455556666", "777788889999"})
    ops = estate.subjects["user/ops"]
    found = search(CATALOG.control("IAM-1"), ops, estate)
    assert found.outcome == NOT_CHECKABLE and "arn:aws:iam::aws:policy/ReadOnlyAccess" in found.explanation


def test_only_the_newest_item_of_a_resource_is_read(tmp_path):
    data = json.loads(HISTORY.read_text())
    old = json.loads(json.dumps(data["configurationItems"][3]))
    old["configurationItemCaptureTime"] = "2025-01-01T00:00:00.000Z"
    old["supplementaryConfiguration"] = {"BucketPolicy": json.dumps({"policyText": json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                                 "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*"}]})})}
    data["configurationItems"].insert(0, old)
    (tmp_path / "history.json").write_text(json.dumps(data))
    got = read(tmp_path / "history.json")
    assert len(got.estate.subjects["bucket/amzn-s3-demo-bucket"].document.statements) == 2
    assert any("older configuration item" in s for s in got.skipped_items)


def test_a_bad_item_is_refused_naming_it_and_the_other_files_still_read(tmp_path):
    data = json.loads(SNAPSHOT.read_text())
    data["configurationItems"][3]["configuration"]["entries"][0]["ruleAction"] = "permit"
    (tmp_path / "snapshot.json").write_text(json.dumps(data))
    (tmp_path / "history.json").write_text(HISTORY.read_text())
    (tmp_path / "truncated.json").write_text(SNAPSHOT.read_text()[:500])
    (tmp_path / "package-lock.json.txt").write_text("{}")
    got = load_inputs([tmp_path])
    why = dict(got.refused)
    assert "configurationItems[3].configuration.Entries[0].RuleAction" in why[str(tmp_path / "snapshot.json")]
    assert str(tmp_path / "truncated.json") in why
    assert "role/deploy" in got.estate.subjects and "bucket/amzn-s3-demo-bucket" in got.estate.subjects
    assert str(tmp_path / "package-lock.json.txt") in got.skipped


def _plain(policy):
    """The statements without the places they were read from (which differ by format)."""
    return tuple(dataclasses.replace(st, where="", conditions=tuple(dataclasses.replace(c, where="")
                                                                    for c in st.conditions))
                 for st in policy.statements)


def test_round_trip_one_bucket_policy_through_cli_config_and_native_gives_one_subject_and_verdicts():
    sources = [DATA / "roundtrip" / "amzn-s3-demo-bucket.native.json",
               DATA / "123456789012" / "amzn-s3-demo-bucket.bucket-policy.json", SNAPSHOT, HISTORY]
    seen = []
    for path in sources:
        estate = read(path).estate
        subject = estate.subjects["bucket/amzn-s3-demo-bucket"]
        controls = [c for c in CATALOG.controls if c.applies(subject)]
        assert len(controls) >= 5
        verdicts = {c.id: search(c, subject, estate).outcome for c in controls}
        seen.append((subject.kind, subject.account, subject.resources, _plain(subject.document), verdicts))
    assert all(s == seen[0] for s in seen[1:])
    verdicts = seen[0][4]
    assert verdicts["S3-1"] == COUNTEREXAMPLE and verdicts["S3-3"] == NOTHING_FOUND, verdicts


def test_an_empty_folder_has_nothing(tmp_path):
    got = load_inputs([tmp_path])
    assert got.estate == Estate() and not got.read and not got.refused and not got.skipped
