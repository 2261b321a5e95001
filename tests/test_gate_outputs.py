"""A required control missing from the run fails the gate in every output CI reads: the text, the job
summary, JUnit and SARIF (validated against the OASIS SARIF 2.1.0 schema as Microsoft's SARIF SDK ships it
in the npm package @microsoft/sarif-multitool-linux, file sarif-2.1.0.json; .ci/run fetches it).
SARIF results point at the subject's file and the line of the offending statement
(SARIF 2.1.0, 3.28 physicalLocation and 3.30 region: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html)."""
import json
import os
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from test_binding import made  # noqa: F401  (the fixture: a real run on three sample files)

from pipeline import need, run

MISSING = "NOPE-9"


def sarif_schema() -> dict:
    path = os.environ.get("PROOFGATE_SARIF_SCHEMA")
    need(bool(path) and Path(path).is_file(), "the SARIF 2.1.0 schema (PROOFGATE_SARIF_SCHEMA)")
    return json.loads(Path(path).read_text())


@pytest.fixture
def gated(made, tmp_path):  # noqa: F811
    config = tmp_path / "gate.yaml"
    config.write_text(f"required:\n  - NET-1\n  - {MISSING}\n")
    summary = tmp_path / "summary.md"
    r = run("gate", "--config", config, "--junit", tmp_path / "junit.xml", "--sarif", tmp_path / "sarif.json",
            db=made["db"], env={"GITHUB_STEP_SUMMARY": str(summary)})
    return r, config, tmp_path


def test_the_text_and_the_job_summary_fail_on_the_missing_control(gated):
    r, _, d = gated
    assert r.exit_code == 1
    assert f"{MISSING} MISSING" in r.output.splitlines()[-1] and r.output.splitlines()[-1].startswith("gate FAILED")
    summary = (d / "summary.md").read_text()
    assert f"| `{MISSING}` | MISSING |" in summary and "FAILED" in summary


def test_junit_has_the_missing_control_as_a_failure(gated):
    _, _, d = gated
    root = ET.parse(d / "junit.xml").getroot()
    case = next(c for c in root.iter("testcase") if c.get("classname") == MISSING)
    assert case.find("failure") is not None and case.find("failure").get("type") == "MISSING"


def test_sarif_has_the_missing_control_and_is_valid_sarif_2_1_0(gated):
    _, config, d = gated
    doc = json.loads((d / "sarif.json").read_text())
    schema = sarif_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(doc)
    results = doc["runs"][0]["results"]
    missing = [x for x in results if x["ruleId"] == MISSING]
    assert len(missing) == 1 and missing[0]["level"] == "error"
    location = missing[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("gate.yaml") and location["region"]["startLine"] == 3


def test_sarif_points_at_the_offending_statement_of_the_subject_s_file(gated, made):  # noqa: F811
    _, _, d = gated
    doc = json.loads((d / "sarif.json").read_text())
    by_rule = {(x["ruleId"], x["properties"]["subject"]): x for x in doc["runs"][0]["results"] if "subject" in x["properties"]}
    lines = (made["inputs"] / "iam-admin.json").read_text().splitlines()
    # IAM-1's violation is only Statement[0]'s; IAM-2's is either statement's, by the witness the producer
    # found (AllButIam grants sts:AssumeRole and lambda:UpdateFunctionCode of its list, PassAnyRole iam:PassRole)
    for rule, sids in (("IAM-1", ["AllButIam"]), ("IAM-2", ["AllButIam", "PassAnyRole"])):
        location = by_rule[(rule, "iam-admin")]["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("iam-admin.json")
        line = lines[location["region"]["startLine"] - 1]
        assert any(f'"Sid": "{sid}"' in line for sid in sids), line


def test_the_bundle_s_reports_carry_the_missing_control_too(made, tmp_path):  # noqa: F811
    config = tmp_path / "gate.yaml"
    config.write_text(f"required: [NET-1, {MISSING}]\n")
    out = tmp_path / "b.tar.gz"
    assert run("bundle", "-o", out, "--gate", config, db=made["db"]).exit_code == 0
    with tarfile.open(out) as tar:
        sarif = json.loads(tar.extractfile("reports/sarif.json").read())
        junit = tar.extractfile("reports/junit.xml").read().decode()
        summary = tar.extractfile("reports/summary.md").read().decode()
    assert any(x["ruleId"] == MISSING for x in sarif["runs"][0]["results"])
    assert f'classname="{MISSING}"' in junit and f"`{MISSING}` | MISSING" in summary
