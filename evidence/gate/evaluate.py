"""The gate's decision on a run: each required control PASSes, is under an active exception, or fails the gate."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import checker

from ..outputs.assessment import Assessment, ResultView
from ..results import Result, from_verdict
from .config import GateConfig

EXCEPTED, MISSING = "EXCEPTED", "MISSING"  # a gate row's statuses besides the results


@dataclass
class GateRow:
    control: str
    status: str  # a Result, EXCEPTED or MISSING
    detail: str


@dataclass
class GateOutcome:
    config: str
    rows: list[GateRow]
    excepted: dict  # control -> the active exception applied to it

    @property
    def passed(self) -> bool:
        return all(r.status in (Result.PASS, EXCEPTED) for r in self.rows)


def evaluate(a: Assessment, config: GateConfig, recheck=None, today: date | None = None) -> GateOutcome:
    """`recheck(result)` returns None when the kernel confirms a PASS result's stored proof, else why not."""
    today = today or datetime.now(timezone.utc).date()
    active = {e["control"]: e for e in config.exceptions if e["expires"] >= today}
    expired = {e["control"]: e for e in config.exceptions if e["expires"] < today}
    controls = {c.id: c for c in a.controls}
    rows, excepted = [], {}
    for cid in config.required:
        c = controls.get(cid)
        if c is None or not c.results:
            status, detail = MISSING, f"no result for {cid} in run {a.run.id}"
        elif c.verdict == Result.PASS:
            problems = [f"{r.subject}: {p}" for r in c.results if recheck and (p := recheck(r))]
            status, detail = (Result.NOT_CHECKABLE, "kernel re-check failed: " + "; ".join(problems)) if problems else \
                (Result.PASS, f"kernel-verified proof for {len(c.results)} subject(s)")
        else:
            status = c.verdict
            detail = "; ".join(f"{r.subject}: {r.verdict}: {r.reason}" for r in c.results if r.verdict != Result.PASS)
        if status != Result.PASS:
            if cid in active:
                e = active[cid]
                excepted[cid] = e
                detail = f"{status} under an exception owned by {e['owner']} until {e['expires']}: {e['reason']}"
                status = EXCEPTED
            elif cid in expired:
                e = expired[cid]
                detail += f" (the exception owned by {e['owner']} expired on {e['expires']})"
        rows.append(GateRow(cid, status, detail))
    return GateOutcome(config.path, rows, excepted)


def recheck_pass(store, r: ResultView) -> str | None:
    """None if the kernel verifies the stored proof of this PASS against the stored formula, else why not."""
    if not (r.formula and r.answer and r.answer.kind == "proof"):
        return "no stored proof"
    f, p = store.path_of(r.formula.sha256), store.path_of(r.answer.sha256)
    if not (f.is_file() and p.is_file()):
        return "the stored formula or proof is missing"
    try:
        check = checker.check_smt if r.formula.suffix == ".smt2" else checker.check_lrat  # a control run's SMT
        v = check(f, p, checker.kernels()[0])
    except checker.InputError as error:
        return f"the kernel cannot read the stored files: {error}"
    if from_verdict(v) is not Result.PASS:
        return f"the kernel rejects the stored proof: {v.reason}"
    if (v.formula["sha256"], v.proof["sha256"]) != (r.formula.sha256, r.answer.sha256):
        return "the stored files do not have the recorded sha256"
    return None
