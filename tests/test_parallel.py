"""`proofgate prove` in parallel: --jobs N (a local process pool) and --executor dask://HOST:PORT
(a real Dask cluster) give the verdicts one worker gives, in the same order."""
import subprocess
import sys

import pytest

from bench.families import pigeonhole, random_ksat, write_dimacs
from evidence.store.store import Store
from pipeline import ROOT, assert_consistent, run, solver_processes, sqlite_url, stored, wait_until


@pytest.fixture(scope="module")
def formulas(tmp_path_factory):
    """8 small formulas: pigeonhole(3..5) is unsat (PASS); random 3-SAT at ratio 2 is sat (FAIL)."""
    d = tmp_path_factory.mktemp("formulas")
    paths = []
    for n in (3, 4, 5):
        paths.append(d / f"php-{n}.cnf")
        write_dimacs(paths[-1], *pigeonhole(n))
    for seed in range(5):
        paths.append(d / f"rnd-{seed}.cnf")
        write_dimacs(paths[-1], *random_ksat(30, 60, seed=seed))
    return paths


EXPECTED = [("php-3", "PASS"), ("php-4", "PASS"), ("php-5", "PASS")] + [(f"rnd-{s}", "FAIL") for s in range(5)]


def prove(tmp_path, formulas, *options):
    db = sqlite_url(tmp_path)
    r = run("prove", *options, *formulas, db=db)
    assert r.exit_code == 1, r.output  # FAILs among the results
    lines = r.output.splitlines()
    store = Store(db)
    results = store.results(store.run().id)
    assert_consistent(store)
    assert not list((store.artifacts / "tmp").iterdir())
    assert store.run().status == "complete"
    return [line.split()[:2] for line in lines[:-1]], sorted((x.control_id, x.verdict) for x in results)


def test_jobs_2_gives_the_verdicts_of_jobs_1_in_the_same_order(tmp_path, formulas):
    one = prove(tmp_path / "one", formulas, "--jobs", "1")
    two = prove(tmp_path / "two", formulas, "--jobs", "2")
    assert one == two
    assert one[1] == sorted(EXPECTED)
    assert one[0] == [[v, f"{c}/{c}"] for c, v in EXPECTED]  # lines in command-line order


def test_a_real_dask_cluster_gives_the_same_verdicts(tmp_path, formulas, cluster):
    address = "dask://" + cluster.scheduler_address.split("://", 1)[1]
    local = prove(tmp_path / "local", formulas, "--jobs", "1")
    dask = prove(tmp_path / "dask", formulas, "--executor", address)
    assert dask == local


def test_executor_usage_errors(tmp_path, formulas, monkeypatch):
    db = sqlite_url(tmp_path)
    r = run("prove", "--jobs", "2", "--executor", "dask://127.0.0.1:8786", formulas[0], db=db)
    assert r.exit_code == 2 and "not both" in r.output
    r = run("prove", "--executor", "http://x", formulas[0], db=db)
    assert r.exit_code == 2 and "dask://HOST:PORT" in r.output
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask were not installed
    r = run("prove", "--executor", "dask://127.0.0.1:8786", formulas[0], db=db)
    assert r.exit_code == 2 and "pip install '.[dask]' in a proofgate checkout" in r.output


def test_a_lying_worker_never_makes_a_pass_or_fail(tmp_path, formulas, monkeypatch):
    """The kernel runs in the main process on the stored answer: a worker's claim is not evidence."""
    from concurrent.futures import ThreadPoolExecutor

    from evidence.pipeline import solve
    from evidence.pipeline.jobs import Job
    from evidence.pipeline.provenance import run_fields
    from evidence.pipeline.solve import Worked
    lies = {"php-3": Worked("UNSAT", 0.1, payload=b"this is not LRAT\n"),  # garbage for a proof
            "php-4": Worked("SAT", 0.1, payload=b"s SATISFIABLE\nv 1 2 3 0\n"),  # a model of an unsat formula
            "rnd-0": Worked("UNSAT", 0.1, payload=b"1 0 0\n")}  # "proves" a satisfiable formula
    monkeypatch.setattr(solve, "solve_chunk", lambda tasks, *_: (True, [lies[t.display.rsplit("/", 1)[-1][:-4]]
                                                                         for t in tasks]))
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(**run_fields())
    chosen = [f for f in formulas if f.stem in lies]
    with ThreadPoolExecutor(2) as pool:
        done = solve.prove_all(store, run_.id, [Job(f.stem, "s", str(f)) for f in chosen], pool, 10, 1000, ship=True)
    assert [p.result.verdict for p in done] == ["NOT CHECKABLE"] * 3
    assert all(not p.bad_input for p in done)
    assert_consistent(store)


def test_sigterm_stops_a_parallel_run_cleanly_and_it_resumes(tmp_path, formulas):
    import signal
    hard = tmp_path / "php-12.cnf"
    write_dimacs(hard, *pigeonhole(12))
    chosen = [formulas[0], hard, *formulas[3:5]]
    db = sqlite_url(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "evidence.cli", "prove", "--db", db, "--jobs", "2",
                             *map(str, chosen)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: len(stored(db)[2]) == 1 and solver_processes(tmp_path), "first result, solver busy")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130 and b"Traceback" not in err, err.decode()
    wait_until(lambda: not solver_processes(tmp_path), "no solver left")
    store, run_, results = stored(db)
    assert [(r.control_id, r.verdict) for r in results] == [("php-3", "PASS")]  # in order: none after the hard one
    assert not list((store.artifacts / "tmp").iterdir())
    assert_consistent(store)
    r = run("prove", "--resume", run_.id, "--jobs", "2", "--timeout", "1", *chosen, db=db)
    assert r.exit_code == 1, r.output  # a FAIL outranks a NOT CHECKABLE (prove and run share the rule)
    assert [line.split()[0] for line in r.output.splitlines()[:4]] == ["PASS", "NOT", "FAIL", "FAIL"]
    assert "already in run" in r.output.splitlines()[0]


def test_a_worker_started_after_its_main_process_died_exits_at_once():
    """PR_SET_PDEATHSIG only covers a parent that dies later: a worker still starting when the main
    process was killed (seen under load) would wait forever, holding the run's output pipes open."""
    code = "import os\nfrom evidence.pipeline import worker\nworker.init({})\nprint('still here')"
    gone = subprocess.run([sys.executable, "-c", code.format(-1)], capture_output=True, text=True, cwd=ROOT)
    assert gone.returncode == 1 and "still here" not in gone.stdout, gone.stderr
    alive = subprocess.run([sys.executable, "-c", code.format("os.getppid()")], capture_output=True, text=True,
                           cwd=ROOT)
    assert alive.returncode == 0 and "still here" in alive.stdout, alive.stderr
