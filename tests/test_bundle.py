"""Bundles: signed, reproducible, verified offline by the kernel alone; any change is detected;
unsafe archives are refused before anything is extracted."""
import gzip
import io
import json
import subprocess
import sys
import tarfile
import zlib

import pytest

from evidence.bundle import write as bundle_module
from evidence.bundle.verify import BundleError, read_archive
from pipeline import ROOT, populate, run, run_plain, sqlite_url


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A store with two runs, a key pair, and a signed bundle of run `before` (PASS and FAIL)."""
    d = tmp_path_factory.mktemp("bundle")
    db = sqlite_url(d)
    populate(db)
    key = d / "key"
    assert run_plain("keygen", "-o", key).exit_code == 0
    out = d / "before.tar.gz"
    r = run("bundle", "before", "-o", out, "--key", key, db=db)
    assert r.exit_code == 0, r.output
    return {"db": db, "key": key, "pub": d / "key.pub", "bundle": out, "dir": d}


def verify(path, *extra):
    return run_plain("verify", path, *extra)


def test_a_signed_bundle_verifies(made):
    r = verify(made["bundle"], "--pubkey", made["pub"])
    assert r.exit_code == 0, r.output
    assert "ok    signature: Ed25519" in r.output
    assert "C-1/php-4: PASS: the c kernel VERIFIED the LRAT proof" in r.output or \
        "C-1/php-4: PASS: the python kernel VERIFIED" in r.output
    assert "C-2/rnd3-40-sat: FAIL: the python kernel VERIFIED the model" in r.output
    assert "control C-2: FAIL" in r.output and r.output.rstrip().endswith("s VERIFIED")


def test_the_bundle_holds_inputs_proofs_models_verdicts_reports(made):
    with tarfile.open(made["bundle"]) as tar:
        names = tar.getnames()
    assert names == sorted(names)
    for prefix in ("inputs/", "proofs/", "models/", "verdicts/"):
        assert any(n.startswith(prefix) for n in names), prefix
    for report in ("report.html", "summary.md", "oscal.json", "junit.xml", "sarif.json"):
        assert f"reports/{report}" in names
    assert "manifest.json" in names and "bundle.dsse.json" in names


def test_the_bundle_is_reproducible(made, tmp_path):
    again = tmp_path / "again.tar.gz"
    assert run("bundle", "before", "-o", again, "--key", made["key"], db=made["db"]).exit_code == 0
    assert again.read_bytes() == made["bundle"].read_bytes()


def test_the_signature_must_be_checked(made, tmp_path):
    assert verify(made["bundle"]).exit_code == 1  # no key given: authenticity not established
    assert verify(made["bundle"], "--allow-unsigned").exit_code == 0
    other = tmp_path / "other"
    run_plain("keygen", "-o", other)
    r = verify(made["bundle"], "--pubkey", f"{other}.pub")
    assert r.exit_code == 1 and "no valid signature" in r.output
    unsigned = tmp_path / "unsigned.tar.gz"
    assert run("bundle", "before", "-o", unsigned, db=made["db"]).exit_code == 0
    assert verify(unsigned, "--pubkey", made["pub"]).exit_code == 1
    assert verify(unsigned, "--allow-unsigned").exit_code == 0


def test_keygen_never_overwrites(made):
    r = run_plain("keygen", "-o", made["key"])
    assert r.exit_code == 2 and "refusing to overwrite" in r.output
    assert (made["key"].stat().st_mode & 0o777) == 0o600


def test_verify_loads_no_solver_and_no_database(made):
    code = ("import sys\nfrom evidence.cli import main\n"
            f"sys.argv = ['proofgate', 'verify', {str(made['bundle'])!r}, '--pubkey', {str(made['pub'])!r}]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pysat', 'sqlmodel', 'sqlalchemy')\n"
            "                or m in ('evidence.solvers._compat', 'evidence.solvers.cadical', 'evidence.store.store'))\n"
            "print('EXIT', code, 'LOADED', loaded)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "s VERIFIED" in out
    assert out.strip().endswith("EXIT 0 LOADED []"), out


# --- tampering -------------------------------------------------------------------------------


def members(path):
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def rewrite(files, out):
    bundle_module._write_tar(out, files)  # the canonical writer: only the changed byte differs
    return out


KINDS = ["bundle.dsse.json", "manifest.json", "inputs/", "proofs/", "models/", "verdicts/", "reports/report.html",
         "reports/oscal.json", "reports/summary.md"]


@pytest.mark.parametrize("kind", KINDS)
def test_one_changed_byte_in_any_file_is_detected(made, tmp_path, kind):
    files = members(made["bundle"])
    name = next(n for n in sorted(files) if n.startswith(kind))
    data = bytearray(files[name])
    i = len(data) // 2
    data[i] = data[i] ^ 0x01  # one bit of one byte
    files[name] = bytes(data)
    r = verify(rewrite(files, tmp_path / "t.tar.gz"), "--pubkey", made["pub"])
    assert r.exit_code in (1, 2), r.output
    assert "s VERIFIED" not in r.output.splitlines()[-1:]


def test_a_consistent_forgery_fails_the_signature(made, tmp_path):
    """Change a proof, and recompute every hash (manifest, statement): only the signature stops it."""
    from evidence.bundle import dsse
    files = members(made["bundle"])
    proof = next(n for n in files if n.startswith("proofs/"))
    files[proof] = files[proof] + b"c forged\n"
    statement, _, _ = dsse.open_envelope(files["bundle.dsse.json"])
    import hashlib
    for s in statement["subject"]:
        if s["name"] == proof:
            s["digest"]["sha256"] = hashlib.sha256(files[proof]).hexdigest()
    files["bundle.dsse.json"] = dsse.envelope(statement)  # unsigned now: the forger has no key
    r = verify(rewrite(files, tmp_path / "f.tar.gz"), "--pubkey", made["pub"])
    assert r.exit_code == 1 and "no valid signature" in r.output


@pytest.mark.parametrize("name", ["bundle.dsse.json", "manifest.json"])
def test_json_nested_too_deeply_is_a_malformed_bundle_not_a_crash(made, tmp_path, name):
    files = members(made["bundle"])
    files[name] = b"[" * 200_000 + b"]" * 200_000
    r = verify(rewrite(files, tmp_path / "n.tar.gz"), "--pubkey", made["pub"])
    assert r.exit_code in (1, 2) and "internal error" not in r.output, r.output
    assert "nested too deeply" in r.output or "malformed" in r.output, r.output


def test_dropped_or_added_files_are_detected(made, tmp_path):
    files = members(made["bundle"])
    files.pop(next(n for n in files if n.startswith("models/")))
    r = verify(rewrite(files, tmp_path / "d.tar.gz"), "--pubkey", made["pub"])
    assert r.exit_code == 1 and "missing from the archive" in r.output
    files = members(made["bundle"])
    files["reports/extra.txt"] = b"hello\n"
    r = verify(rewrite(files, tmp_path / "a.tar.gz"), "--pubkey", made["pub"])
    assert r.exit_code == 1 and "not in the signed statement" in r.output


def gz(data: bytes) -> bytes:
    """Compressed as bundle.py does, so that only the tar stream inside is wrong."""
    return bundle_module.gzip_bytes(data)


def flip(data: bytes, i: int) -> bytes:
    out = bytearray(data)
    out[i] ^= 0x40
    return bytes(out)


def test_changed_bytes_of_the_container_are_detected(made, tmp_path):
    raw = made["bundle"].read_bytes()
    tar = gzip.decompress(raw)
    # the gzip header's timestamp and OS byte; the compressed stream; the trailer's CRC
    positions = [4, 9, len(raw) // 3, len(raw) // 2, len(raw) - 6]
    cases = [flip(raw, i) for i in positions]
    # inside the tar stream: a header's mtime, a header's padding, the end-of-archive zeros
    for i in (136, 400, len(tar) - 100):
        cases.append(gz(flip(tar, i)))
    for n, data in enumerate(cases):
        path = tmp_path / f"c{n}.tar.gz"
        path.write_bytes(data)
        r = verify(path, "--pubkey", made["pub"])
        assert r.exit_code in (1, 2), (n, r.output)


# --- unsafe archives -------------------------------------------------------------------------


def handmade(tmp_path, *entries, fmt=tarfile.USTAR_FORMAT):
    """A tar.gz with the given TarInfo entries (data for regular files), as an attacker would make it."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for info, data in entries:
            info.mtime, info.mode = 0, info.mode or 0o644
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    path = tmp_path / "evil.tar.gz"
    path.write_bytes(gz(buf.getvalue()))
    return path


def entry(name, kind=tarfile.REGTYPE, data=b"x", linkname=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data if kind == tarfile.REGTYPE else None


UNSAFE = {
    "absolute path": (entry("/tmp/proofgate-evil"), "absolute path"),
    "dot-dot": (entry("../proofgate-evil"), "'..'"),
    "dot-dot inside": (entry("reports/../../proofgate-evil"), "'..'"),
    "symlink": (entry("reports/link", tarfile.SYMTYPE, linkname="/etc/passwd"), "symbolic link"),
    "hard link": (entry("reports/hard", tarfile.LNKTYPE, linkname="manifest.json"), "hard link"),
    "character device": (entry("reports/dev", tarfile.CHRTYPE), "device"),
    "block device": (entry("reports/blk", tarfile.BLKTYPE), "device"),
    "fifo": (entry("reports/fifo", tarfile.FIFOTYPE), "FIFO"),
    "directory": (entry("reports", tarfile.DIRTYPE), "only regular files"),
}


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_unsafe_entries_are_refused_before_extraction(tmp_path, case):
    bad, message = UNSAFE[case]
    good = entry("manifest.json", data=b"{}")
    path = handmade(tmp_path, good, bad)
    r = verify(path, "--allow-unsigned")
    assert r.exit_code == 2 and message in r.output, r.output
    assert "Traceback" not in r.output
    assert not (tmp_path.parent / "proofgate-evil").exists() and not (tmp_path / "proofgate-evil").exists()
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(BundleError, match=message.replace("(", r"\(")):
        read_archive(path, work)
    assert [p.name for p in work.iterdir()] == ["0000000"]  # only the safe entry before it, under a number


def test_absurd_sizes_are_refused_before_reading(tmp_path):
    info = tarfile.TarInfo("proofs/huge.lrat")
    info.size = 1 << 40  # 1 TiB, declared in the header; no such data follows
    header = info.tobuf(tarfile.GNU_FORMAT, "utf-8", "strict")  # GNU base-256 size
    path = tmp_path / "huge.tar.gz"
    path.write_bytes(gz(header + bytes(1024)))
    r = verify(path, "--allow-unsigned")
    assert r.exit_code == 2 and "absurd size" in r.output
    small = handmade(tmp_path, entry("manifest.json", data=bytes(5000)))
    (tmp_path / "w").mkdir()
    with pytest.raises(BundleError, match="absurd size"):
        read_archive(small, tmp_path / "w", max_entry=4096)


def test_pax_headers_are_refused(tmp_path):
    path = handmade(tmp_path, entry("r/" + "x" * 150), fmt=tarfile.PAX_FORMAT)  # a long name needs pax
    r = verify(path, "--allow-unsigned")
    assert r.exit_code == 2 and "extended (pax/GNU) headers" in r.output


def test_not_a_bundle(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("hello")
    r = verify(plain, "--allow-unsigned")
    assert r.exit_code == 2 and "not a gzip file" in r.output
    r = verify(tmp_path / "absent.tar.gz", "--allow-unsigned")
    assert r.exit_code == 2 and "cannot open" in r.output
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(gz(bytes(300)))
    r = verify(truncated, "--allow-unsigned")
    assert r.exit_code == 2 and "truncated" in r.output


def test_a_bad_pass_in_the_bundle_is_caught_by_the_kernel(made, tmp_path):
    """A bundle signed by the right key, whose manifest claims PASS for a proof that does not prove it."""
    from evidence.bundle import dsse
    files = members(made["bundle"])
    manifest = json.loads(files["manifest.json"])
    fail = next(r for r in manifest["results"] if r["verdict"] == "FAIL")
    proof = next(r["proof"] for r in manifest["results"] if r["verdict"] == "PASS")
    fail.update(verdict="PASS", proof=proof, model=None)  # php-4's proof for rnd3-40-sat's formula
    files["manifest.json"] = json.dumps(manifest).encode()
    statement, _, _ = dsse.open_envelope(files["bundle.dsse.json"])
    import hashlib
    for s in statement["subject"]:
        if s["name"] == "manifest.json":
            s["digest"]["sha256"] = hashlib.sha256(files["manifest.json"]).hexdigest()
    files["bundle.dsse.json"] = dsse.envelope(statement, dsse.load_private_key(made["key"]))
    r = verify(rewrite(files, tmp_path / "lie.tar.gz"), "--pubkey", made["pub"])
    assert r.exit_code == 1, r.output
    assert "claimed PASS, but the kernel says NOT VERIFIED" in r.output


def test_zlib_is_what_gzip_uses():  # the container check relies on gzip's CRC over the tar stream
    assert zlib.crc32(b"proofgate") == zlib.crc32(b"proofgate")
