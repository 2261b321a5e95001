"""`proofgate prove --proof-dir`: proofs that exist already are checked by the kernel in the workers,
stored, and give the same verdicts with --jobs 1, --jobs 2 and a real Dask cluster."""
import pytest

from evidence.families import pigeonhole, random_ksat, write_dimacs
from evidence.store import Store
from pipeline import assert_consistent, run, sqlite_url
from test_parallel import cluster  # noqa: F401  the module's LocalCluster fixture


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    """Formulas in f/, answers in p/: 3 valid proofs, a model, a corrupted proof, a malformed one."""
    from evidence._compat import solve_with_lrat
    from evidence.solve import write_model
    d = tmp_path_factory.mktemp("pairs")
    (d / "f").mkdir()
    (d / "p").mkdir()
    for n in (3, 4, 5):
        write_dimacs(d / "f" / f"php-{n}.cnf", *pigeonhole(n))
        assert solve_with_lrat(*pigeonhole(n), d / "p" / f"php-{n}.lrat") is None
    nvars, clauses = random_ksat(30, 60, seed=1)
    write_dimacs(d / "f" / "rnd.cnf", nvars, clauses)
    write_model(d / "p" / "rnd.model", solve_with_lrat(nvars, clauses, d / "scratch"))
    # Corrupted: the last addition loses a hint, so its check fails (well-formed, not a proof).
    write_dimacs(d / "f" / "wrong.cnf", *pigeonhole(4))
    lines = (d / "p" / "php-4.lrat").read_text().splitlines()
    last = max(i for i, line in enumerate(lines) if " d " not in line)
    words = lines[last].split()
    zero = words.index("0")
    lines[last] = " ".join(words[:zero + 1] + words[zero + 2:])
    (d / "p" / "wrong.lrat").write_text("\n".join(lines) + "\n")
    write_dimacs(d / "f" / "bad.cnf", *pigeonhole(3))
    (d / "p" / "bad.lrat").write_text("this is not LRAT\n")
    return d


EXPECTED = [("bad", "NOT CHECKABLE"), ("php-3", "PASS"), ("php-4", "PASS"), ("php-5", "PASS"), ("rnd", "FAIL"),
            ("wrong", "NOT CHECKABLE")]


def check(tmp_path, pairs, *options):
    db = sqlite_url(tmp_path)
    formulas = sorted((pairs / "f").glob("*.cnf"))
    r = run("prove", "--proof-dir", pairs / "p", *options, *formulas, db=db)
    assert r.exit_code == 2, r.output  # the malformed proof is bad input; the run went on past it
    store = Store(db)
    results = store.results(store.run().id)
    assert_consistent(store)
    assert not [p for p in (store.artifacts / "tmp").iterdir()]
    assert store.run().status == "complete"
    lines = [line.split("  (")[0].split()[-1:] + line.split()[:1] for line in r.output.splitlines()[:-1]]
    return lines, sorted((x.control_id, x.verdict, x.formula_sha256, x.proof_sha256 or x.model_sha256)
                         for x in results), {x.control_id: x.reason for x in results}


def test_every_pair_is_stored_with_its_verdict_and_bad_items_do_not_stop_the_run(tmp_path, pairs):
    lines, results, reasons = check(tmp_path, pairs, "--jobs", "2")
    assert [(c, v) for c, v, *_ in results] == EXPECTED
    assert [line[0] for line in lines] == [f"{c}/{c}" for c, _ in EXPECTED]  # in the order given
    assert "hints do not lead to a conflict" in reasons["wrong"]
    assert reasons["bad"].startswith(f"bad input: {pairs / 'p' / 'bad.lrat'}: line 1")
    by_id = {c: rest for c, _, *rest in results}
    assert all(by_id[c][0] and by_id[c][1] for c in ("php-3", "php-4", "php-5", "rnd", "wrong"))
    assert by_id["bad"] == [None, None]


def test_jobs_1_and_2_and_a_dask_cluster_give_the_same_results(tmp_path, pairs, cluster):  # noqa: F811
    one = check(tmp_path / "one", pairs, "--jobs", "1")
    two = check(tmp_path / "two", pairs, "--jobs", "2")
    address = "dask://" + cluster.scheduler_address.split("://", 1)[1]
    dask = check(tmp_path / "dask", pairs, "--executor", address)
    assert one == two == dask


def test_chunks_resume_and_a_missing_answer(tmp_path, pairs):
    """Chunks of any size record the same results; a resumed run skips what it has."""
    from concurrent.futures import ThreadPoolExecutor

    from evidence.checkrun import check_all, with_answers
    from evidence.errors import UserError
    from evidence.prove import run_fields
    formulas = sorted((pairs / "f").glob("*.cnf"))
    jobs = with_answers([(f, f.stem, "s") for f in formulas], pairs / "p")
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(**run_fields())
    with ThreadPoolExecutor(2) as pool:
        first = check_all(store, run_.id, jobs[:2], pool, 2, chunk=1)
        again = check_all(store, run_.id, jobs, pool, 2, resume=True, chunk=4)
    assert [p.skipped for p in again] == [True, True, False, False, False, False]
    assert [p.result.verdict for p in first] == [p.result.verdict for p in again[:2]]
    assert sorted((r.control_id, r.verdict) for r in store.results(run_.id)) == EXPECTED
    assert_consistent(store)
    with pytest.raises(UserError, match="no proof or model"):
        with_answers([(pairs / "f" / "php-3.cnf", "x", "s")], tmp_path)


def test_a_worker_with_another_kernel_or_no_view_of_the_store_makes_no_verdict(tmp_path, pairs, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from evidence import batch, checkrun
    from evidence.prove import run_fields
    jobs = checkrun.with_answers([(pairs / "f" / "php-3.cnf", "php-3", "s")], pairs / "p")
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(**run_fields())
    real = batch.check_chunk
    monkeypatch.setattr(batch, "check_chunk", lambda items, kernel, root, token: [
        c._replace(kernel=(c.kernel[0], c.kernel[1], "0" * 64)) for c in real(items, kernel, root, token)])
    with ThreadPoolExecutor(1) as pool:
        stale = checkrun.check_all(store, run_.id, jobs, pool, 1)
        monkeypatch.setattr(batch, "check_chunk", lambda items, kernel, root, token: real(items, kernel, root, "nope"))
        blind = checkrun.check_all(store, run_.id, jobs, pool, 1)
    assert stale[0].result.verdict == "NOT CHECKABLE" and "not this installation's" in stale[0].result.reason
    assert blind[0].result.verdict == "NOT CHECKABLE" and "cannot see the store" in blind[0].result.reason
    assert_consistent(store)


def test_record_many_refuses_a_batch_with_an_artifact_not_on_disk(tmp_path):
    from evidence.store import Artifact, Result, StoreError, utcnow
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(run_id="r", tool_version="t", tool_digest="d", kernel_version="k", solver="s")
    result = Result(run_id=run_.id, control_id="c", subject="s", verdict="NOT CHECKABLE", formula_path="x",
                    formula_sha256="ab" * 32, created_at=utcnow())
    with pytest.raises(StoreError, match="not on disk"):
        store.record_many(run_.id, [(result, [Artifact(sha256="ab" * 32, size=1, kind="formula", suffix=".cnf")])])
    assert store.results(run_.id) == []
