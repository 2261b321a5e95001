"""`smt prove --via auto` (the default): native first, cvc5's answer imported when native gives none;
its exit codes (2 before solving, 3 a rejected certificate, 4 no answer), and --timeout bounding the
whole command, asserted by outcome (no answer, nothing written), never by measuring time."""
import os
import time

import pytest

pytest.importorskip("cvc5")

from click.testing import CliRunner  # noqa: E402

from cases import KNAPSACK  # noqa: E402
from evidence.cli import cli  # noqa: E402
from evidence.smt import cvc5_run, native, producers  # noqa: E402
from smt_helpers import SMT, run_check  # noqa: E402

# Native's branch and bound gives up on it (64 splits, a count: the same on any machine); cvc5 answers.
BRANCHES = ("(set-logic QF_LIA)\n(declare-const x Int)\n(declare-const y Int)\n(declare-const z Int)\n"
            "(assert (= 0 (+ y 1 (* 2 z))))\n(assert (= 0 (+ (* x 40013) (* y 239))))\n(check-sat)\n")
# Satisfiable through a function of arrays: the kernel applies it to its arguments' array values.
ARRAY_FUNCTION = ("(set-logic QF_AUFLIA)\n(declare-fun p ((Array Int Int)) Bool)\n"
                  "(declare-const a (Array Int Int))\n(assert (p a))\n(assert (not (p (store a 0 1))))\n(check-sat)\n")


def smt_prove(*args):
    return CliRunner().invoke(cli, ["smt", "prove", *map(str, args)])


def problem(tmp_path, text, name="p"):
    path = tmp_path / f"{name}.smt2"
    path.write_text(text)
    return path


def never(*args, **kwargs):
    raise AssertionError("a producer ran")


def leftovers(folder):
    """What a run left beside the certificate (cvc5's private folder, partial files)."""
    return sorted(n for n in os.listdir(folder) if n.startswith(".proofgate-") or n.endswith((".tmp", ".partial")))


def test_auto_is_the_default_and_native_answers_first(tmp_path):
    cert = tmp_path / "c.cert"
    result = smt_prove(SMT / "lia-pigeons-unsat.smt2", "-o", cert, "--timeout", "600")
    assert result.exit_code == 0, result.output
    assert "c answered by native" in result.output and "c no answer from" not in result.output
    assert "c kernel: VERIFIED" in result.output and result.output.rstrip().endswith("s UNSATISFIABLE")
    assert run_check(SMT / "lia-pigeons-unsat.smt2", cert).exit_code == 0


@pytest.mark.parametrize("timeout", [None, "600"])
def test_auto_falls_back_to_cvc5_when_native_gives_up(tmp_path, timeout):
    path, cert = problem(tmp_path, BRANCHES), tmp_path / "b.cert"
    assert smt_prove(path, "-o", cert, "--via", "native").exit_code == 4  # native alone: no answer
    result = smt_prove(path, "-o", cert, *(("--timeout", timeout) if timeout else ()))
    assert result.exit_code == 0, result.output
    assert "c no answer from native: branch and bound gave up after 64 splits" in result.output
    assert "c answered by cvc5" in result.output and result.output.rstrip().endswith("s SATISFIABLE")
    assert run_check(path, cert).exit_code == 0 and leftovers(tmp_path) == []


def test_a_zero_native_share_goes_straight_to_cvc5(tmp_path, monkeypatch):
    monkeypatch.setattr(producers, "NATIVE_SHARE", 0.0)
    monkeypatch.setattr(native, "prove", never)
    cert = tmp_path / "u.cert"
    result = smt_prove(SMT / "uf-congruence-unsat.smt2", "-o", cert, "--timeout", "600")
    assert result.exit_code == 0, result.output
    assert "c no answer from native: not run: no time left in its share" in result.output
    assert "c answered by cvc5" in result.output and "s UNSATISFIABLE" in result.output
    assert run_check(SMT / "uf-congruence-unsat.smt2", cert).exit_code == 0


@pytest.mark.parametrize("via", ["auto", "native", "cvc5"])
def test_outside_the_subset_exits_2_before_any_producer_runs(tmp_path, monkeypatch, via):
    monkeypatch.setattr(native, "prove", never)
    monkeypatch.setattr(cvc5_run, "ask", never)
    path = problem(tmp_path, "(set-logic QF_SLIA)\n(declare-const s (Seq Int))\n(check-sat)\n")
    result = smt_prove(path, "-o", tmp_path / "s.cert", "--via", via, "--timeout", "600")
    assert result.exit_code == 2, result.output
    assert "bad input" in result.output and "Seq" in result.output
    assert not (tmp_path / "s.cert").exists()


@pytest.mark.parametrize("timeout", [None, "600"])
def test_no_answer_from_either_exits_4_with_both_reasons(tmp_path, monkeypatch, timeout):
    monkeypatch.setattr(cvc5_run, "ask", lambda *a, **k: cvc5_run.Answer("unknown", reason="cvc5: incomplete"))
    path, cert = problem(tmp_path, BRANCHES), tmp_path / "b.cert"  # native gives up after 64 splits
    result = smt_prove(path, "-o", cert, *(("--timeout", timeout) if timeout else ()))
    assert result.exit_code == 4 and result.output.rstrip().endswith("s UNKNOWN"), result.output
    assert "native: branch and bound gave up" in result.output
    assert "cvc5: cvc5 answered unknown (cvc5: incomplete)" in result.output
    assert not cert.exists() and not (tmp_path / "b.cert.rejected").exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize("via", ["native", "cvc5", "auto"])
def test_a_function_of_arrays_is_answered_by_every_producer_with_a_verified_model(tmp_path, via):
    path, cert = problem(tmp_path, ARRAY_FUNCTION), tmp_path / "a.cert"
    result = smt_prove(path, "-o", cert, "--via", via, "--timeout", "600")
    assert result.exit_code == 0 and "s SATISFIABLE" in result.output, result.output
    assert "(define-fun p ((" in cert.read_text() and run_check(path, cert).exit_code == 0


def test_a_rejected_native_certificate_exits_3_without_asking_cvc5(tmp_path, monkeypatch):
    from evidence.smt import theories
    monkeypatch.setattr(theories, "BRANCH_WITNESS", ["1", "1", "2", "2"])  # a producer bug
    monkeypatch.setattr(cvc5_run, "ask", never)
    path, cert = problem(tmp_path, KNAPSACK, "k"), tmp_path / "k.cert"
    result = smt_prove(path, "-o", cert, "--timeout", "600")
    assert result.exit_code == 3 and "the kernel rejects" in result.output, result.output
    assert (tmp_path / "k.cert.rejected").exists() and not cert.exists()


@pytest.mark.parametrize("timeout", [None, "600"])
def test_a_rejected_cvc5_certificate_exits_3(tmp_path, monkeypatch, timeout):
    path, cert = problem(tmp_path, BRANCHES), tmp_path / "b.cert"
    monkeypatch.setattr(cvc5_run, "ask", lambda *a, **k: cvc5_run.Answer(  # a lying cvc5: y = 0 is no model
        "sat", model=["(define-fun x () Int 0)", "(define-fun y () Int 0)", "(define-fun z () Int 0)"]))
    result = smt_prove(path, "-o", cert, *(("--timeout", timeout) if timeout else ()))
    assert result.exit_code == 3, result.output
    assert "the kernel rejects the sat certificate made from cvc5's answer" in result.output
    assert f"kept as {cert}.rejected" in result.output and (tmp_path / "b.cert.rejected").exists()
    assert not cert.exists() and leftovers(tmp_path) == []


def _hang(*args, **kwargs):
    time.sleep(10_000)


def test_the_timeout_bounds_both_producers(tmp_path, monkeypatch):
    """Each producer hangs: native is stopped at its share, cvc5's child killed at the deadline.  Were
    either not bounded, the command would not end (the outcome says it ended, and how)."""
    monkeypatch.setattr(native, "_prove", _hang)
    monkeypatch.setattr(cvc5_run, "ask", _hang)
    cert = tmp_path / "h.cert"
    result = smt_prove(SMT / "uf-congruence-unsat.smt2", "-o", cert, "--timeout", "1")
    assert result.exit_code == 4 and result.output.rstrip().endswith("s UNKNOWN"), result.output
    assert "native: the time limit was reached (its share" in result.output
    assert "cvc5: the time limit was reached" in result.output
    assert not cert.exists() and leftovers(tmp_path) == []


def test_via_cvc5_is_bounded_too(tmp_path, monkeypatch):
    monkeypatch.setattr(cvc5_run, "ask", _hang)
    monkeypatch.setattr(native, "prove", never)
    result = smt_prove(SMT / "uf-congruence-unsat.smt2", "-o", tmp_path / "h.cert", "--via", "cvc5",
                       "--timeout", "1")
    assert result.exit_code == 4 and "the time limit was reached" in result.output, result.output
    assert not (tmp_path / "h.cert").exists() and leftovers(tmp_path) == []


def test_auto_without_cvc5_is_native_alone(tmp_path, monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "evidence.smt.cvc5_import", None)  # the importer cannot be imported
    path = problem(tmp_path, BRANCHES)
    result = smt_prove(path, "-o", tmp_path / "b.cert", "--timeout", "600")
    assert result.exit_code == 4, result.output
    assert "native: branch and bound gave up after 64 splits; cvc5 is not available here" in result.output
    result = smt_prove(SMT / "uf-congruence-unsat.smt2", "-o", tmp_path / "u.cert")
    assert result.exit_code == 0 and "c answered by native" in result.output, result.output


def test_the_help_says_what_auto_does():
    text = CliRunner().invoke(cli, ["smt", "prove", "--help"]).output
    assert "[default: auto]" in text and f"{producers.NATIVE_SHARE:.0%} of --timeout" in text
    for code in ("Exit 2", "4: no", "3: the kernel rejects"):
        assert code in " ".join(text.split()), code


@pytest.mark.parametrize("via, share", [("auto", 0.5), ("auto", 0.0), ("cvc5", 0.5)])
def test_a_skeleton_past_the_kernels_budget_exits_2_before_cvc5_solves(tmp_path, monkeypatch, via, share):
    """The kernel refuses circuits past its budget while it makes the skeleton, after reading: so does
    every path to cvc5 (which would bit-blast a 4096-bit multiplier for minutes and gigabytes)."""
    monkeypatch.setattr(producers, "NATIVE_SHARE", share)
    monkeypatch.setattr(cvc5_run, "ask", never)
    path = problem(tmp_path, "(declare-const x (_ BitVec 4096))(assert (= (bvmul x x) (bvudiv x x)))(check-sat)")
    result = smt_prove(path, "-o", tmp_path / "w.cert", "--via", via, "--timeout", "600")
    assert result.exit_code == 2 and "bit-vector circuits of more than 64 gates a byte" in result.output, result.output
