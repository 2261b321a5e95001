"""SARIF 2.1.0 for code scanning: a rule per control, a result per failing or undecided subject."""
from __future__ import annotations

import json

from ..results import Result
from .assessment import Assessment

SARIF_LIMIT = 25_000  # GitHub code scanning's cap on results per run


def sarif(a: Assessment, limit: int = SARIF_LIMIT, gate=None) -> str:
    """SARIF 2.1.0: a rule per control, a result per failing or undecided subject (a PASS is no
    finding).  FAILs come first when more than `limit` results must be cut."""
    rules: list[dict] = []
    index: dict[str, int] = {}
    for c in a.controls:
        index[c.id] = len(rules)
        rules.append({"id": c.id, "name": c.id, "shortDescription": {"text": c.title or f"control {c.id}"},
                      "help": {"text": c.remediation or "See the proofgate HTML report."},
                      "properties": {"mappings": c.mappings} if c.mappings else {}})
    findings = sorted((r for r in a.results if r.verdict != Result.PASS),
                      key=lambda r: (r.verdict != Result.FAIL, r.control_id, r.subject))
    results = []
    for r in findings[:limit]:
        text = (f"{r.control_id} fails for {r.subject}: the kernel verified a counterexample"
                if r.verdict == Result.FAIL else f"{r.control_id} is not checkable for {r.subject}: {r.reason}")
        results.append({
            "ruleId": r.control_id, "ruleIndex": index[r.control_id],
            "level": "error" if r.verdict == Result.FAIL else "warning",
            "message": {"text": text},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": r.formula_path},
                                                "region": {"startLine": 1}}}],
            "partialFingerprints": {"proofgate/v1": f"{r.control_id}/{r.subject}"},
            "properties": {"verdict": r.verdict, "subject": r.subject, "formulaSha256": r.formula_sha256,
                           "counterexampleSha256": r.model_sha256},
        })
    for row in (gate.rows if gate else []):
        if row.status != "MISSING":
            continue
        if row.control not in index:
            index[row.control] = len(rules)
            rules.append({"id": row.control, "name": row.control,
                          "shortDescription": {"text": f"required control {row.control}"},
                          "help": {"text": "A required control of the gate file has no result in the run."}})
        results.append({
            "ruleId": row.control, "ruleIndex": index[row.control], "level": "error",
            "message": {"text": f"required control {row.control} is missing: {row.detail}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": gate.config},
                                                "region": {"startLine": 1}}}],
            "partialFingerprints": {"proofgate/v1": f"{row.control}/(required)"},
            "properties": {"verdict": "MISSING"},
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
