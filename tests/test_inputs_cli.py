"""`proofgate run --inputs` through the CLI: nothing to check (exit 5), refused files and --max-refused
(exit 2), the files' counts in the report's completeness section, and the gate's --max-refused."""
import json
from pathlib import Path

from click.testing import CliRunner

from evidence.cli import cli
from evidence.store.store import Store

DATA = Path(__file__).parent / "data" / "estates"
CATALOG = str(Path(__file__).resolve().parent.parent / "samples" / "catalog.yaml")


def run(tmp_path, *args):
    db = f"sqlite:///{tmp_path / 'e.db'}"
    argv = ["run", "--catalog", CATALOG, "--db", db, "--jobs", "1", "--timeout", "30", *map(str, args)]
    return CliRunner().invoke(cli, argv, catch_exceptions=False), db


def folder(tmp_path):
    inputs = tmp_path / "export"
    inputs.mkdir()
    sg = json.loads((DATA / "describe-security-groups.json").read_text())
    sg["SecurityGroups"][0]["IpPermissions"][0].update(FromPort=443, ToPort=443, IpRanges=[{"CidrIp": "0.0.0.0/0"}])
    (inputs / "sg.json").write_text(json.dumps(sg))  # HTTPS from anywhere only: every control passes
    (inputs / "acls.json").write_text(json.dumps({"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [
        {"RuleNumber": 40000, "Protocol": "-1", "RuleAction": "deny", "Egress": False, "CidrBlock": "0.0.0.0/0"}],
        "OwnerId": "123456789012"}]}))
    (inputs / "README.md").write_text("# the export\n")
    return inputs


def test_a_folder_with_no_subject_exits_5_and_says_so(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    ran, _ = run(tmp_path, "--inputs", tmp_path / "in")
    assert ran.exit_code == 5 and "nothing to check" in ran.output
    assert "found 1 files: 0 read, 1 skipped as not configuration, 0 refused" in ran.output


def test_a_refused_file_exits_2_unless_max_refused_allows_it_and_the_report_counts_files(tmp_path):
    inputs = folder(tmp_path)
    ran, db = run(tmp_path, "--inputs", inputs)
    assert "found 3 files: 1 read, 1 skipped as not configuration, 1 refused" in ran.output
    assert "acls.json" in ran.output and "Entries[0].RuleNumber" in ran.output
    assert ran.exit_code == 2  # every result of sg-903004f8 passes, but a file was refused
    (tmp_path / "again").mkdir()
    allowed, db2 = run(tmp_path / "again", "--inputs", inputs, "--max-refused", "1")
    assert allowed.exit_code == 0, allowed.output
    strict, _ = run(tmp_path, "--inputs", inputs, "--max-refused", "0")
    assert strict.exit_code == 2 and "more than --max-refused 0" in strict.output
    files = Store(db).input_statuses(Store(db).runs()[0].id)
    assert sorted((Path(f.path).name, f.status) for f in files) == [
        ("README.md", "skipped"), ("acls.json", "refused"), ("sg.json", "read")]
    html = tmp_path / "report.html"
    made = CliRunner().invoke(cli, ["report", "--db", db2, "-o", str(html)], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    text = html.read_text()
    assert "<strong>3</strong> files: <strong>1</strong> read, <strong>1</strong> skipped as not configuration, " \
           "<strong>1</strong> refused" in text.replace("Found ", "")
    assert "RuleNumber" in text


def test_the_gate_refuses_a_run_with_refused_files_by_default(tmp_path):
    inputs = folder(tmp_path)
    ran, db = run(tmp_path, "--inputs", inputs, "--max-refused", "1")
    assert ran.exit_code == 0, ran.output
    (tmp_path / "gate.yaml").write_text("required: [NET-1]\n")
    gate = ["gate", "--db", db, "--config", str(tmp_path / "gate.yaml"), "--no-recheck"]
    strict = CliRunner().invoke(cli, gate, catch_exceptions=False)
    assert strict.exit_code == 2 and "refused 1 input file" in strict.output
    lenient = CliRunner().invoke(cli, gate + ["--max-refused", "1"], catch_exceptions=False)
    assert lenient.exit_code == 0, lenient.output
