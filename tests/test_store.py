"""The store: content-addressed artifacts, one transaction per result, history and diff."""
import pytest
from sqlmodel import Session

from evidence.results import Result
from evidence.store.models import Artifact, Control, ResultRow, Subject, utcnow
from evidence.store.runs import diff_runs
from evidence.store.store import Store, StoreError
from pipeline import PHP4, SAT40, run, sha256, sqlite_url


def make_result(run_id, control, subject="s", verdict="PASS", **kw):
    """A result row as the pipeline makes it: a PASS or FAIL names the kernel's VERIFIED verdict."""
    if verdict != "NOT CHECKABLE":
        kw = {"kernel_status": "VERIFIED", "verdict_sha256": "f" * 64, **kw}
    return ResultRow(run_id=run_id, control_id=control, subject=subject, verdict=verdict, formula_path="f.cnf",
                     created_at=utcnow(), **kw)


def test_artifacts_are_content_addressed_and_renamed_into_place(tmp_path):
    store = Store(sqlite_url(tmp_path))
    assert store.artifacts == tmp_path / "artifacts"  # beside the SQLite file
    sha, size = store.put_file(PHP4)
    assert sha == sha256(PHP4) and size == PHP4.stat().st_size
    assert store.path_of(sha).read_bytes() == PHP4.read_bytes()
    assert store.put_bytes(PHP4.read_bytes()) == (sha, size)  # same bytes, same place
    assert not list(store.tmp.iterdir())  # no temporary file left behind


@pytest.mark.parametrize("stage", ["write", "ingest"])
def test_an_interrupt_while_storing_leaves_no_temporary_file(tmp_path, monkeypatch, stage):
    """A SIGTERM becomes a KeyboardInterrupt wherever the main process is: here, while an artifact is
    written or moved into place (a leftover made test_interrupt fail now and then)."""
    store = Store(sqlite_url(tmp_path))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    if stage == "ingest":
        monkeypatch.setattr(store, "ingest", interrupted)
    else:
        monkeypatch.setattr("shutil.copyfile", lambda src, dst: (open(dst, "wb").write(b"part"), interrupted()))
    with pytest.raises(KeyboardInterrupt):
        store.put_file(PHP4)
    with pytest.raises(KeyboardInterrupt):
        store.put_bytes(b"x") if stage == "ingest" else interrupted()
    assert not list(store.tmp.iterdir())
    assert not store.temp_path(".lrat").exists()  # a name, created by whoever writes it


def test_a_result_is_refused_when_its_artifact_is_not_on_disk(tmp_path):
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(tool_version="t", tool_digest="d", kernel_version="k", solver="s")
    missing = "0" * 64
    with pytest.raises(StoreError, match="not on disk"):
        store.record(make_result(run_.id, "C", formula_sha256=missing),
                     [Artifact(sha256=missing, size=1, kind="formula", suffix=".cnf")])
    assert store.results(run_.id) == []


@pytest.mark.parametrize("verdict", ["PASS", "FAIL"])
def test_a_pass_or_fail_without_a_kernel_verdict_is_refused(tmp_path, verdict):
    """The one guard of the rule: whatever made the row, the store takes no PASS or FAIL that does not
    name the kernel's VERIFIED verdict."""
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(tool_version="t", tool_digest="d", kernel_version="k", solver="s")
    for unbacked in ({"kernel_status": "NOT VERIFIED"}, {"kernel_status": None}, {"verdict_sha256": None}):
        with pytest.raises(RuntimeError, match="without a kernel verdict"):
            store.record(make_result(run_.id, "C", verdict=verdict, **unbacked), [])
        with pytest.raises(RuntimeError, match="without a kernel verdict"):
            store.record_many(run_.id, [(make_result(run_.id, "C", verdict=verdict, **unbacked), [])])
    store.record(make_result(run_.id, "C", verdict="NOT CHECKABLE"), [])  # no conclusion needs no verdict
    assert [r.verdict for r in store.results(run_.id)] == ["NOT CHECKABLE"]


def test_a_crash_inside_the_transaction_leaves_nothing_half_written(tmp_path, monkeypatch):
    store = Store(sqlite_url(tmp_path))
    run_ = store.begin_run(tool_version="t", tool_digest="d", kernel_version="k", solver="s")
    sha, size = store.put_file(PHP4)

    def crash(self):
        raise KeyboardInterrupt("killed at commit")
    monkeypatch.setattr(Session, "commit", crash)
    with pytest.raises(KeyboardInterrupt):
        store.record(make_result(run_.id, "C", formula_sha256=sha),
                     [Artifact(sha256=sha, size=size, kind="formula", suffix=".cnf")],
                     Control(run_id=run_.id, id="C"), Subject(run_id=run_.id, name="s"))
    monkeypatch.undo()
    assert store.results(run_.id) == [] and store.controls(run_.id) == {} and store.subjects(run_.id) == []
    assert store.artifacts_by_hash([sha]) == {}  # the artifact row was rolled back too (the file may stay)


def test_runs_latest_previous_and_unknown(tmp_path):
    store = Store(sqlite_url(tmp_path))
    with pytest.raises(StoreError, match="no runs"):
        store.run()
    a = store.begin_run("run-a", tool_version="t", tool_digest="d", kernel_version="k", solver="s")
    b = store.begin_run("run-b", tool_version="t", tool_digest="d", kernel_version="k", solver="s")
    assert store.run().id == "run-b" and store.previous_run(b).id == "run-a" and store.previous_run(a) is None
    with pytest.raises(StoreError, match="no run 'zzz'"):
        store.run("zzz")
    with pytest.raises(StoreError, match="bad run id"):
        store.begin_run("../x", tool_version="t", tool_digest="d", kernel_version="k", solver="s")


def test_control_verdict_is_the_worst_subject():
    assert Result.worst(["PASS", "PASS"]) == "PASS"
    assert Result.worst(["PASS", "NOT CHECKABLE"]) == "NOT CHECKABLE"
    assert Result.worst(["NOT CHECKABLE", "FAIL", "PASS"]) == "FAIL"
    assert Result.worst([]) == "NOT CHECKABLE"  # no result is no evidence


def test_diff_changed_added_removed(tmp_path):
    store = Store(sqlite_url(tmp_path))
    fields = dict(tool_version="t", tool_digest="d", kernel_version="k", solver="s")
    for run_id, verdicts in (("a", {"C1": "PASS", "C2": "FAIL", "C3": "PASS"}),
                             ("b", {"C1": "FAIL", "C2": "FAIL", "C4": "PASS"})):
        store.begin_run(run_id, **fields)
        for control, verdict in verdicts.items():
            store.record(make_result(run_id, control, verdict=verdict), [])
    d = diff_runs(store, "a", "b")
    assert d["changed"] == [("C1", "PASS", "FAIL")]
    assert d["added"] == [("C4", "PASS")] and d["removed"] == [("C3", "PASS")] and d["unchanged"] == 1


def test_history_and_diff_commands(tmp_path):
    db = sqlite_url(tmp_path)
    first = run("prove", PHP4, "--control", "C1", "--run", "one", db=db)
    assert first.exit_code == 0, first.output
    run("prove", SAT40, "--control", "C1", "--run", "two", db=db)
    run("prove", PHP4, "--control", "C2", "--run", "two", db=db)
    h = run("history", db=db)
    assert h.exit_code == 0 and h.output.index("two") < h.output.index("one")  # newest first
    assert "C1" in run("history", "--control", "C1", db=db).output
    d = run("diff", "one", "two", db=db)
    assert d.exit_code == 0
    assert "changed  C1: PASS -> FAIL" in d.output and "added    C2: PASS" in d.output
    assert run("diff", "one", "nope", db=db).exit_code == 2


def test_proving_again_in_the_same_run_replaces_the_result(tmp_path):
    db = sqlite_url(tmp_path)
    run("prove", PHP4, "--control", "C", "--subject", "s", "--run", "r", db=db)
    run("prove", SAT40, "--control", "C", "--subject", "s", "--run", "r", db=db)
    [res] = Store(db).results("r")
    assert res.verdict == "FAIL"


def test_a_database_url_without_artifacts_is_a_clear_error(tmp_path):
    r = run("history", db="postgresql+psycopg://u:secret@127.0.0.1:1/x")
    assert r.exit_code == 2 and "--artifacts" in r.output and "secret" not in r.output
    r = run("history", db="not a url")
    assert r.exit_code == 2 and "bad database URL" in r.output


def test_results_are_indexed_by_formula_also_in_a_store_made_before_the_index(tmp_path):
    """run --reuse-verdicts looks results up by formula_sha256: a new store has the index, and opening
    an older one (made without it) adds it."""
    import sqlalchemy
    url = sqlite_url(tmp_path)
    store = Store(url)
    indexed = lambda: any(i["column_names"] == ["formula_sha256"]  # noqa: E731
                          for i in sqlalchemy.inspect(store.engine).get_indexes("result"))
    assert indexed()
    with store.engine.begin() as db:
        db.execute(sqlalchemy.text("DROP INDEX ix_result_formula_sha256"))
    assert not indexed()
    store = Store(url)
    assert indexed()
