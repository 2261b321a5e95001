"""End to end on the samples, with SQLite and with a real PostgreSQL server: prove, report in every
format, history, diff, gate, bundle, verify."""
import json
import os

import pytest

from evidence.store.store import Store
from pipeline import PHP4, RAT, SAT40, assert_consistent, need, run, run_plain, sqlite_url


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """(db URL, artifacts dir or None)."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path), None
    url = os.environ.get("PROOFGATE_TEST_POSTGRES")
    need(bool(url), "a PostgreSQL server (PROOFGATE_TEST_POSTGRES, started by .ci/run)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError
    from sqlmodel import SQLModel
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            c.execute(text("SELECT 1"))
    except OperationalError as error:
        need(False, f"a reachable PostgreSQL server at {url} ({str(error).splitlines()[0]})")
    import evidence.store.store  # noqa: F401  registers the tables
    SQLModel.metadata.drop_all(engine)  # a fresh store for this test
    engine.dispose()
    return url, tmp_path / "artifacts"


def test_prove_report_bundle_verify(backend, tmp_path):
    db, artifacts = backend
    first = run("prove", PHP4, RAT, SAT40, "--run", "r1", db=db, artifacts=artifacts)
    assert first.exit_code == 1, first.output  # one FAIL
    second = run("prove", PHP4, "--control", "rnd3-40-sat", "--subject", "fixed", "--run", "r2",
                 db=db, artifacts=artifacts)
    assert second.exit_code == 0, second.output
    store = Store(db, artifacts)
    assert store.engine.dialect.name == ("sqlite" if artifacts is None else "postgresql")
    verdicts = {(r.control_id, r.verdict) for r in store.results("r1")}
    assert verdicts == {("php-4", "PASS"), ("rat-extension", "PASS"), ("rnd3-40-sat", "FAIL")}
    assert_consistent(store)

    for fmt in ("html", "md", "oscal", "junit", "sarif"):
        out = tmp_path / f"report.{fmt}"
        r = run("report", "r1", "--format", fmt, "-o", out, db=db, artifacts=artifacts)
        assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "report.oscal").read_text())["assessment-results"]["results"]
    assert "rnd3-40-sat" in (tmp_path / "report.html").read_text()

    assert "r2" in run("history", db=db, artifacts=artifacts).output
    d = run("diff", "r1", "r2", db=db, artifacts=artifacts)
    assert "rnd3-40-sat: FAIL -> PASS" in d.output and "removed  php-4: PASS" in d.output

    gate = tmp_path / "gate.yaml"
    gate.write_text("required: [rnd3-40-sat]\n")
    assert run("gate", "r1", "--config", gate, db=db, artifacts=artifacts).exit_code == 1
    assert run("gate", "r2", "--config", gate, db=db, artifacts=artifacts).exit_code == 0

    key = tmp_path / "key"
    assert run_plain("keygen", "-o", key).exit_code == 0
    bundle = tmp_path / "r1.tar.gz"
    r = run("bundle", "r1", "-o", bundle, "--key", key, "--gate", gate, db=db, artifacts=artifacts)
    assert r.exit_code == 0, r.output
    v = run_plain("verify", bundle, "--pubkey", f"{key}.pub")
    assert v.exit_code == 0, v.output
    assert "control rnd3-40-sat: FAIL" in v.output and "control php-4: PASS" in v.output
