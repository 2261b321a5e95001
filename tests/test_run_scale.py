"""`run` at estate scale: the proof cache (reused answers re-checked by the kernel, --no-cache), the
kernel's check in the worker (a verdict used only when it is this kernel's, on the bytes stored),
and the deterministic budget (the same verdict on a busy machine).

Subjects are from samples/account, written from AWS's documentation: security groups as
`aws ec2 describe-security-groups` returns them
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroup.html), network ACLs
(https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html) and identity policies
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html)."""
from __future__ import annotations

import hashlib
import multiprocessing
import shutil
from pathlib import Path

import pytest

from evidence.pipeline import control_worker
from evidence.pipeline.controls import Counts, Judging, run_catalog
from evidence.pipeline.executors import InlineExecutor
from evidence.pipeline.judging import reported_wrongly
from evidence.policy.catalog import load_catalog
from evidence.policy.loader import load_estate
from evidence.store.models import CachedProof, ResultRow
from evidence.store.store import Store

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SUBJECTS = ("account.yaml", "sg-web.json", "nacl-public.json", "iam-deploy.json", "iam-deploy-approved.json")


@pytest.fixture
def estate_dir(tmp_path):
    d = tmp_path / "estate"
    d.mkdir()
    for name in SUBJECTS:
        shutil.copy(SAMPLES / "account" / name, d / name)
    return d


def _run(store, estate_dir, **kw):
    catalog, estate = load_catalog(SAMPLES / "catalog.yaml"), load_estate(estate_dir)
    run = store.begin_run(None, tool_version="t", tool_digest="t", kernel_version="t", solver="t")
    counts = Counts()
    done = run_catalog(store, run.id, catalog, estate, InlineExecutor(), 60.0, counts=counts, **kw)
    return {(d.result.control_id, d.result.subject): d.result for d in done}, counts


def _verdicts(rows):
    return {k: (r.verdict, r.reason) for k, r in rows.items()}


@pytest.mark.slow
def test_second_run_reuses_every_answer_and_gets_the_same_results(tmp_path, estate_dir):
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    first, c1 = _run(store, estate_dir)
    decided = [k for k, r in first.items() if r.verdict in ("PASS", "FAIL")]
    assert {r.verdict for r in first.values()} >= {"PASS", "FAIL"}
    assert c1.reused == 0 and c1.solved == len(first)
    second, c2 = _run(store, estate_dir)
    assert _verdicts(second) == _verdicts(first)
    assert c2.reused == len(decided) and c2.solved == len(first) - len(decided) and c2.rejected == 0
    for k in decided:  # re-checked: a fresh kernel verdict on the same certificate
        assert second[k].kernel_status == "VERIFIED" and "reused from the proof cache" in second[k].solver
        assert (second[k].proof_sha256, second[k].model_sha256) == (first[k].proof_sha256, first[k].model_sha256)
    fresh, c3 = _run(store, estate_dir, cache=False)
    assert _verdicts(fresh) == _verdicts(first)
    assert c3.reused == 0 and c3.solved == len(first)
    assert not any("proof cache" in (r.solver or "") for r in fresh.values())


def test_one_changed_subject_is_all_that_is_solved_again(tmp_path, estate_dir):
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    first, _ = _run(store, estate_dir)
    sg = estate_dir / "sg-web.json"
    sg.write_text(sg.read_text().replace('"FromPort": 80, "ToPort": 80', '"FromPort": 8080, "ToPort": 8080'))
    second, counts = _run(store, estate_dir)
    changed = {k for k in first if k[1] == "sg-web"}
    assert changed and counts.solved == len(changed) and counts.reused == len(first) - len(changed)
    assert {k: v for k, v in _verdicts(second).items() if k not in changed} == \
        {k: v for k, v in _verdicts(first).items() if k not in changed}


def test_a_second_run_looks_its_cache_entries_up_in_one_query_and_digests_each_control_once(tmp_path, estate_dir,
                                                                                            monkeypatch):
    from evidence.pipeline import cache, controls
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    first, _ = _run(store, estate_dir)
    queries, digests = [], []
    cached, digest = store.cached, cache.control_digest
    monkeypatch.setattr(store, "cached", lambda keys: queries.append(list(keys)) or cached(keys))
    monkeypatch.setattr(controls, "control_digest", lambda c: digests.append(c.id) or digest(c))
    second, counts = _run(store, estate_dir)
    decided = sum(r.verdict in ("PASS", "FAIL") for r in first.values())
    assert counts.reused == decided and _verdicts(second) == _verdicts(first)
    assert len(queries) == 1 and len(queries[0]) == len(first)  # every pair's key, at once
    assert sorted(digests) == sorted({k[0] for k in first})  # once per control, not per pair
    control = load_catalog(SAMPLES / "catalog.yaml").controls[0]
    assert cache.cache_key("ab" * 32, control, digest(control)) == cache.cache_key("ab" * 32, control)
    assert cache.cache_key("ab" * 32, control, "0" * 64) != cache.cache_key("ab" * 32, control)


def test_an_altered_cached_certificate_is_solved_again_never_reused(tmp_path, estate_dir):
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    first, _ = _run(store, estate_dir)
    target = next(r for r in first.values() if r.verdict == "PASS")
    path = store.path_of(target.proof_sha256)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes().replace(b"unsat", b"unsat ", 1))  # no longer hashes to its name
    second, counts = _run(store, estate_dir)
    assert counts.rejected == 1 and counts.reused == sum(r.verdict != "NOT CHECKABLE" for r in first.values()) - 1
    again = second[(target.control_id, target.subject)]
    assert again.verdict == "PASS" and "proof cache" not in again.solver


def test_a_cached_answer_the_kernel_rejects_is_solved_again(tmp_path, estate_dir):
    """A cache entry that names another pair's certificate (bytes intact, hash right): the kernel,
    re-checking it against this pair's problem, refuses it, and the pair is solved afresh."""
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    first, _ = _run(store, estate_dir)
    a, b = [r for r in first.values() if r.verdict == "PASS"][:2]
    entries = store.cached(e.key for e in _all_entries(store))
    victim = next(e for e in entries.values() if e.answer_sha256 == a.proof_sha256)
    store.remember([CachedProof(key=victim.key, formula_sha256=victim.formula_sha256, answer_sha256=b.proof_sha256,
                                producer="forged", created_at=victim.created_at)])
    second, counts = _run(store, estate_dir)
    assert counts.rejected == 1
    again = second[(a.control_id, a.subject)]
    assert again.verdict == "PASS" and again.proof_sha256 == a.proof_sha256 and "forged" not in again.solver


def _all_entries(store):
    from sqlmodel import select
    with store.session() as s:
        return list(s.exec(select(CachedProof)))


def test_a_worker_verdict_on_other_bytes_or_by_another_kernel_is_not_used(tmp_path, estate_dir):
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    catalog, estate = load_catalog(SAMPLES / "catalog.yaml"), load_estate(estate_dir)
    stage = Judging(store, store.begin_run(None, tool_version="t", tool_digest="t", kernel_version="t",
                                           solver="t").id, estate, 60.0)
    from evidence.pipeline.jobs import Job
    control = next(c for c in catalog.controls if c.id == "NET-1")
    job = Job(control.id, "sg-web", "sg-web.json", question=(control, estate.subjects["sg-web"]))
    ticket = stage.start(job)
    worked = control_worker.work(control_worker.Task(ticket.problem, ticket.kind), 60.0, None, None, stage.kernel)
    assert stage._judged(job, ticket, worked).row.verdict == "PASS"
    other = control_worker.work(control_worker.Task(b"(set-logic QF_LIA)(declare-const x Int)(assert (< x 0))"
                                                    b"(assert (> x 0))(check-sat)\n", "no-rules"), 60.0, None, None,
                                stage.kernel)
    assert other.verdict and other.verdict["status"] == "VERIFIED"
    swapped = control_worker.Work(worked.answer, worked.certificate, worked.producer, 0.0, None, other.verdict)
    row = stage._judged(job, ticket, swapped).row
    assert row.verdict == "NOT CHECKABLE" and "another problem" in row.reason
    sha = hashlib.sha256(worked.certificate).hexdigest()
    assert reported_wrongly(worked.verdict, worked.verdict["formula"]["sha256"], sha, stage.expected) is None
    assert "another certificate" in reported_wrongly(worked.verdict, worked.verdict["formula"]["sha256"], "0" * 64,
                                                     stage.expected)
    forged = {**worked.verdict, "kernel_digest": "f" * 64}
    assert "not this installation's" in reported_wrongly(forged, forged["formula"]["sha256"], sha, stage.expected)


def test_producers_go_cheapest_first_by_query_kind(monkeypatch):
    assert control_worker.order("no-world-ingress")[0] == "native"
    assert control_worker.order("no-action-on-any-resource")[0] == "native"  # since Strings.ahead
    monkeypatch.setattr(control_worker, "CVC5_FIRST", frozenset({"no-world-ingress"}))
    assert control_worker.order("no-world-ingress") == ("cvc5", "native")


def _hog(stop):
    while not stop.is_set():
        pass


@pytest.mark.slow
def test_a_budget_ends_the_search_with_the_same_verdict_idle_or_busy(tmp_path, estate_dir):
    """A budget of one conflict is too small for the network ACL's NET-2 problem: NOT CHECKABLE, the
    reason naming the budget, not the clock; and so again with both cores kept busy."""
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    idle, _ = _run(store, estate_dir, conflicts=1, cache=False)
    net2 = idle[("NET-2", "nacl-public")]
    assert net2.verdict == "NOT CHECKABLE" and "budget: 1 conflicts exhausted" in net2.reason
    assert "safety net" not in net2.reason
    stop = multiprocessing.Event()
    hogs = [multiprocessing.Process(target=_hog, args=(stop,)) for _ in range(2)]
    for h in hogs:
        h.start()
    try:
        busy, _ = _run(store, estate_dir, conflicts=1, cache=False)
    finally:
        stop.set()
        for h in hogs:
            h.join()
    assert {k: r.verdict for k, r in busy.items()} == {k: r.verdict for k, r in idle.items()}
    assert busy[("NET-2", "nacl-public")].reason == net2.reason


@pytest.mark.slow
def test_the_command_reuses_through_a_worker_pool_and_no_cache_solves_again(tmp_path, estate_dir):
    """`proofgate run` twice with a real pool of workers (the tasks and reports cross a process
    boundary), then with --no-cache; the proof cache's figures are printed each time."""
    import re

    from click.testing import CliRunner

    from evidence.cli import cli
    db = f"sqlite:///{tmp_path / 'e.db'}"
    args = ["run", "--catalog", str(SAMPLES / "catalog.yaml"), "--inputs", str(estate_dir), "--db", db, "--jobs", "2"]
    outputs = [CliRunner().invoke(cli, args + extra) for extra in ([], [], ["--no-cache"])]
    figures = []
    for ran in outputs:
        assert ran.exit_code == 1, ran.output  # nacl-public fails NET-2 by design
        found = re.search(r"proof cache: (\d+) results reused \(re-checked by the kernel\), (\d+) solved", ran.output)
        assert found, ran.output
        figures.append((int(found[1]), int(found[2])))
        assert "seconds by stage: encode" in ran.output
    trusted = CliRunner().invoke(cli, args + ["--reuse-verdicts"])
    assert trusted.exit_code == 1, trusted.output
    decided = sum(line.startswith(("PASS", "FAIL")) for line in outputs[0].output.splitlines())
    assert f"proof cache: {decided} results reused (0 re-checked by the kernel, {decided} on their stored kernel " \
           "verdict, not re-checked: --reuse-verdicts)" in trusted.output
    assert sorted(line.split()[:2] for line in trusted.output.splitlines() if line.startswith(("PASS", "FAIL"))) == \
        sorted(line.split()[:2] for line in outputs[0].output.splitlines() if line.startswith(("PASS", "FAIL")))
    results = [sorted(line.split()[:2] for line in ran.output.splitlines() if line.startswith(("PASS", "FAIL")))
               for ran in outputs]
    assert results[0] == results[1] == results[2] and results[0]
    pairs = figures[0][1]
    assert figures[0] == (0, pairs) and figures[1] == (len(results[0]), pairs - len(results[0]))
    assert figures[2] == (0, pairs) and "(--no-cache)" in outputs[2].output


@pytest.mark.slow
def test_run_on_a_dask_cluster_gives_the_local_results_without_a_shared_file_system(tmp_path, estate_dir, cluster):
    """The workers get bytes and send back bytes and the kernel's verdict; the store is only here."""
    from click.testing import CliRunner

    from evidence.cli import cli
    address = "dask://" + cluster.scheduler_address.split("://", 1)[1]
    lines = []
    for name, extra in (("local", ["--jobs", "1"]), ("dask", ["--executor", address])):
        ran = CliRunner().invoke(cli, ["run", "--catalog", str(SAMPLES / "catalog.yaml"), "--inputs", str(estate_dir),
                                       "--db", f"sqlite:///{tmp_path / name / 'e.db'}", *extra])
        assert ran.exit_code == 1, ran.output
        lines.append(sorted(line for line in ran.output.splitlines() if line.startswith(("PASS", "FAIL", "NOT "))))
    assert lines[0] == lines[1] and any(line.startswith("FAIL") for line in lines[0])


def _counting_kernel(monkeypatch):
    import checker
    calls = []
    check = checker.check_smt
    monkeypatch.setattr(checker, "check_smt", lambda *a, **kw: calls.append(a) or check(*a, **kw))
    return calls


def test_reuse_verdicts_takes_the_stored_verdict_and_the_default_still_rechecks(tmp_path, estate_dir, monkeypatch):
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    first, _ = _run(store, estate_dir)
    decided = [k for k, r in first.items() if r.verdict in ("PASS", "FAIL")]
    calls = _counting_kernel(monkeypatch)
    checked, c1 = _run(store, estate_dir)  # the default: the kernel checks every reused certificate again
    assert len(calls) >= len(decided) and c1.unchecked == 0 and c1.reused == len(decided)
    assert not any("--reuse-verdicts" in (r.solver or "") for r in checked.values())
    calls.clear()
    trusted, c2 = _run(store, estate_dir, recheck=False)
    assert _verdicts(trusted) == _verdicts(first)
    assert c2.reused == c2.unchecked == len(decided) and c2.rejected == 0
    assert len(calls) == len(first) - len(decided)  # only the pairs with no cached answer go to the kernel
    for k in decided:  # the earlier run's verdict, named as such
        assert trusted[k].verdict_sha256 in (first[k].verdict_sha256, checked[k].verdict_sha256)
        assert trusted[k].kernel_status == "VERIFIED"
        assert "not re-checked: --reuse-verdicts" in trusted[k].solver
        assert (trusted[k].proof_sha256, trusted[k].model_sha256) == (first[k].proof_sha256, first[k].model_sha256)


def test_reuse_verdicts_rechecks_when_the_stored_verdict_is_altered_or_names_other_bytes(tmp_path, estate_dir,
                                                                                        monkeypatch):
    from sqlalchemy import update
    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    first, _ = _run(store, estate_dir)
    decided = [k for k, r in first.items() if r.verdict in ("PASS", "FAIL")]
    a, b, c = (first[k] for k in decided[:3])
    altered = store.path_of(a.verdict_sha256)  # no longer hashes to its name
    altered.chmod(0o644)
    altered.write_bytes(altered.read_bytes().replace(b'"VERIFIED"', b'"VERIFIED" '))
    with store.engine.begin() as db:  # b's row names c's verdict: well formed, VERIFIED, about another problem
        db.execute(update(ResultRow).where(ResultRow.id == b.id).values(verdict_sha256=c.verdict_sha256))
    calls = _counting_kernel(monkeypatch)
    second, counts = _run(store, estate_dir, recheck=False)
    assert _verdicts(second) == _verdicts(first)
    assert counts.reused == len(decided) and counts.unchecked == len(decided) - 2
    for r in (a, b):  # checked again by the kernel, as by default
        again = second[(r.control_id, r.subject)]
        assert "reused from the proof cache" in again.solver and "--reuse-verdicts" not in again.solver
        assert again.kernel_status == "VERIFIED"
    assert len(calls) == len(first) - len(decided) + 2


def test_reuse_verdicts_and_no_cache_are_not_given_together(tmp_path, estate_dir):
    from click.testing import CliRunner

    from evidence.cli import cli
    ran = CliRunner().invoke(cli, ["run", "--catalog", str(SAMPLES / "catalog.yaml"), "--inputs", str(estate_dir),
                                   "--db", f"sqlite:///{tmp_path / 'e.db'}", "--no-cache", "--reuse-verdicts"])
    assert ran.exit_code == 2 and "not both" in ran.output
