"""JUnit XML: one testcase per control and subject, built as data and serialised by the standard library."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..results import Result
from .assessment import Assessment, bundle_name


def junit(a: Assessment, gate=None) -> str:
    """One testcase per control and subject: FAIL is a failure, NOT CHECKABLE an error.  With a gate,
    a result under an active exception is skipped (with the owner), and a required control with no
    result is a failure of its own."""
    suite = ET.Element("testsuite", name=f"proofgate run {a.run.id}",
                       timestamp=a.generated.strftime("%Y-%m-%dT%H:%M:%S"))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    excepted = gate.excepted if gate else {}

    def case(classname, name, seconds=None):
        counts["tests"] += 1
        return ET.SubElement(suite, "testcase", classname=classname, name=name,
                             time=f"{seconds or 0:.3f}")

    for r in a.results:
        tc = case(r.control_id, r.subject, (r.solve_seconds or 0) + (r.check_seconds or 0))
        if r.verdict == Result.PASS:
            continue
        if r.control_id in excepted:
            e = excepted[r.control_id]
            ET.SubElement(tc, "skipped", message=f"{r.verdict}, under an exception owned by {e['owner']} "
                                                 f"until {e['expires'].isoformat()}: {e['reason']}")
            counts["skipped"] += 1
        elif r.verdict == Result.FAIL:
            ET.SubElement(tc, "failure", message=r.reason or Result.FAIL.value, type=Result.FAIL.value).text = \
                f"counterexample: {bundle_name(r.answer) if r.answer else 'model not stored'}"
            counts["failures"] += 1
        else:
            ET.SubElement(tc, "error", message=r.reason or Result.NOT_CHECKABLE.value,
                          type=Result.NOT_CHECKABLE.value)
            counts["errors"] += 1
    for row in (gate.rows if gate else []):
        if row.status == "MISSING":
            ET.SubElement(case(row.control, "(required)"), "failure", message=row.detail, type="MISSING")
            counts["failures"] += 1
    for k, v in counts.items():
        suite.set(k, str(v))
    root = ET.Element("testsuites", {"name": "proofgate", **{k: str(v) for k, v in counts.items() if k != "skipped"}})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
