"""Every single-token mutation of the sample proofs: both kernels give the same answer, and a
mutant they accept is still a valid proof by independent, full unit propagation.

A proof with up to MAX_MUTANTS mutations gets every one; a larger one a fixed random sample of
MAX_MUTANTS (PROOFGATE_ALL_MUTATIONS=1 runs all of them: slow, for a long run rather than CI;
bench/bench_kernel_differential.py runs the large campaigns).
"""
import os
import random
from pathlib import Path

import pytest

from kernels import oracle_accepts, parse_cnf, parse_text_lrat, raw_both

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples" / "lrat").glob("*.lrat") if p.with_suffix(".cnf").exists())
MAX_MUTANTS = 2000  # every mutation of php-3, php-4 and rat-extension; a sample of the rest


def mutations(tokens):
    """(index, replacement tokens) for each token: off by one either way, negated, zeroed, dropped, doubled."""
    for i, token in enumerate(tokens):
        if token.lstrip(b"-").isdigit():
            value = int(token)
            for other in {value + 1, value - 1, -value, 0 if value else 1} - {value}:
                yield i, [str(other).encode()]
        else:
            yield i, [b"0"]
        yield i, []
        yield i, [token, token]


def test_samples_exist():
    assert len(SAMPLES) >= 3, "samples/lrat/ should hold several CNF + LRAT pairs"


@pytest.mark.slow
@pytest.mark.parametrize("proof", SAMPLES, ids=lambda p: p.name)
def test_single_token_mutations(proof, tmp_path):
    formula = proof.with_suffix(".cnf")
    clauses = parse_cnf(formula.read_text())
    lines = [line.split() for line in proof.read_bytes().split(b"\n")]
    where = [(r, c) for r, line in enumerate(lines) for c in range(len(line))]
    flat = [lines[r][c] for r, c in where]
    todo = list(mutations(flat))
    if len(todo) > MAX_MUTANTS and not os.environ.get("PROOFGATE_ALL_MUTATIONS"):
        todo = random.Random(proof.name).sample(todo, MAX_MUTANTS)
    original = parse_text_lrat(proof.read_bytes())  # the steps without their hints
    assert oracle_accepts(clauses, original)
    mutant, accepted = tmp_path / "mutant.lrat", 0
    for i, replacement in todo:
        r, c = where[i]
        changed = [list(line) for line in lines]
        changed[r][c:c + 1] = replacement
        data = b"\n".join(b" ".join(line) for line in changed)
        mutant.write_bytes(data)
        if raw_both(str(formula), str(mutant))[0] == "ok":
            accepted += 1
            steps = parse_text_lrat(data)  # same clauses and deletions as the original: valid as it is
            assert steps == original or oracle_accepts(clauses, steps), f"accepted an invalid mutant: {i} -> {replacement}"
    assert accepted < len(todo)  # the kernels are not accepting everything
