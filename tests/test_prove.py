"""`proofgate prove`: solver in a worker, kernel verdicts, the PASS/FAIL/NOT CHECKABLE mapping, exit codes."""
import json

import pytest

from bench.families import pigeonhole, random_ksat, write_dimacs
from evidence.exits import of_results
from evidence.pipeline import solve as prove_module
from evidence.pipeline.jobs import TOKEN, default_name
from evidence.pipeline.provenance import run_fields
from evidence.solvers import cadical as solve
from evidence.store.store import Store
from pipeline import PHP4, PHP4_GZ, RAT, SAMPLES, SAT40, assert_consistent, run, sha256, solver_processes, sqlite_url


@pytest.fixture
def db(tmp_path):
    return sqlite_url(tmp_path)


def results(db):
    store = Store(db)
    return store, store.results(store.run().id)


def test_unsat_is_pass_and_sat_is_fail(db):
    r = run("prove", PHP4, RAT, SAT40, db=db)
    assert r.exit_code == 1, r.output  # a FAIL among the results
    lines = r.output.splitlines()
    assert lines[0].startswith("PASS") and "php-4/php-4" in lines[0]
    assert lines[1].startswith("PASS") and "rat-extension" in lines[1]
    assert lines[2].startswith("FAIL") and "rnd3-40-sat" in lines[2]
    assert lines[-1].endswith("2 PASS, 1 FAIL, 0 NOT CHECKABLE")
    store, rs = results(db)
    by = {r.control_id: r for r in rs}
    assert by["php-4"].verdict == "PASS" and by["php-4"].proof_sha256 and not by["php-4"].model_sha256
    assert by["php-4"].formula_sha256 == sha256(PHP4)  # the formula as given, byte for byte
    assert by["rnd3-40-sat"].verdict == "FAIL" and by["rnd3-40-sat"].model_sha256
    assert by["php-4"].kernel_status == "VERIFIED" and by["php-4"].kernel_digest
    assert store.run().status == "complete"
    assert_consistent(store)


def test_only_pass_exits_zero_and_compressed_input_keeps_its_suffix(db):
    r = run("prove", PHP4_GZ, "--control", "AC-3", "--subject", "bucket-a", db=db)
    assert r.exit_code == 0, r.output
    store, [res] = results(db)
    assert (res.control_id, res.subject, res.verdict) == ("AC-3", "bucket-a", "PASS")
    art = store.artifacts_by_hash([res.formula_sha256])[res.formula_sha256]
    assert art.suffix == ".cnf.gz" and art.size == PHP4_GZ.stat().st_size


def test_the_model_is_a_counterexample_in_v_lines(db):
    run("prove", SAT40, db=db)
    store, [res] = results(db)
    text = store.path_of(res.model_sha256).read_text()
    assert text.startswith("s SATISFIABLE\nv ") and text.rstrip().endswith(" 0")
    lits = [int(t) for line in text.splitlines()[1:] for t in line.split()[1:]]
    assert sorted(abs(x) for x in lits[:-1]) == list(range(1, 41))


def test_malformed_formula_is_bad_input_with_file_and_line(db, tmp_path):
    bad = SAMPLES / "invalid/malformed/clause-count-high.cnf"
    r = run("prove", bad, db=db)
    assert r.exit_code == 2
    store, [res] = results(db)
    assert res.verdict == "NOT CHECKABLE"
    assert str(bad) in res.reason and "line" in res.reason and "header declares" in res.reason
    assert res.solve_seconds is None  # refused before any solver time
    assert store.artifacts_by_hash([res.formula_sha256])[res.formula_sha256].kind == "formula"  # kept as evidence


def test_missing_formula_is_bad_input(db, tmp_path):
    r = run("prove", tmp_path / "absent.cnf", db=db)
    assert r.exit_code == 2
    assert "absent.cnf" in r.output and "cannot read" in r.output and "Traceback" not in r.output


def test_timeout_is_not_checkable_and_leaves_no_solver(db, tmp_path):
    hard = tmp_path / "php-12.cnf"
    write_dimacs(hard, *pigeonhole(12))
    r = run("prove", hard, "--timeout", "0.5", db=db)
    assert r.exit_code == 4, r.output
    assert "NOT CHECKABLE" in r.output and "timed out after 0.5 s" in r.output
    assert not solver_processes(tmp_path)
    store, [res] = results(db)
    assert res.proof_sha256 is None and res.kernel_status is None
    assert not list((store.artifacts / "tmp").iterdir())  # the partial proof is not kept


def test_memory_limit_is_not_checkable(db, tmp_path):
    big = tmp_path / "big.cnf"
    write_dimacs(big, *random_ksat(20000, 40000, seed=1))
    r = run("prove", big, "--memory", "40", db=db)
    assert r.exit_code == 4, r.output
    store, [res] = results(db)
    assert res.verdict == "NOT CHECKABLE" and "memory" in res.reason


def fake_solver(answer, proof_bytes=None, model_text=None):
    def fake(formula, proof, model, timeout, memory_mb):
        if proof_bytes is not None:
            open(proof, "wb").write(proof_bytes)
        if model_text is not None:
            open(model, "w").write(model_text)
        return solve.Solved(answer, 0.01)
    return fake


@pytest.mark.parametrize("case", ["wrong-hint", "no-empty-clause"])
def test_a_proof_the_kernel_rejects_is_never_a_pass(tmp_path, monkeypatch, case):
    """The solver is untrusted: it claims UNSAT with a broken proof; the result must be NOT CHECKABLE."""
    monkeypatch.setattr(solve, "solve", fake_solver("UNSAT", (SAMPLES / f"invalid/{case}.lrat").read_bytes()))
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(**run_fields())
    p = prove_module.prove(store, run_.id, SAMPLES / f"invalid/{case}.cnf", "C-1", "s", 10, 1000)
    assert p.result.verdict == "NOT CHECKABLE" and not p.bad_input
    assert p.result.reason.startswith("the kernel rejected the solver's proof")
    assert p.result.kernel_status == "NOT VERIFIED"
    assert of_results([p.result.verdict], p.bad_input) == 4
    assert_consistent(store)


def test_a_wrong_model_is_never_a_fail(tmp_path, monkeypatch):
    model = (SAMPLES / "invalid/wrong-model.model").read_text()
    monkeypatch.setattr(solve, "solve", fake_solver("SAT", model_text=model))
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(**run_fields())
    p = prove_module.prove(store, run_.id, SAMPLES / "invalid/wrong-model.cnf", "C-1", "s", 10, 1000)
    assert p.result.verdict == "NOT CHECKABLE" and "falsifies clause" in p.result.reason


def test_garbage_from_the_solver_is_not_checkable(tmp_path, monkeypatch):
    monkeypatch.setattr(solve, "solve", fake_solver("UNSAT", b"this is not LRAT\n"))
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(**run_fields())
    p = prove_module.prove(store, run_.id, PHP4, "C-1", "s", 10, 1000)
    assert p.result.verdict == "NOT CHECKABLE" and "could not read the solver's proof" in p.result.reason
    assert not p.bad_input  # the user's input was fine


def test_resume_skips_stored_results_and_run_adds(db):
    first = run("prove", PHP4, db=db)
    run_id = first.output.splitlines()[-1].split()[1].rstrip(":")
    again = run("prove", "--resume", run_id, PHP4, SAT40, db=db)
    assert "already in run" in again.output.splitlines()[0]
    assert again.output.splitlines()[1].startswith("FAIL")
    store = Store(db)
    assert len(store.runs()) == 1 and len(store.results(run_id)) == 2
    assert run("prove", "--resume", "no-such-run", PHP4, db=db).exit_code == 2
    assert run("prove", "--run", "r1", "--resume", run_id, PHP4, db=db).exit_code == 2


def test_usage_errors_exit_2(db):
    assert run("prove", PHP4, SAT40, "--subject", "x", db=db).exit_code == 2
    assert run("prove", PHP4, "--control", "1bad id", db=db).exit_code == 2
    assert run("prove", PHP4, PHP4, db=db).exit_code == 2  # the same control and subject twice


def test_default_names_are_oscal_tokens():
    assert default_name("a/php-4.cnf.gz") == "php-4"
    assert default_name("3 sat.cnf") == "_3-sat"
    assert all(TOKEN.match(default_name(n)) for n in ("x.cnf", "9.cnf", "é.cnf"))


def test_verdict_json_is_the_kernels(db):
    run("prove", PHP4, db=db)
    store, [res] = results(db)
    verdict = json.loads(store.path_of(res.verdict_sha256).read_text())
    assert verdict["proof"]["sha256"] == res.proof_sha256 and verdict["counts"]["steps"] > 0
