"""Issue 16: both LRAT kernels stay linear in memory on adversarial but well-formed inputs (ids and
variables up to 2^31-1, a header declaring 2^31-1 variables, long hint chains, RAT fan-out, churn,
many deletions), and give the same answer, field for field, on them and on deterministic mutants.

Memory is the peak resident set of a fresh process (VmHWM, Linux), which includes the interpreter;
no test asserts a time.  Before the C kernel's hash tables, huge-ids took 6.2 GB and
sparse-variables ran out of memory at 12 GB whatever their size.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import test_sanitizers

from bench.adversarial import BIG, FAMILIES, REFUSED, long_hint, mutants
from kernels import both, raw_both, to_binary

ROOT = Path(__file__).resolve().parent.parent
SIZE = 20000
sanitized = test_sanitizers.sanitized  # the fixture building the ASan + UBSan binary

CHILD = r"""
import re, sys
from checker import ckernel, lrat
kernel, formula, proof = sys.argv[1:]
with open(formula, "rb") as f, open(proof, "rb") as p:
    stop = (ckernel.check_fds(f.fileno(), p.fileno()) if kernel == "c" else lrat.check(f, p))[0]
peak = int(re.search(r"VmHWM:\s*(\d+)", open("/proc/self/status").read()).group(1))
print(stop.code if stop else "ok", peak // 1024)
"""


def write(tmp_path, formula, proof):
    f, p = tmp_path / "f.cnf", tmp_path / "p.lrat"
    f.write_bytes(formula)
    p.write_bytes(proof)
    return str(f), str(p)


def peak(kernel, formula, proof):
    """(answer code, peak MB) of a fresh process checking the pair."""
    run = subprocess.run([sys.executable, "-c", CHILD, kernel, formula, proof], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True)
    code, mb = run.stdout.split()
    return code, int(mb)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_verifies_alike_in_both_kernels(family, tmp_path):
    answer = raw_both(*write(tmp_path, *FAMILIES[family](SIZE)))
    assert answer[0] == "ok", answer


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")
@pytest.mark.parametrize("family", ["huge-header", "huge-ids", "sparse-variables", "churn", "deletions"])
@pytest.mark.parametrize("kernel, limit", [("c", 50), ("python", 120)])
def test_memory_follows_what_is_live_not_the_numbers(family, kernel, limit, tmp_path):
    code, mb = peak(kernel, *write(tmp_path, *FAMILIES[family](SIZE)))
    assert code == "ok"
    assert mb < limit, f"{kernel} kernel peaked at {mb} MB on {family} ({SIZE})"


def test_a_single_huge_id_verifies_in_both(tmp_path):  # was: C "out of memory" (exit 2), Python verified
    formula = b"p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n"
    proof = b"1000000000 2 0 1 2 0\n2147483647 0 1000000000 3 4 0\n"
    assert raw_both(*write(tmp_path, formula, proof))[0] == "ok"


def test_deleting_and_hinting_sparse_ids_is_checked(tmp_path):
    formula = b"p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n"
    base = b"1000000000 2 0 1 2 0\n"
    cases = {b"1000000000 d 1000000000 0\n2147483647 0 1000000000 3 4 0\n": "hint-dead",
             b"1000000000 d 999999999 0\n": "delete-dead",
             b"2147483647 0 1000000001 3 4 0\n": "hint-dead",
             b"2147483647 0 1000000000 3 4 0\n": "ok"}
    for tail, code in cases.items():
        assert raw_both(*write(tmp_path, formula, base + tail))[0] == code, tail


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_mutants_get_the_same_answer_from_both_kernels(family, tmp_path):
    """A differential campaign, deterministic: 150 damaged proofs per family (numbers off by one,
    negated, 2^31-1, dropped, doubled), compared field for field (code, position, step, details,
    counts).  A mismatch names the mutant."""
    formula, proof = FAMILIES[family](30)
    codes = {}
    for f, p in mutants(formula, proof, 150, seed=sum(map(ord, family))):
        code = raw_both(*write(tmp_path, f, p))[0]
        codes[code] = codes.get(code, 0) + 1
    assert len(codes) > 1, codes  # the mutants are not all alike


def test_bench_prints_both_kernels(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_kernel_scaling.py"), "--family", "huge-ids",
                          "--sizes", "100", "1000"], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    rows = [line.split() for line in run.stdout.splitlines()[1:]]
    assert [(r[1], r[3], r[4]) for r in rows] == [("100", "c", "ok"), ("100", "python", "ok"),
                                                  ("1000", "c", "ok"), ("1000", "python", "ok")]
    assert all(float(r[6]) > 0 for r in rows)  # a peak was measured


@pytest.mark.slow
def test_adversarial_inputs_are_clean_under_sanitizers(sanitized, tmp_path):
    """The families and their mutants through the standalone ASan + UBSan build (csrc/Makefile)."""
    runs = 0
    for family, make in sorted({**FAMILIES, **{name: make for name, (make, _) in REFUSED.items()}}.items()):
        pairs = [make(REFUSED[family][1] if family in REFUSED else 2000)] + list(mutants(*make(30), 40, seed=7))
        for formula, proof in pairs:
            f, p = write(tmp_path, formula, proof)
            run = subprocess.run([str(sanitized), f, p], capture_output=True, text=True,
                                 env={"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0"})
            assert "Sanitizer" not in run.stderr and "runtime error" not in run.stderr, (family, proof, run.stderr)
            assert run.returncode == test_sanitizers.python_status(f, p), (family, proof, run.stdout)
            runs += 1
    assert runs == (len(FAMILIES) + len(REFUSED)) * 41


def test_the_twins_share_one_table_of_limits_and_codes():
    """The C kernel's number limit and outcome codes are the Python kernel's (checker/syntax.py MAXNUM,
    checker/verdict.py CODES, in the order of csrc/kernel/kernel.h's enum), so a number or an outcome
    cannot mean one thing to one twin and another to the other."""
    from checker import ckernel, lrat, syntax, verdict

    source = (ROOT / "csrc" / "kernel" / "input.c").read_text()
    assert int(re.search(r"#define MAXNUM (\d+)", source).group(1)) == syntax.MAXNUM == BIG
    internal = (ROOT / "csrc" / "kernel" / "internal.h").read_text()
    assert int(re.search(r"#define WORK (\d+)", internal).group(1)) == lrat.WORK
    assert int(re.search(r"#define ALLOWANCE (\d+)", internal).group(1)) == lrat.ALLOWANCE
    header = (ROOT / "csrc" / "kernel" / "kernel.h").read_text()
    enum = re.findall(r"\bPG_([A-Z_]+)\b", header[header.index("enum pg_code"):header.index("};", header.index("enum pg_code"))])
    lrat_codes = [name for name in verdict.CODES if not name.startswith(("model", "smt"))]
    assert enum == [name.upper().replace("-", "_") for name in lrat_codes]
    assert [getattr(ckernel.lib, "PG_" + name) for name in enum] == list(range(len(enum)))


@pytest.mark.parametrize("returns", [None, "", False, 0, True])
def test_a_rat_rule_that_returns_anything_but_its_acceptance_rejects(monkeypatch, returns, tmp_path):
    """Reject by default: the Python kernel adds a RAT clause only when rat() returns lrat.RESOLVED."""
    from checker import lrat

    f, p = write(tmp_path, *FAMILIES["rat-fanout"](5))
    assert raw_both(f, p)[0] == "ok"
    monkeypatch.setattr(lrat.Checker, "rat", lambda self, *args: returns)
    with open(f, "rb") as formula, open(p, "rb") as proof:
        stop = lrat.check(formula, proof)[0]
    assert stop is not None and stop.code == "no-conflict"


# ---- issue 16: the work budget ------------------------------------------------------------------

def test_a_long_clause_hinted_in_many_tiny_steps_is_refused_by_both_alike(tmp_path):
    """One 2,000-literal clause hinted in each of 50,000 steps of 3 numbers: 10^8 literals looked at
    for 150,000 numbers.  Both kernels (and C through a pipe) refuse it at the same step, as bad input
    (exit 2) naming the budget, long before the end; text and binary alike."""
    formula, proof = long_hint(50000)
    f, p = write(tmp_path, formula, proof)
    answer = both(f, p)
    assert answer[:4] == ("malformed", "budget", p, 625), answer
    assert answer[-1].endswith("line 625: unsupported: hints looking at over 64 literals a number of formula "
                               "and proof, at step 627"), answer
    (tmp_path / "p.lrat").write_bytes(to_binary(proof.decode()))
    binary = both(f, p)
    assert binary[:2] == ("malformed", "budget") and binary[4] > 0 and "at step 627" in binary[-1], binary


def test_the_refused_families_verify_when_small_and_are_refused_when_not(tmp_path):
    for name, (make, size) in sorted(REFUSED.items()):
        assert raw_both(*write(tmp_path, *make(size // 10)))[0] == "ok", name
        answer = raw_both(*write(tmp_path, *make(size)))
        assert answer[0] == "budget" and answer[4] > 0, (name, answer)  # at a step, the same in both


def test_the_budget_refusal_exits_2_like_other_bad_input(tmp_path):
    from click.testing import CliRunner

    from evidence.cli import cli

    f, p = write(tmp_path, *long_hint(2000))
    for kernel in ("c", "python"):
        result = CliRunner().invoke(cli, ["check", "--kernel", kernel, f, p])
        assert result.exit_code == 2, result.output
        assert "unsupported: hints looking at over 64 literals" in result.output, result.output


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")
@pytest.mark.parametrize("kernel, limit", [("c", 50), ("python", 120)])
def test_a_refused_proof_is_refused_in_bounded_memory(kernel, limit, tmp_path):
    code, mb = peak(kernel, *write(tmp_path, *long_hint(200000)))  # 200,000 steps, 2.6 MB of proof
    assert code == "budget"
    assert mb < limit, f"{kernel} kernel peaked at {mb} MB refusing long-hint"


def test_real_proofs_use_a_small_part_of_the_budget():
    """The samples (CaDiCaL, text and binary, RAT with extension) look at under 2 literals a number
    (bench/bench_lrat_work.py measures at most about 3 on the bench families): WORK leaves 20 times that."""
    from bench.bench_lrat_work import measure, samples
    from checker import lrat

    for name, f, p in samples():
        found = measure(f, p)
        assert found["answer"] == "ok" and found["peak"] < lrat.WORK / 20, (name, found)
        assert raw_both(str(f), str(p))[0] == "ok", name
