"""The long soundness campaigns of the SMT kernel, cvc5 as the oracle (evidence/smt/soundness.py).

    python bench/bench_soundness.py                       # 10,000 mutants over the samples + 12 problems a theory
    python bench/bench_soundness.py --mutants 50000 --per-theory 30 --reader 20000 --seed 7

Prints, per campaign, what was tried and what came of it; exits 1 if any false accept, any value read
differently from cvc5, or any disagreement between the two LRAT kernels was found (each is printed).
"""
import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evidence.smt import soundness  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=10_000)
    parser.add_argument("--per-theory", type=int, default=12, help="random problems of each theory, beside the samples")
    parser.add_argument("--reader", type=int, default=10_000, help="reader differential cases")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    failures = []

    start = time.perf_counter()
    tally = soundness.reader_differential(args.seed, args.reader)
    print(f"reader differential: {tally.cases} scripts in {time.perf_counter() - start:.1f} s")
    for outcome, n in sorted(tally.counts.items()):
        print(f"  {outcome:32} {n:7}")
    failures += tally.failures

    with tempfile.TemporaryDirectory(prefix="proofgate-soundness-") as scratch:
        scratch = Path(scratch)
        start, pool, kinds, answers = time.perf_counter(), [], Counter(), Counter()
        for name, data in soundness.problems(ROOT, args.per_theory, args.seed):
            problem, cert = scratch / f"{name}.smt2", scratch / f"{name}.cert"
            problem.write_bytes(data)
            ours, theirs = soundness.certify(problem, cert), soundness.cvc5_run(data)[0]
            verdicts = soundness.kernel_verdicts(problem, cert) if ours else []
            kind = next((t for t in soundness.GENERATORS if name.startswith(f"{t}-{args.seed}-")), "sample")
            if ours is None:
                answers["no answer from the producer"] += 1
                continue
            if ours != theirs or {v[0] for v in verdicts} != {"VERIFIED"}:
                failures.append(("answer", name, ours, theirs, verdicts))
            kinds[kind] += 1
            answers[f"{ours}, cvc5 {theirs}"] += 1
            pool.append((name, data, cert.read_bytes()))
        print(f"answer differential: {sum(kinds.values())} problems ({', '.join(f'{k} {n}' for k, n in kinds.items())}) "
              f"in {time.perf_counter() - start:.1f} s")
        for outcome, n in sorted(answers.items()):
            print(f"  {outcome:32} {n:7}")

        start = time.perf_counter()
        tally = soundness.mutation_campaign(pool, args.mutants, args.seed, scratch)
        print(f"mutation: {tally.cases} mutants of {len(pool)} problems and their certificates "
              f"in {time.perf_counter() - start:.1f} s")
        for outcome, n in sorted(tally.counts.items()):
            print(f"  {outcome:32} {n:7}")
        failures += tally.failures

    false_accepts = sum(1 for f in failures if f[0] == "false accept")
    disagreements = sum(1 for f in failures if f[0] == "disagreement")
    print(f"false accepts: {false_accepts}; kernel disagreements: {disagreements}; other failures: "
          f"{len(failures) - false_accepts - disagreements}")
    for f in failures[:20]:
        print("FAILURE", *(repr(x)[:300] for x in f))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
