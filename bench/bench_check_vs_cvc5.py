"""The kernel's check time against cvc5's own solve time (issue 16: under 10% where cvc5 needs 100 ms+).

    python bench/bench_check_vs_cvc5.py FOLDER_OR_FILES... [--timeout 20] [--min-ms 100]

Per problem (SMT-LIB files we can certify): cvc5's solve time (its Python API, default options but
strings-exp, best of two), our producer's time (`smt prove`, not compared), the C kernel path's check
time of our certificate (best of two, in this process), and check / cvc5.  Then, over the problems
where cvc5 needs at least --min-ms: the median and the worst ratio.  Figures only.
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import checker  # noqa: E402


def cvc5_seconds(path, timeout):
    import cvc5
    best = None
    for _ in range(2):
        solver = cvc5.Solver(cvc5.TermManager())
        solver.setOption("strings-exp", "true")
        solver.setOption("tlimit-per", str(int(timeout * 1000)))
        parser = cvc5.InputParser(solver)
        parser.setFileInput(cvc5.InputLanguage.SMT_LIB_2_6, str(path))
        manager, spent, answer = parser.getSymbolManager(), 0.0, None
        try:
            while not (command := parser.nextCommand()).isNull():
                start = time.perf_counter()
                out = str(command.invoke(solver, manager)).strip()
                spent += time.perf_counter() - start
                answer = out if out in ("sat", "unsat") else answer
            if answer is None:  # no check-sat in the file: ask it all the same
                start = time.perf_counter()
                answer = str(solver.checkSat())
                spent += time.perf_counter() - start
        except Exception:  # noqa: BLE001 - cvc5 refused the file: no figure
            return None, None
        best = spent if best is None else min(best, spent)
    return answer, best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("--min-ms", type=float, default=100)
    args = parser.parse_args()
    files = [p for a in args.paths for p in (sorted(Path(a).rglob("*.smt2")) if Path(a).is_dir() else [Path(a)])]
    ratios = []
    print(f"{'problem':48} {'answer':6} {'cvc5 ms':>9} {'prove ms':>9} {'check ms':>9} {'check/cvc5':>10}")
    with tempfile.TemporaryDirectory(prefix="proofgate-vs-cvc5-") as scratch:
        for path in files:
            cert = Path(scratch) / "p.cert"
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "evidence.cli", "smt", "prove", str(path), "-o", str(cert),
                                   "--timeout", str(args.timeout)], capture_output=True, text=True, cwd=ROOT)
            proved = time.perf_counter() - start
            if done.returncode != 0 or not cert.exists():
                continue
            checks = []
            for _ in range(2):
                start = time.perf_counter()
                verdict = checker.check_smt(str(path), str(cert), "c") if cert.read_bytes().count(b"\n") else None
                checks.append(time.perf_counter() - start)
            if verdict is None or not verdict.verified:
                continue
            answer, solved = cvc5_seconds(path, args.timeout)
            if solved is None:
                continue
            ratio = min(checks) / solved if solved else float("inf")
            print(f"{str(path)[-48:]:48} {answer or '?':6} {solved * 1e3:9.1f} {proved * 1e3:9.1f} "
                  f"{min(checks) * 1e3:9.2f} {ratio:10.3f}")
            if solved * 1e3 >= args.min_ms:
                ratios.append(ratio)
    if ratios:
        print(f"problems where cvc5 needs {args.min_ms:.0f} ms or more: {len(ratios)}; check/cvc5 median "
              f"{statistics.median(ratios):.3f}, worst {max(ratios):.3f}, under 10% on {sum(r < 0.1 for r in ratios)}")


if __name__ == "__main__":
    main()
