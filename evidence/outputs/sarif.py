"""SARIF 2.1.0 for code scanning: a rule per control, a result per failing or undecided subject."""
from __future__ import annotations

import json
from pathlib import Path

from ..results import Result
from .assessment import Assessment
from .locate import result_line

SARIF_LIMIT = 25_000  # GitHub code scanning's cap on results per run


def _location(r) -> dict:
    """The subject's source file and, where known, the line of the offending statement (else of the
    subject's element); a `prove` run's results point at their formula file."""
    if r.source is None:
        return {"physicalLocation": {"artifactLocation": {"uri": _uri(r.formula_path)}}}
    line = result_line(r.source_copy, r.source.element, r.reason, r.source.path)
    where: dict = {"artifactLocation": {"uri": _uri(r.source.path)}}
    if line:
        where["region"] = {"startLine": line}
    return {"physicalLocation": where,
            "logicalLocations": [{"fullyQualifiedName": f"{r.subject}:{r.source.element}", "kind": "element"}]}


def _uri(path: str) -> str:
    """Relative to the working directory when inside it (code scanning resolves it against the checkout)."""
    p = Path(path)
    if p.is_absolute():
        try:
            return p.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return p.as_uri()
    return p.as_posix()


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
            "locations": [_location(r)],
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
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(gate.config)},
                                                "region": {"startLine": _required_line(gate.config, row.control)}}}],
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


def _required_line(config: str, control: str) -> int:
    """The line of the gate file's `required` entry naming the control (1 when it cannot be found)."""
    from .locate import line_of
    try:
        import yaml
        data = yaml.safe_load(Path(config).read_text("utf-8")) or {}
        index = list(data.get("required", [])).index(control)
    except (OSError, ValueError, AttributeError, TypeError, UnicodeDecodeError, yaml.YAMLError):
        return 1
    return line_of(Path(config), ("required", index)) or 1
