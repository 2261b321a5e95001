"""`proofgate prove --proof-dir DIR`: the proofs exist already (solvers ran elsewhere, e.g. in CI),
so each one is only checked by the kernel and stored, as an auditor does.

Here the kernel runs in the workers, not in this process as for `prove` (solve.py): checking is the whole
work, and it must scale with them.  A local worker is this installation's code in a child process.
A Dask worker may be elsewhere, so its verdicts are refused unless they carry this installation's
kernel digest; the cluster is then trusted to run that kernel (`gate` re-checks each PASS here by
default, `verify` re-checks everything offline).

Durability is a group commit: a worker on this machine and file system (a local worker, a Dask
worker beside us) writes its chunk's files and answers without syncing; a thread here runs one
syncfs for every chunk that has arrived, while the workers go on checking, and only then are those
chunks' results committed.  A run killed at any point leaves no result without its artifacts: a
chunk is committed only after a sync that started after its files were written.  A worker
elsewhere syncs its own chunk before it answers (batch.check_chunk).

Overheads removed (bench/bench_pipeline.py): items go in chunks (a future per chunk, not per
proof), workers stay up with the kernel imported, results are small tuples, the worker stores the
files under the sha256 the kernel computed (no second hash) and copies in the kernel (sendfile),
no worker waits for the disk, and the results ready in order go in one store transaction of
plain inserts.  Results are recorded and printed in the order given.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import checker

from ..errors import UserError
from ..results import Result, from_verdict
from ..store.models import ANSWER_SUFFIX, FORMULA_SUFFIX, Artifact
from . import batch
from .jobs import Done, Job, Outcome, new_row, run_jobs
from .solve import SATISFIABLE, line

PROOF_ENDINGS = tuple(e + c for e in (".lrat", ".blrat") for c in ("", ".gz", ".xz", ".bz2"))
MODEL_ENDINGS = (".model", ".model.gz", ".model.xz", ".model.bz2")


def with_answers(jobs: list[Job], proof_dir) -> list[Job]:
    """Each job with its answer: PROOF_DIR/NAME.lrat (or .blrat, maybe compressed) or PROOF_DIR/NAME.model,
    NAME the formula's file name without .cnf and compression.  Exactly one must exist."""
    out = []
    for job in jobs:
        name = Path(job.formula).name
        for ending in (".gz", ".xz", ".bz2", ".cnf", ".dimacs"):
            name = name[: -len(ending)] if name.endswith(ending) else name
        found = [(Path(proof_dir) / (name + e), "proof" if e in PROOF_ENDINGS else "model")
                 for e in PROOF_ENDINGS + MODEL_ENDINGS if (Path(proof_dir) / (name + e)).is_file()]
        if len(found) != 1:
            looked = f"{name}.lrat, .blrat or .model" if not found else " and ".join(str(p) for p, _ in found)
            raise UserError(f"{job.formula}: {'no' if not found else 'more than one'} proof or model in {proof_dir} "
                            f"({looked})")
        out.append(Job(job.control, job.subject, str(job.formula), str(found[0][0]), found[0][1]))
    return out


class Checking:
    """The stage (jobs.Stage) of `prove --proof-dir`: the kernel in the workers, the files stored by them."""

    def __init__(self, store, run_id: str, kernel: str | None = None, chunk: int | None = None):
        self.store, self.run_id, self.kernel, self.chunk = store, run_id, kernel or checker.kernels()[0], chunk
        self.expected = {k: batch.kernel_digest(k) for k in checker.kernels()}  # models: always the python kernel
        self.root = str(store.artifacts.resolve())
        self.here = batch.place(self.root)  # a worker that is here leaves the sync to us
        self.token = store.temp_path(".visible")  # a worker that sees it shares our file system
        self.token.touch()
        self.cwd = Path.cwd()

    def close(self) -> None:
        self.token.unlink(missing_ok=True)

    def start(self, job: Job) -> batch.Item:
        if job.answer is None or job.kind is None:
            raise ValueError(f"{job.formula}: a --proof-dir job names its proof or model (with_answers)")
        return batch.Item(os.path.abspath(job.formula), os.path.abspath(job.answer), job.kind)

    def submit(self, executor, items: list[batch.Item]):
        return executor.submit(batch.check_chunk, items, self.kernel, self.root, self.token.name, self.here)

    def finish(self, job: Job, item: batch.Item, c: batch.Checked) -> Outcome:
        """The result row and artifact rows from a worker's report (what it stored, and the kernel's verdict)."""
        reason = c.reason
        for given in (job.formula, job.answer):  # the worker had absolute paths; the user gave these
            if reason and given:
                reason = reason.replace(os.path.abspath(given), given)
        fields: dict = {"reason": reason}
        artifacts = _fill(self.store, fields, item.kind, c, self.expected)
        return Outcome(new_row(self.run_id, job, self.cwd, **fields), artifacts, bad_input=c.status == "BAD INPUT")

    def no_answer(self, reason: str) -> batch.Checked:
        return batch.Checked("ERROR", reason)

    def chunk_size(self, todo: int, workers: int) -> int:
        # Enough chunks to keep every worker busy to the end, few enough that a chunk outweighs its future.
        return self.chunk or max(1, min(64, math.ceil(todo / (4 * max(1, workers)))))

    def sync(self) -> None:
        batch.sync(self.root)

    def cleanup(self, item: batch.Item) -> None:
        pass  # the worker removes its copies

    def line(self, done: Done) -> str:
        return line(done)  # as `prove` prints its results


def check_all(store, run_id: str, jobs: list[Job], executor, workers: int, kernel=None, resume=False, on_result=None,
              chunk: int | None = None) -> list[Done]:
    """`prove --proof-dir`: check each job's answer in the workers (jobs.run_jobs)."""
    stage = Checking(store, run_id, kernel, chunk)
    try:
        return run_jobs(store, run_id, jobs, stage, executor, workers=workers, resume=resume, on_result=on_result)
    finally:
        stage.close()


def _fill(store, fields: dict, kind: str, c: batch.Checked, expected: dict) -> list[Artifact]:
    """Result fields and artifact rows from a worker's report; [] when there is no verdict to use."""
    if c.status not in ("VERIFIED", "NOT VERIFIED") or not (c.kernel and c.formula and c.answer and c.verdict):
        return []
    if c.kernel[2] != expected.get(c.kernel[0]):
        fields["reason"] = f"the worker's {c.kernel[0]} kernel is not this installation's (digest {c.kernel[2][:16]})"
        return []
    (f_sha, f_size, compression), (a_sha, a_size, fmt), (v_sha, v_size) = c.formula, c.answer, c.verdict
    if not all(store.has_artifact(h) for h in (f_sha, a_sha, v_sha)):
        fields["reason"] = "the worker's files are missing from the store (a file system not shared?)"
        return []
    fields.update({"formula_sha256": f_sha, "verdict_sha256": v_sha, f"{kind}_sha256": a_sha,
                   "kernel": c.kernel[0], "kernel_version": c.kernel[1], "kernel_digest": c.kernel[2],
                   "kernel_status": c.status, "kernel_code": c.code, "check_seconds": c.seconds})
    fields["verdict"] = from_verdict(c.verdict_fields())
    if fields["verdict"] is Result.PASS:
        fields["reason"] = None
    elif fields["verdict"] is Result.FAIL:
        fields["reason"] = SATISFIABLE
    else:
        fields["reason"] = f"the kernel rejected the {kind}: {fields['reason']}"
    return [Artifact.model_construct(sha256=f_sha, size=f_size, kind="formula", suffix=FORMULA_SUFFIX[compression]),
            Artifact.model_construct(sha256=a_sha, size=a_size, kind=kind, suffix=ANSWER_SUFFIX[fmt]),
            Artifact.model_construct(sha256=v_sha, size=v_size, kind="verdict", suffix=".json")]
