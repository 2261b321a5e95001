"""Verify an evidence bundle offline: the archive's form, every hash, the signature, every encoding
re-derived from the bundled inputs (rederive.py), and every proof and model again with the kernel.
No solver, no python-sat, no database: standard library, `checker` and `cryptography`, plus the
policy loader and encoder for a control run's encodings.

The archive is read by a small strict reader rather than extracted: only regular files with
plain relative names (no absolute paths, no `..`, no links, devices or directories), sizes
under a limit, canonical headers and zero padding.  A refused entry is refused before any of
its bytes are written, and names never become paths: contents go to numbered files in a
private temporary directory.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import checker

from ..errors import UserError
from ..results import Result, answer_label, from_verdict
from . import dsse

ENVELOPE, MANIFEST = "bundle.dsse.json", "manifest.json"
NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){0,3}$")
MAX_ENTRY = (8 << 30) - 1  # what a ustar header can describe, and so what bundle.py writes
MAX_TOTAL = 256 << 30
MAX_ENTRIES = 1_000_000
BLOCK = 512
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # as bundle.CanonicalGzip writes it


class BundleError(UserError):
    """The bundle cannot be read safely (exit code 2): unsafe or malformed archive."""


@dataclass
class Entry:
    name: str
    path: Path
    sha256: str
    size: int


def read_archive(path, workdir: Path, max_entry=MAX_ENTRY, max_total=MAX_TOTAL) -> dict[str, Entry]:
    try:
        with open(path, "rb") as f:
            head = f.read(10)
    except OSError as error:
        raise BundleError(f"{path}: cannot open: {error.strerror or error}") from None
    if not head.startswith(b"\x1f\x8b"):
        raise BundleError(f"{path}: not a gzip file (a bundle is a .tar.gz)")
    if head != GZIP_HEADER:
        raise BundleError(f"{path}: the gzip header is not the one proofgate writes (changed?)")
    entries: dict[str, Entry] = {}
    total, offset = 0, 0
    try:
        with gzip.open(path, "rb") as gz:
            while True:
                header = _read_exact(gz, BLOCK, path, offset)
                if header == bytes(BLOCK):
                    while chunk := gz.read(1 << 16):
                        if chunk.count(0) != len(chunk):
                            raise BundleError(f"{path}: data after the end of the archive")
                    break
                name = _check_header(header, path, offset, len(entries), max_entry)
                info = tarfile.TarInfo.frombuf(header, "utf-8", "strict")
                if name in entries:
                    raise BundleError(f"{path}: entry {name!r} appears twice")
                total += info.size
                if total > max_total or len(entries) >= MAX_ENTRIES:
                    raise BundleError(f"{path}: the archive is absurdly large (over {max_total} bytes or "
                                      f"{MAX_ENTRIES} entries)")
                target = workdir / f"{len(entries):07d}"
                sha = hashlib.sha256()
                with open(target, "wb") as out:
                    left = info.size
                    while left:
                        chunk = gz.read(min(left, 1 << 20))
                        if not chunk:
                            raise BundleError(f"{path}: truncated inside {name!r}")
                        sha.update(chunk)
                        out.write(chunk)
                        left -= len(chunk)
                pad = -info.size % BLOCK
                if pad and _read_exact(gz, pad, path, offset) != bytes(pad):
                    raise BundleError(f"{path}: non-zero padding after {name!r} (changed?)")
                offset += BLOCK + info.size + pad
                entries[name] = Entry(name, target, sha.hexdigest(), info.size)
    except (OSError, EOFError, zlib.error) as error:  # gzip.BadGzipFile is an OSError
        raise BundleError(f"{path}: cannot decompress: {error}") from None
    return entries


def _read_exact(f, n, path, offset) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise BundleError(f"{path}: truncated archive (at byte {offset} of the tar stream)")
    return data


def _check_header(header: bytes, path, offset: int, index: int, max_entry: int) -> str:
    """Everything that makes an entry unsafe or foreign is refused here, before its data is read."""
    try:
        info = tarfile.TarInfo.frombuf(header, "utf-8", "strict")
    except (tarfile.HeaderError, UnicodeDecodeError) as error:
        raise BundleError(f"{path}: entry {index} (tar offset {offset}): bad header: {error}") from None
    name = info.name
    what = f"{path}: entry {index} {name!r}"
    if info.issym() or info.islnk():
        raise BundleError(f"{what}: a {'symbolic' if info.issym() else 'hard'} link to {info.linkname!r} is refused")
    if info.ischr() or info.isblk() or info.isfifo():
        raise BundleError(f"{what}: a device or FIFO is refused")
    if info.type in (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK,
                     tarfile.GNUTYPE_SPARSE):
        raise BundleError(f"{what}: extended (pax/GNU) headers are refused: they can rename entries")
    if not info.isreg() or info.type not in (tarfile.REGTYPE, tarfile.AREGTYPE):
        raise BundleError(f"{what}: only regular files are allowed (type {info.type!r})")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise BundleError(f"{what}: an absolute path is refused")
    if ".." in name.split("/") or "\\" in name:
        raise BundleError(f"{what}: a path with '..' or a backslash is refused")
    if not NAME.match(name):
        raise BundleError(f"{what}: not a name a proofgate bundle uses")
    if info.size > max_entry:
        raise BundleError(f"{what}: absurd size {info.size} bytes (limit {max_entry})")
    if info.tobuf(tarfile.USTAR_FORMAT, "utf-8", "strict") != header or (info.mode, info.mtime, info.uid, info.gid,
                                                                        info.uname, info.gname) != \
            (0o644, 0, 0, 0, "", ""):
        raise BundleError(f"{what}: the header is not the canonical one proofgate writes (changed?)")
    return name


# --- verification ------------------------------------------------------------------


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def ok(self, text):
        self.lines.append(f"ok    {text}")

    def bad(self, text):
        self.lines.append(f"FAIL  {text}")
        self.problems.append(text)

    @property
    def verified(self) -> bool:
        return not self.problems


def verify(path, workdir: Path, public_key=None, allow_unsigned=False, kernel=None, cross_check=()) -> Report:
    """Raises BundleError for an archive that cannot be read safely; otherwise reports each check."""
    entries = read_archive(path, workdir)
    report = Report()
    if ENVELOPE not in entries or MANIFEST not in entries:
        raise BundleError(f"{path}: not a proofgate bundle (no {ENVELOPE} or {MANIFEST})")
    try:
        statement, payload, signatures = dsse.open_envelope(entries[ENVELOPE].path.read_bytes())
    except (ValueError, UnicodeDecodeError) as error:
        report.bad(f"{ENVELOPE}: malformed envelope: {error}")
        return report
    if public_key is not None:
        if dsse.signed_by(payload, signatures, public_key):
            report.ok(f"signature: Ed25519, key {dsse.keyid(public_key)[:16]}, over the statement of every file")
        else:
            report.bad("signature: no valid signature by the given public key")
    elif allow_unsigned:
        report.lines.append("skip  signature: not checked (--allow-unsigned): authenticity is NOT established")
    else:
        report.bad("signature: not checked: give --pubkey KEY.pub (or --allow-unsigned to check the rest only)")

    listed = {}
    for s in statement["subject"]:
        try:
            listed[s["name"]] = s["digest"]["sha256"]
        except (TypeError, KeyError):
            report.bad("statement: a subject without a name or sha256 digest")
    present = set(entries) - {ENVELOPE}
    for name in sorted(present - listed.keys()):
        report.bad(f"{name}: in the archive but not in the signed statement")
    for name in sorted(listed.keys() - present):
        report.bad(f"{name}: in the signed statement but missing from the archive")
    bad_hashes = [n for n in sorted(present & listed.keys()) if entries[n].sha256 != listed[n]]
    for name in bad_hashes:
        report.bad(f"{name}: sha256 {entries[name].sha256} differs from the signed {listed[name]}")
    if not bad_hashes and present == listed.keys():
        report.ok(f"hashes: all {len(present)} files match the signed statement")

    try:
        manifest = json.loads(entries[MANIFEST].path.read_bytes())
        files, results = manifest["files"], manifest["results"]
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        report.bad(f"{MANIFEST}: malformed: {error}")
        return report
    if {n: f.get("sha256") for n, f in files.items()} != {n: h for n, h in listed.items() if n != MANIFEST}:
        report.bad(f"{MANIFEST}: its file list differs from the signed statement")
    derived = _rederive(manifest, entries, report, workdir)
    controls: dict[str, list[str]] = {}
    kernel_checked = 0
    crossed = {c.name: 0 for c in cross_check}
    for r in results:
        held = _recheck(r, entries, report, kernel)
        kernel_checked += held in (Result.PASS, Result.FAIL)
        if held is Result.PASS and cross_check:
            held = _cross_check(r, entries, report, cross_check, workdir, crossed)
        controls.setdefault(r.get("control"), []).append(held)
    for name, count in crossed.items():
        report.lines.append(f"info  {name}: verified the propositional part of {count} certificate(s) on its own")
    for cid, verdicts in sorted(controls.items(), key=lambda kv: str(kv[0])):
        report.lines.append(f"control {cid}: {Result.worst(verdicts)} ({len(verdicts)} subject(s))")
    report.lines += trust_lines(kernel_checked, derived, manifest)
    return report


def _rederive(manifest: dict, entries: dict, report: Report, workdir: Path):
    from .rederive import rederive
    derived = rederive(manifest, entries, workdir)
    for problem in derived.problems:
        report.bad(problem)
    for note in derived.notes:
        report.lines.append(f"info  {note}")
    if derived.compared and not derived.problems:
        report.ok(f"encodings: all {derived.compared} problems re-derived from the bundled inputs and catalog "
                  "are the bundled ones, byte for byte")
    return derived


def trust_lines(kernel_checked: int, derived, manifest: dict) -> list[str]:
    """What each step of this verification rests on, said plainly."""
    inputs = manifest.get("inputs") or []
    lines = [f"trust re-checked by the kernel (trusted): {kernel_checked} proof(s) and counterexample(s)"]
    if derived.compared:
        lines.append(f"trust re-derived by untrusted, deterministic code (proofgate's loader and encoder): "
                     f"{derived.compared} encoding(s) of the controls")
    elif not any(str(r.get("formula") or "").endswith(".smt2") for r in manifest.get("results", [])):
        lines.append("trust taken on the signer's word: the formulas (a `prove` run: no inputs to derive them from)")
    lines.append(f"trust taken on the signer's word: that the {sum(f.get('role') != 'catalog' for f in inputs)} "
                 "bundled input file(s) are the estate under review, and the catalog its controls")
    return lines


def _recheck(r: dict, entries: dict, report: Report, kernel) -> Result:
    """Re-derive one result with the kernel; returns the result that holds."""
    what = f"{r.get('control')}/{r.get('subject')}"
    claimed = r.get("verdict")
    if claimed not in (Result.PASS, Result.FAIL):
        report.lines.append(f"info  {what}: {claimed}: {r.get('reason')} (nothing to re-check)")
        return Result.NOT_CHECKABLE
    claimed = Result(claimed)
    formula, answer = r.get("formula"), r.get("proof" if claimed == Result.PASS else "model")
    if formula not in entries or answer not in entries:
        report.bad(f"{what}: {claimed} without its formula and {'proof' if claimed == Result.PASS else 'model'}")
        return Result.NOT_CHECKABLE
    f, p = entries[formula], entries[answer]
    try:
        if f.name.endswith(".smt2"):  # a control run: an SMT problem and its certificate
            v = checker.check_smt(f.path, p.path, kernel or checker.kernels()[0])
        elif claimed == Result.PASS:
            v = checker.check_lrat(f.path, p.path, kernel or checker.kernels()[0])
        else:
            v = checker.check_model(f.path, p.path)
    except checker.InputError as error:
        report.bad(f"{what}: claimed {claimed}, but the kernel cannot read its files: {_members(str(error), f, p)}")
        return Result.NOT_CHECKABLE
    if from_verdict(v) is claimed and v.formula["sha256"] == f.sha256 and v.proof["sha256"] == p.sha256:
        report.ok(f"{what}: {claimed}: the {v.kernel} kernel VERIFIED the {answer_label(v.proof['format'])}")
        return claimed
    report.bad(f"{what}: claimed {claimed}, but the kernel says {v.status}: {_members(str(v.reason), f, p)}")
    return Result.NOT_CHECKABLE


def _members(text: str, *entries: Entry) -> str:
    """A message about our numbered temporary files, naming the bundle members instead."""
    for e in entries:
        text = text.replace(str(e.path), e.name)
    return text


def _cross_check(r: dict, entries: dict, report: Report, checkers, workdir: Path, crossed: dict) -> Result:
    """A PASS the kernel verified, its propositional part re-checked by each independent checker:
    any verdict other than theirs agreeing makes the result not hold."""
    from ..crosscheck import cross_check
    what = f"{r.get('control')}/{r.get('subject')}"
    formula, proof = entries[r["formula"]], entries[r["proof"]]
    try:
        exported, verdicts = cross_check(formula.path, proof.path, checkers, workdir / "cross-check",
                                         Path(proof.name).stem, formula.name.endswith(".smt2"))
    except UserError as error:
        why = str(error).replace(str(formula.path), formula.name).replace(str(proof.path), proof.name)
        report.bad(f"{what}: cannot export its propositional part for cross-checking: {why}")
        return Result.NOT_CHECKABLE
    held = Result.PASS
    for name, verdict, note in verdicts:
        if verdict is True:
            crossed[name] += 1
            report.ok(f"{what}: {name} VERIFIED its refutation ({exported.clauses} clauses, {exported.steps} steps)")
        else:
            report.bad(f"{what}: the kernel verified it, {name} did not: {note}")
            held = Result.NOT_CHECKABLE
    left = "; ".join(exported.left_to_kernel)
    if left:
        report.lines.append(f"info  {what}: left to proofgate's kernel alone: {left}")
    return held
