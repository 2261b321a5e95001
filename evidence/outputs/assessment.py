"""One run as reports see it: controls with their subjects' results, artifacts, changes, exceptions.

Every report format (HTML, Markdown, OSCAL, JUnit, SARIF) and the bundle read this view,
so they cannot disagree about a run.
"""
from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from ..results import Result, answer_label
from ..store.models import Artifact, Control, InputFile, ResultRow, Run, SubjectSource, as_utc, mappings_of
from ..store.runs import diff_runs
from ..store.store import Store

FOLDER = {"formula": "inputs", "proof": "proofs", "model": "models", "verdict": "verdicts",
          "source": "sources", "catalog": "catalog"}  # sources: the configuration files the run read
REMEDIATION = {
    Result.FAIL: "The model is a configuration that violates the control. Change the configuration so that "
            "no such assignment exists, then prove again.",
    Result.NOT_CHECKABLE: "No conclusion either way. Raise --timeout or --memory, or simplify the encoding, "
                     "then prove again; a kernel rejection of the solver's proof is a solver bug to report.",
}


def bundle_name(artifact: Artifact) -> str:
    """An artifact's path inside a bundle, used by every report: inputs/<sha256>.cnf, ..."""
    return f"{FOLDER[artifact.kind]}/{artifact.sha256}{artifact.suffix}"


@dataclass
class ResultView:
    result: ResultRow
    formula: Artifact | None
    answer: Artifact | None  # the proof (PASS) or the model (FAIL)
    verdict_json: Artifact | None
    counterexample: str | None = None
    source: SubjectSource | None = None  # the file the subject was read from, its sha256, the element path
    answer_format: str | None = None  # the format the kernel read the answer in (its verdict's proof.format)
    source_copy: Path | None = None  # the stored copy of the source file (as the run read it)

    @property
    def pipeline(self) -> str | None:
        """What this answer went through, in words (results.PIPELINE)."""
        return answer_label(self.answer_format) if self.answer else None

    def __getattr__(self, name):  # result fields read through: view.verdict, view.subject, ...
        return getattr(self.result, name)

    @property
    def check_args(self) -> list[str] | None:
        """`proofgate check`'s arguments that re-check this answer inside the unpacked bundle: every report,
        REPRODUCE.md and reproduce.sh print these, and the tests run them."""
        if not (self.formula and self.answer):
            return None
        if self.answer.kind == "model" and self.formula.suffix != ".smt2":  # an SMT model is its certificate
            return ["check", bundle_name(self.formula), "--model", bundle_name(self.answer)]
        return ["check", bundle_name(self.formula), bundle_name(self.answer)]

    @property
    def export_args(self) -> list[str] | None:
        """`proofgate export-cnf`'s arguments: a PASS's CNF + LRAT pair for the independent checkers."""
        if not (self.formula and self.answer and self.answer.kind == "proof"):
            return None
        return ["export-cnf", bundle_name(self.formula), bundle_name(self.answer), "-o", "cross",
                "--name", self.answer.sha256[:16]]

    @property
    def check_command(self) -> str | None:
        return "proofgate " + " ".join(self.check_args) if self.check_args else None

    @property
    def export_command(self) -> str | None:
        return "proofgate " + " ".join(self.export_args) if self.export_args else None


@dataclass
class ControlView:
    id: str
    verdict: Result
    results: list[ResultView]
    title: str | None = None
    mappings: dict = field(default_factory=dict)
    remediation: str | None = None

    @property
    def reason(self) -> str | None:
        """The reason of a subject whose result is the control's own (a FAIL row shows a FAIL's reason,
        never a NOT CHECKABLE's); None for a PASS."""
        if self.verdict is Result.PASS:
            return None
        return next((r.reason for r in self.results if Result(r.verdict) is self.verdict and r.reason), None)


@dataclass
class ExceptionView:
    control: str
    owner: str
    reason: str
    expires: date
    expired: bool


@dataclass
class Assessment:
    run: Run
    controls: list[ControlView]
    artifacts: list[Artifact]
    subjects: list  # store.Subject rows
    previous: Run | None
    changes: dict | None
    exceptions: list[ExceptionView]
    kernel_digests: dict  # kernel name -> digest, as the verdicts report them
    generated: datetime
    inputs: list[InputFile] = field(default_factory=list)  # every file the run read, the catalog first

    def input_member(self, f: InputFile) -> str:
        """An input file's name in the bundle: sources/<sha256>.json, catalog/<sha256>.yaml."""
        art = self._by_hash.get(f.sha256)
        return bundle_name(art) if art else f"{FOLDER['catalog' if f.role == 'catalog' else 'source']}/{f.sha256}"
    file_statuses: list = field(default_factory=list)  # store.InputStatus rows: read, skipped or refused

    @property
    def results(self) -> list[ResultView]:
        return [r for c in self.controls for r in c.results]

    @property
    def counts(self) -> dict[Result, int]:
        out = {r: 0 for r in Result}
        for c in self.controls:
            out[c.verdict] += 1
        return out

    @property
    def subject_counts(self) -> dict:
        analysed = sum(s.status == "analysed" for s in self.subjects)
        excluded = [s for s in self.subjects if s.status != "analysed"]
        return {"found": len(self.subjects), "analysed": analysed, "excluded": excluded}

    @property
    def pipelines(self) -> set[str]:
        """The answer formats this run's verified answers came in: the Method section describes these."""
        return {r.answer_format for r in self.results if r.answer_format}

    @property
    def file_counts(self) -> dict:
        """found N files: R read, S skipped as not configuration, E refused (with the skipped and refused)."""
        by = {status: [f for f in self.file_statuses if f.status == status]
              for status in ("read", "skipped", "refused")}
        return {"found": len(self.file_statuses), **by}

    @property
    def frameworks(self) -> list[str]:
        return sorted({f for c in self.controls for f in c.mappings})

    def artifact(self, sha256: str | None) -> Artifact | None:
        return self._by_hash.get(sha256) if sha256 else None

    def __post_init__(self):
        self._by_hash = {a.sha256: a for a in self.artifacts}

    @property
    def platform(self) -> str:
        return f"Python {platform.python_version()} on {platform.system()} {platform.machine()}"


def load(store: Store, run_id: str | None = None, exceptions: list[dict] | None = None,
         today: date | None = None) -> Assessment:
    run = store.run(run_id)
    results = store.results(run.id)
    controls = store.controls(run.id)
    hashes = [h for r in results for h in (r.formula_sha256, r.proof_sha256, r.model_sha256, r.verdict_sha256)]
    inputs = store.input_files(run.id)
    sources = store.subject_sources(run.id)
    artifacts = store.artifacts_by_hash(hashes + [f.sha256 for f in inputs])
    views: dict[str, list[ResultView]] = {}
    digests = {}
    for r in results:
        answer = artifacts.get(r.proof_sha256 or r.model_sha256 or "")
        view = ResultView(r, artifacts.get(r.formula_sha256 or ""), answer, artifacts.get(r.verdict_sha256 or ""),
                          source=sources.get(r.subject))
        if view.source is not None and store.has_artifact(view.source.sha256):
            view.source_copy = store.path_of(view.source.sha256)
        if r.verdict == Result.FAIL and answer is not None and store.has_artifact(answer.sha256):
            view.counterexample = _preview_model(store.path_of(answer.sha256).read_text(errors="replace"))
        if view.verdict_json is not None and store.has_artifact(view.verdict_json.sha256):
            view.answer_format = _answer_format(store.path_of(view.verdict_json.sha256))
        if r.kernel and r.kernel_digest:
            digests[r.kernel] = r.kernel_digest
        views.setdefault(r.control_id, []).append(view)
    for cid in controls:  # a control registered without results yet is not checkable, not absent
        views.setdefault(cid, [])
    control_views = []
    for cid, rs in sorted(views.items()):
        c: Control | None = controls.get(cid)
        verdict = Result.worst(r.verdict for r in rs)
        control_views.append(ControlView(cid, verdict, rs, c.title if c else None, mappings_of(c),
                                         (c.remediation if c else None) or REMEDIATION.get(verdict)))
    previous = store.previous_run(run)
    today = today or datetime.now(timezone.utc).date()
    exc = [ExceptionView(e["control"], e["owner"], e["reason"], e["expires"], e["expires"] < today)
           for e in exceptions or []]
    return Assessment(run, control_views, sorted(artifacts.values(), key=lambda a: (a.kind, a.sha256)),
                      store.subjects(run.id), previous,
                      diff_runs(store, previous.id, run.id) if previous else None, exc, digests,
                      as_utc(run.finished_at or run.started_at), inputs, store.input_statuses(run.id))


def _answer_format(path) -> str | None:
    try:
        return (json.loads(path.read_text()).get("proof") or {}).get("format")
    except (OSError, ValueError, AttributeError):
        return None  # the report says less; verify re-checks the verdict itself


def _preview_model(text: str, limit: int = 40) -> str:
    lits = [t for line in text.splitlines() if line.startswith("v") for t in line.split()[1:] if t != "0"]
    shown = " ".join(lits[:limit])
    return shown + (f" ... ({len(lits)} literals in all)" if len(lits) > limit else "")

