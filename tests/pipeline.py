"""Helpers for the evidence pipeline's tests: the CLI in-process, stores, the CI rule for services."""
import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence.cli import cli
from evidence.store.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PHP4, RAT, PHP4_GZ = SAMPLES / "lrat/php-4.cnf", SAMPLES / "lrat/rat-extension.cnf", SAMPLES / "lrat/php-4.cnf.gz"
SAT40 = SAMPLES / "sat/rnd3-40-sat.cnf"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARTIFACTS = ROOT / "test-artifacts"


def need(condition: bool, what: str):
    """A service a test needs: skipping is fine locally, but under CI=true its absence is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI=true but {what} is missing: .ci/run must install it")
        pytest.skip(f"{what} is not available here")


def run(command: str, *args, db: str, artifacts=None, env=None):
    """`proofgate COMMAND --db DB ARGS...` in-process; returns click's Result."""
    argv = [command, "--db", db] + (["--artifacts", str(artifacts)] if artifacts else []) + [str(a) for a in args]
    return CliRunner().invoke(cli, argv, env=env, catch_exceptions=False)


def run_plain(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'evidence.db'}"


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def assert_consistent(store):
    """The store's invariant: every result's artifacts are on disk with the hash it is stored under,
    and every PASS or FAIL has a kernel verdict that says VERIFIED."""
    import json
    for run in store.runs():
        for r in store.results(run.id):
            for h in (r.formula_sha256, r.proof_sha256, r.model_sha256, r.verdict_sha256):
                if h:
                    assert store.has_artifact(h), f"{r.control_id}/{r.subject}: artifact {h} missing"
                    assert sha256(store.path_of(h)) == h
            if r.verdict in ("PASS", "FAIL"):
                verdict = json.loads(store.path_of(r.verdict_sha256).read_text())
                assert verdict["status"] == "VERIFIED"
                assert verdict["kind"] == ("lrat" if r.verdict == "PASS" else "model")
                assert verdict["formula"]["sha256"] == r.formula_sha256


def save_artifact(name: str, data: bytes) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    return path


def which(*names):
    return all(shutil.which(n) for n in names)


MALFORMED = SAMPLES / "invalid/malformed/clause-count-high.cnf"


def populate(db: str, artifacts=None) -> tuple[str, str]:
    """Two runs on the samples, with every verdict, a change, an addition and a removal:

    before: C-1 PASS (php-4), C-2 FAIL (rnd3-40-sat), C-3 PASS (rat-extension)
    after:  C-1 PASS (php-4, php-4.cnf.gz), C-2 PASS (now php-4), C-4 NOT CHECKABLE (malformed)
    plus, in `after`, a title, mappings and remediation on C-1 and an excluded subject."""
    from evidence.store.models import Control, Subject
    steps = [("before", PHP4, "C-1", []), ("before", SAT40, "C-2", []), ("before", RAT, "C-3", []),
             ("after", PHP4, "C-1", []), ("after", PHP4_GZ, "C-1", ["--subject", "php-4-gz"]),
             ("after", PHP4, "C-2", []), ("after", MALFORMED, "C-4", [])]
    for run_id, formula, control, extra in steps:
        r = run("prove", formula, "--run", run_id, "--control", control, *extra, db=db, artifacts=artifacts)
        assert r.exit_code in (0, 1, 2), r.output
    store = Store(db, artifacts)
    store.finish_run("before")
    store.finish_run("after")
    store.add_control(Control(run_id="after", id="C-1", title="No bucket is public",
                              mappings='{"NIST 800-53": ["AC-3", "AC-6"], "ISO 27001": ["A.5.15"]}',
                              remediation="Remove the public grant from the bucket policy."))
    store.add_subject(Subject(run_id="after", name="legacy-bucket", status="excluded",
                              reason="decommissioned 2026-10-01, ticket OPS-7"))
    return "before", "after"


def wait_until(condition, what, limit=60.0):
    """Poll (bounded): the test waits for a state, it does not measure time."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"never reached: {what}")


def stored(db):
    try:
        store = Store(db)
        runs = store.runs()
        return store, runs[0] if runs else None, store.results(runs[0].id) if runs else []
    except Exception:  # the writer holds the lock a moment
        return None, None, []


def solver_processes(marker):
    """Pids of solver workers whose command line mentions `marker`, e.g. a test's directory (Linux /proc)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"evidence.solvers.cadical" in cmd and any(str(marker).encode() in c for c in cmd):
                found.append(int(proc.name))
    return found
