"""Issue 16: how much of the LRAT kernels' work budget real-shaped proofs use.

    python bench/bench_lrat_work.py [--quick] [--json]

Both kernels charge each use of a hint or RAT candidate its clause's length (the literals looked at)
against WORK (checker/lrat.py) a number read, formula and proof, plus ALLOWANCE once, and refuse a
proof past that.  This runs the Python kernel, metered (the C kernel charges the same), on the
samples, on CaDiCaL LRAT proofs of the bench families, on the DRAT engine's LRAT of other solvers'
DRAT proofs, and on the adversarial families (bench/adversarial.py), and prints per proof:

    work/number   literals looked at per number read, over the whole check
    peak          the largest work/number at any charge (the budget is checked at every charge)
    need          the allowance WORK would need on this proof (the most work ran ahead of WORK a number)
    work/byte     literals looked at per byte of formula and proof (uncompressed)

Generated proofs are cached in bench/.cache/work/.  Untrusted tooling: figures only, no assertion.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "bench" / ".cache" / "work"

from checker import lrat  # noqa: E402


class Meter(lrat.Checker):
    """The Python kernel, counting what it charges instead of refusing."""

    def __init__(self):
        super().__init__()
        self.work = self.worst = self.need = 0

    def charge(self, step, clause):
        self.work += len(clause)
        numbers = (self.budget - lrat.ALLOWANCE) // lrat.WORK  # never debited here: the credit alone
        self.worst = max(self.worst, self.work / max(numbers, 1))
        self.need = max(self.need, self.work - lrat.WORK * numbers)


def measure(formula: Path, proof: Path) -> dict:
    meters = []

    def make():
        meters.append(Meter())
        return meters[-1]

    saved, lrat.Checker = lrat.Checker, make
    try:
        with open(formula, "rb") as f, open(proof, "rb") as p:
            stop = lrat.check(f, p)[0]
    finally:
        lrat.Checker = saved
    m = meters[0]
    numbers = (m.budget - lrat.ALLOWANCE) // lrat.WORK
    size = formula.stat().st_size + proof.stat().st_size
    return {"answer": stop.code if stop else "ok", "bytes": size, "numbers": numbers, "work": m.work,
            "work/number": m.work / max(numbers, 1), "peak": m.worst, "need": m.need, "work/byte": m.work / size}


def cnf_instances(quick: bool):
    from bench import families as fam

    rows = [("php-7", lambda: fam.pigeonhole(7)), ("parity-40", lambda: fam.parity(40, seed=1)),
            ("rnd3-150", lambda: fam.random_ksat(150, 639, k=3, seed=2)),
            ("chessboard-8", lambda: fam.mutilated_chessboard(8)), ("mult-commute-5", lambda: fam.multiplier_miter(5)),
            ("counter-8-120", lambda: fam.counter_bmc(8, 120)), ("pipeline-8-10", lambda: fam.pipeline_bmc(8, 10)),
            ("barrel-64", lambda: fam.barrel_shifter_miter(64)),
            ("php-6-padded", lambda: fam.padded(fam.pigeonhole(6), 20_000, 60_000, seed=3))]
    if not quick:
        rows += [("php-8", lambda: fam.pigeonhole(8)), ("parity-80", lambda: fam.parity(80, seed=1)),
                 ("rnd3-200", lambda: fam.random_ksat(200, 852, k=3, seed=2)),
                 ("chessboard-10", lambda: fam.mutilated_chessboard(10)),
                 ("mult-commute-6", lambda: fam.multiplier_miter(6)), ("shift-add-6", lambda: fam.shift_add_multiplier_miter(6)),
                 ("pipeline-12-16", lambda: fam.pipeline_bmc(12, 16)), ("counter-10-400", lambda: fam.counter_bmc(10, 400))]
    return rows


def generated(quick: bool):
    """(name, formula, proof): CaDiCaL LRAT (text and binary), and the DRAT engine's LRAT of
    CaDiCaL's and Glucose's DRAT proofs; cached."""
    from bench.families import write_dimacs
    from evidence.solvers._compat import solve_with_drat, solve_with_lrat
    from evidence.solvers.drat import elaborate

    CACHE.mkdir(parents=True, exist_ok=True)
    for name, make in cnf_instances(quick):
        cnf = CACHE / f"{name}.cnf"
        kinds = {"lrat": lambda n, c, p: solve_with_lrat(n, c, p), "blrat": lambda n, c, p: solve_with_lrat(n, c, p, True),
                 "glucose.drat": lambda n, c, p: solve_with_drat(n, c, p, "glucose4")}
        for kind, solve in kinds.items():
            path = CACHE / f"{name}.{kind}"
            if not path.exists():
                nvars, clauses = make()
                if not cnf.exists():
                    write_dimacs(cnf, nvars, clauses, comment=f"{name}: bench/bench_lrat_work.py")
                if solve(nvars, clauses, path) is not None:
                    raise SystemExit(f"{name} is satisfiable")
            if kind.endswith("drat"):
                elaborated = CACHE / f"{name}.{kind}.lrat"
                if not elaborated.exists():
                    elaborate(str(cnf), str(path), str(elaborated))
                path = elaborated
            yield f"{name} ({kind})", cnf, path


def samples():
    for cnf in sorted((ROOT / "samples" / "lrat").glob("*.cnf")):
        for ext in (".lrat", ".blrat"):
            if cnf.with_suffix(ext).exists():
                yield f"{cnf.stem} (sample {ext[1:]})", cnf, cnf.with_suffix(ext)


def adversarial(folder: Path):
    from bench.adversarial import FAMILIES, REFUSED

    sizes = {**{name: (make, 20000) for name, make in FAMILIES.items()}, **REFUSED}
    for name, (make, size) in sorted(sizes.items()):
        formula, proof = make(size)
        f, p = folder / f"{name}.cnf", folder / f"{name}.lrat"
        f.write_bytes(formula)
        p.write_bytes(proof)
        yield f"{name} (adversarial)", f, p


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the smaller instances only")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, f, p in itertools.chain(samples(), generated(args.quick), adversarial(Path(tmp))):
            start = time.perf_counter()
            rows.append({"proof": name, **measure(f, p), "seconds": round(time.perf_counter() - start, 2)})
            if not args.json:
                r = rows[-1]
                print(f"{r['proof']:34} {r['answer']:7} {r['bytes']:>11,} B {r['numbers']:>10,} nums {r['work']:>12,} work"
                      f"  {r['work/number']:7.2f}/num  peak {r['peak']:7.2f}  need {r['need']:>11,}  {r['work/byte']:6.2f}/B",
                      flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        real = [r for r in rows if "adversarial" not in r["proof"]]
        print(f"WORK {lrat.WORK}, ALLOWANCE {lrat.ALLOWANCE:,}; over the real-shaped proofs: work/number at most "
              f"{max(r['work/number'] for r in real):.2f}, peak {max(r['peak'] for r in real):.2f}, "
              f"need {max(r['need'] for r in real):,}, work/byte {max(r['work/byte'] for r in real):.2f}")


if __name__ == "__main__":
    main()
