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


def _kernel_verdicts(atoms, lemmas):
    """Each lemma as the kernel judges it: the problem and the atom lines read afresh, in order."""
    from checker import theory
    from checker.smt import declare
    replay = read(atoms.problem.data)
    skeleton = Skeleton(replay)
    for line in atoms.lines:
        _, number, text = line.split(" ", 2)
        declare(replay, skeleton, number, text.encode(), 0)
    return [theory.check(tag, [(skeleton.atoms[abs(lit)], lit < 0) for lit in lits], list(witness), replay)
            for tag, lits, witness in lemmas]


@pytest.mark.parametrize("relation, bound", [("<=", "3"), ("=", "3"), ("<", "1.5")])
def test_atom_lines_are_read_the_kernels_way_round(relation, bound):
    """cvc5's literals make terms in another order than the kernel's reading of the atom lines: here
    (f 2) is made first (by a literal that is then dropped), while the kernel first meets (f 1).  A
    linear atom over both then has the other orientation in the kernel; the lemmas say it its way."""
    sort = "Real" if "." in bound else "Int"
    problem = read(f"(declare-fun f (Int) {sort})(declare-const x {sort})(assert (< x 0))".encode())
    atoms = cvc5_import.Atoms(problem)
    cvc5_import.clauses_of(atoms, [("(= (f 2) 7)", True)])  # parsed, then dropped: it makes (f 2) first
    clause = cvc5_import.clauses_of(atoms, [  # f1 <= k and f2 REL f1 imply f2 <= k (or f2 < k)
        (f"(<= (f 1) {bound})", False), (f"({relation} (f 2) (f 1))", False),
        (f"({'<' if relation == '<' else '<='} (f 2) {bound})", True)])[0]
    lemmas = [tuple(lemma) for lemma in atoms.number(justify(problem, clause))]
    assert lemmas and all(v is not checker.theory.VALID for v in _kernel_verdicts(atoms, lemmas))  # as we meant them
    assert all(v is checker.theory.VALID for v in _kernel_verdicts(atoms, cvc5_import.as_the_kernel_reads(atoms, lemmas)))


def test_a_disequality_read_the_other_way_round_swaps_its_two_refutations():
    problem = read(b"(declare-fun f (Int) Int)(declare-const x Int)(assert (< x 0))")
    atoms = cvc5_import.Atoms(problem)
    cvc5_import.clauses_of(atoms, [("(= (f 2) 7)", True)])
    clause = cvc5_import.clauses_of(atoms, [  # f1 <= 3, f2 >= 4 ... f2 - f1 is 1 at least; not equal to 0
        ("(<= (f 1) 3)", False), ("(>= (f 2) 4)", False), ("(= (f 2) (f 1))", False)])[0]
    lemmas = [tuple(lemma) for lemma in atoms.number(justify(problem, clause))]
    assert lemmas and not all(v is checker.theory.VALID for v in _kernel_verdicts(atoms, lemmas))
    assert all(v is checker.theory.VALID for v in _kernel_verdicts(atoms, cvc5_import.as_the_kernel_reads(atoms, lemmas)))


def test_purification_skolems_are_named_by_their_terms(tmp_path):
    """cvc5 takes Boolean arguments out of applications (@purify_N); the lemmas it gives back name
    the terms themselves, which our atoms can name (the skolems no certificate can)."""
    text = "(set-logic QF_UF)(declare-fun g (Bool) Bool)" + "".join(f"(declare-const {v} Bool)" for v in "pqrst") + \
           "(assert (or p q))(assert (or (not q) r))(assert s)(assert t)(assert (not (= (g (or p r)) (g (and s t)))))"
    answer = cvc5_run.ask(write(tmp_path, "purify", text))
    assert answer.status == "unsat" and answer.lemmas
    literals = [atom for lemma in answer.lemmas for atom, _ in lemma]
    assert not any("@purify" in atom for atom in literals) and "(g (or p r))" in literals, answer.lemmas
