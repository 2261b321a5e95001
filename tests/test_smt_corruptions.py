"""Each kind of corruption of a native certificate is rejected (exit 1) with the lemma or step named;
malformed input exits 2 with its position; unsupported constructs are named."""
import re

import pytest
from click.testing import CliRunner

from cases import KNAPSACK
from evidence.cli import cli
from smt_helpers import SMT, edit, prove, run_check

KERNELS = ["c", "python"]


def lemma_lines(cert):
    return [line for line in cert.read_text().splitlines() if line.startswith("lemma ")]


def rejected(problem, cert, *pattern):
    """Both kernels say NOT VERIFIED (exit 1); the reason matches each pattern."""
    for kernel in KERNELS:
        result = run_check(problem, cert, "--kernel", kernel)
        assert result.exit_code == 1, result.output
        reason = re.search(r"c reason: (.*)", result.output).group(1)
        for p in pattern:
            assert re.search(p, reason), reason
    return reason


@pytest.fixture
def chain(tmp_path):
    """An lra certificate (Farkas multipliers all 1)."""
    problem, cert, _ = prove(tmp_path, SMT / "lra-chain-unsat.smt2")
    assert run_check(problem, cert).exit_code == 0
    return problem, cert


def test_a_wrong_farkas_multiplier_names_the_lemma(chain):
    problem, cert = chain
    line = lemma_lines(cert)[-1]
    edit(cert, line, line[:-1] + "2")
    rejected(problem, cert, rf"lemma {len(lemma_lines(cert))} \(lra\)", "no contradiction")


def test_a_negative_farkas_multiplier_names_the_lemma(chain):
    problem, cert = chain
    line = lemma_lines(cert)[0]
    edit(cert, line, line[:-1] + "-1")
    rejected(problem, cert, r"lemma 1 \(lra\)", "negative multiplier")


def test_a_lemma_missing_a_literal_is_rejected(chain):
    problem, cert = chain
    words = lemma_lines(cert)[0].split()
    zero = words.index("0")
    edit(cert, " ".join(words), " ".join(words[:zero - 1] + words[zero:-1]))
    rejected(problem, cert, r"lemma 1 \(lra\)")


def test_a_dropped_lemma_breaks_the_refutation(chain):
    problem, cert = chain
    edit(cert, lemma_lines(cert)[0] + "\n", "")
    reason = rejected(problem, cert, r"^step \d+ \(line \d+\)")
    assert "lemma" not in reason  # every remaining lemma holds: the LRAT step is what fails


def test_a_certificate_for_another_problem_is_rejected(chain, tmp_path):
    problem, cert = chain
    other = tmp_path / "other.smt2"
    other.write_text(problem.read_text() + "; one more comment\n")
    rejected(other, cert, "another problem")


def test_a_changed_atom_is_rejected_at_the_lemma_using_it(tmp_path):
    problem, cert, _ = prove(tmp_path, SMT / "lia-pigeons-unsat.smt2")
    atom = next(line for line in cert.read_text().splitlines() if line.startswith("atom ") and "(- 1))" in line)
    edit(cert, atom, atom.replace("(- 1))", "(- 2))"))
    rejected(problem, cert, r"lemma \d+ \(lra\)")


def test_a_glob_witness_that_is_not_closed_is_rejected(tmp_path):
    problem, cert, _ = prove(tmp_path, SMT / "str-prefix-suffix-unsat.smt2")
    line = next(line for line in lemma_lines(cert) if line.startswith("lemma str"))
    states = line.split(" 0 ")[1].split()
    assert len(states) > 2
    edit(cert, line, line.replace(" " + states[-1], ""))
    rejected(problem, cert, r"lemma 1 \(str\)", "not closed")
    edit(cert, " " + states[0] + " ", " ")  # without the initial state too
    rejected(problem, cert, r"lemma 1 \(str\)", "initial state")


def test_a_cut_with_bad_rounding_is_rejected(tmp_path):
    problem, cert, _ = prove(tmp_path, SMT / "lia-parity-unsat.smt2")
    line = next(line for line in lemma_lines(cert) if " cut" in line)
    edit(cert, line, line.replace(" cut", ""))  # the combination is not rounded: 2x - 2z = 1 has rationals
    rejected(problem, cert, r"lemma 1 \(lia\)", "no contradiction")
    edit(cert, line.replace(" cut", ""), line.replace("1/2", "1/3").replace(" cut", " cut"))  # coefficients 2/3
    rejected(problem, cert, r"lemma 1 \(lia\)")


def test_a_broken_branch_lemma_is_rejected(tmp_path):
    problem, cert, _ = prove(tmp_path, KNAPSACK)
    text = cert.read_text()
    branch = next(line for line in lemma_lines(cert) if line.endswith(" 0 1 1 2 1"))
    number = lemma_lines(cert).index(branch) + 1
    edit(cert, branch, branch.replace(" 0 1 1 2 1", " 0 1 1 2 2"))  # x <= k twice: no longer cancels
    rejected(problem, cert, rf"lemma {number} \(lia\)", "no contradiction")
    cert.write_text(text)
    edit(cert, branch, branch.split()[0] + " lia " + branch.split()[2] + " 0 1 1 2 1")  # v alone: no tautology
    rejected(problem, cert, rf"lemma {number} \(lia\)")


def test_a_corrupted_model_is_rejected(tmp_path):
    problem, cert, result = prove(tmp_path, SMT / "lra-sat.smt2")
    assert result.answer == "sat" and run_check(problem, cert).exit_code == 0
    edit(cert, "(define-fun x () Real ", "(define-fun x () Real (+ 100 ")
    edit(cert, "\n(define-fun y", ")\n(define-fun y")
    rejected(problem, cert, "falsifies assertion")


def test_a_model_value_of_the_wrong_sort_is_rejected(tmp_path):
    problem, cert, _ = prove(tmp_path, SMT / "lia-sat.smt2")
    value = re.search(r"\(define-fun port \(\) Int (\d+)\)", cert.read_text())
    edit(cert, value.group(0), f"(define-fun port () Int (/ {value.group(1)}1 10))")
    rejected(problem, cert, "not a Int|not an Int")


@pytest.mark.parametrize("damage, where", [
    (lambda t: t.replace("lemma lra ", "lemma lra x", 1), r"line \d+: a lemma's literals"),
    (lambda t: t.replace("smtcert 2", "smtcert 3"), "line 1"),
    (lambda t: t.replace("refutation lrat\n", "refutation lrat\n7 0 x\n"), r"line \d+"),
    (lambda t: t.split("refutation")[0], r"line \d+: unexpected end of file"),
])
def test_a_malformed_certificate_exits_2_with_its_line(chain, damage, where):
    problem, cert = chain
    cert.write_text(damage(cert.read_text()))
    for kernel in KERNELS:
        result = run_check(problem, cert, "--kernel", kernel)
        assert result.exit_code == 2, result.output
        assert re.search(where, result.output) and str(cert) in result.output, result.output


def test_a_malformed_problem_exits_2_with_line_and_column(chain, tmp_path):
    _, cert = chain
    bad = tmp_path / "bad.smt2"
    bad.write_text("(declare-const x Real)\n(assert (< x 1)\n")
    result = run_check(bad, cert)
    assert result.exit_code == 2 and "line 2, column 1" in result.output, result.output
    result = CliRunner().invoke(cli, ["smt", "prove", str(bad), "-o", str(tmp_path / "out.cert")])
    assert result.exit_code == 2 and "line 2, column 1" in result.output, result.output


@pytest.mark.parametrize("text, named", [
    ("(declare-const s String)(assert (> (str.indexof s \"a\" 0) 3))", "str.indexof"),
    ("(declare-const x Int)(declare-const y Int)(assert (> (* x y) 3))", "non-linear \\*"),
    ("(declare-const x Int)(assert (= (mod x 2) 1))", "unsupported: mod"),
    ("(declare-const s String)(assert (str.in_re s (re.* (re.comp (str.to_re \"a\")))))", "re.comp inside re.\\*"),
])
def test_unsupported_constructs_are_named(tmp_path, text, named):
    problem = tmp_path / "u.smt2"
    problem.write_text(text)
    result = CliRunner().invoke(cli, ["smt", "prove", str(problem), "-o", str(tmp_path / "u.cert")])
    assert result.exit_code == 2 and re.search(named, result.output), result.output
    assert re.search(r"line 1, column \d+", result.output)
    assert not (tmp_path / "u.cert").exists()
