"""Reports of one run: HTML (for people), Markdown (CI job summary), JUnit XML and SARIF (CI tools).

OSCAL is in oscal.py.  All read an Assessment (assessment.py); the structured formats are built
as data and serialised by the standard library, so escaping is never hand-made.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from .assessment import Assessment, bundle_name
from .templating import render

MARKDOWN_LIMIT = 1 << 20  # GitHub's cap on a job summary
SARIF_LIMIT = 25_000  # GitHub code scanning's cap on results per run
FORMATS = ("html", "md", "oscal", "junit", "sarif")


def html(a: Assessment) -> str:
    return render("report.html.j2", a=a, name=bundle_name)


def markdown(a: Assessment, gate=None, limit: int = MARKDOWN_LIMIT) -> str:
    """The summary, with as many control rows as fit in `limit` bytes (problems first)."""
    order = {"FAIL": 0, "NOT CHECKABLE": 1, "PASS": 2}
    controls = sorted(a.controls, key=lambda c: (order[c.verdict], c.id))
    shown = len(controls)
    while True:
        text = render("summary.md.j2", a=a, gate=gate, controls=controls[:shown], hidden=len(controls) - shown)
        if len(text.encode()) < limit or shown == 0:
            return text
        shown = shown * 3 // 4 if shown > 4 else shown - 1


def junit(a: Assessment, gate=None) -> str:
    """One testcase per control and subject: FAIL is a failure, NOT CHECKABLE an error.  With a gate,
    a result under an active exception is skipped (with the owner), and a required control with no
    result is a failure of its own."""
    suite = ET.Element("testsuite", name=f"proofgate run {a.run.id}", timestamp=a.generated.strftime("%Y-%m-%dT%H:%M:%S"))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    excepted = gate.excepted if gate else {}

    def case(classname, name, seconds=None):
        counts["tests"] += 1
        return ET.SubElement(suite, "testcase", classname=classname, name=name,
                             time=f"{seconds or 0:.3f}")

    for r in a.results:
        tc = case(r.control_id, r.subject, (r.solve_seconds or 0) + (r.check_seconds or 0))
        if r.verdict == "PASS":
            continue
        if r.control_id in excepted:
            e = excepted[r.control_id]
            ET.SubElement(tc, "skipped", message=f"{r.verdict}, under an exception owned by {e['owner']} "
                                                 f"until {e['expires'].isoformat()}: {e['reason']}")
            counts["skipped"] += 1
        elif r.verdict == "FAIL":
            ET.SubElement(tc, "failure", message=r.reason or "FAIL", type="FAIL").text = \
                f"counterexample: {bundle_name(r.answer) if r.answer else 'model not stored'}"
            counts["failures"] += 1
        else:
            ET.SubElement(tc, "error", message=r.reason or "NOT CHECKABLE", type="NOT CHECKABLE")
            counts["errors"] += 1
    for row in (gate.rows if gate else []):
        if row.status == "MISSING":
            ET.SubElement(case(row.control, "(required)"), "failure", message=row.detail, type="MISSING")
            counts["failures"] += 1
    for k, v in counts.items():
        suite.set(k, str(v))
    root = ET.Element("testsuites", name="proofgate", **{k: str(v) for k, v in counts.items() if k != "skipped"})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def sarif(a: Assessment, limit: int = SARIF_LIMIT) -> str:
    """SARIF 2.1.0: a rule per control, a result per failing or undecided subject (a PASS is no
    finding).  FAILs come first when more than `limit` results must be cut."""
    rules, index = [], {}
    for c in a.controls:
        index[c.id] = len(rules)
        rules.append({"id": c.id, "name": c.id, "shortDescription": {"text": c.title or f"control {c.id}"},
                      "help": {"text": c.remediation or "See the proofgate HTML report."},
                      "properties": {"mappings": c.mappings} if c.mappings else {}})
    findings = sorted((r for r in a.results if r.verdict != "PASS"),
                      key=lambda r: (r.verdict != "FAIL", r.control_id, r.subject))
    results = []
    for r in findings[:limit]:
        text = (f"{r.control_id} fails for {r.subject}: the kernel verified a counterexample"
                if r.verdict == "FAIL" else f"{r.control_id} is not checkable for {r.subject}: {r.reason}")
        results.append({
            "ruleId": r.control_id, "ruleIndex": index[r.control_id],
            "level": "error" if r.verdict == "FAIL" else "warning",
            "message": {"text": text},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": r.formula_path},
                                                "region": {"startLine": 1}}}],
            "partialFingerprints": {"proofgate/v1": f"{r.control_id}/{r.subject}"},
            "properties": {"verdict": r.verdict, "subject": r.subject, "formulaSha256": r.formula_sha256,
                           "counterexampleSha256": r.model_sha256},
        })
    run = {
        "tool": {"driver": {"name": "proofgate", "version": a.run.tool_version, "rules": rules}},
        "automationDetails": {"id": f"proofgate/{a.run.id}"},
        "invocations": [{"executionSuccessful": a.run.status == "complete",
                         "toolExecutionNotifications": [
                             {"level": "warning", "message": {"text": f"{len(findings) - limit} results beyond "
                                                                     f"the first {limit} were left out"}}]
                         if len(findings) > limit else []}],
        "results": results,
        "properties": {"runId": a.run.id, "kernelVersion": a.run.kernel_version, "counts": a.counts},
    }
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"


def render_format(a: Assessment, fmt: str, gate=None) -> str:
    if fmt == "oscal":
        from .oscal import assessment_results
        return assessment_results(a)
    return {"html": lambda: html(a), "md": lambda: markdown(a, gate), "junit": lambda: junit(a, gate),
            "sarif": lambda: sarif(a)}[fmt]()
