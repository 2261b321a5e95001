"""Reports of a run: HTML (self-contained, every section), Markdown (< 1 MiB), OSCAL, JUnit, SARIF."""
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from cases import EXCEPTIONS, SARIF_SCHEMA, SECTIONS
from evidence import outputs
from evidence.outputs import assessment
from evidence.outputs.html import html
from evidence.outputs.junit import junit
from evidence.outputs.markdown import MARKDOWN_LIMIT, markdown
from evidence.outputs.oscal import assessment_results
from evidence.outputs.sarif import sarif
from evidence.store.store import Store
from pipeline import IN_CI, need, populate, run, sqlite_url


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    url = sqlite_url(tmp_path_factory.mktemp("reports"))
    populate(url)
    return url


@pytest.fixture(scope="module")
def a(db):
    return assessment.load(Store(db), "after", EXCEPTIONS)


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tags, self.urls = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_has_every_section(a):
    page = html(a)
    parsed = Text()
    parsed.feed(page)
    text = " ".join(" ".join(parsed.text).split())
    for section in SECTIONS:
        assert f"{section}" in text, section
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert all(u.startswith("#") for u in parsed.urls), parsed.urls  # no external asset, no link out
    assert "@media print" in page
    # scope: run, kernel digest, tool digest, inputs
    assert "after" in text and a.run.tool_digest in text
    assert all(d in text for d in a.kernel_digests.values())
    # the matrix carries the framework mappings of C-1
    assert "NIST 800-53" in text and "AC-3, AC-6" in text and "A.5.15" in text
    # each control with its subjects, hashes, verdict; remediation where it is not a PASS
    for r in a.results:
        assert r.subject in text
        if r.formula:
            assert r.formula.sha256 in text
    assert "header declares 23 clauses" in text  # the NOT CHECKABLE reason
    assert "Raise --timeout" in text  # remediation of C-4
    # completeness: found = analysed + excluded, with the reason
    assert "Subjects found: 4 = analysed 3 + excluded 1" in text and "ticket OPS-7" in text
    # exceptions with owner and expiry, the expired one marked
    assert "alice@example.com" in text and "2999-12-31" in text and "EXPIRED" in text
    # changes since `before`
    assert "C-2" in text and re.search(r"C-2\s+verdict changed\s+FAIL\s+PASS", text)
    assert re.search(r"C-3\s+removed", text) and re.search(r"C-4\s+added", text)
    # reproduce: the exact commands
    assert "proofgate verify evidence-after.tar.gz --pubkey KEY.pub" in text
    assert len(re.findall(r"proofgate check inputs/\S+ proofs/\S+ ", page)) == 3


def test_html_escapes_what_it_shows(db, tmp_path):
    from evidence.store.store import Control
    store = Store(db)
    store.add_control(Control(run_id="before", id="C-3", title="<script>alert(1)</script>"))
    page = html(assessment.load(store, "before"))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_markdown_fits_a_job_summary(a):
    md = markdown(a)
    assert len(md.encode()) < MARKDOWN_LIMIT
    assert "**2 PASS**, **0 FAIL**, **1 NOT CHECKABLE**" in md
    rows = [l for l in md.splitlines() if l.startswith("| `C-")]
    assert [r.split("`")[1] for r in rows] == ["C-4", "C-1", "C-2"]  # problems first
    limit = len(md.encode()) - 10
    small = markdown(a, limit=limit)
    assert len(small.encode()) < limit and "more control" in small


def test_junit(a):
    root = ET.fromstring(junit(a))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 4 and suite.get("tests") == "4"
    errors = [c for c in cases if c.find("error") is not None]
    assert [c.get("classname") for c in errors] == ["C-4"] and suite.get("errors") == "1"
    assert suite.get("failures") == "0"


def test_sarif(db, a):
    doc = json.loads(sarif(a))
    assert doc["version"] == "2.1.0"
    [run_] = doc["runs"]
    assert [r["ruleId"] for r in run_["results"]] == ["C-4"]  # a PASS is no finding
    assert run_["results"][0]["level"] == "warning"
    assert {r["id"] for r in run_["tool"]["driver"]["rules"]} == {"C-1", "C-2", "C-4"}
    before = json.loads(sarif(assessment.load(Store(db), "before")))["runs"][0]
    assert [(r["ruleId"], r["level"]) for r in before["results"]] == [("C-2", "error")]
    cut = json.loads(sarif(assessment.load(Store(db), "before"), limit=0))["runs"][0]
    assert cut["results"] == [] and "left out" in json.dumps(cut["invocations"])


def test_sarif_has_the_standards_structure(db, a):
    """Every run's SARIF against the structure SARIF 2.1.0 requires of what we write (cases.SARIF_SCHEMA)."""
    jsonschema = pytest.importorskip("jsonschema") if not IN_CI else __import__("jsonschema")
    validator = jsonschema.Draft202012Validator(SARIF_SCHEMA)
    for doc in (sarif(a), sarif(assessment.load(Store(db), "before")), sarif(a, limit=0)):
        errors = sorted(validator.iter_errors(json.loads(doc)), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    broken = json.loads(sarif(a))
    broken["runs"][0]["results"][0]["level"] = "fatal"  # the check can fail
    assert any(validator.iter_errors(broken))


def test_report_command_every_format(db, tmp_path):
    for fmt in outputs.FORMATS:
        out = tmp_path / f"r.{fmt}"
        r = run("report", "--format", fmt, "-o", out, db=db)
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 200
    assert "after" in run("report", "--format", "md", db=db).output  # the latest run by default
    assert run("report", "nope", db=db).exit_code == 2


# --- OSCAL ---------------------------------------------------------------------------


def test_oscal_is_deterministic_and_hashes_every_evidence_link(db, a):
    first = assessment_results(a)
    assert first == assessment_results(assessment.load(Store(db), "after", EXCEPTIONS))  # byte-identical
    doc = json.loads(first)["assessment-results"]
    assert doc["import-ap"]["href"].startswith("#")
    resources = {r["uuid"]: r for r in doc["back-matter"]["resources"]}
    assert doc["import-ap"]["href"][1:] in resources
    [result] = doc["results"]
    links = [e["href"] for o in result["observations"] for e in o.get("relevant-evidence", [])]
    assert links
    for href in links:
        res = resources[href[1:]]
        [rlink] = res["rlinks"]
        [h] = rlink["hashes"]
        assert h["algorithm"] == "SHA-256" and rlink["href"].split("/")[1].startswith(h["value"])
        art = a.artifact(h["value"])
        assert art is not None and Store(db).has_artifact(h["value"])
    states = {f["target"]["target-id"]: f["target"]["status"] for f in result["findings"]}
    assert {s["state"] for s in states.values()} <= {"satisfied", "not-satisfied"}
    assert states["C-1"]["state"] == "satisfied" and states["C-4"]["state"] == "not-satisfied"
    assert "not checkable" in states["C-4"]["remarks"]
    verdict_props = {f["target"]["target-id"]: [p["value"] for p in f["props"] if p["name"] == "proofgate-verdict"]
                     for f in result["findings"]}
    assert verdict_props["C-4"] == ["NOT CHECKABLE"]


def test_oscal_validates_with_trestle(a, tmp_path):
    try:
        from trestle.oscal.assessment_results import AssessmentResults
    except ImportError:
        need(False, "compliance-trestle (pip install -e '.[oscal]')")
    path = tmp_path / "ar.json"
    path.write_text(assessment_results(a))
    model = AssessmentResults.oscal_read(path)
    assert len(model.results[0].findings) == 3
    assert {f.target.status.state.value for f in model.results[0].findings} == {"satisfied", "not-satisfied"}


def test_in_ci_trestle_is_installed():
    if IN_CI:
        import trestle  # noqa: F401  .ci/run installs the oscal extra


def test_a_fail_row_carries_a_fail_s_reason_never_a_not_checkable_s():
    from datetime import datetime, timezone

    from evidence.outputs.assessment import ControlView, ResultView
    from evidence.results import Result
    from evidence.store.models import ResultRow

    def view(subject, verdict, reason):
        return ResultView(ResultRow(run_id="r", control_id="C-1", subject=subject, verdict=verdict, reason=reason,
                                    formula_path="f", created_at=datetime.now(timezone.utc)), None, None, None)
    results = [view("a", Result.NOT_CHECKABLE, "not supported: aws:SourceVpce"), view("b", Result.FAIL, "b is public")]
    control = ControlView("C-1", Result.worst(r.verdict for r in results), results)
    assert control.verdict is Result.FAIL and control.reason == "b is public"
    assert ControlView("C-2", Result.PASS, [view("c", Result.PASS, None)]).reason is None
