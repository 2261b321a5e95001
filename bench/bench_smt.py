"""The native SMT producer against the kernel: solve time, check time, their ratio, certificate size.

    python bench/bench_smt.py [PROBLEM.smt2 ...] [--python] [--timeout S] [--repeat 5]

Without arguments: samples/smt/*.smt2, then larger generated problems (those of bench_smt_cvc5.py,
so the figures compare: LRA chains, pigeonhole-like LIA, EUF cycles, glob buckets; plus many glob
memberships over one string).  Per problem: the answer, the producer's time (DPLL(T) search plus
CaDiCaL's refutation), the C kernel's check time (and the Python kernel's with --python), the ratio
check / solve (the issue's target: at most 10%), lemmas and the certificate's size.  Times are
medians of --repeat runs (a millisecond-long solve varies by a third from one run to the next).  cvc5's own
proof sizes are printed by bench_smt_cvc5.py.  Figures only: nothing here asserts.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def many_globs(n):
    """key is under logs/, ends .gz, and avoids n prefixes logs/i/ ... yet logs/*.gz minus them all."""
    any_ = "(re.* re.allchar)"
    avoid = "".join(f'(assert (not (str.in_re key (re.++ (str.to_re "logs/{i}/") {any_}))))' for i in range(n))
    return (f"(set-logic QF_S)(declare-const key String)"
            f'(assert (str.in_re key (re.++ (str.to_re "logs/") {any_} (str.to_re ".gz"))))'
            f'(assert (str.in_re key (re.++ (str.to_re "logs/") re.allchar (str.to_re "/") {any_})))'
            f"{avoid}"
            f'(assert (not (str.in_re key (re.++ (str.to_re "logs/") re.allchar re.allchar {any_}))))')


def generated():
    from bench_smt_cvc5 import euf_cycle, glob_buckets, lia_pigeons, lra_chain
    return [(f"lra-chain-{n}", lra_chain(n)) for n in (50, 200)] + \
        [(f"lia-pigeons-{n}", lia_pigeons(n)) for n in (4, 5)] + \
        [(f"euf-cycle-{n}", euf_cycle(n)) for n in (10, 30)] + \
        [(f"glob-buckets-{n}", glob_buckets(n)) for n in (10, 40)] + \
        [(f"many-globs-{n}", many_globs(n)) for n in (3, 6)]


def measure(path, scratch, timeout, python, repeat):
    import statistics

    import checker
    from evidence.smt import native
    from evidence.smt.checking import check
    cert = Path(scratch) / (path.stem + ".cert")
    solves = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            result = native.prove(path, cert, timeout=timeout)
        except native.Unknown as error:
            return [path.stem, f"unknown ({error})"], {}
        solves.append(time.perf_counter() - start)
    solve = statistics.median(solves)
    row, ratios = [path.stem, result.answer, f"{solve:9.4f}"], {}
    for kernel in ["c"] + (["python"] if python and "python" in checker.kernels() else []):
        seconds = []
        for _ in range(repeat):
            _, verdict, _ = check(path, cert, kernel)
            assert verdict.verified, verdict.reason
            seconds.append(verdict.seconds)
        ratios[kernel] = statistics.median(seconds) / solve
        row += [f"{statistics.median(seconds):9.4f}", f"{100 * ratios[kernel]:6.1f}%"]
    row += [f"{result.lemmas:6d}", f"{cert.stat().st_size:10d}"]
    return row, ratios


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("problems", nargs="*")
    parser.add_argument("--python", action="store_true", help="also time the Python kernel")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each, the median kept (default 5)")
    args = parser.parse_args()
    head = ["problem", "answer", "solve s", "C check s", "C/solve"]
    head += ["Py check s", "Py/solve"] if args.python else []
    print("  ".join(head + ["lemmas", "cert bytes"]))
    with tempfile.TemporaryDirectory(prefix="bench-smt-") as scratch:
        paths = [Path(p) for p in args.problems]
        if not paths:
            paths = sorted((ROOT / "samples" / "smt").glob("*.smt2"))
            for name, text in generated():
                paths.append(Path(scratch) / f"{name}.smt2")
                paths[-1].write_text(text)
        ratios = []
        for path in paths:
            row, ratio = measure(path, scratch, args.timeout, args.python, args.repeat)
            ratios.append(ratio)
            print("  ".join(row), flush=True)
    for kernel in ("c", "python"):
        got = sorted(r[kernel] for r in ratios if kernel in r)
        if got:
            print(f"{kernel} kernel: check/solve at most 10% on {sum(r <= 0.1 for r in got)} of {len(got)} problems; "
                  f"median {100 * got[len(got) // 2]:.1f}%, worst {100 * got[-1]:.1f}%")


if __name__ == "__main__":
    main()
