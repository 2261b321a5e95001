"""A `proofgate prove` killed half way leaves a consistent store (no PASS without its artifacts,
no solver left running) and the run can be resumed."""
import signal
import subprocess
import sys

import pytest

from bench.families import pigeonhole, write_dimacs
from pipeline import PHP4, RAT, ROOT, SAT40, assert_consistent, solver_processes, sqlite_url, stored, wait_until


def start_prove(tmp_path, *formulas):
    db = sqlite_url(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "evidence.cli", "prove", "--db", db, *map(str, formulas)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return db, proc


@pytest.fixture
def hard(tmp_path):
    path = tmp_path / "php-12.cnf"  # far beyond CaDiCaL's reach: the solver is busy until killed
    write_dimacs(path, *pigeonhole(12))
    return path


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_mid_run_is_consistent_and_resumes(tmp_path, hard, sig):
    formulas = (PHP4, hard, RAT, SAT40)
    db, proc = start_prove(tmp_path, *formulas)
    try:
        wait_until(lambda: len(stored(db)[2]) == 1 and solver_processes(tmp_path), "first result stored, solver busy")
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    wait_until(lambda: not solver_processes(tmp_path), "the orphaned solver is gone")
    store, run_, results = stored(db)
    assert run_.status == "running"  # the store knows the run did not finish
    assert [(r.control_id, r.verdict) for r in results] == [("php-4", "PASS")]
    assert_consistent(store)
    if sig == signal.SIGTERM:  # a polite stop says how to go on
        assert proc.returncode == 130
        assert f"--resume {run_.id}" in err.decode()
    else:
        assert proc.returncode == -signal.SIGKILL
    first_id = results[0].id

    resumed = subprocess.run([sys.executable, "-m", "evidence.cli", "prove", "--db", db, "--resume", run_.id,
                              "--timeout", "1", *map(str, formulas)], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    assert resumed.returncode == 1, resumed.stdout + resumed.stderr  # a FAIL; the hard one is NOT CHECKABLE
    lines = resumed.stdout.splitlines()
    assert "already in run" in lines[0]
    assert lines[1].startswith("NOT CHECKABLE") and "timed out" in lines[1]
    assert lines[2].startswith("PASS") and lines[3].startswith("FAIL")
    store, run_, results = stored(db)
    assert run_.status == "complete" and len(results) == 4
    assert next(r for r in results if r.control_id == "php-4").id == first_id  # kept, not proved again
    assert_consistent(store)
    if sig == signal.SIGTERM:  # cleaned up on the way out (after SIGKILL, temporary files may stay: harmless)
        assert not list((store.artifacts / "tmp").iterdir())
