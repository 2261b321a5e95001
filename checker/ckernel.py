"""The C twin (csrc/kernel/): fed the exact bytes the Sources read and hash.

C runs without the GIL.  It reads an uncompressed file itself while a thread
hashes it; a compressed file reaches it through a pipe, written by a thread
that reads (and so hashes) and decompresses it.
"""
import os

from .source import descriptors, release
from .syntax import Stop
from .verdict import CODES

try:
    from ._lratc import ffi, lib
except ImportError:  # not compiled: only the Python kernel is available
    ffi = lib = None

_NAMES = {getattr(lib, "PG_" + name.upper().replace("-", "_")): name
          for name in CODES if lib and not name.startswith(("model", "smt"))}


def available():
    return lib is not None


def digest():
    return ffi.string(lib.pg_kernel_digest()).decode()


def check(formula, proof, pipe=False):
    """Run the C kernel; returns (Stop or None, file, counts, binary) like lrat.check.

    An uncompressed file is read by C directly while it is hashed (Source.share);
    a compressed one is decompressed into a pipe by a thread (as any is, with pipe=True)."""
    fds, feeders = descriptors((formula, proof), pipe)
    try:
        found = check_fds(*fds)
    finally:
        failed = release((formula, proof), fds, feeders)
    if failed is not None:  # what C read was cut short: its answer does not count
        return Stop("read"), failed, *found[2:]
    return found


def check_fds(formula_fd, proof_fd):
    """The C kernel on two open descriptors, read to the end: (Stop or None, file, counts, binary)."""
    r = ffi.new("pg_result *")
    lib.pg_check_lrat(formula_fd, proof_fd, r)
    counts = (r.variables, r.clauses, r.steps, r.additions, r.deletions, r.hints, r.peak_live)
    stop = None if r.code == lib.PG_OK else Stop(
        _NAMES[r.code], r.line, r.offset, r.step, r.detail, r.detail2)
    return stop, r.file, counts, bool(r.binary)
