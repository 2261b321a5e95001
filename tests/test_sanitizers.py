"""The C kernel under AddressSanitizer and UndefinedBehaviorSanitizer (standalone build, csrc/Makefile).

Every input of the rule and malformed-input tests, plus random damage, must run clean and give
the status the Python kernel gives.
"""
import random
import shutil
import subprocess
from pathlib import Path

import pytest

import checker
from cases import (
    EXTENSION_INVALID,
    EXTENSION_PROOF,
    FORMULAS,
    FOUR,
    FOUR_PROOF,
    INVALID,
    PROOFS,
    RAT,
    RAT_INVALID,
    RAT_PROOF,
)
from kernels import to_binary

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sanitized(tmp_path_factory):
    if not shutil.which("gcc") or not shutil.which("make"):
        pytest.fail("gcc and make are needed to build the sanitizer binary")
    out = tmp_path_factory.mktemp("san")
    subprocess.run(["make", "-s", "-C", str(ROOT / "csrc"), f"BUILD={out}", f"{out}/lratcheck-san"],
                   check=True, capture_output=True)
    return out / "lratcheck-san"


def cases():
    yield from ((FOUR.encode(), p.encode()) for p in [FOUR_PROOF, EXTENSION_PROOF] + [c[0] for c in INVALID + EXTENSION_INVALID])
    yield from ((RAT.encode(), p.encode()) for p in [RAT_PROOF] + [c[0] for c in RAT_INVALID])
    yield from ((f, FOUR_PROOF.encode()) for f, *_ in (getattr(c, "values", c) for c in FORMULAS))  # pytest.param
    yield from ((FOUR.encode(), p) for p, *_ in (getattr(c, "values", c) for c in PROOFS))
    rng = random.Random(11)
    for base in (FOUR_PROOF.encode(), to_binary(FOUR_PROOF), to_binary(EXTENSION_PROOF)):
        for _ in range(100):
            data = bytearray(base)
            for _ in range(rng.randrange(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            yield FOUR.encode(), bytes(data)


def python_status(formula, proof):
    try:
        return 0 if checker.check_lrat(str(formula), str(proof), kernel="python").verified else 1
    except checker.InputError:
        return 2


@pytest.mark.slow
def test_kernel_is_clean_under_sanitizers(sanitized, tmp_path):
    f, p = tmp_path / "f.cnf", tmp_path / "p.lrat"
    for formula, proof in cases():
        f.write_bytes(formula)
        p.write_bytes(proof)
        run = subprocess.run([str(sanitized), str(f), str(p)], capture_output=True, text=True,
                             env={"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0", "UBSAN_OPTIONS": "print_stacktrace=1"})
        assert "Sanitizer" not in run.stderr and "runtime error" not in run.stderr, (proof, run.stderr)
        assert run.returncode == python_status(f, p), (formula, proof, run.stdout)
