"""export-cnf and verify --cross-check: a certificate's propositional part as plain DIMACS + LRAT that
checkers which are not ours read (cake_lpr, lrat-check), and the bundle check that runs them.

The independent checkers are not in CI: a fake one (a script printing what cake_lpr prints) tests how
verdicts are read and that a disagreement fails the verification; the real ones run when on PATH."""
import glob
import shutil
import stat
import sys
from pathlib import Path

import pytest
from lrat_grammar import check_text

import checker
from evidence.errors import UserError
from evidence.export import export_cnf, export_smt, plain_dimacs, plain_lrat
from pipeline import ROOT, populate, run, run_plain, sqlite_url

UNSAT_CERTS = sorted(glob.glob(str(ROOT / "samples/smt/*unsat*.cert")))


def problem_of(cert):
    return Path(cert.replace("-drat.cert", ".cert").removesuffix(".cert") + ".smt2")


def assert_plain_dimacs(data: bytes):
    lines = data.decode().splitlines()
    words = lines[0].split()
    assert words[:2] == ["p", "cnf"] and len(words) == 4
    assert int(words[3]) == len(lines) - 1
    for line in lines[1:]:
        assert line.endswith(" 0") or line == "0"
        assert not line.startswith(("c", "%")) and "  " not in line
    return int(words[3])


@pytest.mark.parametrize("cert", UNSAT_CERTS, ids=lambda c: Path(c).name)
def test_every_sample_smt_refutation_exports_to_a_pair_the_kernel_verifies(tmp_path, cert):
    done = export_smt(problem_of(cert), Path(cert), tmp_path)
    assert done.kernel_verified
    clauses = assert_plain_dimacs(done.cnf.read_bytes())
    assert clauses == done.clauses == done.skeleton_clauses + sum(done.lemmas.values())
    additions, _ = check_text(done.lrat.read_bytes(), clauses)
    assert additions == done.steps > 0
    assert done.left_to_kernel[0].startswith(f"the skeleton's {done.skeleton_clauses} clauses")


def test_the_lemma_counts_name_each_theory(tmp_path):
    done = export_smt(ROOT / "samples/smt/str-length-unsat.smt2", ROOT / "samples/smt/str-length-unsat.cert", tmp_path)
    cert = (ROOT / "samples/smt/str-length-unsat.cert").read_text()
    written = [line.split()[1] for line in cert.splitlines() if line.startswith("lemma ")]
    assert sum(done.lemmas.values()) == len(written) and set(done.lemmas) == set(written)
    assert any(" len lemma" in t for t in done.left_to_kernel)


def test_a_drat_refutation_is_elaborated_into_lrat(tmp_path):
    cert = ROOT / "samples/smt/lia-pigeons-unsat-drat.cert"
    assert "refutation drat" in cert.read_text()
    done = export_smt(problem_of(str(cert)), cert, tmp_path)
    assert done.kernel_verified and check_text(done.lrat.read_bytes(), done.clauses)[0] == done.steps


def test_a_satisfiable_answer_has_nothing_to_export(tmp_path):
    with pytest.raises(UserError, match="satisfiable answer has no refutation"):
        export_smt(ROOT / "samples/smt/lra-sat.smt2", ROOT / "samples/smt/lra-sat.cert", tmp_path)


def test_a_broken_lemma_is_refused_not_exported(tmp_path):
    cert = (ROOT / "samples/smt/lra-unsat.cert").read_text().splitlines()
    i = next(i for i, line in enumerate(cert) if line.startswith("lemma "))
    words = cert[i].split()
    words[-1] = str(int(words[-1]) + 7) if words[-1].lstrip("-").isdigit() else "3"
    cert[i] = " ".join(words)
    bad = tmp_path / "bad.cert"
    bad.write_text("\n".join(cert) + "\n")
    with pytest.raises(UserError, match="kernel rejects"):
        export_smt(ROOT / "samples/smt/lra-unsat.smt2", bad, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["php-4.lrat", "php-4.blrat", "rnd3-40.blrat", "rat-extension.lrat",
                                  "chessboard-6.lrat.xz"])
def test_cnf_certificates_text_and_binary_export_to_text_one_step_a_line(tmp_path, name):
    stem = name.split(".")[0]
    done = export_cnf(ROOT / f"samples/lrat/{stem}.cnf", ROOT / f"samples/lrat/{name}", tmp_path)
    assert done.kernel_verified
    assert assert_plain_dimacs(done.cnf.read_bytes()) == done.clauses
    assert check_text(done.lrat.read_bytes(), done.clauses)[0] == done.steps


def test_a_drat_proof_of_a_cnf_exports_as_its_lrat(tmp_path):
    done = export_cnf(ROOT / "samples/lrat/php-4.cnf", ROOT / "samples/drat/php-4-cadical195.drat", tmp_path)
    assert done.kernel_verified and done.steps > 0


def test_satlib_comments_and_trailer_are_dropped():
    text, count = plain_dimacs(b"c a comment\np cnf 3 2\n1 -2\n 0\n2 3 0\n%\n0\n", "f.cnf")
    assert (text, count) == (b"p cnf 3 2\n1 -2 0\n2 3 0\n", 2)


@pytest.mark.parametrize("data, match", [(b"1 2 0\n", "before the header"), (b"p cnf 2 1\n1 2\n", "no 0"),
                                         (b"p cnf x 1\n", "line 1: 'x' is not a number"),
                                         (b"p cnf 2 1\n1 y 0\n", "line 2: 'y'")])
def test_bad_dimacs_names_the_file(data, match):
    with pytest.raises(UserError, match=match):
        plain_dimacs(data, "f.cnf")


def test_lrat_split_over_lines_is_joined_and_deletions_keep_their_id():
    text, additions = plain_lrat(b"5 2 0\n 1 2 0\n5 d 1\n 2 0\n6 0 5 3 4 0\n", "p.lrat")
    assert (text, additions) == (b"5 2 0 1 2 0\n5 d 1 2 0\n6 0 5 3 4 0\n", 2)


@pytest.mark.parametrize("data", [b"5 2 0 1 2", b"a\x0a\x04\x00"])
def test_truncated_lrat_is_named(data):
    with pytest.raises(UserError, match="p.lrat"):
        plain_lrat(data, "p.lrat")


def test_the_command_writes_the_pair_and_says_what_is_left(tmp_path):
    r = run_plain("export-cnf", ROOT / "samples/smt/uf-congruence-unsat.smt2",
                  ROOT / "samples/smt/uf-congruence-unsat.cert", "-o", tmp_path, "--name", "x")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "x.cnf").exists() and (tmp_path / "x.lrat").exists()
    assert "VERIFIED" in r.output and "euf lemmas hold" in r.output and "cake_lpr" in r.output
    bad = run_plain("export-cnf", ROOT / "samples/smt/lra-sat.smt2", ROOT / "samples/smt/lra-sat.cert", "-o", tmp_path)
    assert bad.exit_code == 2 and "no refutation" in bad.output


# ---- verify --cross-check ---------------------------------------------------------
def fake_checker(tmp_path, name, output, code=0):
    """A script that prints `output` for any input, as the independent checker would."""
    path = tmp_path / name
    path.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write({output!r})\nsys.exit({code})\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    d = tmp_path_factory.mktemp("crossbundle")
    db = sqlite_url(d)
    populate(db)
    out = d / "before.tar.gz"
    assert run("bundle", "before", "-o", out, db=db).exit_code == 0
    return out


def passes_in(output):
    return output.count("VERIFIED its refutation")


def test_an_agreeing_checker_verifies_every_pass_and_is_counted(bundled, tmp_path):
    fake = fake_checker(tmp_path, "cake", "c cake_lpr\r\ns VERIFIED UNSAT\n")
    r = run_plain("verify", bundled, "--allow-unsigned", "--cross-check", f"cake_lpr={fake}")
    assert r.exit_code == 0, r.output
    assert passes_in(r.output) > 0
    assert f"cake_lpr: verified the propositional part of {passes_in(r.output)} certificate(s)" in r.output
    assert "left to proofgate's kernel alone" not in r.output  # CNF refutations: the checker re-checks all


@pytest.mark.parametrize("output, code", [("c Checking failed at line: 3\n", 0),  # cake_lpr exits 0 on rejection
                                          ("", 0), ("s VERIFIED SAT\n", 0), ("c s VERIFIED UNSAT\n", 0)])
def test_a_disagreeing_checker_fails_the_verification(bundled, tmp_path, output, code):
    fake = fake_checker(tmp_path, "cake", output, code)
    r = run_plain("verify", bundled, "--allow-unsigned", "--cross-check", f"cake_lpr={fake}")
    assert r.exit_code == 1 and "s NOT VERIFIED" in r.output
    assert "the kernel verified it, cake_lpr did not" in r.output


def test_lrat_check_needs_its_exit_code_and_its_line(bundled, tmp_path):
    good = fake_checker(tmp_path, "good", "c parsed\nc VERIFIED\n")
    bad = fake_checker(tmp_path, "bad", "c VERIFIED\n", 1)
    assert run_plain("verify", bundled, "--allow-unsigned", "--cross-check", f"lrat-check={good}").exit_code == 0
    assert run_plain("verify", bundled, "--allow-unsigned", "--cross-check", f"lrat-check={bad}").exit_code == 1


@pytest.mark.parametrize("spec, match", [("z3", "unknown checker"), ("cake_lpr=/no/such/cake", "not on PATH")])
def test_an_unusable_checker_is_a_usage_error(bundled, spec, match):
    r = run_plain("verify", bundled, "--allow-unsigned", "--cross-check", spec)
    assert r.exit_code == 2 and match in r.output


# ---- the real checkers, when a developer has them on PATH ---------------------------
REAL = [name for name in ("cake_lpr", "lrat-check") if shutil.which(name)]


@pytest.mark.skipif(not REAL, reason="neither cake_lpr nor lrat-check is on PATH")
def test_the_real_checkers_verify_every_exported_sample(tmp_path):
    from evidence.crosscheck import parse
    for cert in UNSAT_CERTS:
        done = export_smt(problem_of(cert), Path(cert), tmp_path / Path(cert).stem)
        for name in REAL:
            verdict, note = parse(name).check(done.cnf, done.lrat)
            assert verdict is True, (cert, name, note)


@pytest.mark.skipif(not REAL, reason="neither cake_lpr nor lrat-check is on PATH")
def test_the_real_checkers_verify_a_bundle(bundled):
    r = run_plain("verify", bundled, "--allow-unsigned", *sum((["--cross-check", n] for n in REAL), []))
    assert r.exit_code == 0, r.output
    assert all(f"{n}: verified the propositional part of {passes_in(r.output) // len(REAL)}" in r.output for n in REAL)


def test_the_exported_files_are_unchanged_by_a_second_export(tmp_path):
    cert = ROOT / "samples/smt/lra-chain-unsat.cert"
    a = export_smt(problem_of(str(cert)), cert, tmp_path / "a")
    b = export_smt(problem_of(str(cert)), cert, tmp_path / "b")
    assert a.cnf.read_bytes() == b.cnf.read_bytes() and a.lrat.read_bytes() == b.lrat.read_bytes()
    assert checker.check_lrat(str(a.cnf), str(a.lrat)).verified


# ---- REPRODUCE.md in a bundle ------------------------------------------------------
def reproduce_commands(bundle, into):
    import tarfile
    with tarfile.open(bundle) as tar:
        tar.extractall(into, filter="data")
    text = (into / "REPRODUCE.md").read_text()
    return text, [line.split("  #")[0].split() for line in text.splitlines()
                  if line.startswith(("proofgate check ", "proofgate export-cnf ", "cake_lpr cross/", "lrat-check cross/"))]


def test_the_bundle_says_how_to_reproduce_each_answer_and_its_commands_do(bundled, tmp_path, monkeypatch):
    from evidence.crosscheck import parse
    text, commands = reproduce_commands(bundled, tmp_path)
    checks = [c for c in commands if c[:2] == ["proofgate", "check"]]
    exports = [c for c in commands if c[:2] == ["proofgate", "export-cnf"]]
    assert len(checks) == text.count("\n### ") > len(exports) == text.count(": PASS\n") > 0  # C-2 is a FAIL
    assert "--cross-check cake_lpr" in text
    monkeypatch.chdir(tmp_path)
    for command in checks + exports:
        r = run_plain(*command[1:])
        assert r.exit_code == 0 and "VERIFIED" in r.output, (command, r.output)
    for command in commands:
        if command[0] in REAL:
            verdict, note = parse(command[0]).check(*command[1:])
            assert verdict is True, (command, note)


@pytest.mark.parametrize("suffix, model_suffix, command", [
    (".cnf", ".model", "proofgate check inputs/f.cnf --model models/m.model"),
    (".smt2", ".smtcert", "proofgate check inputs/f.smt2 models/m.smtcert")])  # an SMT model is its certificate
def test_the_check_command_of_a_counterexample_is_the_one_that_reads_it(suffix, model_suffix, command):
    from evidence.outputs.assessment import ResultView
    from evidence.store.models import Artifact
    view = ResultView(None, Artifact(sha256="f", size=1, kind="formula", suffix=suffix),
                      Artifact(sha256="m", size=1, kind="model", suffix=model_suffix), None)
    assert view.check_command == command
