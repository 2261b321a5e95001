"""Terms nest as deep as the input: the SMT kernel reads, canonicalises and evaluates them with explicit
stacks, never by recursion, and leaves the interpreter's recursion limit alone.  (An earlier kernel
raised that limit to 200,000 for the whole process: the next deep JSON document crashed the
interpreter's C stack, and on Python 3.10 a term 20,000 deep crashed the kernel itself.)  Deep cases
run in a child process, so a regression fails a test instead of killing the test run."""
import hashlib
import json
import subprocess
import sys
import textwrap

import pytest

import checker
from checker import smtlib
from checker.smtlib import SmtError
from smt_helpers import ROOT, prove, verdicts

DEPTH = 100_000  # a hundred times the default recursion limit


def in_child(code, tmp_path):
    """Run `code` in a fresh interpreter (the project on its path); its standard output."""
    script = tmp_path / "child.py"
    script.write_text("import sys\nsys.path[:0] = [%r, %r]\n" % (str(ROOT), str(ROOT / "tests")) + textwrap.dedent(code))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    return done.stdout


def sat_certificate(tmp_path, problem_text, model):
    problem, cert = tmp_path / "deep.smt2", tmp_path / "deep.cert"
    problem.write_text(problem_text)
    cert.write_text(f"smtcert 2\nproblem {hashlib.sha256(problem.read_bytes()).hexdigest()}\nsat\n{model}\n")
    return problem, cert


def nest(head, inner, depth, extra=""):
    return f"({head} {extra}" * depth + inner + ")" * depth


@pytest.mark.slow
def test_a_model_of_a_deeply_nested_assertion_is_checked(tmp_path):
    sat_certificate(tmp_path, "(declare-const b Bool)(declare-const x Int)"
                    f"(assert {nest('and', '(> x 2)', DEPTH, 'b ')})"
                    f"(assert (ite b {nest('not', 'b', DEPTH)} false))", "(define-fun b () Bool true)\n"
                    "(define-fun x () Int 3)")
    out = in_child("""
        import json, sys, checker
        limit = sys.getrecursionlimit()
        verdicts = [checker.check_smt("deep.smt2", "deep.cert", kernel) for kernel in checker.kernels()]
        print(json.dumps([v.status for v in verdicts] + [sys.getrecursionlimit() == limit]))
        """, tmp_path)
    assert json.loads(out) == ["VERIFIED"] * len(checker.kernels()) + [True], out


def test_a_deep_model_that_falsifies_is_rejected(tmp_path):
    sat_certificate(tmp_path, f"(declare-const b Bool)(assert {nest('and', '(not b)', DEPTH, 'b ')})",
                    "(define-fun b () Bool true)")
    out = in_child("""
        import checker
        v = checker.check_smt("deep.smt2", "deep.cert", "python")
        print(v.status, v.reason)
        """, tmp_path)
    assert out.startswith("NOT VERIFIED the model falsifies assertion 1"), out


@pytest.mark.slow
def test_deep_arithmetic_let_chains_and_define_fun_chains_go_through_producer_and_kernel(tmp_path):
    """unsat: x > 0 and a sum of x nested DEPTH deep (linearised by an explicit stack) below 0; a let
    chain and a chain of define-funs, each using the one before it, lead to the same atom."""
    lets = "".join(f"(let ((y{i} (+ y{i - 1} 1))) " for i in range(1, 2001))
    funs = "".join(f"(define-fun f{i} ((a Int)) Int (+ (f{i - 1} a) 1))" for i in range(1, 2001))
    text = (f"(declare-const x Int)(define-fun f0 ((a Int)) Int a){funs}(assert (> x 0))"
            f"(assert (< {nest('+', 'x', DEPTH // 5, 'x ')} 0))"
            f"(assert (let ((y0 x)) {lets}(= y2000 (f2000 x)){')' * 2000}))")
    (tmp_path / "p.smt2").write_text(text)
    out = in_child("""
        from pathlib import Path
        from smt_helpers import prove, verdicts
        _, cert, result = prove(Path("."), Path("p.smt2"))
        print(result.answer, [v.status for v in verdicts(Path("p.smt2"), cert)])
        """, tmp_path)
    assert out.strip() == f"unsat {['VERIFIED'] * len(checker.kernels())}", out


@pytest.mark.parametrize("text, words", [
    ("(declare-const x " + "(" * DEPTH + "Int" + ")" * DEPTH + ")", "unsupported sort: (... ...)"),
    ("(declare-const x Int)(assert (" + "(" * DEPTH + "f" + ")" * DEPTH + " x))", "expected a function symbol"),
], ids=["sort", "head"])  # short ids: pytest puts the test's id in the environment of the child
def test_a_deep_unsupported_form_is_named_by_its_head_not_printed_whole(tmp_path, text, words):
    problem = tmp_path / "deep.smt2"
    problem.write_text(text)
    out = in_child("""
        import checker
        try:
            checker.check_smt("deep.smt2", "deep.smt2")
        except checker.InputError as error:
            print(error)
        """, tmp_path)
    assert "deep.smt2: line 1, column" in out and words in out, out


def test_a_define_fun_sees_only_those_defined_before_it(tmp_path):
    """define-fun is not recursive: a body naming a later define-fun (which names it back) is refused."""
    with pytest.raises(SmtError, match="line 1, column 29: in the body of define-fun f: unknown symbol g"):
        smtlib.read(b"(define-fun f ((a Int)) Int (g a))(define-fun g ((a Int)) Int (f a))(assert (= (f 1) 1))")


def test_a_model_value_may_not_call_a_declared_function(tmp_path):
    """A model is a table of values: a body that names a declared function (here itself, which would
    never end) is bad input, found by the reader."""
    problem, cert = sat_certificate(tmp_path, "(declare-fun f (Int) Int)(assert (= (f 1) 1))",
                                    "(define-fun f ((a Int)) Int (f a))")
    for kernel in checker.kernels():
        with pytest.raises(checker.InputError, match=r"deep.cert: line 4: .*unknown symbol f"):
            checker.check_smt(problem, cert, kernel)


def test_a_model_value_over_abstract_values_is_still_accepted(tmp_path):
    problem, cert = sat_certificate(tmp_path, "(declare-sort U 0)(declare-fun f (U) Int)(declare-const u U)"
                                    "(assert (= (f u) 2))",
                                    "(declare-const @U_0 U)\n(define-fun u () U @U_0)\n"
                                    "(define-fun f ((a U)) Int (ite (= a @U_0) 2 (- 1)))")
    assert all(v.verified for v in (checker.check_smt(problem, cert, k) for k in checker.kernels()))


def test_the_kernel_leaves_the_recursion_limit_alone(tmp_path):
    limit = sys.getrecursionlimit()
    problem, cert, result = prove(tmp_path, "(declare-const x Int)(assert (< x 0))(assert (> x 0))")
    assert result.answer == "unsat" and all(v.verified for v in verdicts(problem, cert))
    assert sys.getrecursionlimit() == limit


@pytest.mark.parametrize("text, words", [
    ("(declare-const s String)(assert (str.in_re s ((_ re.^ 64) ((_ re.^ 64) ((_ re.^ 64) re.allchar)))))",
     "a repetition of more than 4096 positions"),
    ("(declare-const b Bool)(define-fun f0 ((x Bool)) Bool x)" +
     "".join(f"(define-fun f{i} ((x Bool)) Bool (and (f{i - 1} x) (f{i - 1} x)))" for i in range(1, 60)) +
     "(assert (f59 b))", "over 64 steps a byte"),
], ids=["repetitions-nested", "define-funs-doubling"])
def test_a_short_script_that_would_take_exponential_time_is_refused(tmp_path, text, words):
    """Under a kilobyte each: 64^3 positions, or 2^59 expansions of f0.  Refused by name, in a child with a
    time bound so that a regression fails instead of hanging the run."""
    (tmp_path / "p.smt2").write_text(text)
    out = in_child("""
        from checker import smtlib
        try:
            smtlib.read(open("p.smt2", "rb").read())
        except smtlib.SmtError as error:
            print(error)
        """, tmp_path)
    assert "line 1, column" in out and words in out, out


LINEAR = {  # (problem, answer): 10^5 levels; the kernel's memory must follow the input, not its square
    "let-sums": ("(declare-fun x () Int)(assert " + "".join(f"(let ((y{i} (+ {'x' if i == 0 else f'y{i - 1}'} 1))) "
                                                            for i in range(DEPTH)) +
                 f"(< y{DEPTH - 1} x)" + ")" * DEPTH + ")", "unsat"),
    "nested-sum": ("(declare-fun x () Int)(assert (< " + "(+ x " * DEPTH + "0" + ")" * DEPTH + " x))", "sat"),
    "nested-and": ("(declare-fun p () Bool)(assert " + "(and p " * DEPTH + "(not p)" + ")" * DEPTH + ")", "unsat"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LINEAR))
def test_deep_let_chains_sums_and_conjunctions_check_in_memory_linear_in_them(tmp_path, name):
    """Each 10^5 levels deep (an earlier kernel copied the let environment at every binding: 3 GB and no
    answer for 10^6); both kernels verify, and the checking process stays under 300 MB (peak RSS,
    measured by the child itself: about 110 MB here)."""
    text, answer = LINEAR[name]
    (tmp_path / "p.smt2").write_text(text)
    _, cert, result = prove(tmp_path, tmp_path / "p.smt2")
    assert result.answer == answer
    out = in_child("""
        import re, checker
        for kernel in checker.kernels():
            print(checker.check_smt("p.smt2", "p.cert", kernel).status)
        # this process's own peak (ru_maxrss would count the test process it was forked from)
        print(re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read()).group(1))
        """, tmp_path).split()
    assert out[:-1] == ["VERIFIED"] * len(checker.kernels()) and int(out[-1]) < 300 * 1024, out


def test_a_distinct_of_too_many_terms_is_refused_by_name():
    n = 20_000  # 2 * 10^8 pairs from 400 KB
    text = "(declare-sort U 0)" + "".join(f"(declare-const a{i} U)" for i in range(n)) + \
        f"(assert (distinct {' '.join(f'a{i}' for i in range(n))}))"
    with pytest.raises(SmtError, match="unsupported: a distinct of more pairs than 64 a byte"):
        smtlib.read(text.encode())


def repeated_lemmas(tmp_path, tag, depth, copies):
    """(problem, certificate): a = b refutes f^depth(a) != f^depth(b); the certificate states the one
    congruence lemma `copies` times (each copy a clause the refutation may use), then refutes."""
    left, right = "a", "b"
    for _ in range(depth):
        left, right = f"(f {left})", f"(f {right})"
    problem = tmp_path / "p.smt2"
    problem.write_text("(set-logic QF_UF)(declare-sort U 0)(declare-fun a () U)(declare-fun b () U)"
                       f"(declare-fun f (U) U)\n(assert (= a b))\n(assert (not (= {left} {right})))\n(check-sat)\n")
    cert = tmp_path / "p.cert"
    cert.write_text(f"smtcert 2\nproblem {hashlib.sha256(problem.read_bytes()).hexdigest()}\nunsat\n" +
                    f"lemma {tag} -1 2 0\n" * copies + f"refutation lrat\n{copies + 3} 0 1 2 3 0\n")
    return problem, cert


@pytest.mark.parametrize("tag", ["euf", "eufla"])
def test_a_few_lemmas_over_one_deep_term_verify(tmp_path, tag):
    assert [v.status for v in verdicts(*repeated_lemmas(tmp_path, tag, 2_000, 3))] == ["VERIFIED"] * len(
        checker.kernels())


@pytest.mark.parametrize("tag", ["euf", "eufla"])
def test_lemmas_whose_work_outgrows_the_input_are_refused_by_name(tmp_path, tag):
    """Each copy costs the kernel the 2,000 applications under its atoms (twice: a pass merges, one more
    sees nothing change), from 17 bytes of certificate: 3,000 copies would be quadratic (over 10^7 steps
    from 70 KB).  The work budget, 64 steps a byte of problem and certificate plus a million, stops it at
    the copy that spends it: exit 2, naming the line."""
    problem, cert = repeated_lemmas(tmp_path, tag, 1_000, 3_000)
    for kernel in checker.kernels():
        with pytest.raises(checker.InputError, match=r"p\.cert.*line \d+: unsupported: theory lemmas taking "
                                                     r"over 64 steps a byte of problem and certificate"):
            checker.check_smt(problem, cert, kernel)
