"""Readable models (evidence/smt/readable.py): string values a reader expects replace the shortest ones
a producer picks, only where the problem stays satisfied; the kernel still checks the result.  How a
run's counterexamples read: tests/test_policy_run.py."""
import shutil

import checker
from evidence.smt.readable import improve
from smt_helpers import SMT, prove, verdicts


def model_lines(cert):
    return [line for line in cert.read_text().splitlines() if line.startswith("(define-fun")]


def test_globs_are_filled_with_example_and_the_certificate_still_verifies(tmp_path):
    problem, cert = tmp_path / "p.smt2", tmp_path / "p.cert"
    shutil.copy(SMT / "str-policy-sat.smt2", problem)
    shutil.copy(SMT / "str-policy-sat.cert", cert)
    assert '"logs/.gz"' in cert.read_text()  # the producer's shortest value
    assert improve(problem, cert) == ["key", "other"]
    assert model_lines(cert) == ['(define-fun key () String "logs/example.gz")',
                                 '(define-fun other () String "logs/xx")']
    assert all(v.verified for v in verdicts(problem, cert))


def test_a_hint_is_kept_only_when_the_problem_still_holds(tmp_path):
    problem, cert, result = prove(tmp_path, '(declare-const a String)(declare-const b String)'
                                  '(assert (str.in_re a (re.++ (str.to_re "s3:") re.all)))'
                                  '(assert (not (= a b)))')
    assert result.answer == "sat"
    hints = {"a": ["iam:passrole", "s3:getobject"], "b": ["s3:getobject"]}  # b may not equal a
    assert sorted(improve(problem, cert, hints)) == ["a", "b"]
    values = dict(line.split(" () String ") for line in model_lines(cert))
    assert values["(define-fun a"] == '"s3:getobject")'  # the first hint breaks the glob: skipped
    assert values["(define-fun b"] == '"example")'  # its hint would equal a: the fallback instead
    assert all(v.verified for v in verdicts(problem, cert))


def test_unsat_certificates_and_models_that_fail_are_left_alone(tmp_path):
    for name in ("str-bucket-unsat", "str-policy-sat"):
        shutil.copy(SMT / f"{name}.smt2", tmp_path / f"{name}.smt2")
        shutil.copy(SMT / f"{name}.cert", tmp_path / f"{name}.cert")
    broken = tmp_path / "str-policy-sat.cert"
    broken.write_text(broken.read_text().replace('"logs/.gz"', '"logs/private/.gz"'))
    for name in ("str-bucket-unsat", "str-policy-sat"):
        before = (tmp_path / f"{name}.cert").read_bytes()
        assert improve(tmp_path / f"{name}.smt2", tmp_path / f"{name}.cert", {"key": ["logs/x.gz"]}) == []
        assert (tmp_path / f"{name}.cert").read_bytes() == before
    assert not checker.check_smt(tmp_path / "str-policy-sat.smt2", broken, "python").verified


def test_an_offer_is_tried_on_the_assertions_naming_its_constant_and_no_fewer(tmp_path, monkeypatch):
    """Each offer is evaluated on the assertions that name the constant only (the rest hold whatever
    its value); one that names it through another constant's assertion still counts: a = b keeps a
    from "s3:example" alone.  The same values as evaluating every assertion for every offer."""
    from evidence.smt import readable
    text = ('(declare-const a String)(declare-const b String)(declare-const c String)'
            '(assert (str.in_re a (re.++ (str.to_re "s3:") re.all)))(assert (= a b))'
            '(assert (str.in_re c (re.++ (str.to_re "logs/") re.all)))(assert (not (= c "")))')
    problem, cert, result = prove(tmp_path, text)
    assert result.answer == "sat"
    first = cert.read_text()
    assert improve(problem, cert) == ["c"]  # a alone would break a = b; b alone too
    values = dict(line.split(" () String ") for line in model_lines(cert))
    assert values["(define-fun c"] == '"logs/example")'
    assert all(v.verified for v in verdicts(problem, cert))
    everything = cert.read_text()
    cert.write_text(first)
    monkeypatch.setattr(readable, "_mentions", lambda problem: None)
    assert improve(problem, cert) == ["c"] and cert.read_text() == everything
