"""Write a run's evidence bundle: one tar.gz an auditor can verify offline with the kernel alone.

Layout (every name is fixed by content, so bundles are reproducible byte for byte):

    bundle.dsse.json      DSSE envelope, Ed25519 signature over an in-toto Statement v1
                          whose subjects are every other file with its sha256
    manifest.json         the run, each result (control, subject, verdict, its files) and
                          the sha256 and size of every other file
    inputs/<sha256>.cnf   formulas as they were checked (compressed ones keep .gz/.xz/.bz2)
    proofs/<sha256>.lrat  LRAT proofs (PASS)
    models/<sha256>.model models (FAIL: counterexamples)
    verdicts/<sha256>.json the kernel's verdicts
    sources/<sha256>.json the configuration files the run read (policies, security groups, ACLs)
    catalog/<sha256>.yaml the control catalog the run read
    reports/              report.html, summary.md, oscal.json, junit.xml, sarif.json
    REPRODUCE.md          the commands that re-check each answer (proofgate, cake_lpr, lrat-check)
    reproduce.sh          runs every proofgate command of REPRODUCE.md, exit 0 only if each verifies
    gate/gate.yaml        the gate configuration, when one was given

The archive is canonical (sorted names, ustar headers with mtime 0, owner 0, mode 0644, gzip
without a timestamp) so that verify.py can insist on exactly that form.
"""
from __future__ import annotations

import io
import json
import os
import struct
import tarfile
import zlib
from pathlib import Path

from ..outputs.assessment import Assessment, bundle_name
from ..outputs.html import html
from ..outputs.junit import junit
from ..outputs.markdown import markdown
from ..outputs.oscal import assessment_results
from ..outputs.reproduce import reproduce, script
from ..outputs.sarif import sarif
from ..store.models import as_utc
from ..store.store import Store, StoreError, file_sha256
from . import dsse

FORMAT = "proofgate-bundle/1"
ENVELOPE, MANIFEST = "bundle.dsse.json", "manifest.json"
GZIP_LEVEL = 6
USTAR_MAX = (8 << 30) - 1  # the largest file a ustar header can describe


def write(store: Store, a: Assessment, out, key=None, gate=None, gate_config: str | None = None) -> dict:
    """Write the bundle to `out` (atomically); returns the manifest."""
    files: dict[str, Path | bytes] = {}
    sizes: dict[str, tuple[str, int]] = {}
    for art in a.artifacts:
        path = store.path_of(art.sha256)
        if not path.is_file():
            raise StoreError(f"artifact {art.sha256} ({art.kind}) is missing from {store.artifacts}")
        sha, size = file_sha256(path)
        if size > USTAR_MAX:
            raise StoreError(f"artifact {art.sha256} ({art.kind}) is {size} bytes: bundles hold files up to 8 GiB")
        if sha != art.sha256:
            raise StoreError(f"artifact {path} no longer has the sha256 it is stored under: the store is damaged")
        files[bundle_name(art)], sizes[bundle_name(art)] = path, (sha, size)
    files["reports/report.html"] = html(a).encode()
    files["reports/summary.md"] = markdown(a, gate).encode()
    files["reports/oscal.json"] = assessment_results(a).encode()
    files["reports/junit.xml"] = junit(a, gate).encode()
    files["reports/sarif.json"] = sarif(a, gate=gate).encode()
    files["REPRODUCE.md"] = reproduce(a).encode()
    files["reproduce.sh"] = script(a).encode()
    if gate_config:
        files["gate/gate.yaml"] = Path(gate_config).read_bytes()
    for name, data in files.items():
        if isinstance(data, bytes):
            sizes[name] = (_sha(data), len(data))
    manifest = {
        "format": FORMAT,
        "run": {"id": a.run.id, "status": a.run.status, "started": _iso(a.run.started_at),
                "finished": _iso(a.run.finished_at), "tool_version": a.run.tool_version,
                "tool_digest": a.run.tool_digest, "kernel_version": a.run.kernel_version, "solver": a.run.solver,
                "catalog_version": a.run.catalog_version},
        "results": [{"control": r.control_id, "subject": r.subject, "verdict": r.verdict, "reason": r.reason,
                     "formula": bundle_name(r.formula) if r.formula else None,
                     "proof": bundle_name(r.answer) if r.answer and r.answer.kind == "proof" else None,
                     "model": bundle_name(r.answer) if r.answer and r.answer.kind == "model" else None,
                     "verdict_json": bundle_name(r.verdict_json) if r.verdict_json else None,
                     "source": _source(r)}
                    for r in a.results],
        "inputs": [{"path": f.path, "role": f.role, "sha256": f.sha256, "member": a.input_member(f)}
                   for f in a.inputs],
        "files": {name: {"sha256": sha, "size": size} for name, (sha, size) in sorted(sizes.items())},
    }
    data = json.dumps(manifest, indent=1, sort_keys=True).encode() + b"\n"
    files[MANIFEST], sizes[MANIFEST] = data, (_sha(data), len(data))
    statement = {"_type": dsse.STATEMENT_TYPE, "predicateType": dsse.PREDICATE_TYPE,
                 "subject": [{"name": n, "digest": {"sha256": sha}} for n, (sha, _) in sorted(sizes.items())],
                 "predicate": {"format": FORMAT, "run": a.run.id, "manifest": MANIFEST,
                               "kernel_version": a.run.kernel_version,
                               # what the evidence is about: verify re-derives every encoding from these
                               "inputs": [{"name": a.input_member(f), "path": f.path, "role": f.role}
                                          for f in a.inputs]}}
    files[ENVELOPE] = dsse.envelope(statement, key)
    _write_tar(out, files)
    return manifest


def _source(r) -> dict | None:
    s = r.source
    return {"path": s.path, "sha256": s.sha256, "element": s.element} if s else None


def _write_tar(out, files: dict) -> None:
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "wb") as raw:
        with CanonicalGzip(raw) as gz, tarfile.open(fileobj=gz, mode="w|", format=tarfile.USTAR_FORMAT) as tar:
            for name in sorted(files):
                data = files[name]
                info = tarfile.TarInfo(name)
                info.mode, info.mtime, info.uid, info.gid, info.uname, info.gname = 0o644, 0, 0, 0, "", ""
                if isinstance(data, bytes):
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
                else:
                    info.size = data.stat().st_size
                    with open(data, "rb") as f:
                        tar.addfile(info, f)
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(tmp, out)


class CanonicalGzip:
    """A gzip stream with one fixed header (no name, no timestamp, OS 'unknown'), whatever the
    Python version: verify.py accepts exactly this header, so no byte of it can change unnoticed."""
    HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"

    def __init__(self, raw):
        self.raw, self.crc, self.size = raw, 0, 0
        self.deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        raw.write(self.HEADER)

    def write(self, data):
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.raw.write(self.deflate.compress(data))
        return len(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.raw.write(self.deflate.flush() + struct.pack("<II", self.crc, self.size & 0xFFFFFFFF))


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with CanonicalGzip(buf) as gz:
        gz.write(data)
    return buf.getvalue()


def _sha(data: bytes) -> str:
    import hashlib
    return hashlib.sha256(data).hexdigest()


def _iso(value) -> str | None:
    return as_utc(value).isoformat() if value is not None else None
