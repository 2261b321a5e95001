"""`proofgate run` on the sample account, end to end: every applicable (control, subject) stored with
a verdict, every PASS and FAIL re-checked offline from a signed bundle by `verify` (kernel only)."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence.cli import cli
from evidence.policy.catalog import load_catalog
from evidence.policy.loader import load_estate
from evidence.store.store import Store

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.mark.slow
def test_run_on_samples_then_bundle_and_verify(tmp_path):
    db = f"sqlite:///{tmp_path / 'e.db'}"
    runner = CliRunner()
    ran = runner.invoke(cli, ["run", "--catalog", str(SAMPLES / "catalog.yaml"), "--inputs", str(SAMPLES / "account"),
                              "--db", db, "--jobs", "2", "--timeout", "20"])
    assert ran.exit_code == 1, ran.output  # the demo account has failing controls by design
    catalog, estate = load_catalog(SAMPLES / "catalog.yaml"), load_estate(SAMPLES / "account")
    expected = {(c.id, s.id) for c in catalog.controls for s in estate.subjects.values() if c.applies(s)}
    store = Store(db)
    run = store.runs()[-1]
    results = store.results(run.id)
    assert {(r.control_id, r.subject) for r in results} == expected
    assert catalog.sha256 in run.catalog_version
    found = re.search(r"subjects: (\d+) found = (\d+) analysed \+ (\d+) excluded", ran.output)
    assert found and int(found[1]) == len(estate.subjects) == int(found[2]) + int(found[3])
    fails = [line for line in ran.output.splitlines() if line.startswith("FAIL")]  # readable counterexamples:
    iam1 = next(line for line in fails if "IAM-1/iam-admin" in line)  # not 'arn::iam::AAAAAAAAAAAA: can  on arn:::::'
    assert re.search(r"(arn:aws:iam::123456789012:\S+|the service [a-z0-9.-]+\.amazonaws\.com) can s3:getobject on "
                     r"arn:aws:s3:::example-bucket/example", iam1), iam1
    assert not any("can  on" in line or "arn:::::" in line for line in fails), fails
    verdicts = {r.verdict for r in results}
    assert {"PASS", "FAIL"} <= verdicts
    for r in results:
        if r.verdict != "NOT CHECKABLE":
            assert r.kernel_status == "VERIFIED" and r.formula_sha256
            assert (r.proof_sha256 if r.verdict == "PASS" else r.model_sha256)
        else:
            assert r.reason
    key = tmp_path / "k.key"
    assert runner.invoke(cli, ["keygen", "-o", str(key)]).exit_code == 0
    bundle = tmp_path / "ev.tar.gz"
    made = runner.invoke(cli, ["bundle", "-o", str(bundle), "--key", str(key), "--db", db])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(cli, ["verify", str(bundle), "--pubkey", f"{key}.pub"])
    assert checked.exit_code in (0, 1), checked.output
    rechecked = checked.output.count("kernel VERIFIED")
    assert rechecked == sum(r.verdict in ("PASS", "FAIL") for r in results)
    assert "s VERIFIED" in checked.output
