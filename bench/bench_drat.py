"""Time proofgate's whole DRAT check (untrusted elaboration to LRAT, then the kernel) against drat-trim.

    python bench/bench_drat.py [DIR] [--generate N] [--json] [--threads auto|1|2]

Every NAME.cnf with NAME.drat (text) or NAME.bdrat (binary) in DIR is checked by
`proofgate check --json` and, when `drat-trim` is on PATH, by `drat-trim NAME.cnf
PROOF` (its verdict read from its output, not its exit code).  Without DIR, the
first N (default 4) generated instances of bench_lrat.py are given CaDiCaL DRAT
proofs in bench/.cache/drat/ (`--generate 8` adds a multiplier miter and a
padded pigeonhole: a circuit, and a large formula with a small proof).  Prints
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
    args = ap.parse_args()
    count = args.generate if args.generate is not None else (0 if args.dir else 4)
    if count:  # in a child: the solver's memory would raise the floor of our children's RSS (see run())
        subprocess.run([sys.executable, "-c", f"import sys; sys.path[:0] = [{str(ROOT / 'bench')!r}, {str(ROOT)!r}]; "
                        f"import bench_lrat, pathlib; bench_lrat.generate({count}, pathlib.Path({str(DRAT_CACHE)!r}), 'drat')"],
                       check=True)
    folder = Path(args.dir) if args.dir else DRAT_CACHE
    wanted = {f"{name}.cnf" for name, _, _ in bench_instances()[:count]} if not args.dir else None
    rows = []
    for cnf, proof in pairs(folder):
        if wanted is not None and cnf.name not in wanted:
            continue
        row = {"file": proof.name, "mb": proof.stat().st_size / 1e6}
        command = [sys.executable, "-m", "evidence.cli", "check", "--json", "--format", "drat", "--threads",
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
