"""Time and peak memory of both LRAT kernels against input size, on the adversarial families of
bench/adversarial.py (issue 16).  Each check runs in a fresh process; time is its CPU time (which
other load on the machine does not inflate), memory its VmHWM (peak
resident set), which includes the Python interpreter (about 20 MB alone).

    python bench/bench_kernel_scaling.py                       # every family, sizes 10^3..10^6
    python bench/bench_kernel_scaling.py --family huge-ids --sizes 1000 100000
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.adversarial import FAMILIES, REFUSED  # noqa: E402

ALL = {**FAMILIES, **{name: make for name, (make, _) in REFUSED.items()}}

CHILD = r"""
import json, re, sys, time
from checker import ckernel, lrat
kernel, formula, proof = sys.argv[1:]
start = time.process_time()
with open(formula, "rb") as f, open(proof, "rb") as p:
    if kernel == "c":
        stop = ckernel.check_fds(f.fileno(), p.fileno())[0]
    else:
        stop = lrat.check(f, p)[0]
seconds = time.process_time() - start
peak = int(re.search(r"VmHWM:\s*(\d+)", open("/proc/self/status").read()).group(1))
print(json.dumps({"code": stop.code if stop else "ok", "seconds": seconds, "peak_mb": peak / 1024}))
"""


def measure(kernel: str, formula: Path, proof: Path, timeout: float) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        run = subprocess.run([sys.executable, "-c", CHILD, kernel, str(formula), str(proof)],
                             capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"code": "timeout", "seconds": timeout, "peak_mb": float("nan")}
    if run.returncode:
        return {"code": "crashed: " + run.stderr.strip()[-200:], "seconds": 0.0, "peak_mb": float("nan")}
    return json.loads(run.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", action="append", choices=sorted(ALL))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000, 1000000])
    parser.add_argument("--kernels", nargs="+", default=["c", "python"])
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    families = args.family or list(ALL)
    print(f"{'family':18} {'n':>8} {'input MB':>9} {'kernel':>7} {'answer':>8} {'seconds':>8} "
          f"{'peak MB':>8} {'us/KB':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        formula, proof = Path(tmp) / "f.cnf", Path(tmp) / "p.lrat"
        for family in families:
            for n in args.sizes if family != "huge-header" else [1]:
                f, p = ALL[family](n)
                formula.write_bytes(f)
                proof.write_bytes(p)
                size = len(f) + len(p)
                for kernel in args.kernels:
                    r = measure(kernel, formula, proof, args.timeout)
                    print(f"{family:18} {n:>8} {size / 1e6:>9.3f} {kernel:>7} {r['code'][:8]:>8} "
                          f"{r['seconds']:>8.3f} {r['peak_mb']:>8.1f} {1e6 * r['seconds'] / (size / 1e3):>7.2f}",
                          flush=True)


if __name__ == "__main__":
    main()
