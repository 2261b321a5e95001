"""Time the evidence pipeline on many proof checks: how much of the wall time is the kernel's own
checking, and how many checks a second each executor gets through.

    python bench/bench_pipeline.py [--sizes S,M,L] [--repeat 3] [--jobs 2] [--no-dask] [--store-dir DIR]
    python bench/bench_pipeline.py --prove [--n 1000]     # the older figure: solve + check

Default (the issue's target): `prove --proof-dir`, i.e. `evidence.pipeline.proof_dir.check_all`, checking
proofs that exist already.  Formulas are random 3-SAT at ratio 4.6 (unsat ones kept), their LRAT
proofs written by CaDiCaL through python-sat, cached under bench/.cache (generated once,
deterministically).  Three sizes: S ~20 KB, M ~200 KB, L ~2 MB proofs.  For each it measures

* the kernel's own time, two ways:
  - 'sum/W' (the older figure): each proof checked once, one after the other, in this process
    (checker.check_lrat, the sum of Verdict.seconds), divided by the W workers of a configuration;
  - 'W procs': the wall time of W plain processes started together, each running the kernel on
    its share of the proofs (every W-th one), with no store and no copy: the kernel's own checking
    time on W cores (best of the repeats).  Also shown, for information, with each process pinned
    to one core.  'sum/W' assumes the checks split perfectly; on this 2-core VM two processes
    each take longer per check than one alone, so 'W procs' is the fair baseline;
* the wall time of check_all into a fresh store with a local pool of --jobs workers (pool start-up
  included), and with Dask LocalClusters of 1 and --jobs workers (started before the clock: a
  cluster outlives a run); also `proofgate prove --proof-dir` as a command (interpreter included;
  --no-command skips it).

overhead = wall / baseline - 1, against each baseline: what the pipeline costs beyond the
kernel's own checking.  Figures only: nothing here asserts a speed.

`--prove` keeps the older measurement (solve each tiny formula, then check): there the solver's
process start-up per formula dominates, and the kernel is 1-8% of the wall time.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.families import pigeonhole, random_ksat, write_dimacs  # noqa: E402


def generate(directory: Path, n: int, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    nvars, base = pigeonhole(3)
    paths = []
    for i in range(n):
        perm = list(range(1, nvars + 1))
        rng.shuffle(perm)
        signs = [rng.choice((1, -1)) for _ in range(nvars)]
        clauses = [[signs[abs(l) - 1] * perm[abs(l) - 1] * (1 if l > 0 else -1) for l in c] for c in base]
        for c in clauses:
            rng.shuffle(c)
        rng.shuffle(clauses)
        path = directory / f"php3-{i:05d}.cnf"
        write_dimacs(path, nvars, clauses)
        paths.append(path)
    return paths


def measure(label: str, formulas, executor, ship: bool, workdir: Path) -> dict:
    from evidence.pipeline.jobs import Job
    from evidence.pipeline.provenance import run_fields
    from evidence.pipeline.solve import prove_all
    from evidence.store.store import Store
    store = Store(f"sqlite:///{workdir / (label.replace(' ', '-') + '.db')}")
    run = store.begin_run(**run_fields())
    jobs = [Job(f.stem.replace("php3", "c"), "s", str(f)) for f in formulas]
    start = time.perf_counter()
    done = prove_all(store, run.id, jobs, executor, timeout=60, memory_mb=1024, ship=ship)
    wall = time.perf_counter() - start
    store.finish_run(run.id)
    verdicts = {v: sum(p.result.verdict == v for p in done) for v in ("PASS", "FAIL", "NOT CHECKABLE")}
    kernel = sum(p.result.check_seconds or 0.0 for p in done)
    solve = sum(p.result.solve_seconds or 0.0 for p in done)
    return {"label": label, "n": len(done), "wall": wall, "kernel": kernel, "solve": solve, "verdicts": verdicts}


def show(row: dict) -> None:
    wall, kernel = row["wall"], row["kernel"]
    overhead = 100.0 * (wall - kernel) / wall if wall else 0.0
    ratio = wall / kernel if kernel else float("inf")
    v = row["verdicts"]
    print(f"{row['label']:<22} {row['n']:>6} {wall:>9.2f} {kernel:>11.3f} {overhead:>9.2f}% {ratio:>9.0f}x "
          f"{row['n'] / wall:>10.1f} {row['solve']:>10.1f}   {v['PASS']}/{v['FAIL']}/{v['NOT CHECKABLE']}")


# --- checking existing proofs (the default) ------------------------------------------------

CACHE = ROOT / "bench" / ".cache"
SIZES = {"S": (85, 1000), "M": (145, 1000), "L": (205, 400)}  # variables (ratio 4.6), how many proofs


def generate_checks(label: str) -> list[tuple]:
    """[(formula, proof, kind, control, subject)], cached: the first unsat instances by seed."""
    import os

    from evidence.solvers._compat import solve_with_lrat
    nvars, count = SIZES[label]
    directory = CACHE / f"check-{label}-{nvars}"
    (directory / "f").mkdir(parents=True, exist_ok=True)
    (directory / "p").mkdir(exist_ok=True)
    done = directory / "complete"
    if not done.exists():
        seed, found = 0, 0
        while found < count:
            n, clauses = random_ksat(nvars, int(nvars * 4.6), seed=seed)
            f, proof = directory / "f" / f"r{seed:06d}.cnf", directory / "p" / f"r{seed:06d}.lrat"
            if solve_with_lrat(n, clauses, proof) is None:
                write_dimacs(f, n, clauses)
                found += 1
            else:
                os.unlink(proof)
            seed += 1
        done.write_text(f"{count}\n")
    return [(f, directory / "p" / (f.stem + ".lrat"), "proof", f"c{f.stem}", "s")
            for f in sorted((directory / "f").glob("*.cnf"))][:count]


def _kernel_share(share, barrier, queue, cpu) -> None:
    """In a plain process: the kernel on its share of the checks, nothing else (no store, no copy)."""
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    import checker
    barrier.wait()  # every process has started and imported the kernel: the clock starts together
    start = time.perf_counter()  # CLOCK_MONOTONIC: comparable between processes
    seconds = sum(checker.check_lrat(f, p).seconds for f, p, *_ in share)
    queue.put((start, time.perf_counter(), seconds))


def kernel_processes(jobs, workers: int, pinned: bool = False) -> float:
    """Wall seconds for `workers` plain processes, each checking its share of `jobs` (every
    workers-th one) at the same time on this machine's cores: the kernel's own checking time on
    that many cores.  `pinned`: process i runs on core i only."""
    import multiprocessing
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(workers), ctx.Queue()
    cores = sorted(os.sched_getaffinity(0))
    procs = [ctx.Process(target=_kernel_share, args=(jobs[w::workers], barrier, queue,
                                                     cores[w % len(cores)] if pinned else None))
             for w in range(workers)]
    for p in procs:
        p.start()
    got = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    return max(end for _, end, _ in got) - min(start for start, _, _ in got)


def kernel_alone(jobs) -> tuple[float, float, float]:
    """(sum, median) of Verdict.seconds, one check after another in this process; median proof bytes."""
    import statistics

    import checker
    seconds = [checker.check_lrat(f, p).seconds for f, p, *_ in jobs]
    return sum(seconds), statistics.median(seconds), statistics.median(p.stat().st_size for _, p, *_ in jobs)


def check_run(label: str, jobs, make_executor, workers: int, workdir: Path) -> dict:
    from evidence.pipeline.jobs import Job
    from evidence.pipeline.proof_dir import check_all
    from evidence.pipeline.provenance import run_fields
    from evidence.store.store import Store
    store = Store(f"sqlite:///{workdir / 'evidence.db'}")
    run = store.begin_run(**run_fields())
    start = time.perf_counter()
    executor, close = make_executor()
    try:
        done = check_all(store, run.id, [Job(c, s, str(f), str(p), k) for f, p, k, c, s in jobs], executor, workers)
    finally:
        close()
    wall = time.perf_counter() - start
    verdicts = [p.result.verdict for p in done]
    return {"label": label, "workers": workers, "n": len(done), "wall": wall, "pass": verdicts.count("PASS"),
            "kernel_in_run": sum(p.result.check_seconds or 0.0 for p in done)}


def cli_run(jobs, workers: int, workdir: Path) -> dict:
    """`proofgate prove --proof-dir` as a user runs it: interpreter, imports and pool included."""
    import subprocess
    formulas = [str(f) for f, *_ in jobs]
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "evidence.cli", "prove", "--db", f"sqlite:///{workdir / 'cli.db'}",
                        "--jobs", str(workers), "--proof-dir", str(jobs[0][1].parent), *formulas],
                       cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    return {"label": f"command, local x{workers}", "workers": workers, "n": len(jobs), "wall": wall,
            "pass": r.stdout.count("\nPASS") + r.stdout.startswith("PASS"), "kernel_in_run": float("nan"),
            "error": None if r.returncode == 0 else f"exit {r.returncode}: {r.stderr.strip()[-300:]}"}


def storage_costs(directory: str, write: bool = True) -> tuple[float, float]:
    """What the store's file system charges: ms to create (and rename) one small file, MB/s written
    with fsync.  Every stored proof pays both; on some virtual disks creating a file costs more than
    checking a small proof."""
    with tempfile.TemporaryDirectory(prefix="bench-fs-", dir=directory) as tmp:
        start = time.perf_counter()
        for i in range(300):
            with open(f"{tmp}/t{i}", "wb") as f:
                f.write(b"x" * 4096)
            os.replace(f"{tmp}/t{i}", f"{tmp}/f{i}")
        create = (time.perf_counter() - start) / 300 * 1e3
        if not write:
            return create, float("nan")
        block, count = b"x" * (1 << 20), 256
        start = time.perf_counter()
        with open(f"{tmp}/big", "wb") as f:
            for _ in range(count):
                f.write(block)
            os.fsync(f.fileno())
        return create, count / (time.perf_counter() - start)


def bench_checks(args) -> None:
    import shutil
    import statistics

    from evidence.pipeline import executors as parallel
    configs = [(f"local pool x{args.jobs}", args.jobs,
                lambda: (lambda p: (p, p.shutdown))(parallel.local_executor(args.jobs)))]
    clusters = []
    if not args.no_dask:
        try:
            from distributed import Client, LocalCluster
            for workers in sorted({1, args.jobs}):
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
                client = Client(cluster)
                clusters.append((cluster, client))
                configs.append((f"dask LocalCluster x{workers}", workers,
                                lambda c=client: (c.get_executor(pure=False), lambda: None)))
        except ImportError:
            print("dask: not installed (pip install '.[dask]' in a proofgate checkout): no Dask figures")
    create_ms, write_mb = storage_costs(args.store_dir)
    print(f"stores in {args.store_dir}: creating a file there takes {create_ms:.3f} ms (a run stores three files a "
          f"proof: formula, proof, verdict); writing with fsync {write_mb:.0f} MB/s")
    print(f"{args.jobs} workers on {len(os.sched_getaffinity(0))} cores; load average at start "
          f"{open('/proc/loadavg').read().split()[0]}; best and median of {args.repeat} repeats")
    print("baselines, for W workers: 'sum/W' = the sum of Verdict.seconds of the checks run one after another in one\n"
          "  process, divided by W (the older figure); 'W procs' = the wall time of W plain processes each running the\n"
          "  kernel on its share of the checks at the same time (no store, no copy; best of the repeats): the\n"
          "  kernel's own checking time on W cores.  overhead = wall / baseline - 1.  'create file ms': what creating\n"
          "  one file in the store's directory cost just before those runs (it drifts on a shared virtual disk)")
    print(f"{'size':<4} {'proofs':>6} {'median':>9} {'kernel':>8}  {'configuration':<24} {'wall s':>13} "
          f"{'baseline s':>12} {'overhead vs sum/W':>18} {'overhead vs procs':>18} {'checks/s':>13} {'in-run':>7}")
    print(f"{'':<4} {'':>6} {'bytes':>9} {'median':>8}  {'':<24} {'best / med':>13} {'sum/W procs':>12} "
          f"{'best / median':>18} {'best / median':>18} {'best / med':>13} {'kern s':>7} {'file ms':>7}")
    try:
        for label in args.sizes.split(","):
            jobs = generate_checks(label)
            kernel_sum, kernel_median, size = kernel_alone(jobs)
            counts = sorted({w for _, w, _ in configs})
            procs = {w: min(kernel_processes(jobs, w) for _ in range(args.repeat)) for w in counts}
            pinned = {w: min(kernel_processes(jobs, w, pinned=True) for _ in range(args.repeat)) for w in counts}
            rows = []
            for name, workers, make in configs + ([] if args.no_command else [("command", args.jobs, None)]):
                runs, creates = [], []
                for _ in range(args.repeat):
                    creates.append(storage_costs(args.store_dir, write=False)[0])
                    with tempfile.TemporaryDirectory(prefix="bench-check-", dir=args.store_dir) as tmp:
                        runs.append(cli_run(jobs, workers, Path(tmp)) if make is None
                                    else check_run(name, jobs, make, workers, Path(tmp)))
                rows.append((runs, statistics.median(creates)))
            for runs, create_ms in rows:
                walls = sorted(r["wall"] for r in runs)
                best, med = walls[0], statistics.median(walls)
                w = runs[0]["workers"]
                old, fair = kernel_sum / w, procs[w]
                print(f"{label:<4} {len(jobs):>6} {size:>9.0f} {kernel_median * 1e3:>6.2f}ms  {runs[0]['label']:<24} "
                      f"{best:>6.2f}/{med:<6.2f} {old:>5.2f}/{fair:<6.2f} "
                      f"{100 * (best / old - 1):>7.1f}%/{100 * (med / old - 1):<8.1f}% "
                      f"{100 * (best / fair - 1):>7.1f}%/{100 * (med / fair - 1):<8.1f}% "
                      f"{len(jobs) / best:>6.0f}/{len(jobs) / med:<6.0f} "
                      f"{statistics.median(r['kernel_in_run'] for r in runs):>7.2f} {create_ms:>7.3f}"
                      + ("" if all(r["pass"] == len(jobs) for r in runs) else "  (NOT ALL PASS!)"))
                for r in runs:
                    if r.get("error"):
                        print(f"     {r['label']}: {r['error']}")
            print(f"{label:<4} kernel alone: sum of Verdict.seconds {kernel_sum:.2f} s; "
                  + "; ".join(f"{w} plain process{'es' if w > 1 else ''} {procs[w]:.2f} s "
                              f"(pinned one per core {pinned[w]:.2f} s)" for w in counts))
            sys.stdout.flush()
    finally:
        for cluster, client in clusters:
            client.close()
            cluster.close()
        shutil.rmtree(CACHE / "tmp", ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prove", action="store_true", help="the older bench: solve and check tiny formulas")
    ap.add_argument("--n", type=int, default=1000, help="--prove: formulas (default 1000)")
    ap.add_argument("--sizes", default="S,M,L", help="proof sizes to check (default S,M,L)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per configuration (default 3)")
    ap.add_argument("--jobs", type=int, default=2, help="local workers, and the larger Dask cluster (default 2)")
    ap.add_argument("--no-dask", action="store_true", help="only the local executor")
    ap.add_argument("--store-dir", default=tempfile.gettempdir(),
                    help="where each run's store goes (default: the temporary directory); its file system's costs are printed")
    ap.add_argument("--no-command", action="store_true", help="skip `proofgate prove --proof-dir` as a command")
    args = ap.parse_args()
    if not args.prove:
        return bench_checks(args)

    from evidence.pipeline import executors as parallel
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        tmp = Path(tmp)
        (tmp / "f").mkdir()
        formulas = generate(tmp / "f", args.n)
        print(f"{args.n} pigeonhole(3) variants (unsat), {args.jobs} cores; kernel = sum of the kernel's check "
              f"times from its verdicts; overhead = share of the wall time that is not kernel checking")
        print(f"{'executor':<22} {'n':>6} {'wall s':>9} {'kernel s':>11} {'overhead':>10} {'wall/kern':>10} "
              f"{'formulas/s':>10} {'solve s':>10}   PASS/FAIL/NC")
        pool = parallel.local_executor(args.jobs)
        try:
            show(measure(f"local pool x{args.jobs}", formulas, pool, False, tmp))
        finally:
            pool.shutdown()
        if args.no_dask:
            return
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            print("dask: not installed (pip install '.[dask]' in a proofgate checkout): no Dask figures")
            return
        for workers in sorted({1, args.jobs}):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                show(measure(f"dask LocalCluster x{workers}", formulas, client.get_executor(pure=False), True, tmp))


if __name__ == "__main__":
    main()
