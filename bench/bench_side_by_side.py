"""proofgate beside drat-trim and lrat-check, whole command against whole command.

    python bench/bench_side_by_side.py DIR [DIR ...] [--repeat N] [--threads auto|1|2] [--tree ROOT]
                                       [--command VENV/bin/proofgate] [--json] [--table SAVED.json]

Every NAME.cnf with NAME.drat / NAME.bdrat in the folders is checked by `proofgate check` (its entry
point, evidence.main, run as `python -m evidence.main`: the installed script without its wrapper; the
untrusted engine elaborates, the kernel checks) and by `drat-trim NAME.cnf PROOF`; every NAME.cnf with
NAME.lrat by `proofgate check` and by `lrat-check`.  The anchors run when they are on PATH.  The engine
alone is timed too (csrc/tools/dratcheck, built here with make into bench/.cache/build with the
package's -O3), so the cost of starting the Python command and of the kernel can be told apart from
the engine's.  Prints wall time (the best of --repeat runs, the one least disturbed by whatever else
the machine runs; the median is in --json; all after one unmeasured run of proofgate so its
bytecode is cached even under PYTHONDONTWRITEBYTECODE, an installed script's too; --command
VENV/bin/proofgate times an installed script instead, whose interpreter start-up is a clean install's, without the .pth files of a
development interpreter: an editable install's finder and others can cost 50 ms of CPU before
anything of ours runs), CPU time (user + system: on a busy machine it
moves less than wall time; with two threads ours can exceed wall time), peak RSS, MB of proof a
second and both verdicts per pair, then the medians of the ratios (ours / theirs: below 1 is faster
or smaller).  --tree ROOT measures another checkout instead of this one (its extensions built in
place, `python setup.py build_ext --inplace`; e.g. an older commit from `git archive`): a before /
after table on the same machine and files.  Verdicts are read from the
output, never from exit codes alone (drat-trim exits 0 on a timeout).  Nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lrat import CACHE, ROOT, run  # noqa: E402

BUILD = CACHE / "build"


def pairs(folders, suffixes):
    for folder in folders:
        for cnf in sorted(Path(folder).glob("*.cnf")):
            for ext in suffixes:
                if cnf.with_suffix(ext).exists():
                    yield cnf, cnf.with_suffix(ext)


def verified_json(code, out):
    try:
        return json.loads(out)["status"] == "VERIFIED"
    except (ValueError, KeyError, TypeError):
        return False


def dratcheck(tree):
    """The engine's standalone driver, built from that checkout (None without make)."""
    if not shutil.which("make"):
        return None
    build = BUILD if tree == ROOT else Path(tempfile.mkdtemp(prefix="dratcheck-"))
    flags = "-O3 -g -std=c11 -Wall -Wextra -Wpedantic -pthread"  # csrc/build.py's optimisation
    done = subprocess.run(["make", "-s", "-C", str(tree / "csrc"), f"BUILD={build}", f"CFLAGS={flags}",
                           str(build / "dratcheck")], capture_output=True, text=True)
    return build / "dratcheck" if done.returncode == 0 else None


def timed(command, verified, repeat, cwd=None):
    """The best time of `repeat` runs (the least disturbed by other work on the machine; the median is
    kept too), the largest peak RSS, and whether every run verified."""
    runs = [run(command, verified, cwd) for _ in range(repeat)]
    return {"seconds": min(r["seconds"] for r in runs), "median_seconds": statistics.median(r["seconds"] for r in runs),
            "rss_mb": max(r["rss_mb"] for r in runs), "cpu_seconds": min(r["cpu_seconds"] for r in runs),
            "ok": all(r["ok"] for r in runs)}


def warm_bytecode(tree, command=None):
    """One unmeasured run of the command with bytecode writing allowed: the runs timed then load
    cached bytecode, as an installed package does, instead of compiling every module each time.
    An installed script (`command`) too, by two plain checks of samples: a venv that reaches a checkout
    through a .pth line, or an install made under PYTHONDONTWRITEBYTECODE, has no bytecode either
    (PYTHONDONTWRITEBYTECODE=1 in the environment then made every timed run compile ours: some 15 ms of a
    tiny proof's 55)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if command:
        samples = ROOT / "samples"
        for proof, kind in ((samples / "lrat" / "php-4.lrat", "lrat"), (samples / "drat" / "php-4-cadical195.drat", "drat")):
            subprocess.run([command, "check", "--format", kind, str(samples / "lrat" / "php-4.cnf"), str(proof)],
                           env=env, capture_output=True, cwd=tree)
        return
    subprocess.run([sys.executable, "-m", "evidence.cli", "check", "--help"], env=env, capture_output=True, cwd=tree)
    subprocess.run([sys.executable, "-c", "import checker, evidence.main, evidence.solvers.drat, evidence.cli, "
                    "evidence.smt.checking"],
                   env=env, capture_output=True, cwd=tree)


def measure(args):
    # the installed `proofgate` script's entry point (evidence.main: a plain check without click), as a user runs it
    proofgate = ([args.command] if args.command else [sys.executable, "-m", "evidence.main"]) + \
        ["check", "--json", "--threads", args.threads]
    tree = Path(args.tree).resolve() if args.tree else ROOT  # `python -m` from there imports its packages
    engine = dratcheck(tree)
    warm_bytecode(tree, args.command)
    rows = []
    with tempfile.TemporaryDirectory(prefix="side-by-side-") as scratch:
        lrat = str(Path(scratch) / "engine.blrat")
        for cnf, proof in pairs(args.dirs, (".drat", ".bdrat")):
            row = {"kind": "DRAT", "file": proof.name, "mb": proof.stat().st_size / 1e6,
                   "ours": timed(proofgate + ["--format", "drat", str(cnf.resolve()), str(proof.resolve())],
                                 verified_json, args.repeat, tree)}
            if engine:  # as proofgate runs it: binary LRAT to a file, the thread mode given
                threads = {"auto": "0"}.get(args.threads, args.threads)
                row["engine"] = timed([str(engine), str(cnf), str(proof), lrat, "--binary-lrat", "--threads", threads],
                                      lambda code, out: code == 0 and "status 0 " in out, args.repeat)
            if shutil.which("drat-trim"):
                row["theirs"] = timed(["drat-trim", str(cnf), str(proof)], lambda code, out: "s VERIFIED" in out,
                                      args.repeat)
            rows.append(row)
            print(f"  {proof.name}", file=sys.stderr, flush=True)
        for cnf, proof in pairs(args.dirs, (".lrat",)):
            row = {"kind": "LRAT", "file": proof.name, "mb": proof.stat().st_size / 1e6,
                   "ours": timed(proofgate + ["--format", "lrat", str(cnf.resolve()), str(proof.resolve())],
                                 verified_json, args.repeat, tree)}
            if shutil.which("lrat-check"):
                row["theirs"] = timed(["lrat-check", str(cnf), str(proof)],
                                      lambda code, out: code == 0 and "c VERIFIED" in out, args.repeat)
            rows.append(row)
            print(f"  {proof.name}", file=sys.stderr, flush=True)
    return rows


def verdict(r):
    return "VERIFIED" if r["ok"] else "NOT VERIFIED"


def print_table(rows, kind, anchor):
    rows = [r for r in rows if r["kind"] == kind]
    if not rows:
        return
    engine = any("engine" in r for r in rows)
    print(f"\n{kind}: proofgate check against {anchor} (seconds: best of runs; RSS: peak MB; MB/s of proof)")
    print(f"{'file':<26} {'MB':>6} {'ours s':>7} {'cpu s':>6} {'RSS':>6} {'MB/s':>6}"
          + (f" {'engine s':>8} {'cpu s':>6} {'RSS':>6}" if engine else "")
          + f" {anchor + ' s':>13} {'cpu s':>6} {'RSS':>6} {'MB/s':>6} {'time x':>6} {'cpu x':>6} {'mem x':>6}  verdicts")
    speed, cpu, memory, engine_speed = [], [], [], []
    for r in rows:
        ours = r["ours"]
        line = (f"{r['file']:<26} {r['mb']:6.1f} {ours['seconds']:7.3f} {ours['cpu_seconds']:6.2f} {ours['rss_mb']:6.1f}"
                f" {r['mb'] / ours['seconds']:6.1f}")
        if engine:
            e = r.get("engine")
            line += f" {e['seconds']:8.3f} {e['cpu_seconds']:6.2f} {e['rss_mb']:6.1f}" if e else f" {'':>8} {'':>6} {'':>6}"
        theirs = r.get("theirs")
        if theirs:
            speed.append(ours["seconds"] / theirs["seconds"])
            cpu.append(ours["cpu_seconds"] / max(theirs["cpu_seconds"], 1e-3))
            memory.append(ours["rss_mb"] / theirs["rss_mb"])
            if r.get("engine"):
                engine_speed.append(r["engine"]["seconds"] / theirs["seconds"])
            line += (f" {theirs['seconds']:13.3f} {theirs['cpu_seconds']:6.2f} {theirs['rss_mb']:6.1f}"
                     f" {r['mb'] / theirs['seconds']:6.1f} {speed[-1]:6.2f} {cpu[-1]:6.2f} {memory[-1]:6.2f}"
                     f"  ours {verdict(ours)}, {anchor} {verdict(theirs)}")
        else:
            line += f"  ours {verdict(ours)} ({anchor} not on PATH)"
        print(line)
    if speed:
        print(f"time ours / {anchor}: median {statistics.median(speed):.2f}, worst {max(speed):.2f}, best "
              f"{min(speed):.2f}; CPU time: median {statistics.median(cpu):.2f}, worst {max(cpu):.2f}; "
              f"peak RSS ours / {anchor}: median {statistics.median(memory):.2f}, worst {max(memory):.2f}")
    if engine_speed:
        print(f"the engine alone / {anchor}: median {statistics.median(engine_speed):.2f}, worst {max(engine_speed):.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", help="folders of NAME.cnf + NAME.drat/.bdrat/.lrat")
    ap.add_argument("--repeat", type=int, default=3, help="runs per command (the best time is printed)")
    ap.add_argument("--threads", choices=["auto", "1", "2"], default="auto", help="passed to proofgate check")
    ap.add_argument("--tree", help="measure the checkout at this root instead (extensions built in place)")
    ap.add_argument("--command", help="an installed `proofgate` script to time instead of `python -m evidence.main` "
                    "(e.g. VENV/bin/proofgate: a clean install's start-up, without this interpreter's .pth files)")
    ap.add_argument("--json", action="store_true", help="print the measurements as JSON")
    ap.add_argument("--table", help="print the table of a --json output saved here (no measuring)")
    args = ap.parse_args()
    if args.table:
        rows = json.loads(Path(args.table).read_text())
    else:
        rows = measure(args)
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print_table(rows, "DRAT", "drat-trim")
    print_table(rows, "LRAT", "lrat-check")


if __name__ == "__main__":
    main()
