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


def test_a_folder_of_terraform_files_has_nothing_to_check(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" { bucket = "x" }\n')
    got = load_inputs([tmp_path])
    assert not got.estate.subjects and got.skipped and detect(tmp_path / "main.tf") is None
