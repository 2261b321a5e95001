"""The native DPLL(T) producer: its certificates verify with both kernels, for every shipped problem,
with LRAT and DRAT refutations; satisfiable problems give models the kernel accepts."""

import re

import pytest

import checker
from cases import KNAPSACK
from evidence.smt import native
from evidence.smt.certificate import recover
from smt_helpers import SMT, prove, verdicts

PROBLEMS = sorted(p for p in SMT.glob("*.smt2"))


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.stem)
def test_every_sample_gets_a_certificate_both_kernels_verify(tmp_path, problem):
    _, cert, result = prove(tmp_path, problem)
    assert result.answer in problem.stem  # the names say which: ...-unsat or ...-sat
    found = verdicts(problem, cert)
    assert [v.status for v in found] == ["VERIFIED"] * len(checker.kernels())
    assert {v.proof["format"] for v in found} == {"smt-lrat" if result.answer == "unsat" else "smt-model"}


@pytest.mark.parametrize("name", ["lia-pigeons-unsat", "mixed-policy-unsat", "uf-cycle-unsat"])
def test_a_drat_refutation_is_elaborated_and_verifies(tmp_path, name):
    _, cert, result = prove(tmp_path, SMT / f"{name}.smt2", refutation="drat")
    assert "refutation drat\n" in cert.read_text()
    assert [v.status for v in verdicts(SMT / f"{name}.smt2", cert)] == ["VERIFIED"] * len(checker.kernels())


def test_a_binary_lrat_refutation_verifies(tmp_path):
    problem = SMT / "lia-pigeons-unsat.smt2"
    cert = tmp_path / "b.cert"
    native.prove(problem, cert, binary=True)
    assert b"refutation lrat\na" in cert.read_bytes()  # binary LRAT records start with 'a' or 'd'
    assert all(v.verified for v in verdicts(problem, cert))


def test_the_reader_recovers_the_cnf_the_certificate_refutes(tmp_path):
    problem, cert, result = prove(tmp_path, SMT / "lia-pigeons-unsat.smt2", refutation="drat")
    cnf = tmp_path / "cnf"
    found = recover(problem, cert, cnf, tmp_path / "proof")
    header = cnf.read_text().splitlines()[0].split()
    assert (found.kind, found.lemmas, found.atoms) == ("drat", result.lemmas, result.atoms)
    clauses = [line for line in cnf.read_text().splitlines()[1:]]
    lemma_lines = [line.split(" 0")[0].split(None, 2)[2] for line in cert.read_text().splitlines()
                   if line.startswith("lemma ")]
    assert int(header[3]) == len(clauses) and [c[:-2] for c in clauses[-len(lemma_lines):]] == lemma_lines


def test_lemmas_stay_small_on_a_long_chain(tmp_path):
    # x0 < x1 < ... < x29 and x29 < x0: one Farkas lemma over the 30 atoms, not the whole assignment
    chain = "".join(f"(declare-const x{i} Real)" for i in range(30)) + \
        "".join(f"(assert (< x{i} x{i + 1}))" for i in range(29)) + "(assert (or (< x29 x0) (< x29 (- x0 5))))"
    _, cert, result = prove(tmp_path, chain)
    lengths = [len(line.split(" 0 ")[0].split()) - 2 for line in cert.read_text().splitlines()
               if line.startswith("lemma ")]
    assert result.answer == "unsat" and lengths and max(lengths) == 30




def test_branch_lemmas_introduce_their_atoms(tmp_path):
    # 3x + 5y + 7z in [1, 2] with x, y, z in {0, 1}: real solutions, no integer one, no single cut
    problem, cert, result = prove(tmp_path, KNAPSACK)
    text = cert.read_text()
    branches = re.findall(r"^lemma lia (\d+) -(\d+) 0 1 1 2 1$", text, re.M)
    atoms = re.findall(r"^atom (\d+) \(<= [xyz] \d+\)$", text, re.M)
    assert result.answer == "unsat" and branches and all(a == b for a, b in branches)
    assert {a for a, _ in branches} <= set(atoms)
    assert all(v.verified for v in verdicts(problem, cert))


def test_models_give_exact_rationals_strings_and_abstract_values(tmp_path):
    text = ('(declare-sort U 0)(declare-const a U)(declare-const b U)(declare-const x Real)(declare-const s String)'
            '(assert (distinct a b))(assert (= (* 3 x) 1))'
            '(assert (str.in_re s (re.++ (str.to_re "arn:") re.allchar (str.to_re "\\u{22}"))))')
    problem, cert, result = prove(tmp_path, text)
    model = cert.read_text()
    assert result.answer == "sat"
    assert "(define-fun x () Real (/ 1 3))" in model
    assert "(define-fun s () String \"arn:" in model and model.count("\"") >= 4  # the quote doubled
    assert model.count("(declare-const @U_") == 2
    assert all(v.verified for v in verdicts(problem, cert))


def test_the_time_limit_gives_no_answer(tmp_path):
    with pytest.raises(native.Timeout):
        prove(tmp_path, SMT / "lia-pigeons-unsat.smt2", timeout=1e-9)
    assert not (tmp_path / "p.cert").exists()


def test_the_time_limit_stops_the_theory_solvers_too(tmp_path, monkeypatch):
    """--timeout bounds the whole producer, not only its SAT calls: a theory solver that never returns
    is stopped (bench_smtlib found lattice steps running past a 20 s limit)."""
    from evidence.smt import theories

    def forever(self, assignment):
        while True:
            pass

    monkeypatch.setattr(theories.Theories, "conflicts", forever)
    (tmp_path / "p.smt2").write_text("(declare-fun x () Int)(assert (> x 0))")
    with pytest.raises(native.Timeout):
        native.prove(tmp_path / "p.smt2", tmp_path / "p.cert", timeout=0.5)
    assert not (tmp_path / "p.cert").exists()
