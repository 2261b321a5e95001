"""evidence/inputs: format detection, AWS CLI output, refused and skipped files, nothing to check.

tests/data/estates/describe-security-groups.json follows the example output of
https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-security-groups.html
"""
from pathlib import Path

from evidence.inputs import detect, load_inputs

DATA = Path(__file__).parent / "data" / "estates"


def test_cli_security_groups_give_subjects_with_source_and_element():
    got = load_inputs([DATA / "describe-security-groups.json"])
    assert not got.refused
    s = got.estate.subjects["sg-903004f8"]
    assert s.kind == "security-group" and s.account == "123456789012"
    assert s.source.endswith("describe-security-groups.json") and s.element == "SecurityGroups[0]"


def test_one_bad_file_does_not_refuse_the_folder(tmp_path):
    (tmp_path / "sg.json").write_text((DATA / "describe-security-groups.json").read_text())
    (tmp_path / "broken.json").write_text('{"SecurityGroups": [{"GroupId": "sg-1"}]}')
    (tmp_path / "README.md").write_text("# notes")
    got = load_inputs([tmp_path])
    assert list(got.estate.subjects) == ["sg-903004f8"]
    assert [p for p, _ in got.refused] == [str(tmp_path / "broken.json")]
    assert "SecurityGroups[0]" in got.refused[0][1]
    assert got.skipped == [str(tmp_path / "README.md")]


def test_a_terraform_file_with_no_type_we_read_is_skipped_saying_which_types(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" { bucket = "x" }\n')
    got = load_inputs([tmp_path])
    assert detect(tmp_path / "main.tf") == "terraform"  # read since issue 13: tests/test_inputs_iac.py
    assert not got.estate.subjects and got.skipped == [
        f"{tmp_path / 'main.tf'} (Terraform without a resource type proofgate reads (aws_s3_bucket))"]


def test_a_baseline_naming_no_subject_is_refused_and_the_rest_judged(tmp_path):
    samples = Path(__file__).parent.parent / "samples" / "account"
    (tmp_path / "iam-deploy.json").write_text((samples / "iam-deploy.json").read_text())  # its baseline is absent
    (tmp_path / "bucket-dropbox.json").write_text((samples / "bucket-dropbox.json").read_text())
    got = load_inputs([tmp_path])
    assert "iam-deploy" not in got.estate.subjects
    assert [p for p, why in got.refused if "baseline" in why] == [str(tmp_path / "iam-deploy.json")]
    with_base = load_inputs([tmp_path, samples / "iam-deploy-approved.json"])
    assert "iam-deploy" in with_base.estate.subjects and not with_base.refused
