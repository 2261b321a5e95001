"""DRAT proofs: the untrusted engine elaborates them to LRAT that both kernels accept; broken proofs
are rejected, never accepted; malformed files are bad input with a position."""
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pysat.solvers import Solver

from bench import families
from evidence.cli import cli
from evidence.solvers import _compat, drat
from kernels import both

ROOT = Path(__file__).resolve().parent.parent
SOLVERS = ["cadical195", "glucose4", "lingeling", "maplechrono"]
FAMILIES = {
    "php-5": families.pigeonhole(5),
    "random-50": families.random_ksat(50, 300, seed=4),
    "parity-12": families.parity(12, 2),
    "chessboard-4": families.mutilated_chessboard(4),
}


def make(tmp_path, family, solver, binary=False):
    nv, clauses = FAMILIES[family]
    cnf, proof = tmp_path / f"{family}.cnf", tmp_path / f"{family}-{solver}.{'bdrat' if binary else 'drat'}"
    families.write_dimacs(cnf, nv, clauses)
    assert _compat.solve_with_drat(nv, clauses, proof, solver=solver, binary=binary) is None
    return cnf, proof


def elaborate_and_check(cnf, proof, tmp_path, **options):
    lrat = tmp_path / "out.lrat"
    done = drat.elaborate(str(cnf), str(proof), str(lrat), **options)
    if done.status != "elaborated":
        return done, None
    return done, both(str(cnf), str(lrat))


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("threads", [1, 2])
def test_solver_proofs_elaborate_to_lrat_both_kernels_accept(tmp_path, family, solver, threads):
    """threads=2 makes a second thread take the proof's first lemmas (split.c) whatever the size."""
    cnf, proof = make(tmp_path, family, solver)
    done, answer = elaborate_and_check(cnf, proof, tmp_path, threads=threads)
    assert done.status == "elaborated", done
    assert answer[:2] == ("VERIFIED", "ok")
    assert done.counts["core_lemmas"] <= done.counts["lemmas"] and done.proof_sha256
    assert threads == 2 or done.counts["split_items"] == 0


@pytest.mark.parametrize("family", ["php-5", "random-50", "parity-12"])
def test_a_second_thread_takes_the_first_items_and_the_lrat_needs_fewer_or_equal_steps(tmp_path, family):
    """With the split fixed (threads=3: the second thread owns exactly the first part, so the scheduler
    decides nothing), the second thread takes items, the same ones on every run, and writes the same
    LRAT; the kernels accept it and the one-thread LRAT, and both name the same proof."""
    cnf, proof = make(tmp_path, family, "cadical195")
    one, answer_one = elaborate_and_check(cnf, proof, tmp_path, threads=1)
    two, answer_two = elaborate_and_check(cnf, proof, tmp_path, threads=3)
    first = (tmp_path / "out.lrat").read_bytes()
    again, _ = elaborate_and_check(cnf, proof, tmp_path, threads=3)
    assert one.counts["split_items"] == 0 < two.counts["split_items"] <= two.counts["lemmas"] + two.counts["deletions"]
    assert again.counts == two.counts and (tmp_path / "out.lrat").read_bytes() == first
    assert answer_one[:2] == answer_two[:2] == ("VERIFIED", "ok") and one.proof_sha256 == two.proof_sha256


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("binary_lrat", [False, True])
def test_binary_drat_and_binary_lrat(tmp_path, family, binary_lrat):
    cnf, proof = make(tmp_path, family, "cadical195", binary=True)
    done, answer = elaborate_and_check(cnf, proof, tmp_path, binary_lrat=binary_lrat)
    assert done.status == "elaborated" and answer[:2] == ("VERIFIED", "ok")
    assert answer[-1] == ("binary" if binary_lrat else "text")


def lines_of(proof):
    return [line for line in proof.read_text().splitlines() if line.strip()]


def mutants(lines, mutate, limit, seed):
    indexes = list(range(len(lines)))
    random.Random(seed).shuffle(indexes)
    for i in indexes[:limit]:
        changed = mutate(lines[i])
        if changed is not None:
            yield lines[:i] + changed + lines[i + 1:]


def drop(line):
    return []


def flip(line):
    tokens = line.split()
    numbers = [k for k, t in enumerate(tokens) if t not in ("d", "0")]
    if tokens[0] == "d" or not numbers:
        return None
    k = numbers[len(numbers) // 2]
    tokens[k] = str(-int(tokens[k]))
    return [" ".join(tokens)]


@pytest.mark.parametrize("mutate", [drop, flip], ids=["dropped-lemma", "flipped-literal"])
def test_corrupted_proofs_are_rejected_never_falsely_accepted(tmp_path, mutate):
    """Both ways (one thread, two): the same answer, and a rejection names the same line."""
    nv, clauses = FAMILIES["php-5"]
    cnf, proof = make(tmp_path, "php-5", "cadical195")
    trimmed = tmp_path / "trimmed.drat"  # every lemma of a trimmed proof is used
    assert drat.elaborate(str(cnf), str(proof), trimmed=str(trimmed)).status == "elaborated"
    rejected = 0
    for lines in mutants(lines_of(trimmed), mutate, 40, seed=1):
        broken = tmp_path / "broken.drat"
        broken.write_text("\n".join(lines) + "\n")
        answers = []
        for threads in (1, 2):
            done, answer = elaborate_and_check(cnf, broken, tmp_path, threads=threads)
            if done.status == "elaborated":
                assert answer[:2] == ("VERIFIED", "ok")  # then the kernel agrees the change was harmless
            else:
                assert done.status == "rejected" and done.code in ("lemma", "no-conflict")
                assert done.code == "no-conflict" or done.line
            answers.append((done.status, done.code, done.line))
        assert answers[0] == answers[1]
        rejected += answers[0][0] == "rejected"
    assert rejected > 0


def test_deleting_a_clause_still_needed_is_rejected(tmp_path):
    cnf, proof = make(tmp_path, "php-5", "cadical195")
    nv, clauses = FAMILIES["php-5"]
    rejected = 0
    for clause in clauses:
        broken = tmp_path / "broken.drat"
        broken.write_text("d " + " ".join(map(str, clause)) + " 0\n" + proof.read_text())
        done, answer = elaborate_and_check(cnf, broken, tmp_path)
        if done.status == "elaborated":
            assert answer[:2] == ("VERIFIED", "ok")
        else:
            rejected += done.status == "rejected"
    assert rejected > 0


def test_a_proof_that_refutes_nothing(tmp_path):
    cnf = tmp_path / "f.cnf"
    families.write_dimacs(cnf, *FAMILIES["php-5"])
    (tmp_path / "p.drat").write_text("1 2 0\n")
    done = drat.elaborate(str(cnf), str(tmp_path / "p.drat"))
    assert (done.status, done.code) == ("rejected", "no-conflict")


def test_a_lemma_that_does_not_follow_names_its_line(tmp_path):
    cnf = tmp_path / "f.cnf"
    cnf.write_text("p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n")
    (tmp_path / "p.drat").write_text("c a comment\n2 0\n1 0\n0\n")
    assert drat.elaborate(str(cnf), str(tmp_path / "p.drat")).status == "elaborated"
    (tmp_path / "q.drat").write_text("1 2 0\nd 1 2 0\nd -1 2 0\n2 0\n0\n")
    done = drat.elaborate(str(cnf), str(tmp_path / "q.drat"))
    assert (done.status, done.code, done.line) == ("rejected", "lemma", 4)


# (1) is the reason for 1; deleting it leaves 2 without a derivation.
UNIT_DELETION = ("p cnf 4 5\n1 0\n-1 2 3 0\n-1 2 -3 0\n-2 4 0\n-2 -4 0\n", "d 1 0\n2 0\n0\n")


@pytest.mark.parametrize("threads", [1, 2])
def test_unit_deletions_ignored_by_default_honoured_when_strict(tmp_path, threads):
    cnf, proof = tmp_path / "f.cnf", tmp_path / "p.drat"
    cnf.write_text(UNIT_DELETION[0])
    proof.write_text(UNIT_DELETION[1])
    done, answer = elaborate_and_check(cnf, proof, tmp_path, threads=threads)
    assert done.status == "elaborated" and done.counts["ignored_deletions"] == 1 and answer[0] == "VERIFIED"
    done = drat.elaborate(str(cnf), str(proof), strict_deletions=True, threads=threads)
    assert (done.status, done.code, done.line) == ("rejected", "lemma", 2)


def test_strict_deletions_the_same_both_ways_on_a_solver_proof(tmp_path):
    """Deleted reasons: the second thread retracts them as the forward pass does (rebuilding its top level)."""
    cnf, proof = make(tmp_path, "random-50", "lingeling")
    answers = [drat.elaborate(str(cnf), str(proof), str(tmp_path / f"{t}.lrat"), strict_deletions=True, threads=t)
               for t in (1, 2)]
    assert [(a.status, a.code, a.line) for a in answers][0] == [(a.status, a.code, a.line) for a in answers][1]
    for t, a in zip((1, 2), answers):
        if a.status == "elaborated":
            assert both(str(cnf), str(tmp_path / f"{t}.lrat"))[0] == "VERIFIED"


@pytest.mark.parametrize("data, code, line, offset", [
    (b"1 2 x 0\n", "syntax", 1, None),
    (b"1 2 0\n3 4", "eof", 2, None),
    (b"1 99999999999 0\n", "range", 1, None),
    (b"d1 2 0\n", "syntax", 1, None),
    (b"a\x02\x04", "eof", None, 3),
    (b"a\x02\x80\x80\x80\x80\x80\x00", "range", None, 2),
    (b"a\x02\x00x\x02\x00", "syntax", None, 3),
])
def test_malformed_drat_is_bad_input_with_a_position(tmp_path, data, code, line, offset):
    cnf, proof = tmp_path / "f.cnf", tmp_path / "p.drat"
    cnf.write_text("p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n")
    proof.write_bytes(data)
    done = drat.elaborate(str(cnf), str(proof))
    assert (done.status, done.code, done.line, done.offset, done.path) == ("malformed", code, line, offset, str(proof))
    result = CliRunner().invoke(cli, ["check", str(cnf), str(proof)])
    assert result.exit_code == 2 and ("line" if line else "byte offset") in result.output


def test_malformed_formula_is_bad_input(tmp_path):
    cnf, proof = tmp_path / "f.cnf", tmp_path / "p.drat"
    cnf.write_text("p cnf 1 1\n1 2 0\n")
    proof.write_text("0\n")
    done = drat.elaborate(str(cnf), str(proof))
    assert (done.status, done.code, done.line, done.path) == ("malformed", "literal", 2, str(cnf))


def test_limits_stop_with_a_clear_message(tmp_path):
    nv, clauses = families.pigeonhole(7)
    cnf, proof = tmp_path / "f.cnf", tmp_path / "p.drat"
    families.write_dimacs(cnf, nv, clauses)
    _compat.solve_with_drat(nv, clauses, proof, solver="lingeling")
    assert drat.elaborate(str(cnf), str(proof), timeout=1e-6).code == "timeout"
    assert drat.elaborate(str(cnf), str(proof), max_memory=1 << 16).code == "memory"
    result = CliRunner().invoke(cli, ["check", str(cnf), str(proof), "--max-memory", "1"])
    assert result.exit_code == 4 and "memory limit" in result.output


@pytest.mark.parametrize("family, threads", [("chessboard-4", "auto"), ("php-5", "2")])
def test_command_names_both_stages_and_writes_outputs(tmp_path, family, threads):
    """With --threads 2 (the split fixed, so that the second thread surely takes work) the core and
    trimmed proof include what the second thread found needed."""
    cnf, proof = make(tmp_path, family, "glucose4")
    lrat, core, trimmed = tmp_path / "o.lrat", tmp_path / "core.cnf", tmp_path / "t.drat"
    fixed = ["--fixed-split"] if threads == "2" else []
    result = CliRunner().invoke(cli, ["check", str(cnf), str(proof), "--lrat", str(lrat), "--core", str(core),
                                      "--trimmed", str(trimmed), "--threads", threads, *fixed])
    assert result.exit_code == 0, result.output
    assert "stage 1, DRAT engine (untrusted)" in result.output and "stage 2, kernel (trusted)" in result.output
    assert ("a second thread took the first" in result.output) == (threads == "2")
    assert result.output.rstrip().endswith("s VERIFIED")
    assert both(str(cnf), str(lrat))[0] == "VERIFIED"
    core_clauses = families.read_dimacs_simple(core)[1]
    assert set(map(frozenset, core_clauses)) <= set(map(frozenset, FAMILIES[family][1]))
    with Solver(name="cadical195", bootstrap_with=core_clauses) as s:
        assert not s.solve()  # the core alone is unsatisfiable
    assert drat.elaborate(str(cnf), str(trimmed)).status == "elaborated"


@pytest.mark.slow
def test_sanitized_engine_runs_clean(tmp_path):
    if not shutil.which("gcc"):
        pytest.fail("gcc is needed to build the sanitizer binary")
    build = tmp_path / "build"
    subprocess.run(["make", "-s", "-C", str(ROOT / "csrc"), f"BUILD={build}", f"{build}/dratcheck-san"],
                   check=True, capture_output=True)
    cases = [make(tmp_path, family, solver) for family in FAMILIES for solver in ("cadical195", "lingeling")]
    cases.append(make(tmp_path, "parity-12", "cadical195", binary=True))
    rat_cnf, rat_proof = tmp_path / "rat.cnf", tmp_path / "rat.drat"  # occurrence lists (RAT)
    for path, text in zip((rat_cnf, rat_proof), rat_copies(12)):
        path.write_text(text)
    cases.append((rat_cnf, rat_proof))
    cnf, proof = cases[0]
    rng = random.Random(5)
    for i in range(40):  # damaged bytes too
        data = bytearray(proof.read_bytes())
        data[rng.randrange(len(data))] = rng.randrange(256)
        damaged = tmp_path / f"damaged{i}.drat"
        damaged.write_bytes(bytes(data))
        cases.append((cnf, damaged))
    for (cnf, proof), threads in ((case, threads) for case in cases for threads in ("1", "2")):
        run = subprocess.run([str(build / "dratcheck-san"), str(cnf), str(proof), str(tmp_path / "san.lrat"),
                              "--core", str(tmp_path / "san.core"), "--trimmed", str(tmp_path / "san.drat"),
                              "--threads", threads],
                             capture_output=True, text=True, env={"ASAN_OPTIONS": "detect_leaks=1"})
        assert "Sanitizer" not in run.stderr and "runtime error" not in run.stderr, run.stderr
        assert run.returncode in (0, 1, 2), run.stdout


def test_the_two_threads_race_on_nothing(tmp_path):
    """ThreadSanitizer on the engine with its second thread forced on (split.c), valid and broken proofs."""
    build = tmp_path / "build"
    subprocess.run(["make", "-s", "-C", str(ROOT / "csrc"), f"BUILD={build}", f"{build}/dratcheck-tsan"],
                   check=True, capture_output=True)
    cases = [make(tmp_path, family, "cadical195") for family in FAMILIES]
    cnf, proof = cases[0]
    lines = lines_of(proof)
    broken = tmp_path / "broken.drat"  # a lemma early in the proof flipped: the second thread meets it
    broken.write_text("\n".join(lines[:2] + flip(lines[2]) + lines[3:]) + "\n")
    for formula, proof in cases + [(cnf, broken)]:
        run = subprocess.run([str(build / "dratcheck-tsan"), str(formula), str(proof), str(tmp_path / "t.lrat"),
                              "--threads", "2"], capture_output=True, text=True)
        assert "ThreadSanitizer" not in run.stderr, run.stderr
        assert run.returncode in (0, 1), run.stdout


def test_formulas_with_repeated_literals_elaborate_to_lrat_the_kernels_accept(tmp_path):
    nv, clauses = FAMILIES["php-5"]
    cnf, proof = tmp_path / "f.cnf", tmp_path / "p.drat"
    families.write_dimacs(cnf, nv, [c + c[:1] for c in clauses])  # every clause repeats its first literal
    assert _compat.solve_with_drat(nv, clauses, proof, solver="cadical195") is None
    done, answer = elaborate_and_check(cnf, proof, tmp_path)
    assert done.status == "elaborated" and answer[:2] == ("VERIFIED", "ok")


def lrat_to_drat(cnf_text, lrat_text):
    """The DRAT proof an LRAT proof states (lemmas and deletions by content, no hints)."""
    clauses = {i: c for i, c in enumerate(
        [[int(t) for t in line.split()[:-1]] for line in cnf_text.splitlines()
         if line.strip() and not line.startswith(("c", "p"))], 1)}
    out = []
    for line in lrat_text.splitlines():
        tokens = line.split()
        if not tokens or tokens[0] == "c":
            continue
        if tokens[1] == "d":
            for cid in map(int, tokens[2:-1]):
                out.append("d " + " ".join(map(str, clauses.pop(cid))) + " 0")
        else:
            lits = [int(t) for t in tokens[1:tokens.index("0", 1)]]
            clauses[int(tokens[0])] = lits
            out.append(" ".join(map(str, lits + [0])))
    return "\n".join(out) + "\n"


def test_rat_lemmas_elaborate_with_groups_the_kernels_accept(tmp_path):
    cnf = ROOT / "samples" / "lrat" / "rat-extension.cnf"
    proof = tmp_path / "rat.drat"
    proof.write_text(lrat_to_drat(cnf.read_text(), (ROOT / "samples" / "lrat" / "rat-extension.lrat").read_text()))
    done, answer = elaborate_and_check(cnf, proof, tmp_path)
    assert done.status == "elaborated" and done.counts["rat_lemmas"] > 0
    assert answer[:2] == ("VERIFIED", "ok")


def test_a_huge_header_costs_nothing_until_used(tmp_path):
    cnf, proof = tmp_path / "f.cnf", tmp_path / "p.drat"
    cnf.write_text("p cnf 2000000000 2\n1 0\n-1 0\n")
    proof.write_text("0\n")
    done, answer = elaborate_and_check(cnf, proof, tmp_path)
    assert done.status == "elaborated" and answer[:2] == ("VERIFIED", "ok")


def rat_copies(copies):
    """(DIMACS, DRAT): `copies` disjoint copies of rat-extension, copy k's clauses and lemmas all
    widened by a selector s_k (so each copy derives the unit s_k with its own RAT lemmas over its own
    extension variable), and one clause (-s_1 ... -s_m): every copy's RAT lemmas are in the core.
    Each copy repeats a literal in a formula clause, and 5 in the lemmas that are candidates for RAT on
    -5 (the parser keeps each literal once)."""
    cnf_text = (ROOT / "samples" / "lrat" / "rat-extension.cnf").read_text()
    drat_text = lrat_to_drat(cnf_text, (ROOT / "samples" / "lrat" / "rat-extension.lrat").read_text())
    base = [[int(t) for t in line.split()[:-1]] for line in cnf_text.splitlines()
            if line.strip() and not line.startswith(("c", "p"))]
    width = 1 + max(abs(lit) for line in drat_text.splitlines() for lit in map(int, line.split()[1 if
                    line.startswith("d") else 0:-1]))  # the variables of one copy, and its selector
    shift = lambda lit, k: (abs(lit) + k * width) * (1 if lit > 0 else -1)  # noqa: E731
    clauses, proof = [], []
    for k in range(copies):
        s = (k + 1) * width
        clauses += [[shift(lit, k) for lit in c] + [s] for c in base]
        clauses[-1].insert(0, clauses[-1][0])
        for line in drat_text.splitlines():
            deletion, lits = line.startswith("d"), [int(t) for t in line.split()[1 if line.startswith("d") else 0:-1]]
            lemma = [shift(lit, k) for lit in lits] + [s]
            if not deletion and len(lits) > 1 and lits[0] == 5:  # a candidate for RAT on -5, repeating 5
                lemma.insert(1, lemma[0])
            proof.append(("d " if deletion else "") + " ".join(map(str, lemma + [0])))
    clauses.append([-(k + 1) * width for k in range(copies)])
    nvars = copies * width
    dimacs = f"p cnf {nvars} {len(clauses)}\n" + "".join(" ".join(map(str, c + [0])) + "\n" for c in clauses)
    return dimacs, "\n".join(proof + ["0"]) + "\n"


def test_many_rat_lemmas_from_occurrence_lists_the_kernels_accept(tmp_path):
    """RAT candidates come from occurrence lists (made at the first RAT check): candidates before and
    after the lemma, and deleted ones, over 40 extension variables; both kernels check the LRAT."""
    counts = []
    for copies in (1, 40):
        cnf, proof = tmp_path / f"rat-{copies}.cnf", tmp_path / f"rat-{copies}.drat"
        dimacs, drat_text = rat_copies(copies)
        cnf.write_text(dimacs)
        proof.write_text(drat_text)
        for threads in (1, 2):
            done, answer = elaborate_and_check(cnf, proof, tmp_path, threads=threads)
            assert done.status == "elaborated" and answer[:2] == ("VERIFIED", "ok"), (done, answer)
            counts.append(done.counts["rat_lemmas"])
    assert counts[0] > 0 and counts[2:] == [40 * counts[0]] * 2 and counts[1] == counts[0]


def test_auto_stays_on_one_thread_when_the_process_may_use_one_core(tmp_path):
    """'auto' counts the cores this process may run on (taskset, a container), not those online (threads=4:
    'auto' with the machine's load taken for nil, so that a busy machine does not change the answer)."""
    if not shutil.which("taskset"):
        pytest.skip("taskset (util-linux) is not here")
    cnf, proof = tmp_path / "php-8.cnf", tmp_path / "php-8.drat"  # large enough for 'auto' to share it
    families.write_dimacs(cnf, *families.pigeonhole(8))
    assert _compat.solve_with_drat(*families.pigeonhole(8), proof, solver="cadical195") is None
    code = ("import sys; from evidence.solvers import drat; "
            "print(drat.elaborate(sys.argv[1], sys.argv[2], sys.argv[3], threads=4).counts['split_items'])")
    args = [sys.executable, "-c", code, str(cnf), str(proof), str(tmp_path / "o.lrat")]
    cores = sorted(os.sched_getaffinity(0))
    pinned = subprocess.run(["taskset", "-c", str(cores[0]), *args], capture_output=True, text=True, cwd=ROOT)
    assert pinned.returncode == 0 and int(pinned.stdout) == 0, pinned.stderr
    if len(cores) > 1:  # and with two it does share this proof
        free = subprocess.run(["taskset", "-c", f"{cores[0]},{cores[1]}", *args], capture_output=True, text=True, cwd=ROOT)
        assert free.returncode == 0 and int(free.stdout) > 0, free.stderr


def test_auto_shares_only_a_long_backward_pass(tmp_path):
    """'auto' starts the second thread only once the backward pass has done some work (split.c, DELAY:
    watches visited, not seconds, so this holds on any machine): barrel-64's proof has more items than
    MIN_ITEMS but a short pass (2.5 M visits), which a second thread made cost 25% more CPU, so it stays
    on one thread; php-8's pass is ten times longer and is shared.  Both verify either way."""
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("'auto' needs a second core to share anything")
    for name, formula, shared in (("barrel-64", families.barrel_shifter_miter(64), False),
                                  ("php-8", families.pigeonhole(8), True)):
        cnf, proof = tmp_path / f"{name}.cnf", tmp_path / f"{name}.drat"
        families.write_dimacs(cnf, *formula)
        assert _compat.solve_with_drat(*formula, proof, solver="cadical195") is None
        done, answer = elaborate_and_check(cnf, proof, tmp_path, threads=4)  # 'auto', the load taken for nil
        assert done.status == "elaborated" and answer[:2] == ("VERIFIED", "ok"), (done, answer)
        assert done.counts["lemmas"] + done.counts["deletions"] > 20000  # MIN_ITEMS: the item count allows it
        assert (done.counts["split_items"] > 0) == shared, (name, done.counts)


def test_a_small_proofs_lrat_goes_through_memory_and_the_kernel_still_decides(tmp_path, monkeypatch):
    """drat.check without --lrat: a small proof's LRAT is written to a file in memory (memfd), with no
    temporary folder; a large one's (over IN_MEMORY) to a temporary folder.  Either way the kernel reads
    and checks it: LRAT the engine got wrong is rejected."""
    import tempfile
    cnf, proof = ROOT / "samples" / "lrat" / "php-4.cnf", ROOT / "samples" / "drat" / "php-4-cadical195.drat"
    folders = []
    real = tempfile.TemporaryDirectory

    def counted(*args, **kwargs):
        folders.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryDirectory", counted)
    done, verdict = drat.check(str(cnf), str(proof), "c")
    assert verdict.verified and verdict.proof["path"].startswith("/proc/self/fd/") and folders == []
    monkeypatch.setattr(drat, "IN_MEMORY", 100)  # the proof is larger: a temporary folder
    done, on_disk = drat.check(str(cnf), str(proof), "c")
    assert on_disk.verified and len(folders) == 1 and on_disk.proof["sha256"] == verdict.proof["sha256"]
    monkeypatch.setattr(drat, "IN_MEMORY", 16 << 20)
    elaborate = drat.elaborate

    def wrong(formula, proof, lrat, **options):  # an engine bug: the empty clause at once, from clause 1
        result = elaborate(formula, proof, lrat, **options)
        with open(lrat, "r+b") as f:
            f.truncate(), f.write(f"{result.counts['clauses'] + 1} 0 1 0\n".encode())
        return result

    monkeypatch.setattr(drat, "elaborate", wrong)
    for kernel in ("c", "python"):
        done, bad = drat.check(str(cnf), str(proof), kernel)
        assert done.status == "elaborated" and not bad.verified, (kernel, bad.reason)
