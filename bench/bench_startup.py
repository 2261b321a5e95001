"""Start-up: the wall time of `proofgate check` on a tiny proof, against the floors under it.

    python bench/bench_startup.py [--runs N] [--proof samples/lrat/php-4.lrat]

Rows, each the median and the best of N runs (one warm-up first), all in this environment:
the interpreter alone (`python -c pass`: site, .pth files, editable-install finders), the kernel's
import (`import checker`), `proofgate check` (the fast entry point, evidence/main.py), and the same
check through the click command line (`python -m evidence.cli check`).  The machine's load average
is printed before and after: on a shared machine the figures drift with it.  With --importtime, the
modules a plain check imports and their cumulative import times (python -X importtime).  With
--instructions (valgrind on PATH), each row once more under callgrind: the instructions it executes,
which load does not move (run the real interpreter, not a pyenv shim; with PYTHONDONTWRITEBYTECODE
set, byte-compile the tree first or compiling is counted too).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """(median, best) wall seconds of `command`, its output discarded; a failing command stops the bench."""
    seconds = []
    for i in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if i:  # the first run warms the page cache
            seconds.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit(f"bench_startup: {' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-300:]}")
    return statistics.median(seconds), min(seconds)


def instructions(command: list[str]) -> int:
    """Instructions executed by `command` (and no child), counted by callgrind."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command], cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return next(int(line.split()[-1]) for line in done.stderr.splitlines() if "Collected :" in line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--proof", default="samples/lrat/php-4.lrat")
    ap.add_argument("--importtime", action="store_true", help="also list what a plain check imports")
    ap.add_argument("--instructions", action="store_true", help="also count each row's instructions (valgrind)")
    args = ap.parse_args()
    formula = str(Path(args.proof).with_suffix(".cnf"))
    # `python -m evidence.main`, what the installed script runs, from this checkout: the `proofgate` found on
    # PATH may be a pyenv shim (a bash script running `pyenv exec`) and imports whichever checkout is installed
    proofgate = [sys.executable, "-m", "evidence.main"]
    rows = [("python -c pass", [sys.executable, "-c", "pass"]),
            ("python -c 'import checker'", [sys.executable, "-c", "import checker"]),
            ("proofgate check (fast path)", [*proofgate, "check", formula, args.proof]),
            ("python -m evidence.cli check", [sys.executable, "-m", "evidence.cli", "check", formula, args.proof])]
    if args.instructions:  # without site (its .pth files are this environment's, not ours) as well
        rows.insert(1, ("python -S -c pass", [sys.executable, "-S", "-c", "pass"]))
    print(f"{args.runs} runs each on {len(os.sched_getaffinity(0))} cores; load average before: "
          f"{open('/proc/loadavg').read().split()[0]}; {formula} + {args.proof}")
    print(f"{'command':<32} {'median ms':>10} {'best ms':>9}" + f" {'instructions':>14}" * args.instructions)
    for label, command in rows:
        median, best = timed(command, args.runs)
        counted = f" {instructions(command) / 1e6:>13.1f}M" if args.instructions else ""
        print(f"{label:<32} {median * 1e3:>10.1f} {best * 1e3:>9.1f}{counted}")
    print(f"load average after: {open('/proc/loadavg').read().split()[0]}")
    if args.importtime:
        code = (f"import sys; sys.argv = ['proofgate', 'check', {formula!r}, {args.proof!r}]; "
                "from evidence.main import main; main()")
        err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, capture_output=True,
                             text=True).stderr
        top = [line.split("|") for line in err.splitlines() if line.startswith("import time:")]
        top = [(int(cumulative), name.rstrip()) for _, cumulative, name in top[1:] if not name.startswith("  ")]
        print("top-level imports of a plain check (cumulative ms):")
        for micros, name in sorted(top, reverse=True)[:12]:
            print(f"  {micros / 1e3:>7.1f}  {name.strip()}")


if __name__ == "__main__":
    main()
