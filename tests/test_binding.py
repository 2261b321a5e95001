"""Evidence bound to the files reviewed: a run keeps every input file and the catalog with its sha256,
bundles carry them in the signed statement, and `verify` re-derives every encoding from them, so an input
changed inside a bundle is caught even when the bundle is re-signed with the right key."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

from evidence.bundle import dsse
from evidence.bundle import write as bundle_module
from evidence.store.store import Store
from pipeline import ROOT, run, run_plain, sqlite_url

SAMPLES = ROOT / "samples"
FILES = ("account.yaml", "iam-admin.json", "sg-default.json")  # two subjects: PASS and FAIL results both


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    d = tmp_path_factory.mktemp("binding")
    inputs = d / "account"
    inputs.mkdir()
    for name in FILES:
        shutil.copyfile(SAMPLES / "account" / name, inputs / name)
    db = sqlite_url(d)
    ran = run("run", "--catalog", SAMPLES / "catalog.yaml", "--inputs", inputs, "--jobs", "1", "--timeout", "30", db=db)
    assert ran.exit_code == 1, ran.output  # iam-admin fails IAM-1 by design
    key = d / "key"
    assert run_plain("keygen", "-o", key).exit_code == 0
    out = d / "evidence.tar.gz"
    r = run("bundle", "-o", out, "--key", key, db=db)
    assert r.exit_code == 0, r.output
    return {"db": db, "inputs": inputs, "key": key, "pub": d / "key.pub", "bundle": out, "dir": d}


def members(path) -> dict:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def test_the_run_records_every_input_file_and_the_catalog_with_its_sha256(made):
    store = Store(made["db"])
    run_id = store.runs()[-1].id
    recorded = {f.path: (f.role, f.sha256) for f in store.input_files(run_id)}
    expected = {str(made["inputs"] / n): ("input", sha((made["inputs"] / n).read_bytes())) for n in FILES}
    expected[str(SAMPLES / "catalog.yaml")] = ("catalog", sha((SAMPLES / "catalog.yaml").read_bytes()))
    assert recorded == expected
    sources = store.subject_sources(run_id)
    assert set(sources) == {"iam-admin", "sg-default"}
    for subject, name in (("iam-admin", "iam-admin.json"), ("sg-default", "sg-default.json")):
        s = sources[subject]
        assert (s.path, s.sha256, s.element) == (str(made["inputs"] / name), expected[s.path][1], "document")


def test_the_bundle_holds_the_inputs_and_the_catalog_in_the_signed_statement(made):
    files = members(made["bundle"])
    manifest = json.loads(files["manifest.json"])
    statement, _, _ = dsse.open_envelope(files["bundle.dsse.json"])
    signed = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
    roles = sorted(f["role"] for f in manifest["inputs"])
    assert roles == ["catalog"] + ["input"] * len(FILES)
    for f in manifest["inputs"]:
        original = open(f["path"], "rb").read()
        assert files[f["member"]] == original and signed[f["member"]] == sha(original) == f["sha256"]
    assert {i["name"] for i in statement["predicate"]["inputs"]} == {f["member"] for f in manifest["inputs"]}
    by_result = {(r["control"], r["subject"]): r for r in manifest["results"]}
    assert by_result[("IAM-1", "iam-admin")]["source"]["sha256"] == sha((made["inputs"] / "iam-admin.json").read_bytes())


def test_verify_re_derives_every_encoding_and_says_what_rests_on_what(made):
    r = run_plain("verify", made["bundle"], "--pubkey", made["pub"])
    assert r.exit_code == 0, r.output
    problems = sum(1 for n in members(made["bundle"]) if n.endswith(".smt2"))
    assert f"ok    encodings: all {problems} problems re-derived from the bundled inputs" in r.output
    assert "trust re-checked by the kernel (trusted)" in r.output
    assert f"trust re-derived by untrusted, deterministic code (proofgate's loader and encoder): {problems}" in r.output
    assert "trust taken on the signer's word: that the 3 bundled input file(s) are the estate" in r.output


def widen(document: bytes) -> bytes:
    """sg-default admits the whole internet instead of its own members: still a valid file."""
    data = json.loads(document)
    data["document"]["IpPermissions"] = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    return json.dumps(data).encode()


def resign(files: dict, key_path) -> None:
    """What an insider with the signing key does: every hash made consistent again, then signed."""
    manifest = json.loads(files["manifest.json"])
    for name, entry in manifest["files"].items():
        entry["sha256"], entry["size"] = sha(files[name]), len(files[name])
    renamed = {}
    for f in manifest["inputs"]:
        new = sha(files[f["member"]])
        renamed[f["sha256"]], f["sha256"] = new, new
    for r in manifest["results"]:
        if r.get("source"):
            r["source"]["sha256"] = renamed.get(r["source"]["sha256"], r["source"]["sha256"])
    files["manifest.json"] = json.dumps(manifest, indent=1, sort_keys=True).encode() + b"\n"
    statement, _, _ = dsse.open_envelope(files["bundle.dsse.json"])
    for s in statement["subject"]:
        s["digest"]["sha256"] = sha(files[s["name"]])
    files["bundle.dsse.json"] = dsse.envelope(statement, dsse.load_private_key(key_path))


def sg_member(files: dict) -> str:
    manifest = json.loads(files["manifest.json"])
    return next(f["member"] for f in manifest["inputs"] if f["path"].endswith("sg-default.json"))


def test_an_input_changed_and_re_signed_with_the_right_key_fails_on_the_derived_encoding(made, tmp_path):
    files = members(made["bundle"])
    files[sg_member(files)] = widen(files[sg_member(files)])
    resign(files, made["key"])
    out = tmp_path / "resigned.tar.gz"
    bundle_module._write_tar(out, files)
    r = run_plain("verify", out, "--pubkey", made["pub"])
    assert r.exit_code == 1, r.output
    assert "ok    signature" in r.output and "ok    hashes" in r.output  # the forgery is consistent
    assert "FAIL  NET-1/sg-default: the problem derived from the bundled inputs differs" in r.output, [
        line for line in r.output.splitlines() if not line.startswith("ok")]
    assert "iam-admin: the problem derived" not in r.output  # the untouched subject still derives the same
    assert "s NOT VERIFIED" in r.output


def test_an_input_changed_without_re_signing_fails_on_the_hashes(made, tmp_path):
    files = members(made["bundle"])
    member = sg_member(files)
    files[member] = widen(files[member])
    out = tmp_path / "tampered.tar.gz"
    bundle_module._write_tar(out, files)
    r = run_plain("verify", out, "--pubkey", made["pub"])
    assert r.exit_code == 1, r.output
    assert f"FAIL  {member}: sha256 {sha(files[member])} differs from the signed" in r.output


def test_a_bundle_of_problems_without_their_inputs_is_refused(made, tmp_path):
    files = members(made["bundle"])
    manifest = json.loads(files["manifest.json"])
    for f in manifest["inputs"]:
        del files[f["member"]], manifest["files"][f["member"]]
    manifest["inputs"] = []
    files["manifest.json"] = json.dumps(manifest, indent=1, sort_keys=True).encode() + b"\n"
    statement, _, _ = dsse.open_envelope(files["bundle.dsse.json"])
    statement["subject"] = [s for s in statement["subject"] if s["name"] in files]
    for s in statement["subject"]:
        s["digest"]["sha256"] = sha(files[s["name"]])
    files["bundle.dsse.json"] = dsse.envelope(statement, dsse.load_private_key(made["key"]))
    out = tmp_path / "bare.tar.gz"
    bundle_module._write_tar(out, files)
    r = run_plain("verify", out, "--pubkey", made["pub"])
    assert r.exit_code == 1, r.output
    assert "no input files or catalog: nothing ties the problems to a configuration" in r.output


def test_the_reports_show_every_input_digest_and_each_result_s_source(made, tmp_path):
    html = tmp_path / "r.html"
    assert run("report", "--format", "html", "-o", html, db=made["db"]).exit_code == 0
    text = html.read_text()
    md = run("report", "--format", "md", db=made["db"]).output
    for name in FILES:
        digest = sha((made["inputs"] / name).read_bytes())
        assert digest in text and digest in md
    assert sha((SAMPLES / "catalog.yaml").read_bytes()) in text
    assert "Proof (LRAT)" not in text and "theory lemmas and an LRAT refutation" in text
    assert "DIMACS CNF" not in text  # this run had no CNF formula: the Method says what it did


def test_re_deriving_loads_no_solver_and_no_database(made):
    code = ("import sys\nfrom evidence.cli import main\n"
            f"sys.argv = ['proofgate', 'verify', {str(made['bundle'])!r}, '--pubkey', {str(made['pub'])!r}]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pysat', 'sqlmodel', 'sqlalchemy', 'cvc5')\n"
            "                or m in ('evidence.solvers.cadical', 'evidence.store.store', 'evidence.smt.native'))\n"
            "print('EXIT', code, 'LOADED', loaded)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120).stdout
    assert "ok    encodings: all" in out
    assert out.strip().endswith("EXIT 0 LOADED []"), out


# ---- every reproduce command a report prints, run ------------------------------------------------------
def unpack(bundle, into):
    with tarfile.open(bundle) as tar:
        tar.extractall(into, filter="data")
    return into


def printed_commands(text: str, prefixes=("proofgate check ", "proofgate export-cnf ")) -> list[tuple[str, str]]:
    """(command, verdict the text states for it) from a report's or REPRODUCE.md's lines."""
    import html as html_module
    import re
    out, verdict = [], None
    for line in html_module.unescape(re.sub(r"<[^>]+>", "", text)).splitlines():
        if line.startswith("### "):  # REPRODUCE.md: "### CONTROL / SUBJECT: VERDICT"
            verdict = line.rsplit(": ", 1)[1]
        elif line.startswith(prefixes):
            command, _, comment = line.partition("   #")
            stated = comment.rsplit(": ", 1)[1].strip() if ": " in comment else verdict
            out.append((command.strip(), stated))
    return out


def test_every_command_the_report_and_the_bundle_print_reproduces_its_verdict(made, tmp_path, monkeypatch):
    from evidence.results import Result, from_verdict
    folder = unpack(made["bundle"], tmp_path / "unpacked")
    report = printed_commands((folder / "reports" / "report.html").read_text())
    reproduce = printed_commands((folder / "REPRODUCE.md").read_text())
    script = (folder / "reproduce.sh").read_text()
    results = json.loads((folder / "manifest.json").read_text())["results"]
    answered = [r for r in results if r["verdict"] in ("PASS", "FAIL")]
    assert {v for _, v in report} == {"PASS", "FAIL"} and len(report) == len(answered)
    assert set(report) <= set(reproduce)  # the report's commands are the bundle's
    assert all(c.removeprefix("proofgate ") in script for c, _ in reproduce)
    monkeypatch.chdir(folder)
    for command, stated in reproduce:
        args = command.split()[1:]
        if args[0] == "check":
            r = run_plain("check", "--json", *args[1:])
            assert r.exit_code == 0, (command, r.output)  # PASS and FAIL evidence alike verify
            assert from_verdict(json.loads(r.output)) is Result(stated), (command, r.output)
        else:
            r = run_plain(*args)
            assert r.exit_code == 0 and stated == "PASS", (command, r.output)


def run_script(folder):
    env = dict(os.environ, PROOFGATE=f"{sys.executable} -m evidence.cli", PYTHONPATH=str(ROOT))
    return subprocess.run(["sh", "reproduce.sh"], cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def test_the_bundled_script_re_runs_them_all_and_fails_when_one_does_not_verify(made, tmp_path):
    folder = unpack(made["bundle"], tmp_path / "unpacked")
    count = len(printed_commands((folder / "REPRODUCE.md").read_text()))
    done = run_script(folder)
    assert done.returncode == 0 and f"all {count} command(s) verified" in done.stdout, done.stdout + done.stderr
    proof = next((folder / "proofs").iterdir())
    proof.write_bytes(proof.read_bytes().replace(b"lrat", b"lrax", 1) + b"\n(garbage)\n")
    damaged = run_script(folder)
    assert damaged.returncode == 1 and "NOT REPRODUCED (PASS)" in damaged.stdout, damaged.stdout


def test_verify_names_bundle_members_not_temporary_files(made, tmp_path):
    """A certificate the kernel cannot read, re-signed: the message names the member, not our scratch file."""
    files = members(made["bundle"])
    proof = next(n for n in sorted(files) if n.startswith("proofs/"))
    files[proof] = b"not a certificate\n"
    resign(files, made["key"])
    out = tmp_path / "unreadable.tar.gz"
    bundle_module._write_tar(out, files)
    r = run_plain("verify", out, "--pubkey", made["pub"])
    assert r.exit_code == 1
    failing = [line for line in r.output.splitlines() if line.startswith("FAIL") and "kernel" in line]
    assert failing and all("proofgate-verify-" not in line and "/tmp" not in line for line in failing), failing
    assert any(proof in line for line in failing), failing
