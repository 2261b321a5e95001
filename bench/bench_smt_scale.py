"""SMT checking time and memory against input size: the kernel must stay linear.

    python bench/bench_smt_scale.py                     # families from 10 KB to ~30 MB
    python bench/bench_smt_scale.py --max-mb 100        # up to ~100 MB (minutes, GBs)

Families (each written, certified by the native producer, then checked in a fresh process by the C
kernel's path, one at a time): a let chain binding sums (let ((y1 (+ y0 1))) ...), a let chain of
plain renamings, a nested sum (+ x (+ x ...)), a nested conjunction (and p (and p ... (not p))), and
a wide conjunction of independent difference constraints with one contradiction.  Prints, per row:
bytes of problem + certificate, check seconds (user CPU, which load does not inflate), peak RSS, and
seconds per MB; then, per family, the ratio of the largest to the smallest seconds per MB over all its
sizes (linear: about 1; the smallest inputs carry the check's fixed costs, the SMT kernel's imports not
among them).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def let_sums(n):
    return ("(set-logic QF_LIA)(declare-fun x () Int)\n(assert " +
            "".join(f"(let ((y{i} (+ {'x' if i == 0 else f'y{i - 1}'} 1))) " for i in range(n)) +
            f"(< y{n - 1} x)" + ")" * n + ")\n(check-sat)\n")


def let_names(n):
    return ("(set-logic QF_LIA)(declare-fun x () Int)\n(assert " +
            "".join(f"(let ((y{i} {'x' if i == 0 else f'y{i - 1}'})) " for i in range(n)) +
            f"(< y{n - 1} x)" + ")" * n + ")\n(check-sat)\n")


def nested_sum(n):
    return "(set-logic QF_LIA)(declare-fun x () Int)\n(assert (< " + "(+ x " * n + "0" + ")" * n + " x))\n(check-sat)\n"


def nested_and(n):
    return "(set-logic QF_UF)(declare-fun p () Bool)\n(assert " + "(and p " * n + "(not p)" + ")" * n + ")\n(check-sat)\n"


def wide(n):
    decls = "".join(f"(declare-fun x{i} () Int)" for i in range(n + 1))
    atoms = "".join(f"(assert (<= (- x{i} x{i + 1}) 1))" for i in range(n))
    return f"(set-logic QF_LIA){decls}\n{atoms}\n(assert (> (- x0 x{n}) {n}))\n(check-sat)\n"


FAMILIES = {"let-sums": (let_sums, 31), "let-names": (let_names, 26), "nested-sum": (nested_sum, 6),
            "nested-and": (nested_and, 8), "wide": (wide, 50)}  # bytes per unit, roughly

CHECK = """
import re, sys, time
import checker, checker.smt  # imported before the clock: the curve is of the check, not of start-up
start = time.process_time()
v = checker.check_smt(sys.argv[1], sys.argv[2], "c")
peak = re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read()).group(1)  # ru_maxrss outlives exec
print(v.status, time.process_time() - start, peak)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-mb", type=float, default=30)
    parser.add_argument("--families", nargs="*", default=list(FAMILIES))
    args = parser.parse_args()
    sizes = [s for s in (1e4, 1e5, 1e6, 3e6, 1e7, 3e7, 1e8) if s <= args.max_mb * 1e6]
    per_mb = {}
    print(f"{'family':12} {'MB':>8} {'check s':>8} {'RSS MB':>8} {'s/MB':>7} {'prove s':>8}")
    with tempfile.TemporaryDirectory(prefix="proofgate-scale-") as scratch:
        for name in args.families:
            make, unit = FAMILIES[name]
            for size in sizes:
                problem, cert = Path(scratch) / f"{name}.smt2", Path(scratch) / f"{name}.cert"
                problem.write_text(make(max(1, int(size / unit))))
                start = time.perf_counter()
                prove = subprocess.run([sys.executable, "-m", "evidence.cli", "smt", "prove", str(problem), "-o",
                                        str(cert)], capture_output=True, text=True, cwd=ROOT)
                proved = time.perf_counter() - start
                if prove.returncode != 0:
                    print(f"{name:12} {size / 1e6:8.2f} no certificate: {prove.stdout.strip()[-120:]}")
                    continue
                run = subprocess.run([sys.executable, "-c", CHECK, str(problem), str(cert)], capture_output=True,
                                     text=True, cwd=ROOT)
                status, seconds, rss = run.stdout.split()
                mb = (os.path.getsize(problem) + os.path.getsize(cert)) / 1e6
                print(f"{name:12} {mb:8.2f} {float(seconds):8.2f} {int(rss) / 1024:8.0f} "
                      f"{float(seconds) / mb:7.3f} {proved:8.1f} {status}")
                per_mb.setdefault(name, []).append(float(seconds) / mb)
    for name, rates in per_mb.items():
        print(f"{name:12} seconds per MB {min(rates):.3f} to {max(rates):.3f}: ratio {max(rates) / min(rates):.2f}")


if __name__ == "__main__":
    main()
