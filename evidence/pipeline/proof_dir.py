"""`proofgate prove --proof-dir DIR`: the proofs exist already (solvers ran elsewhere, e.g. in CI),
so each one is only checked by the kernel and stored, as an auditor does.

Here the kernel runs in the workers, not in this process as for `prove_all`: checking is the whole
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
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

import checker

from . import batch
from . import jobs as parallel
from ..errors import UserError
from .solve import PROOF_SUFFIX, SATISFIABLE, SUFFIX, Proved, _display_path
from ..results import Result, from_verdict
from ..store.models import Artifact, ResultRow, utcnow

PROOF_ENDINGS = tuple(e + c for e in (".lrat", ".blrat") for c in ("", ".gz", ".xz", ".bz2"))
MODEL_ENDINGS = (".model", ".model.gz", ".model.xz", ".model.bz2")


def with_answers(tasks, proof_dir) -> list[tuple]:
    """(formula, control, subject) -> (formula, answer, kind, control, subject): the answer is
    PROOF_DIR/NAME.lrat (or .blrat, maybe compressed) or PROOF_DIR/NAME.model, NAME the formula's
    file name without .cnf and compression.  Exactly one must exist."""
    out = []
    for formula, control, subject in tasks:
        name = Path(formula).name
        for ending in (".gz", ".xz", ".bz2", ".cnf", ".dimacs"):
            name = name[: -len(ending)] if name.endswith(ending) else name
        found = [(Path(proof_dir) / (name + e), "proof" if e in PROOF_ENDINGS else "model")
                 for e in PROOF_ENDINGS + MODEL_ENDINGS if (Path(proof_dir) / (name + e)).is_file()]
        if len(found) != 1:
            looked = f"{name}.lrat, .blrat or .model" if not found else " and ".join(str(p) for p, _ in found)
            raise UserError(f"{formula}: {'no' if not found else 'more than one'} proof or model in {proof_dir} "
                            f"({looked})")
        out.append((formula, str(found[0][0]), found[0][1], control, subject))
    return out


def check_all(store, run_id: str, jobs, executor, workers: int, kernel=None, resume=False, on_result=None,
              chunk: int | None = None) -> list[Proved]:
    """Check each (formula, answer, kind, control, subject) of `jobs`; returns the `Proved`s in order."""
    kernel = kernel or checker.kernels()[0]
    expected = {k: batch.kernel_digest(k) for k in checker.kernels()}  # models: always the python kernel
    old = {(r.control_id, r.subject): r for r in store.results(run_id)} if resume else {}
    todo = [i for i, j in enumerate(jobs) if (j[3], j[4]) not in old]
    # Enough chunks to keep every worker busy to the end, few enough that a chunk outweighs its future.
    size = chunk or max(1, min(64, math.ceil(len(todo) / (4 * max(1, workers)))))
    chunks = [todo[k:k + size] for k in range(0, len(todo), size)]
    chunk_of = {i: c for c, members in enumerate(chunks) for i in members}
    root = str(store.artifacts.resolve())
    here = batch.place(root)  # a worker that is here leaves the sync to us
    token = store.temp_path(".visible")  # a worker that sees it shares our file system
    ready: dict[int, list] = {}  # chunk -> its results, durable (or with no artifacts)
    held: dict[int, list] = {}  # chunk -> its results, waiting for our sync
    recorded: dict[int, Proved] = {}
    done: list[Proved] = []
    futures = {}
    syncer = ThreadPoolExecutor(1, thread_name_prefix="proofgate-sync")

    def flush():
        while len(done) < len(jobs):
            i = len(done)
            if i in chunk_of and i not in recorded:
                group, c = [], chunk_of[i]
                while c in ready:  # the ready chunks from here on, in one transaction
                    group.append(c)
                    c += 1
                if not group:
                    return
                members = [j for c in group for j in chunks[c]]
                checked = [x for c in group for x in ready.pop(c)]
                recorded.update(zip(members, record(store, run_id, [jobs[j] for j in members], checked,
                                                    expected)))
            proved = recorded.pop(i) if i in chunk_of else Proved(old[jobs[i][3], jobs[i][4]], skipped=True)
            done.append(proved)
            if on_result:
                on_result(proved)

    try:
        token.touch()
        for c, members in enumerate(chunks):
            items = [batch.Item(os.path.abspath(jobs[i][0]), os.path.abspath(jobs[i][1]), jobs[i][2])
                     for i in members]
            futures[executor.submit(batch.check_chunk, items, kernel, root, token.name, here)] = c
        flush()
        pending, syncing, sync = set(futures), [], None
        while pending or held:
            if sync is None and held:
                # One syncfs for every chunk whose files were written before it starts.
                syncing, sync = list(held), syncer.submit(batch.sync, root)
            finished, _ = wait((pending | {sync}) if sync else pending, return_when=FIRST_COMPLETED)
            for future in finished:
                if future is sync:
                    future.result()  # a sync that failed: none of these chunks is committed
                    ready.update((c, held.pop(c)) for c in syncing)
                    syncing, sync = [], None
                    continue
                pending.discard(future)
                c = futures[future]
                try:
                    synced, checked = future.result()
                except Exception as error:  # the worker died, or cannot see the store: no verdict
                    synced, checked = True, [batch.Checked(
                        "ERROR", f"the worker failed: {type(error).__name__}: {error}")] * len(chunks[c])
                (ready if synced else held)[c] = checked
            flush()
        return done
    except BaseException:
        for future in futures:
            future.cancel()
        parallel.stop(executor)
        raise
    finally:
        syncer.shutdown(wait=False)
        token.unlink(missing_ok=True)


def record(store, run_id: str, jobs, checked, expected: dict) -> list[Proved]:
    """Results in one transaction, each only with artifacts that are on disk."""
    entries, proved = [], []
    cwd = Path.cwd()
    for (formula, answer, kind, control, subject), c in zip(jobs, checked):
        reason = c.reason
        for given in (formula, answer):  # the worker had absolute paths; the user gave these
            reason = reason.replace(os.path.abspath(given), str(given)) if reason else reason
        fields = {"run_id": run_id, "control_id": control, "subject": subject, "verdict": Result.NOT_CHECKABLE,
                  "reason": reason, "formula_path": _display_path(formula, cwd), "created_at": utcnow()}
        artifacts = _fill(store, fields, kind, c, expected)
        result = ResultRow(**fields)
        entries.append((result, artifacts))
        proved.append(Proved(result, bad_input=c.status == "BAD INPUT"))
    store.record_many(run_id, entries)
    return proved


def _fill(store, fields: dict, kind: str, c: batch.Checked, expected: dict) -> list[Artifact]:
    """Result fields and artifact rows from a worker's report; [] when there is no verdict to use."""
    if c.status not in ("VERIFIED", "NOT VERIFIED"):
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
    return [Artifact.model_construct(sha256=f_sha, size=f_size, kind="formula", suffix=SUFFIX[compression]),
            Artifact.model_construct(sha256=a_sha, size=a_size, kind=kind, suffix=PROOF_SUFFIX[fmt]),
            Artifact.model_construct(sha256=v_sha, size=v_size, kind="verdict", suffix=".json")]


def worker_count(executor, client=None) -> int:
    if client is not None:
        return max(1, len(client.scheduler_info().get("workers", {})))
    return getattr(executor, "_max_workers", None) or 1
