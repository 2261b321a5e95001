"""`proofgate prove --proof-dir`: proofs that exist already are checked by the kernel in the workers,
stored, and give the same verdicts with --jobs 1, --jobs 2 and a real Dask cluster."""
import pytest

from bench.families import pigeonhole, random_ksat, write_dimacs
from evidence.pipeline.jobs import Job
from evidence.store.store import Store
from pipeline import assert_consistent, run, sqlite_url


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    """Formulas in f/, answers in p/: 3 valid proofs, a model, a corrupted proof, a malformed one."""
    from evidence.solvers._compat import solve_with_lrat
    from evidence.solvers.cadical import write_model
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

    from evidence.errors import UserError
    from evidence.pipeline.proof_dir import check_all, with_answers
    from evidence.pipeline.provenance import run_fields
    formulas = sorted((pairs / "f").glob("*.cnf"))
    jobs = with_answers([Job(f.stem, "s", str(f)) for f in formulas], pairs / "p")
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
        with_answers([Job("x", "s", str(pairs / "f" / "php-3.cnf"))], tmp_path)


def test_a_worker_with_another_kernel_or_no_view_of_the_store_makes_no_verdict(tmp_path, pairs, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from evidence.pipeline import batch
    from evidence.pipeline import proof_dir as checkrun
    from evidence.pipeline.provenance import run_fields
    jobs = checkrun.with_answers([Job("php-3", "s", str(pairs / "f" / "php-3.cnf"))], pairs / "p")
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(**run_fields())
    real = batch.check_chunk
    def another_kernel(items, kernel, root, token, here=None):
        synced, checked = real(items, kernel, root, token, here)
        return synced, [c._replace(kernel=(c.kernel[0], c.kernel[1], "0" * 64)) for c in checked]
    monkeypatch.setattr(batch, "check_chunk", another_kernel)
    with ThreadPoolExecutor(1) as pool:
        stale = checkrun.check_all(store, run_.id, jobs, pool, 1)
        monkeypatch.setattr(batch, "check_chunk", lambda items, kernel, root, token, here=None:
                            real(items, kernel, root, "nope", here))
        blind = checkrun.check_all(store, run_.id, jobs, pool, 1)
    assert stale[0].result.verdict == "NOT CHECKABLE" and "not this installation's" in stale[0].result.reason
    assert blind[0].result.verdict == "NOT CHECKABLE" and "cannot see the store" in blind[0].result.reason
    assert_consistent(store)


def test_record_many_refuses_a_batch_with_an_artifact_not_on_disk(tmp_path):
    from evidence.store.models import Artifact, ResultRow, utcnow
    from evidence.store.store import StoreError
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(run_id="r", tool_version="t", tool_digest="d", kernel_version="k", solver="s")
    result = ResultRow(run_id=run_.id, control_id="c", subject="s", verdict="NOT CHECKABLE", formula_path="x",
                       formula_sha256="ab" * 32, created_at=utcnow())
    with pytest.raises(StoreError, match="not on disk"):
        store.record_many(run_.id, [(result, [Artifact(sha256="ab" * 32, size=1, kind="formula", suffix=".cnf")])])
    assert store.results(run_.id) == []


def test_no_result_is_committed_before_a_sync_that_started_after_its_files_were_written(tmp_path, pairs, monkeypatch):
    """Workers beside us leave the sync to check_all (group commit): each chunk's results are committed
    only after a syncfs that began once the chunk's files were written, never before."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from evidence.pipeline import batch
    from evidence.pipeline import proof_dir as checkrun
    from evidence.pipeline.provenance import run_fields
    jobs = checkrun.with_answers([Job(f.stem, "s", str(f)) for f in sorted((pairs / "f").glob("*.cnf"))], pairs / "p")
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(**run_fields())
    events, lock = [], threading.Lock()

    def log(*event):
        with lock:
            events.append(event)
    real_chunk, real_sync, real_record = batch.check_chunk, batch.sync, store.record_many

    def chunk(items, kernel, root, token, here=None):
        synced, checked = real_chunk(items, kernel, root, token, here)
        assert not synced  # a thread of this process is here: it leaves the sync to check_all
        log("written", *[i.formula for i in items])
        return synced, checked

    def sync(root):
        log("sync start")
        real_sync(root)
        log("sync end")

    def record_many(run_id, entries):
        log("record", *[r.formula_path for r, _ in entries])
        real_record(run_id, entries)
    monkeypatch.setattr(batch, "check_chunk", chunk)
    monkeypatch.setattr(batch, "sync", sync)
    monkeypatch.setattr(store, "record_many", record_many)
    with ThreadPoolExecutor(2) as pool:
        done = checkrun.check_all(store, run_.id, jobs, pool, 2, chunk=1)
    assert [(p.result.control_id, p.result.verdict) for p in done] == EXPECTED
    written = {}
    for n, (what, *names) in enumerate(events):
        if what == "written":
            written.update((name, n) for name in names)
        if what == "record":
            for name in names:
                start = next(k for k in range(written[str(pairs / "f" / name.rsplit("/", 1)[-1])], n)
                             if events[k][0] == "sync start")  # a sync began after the files were written
                assert any(events[k][0] == "sync end" for k in range(start, n))  # and ended before the commit
    assert_consistent(store)


def test_a_failed_sync_commits_nothing_and_stops_the_run(tmp_path, pairs, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from evidence.pipeline import batch
    from evidence.pipeline import proof_dir as checkrun
    from evidence.pipeline.provenance import run_fields
    jobs = checkrun.with_answers([Job(f.stem, "s", str(f)) for f in sorted((pairs / "f").glob("*.cnf"))], pairs / "p")
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(**run_fields())

    def broken(root):
        raise OSError(5, "syncfs failed", root)
    monkeypatch.setattr(batch, "sync", broken)
    with ThreadPoolExecutor(2) as pool, pytest.raises(OSError, match="syncfs failed"):
        checkrun.check_all(store, run_.id, [j for j in jobs if j.kind == "proof" and j.control != "bad"], pool, 2)
    assert store.results(run_.id) == []


def test_a_worker_elsewhere_syncs_its_own_chunk(tmp_path, pairs, monkeypatch):
    """check_chunk leaves the sync to its caller only when it runs on the caller's kernel and file system."""
    from evidence.pipeline import batch
    store = Store(sqlite_url(tmp_path))
    visible = store.temp_path(".visible")
    visible.touch()
    root, token = str(store.artifacts.resolve()), visible.name
    items = [batch.Item(str(pairs / "f" / "php-3.cnf"), str(pairs / "p" / "php-3.lrat"), "proof")]
    synced = []
    monkeypatch.setattr(batch, "sync", synced.append)
    here = batch.place(root)
    assert here is not None
    assert batch.check_chunk(items, "python", root, token, here)[0] is False and synced == []
    elsewhere = ("another boot", here[1])  # another machine (or reboot) writing to a shared file system
    answer, checked = batch.check_chunk(items, "python", root, token, elsewhere)
    assert answer is True and synced == [root] and checked[0].status == "VERIFIED"
    assert batch.check_chunk(items, "python", root, token)[0] is True and synced == [root, root]  # no `here`


def test_a_worker_stopped_by_sigterm_mid_chunk_leaves_no_temporary_copy(tmp_path, pairs):
    """The copies a worker checks are named before they exist and removed as a SIGTERM unwinds the
    chunk, so a run stopped at any moment leaves the store's tmp/ as it found it."""
    import os
    import signal
    import time
    from concurrent.futures.process import BrokenProcessPool

    from evidence.pipeline import batch
    from evidence.pipeline import executors as parallel
    store = Store(sqlite_url(tmp_path))
    visible = store.temp_path(".visible")
    visible.touch()
    root = str(store.artifacts.resolve())
    # The Python kernel on php-5 takes long enough that the signal lands while copies exist.
    items = [batch.Item(str(pairs / "f" / "php-5.cnf"), str(pairs / "p" / "php-5.lrat"), "proof")] * 500
    pool = parallel.local_executor(1)
    try:
        future = pool.submit(batch.check_chunk, items, "python", root, visible.name, batch.place(root))
        end = time.monotonic() + 60
        while not any(p.name != visible.name for p in store.tmp.iterdir()) and time.monotonic() < end:
            time.sleep(0.01)  # until a copy exists: the worker is inside the chunk
        (worker,) = pool._processes.values()
        os.kill(worker.pid, signal.SIGTERM)
        with pytest.raises(BrokenProcessPool):
            future.result(timeout=60)
        worker.join(60)
        # The executor's own thread may reap the worker while join() waits: its waitpid then fails
        # here, join() returns early and the exit code appears once that thread has recorded it.
        end = time.monotonic() + 60
        while worker.exitcode is None and time.monotonic() < end:
            time.sleep(0.01)
        assert worker.exitcode == 143
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    assert [p.name for p in store.tmp.iterdir()] == [visible.name]
