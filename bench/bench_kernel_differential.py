"""A differential campaign between the two LRAT kernels (issue 16): deterministic mutants of the sample
proofs and of the adversarial families (bench/adversarial.py), in text and in binary LRAT, through
both kernels, compared field for field (code, file, line, offset, step, details, counts, format).
Prints how many mutants gave each answer and every disagreement (exit 1 if any).

    python bench/bench_kernel_differential.py               # 400 mutants per proof and format
    python bench/bench_kernel_differential.py --per-proof 2000
"""
from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bench.adversarial import FAMILIES, REFUSED, mutants  # noqa: E402
from kernels import raw_both, to_binary  # noqa: E402


def damaged_bytes(data: bytes, count: int, seed: int):
    """Binary LRAT with one byte replaced by a value that matters to the format."""
    rng = random.Random(seed)
    for _ in range(count):
        out = bytearray(data)
        out[rng.randrange(len(out))] = rng.choice([0, 1, 0x7F, 0x80, 0xFF, ord("a"), ord("d")])
        yield bytes(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-proof", type=int, default=400)
    args = parser.parse_args()
    pairs = [(q.stem, q.with_suffix(".cnf").read_bytes(), q.read_bytes())
             for q in sorted((ROOT / "samples" / "lrat").glob("*.lrat")) if q.with_suffix(".cnf").exists()]
    pairs += [(name, *make(40)) for name, make in FAMILIES.items()]
    pairs += [(name, *make(size)) for name, (make, size) in REFUSED.items()]  # refused: mutants near the edge
    answers: collections.Counter = collections.Counter()
    disagreements = []
    with tempfile.TemporaryDirectory() as tmp:
        f, p = Path(tmp) / "f.cnf", Path(tmp) / "p.lrat"
        for seed, (name, formula, proof) in enumerate(pairs):
            f.write_bytes(formula)
            text = [m for _, m in mutants(formula, proof.replace(b"\n", b" \n"), args.per_proof, seed)]
            binary = list(damaged_bytes(to_binary(proof.decode()), args.per_proof, seed))
            for mutant in text + binary:
                p.write_bytes(mutant)
                try:
                    answers[raw_both(str(f), str(p))[0]] += 1
                except AssertionError as error:
                    disagreements.append((name, mutant[:200], str(error)[:400]))
    print(f"{sum(answers.values())} mutants of {len(pairs)} proofs, {len(disagreements)} disagreements")
    for code, n in answers.most_common():
        print(f"  {code:16} {n}")
    for name, mutant, error in disagreements:
        print(f"DISAGREE {name}: {mutant!r}\n  {error}")
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
