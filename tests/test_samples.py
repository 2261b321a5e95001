"""Every shipped sample gets its expected answer from both kernels, and the demo says so."""
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker
from evidence.checking.samples import load_expectations, run_sample
from evidence.cli import cli
from evidence.solvers import drat
from kernels import both

ROOT = Path(__file__).resolve().parent.parent
CASES = load_expectations(ROOT / "samples")


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c.proof.relative_to(ROOT / "samples")))
def test_sample_gets_its_expected_answer(case):
    if case.is_model or case.is_smt or drat.proof_format(case.proof) == "drat":  # a DRAT proof: engine, then each kernel
        for kernel in checker.kernels():
            answer = run_sample(case, kernel)
            assert answer.matches(case), (kernel, answer)
        return
    answer = both(str(case.formula), str(case.proof))
    status = "BAD INPUT" if answer[0] == "malformed" else answer[0]
    assert (status, answer[1]) == (case.expected, "ok" if case.expected == "VERIFIED" else case.code)


def test_samples_cover_every_answer():
    assert {c.expected for c in CASES} == {"VERIFIED", "NOT VERIFIED", "BAD INPUT"}
    assert any(c.is_model for c in CASES) and any(c.proof.suffix == ".blrat" for c in CASES)
    assert any(c.proof.suffix in (".gz", ".xz") for c in CASES)
    assert {c.expected for c in CASES if c.proof.suffix in (".drat", ".bdrat")} == {"VERIFIED", "NOT VERIFIED", "BAD INPUT"}


@pytest.mark.slow
def test_demo_reports_every_sample_as_expected():
    result = CliRunner().invoke(cli, ["demo", str(ROOT / "samples")])
    assert result.exit_code == 0, result.output
    assert f"{len(CASES)} of {len(CASES)} samples gave the expected answer" in result.output


def test_demo_fails_on_a_wrong_expectation(tmp_path):
    (tmp_path / "f.cnf").write_text("p cnf 1 2\n1 0\n-1 0\n")
    (tmp_path / "p.lrat").write_text("3 0 1 2 0\n")
    (tmp_path / "expected.tsv").write_text("f.cnf\tp.lrat\tNOT VERIFIED\tno-conflict\n")
    result = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert result.exit_code == 1 and "0 of 1 samples" in result.output


def test_a_malformed_expectation_table_is_bad_input(tmp_path):
    (tmp_path / "expected.tsv").write_text("only two\tfields\n")
    with pytest.raises(checker.InputError, match="line 1"):
        load_expectations(tmp_path)
