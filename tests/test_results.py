"""One Result type, one maker of PASS and FAIL (from the kernel's verdict), one exit-code rule."""
import json

import pytest

import checker
from evidence.exits import ExitCode, of_results
from evidence.results import ESTABLISHED, Result, from_verdict
from pipeline import SAMPLES

LRAT, SMT = SAMPLES / "lrat", SAMPLES / "smt"


@pytest.mark.parametrize("check, expected", [
    (lambda: checker.check_lrat(LRAT / "php-4.cnf", LRAT / "php-4.lrat", "python"), Result.PASS),
    (lambda: checker.check_lrat(LRAT / "php-4.cnf", LRAT / "php-4.blrat", "python"), Result.PASS),
    (lambda: checker.check_model(SAMPLES / "sat/rnd3-40-sat.cnf", SAMPLES / "sat/rnd3-40-sat.model"), Result.FAIL),
    (lambda: checker.check_smt(SMT / "lra-unsat.smt2", SMT / "lra-unsat.cert", "python"), Result.PASS),
    (lambda: checker.check_smt(SMT / "lra-sat.smt2", SMT / "lra-sat.cert", "python"), Result.FAIL),
    (lambda: checker.check_lrat(SAMPLES / "invalid/wrong-hint.cnf", SAMPLES / "invalid/wrong-hint.lrat", "python"),
     Result.NOT_CHECKABLE),
    (lambda: checker.check_model(SAMPLES / "invalid/wrong-model.cnf", SAMPLES / "invalid/wrong-model.model"),
     Result.NOT_CHECKABLE),
], ids=["lrat-text", "lrat-binary", "model", "smt-unsat", "smt-sat", "rejected-proof", "rejected-model"])
def test_the_verdict_alone_makes_the_result(check, expected):
    verdict = check()
    assert from_verdict(verdict) is expected
    assert from_verdict(json.loads(verdict.to_json())) is expected  # the same verdict as stored


def test_a_verified_verdict_of_an_unknown_kind_or_format_establishes_nothing():
    verdict = json.loads(checker.check_lrat(LRAT / "php-4.cnf", LRAT / "php-4.lrat", "python").to_json())
    for kind, fmt in [("lrat", "model"), ("model", "text"), ("smt", "smt"), ("drat", "text"), (None, None)]:
        assert (kind, fmt) not in ESTABLISHED
        assert from_verdict({**verdict, "kind": kind, "proof": {**verdict["proof"], "format": fmt}}) \
            is Result.NOT_CHECKABLE
    assert from_verdict({**verdict, "status": "NOT VERIFIED"}) is Result.NOT_CHECKABLE
    assert from_verdict({}) is Result.NOT_CHECKABLE


def test_result_text_is_its_display_text():
    assert [str(r) for r in Result] == ["PASS", "FAIL", "NOT CHECKABLE"]
    assert f"{Result.NOT_CHECKABLE:<15}|" == "NOT CHECKABLE  |"
    assert Result.NOT_CHECKABLE == "NOT CHECKABLE" and {"NOT CHECKABLE": 1}[Result.NOT_CHECKABLE] == 1
    assert json.dumps({Result.FAIL: Result.PASS}) == '{"FAIL": "PASS"}'


@pytest.mark.parametrize("results, bad_input, code", [
    ([], False, ExitCode.OK),
    (["PASS", "PASS"], False, ExitCode.OK),
    (["PASS", "FAIL"], False, ExitCode.FAILED),
    (["PASS", "NOT CHECKABLE"], False, ExitCode.NO_VERDICT),
    (["NOT CHECKABLE", "FAIL", "PASS"], False, ExitCode.FAILED),  # a FAIL outranks a NOT CHECKABLE
    (["PASS"], True, ExitCode.BAD_INPUT),
])
def test_one_exit_code_rule_for_every_run(results, bad_input, code):
    assert of_results(results, bad_input) is code
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 5, 130]
