"""OSCAL assessment results (JSON) for one run.

Written as plain data, so no OSCAL library is needed to produce it; tests validate it with
compliance-trestle (the optional `oscal` extra).  Choices an OSCAL consumer relies on:

* ids are UUIDv5 of stable names (run id, control, subject, artifact hash): exporting the same
  run twice gives byte-identical files;
* a finding's status.state is only `satisfied` (PASS) or `not-satisfied`; FAIL and NOT CHECKABLE
  are told apart by the `proofgate-verdict` property and the remarks;
* every evidence link goes to a back-matter resource whose rlink carries the SHA-256 of the
  artifact, named as in the run's bundle (inputs/..., proofs/..., models/..., verdicts/...);
* `import-ap` is required: proofgate has no separate assessment plan, so it points to a
  back-matter resource describing the implicit one (the controls and subjects of the run).
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime

from ..results import Result
from ..store.models import as_utc
from .assessment import Assessment, bundle_name

OSCAL_VERSION = "1.2.1"  # what compliance-trestle 5.2 validates
NS = "https://proofgate.invalid/ns/oscal"  # the namespace of proofgate's own property names
_UUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, NS)
MEDIA = {"formula": "text/plain", "proof": "text/plain", "model": "text/plain", "verdict": "application/json"}
COMPRESSED = {".gz": "application/gzip", ".xz": "application/x-xz", ".bz2": "application/x-bzip2"}


def uid(*names: str) -> str:
    return str(uuid.uuid5(_UUID_NS, "\x1f".join(names)))


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return as_utc(value).replace(microsecond=0).isoformat()


def _prop(name: str, value) -> dict:
    return {"name": name, "ns": NS, "value": str(value)}


def _media(artifact) -> str:
    for ending, media in COMPRESSED.items():
        if artifact.suffix.endswith(ending):
            return media
    if artifact.kind in ("source", "catalog"):  # the reviewed configuration files, as they were read
        return {".json": "application/json", ".yaml": "application/yaml", ".yml": "application/yaml"}.get(
            artifact.suffix, "application/octet-stream")
    return "application/octet-stream" if artifact.suffix == ".blrat" else MEDIA[artifact.kind]


def assessment_results(a: Assessment) -> str:
    run = a.run
    end = run.finished_at or max((r.created_at for r in a.results), default=run.started_at)
    components = [{
        "uuid": uid("subject", run.id, s.name), "type": "this-system", "title": s.name,
        "description": f"Subject {s.name}, {s.status} by proofgate" + (f": {s.reason}" if s.reason else "."),
        "status": {"state": "operational"},
    } for s in a.subjects]
    observations, findings = [], []
    for c in a.controls:
        related = []
        for r in c.results:
            obs = uid("observation", run.id, c.id, r.subject)
            related.append({"observation-uuid": obs})
            evidence = [{"href": "#" + uid("artifact", art.sha256), "description": f"{art.kind}: {bundle_name(art)}"}
                        for art in (r.formula, r.answer, r.verdict_json) if art is not None]
            source = a.artifact(r.source.sha256) if r.source else None
            if source is not None and r.source is not None:  # the file reviewed (back-matter: its SHA-256)
                evidence.insert(0, {"href": "#" + uid("artifact", source.sha256),
                                    "description": f"source: {r.source.path}, element {r.source.element or '(root)'}"})
            observation = {
                "uuid": obs, "title": f"{c.id} for {r.subject}: {r.verdict}",
                "description": _observation_text(r),
                "props": [_prop("proofgate-verdict", r.verdict)]
                + ([_prop("kernel-status", r.kernel_status)] if r.kernel_status else []),
                "methods": ["TEST"], "types": ["finding"],
                "subjects": [{"subject-uuid": uid("subject", run.id, r.subject), "type": "component",
                              "title": r.subject}],
                "collected": _time(r.created_at),
            }
            if evidence:
                observation["relevant-evidence"] = evidence
            if r.reason:
                observation["remarks"] = r.reason
            observations.append(observation)
        status = {"state": "satisfied" if c.verdict == Result.PASS else "not-satisfied"}
        if c.verdict == Result.NOT_CHECKABLE:
            status["remarks"] = "not checkable: no kernel-verified answer; " + "; ".join(
                f"{r.subject}: {r.reason}" for r in c.results if r.verdict == Result.NOT_CHECKABLE) if c.results \
                else "not checkable: no subject has a result"
        elif c.verdict == Result.FAIL:
            status["remarks"] = "a counterexample was verified by the kernel for: " + ", ".join(
                r.subject for r in c.results if r.verdict == Result.FAIL)
        finding = {
            "uuid": uid("finding", run.id, c.id), "title": f"Control {c.id}: {c.verdict}",
            "description": c.title or f"proofgate's verdict on control {c.id} over {len(c.results)} subject(s).",
            "props": [_prop("proofgate-verdict", c.verdict)]
            + [_prop("mapping", f"{f} {ref}") for f, refs in sorted(c.mappings.items()) for ref in refs],
            "target": {"type": "objective-id", "target-id": c.id, "status": status},
        }
        if related:
            finding["related-observations"] = related
        if c.verdict != Result.PASS and c.remediation:
            finding["remarks"] = c.remediation
        findings.append(finding)

    result: dict = {
        "uuid": uid("result", run.id), "title": f"proofgate run {run.id}",
        "description": "Each finding rests on a proof (PASS) or a model (FAIL) checked by proofgate's trusted "
                       "kernel; NOT CHECKABLE means no kernel-verified answer.",
        "start": _time(run.started_at), "end": _time(end),
        "props": [_prop("run-status", run.status), _prop("kernel-version", run.kernel_version),
                  _prop("tool-version", run.tool_version), _prop("tool-digest", run.tool_digest)]
        + [_prop("kernel-digest", f"{k} {d}") for k, d in sorted(a.kernel_digests.items())],
        "reviewed-controls": {"control-selections": [
            {"include-controls": [{"control-id": c.id} for c in a.controls]}
            if a.controls else {"include-all": {}}]},
    }
    if components:
        result["local-definitions"] = {"components": components}
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    plan = {"uuid": uid("assessment-plan", run.id), "title": f"Implicit assessment plan of run {run.id}",
            "description": "proofgate has no separate assessment plan: the plan is the controls and subjects "
                           "named for this run, listed in the results' reviewed controls and local definitions."}
    resources: list[dict] = [plan]
    for art in a.artifacts:
        resources.append({"uuid": uid("artifact", art.sha256), "title": f"{art.kind} {art.sha256[:12]}",
                          "props": [_prop("artifact-kind", art.kind), _prop("size-bytes", art.size)],
                          "rlinks": [{"href": bundle_name(art), "media-type": _media(art),
                                      "hashes": [{"algorithm": "SHA-256", "value": art.sha256}]}]})
    doc = {"assessment-results": {
        "uuid": uid("assessment-results", run.id),
        "metadata": {"title": f"proofgate assessment results, run {run.id}",
                     "last-modified": _time(end), "version": run.id, "oscal-version": OSCAL_VERSION,
                     "props": [_prop("run-id", run.id)]},
        "import-ap": {"href": "#" + uid("assessment-plan", run.id)},
        "results": [result],
        "back-matter": {"resources": resources},
    }}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _observation_text(r) -> str:
    if r.verdict == Result.PASS:
        return (f"The kernel ({r.kernel}) verified a refutation ({r.pipeline}) of problem {r.formula_sha256}: "
                f"{r.subject} cannot violate {r.control_id}.")
    if r.verdict == Result.FAIL:
        return (f"The kernel ({r.kernel}) verified a model ({r.pipeline}) of problem {r.formula_sha256}: a "
                f"counterexample showing that {r.subject} violates {r.control_id}.")
    return f"No kernel-verified answer for {r.subject}: {r.reason}."
