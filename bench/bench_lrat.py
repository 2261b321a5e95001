"""Time LRAT checking: our C kernel (and optionally the Python one) against
lrat-check / cake_lpr when they are on PATH.

    python bench/bench_lrat.py [DIR] [--generate N] [--python] [--json]

Without DIR it uses samples/lrat plus larger instances generated (once, then
cached) into bench/.cache/: CaDiCaL text LRAT proofs of roughly 20-170 MB.
--generate N picks how many of those (in order of size; default 4, 0 for
none).  Every NAME.cnf with NAME.lrat and/or NAME.blrat in the folders is
checked.  Each checker runs in a subprocess; wall time is measured around it
and peak RSS comes from the child's rusage (os.wait4).  It prints figures
only: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
PYTHON_LIMIT = 5e6  # bytes: the Python kernel only gets proofs smaller than this


def bench_instances():
    """(name, thunk giving (nvars, clauses), approximate proof MB), smallest first."""
    sys.path.insert(0, str(ROOT))
    from bench.families import multiplier_miter, mutilated_chessboard, padded, parity, pigeonhole, random_ksat

    return [
        ("parity-80-s1", lambda: parity(80, seed=1), 21),
        ("rnd3-250-s2", lambda: random_ksat(250, 1065, k=3, seed=2), 25),
        ("php-9", lambda: pigeonhole(9), 44),
        ("chessboard-13", lambda: mutilated_chessboard(13), 57),
        ("rnd3-280-s7", lambda: random_ksat(280, 1193, k=3, seed=7), 99),
        ("chessboard-14", lambda: mutilated_chessboard(14), 170),
        # circuits, and a large formula with a small proof (unlike the rest); not in the default four
        ("mult-commute-8", lambda: multiplier_miter(8), 60),
        ("php-8-padded", lambda: padded(pigeonhole(8), 200_000, 600_000, seed=3), 10),
    ]


def generate(count: int, folder: Path = CACHE, kind: str = "lrat") -> None:
    """Solve the first `count` bench instances with CaDiCaL into folder, writing LRAT (or DRAT) proofs."""
    from bench.families import write_dimacs
    from evidence.solvers._compat import solve_with_drat, solve_with_lrat

    solve = solve_with_lrat if kind == "lrat" else lambda n, c, path: solve_with_drat(n, c, path, "cadical195")
    folder.mkdir(parents=True, exist_ok=True)
    for name, make, mb in bench_instances()[:count]:
        done = folder / f"{name}.done"
        if done.exists():
            continue
        print(f"generating {name} (about {mb} MB of LRAT) ...", file=sys.stderr, flush=True)
        nvars, clauses = make()
        write_dimacs(folder / f"{name}.cnf", nvars, clauses, comment=f"{name}: bench/")
        start = time.perf_counter()
        if solve(nvars, clauses, folder / f"{name}.{kind}") is not None:
            raise SystemExit(f"{name} is satisfiable: fix the instance list")
        print(f"  solved in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        done.touch()


def pairs(folders):
    for folder in folders:
        for cnf in sorted(Path(folder).glob("*.cnf")):
            for ext in (".lrat", ".blrat"):
                proof = cnf.with_suffix(ext)
                if proof.exists():
                    yield cnf, proof


def run(cmd, verified, cwd=None) -> dict:
    """Run cmd; return seconds, peak RSS (MB) and whether verified(exit code, stdout).

    Peak RSS: the child's rusage from os.wait4 is exact when it is above
    our own peak, but on Linux it can never be below it: the child starts
    as a (v)fork of this process, and exec keeps the old memory's high-water
    mark in ru_maxrss.  For children smaller than us, we use VmHWM sampled
    from /proc every 2 ms after exec instead (it can only miss growth in
    the last 2 ms).
    """
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm, stop = [0], threading.Event()
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=cwd)  # returns after exec
        sampler = threading.Thread(target=_sample_hwm, args=(proc.pid, hwm, stop), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    peak_kb = usage.ru_maxrss if usage.ru_maxrss > floor else hwm[0]
    result = {"seconds": seconds, "rss_mb": peak_kb / 1024, "ok": verified(proc.returncode, text),
              "cpu_seconds": usage.ru_utime + usage.ru_stime}  # less sensitive than wall time to a busy machine
    try:  # our --json verdict also says how long the kernel itself took
        result["kernel_seconds"] = json.loads(text)["seconds"]
    except (ValueError, KeyError, TypeError):
        pass
    return result


def _sample_hwm(pid, hwm, stop):
    path = f"/proc/{pid}/status"
    while not stop.is_set():
        try:
            with open(path, "rb") as f:
                for line in f:
                    if line.startswith(b"VmHWM:"):
                        hwm[0] = max(hwm[0], int(line.split()[1]))
                        break
        except OSError:
            return
        time.sleep(0.002)


def proofgate_verified(code, out):
    try:
        return json.loads(out)["status"] == "VERIFIED"
    except (ValueError, KeyError, TypeError):
        return code == 0


def checkers(args):
    """name -> (command for a pair, verdict test, accepts binary LRAT)."""
    found = {}
    if not args.anchors_only:
        base = [sys.executable, "-m", "evidence.cli"]  # this environment's proofgate, with no wrapper script
        found["ours-c"] = (lambda f, p: base + ["check", "--kernel", "c", "--json", str(f), str(p)],
                           proofgate_verified, True)
        if args.python:
            found["ours-py"] = (lambda f, p: base + ["check", "--kernel", "python", "--json", str(f), str(p)],
                                proofgate_verified, True)
    if shutil.which("lrat-check"):  # exit 0 only after "c VERIFIED"
        found["lrat-check"] = (lambda f, p: ["lrat-check", str(f), str(p)],
                               lambda code, out: code == 0 and "c VERIFIED" in out, False)
    if shutil.which("cake_lpr"):  # exits 0 even on failure: read its answer
        found["cake_lpr"] = (lambda f, p: ["cake_lpr", str(f), str(p)],
                             lambda code, out: "s VERIFIED" in out, False)
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", nargs="?", help="folder of NAME.cnf + NAME.lrat/.blrat pairs")
    ap.add_argument("--generate", type=int, default=None, metavar="N",
                    help="generate the N smallest cached bench instances (default 4 without DIR, else 0)")
    ap.add_argument("--python", action="store_true", help="also time the Python kernel on proofs under 5 MB")
    ap.add_argument("--anchors-only", action="store_true", help="time only lrat-check / cake_lpr")
    ap.add_argument("--json", action="store_true", help="print the measurements as JSON instead of tables")
    ap.add_argument("--generate-only", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate_only is not None:
        return generate(args.generate_only)

    count = args.generate if args.generate is not None else (0 if args.dir else 4)
    if count:
        # In a child process: the solver's memory would raise our RSS, which
        # the children we time inherit as a floor (see run()).
        subprocess.run([sys.executable, __file__, "--generate-only", str(count)], check=True)
    folders = [Path(args.dir) if args.dir else ROOT / "samples" / "lrat"]
    if count:
        folders.append(CACHE)
    wanted = {f"{name}.cnf" for name, _, _ in bench_instances()[:count]}

    tools = checkers(args)
    results = []
    for cnf, proof in pairs(folders):
        if cnf.parent == CACHE and cnf.name not in wanted:
            continue
        size = proof.stat().st_size
        for tool, (cmd, verified, binary_ok) in tools.items():
            if proof.suffix == ".blrat" and not binary_ok:
                continue
            if tool == "ours-py" and size >= PYTHON_LIMIT:
                continue
            r = run(cmd(cnf, proof), verified)
            results.append({"file": proof.name, "tool": tool, "mb": size / 1e6, **r})

    if args.json:
        print(json.dumps(results, indent=1))
        return
    print_tables(results)


def print_tables(results) -> None:
    print("seconds and MB/s: the whole command; kernel s and kernel MB/s: the check alone, as the verdict reports it")
    print(f"{'file':<26} {'checker':<11} {'proof MB':>9} {'seconds':>8} {'MB/s':>8} {'kernel s':>9} "
          f"{'kernel MB/s':>11} {'peak RSS MB':>12}  verdict")
    for r in results:
        rate = r["mb"] / r["seconds"] if r["seconds"] else float("inf")
        kernel = r.get("kernel_seconds")
        kernel_columns = f"{kernel:9.3f} {r['mb'] / kernel:11.1f}" if kernel else f"{'':9} {'':11}"
        print(f"{r['file']:<26} {r['tool']:<11} {r['mb']:9.2f} {r['seconds']:8.3f} {rate:8.1f} {kernel_columns} "
              f"{r['rss_mb']:12.1f}  {'VERIFIED' if r['ok'] else 'NOT VERIFIED'}")
    ours = {r["file"]: r for r in results if r["tool"] == "ours-c"}
    for anchor in ("lrat-check", "cake_lpr"):
        rows = [(ours[r["file"]], r) for r in results if r["tool"] == anchor and r["file"] in ours]
        large = [(o, t) for o, t in rows if o["mb"] >= 1]  # below 1 MB, process start-up is all one measures
        if not rows:
            continue
        print(f"\nours-c vs {anchor} (speed: their time / our time, whole command and kernel alone; "
              "memory: our RSS / their RSS)")
        speed, kernel, memory = [], [], []
        for o, t in rows:
            speed.append(t["seconds"] / o["seconds"])
            kernel.append(t["seconds"] / o.get("kernel_seconds", o["seconds"]))
            memory.append(o["rss_mb"] / t["rss_mb"])
            print(f"  {o['file']:<26} speed x{speed[-1]:6.2f}   kernel x{kernel[-1]:6.2f}   memory x{memory[-1]:6.2f}")
        if large:
            speed = [t["seconds"] / o["seconds"] for o, t in large]
            kernel = [t["seconds"] / o.get("kernel_seconds", o["seconds"]) for o, t in large]
            memory = [o["rss_mb"] / t["rss_mb"] for o, t in large]
            print(f"  {'median, proofs >= 1 MB':<26} speed x{statistics.median(speed):6.2f}   kernel "
                  f"x{statistics.median(kernel):6.2f}   memory x{statistics.median(memory):6.2f}   "
                  f"(worst: speed x{min(speed):.2f}, kernel x{min(kernel):.2f}, memory x{max(memory):.2f})")


if __name__ == "__main__":
    main()
