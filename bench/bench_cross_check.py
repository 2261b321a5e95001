"""Do checkers that are not ours accept proofgate's LRAT?  cake_lpr (verified, CakeML) and lrat-check.

    python bench/bench_cross_check.py [DIR ...] [--generate] [--threads 1|2|3] [--timeout S] [--json]

For every NAME.cnf with NAME.drat / NAME.bdrat in the folders (or, with --generate or no folder, the
generated instances of bench_drat.py, classic and industrial), proofgate's engine elaborates the DRAT
to text LRAT (`proofgate check --lrat OUT` does the same), then each anchor found on PATH checks it.
Prints per pair the elaboration time, the LRAT's size, and each checker's verdict and time.  cake_lpr
exits 0 whatever its answer: its verdict is its line "s VERIFIED UNSAT".  It refuses DIMACS with blank
lines or SATLIB's trailing '%' / '0' lines, so the formula it gets is a clean copy (same clauses, same
order; the LRAT's ids are the same).  Nothing here asserts anything; the exit code is 1 when some
anchor refused a proof the kernel verified.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_side_by_side import pairs  # noqa: E402

from bench_lrat import ROOT  # noqa: E402

sys.path.insert(0, str(ROOT))
ANCHORS = ("cake_lpr", "lrat-check")  # how each one's verdict is read: evidence/crosscheck.py


def clean_copy(cnf: Path, into: Path) -> Path:
    """The formula as plain DIMACS (cake_lpr refuses comments, blank and '%' lines): same clauses, same order."""
    from evidence.export import plain_dimacs
    target = into / f"{cnf.stem}.clean.cnf"
    target.write_bytes(plain_dimacs(cnf.read_bytes(), str(cnf))[0])
    return target


def anchor(name, cnf, lrat, timeout):
    from evidence.crosscheck import parse
    start = time.perf_counter()
    ok, note = parse(name).check(cnf, lrat, timeout)
    return {"ok": ok, "seconds": time.perf_counter() - start, "note": "" if ok else note}


def cross_check(cnf, proof, scratch, args):
    import checker
    from evidence.solvers import drat

    lrat = scratch / "proof.lrat"
    start = time.perf_counter()
    done = drat.elaborate(str(cnf), str(proof), str(lrat), threads=args.threads)
    row = {"file": proof.name, "drat_mb": proof.stat().st_size / 1e6, "elaborated": done.status,
           "elaborate_seconds": time.perf_counter() - start}
    if done.status != "elaborated":
        return row
    row["lrat_mb"] = lrat.stat().st_size / 1e6
    row["kernel"] = checker.check_lrat(str(cnf), str(lrat), checker.kernels()[0]).status
    clean = clean_copy(cnf, scratch)
    for name in ANCHORS:
        if shutil.which(name):
            row[name] = anchor(name, clean, lrat, args.timeout)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", help="folders of NAME.cnf + NAME.drat/.bdrat")
    ap.add_argument("--generate", action="store_true", help="also the generated instances of bench_drat.py")
    ap.add_argument("--threads", type=int, default=1, choices=[1, 2, 3],
                    help="the engine's threads (3: the fixed split of the tests)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per anchor run")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    folders = [Path(d) for d in args.dirs]
    if args.generate or not folders:
        from bench_drat import DRAT_CACHE
        bench = ROOT / "bench"  # in a child, as bench_drat.py does: the solver's memory stays out of ours
        subprocess.run([sys.executable, "-c", f"import sys; sys.path[:0] = [{str(bench)!r}, {str(ROOT)!r}]; "
                        f"import bench_lrat, bench_drat; bench_lrat.generate(4, bench_drat.DRAT_CACHE, 'drat'); "
                        f"bench_drat.generate_industrial(bench_drat.DRAT_CACHE)"], check=True)
        folders.append(DRAT_CACHE)
    rows = []
    with tempfile.TemporaryDirectory(prefix="cross-check-") as scratch:
        for cnf, proof in pairs(folders, (".drat", ".bdrat")):
            rows.append(cross_check(cnf, proof, Path(scratch), args))
            print(f"  {proof.name}", file=sys.stderr, flush=True)
    refused = [r for r in rows if r.get("kernel") == "VERIFIED" and any(r.get(n, {}).get("ok") is False for n in ANCHORS)]
    if args.json:
        print(json.dumps(rows, indent=1))
        return 1 if refused else 0
    print(f"{'file':<26} {'DRAT MB':>8} {'elab s':>7} {'LRAT MB':>8} {'kernel':>9}"
          + "".join(f" {name:>22}" for name in ANCHORS))
    for r in rows:
        line = f"{r['file']:<26} {r['drat_mb']:8.1f} {r['elaborate_seconds']:7.2f} {r.get('lrat_mb', 0):8.1f} " \
               f"{r.get('kernel', r['elaborated']):>9}"
        for name in ANCHORS:
            a = r.get(name)
            cell = "not on PATH" if a is None else \
                f"{'VERIFIED' if a['ok'] else 'timeout' if a['ok'] is None else 'REFUSED'} {a['seconds']:7.2f} s"
            line += f" {cell:>22}"
        print(line)
        for name in ANCHORS:
            if r.get(name) and r[name]["ok"] is False:
                print(f"    {name}: {r[name]['note']}")
    print(f"\n{len(rows)} proofs; refused by an anchor though the kernel verified: {len(refused)}")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
