"""Checking proofs that already exist, many at a time: what a worker runs.

A task is a chunk of items (not one future per proof: a future costs more than a small check).
For each item the worker copies the formula and the proof (or model) into the store's private
`tmp/` (a reflink where the file system can, a copy otherwise), has the kernel check the copies,
and renames them to their sha256 -- the digests the kernel computed while reading them, so nothing
is hashed twice.  The kernel's verdict JSON is stored beside them.  The chunk must be durable
before the main process commits its results: a worker on the main process's own kernel and file
system (`here`: a local worker, or a Dask worker on the same machine) leaves that sync to the
main process, which does it for many chunks at once while the workers go on checking; any other
worker syncs its file system itself (one syncfs per chunk) before it answers.

Why not a hard link: it shares the inode with the user's file, and a later in-place write to that
file would silently change stored evidence.  A reflink or a copy cannot.

Standard library, `checker` and `worker` only: no store, no database, no solver (`verify` may use this).
The result per item is a small tuple; the main process records it.
"""
from __future__ import annotations

import ctypes
import fcntl
import json
import os
import shutil
import uuid
from typing import NamedTuple

import checker

from . import worker

FICLONE = 0x40049409  # linux/fs.h: _IOW(0x94, 9, int)
_reflink_works = True  # until the file system says otherwise (then stop asking)


class Item(NamedTuple):
    formula: str  # absolute paths: a Dask worker does not share our working directory
    answer: str
    kind: str  # "proof" (LRAT, text or binary) or "model"


class Checked(NamedTuple):
    status: str  # VERIFIED, NOT VERIFIED, BAD INPUT or ERROR
    reason: str | None = None
    formula: tuple | None = None  # (sha256, size, compression) of the stored formula
    answer: tuple | None = None  # (sha256, size, format) of the stored proof or model
    verdict: tuple | None = None  # (sha256, size) of the stored verdict JSON
    code: str | None = None
    seconds: float | None = None  # the kernel's own time (Verdict.seconds)
    kernel: tuple | None = None  # (name, version, digest)
    kind: str | None = None  # the verdict's kind: lrat or model

    def verdict_fields(self) -> dict:
        """What results.from_verdict reads of the kernel's verdict."""
        return {"status": self.status, "kind": self.kind, "proof": {"format": self.answer[2] if self.answer else None}}


def artifact_path(root: str, sha256: str) -> str:
    return os.path.join(root, sha256[:2], sha256)  # Store.path_of's layout


def check_chunk(items, kernel: str, root: str | None, token: str | None = None,
                here: tuple | None = None) -> tuple[bool, list[Checked]]:
    """Check each item; with `root` (the store's artifact directory) store them there too.
    Returns (synced, results): synced is False when this worker is `here` (see `place`) and left
    the sync of the files it wrote to the caller, who must sync before it commits any result."""
    if root is not None and not os.path.exists(os.path.join(root, "tmp", token or "")):
        raise RuntimeError(f"this worker cannot see the store's artifact directory {root}: checking existing "
                           "proofs on a cluster needs a file system shared with its workers")
    out = worker.run(lambda: [check_one(item, kernel, root) for item in items])  # a SIGTERM leaves no temporaries
    if root is None:
        return True, out
    if here is not None and place(root) == here:
        return False, out  # the caller's syncfs covers these files: same kernel, same file system
    sync(root)  # before the main process commits: no result without its artifacts, even after a crash
    return True, out


def place(root: str) -> tuple | None:
    """(boot id, device) of `root` as this process sees it: two processes that see the same pair run
    on the same kernel and write to the same file system, so a syncfs by either makes durable what
    both wrote.  None where the boot id cannot be read (not Linux): then every worker syncs."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip(), os.stat(root).st_dev
    except OSError:
        return None


def check_one(item: Item, kernel: str, root: str | None) -> Checked:
    temps: list[str] = []
    try:
        try:
            if root is None:
                paths = (item.formula, item.answer)
            else:
                paths = (_clone(item.formula, root, temps), _clone(item.answer, root, temps))
            v = checker.check_lrat(*paths, kernel) if item.kind == "proof" else checker.check_model(*paths)
        except checker.InputError as error:
            where = error.outcome.message() if error.outcome else str(error).split(": ", 1)[-1]
            name = item.formula if error.path == str(paths[0]) else item.answer
            return Checked("BAD INPUT", f"bad input: {name}: {where}")
        except OSError as error:  # the user's file could not be read to be copied
            return Checked("BAD INPUT", f"bad input: {error.filename}: cannot read: {error.strerror or error}")
        f_sha, a_sha = v.formula["sha256"], v.proof["sha256"]
        record = v.to_dict()
        if root is not None:
            # The kernel read the private copies; they are stored under their sha256, and the verdict
            # names them there (as `prove` does), not by a temporary name that no longer exists.
            for tmp, sha, key in ((paths[0], f_sha, "formula"), (paths[1], a_sha, "proof")):
                record[key] = {**record[key], "path": _publish(tmp, root, sha)}
        data = json.dumps(record, indent=2, sort_keys=True).encode() + b"\n"
        verdict = _put_bytes(data, root, temps) if root is not None else None
        return Checked(v.status, v.reason, (f_sha, v.formula["bytes"], v.formula["compression"]),
                       (a_sha, v.proof["bytes"], v.proof["format"]), verdict, v.code, v.seconds,
                       (v.kernel, v.kernel_version, v.kernel_digest), v.kind)
    finally:
        for t in temps:
            if os.path.exists(t):
                os.unlink(t)


def _publish(tmp: str, root: str, sha256: str) -> str:
    """Rename a finished temporary file to its content address (its fan-out directory made on first use)."""
    final = artifact_path(root, sha256)
    try:
        os.replace(tmp, final)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(final), exist_ok=True)
        os.replace(tmp, final)
    return final


def _create(root: str, temps: list) -> tuple[int, str]:
    """A new file in the store's tmp/, named in `temps` before it exists: whoever holds `temps`
    removes it, whenever the work stops."""
    temps.append(os.path.join(root, "tmp", uuid.uuid4().hex))
    return os.open(temps[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), temps[-1]


def _clone(src: str, root: str, temps: list) -> str:
    global _reflink_works
    fd, tmp = _create(root, temps)
    with open(src, "rb") as s, os.fdopen(fd, "wb") as d:
        if _reflink_works:
            try:
                fcntl.ioctl(d.fileno(), FICLONE, s.fileno())
                return tmp
            except OSError:
                _reflink_works = False  # another file system, or none that shares extents
        _copy(s, d)
    return tmp


def _copy(s, d) -> None:
    """Copy an open file into another in the kernel (sendfile), not through Python's buffers."""
    size, done = os.fstat(s.fileno()).st_size, 0
    try:
        while done < size and (n := os.sendfile(d.fileno(), s.fileno(), done, size - done)):
            done += n
    except OSError:  # no sendfile between these files: the ordinary way, from where it stopped
        pass
    s.seek(done)
    d.seek(done)
    shutil.copyfileobj(s, d, 1 << 20)  # also whatever grew past the size first seen


def _put_bytes(data: bytes, root: str, temps: list) -> tuple:
    import hashlib
    sha = hashlib.sha256(data).hexdigest()
    fd, tmp = _create(root, temps)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    _publish(tmp, root, sha)
    return sha, len(data)


def sync(root: str) -> None:
    """One syncfs(2) for many files and renames, instead of two fsyncs per file."""
    fd = os.open(root, os.O_RDONLY)
    try:
        if ctypes.CDLL(None, use_errno=True).syncfs(fd) != 0:
            raise OSError(ctypes.get_errno(), "syncfs failed", root)
    except AttributeError:  # no syncfs (not Linux): sync everything
        os.sync()
    finally:
        os.close(fd)


def kernel_digest(kernel: str) -> str:
    """The digest a Verdict of this installation's `kernel` carries: a worker's must match it."""
    from checker import ckernel
    from checker.verdict import source_digest
    return source_digest(ckernel.digest()) if kernel == "c" else source_digest()
