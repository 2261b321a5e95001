"""Time proofgate's whole DRAT check (untrusted elaboration to LRAT, then the kernel) against drat-trim.

    python bench/bench_drat.py [DIR] [--generate N] [--no-industrial] [--json] [--threads auto|1|2]

Every NAME.cnf with NAME.drat (text) or NAME.bdrat (binary) in DIR is checked by
`proofgate check --json` and, when `drat-trim` is on PATH, by `drat-trim NAME.cnf
PROOF` (its verdict read from its output, not its exit code).  Without DIR, the
first N (default 4) generated instances of bench_lrat.py are given CaDiCaL DRAT
proofs in bench/.cache/drat/ (`--generate 8` adds a multiplier miter and a
padded pigeonhole: a circuit, and a large formula with a small proof).  Generating
also makes the industrial-shaped instances (INDUSTRIAL below: bounded model checking
of a counter and of a pipeline, barrel-shifter and long-multiplier miters; proofs of
0.1-22 MB, many binary clauses) unless --no-industrial.  Prints
wall time, peak RSS and LRAT size per instance, the ratio to drat-trim (their
time / ours: above 1 is faster) and the median; nothing here asserts a speed.
drat-trim's own example R_4_4_18 (8,575 RAT lemmas) is worth a run from a DIR.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lrat import CACHE, ROOT, bench_instances, run  # noqa: E402

DRAT_CACHE = CACHE / "drat"


def industrial_instances():
    """(name, thunk giving (nvars, clauses), approximate DRAT MB from CaDiCaL 1.9.5), smallest first."""
    from bench.families import barrel_shifter_miter, counter_bmc, pipeline_bmc, shift_add_multiplier_miter

    return [
        ("counter-8-120", lambda: counter_bmc(8, 120), 0.1),
        ("pipeline-8-10", lambda: pipeline_bmc(8, 10), 0.8),
        ("barrel-64", lambda: barrel_shifter_miter(64), 1.6),
        ("shift-add-7", lambda: shift_add_multiplier_miter(7), 4.7),
        ("barrel-128", lambda: barrel_shifter_miter(128), 4.8),
        ("pipeline-12-16", lambda: pipeline_bmc(12, 16), 6.9),
        ("counter-10-400", lambda: counter_bmc(10, 400), 10),
        ("pipeline-20-24", lambda: pipeline_bmc(20, 24), 17),
        ("shift-add-8", lambda: shift_add_multiplier_miter(8), 22),
    ]


def generate_industrial(folder):
    """CaDiCaL DRAT proofs of the industrial instances into folder (once; cached)."""
    from bench.families import write_dimacs
    from evidence.solvers._compat import solve_with_drat

    folder.mkdir(parents=True, exist_ok=True)
    for name, make, mb in industrial_instances():
        if (folder / f"{name}.done").exists():
            continue
        print(f"generating {name} (about {mb} MB of DRAT) ...", file=sys.stderr, flush=True)
        nvars, clauses = make()
        write_dimacs(folder / f"{name}.cnf", nvars, clauses, comment=f"{name}: bench/bench_drat.py")
        if solve_with_drat(nvars, clauses, folder / f"{name}.drat") is not None:
            raise SystemExit(f"{name} is satisfiable: fix the instance list")
        (folder / f"{name}.done").touch()


def pairs(folder):
    for cnf in sorted(Path(folder).glob("*.cnf")):
        for ext in (".drat", ".bdrat"):
            if cnf.with_suffix(ext).exists():
                yield cnf, cnf.with_suffix(ext)


def ours(code, out):
    try:
        return json.loads(out)["status"] == "VERIFIED"
    except (ValueError, KeyError, TypeError):
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", nargs="?", help="folder of NAME.cnf + NAME.drat/.bdrat pairs")
    ap.add_argument("--generate", type=int, default=None, metavar="N", help="generated instances (default 4 without DIR)")
    ap.add_argument("--json", action="store_true", help="print the measurements as JSON")
    ap.add_argument("--threads", choices=["auto", "1", "2"], default="auto", help="passed to proofgate check")
    ap.add_argument("--no-industrial", action="store_true", help="generate only the classic families")
    args = ap.parse_args()
    count = args.generate if args.generate is not None else (0 if args.dir else 4)
    industrial = not args.dir and not args.no_industrial
    if count or industrial:  # in a child: the solver's memory would raise the floor of our children's RSS (see run())
        bench = ROOT / "bench"
        subprocess.run([sys.executable, "-c", f"import sys; sys.path[:0] = [{str(bench)!r}, {str(ROOT)!r}]; "
                        f"import bench_lrat, bench_drat, pathlib; folder = pathlib.Path({str(DRAT_CACHE)!r}); "
                        f"bench_lrat.generate({count}, folder, 'drat'); "
                        f"{industrial} and bench_drat.generate_industrial(folder)"], check=True)
    folder = Path(args.dir) if args.dir else DRAT_CACHE
    wanted = {f"{name}.cnf" for name, _, _ in bench_instances()[:count]} | \
        ({f"{name}.cnf" for name, _, _ in industrial_instances()} if industrial else set()) if not args.dir else None
    rows = []
    for cnf, proof in pairs(folder):
        if wanted is not None and cnf.name not in wanted:
            continue
        row = {"file": proof.name, "mb": proof.stat().st_size / 1e6}
        command = [sys.executable, "-m", "evidence.main", "check", "--json", "--format", "drat", "--threads",
                   args.threads, str(cnf), str(proof)]
        mine = run(command, ours)
        row.update(ours_seconds=mine["seconds"], ours_rss=mine["rss_mb"], ours_ok=mine["ok"])
        try:
            verdict = json.loads(subprocess.run(command, capture_output=True, text=True).stdout)
            row.update(lrat_mb=verdict["elaboration"]["counts"]["lrat_bytes"] / 1e6,
                       engine_seconds=sum(verdict["elaboration"]["seconds"].values()), kernel_seconds=verdict["seconds"])
        except (ValueError, KeyError, TypeError):
            pass
        if shutil.which("drat-trim"):
            theirs = run(["drat-trim", str(cnf), str(proof)], lambda code, out: "s VERIFIED" in out)
            row.update(drat_trim_seconds=theirs["seconds"], drat_trim_rss=theirs["rss_mb"], drat_trim_ok=theirs["ok"])
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"{'file':<24} {'DRAT MB':>8} {'ours s':>7} {'engine s':>8} {'kernel s':>8} {'LRAT MB':>8} {'ours RSS':>8}"
          f" {'drat-trim s':>11} {'its RSS':>8} {'speed x':>8} {'memory x':>8}  verdicts")
    speed, memory = [], []
    for r in rows:
        line = (f"{r['file']:<24} {r['mb']:8.1f} {r['ours_seconds']:7.2f} {r.get('engine_seconds', 0):8.2f} "
                f"{r.get('kernel_seconds', 0):8.2f} {r.get('lrat_mb', 0):8.1f} {r['ours_rss']:8.1f}")
        if "drat_trim_seconds" in r:
            speed.append(r["drat_trim_seconds"] / r["ours_seconds"])
            memory.append(r["ours_rss"] / r["drat_trim_rss"])
            line += (f" {r['drat_trim_seconds']:11.2f} {r['drat_trim_rss']:8.1f} {speed[-1]:8.2f} {memory[-1]:8.2f}"
                     f"  ours {'VERIFIED' if r['ours_ok'] else 'NOT VERIFIED'}, drat-trim "
                     f"{'VERIFIED' if r['drat_trim_ok'] else 'NOT VERIFIED'}")
        else:
            line += f"  ours {'VERIFIED' if r['ours_ok'] else 'NOT VERIFIED'} (drat-trim not on PATH)"
        print(line)
    if speed:
        print(f"\nspeed (drat-trim time / ours): median x{statistics.median(speed):.2f}, worst x{min(speed):.2f}; "
              f"memory (our RSS / drat-trim's): median x{statistics.median(memory):.2f}, worst x{max(memory):.2f}")


if __name__ == "__main__":
    main()
