"""The gate: fails for a missing, failed, unchecked or expired control; passes otherwise; refuses a
malformed config with the file, position and YAML path."""
import json
import xml.etree.ElementTree as ET

import pytest

from evidence.gate.config import ConfigError, load_config
from evidence.store.store import Store
from pipeline import populate, run, sqlite_url


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    url = sqlite_url(tmp_path_factory.mktemp("gate"))
    populate(url)  # after: C-1 PASS, C-2 PASS, C-4 NOT CHECKABLE; before: C-2 FAIL, C-3 PASS
    return url


def gate(db, tmp_path, config: str, *extra, env=None):
    path = tmp_path / "gate.yaml"
    path.write_text(config)
    return run("gate", "--config", path, *extra, db=db, env=env)


def exception(control, expires):
    return (f"  - control: {control}\n    owner: alice@example.com\n    reason: waiting for SEC-42\n"
            f"    expires: {expires}\n")


@pytest.mark.parametrize("config, run_id, passes", [
    ("required: [C-1, C-2]\n", "after", True),
    ("required: [C-1, C-9]\n", "after", False),  # missing
    ("required: [C-2]\n", "before", False),  # failed
    ("required: [C-1, C-4]\n", "after", False),  # not checkable
    ("required: [C-1, C-4]\nexceptions:\n" + exception("C-4", "2999-12-31"), "after", True),  # excepted
    ("required: [C-1, C-4]\nexceptions:\n" + exception("C-4", "2001-01-01"), "after", False),  # expired
    ("required: [C-2]\nexceptions:\n" + exception("C-2", "2999-12-31"), "before", True),  # failed, excepted
    ("required: [C-9]\nexceptions:\n" + exception("C-9", "2999-12-31"), "after", True),  # missing, excepted
])
def test_gate_verdicts(db, tmp_path, config, run_id, passes):
    r = gate(db, tmp_path, config, run_id)
    assert r.exit_code == (0 if passes else 1), r.output
    assert r.output.rstrip().splitlines()[-1].startswith("gate PASSED" if passes else "gate FAILED")


def test_the_summary_names_each_required_control(db, tmp_path):
    config = "required: [C-1, C-4, C-9]\nexceptions:\n" + exception("C-4", "2001-01-01")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    r = gate(db, tmp_path, config, "after", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert r.exit_code == 1
    text = summary.read_text()
    assert text.startswith("earlier step\n")  # appended, not overwritten
    assert "### Gate" in text and "FAILED" in text
    assert "| `C-1` | PASS |" in text and "| `C-9` | MISSING |" in text
    assert "| `C-4` | NOT CHECKABLE |" in text and "expired on 2001-01-01" in text


def test_junit_and_sarif_from_the_gate(db, tmp_path):
    config = "required: [C-1, C-4, C-9]\nexceptions:\n" + exception("C-4", "2999-12-31")
    junit, sarif = tmp_path / "gate.xml", tmp_path / "gate.sarif"
    r = gate(db, tmp_path, config, "after", "--junit", junit, "--sarif", sarif)
    assert r.exit_code == 1  # C-9 is missing
    suite = ET.parse(junit).getroot().find("testsuite")
    skipped = [c for c in suite.findall("testcase") if c.find("skipped") is not None]
    assert [c.get("classname") for c in skipped] == ["C-4"] and "alice@example.com" in skipped[0].find("skipped").get("message")
    missing = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert [c.get("classname") for c in missing] == ["C-9"]
    doc = json.loads(sarif.read_text())
    assert doc["version"] == "2.1.0"
    missing_sarif = [x for x in doc["runs"][0]["results"] if x["properties"]["verdict"] == "MISSING"]
    assert [x["ruleId"] for x in missing_sarif] == ["C-9"] and missing_sarif[0]["level"] == "error"
    assert doc["runs"][0]["tool"]["driver"]["rules"][missing_sarif[0]["ruleIndex"]]["id"] == "C-9"
    assert "MISSING" in r.output and "C-9" in r.output  # the text output too


def test_a_pass_whose_stored_proof_was_damaged_fails_the_gate(tmp_path):
    db = sqlite_url(tmp_path)
    from pipeline import PHP4
    assert run("prove", PHP4, "--control", "C-1", db=db).exit_code == 0
    store = Store(db)
    [res] = store.results(store.run().id)
    proof = store.path_of(res.proof_sha256)
    lines = proof.read_text().splitlines()
    proof.write_text("\n".join(lines[:-1]) + "\n")  # drop the step that derives the empty clause
    r = gate(db, tmp_path, "required: [C-1]\n")
    assert r.exit_code == 1 and "re-check failed" in r.output
    assert gate(db, tmp_path, "required: [C-1]\n", "--no-recheck").exit_code == 0  # trusting the store


BAD = [
    ("", "empty file"),
    ("required: [C-1\n", "not valid YAML"),
    ("- C-1\n", "expected a mapping"),
    ("requird: [C-1]\n", "requird: unknown key"),
    ("exceptions: []\n", "missing 'required'"),
    ("required: []\n", "required: the list is empty"),
    ("required: C-1\n", "required: expected a list"),
    ("required: [C-1, C-1]\n", "required[1]: control 'C-1' is listed twice"),
    ("required: ['1 bad']\n", "required[0]: '1 bad' is not a control id"),
    ("required: [C-1]\nexceptions:\n  - control: C-1\n    owner: a\n    reason: r\n", "exceptions[0]: missing 'expires'"),
    ("required: [C-1]\nexceptions:\n" + exception("C-1", "soon"), "exceptions[0].expires: expected a date"),
    ("required: [C-1]\nexceptions:\n" + exception("C-1", "2026-02-30"), "exceptions[0].expires: '2026-02-30' is not"),
    ("required: [C-1]\nexceptions:\n" + exception("C-1", "2030-01-01") + "    note: x\n", "exceptions[0].note: unknown"),
    ("required: [C-1]\nexceptions:\n" + exception("C-1", "2030-01-01") + "  - control: C-2\n    owner: ''\n    reason: r\n    expires: 2030-01-01\n",
     "exceptions[1].owner: expected non-empty text"),
    ("required: [C-1]\nrequired: [C-2]\n", "required: key given twice"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[m for _, m in BAD])
def test_malformed_configs_are_refused_with_their_yaml_path(tmp_path, db, text, message):
    path = tmp_path / "gate.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)
    r = run("gate", "--config", path, db=db)
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_positions_are_line_and_column(tmp_path):
    path = tmp_path / "gate.yaml"
    path.write_text("required: [C-1]\nexceptions:\n" + exception("C-1", "soon"))
    with pytest.raises(ConfigError, match=r"gate\.yaml:6:14: exceptions\[0\]\.expires"):
        load_config(path)


def test_missing_config_is_bad_input(tmp_path, db):
    r = run("gate", "--config", tmp_path / "absent.yaml", db=db)
    assert r.exit_code == 2 and "absent.yaml: cannot read" in r.output
