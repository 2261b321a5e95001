"""Throughput of `proofgate run` on a generated estate (bench/estate.py) with the sample catalog.

    python bench/bench_estate.py [--subjects 2000] [--jobs 2] [--dask] [--before /work/main --before-subjects 100]

Prints, for a fresh store: pairs/s and subjects/s, the seconds of each stage (encode, store and
judge in the main process; produce and kernel summed over the workers), the peak memory of the
main process and of the largest worker; then a second run after a one-line change to one subject
(its time as a share of the first run's, and the proof cache's hit rate), every reused certificate
re-checked by the kernel (the default), and a third after a change to another subject, with
--reuse-verdicts (the stored kernel verdicts taken, not re-checked); with --dask the same
estate (cache off) on Dask LocalClusters of 1 and 2 workers (the results compared with the local
run's, and the throughput ratio); with --before a checkout of the older code, run as
`python -m evidence.cli run` on --before-subjects of the subjects (every k-th) (subjects/s before).
Figures only: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.estate import change_one, generate  # noqa: E402


def one_run(store_url: str, estate_dir: Path, executor, workers: int, cache: bool = True, recheck: bool = True):
    from evidence.inputs import load_inputs
    from evidence.pipeline.controls import Counts, run_catalog
    from evidence.policy.catalog import load_catalog
    from evidence.store.store import Store
    catalog, estate = load_catalog(ROOT / "samples" / "catalog.yaml"), load_inputs([estate_dir]).estate
    store = Store(store_url)
    run = store.begin_run(None, tool_version="bench", tool_digest="bench", kernel_version="bench", solver="bench")
    counts = Counts()
    clock = time.perf_counter()
    done = run_catalog(store, run.id, catalog, estate, executor, 60.0, counts=counts, cache=cache, workers=workers,
                       recheck=recheck)
    seconds = time.perf_counter() - clock
    verdicts = {(d.result.control_id, d.result.subject): d.result.verdict for d in done}
    return seconds, counts, verdicts, len(estate.subjects)


def report(title: str, seconds: float, counts, verdicts: dict, subjects: int) -> None:
    pairs = len(verdicts)
    tally = {v: sum(x == v for x in verdicts.values()) for v in ("PASS", "FAIL", "NOT CHECKABLE")}
    looked = counts.reused + counts.solved + counts.rejected
    print(f"{title}: {pairs} pairs of {subjects} subjects in {seconds:.1f} s = {pairs / seconds:.2f} pairs/s, "
          f"{subjects / seconds:.2f} subjects/s; {tally}")
    print("  stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in counts.seconds.items())
          + "   (produce, kernel: summed over the workers)")
    print(f"  proof cache: {counts.reused} reused ({counts.unchecked} not re-checked), {counts.solved} solved, "
          f"{counts.rejected} rejected; "
          f"hit rate {counts.reused / looked if looked else 0:.1%}")


def peak_memory() -> str:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"peak memory: main process {me:.0f} MB, largest worker {workers:.0f} MB"


def before(tree: Path, estate_dir: Path, subjects: int, scratch: Path) -> None:
    small = scratch / "before-estate"
    small.mkdir()
    shutil.copy(estate_dir / "account.yaml", small)
    every = sorted(estate_dir.glob("*.json"))
    for p in every[::max(1, len(every) // subjects)][:subjects]:  # every k-th: the estate's mix of kinds
        shutil.copy(p, small)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    clock = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "evidence.cli", "run", "--catalog", str(ROOT / "samples" / "catalog.yaml"),
                           "--inputs", str(small), "--db", f"sqlite:///{scratch / 'before.db'}"],
                          env=env, capture_output=True, text=True, cwd=scratch)
    seconds = time.perf_counter() - clock
    pairs = sum(line.startswith(("PASS", "FAIL", "NOT CHECKABLE")) for line in done.stdout.splitlines())
    print(f"before ({tree}): {pairs} pairs of {subjects} subjects in {seconds:.1f} s = {pairs / seconds:.2f} pairs/s, "
          f"{subjects / seconds:.2f} subjects/s (the command, interpreter start included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dask", action="store_true", help="also on Dask LocalClusters of 1 and 2 workers")
    parser.add_argument("--before", type=Path, help="a checkout of the older code to time on a smaller estate")
    parser.add_argument("--before-subjects", type=int, default=100)
    args = parser.parse_args()
    from evidence.pipeline.executors import local_executor
    scratch = Path(tempfile.mkdtemp(prefix="proofgate-bench-estate-"))
    try:
        estate_dir = scratch / "estate"
        paths = generate(estate_dir, args.subjects)
        url = f"sqlite:///{scratch / 'evidence.db'}"
        print(f"estate: {args.subjects} subjects (bench/estate.py), sample catalog, {args.jobs} local workers, "
              f"load average {os.getloadavg()[0]:.1f}")
        if args.before:
            before(args.before, estate_dir, args.before_subjects, scratch)
        pool = local_executor(args.jobs)
        try:
            first = one_run(url, estate_dir, pool, args.jobs)
            report("first run (fresh store)", *first)
            change_one(next(p for p in paths if p.name.startswith("policy-")))
            second = one_run(url, estate_dir, pool, args.jobs)
            report("second run (one subject changed)", *second)
            print(f"  second run / first run: {second[0] / first[0]:.1%} of the time")
            change_one([p for p in paths if p.name.startswith("policy-")][1])
            third = one_run(url, estate_dir, pool, args.jobs, recheck=False)
            report("third run (another subject changed; --reuse-verdicts: stored verdicts not re-checked)", *third)
            print(f"  third run / first run: {third[0] / first[0]:.1%} of the time")
        finally:
            pool.shutdown()
        print(peak_memory())
        if args.dask:
            dask_runs(scratch, estate_dir, second[2])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def dask_runs(scratch: Path, estate_dir: Path, local: dict) -> None:
    from distributed import Client, LocalCluster
    rates = {}
    for n in (1, 2):
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            seconds, counts, verdicts, subjects = one_run(f"sqlite:///{scratch / f'dask-{n}.db'}", estate_dir,
                                                          client.get_executor(pure=False), n, cache=False)
            report(f"Dask LocalCluster, {n} worker(s), cache off", seconds, counts, verdicts, subjects)
            print(f"  same results as the local run: {verdicts == local}")
            rates[n] = len(verdicts) / seconds
    print(f"Dask 2 workers / 1 worker: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
