"""The cvc5 importer: certificates made from cvc5's answers verify with both kernels, and nothing cvc5
says is written unless our own theory solvers justified it (a false lemma is dropped, never used)."""
import pytest

pytest.importorskip("cvc5")

import checker  # noqa: E402
from cases import SMT_SAT, SMT_UNSAT  # noqa: E402
from checker.skeleton import Skeleton, canonical  # noqa: E402
from checker.smtlib import read  # noqa: E402
from evidence.smt import cvc5_import, cvc5_run  # noqa: E402
from evidence.smt.justify import Unjustified, justify  # noqa: E402


def write(tmp_path, name, text):
    path = tmp_path / f"{name}.smt2"
    path.write_text(text + "\n(check-sat)\n")
    return path


def verify_everywhere(problem, cert, refutation=None):
    for kernel in checker.kernels():
        verdict = checker.check_smt(problem, cert, kernel=kernel, refutation=refutation)
        assert verdict.verified, (kernel, verdict.reason)


@pytest.mark.parametrize("name", sorted(SMT_UNSAT))
def test_unsat_certificates_verify_with_both_kernels(tmp_path, name):
    problem, cert = write(tmp_path, name, SMT_UNSAT[name]), tmp_path / f"{name}.cert"
    result = cvc5_import.run(problem, cert)
    assert result.answer == "unsat" and not result.dropped
    text = cert.read_text()
    assert text.startswith("smtcert 2\nproblem ") and "\nrefutation lrat\n" in text
    assert set(checker.kernels()) >= {"c", "python"}
    verify_everywhere(problem, cert)


def test_imported_lemmas_are_cvc5s_justified(tmp_path):
    """LRA: cvc5's lemmas over its rewritten atoms arrive as atom lines and lra lemmas."""
    problem, cert = write(tmp_path, "lra", SMT_UNSAT["lra-cycle"]), tmp_path / "lra.cert"
    result = cvc5_import.run(problem, cert)
    lines = cert.read_text().splitlines()
    assert result.imported == 2 and result.lemmas >= 2
    assert any(line.startswith("atom ") for line in lines)
    assert all(line.split()[1] == "lra" for line in lines if line.startswith("lemma "))


def test_lemmas_over_cvc5s_skolems_are_dropped_and_the_native_loop_finishes(tmp_path):
    """Three globs: cvc5 unfolds the regular expressions into str.++ of its own skolems, which no
    certificate can name; those lemmas are dropped and the native loop, seeded, closes the proof."""
    any_ = "(re.* re.allchar)"
    text = f"""(set-logic QF_S) (declare-const r String)
        (assert (str.in_re r (re.++ (str.to_re "arn:aws:s3:::") {any_} (str.to_re "/logs/") {any_})))
        (assert (str.in_re r (re.++ (str.to_re "arn:aws:s3:::prod-") {any_})))
        (assert (not (str.in_re r (re.++ (str.to_re "arn:aws:s3:::prod-") {any_} (str.to_re "/") {any_}))))"""
    problem, cert = write(tmp_path, "globs", text), tmp_path / "globs.cert"
    result = cvc5_import.run(problem, cert)
    assert result.completed and result.dropped and all("@" in lemma for lemma, _ in result.dropped)
    assert "lemma str " in cert.read_text()
    verify_everywhere(problem, cert)


def test_a_drat_refutation_is_elaborated_and_verifies(tmp_path):
    problem, cert = write(tmp_path, "php", SMT_UNSAT["lia-pigeons"]), tmp_path / "php.cert"
    assert cvc5_import.prove(problem, cert, refutation="drat") == "unsat"
    assert "\nrefutation drat\n" in cert.read_text()


@pytest.mark.parametrize("name", sorted(SMT_SAT))
def test_models_are_accepted_by_both_kernels(tmp_path, name):
    problem, cert = write(tmp_path, name, SMT_SAT[name]), tmp_path / f"{name}.cert"
    assert cvc5_import.prove(problem, cert) == "sat"
    assert "(define-fun " in cert.read_text()
    verify_everywhere(problem, cert)


def test_values_of_an_uninterpreted_sort_are_declared_before_use(tmp_path):
    problem, cert = write(tmp_path, "uf-sat", SMT_SAT["uf-sat"]), tmp_path / "uf-sat.cert"
    cvc5_import.prove(problem, cert)
    lines = cert.read_text().splitlines()[3:]
    declared = [line.split()[1] for line in lines if line.startswith("(declare-const ")]
    assert len(declared) >= 2 and "(as " not in cert.read_text()  # f(a) != a needs two values
    first_use = min(i for i, line in enumerate(lines) if line.startswith("(define-fun "))
    assert all(line.startswith("(declare-const ") for line in lines[:first_use])


def _lying(status, lemmas):
    """cvc5's real answer, but with `status` and extra `lemmas` (as if cvc5 had a bug)."""
    real = cvc5_run.ask

    def ask(path, timeout=None):
        answer = real(path, timeout)
        answer.status, answer.lemmas = status, answer.lemmas + lemmas
        return answer
    return ask


def test_a_false_lemma_on_a_satisfiable_problem_is_dropped_and_nothing_verifies(tmp_path, monkeypatch):
    # x + y >= 1/3 is no theorem; with the assertion x + y < 1/3 it would "refute" a satisfiable problem.
    problem, cert = write(tmp_path, "lra-sat", SMT_SAT["lra-sat"]), tmp_path / "lra-sat.cert"
    monkeypatch.setattr(cvc5_run, "ask", _lying("unsat", [[("(>= (+ x y) (/ 1 3))", True)]]))
    with pytest.raises(cvc5_import.ImportFailed, match="1 lemma.s. dropped"):
        cvc5_import.run(problem, cert)
    assert not cert.exists() or not checker.check_smt(problem, cert).verified


def test_a_false_lemma_beside_true_ones_is_dropped_and_the_rest_verifies(tmp_path, monkeypatch):
    problem, cert = write(tmp_path, "uf", SMT_UNSAT["uf-cycle"]), tmp_path / "uf.cert"
    false = [("(= (f a) a)", True)]  # f(a) = a is no theorem of EUF
    monkeypatch.setattr(cvc5_run, "ask", _lying("unsat", [false]))
    result = cvc5_import.run(problem, cert)
    assert [text for text, _ in result.dropped] == ["(or (= (f a) a))"]
    assert "congruence closure" in result.dropped[0][1]
    skeleton = Skeleton(read(problem.read_bytes()))
    unit = f"lemma euf {skeleton.var[canonical(skeleton.problem, _term(skeleton.problem, false[0][0]))[0]]} 0"
    assert unit not in cert.read_text()
    verify_everywhere(problem, cert)


def test_a_lemma_outside_the_kernels_subset_is_dropped(tmp_path, monkeypatch):
    problem, cert = write(tmp_path, "glob", SMT_UNSAT["glob-s3"]), tmp_path / "glob.cert"
    monkeypatch.setattr(cvc5_run, "ask", _lying("unsat", [[('(= (str.indexof r "a" 0) 3)', False)]]))
    result = cvc5_import.run(problem, cert)
    assert len(result.dropped) == 1 and "str.indexof" in result.dropped[0][1]
    verify_everywhere(problem, cert)


def _term(problem, text):
    return problem.parse_term(text.encode(), "Bool")


def test_an_integer_lemma_that_needs_case_splits_becomes_several_lemmas():
    problem = read(b"(declare-const x Int) (declare-const y Int)")
    atoms = ["(>= (+ x (* 2 y)) 4)", "(<= (+ (* 2 x) y) 4)", "(<= (+ (* (- 1) x) (* 3 y)) 4)"]
    literals = []
    for text in atoms:  # the clause: not all three (no integer point satisfies them; a real one does)
        key, positive = canonical(problem, _term(problem, text))
        literals.append((key, not positive))
    lemmas = justify(problem, literals)
    splits = {(key, positive) for lemma in lemmas for key, positive in lemma.literals} - set(literals)
    assert len(lemmas) >= 2 and splits  # new atoms x <= k, each used both ways
    assert all((key, not positive) in splits for key, positive in splits)
    assert all(lemma.tag in ("lra", "lia") for lemma in lemmas)


def test_a_satisfiable_negation_is_not_justified():
    problem = read(b"(declare-const x Real) (declare-const y Real)")
    key, positive = canonical(problem, _term(problem, "(< x y)"))
    with pytest.raises(Unjustified):
        justify(problem, [(key, positive)])
