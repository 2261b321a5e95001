"""The C twin (csrc/kernel/): fed the exact bytes the Sources read and hash.

C runs without the GIL.  It reads an uncompressed file itself while a thread
hashes it; a compressed file reaches it through a pipe, written by a thread
that reads (and so hashes) and decompresses it.
"""
import fcntl
import os
import threading

from .source import READ_ERRORS
from .syntax import Stop
from .verdict import CODES

try:
    from ._lratc import ffi, lib
except ImportError:  # not compiled: only the Python kernel is available
    ffi = lib = None

_NAMES = {getattr(lib, "PG_" + name.upper().replace("-", "_")): name
          for name in CODES if lib and not name.startswith("model")}


def available():
    return lib is not None


def digest():
    return ffi.string(lib.pg_kernel_digest()).decode()


class _Feeder(threading.Thread):
    def __init__(self, source):
        super().__init__(daemon=True)
        self.fd, self._write = os.pipe()
        try:
            fcntl.fcntl(self._write, fcntl.F_SETPIPE_SZ, 1 << 20)
        except (AttributeError, OSError):
            pass  # a smaller pipe is only slower
        self.source, self.error = source, None

    def run(self):
        try:
            while chunk := self.source.stream.read(1 << 20):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(self._write, view):]
        except BrokenPipeError:
            pass  # the kernel stopped reading: it has its answer
        except READ_ERRORS as error:
            self.error = error
        finally:
            os.close(self._write)


def check(formula, proof, pipe=False):
    """Run the C kernel; returns (Stop or None, file, counts, binary) like lrat.check.

    An uncompressed file is read by C directly while it is hashed (Source.share);
    a compressed one is decompressed into a pipe by a thread (as any is, with pipe=True)."""
    feeders = [_Feeder(s) if s.compression or pipe else s.share() for s in (formula, proof)]
    fds = [f if isinstance(f, int) else f.fd for f in feeders]
    feeders = [f for f in feeders if not isinstance(f, int)]
    for feeder in feeders:
        feeder.start()
    try:
        found = check_fds(*fds)
    finally:
        for fd in fds:
            os.close(fd)
        for feeder in feeders:
            feeder.join()
    for feeder in feeders:
        if feeder.error:  # what C read was cut short: its answer does not count
            return Stop("read"), (formula, proof).index(feeder.source), *found[2:]
    return found


def check_fds(formula_fd, proof_fd):
    """The C kernel on two open descriptors, read to the end: (Stop or None, file, counts, binary)."""
    r = ffi.new("pg_result *")
    lib.pg_check_lrat(formula_fd, proof_fd, r)
    counts = (r.variables, r.clauses, r.steps, r.additions, r.deletions, r.hints, r.peak_live)
    stop = None if r.code == lib.PG_OK else Stop(
        _NAMES[r.code], r.line, r.offset, r.step, r.detail, r.detail2)
    return stop, r.file, counts, bool(r.binary)
