"""The cvc5 importer against cvc5's own proofs: times and sizes per problem.

    python bench/bench_smt_cvc5.py [PROBLEM.smt2 ...] [--python]

Without arguments: samples/smt/*.smt2 (if present), the small problems of tests/test_smt_cvc5.py and
larger generated ones (LRA chains, pigeonhole-like LIA, EUF cycles, glob memberships).  Per problem:
cvc5's solve time (sat-proof mode), our import time (lemmas re-justified, CaDiCaL, writing), the C
kernel's check time (and the Python kernel's with --python), our certificate's size, and the size of
cvc5's full proof of the same problem printed in its CPC and Alethe formats.

cvc5's proofs are printed with its defaults (`proof-mode=full`, term sharing on: `dag-thresh` at its
default, so shared subterms are printed once as `let`/`define`): its most compact output, hence the
stricter comparison for our size target.  The issue's targets: certificate <= 1/10 of cvc5's proof,
kernel check <= 10% of the producer's time (cvc5 + import).  Figures only: nothing here asserts.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def lra_chain(n):
    """x0 < x1 < ... < x{n-1}, and the chain closed back (x{n-1} < x0 or x{n-1} = x0 - 1)."""
    decls = "".join(f"(declare-const x{i} Real)" for i in range(n))
    chain = "".join(f"(assert (< x{i} x{i + 1}))" for i in range(n - 1))
    return f"(set-logic QF_LRA){decls}{chain}(assert (or (< x{n - 1} x0) (<= (+ x{n - 1} 1) x0)))"


def lia_pigeons(n):
    """n integers in [1, n-1], pairwise distinct."""
    xs = [f"p{i}" for i in range(n)]
    decls = "".join(f"(declare-const {x} Int)" for x in xs)
    ranges = "".join(f"(assert (and (<= 1 {x}) (<= {x} {n - 1})))" for x in xs)
    return f"(set-logic QF_LIA){decls}{ranges}(assert (distinct {' '.join(xs)}))"


def euf_cycle(n):
    """f^n(a) = a and f^(n+1)(a) = a, yet f(a) != a (gcd(n, n+1) = 1)."""
    def power(k):
        return "a" if k == 0 else f"(f {power(k - 1)})"
    return (f"(set-logic QF_UF)(declare-sort U 0)(declare-fun f (U) U)(declare-const a U)"
            f"(assert (= {power(n)} a))(assert (= {power(n + 1)} a))(assert (not (= (f a) a)))")


def glob_buckets(n):
    """r is in one of n bucket globs, each inside arn:aws:s3:::*, but r is outside arn:aws:s3:::*."""
    any_ = "(re.* re.allchar)"
    globs = [f'(str.in_re r (re.++ (str.to_re "arn:aws:s3:::bucket-{i}/") {any_}))' for i in range(n)]
    return (f"(set-logic QF_S)(declare-const r String)(assert (or {' '.join(globs)}))"
            f'(assert (not (str.in_re r (re.++ (str.to_re "arn:aws:s3:::") {any_}))))')


def problems(tmp):
    from tests.cases import SMT_SAT, SMT_UNSAT
    found = sorted((ROOT / "samples" / "smt").glob("*.smt2")) if (ROOT / "samples" / "smt").is_dir() else []
    generated = dict(SMT_UNSAT, **SMT_SAT)
    for n in (10, 40, 120):
        generated[f"lra-chain-{n}"] = lra_chain(n)
    for n in (4, 5, 6):
        generated[f"lia-pigeons-{n}"] = lia_pigeons(n)
    for n in (8, 20):
        generated[f"euf-cycle-{n}"] = euf_cycle(n)
    for n in (5, 30):
        generated[f"glob-buckets-{n}"] = glob_buckets(n)
    for name, text in generated.items():
        path = Path(tmp) / f"{name}.smt2"
        path.write_text(text + "\n(check-sat)\n")
        found.append(path)
    return found


def cvc5_proof_size(path, fmt):
    """Bytes of cvc5's full proof in `fmt` (cpc or alethe), default proof mode and term sharing."""
    import cvc5
    solver = cvc5.Solver()
    for name, value in (("produce-proofs", "true"), ("proof-format-mode", fmt)):
        solver.setOption(name, value)
    parser = cvc5.InputParser(solver)
    parser.setFileInput(cvc5.InputLanguage.SMT_LIB_2_6, str(path))
    symbols = parser.getSymbolManager()
    while not (command := parser.nextCommand()).isNull():
        if command.getCommandName() != "check-sat":
            command.invoke(solver, symbols)
    if not solver.checkSat().isUnsat():
        return None
    return sum(len(solver.proofToString(p)) for p in solver.getProof())


def main():
    import checker
    from evidence.smt import cvc5_import

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("problems", nargs="*")
    parser.add_argument("--python", action="store_true", help="also time the Python kernel")
    args = parser.parse_args()
    head = (f"{'problem':<18} {'ans':<5} {'cvc5 s':>8} {'import s':>9} {'check s':>8} {'chk/prod':>8}"
            f"{' py s':>8} {'cert B':>9} {'cpc B':>9} {'alethe B':>9} {'cert/min':>8}  notes")
    print(head)
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(p) for p in args.problems] or problems(tmp)
        for path in paths:
            cert = Path(tmp) / (path.stem + ".cert")
            try:
                result = cvc5_import.run(path, cert)
            except cvc5_import.ImportFailed as error:
                print(f"{path.stem:<18} {'-':<5} no certificate: {error}"[:200])
                continue
            s = result.seconds
            producer = s["cvc5"] + s["import"]
            py = ""
            if args.python:
                start = time.perf_counter()
                checker.check_smt(path, cert, kernel="python")
                py = f"{time.perf_counter() - start:8.4f}"
            size = os.path.getsize(cert)
            cpc, alethe = (cvc5_proof_size(path, f) for f in ("cpc", "alethe")) if result.answer == "unsat" \
                else (None, None)
            ratio = f"{size / min(cpc, alethe):8.3f}" if cpc and alethe else f"{'':>8}"
            notes = [f"{result.imported} cvc5 lemmas, {result.lemmas} written"] if result.answer == "unsat" else []
            if result.dropped:
                notes.append(f"{len(result.dropped)} dropped")
            print(f"{path.stem:<18} {result.answer:<5} {s['cvc5']:8.4f} {s['import']:9.4f} {s['check']:8.4f}"
                  f" {s['check'] / producer:8.3f}{py:>8} {size:9d} {cpc or '-':>9} {alethe or '-':>9} {ratio}"
                  f"  {'; '.join(notes)}")


if __name__ == "__main__":
    main()
