"""proofgate smt prove and proofgate check on SMT certificates: output, exit codes, --json, DRAT stages."""
import json
import sys

import pytest
from click.testing import CliRunner

from cases import KNAPSACK
from evidence.cli import cli
from smt_helpers import SMT, run_check


def smt_prove(*args):
    return CliRunner().invoke(cli, ["smt", "prove", *map(str, args)])


def test_prove_then_check_an_unsat_problem(tmp_path):
    cert = tmp_path / "c.cert"
    result = smt_prove(SMT / "mixed-policy-unsat.smt2", "-o", cert)
    assert result.exit_code == 0, result.output
    assert "s UNSATISFIABLE" in result.output and "c kernel: VERIFIED" in result.output
    result = run_check(SMT / "mixed-policy-unsat.smt2", cert)
    assert result.exit_code == 0 and result.output.rstrip().endswith("s VERIFIED"), result.output
    assert "(smt-lrat)" in result.output and "lemmas; refutation over" in result.output


def test_prove_a_satisfiable_problem_writes_a_model(tmp_path):
    cert = tmp_path / "m.cert"
    result = smt_prove(SMT / "str-policy-sat.smt2", "-o", cert, "--no-check")
    assert result.exit_code == 0 and "s SATISFIABLE" in result.output, result.output
    assert cert.read_text().splitlines()[2] == "sat"
    assert run_check(SMT / "str-policy-sat.smt2", cert).exit_code == 0


def test_check_of_a_drat_certificate_prints_both_stages(tmp_path):
    cert = tmp_path / "d.cert"
    assert smt_prove(SMT / "lia-pigeons-unsat.smt2", "-o", cert, "--refutation", "drat").exit_code == 0
    result = run_check(SMT / "lia-pigeons-unsat.smt2", cert)
    assert result.exit_code == 0, result.output
    assert "c stage 1, DRAT engine (untrusted)" in result.output and "c stage 2, kernel (trusted)" in result.output
    assert "(smt-drat)" in result.output
    result = run_check(SMT / "lia-pigeons-unsat.smt2", cert, "--json")
    verdict = json.loads(result.output)
    assert verdict["status"] == "VERIFIED" and verdict["elaboration"]["status"] == "elaborated"


def test_a_drat_refutation_that_does_not_elaborate_is_rejected_with_its_line(tmp_path):
    cert = tmp_path / "d.cert"
    smt_prove(SMT / "lia-pigeons-unsat.smt2", "-o", cert, "--refutation", "drat", "--no-check")
    text = cert.read_text()
    head, proof = text.split("refutation drat\n")
    cert.write_text(head + "refutation drat\n0\n")  # only the empty clause: not RUP
    result = run_check(SMT / "lia-pigeons-unsat.smt2", cert)
    assert result.exit_code == 1 and "c stage 1, DRAT engine (untrusted)" in result.output, result.output
    assert f"line {len(head.splitlines()) + 2}" in result.output


def test_check_detects_a_certificate_by_its_first_line(tmp_path):
    problem = tmp_path / "problem.txt"  # not named .smt2
    problem.write_bytes((SMT / "uf-cycle-unsat.smt2").read_bytes())
    result = run_check(problem, SMT / "uf-cycle-unsat.cert")
    assert result.exit_code == 0 and "(smt-lrat)" in result.output, result.output


def test_json_of_a_rejected_certificate(tmp_path):
    result = run_check(SMT / "lra-disequality-unsat.smt2", SMT / "lra-chain-unsat.cert", "--json")
    verdict = json.loads(result.output)
    assert result.exit_code == 1 and verdict["code"] == "smt-problem"


def test_via_cvc5_is_wired_to_the_importer(tmp_path):
    cert = tmp_path / "v.cert"
    result = smt_prove(SMT / "uf-congruence-unsat.smt2", "-o", cert, "--via", "cvc5")
    assert result.exit_code == 0 and "s UNSATISFIABLE" in result.output, result.output
    assert run_check(SMT / "uf-congruence-unsat.smt2", cert).exit_code == 0


def test_via_cvc5_without_the_importer_says_so(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "evidence.smt.cvc5_import", None)  # import fails
    result = smt_prove(SMT / "uf-congruence-unsat.smt2", "-o", tmp_path / "v.cert", "--via", "cvc5")
    assert result.exit_code == 2 and "--via cvc5 is not available" in result.output, result.output


def test_the_time_limit_exits_4(tmp_path):
    result = smt_prove(SMT / "lia-pigeons-unsat.smt2", "-o", tmp_path / "t.cert", "--timeout", "1e-9")
    assert result.exit_code == 4 and "s UNKNOWN" in result.output, result.output
    assert not (tmp_path / "t.cert").exists()


def test_a_rejected_certificate_from_the_producer_is_an_internal_error(tmp_path, monkeypatch):
    from evidence.smt import theories
    monkeypatch.setattr(theories, "BRANCH_WITNESS", ["1", "1", "2", "2"])  # a producer bug
    problem = tmp_path / "k.smt2"
    problem.write_text(KNAPSACK)
    result = smt_prove(problem, "-o", tmp_path / "k.cert")
    assert result.exit_code == 3 and "the kernel rejects" in result.output, result.output
    assert (tmp_path / "k.cert.rejected").exists() and not (tmp_path / "k.cert").exists()


@pytest.mark.slow
def test_prove_and_check_terms_nested_far_beyond_the_recursion_limit(tmp_path):
    depth = 50_000  # producer and kernel read terms with explicit stacks (tests/test_smt_depth.py)
    problem = tmp_path / "deep.smt2"
    problem.write_text("(declare-const b Bool)(assert " + "(not " * depth + "b" + ")" * depth + ")")
    result = smt_prove(problem, "-o", tmp_path / "c.cert")
    assert result.exit_code == 0 and "c kernel: VERIFIED" in result.output, result.output
    assert run_check(problem, tmp_path / "c.cert").exit_code == 0
