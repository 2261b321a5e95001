"""Time the parallel prove pipeline on many tiny proof checks: how much of the wall time is the
kernel's own checking, and how many formulas a second each executor gets through.

    python bench/bench_pipeline.py [--n 1000] [--jobs 2] [--no-dask]

It generates N small unsatisfiable formulas (pigeonhole(3) with its clauses shuffled and its
variables renamed and negated at random, so that every formula, and so every proof, differs),
then proves them all through `evidence.parallel.prove_all` (the code `proofgate prove` runs), into
a fresh store each time, with: a local process pool of --jobs workers, and, when dask is
installed, a Dask LocalCluster of 1 and of --jobs worker processes (one thread each).  For each it
prints the wall time, the sum of the kernel's own check times (from its verdicts), the overhead
(the share of the wall time that is not kernel checking) and the throughput.  Figures only:
nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evidence.families import pigeonhole, write_dimacs  # noqa: E402


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
    from evidence import parallel
    from evidence.prove import run_fields
    from evidence.store import Store
    store = Store(f"sqlite:///{workdir / (label.replace(' ', '-') + '.db')}")
    run = store.begin_run(**run_fields())
    jobs = [(f, f.stem.replace("php3", "c"), "s") for f in formulas]
    start = time.perf_counter()
    done = parallel.prove_all(store, run.id, jobs, executor, timeout=60, memory_mb=1024, ship=ship)
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="formulas (default 1000)")
    ap.add_argument("--jobs", type=int, default=2, help="local workers, and the larger Dask cluster (default 2)")
    ap.add_argument("--no-dask", action="store_true", help="only the local executor")
    args = ap.parse_args()

    from evidence import parallel
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
            print("dask: not installed (pip install 'proofgate[dask]'): no Dask figures")
            return
        for workers in sorted({1, args.jobs}):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                show(measure(f"dask LocalCluster x{workers}", formulas, client.get_executor(pure=False), True, tmp))


if __name__ == "__main__":
    main()
