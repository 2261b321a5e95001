"""DRAT proofs: the untrusted C engine (csrc/drat/) elaborates them to LRAT, which the kernel then checks.

Nothing here decides a verdict: an engine that accepts a bad proof produces LRAT the kernel rejects,
and an engine that rejects a proof can only make the answer NOT VERIFIED.
"""
import os

from checker.source import READ_ERRORS, Source, descriptors, release

from .._dratc import ffi, lib
from .formats import DRAT_SUFFIXES, LRAT_SUFFIXES, proof_format  # noqa: F401  (drat.proof_format, as before)

_CODES = {
    lib.PG_DRAT_OK: ("ok", "elaborated"),
    lib.PG_DRAT_SYNTAX: ("syntax", "unexpected text (not a number, 'd', 'a', or a header)"),
    lib.PG_DRAT_RANGE: ("range", "number out of range (magnitude above 2147483647)"),
    lib.PG_DRAT_EOF: ("eof", "unexpected end of file (truncated?)"),
    lib.PG_DRAT_HEADER: ("header", "missing or malformed 'p cnf VARIABLES CLAUSES' header"),
    lib.PG_DRAT_LITERAL: ("literal", "literal {detail} is beyond the variables the header declares"),
    lib.PG_DRAT_COUNT: ("count", "the number of clauses differs from the header's"),
    lib.PG_DRAT_READ: ("read", "cannot read or decompress the file"),
    lib.PG_DRAT_WRITE: ("write", "cannot write an output file"),
    lib.PG_DRAT_LEMMA: ("lemma", "this lemma is neither RUP nor RAT (on its first literal)"),
    lib.PG_DRAT_NO_CONFLICT: ("no-conflict", "the proof never makes unit propagation conflict: no refutation"),
    lib.PG_DRAT_INTERNAL: ("internal", "the engine lost its invariants (a bug): no LRAT was written"),
    lib.PG_DRAT_TIMEOUT: ("timeout", "the time limit was reached"),
    lib.PG_DRAT_MEMORY: ("memory", "the memory limit was reached (or memory ran out)"),
}
_STATUS = {lib.PG_DRAT_VERIFIED: "elaborated", lib.PG_DRAT_REJECTED: "rejected",
           lib.PG_DRAT_MALFORMED: "malformed", lib.PG_DRAT_LIMIT: "limit"}
_ENCODINGS = {"detect": lib.PG_DRAT_DETECT, "text": lib.PG_DRAT_TEXT, "binary": lib.PG_DRAT_BINARY}


class Elaboration:
    """What the engine said.  A plain class, not a dataclass: importing dataclasses (and inspect) costs a
    plain check some 5 ms of start-up."""

    def __init__(self, status: str, code: str, message: str, path: str = "", line: int | None = None,
                 offset: int | None = None, proof_sha256: str = "", counts: dict | None = None,
                 seconds: dict | None = None):
        self.status = status  # elaborated, rejected, malformed or limit
        self.code, self.message = code, message
        self.path = path  # the file the message is about
        self.line, self.offset = line, offset
        self.proof_sha256 = proof_sha256
        self.counts, self.seconds = counts or {}, seconds or {}

    def __repr__(self):
        return f"Elaboration({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

    def __eq__(self, other):
        return isinstance(other, Elaboration) and self.__dict__ == other.__dict__

    def where(self):
        return f"line {self.line}" if self.line else f"byte offset {self.offset}" if self.offset is not None else ""

    def to_dict(self):
        return dict(self.__dict__)


def _open_output(path):
    return -1 if path is None else os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)


def elaborate(formula, proof, lrat=None, *, binary_lrat=False, core=None, trimmed=None, strict_deletions=False,
              encoding="detect", timeout=0.0, max_memory=0, threads=0):
    """Check a DRAT proof backward and write the LRAT (and core, trimmed proof) asked for.

    Raises OSError if a file cannot be opened.  Inputs may be compressed."""
    with Source(formula) as f, Source(proof) as p:
        outputs = [_open_output(path) for path in (lrat, core, trimmed)]
        options = ffi.new("pg_drat_options *")
        result = ffi.new("pg_drat_result *")
        fds, feeders = descriptors((f, p))
        try:
            options.formula_fd, options.proof_fd = fds
            options.lrat_fd, options.core_fd, options.trimmed_fd = outputs
            options.lrat_binary, options.strict_deletions = binary_lrat, strict_deletions
            options.proof_format, options.timeout, options.max_memory = _ENCODINGS[encoding], timeout, max_memory
            options.threads = threads  # 0: a second thread for a large proof when a core is free (docs/DRAT.md);
            # 3, for tests: two, the second taking exactly the first part, so what it does is not the scheduler's
            # choice; 4, for tests: as 0, but as if no other process were running (0 leaves a busy machine alone)
            lib.pg_drat_elaborate(options, result)
        finally:
            failed = release((f, p), fds, feeders)
            for fd in outputs:
                if fd >= 0:
                    os.close(fd)
        r = result
        code, message = _CODES[r.code]
        status = _STATUS[r.status]
        if failed is None:
            failed = next((i for i, s in enumerate((f, p)) if not s.drain()), None)
        if failed is not None:
            status, code, message = "malformed", "read", _CODES[lib.PG_DRAT_READ][1]
        counts = {name: getattr(r, name) for name in (
            "variables", "clauses", "lemmas", "deletions", "ignored_deletions", "unmatched_deletions",
            "core_clauses", "core_lemmas", "rat_lemmas", "hints", "lrat_bytes", "peak_bytes", "split_items")}
        seconds = {name: round(getattr(r, f"{name}_seconds"), 6) for name in ("parse", "forward", "backward", "write")}
        try:
            digest = p.sha256()
        except READ_ERRORS:
            digest = ""
        path = (f.path, p.path)[r.file if failed is None else failed]
        return Elaboration(status, code, message.format(detail=r.detail), path,
                           r.line or None, r.offset if r.offset >= 0 else None, digest, counts, seconds)


IN_MEMORY = 16 << 20  # a proof file up to this size has its LRAT kept in memory (a few times this at most)


def check(formula, proof, kernel, lrat=None, **options):
    """Elaborate, then let the kernel check the LRAT.  Returns (Elaboration, Verdict or None).

    The LRAT goes to `lrat`; else, for a proof of up to IN_MEMORY bytes, to an anonymous file in memory
    (memfd: no temporary folder to make and remove, no disk), else to a temporary file removed
    afterwards.  Either way the kernel reads it as a file, by its name, as any LRAT proof."""
    import checker

    def run(target):
        done = elaborate(formula, proof, target, **options)
        return (done, None) if done.status != "elaborated" else (done, checker.check_lrat(formula, target, kernel))

    if lrat:
        return run(lrat)
    memory = _memory_file(proof)
    if memory is not None:
        try:
            return run(f"/proc/self/fd/{memory}")
        finally:
            os.close(memory)
    import tempfile
    with tempfile.TemporaryDirectory(prefix="proofgate-") as scratch:
        return run(os.path.join(scratch, "proof.lrat"))


def _memory_file(proof):
    """A descriptor of an empty file in memory, reachable as /proc/self/fd/N, for a small proof's LRAT;
    None if the proof is large or the system has no such files."""
    try:
        if os.path.getsize(proof) > IN_MEMORY:
            return None
        fd = os.memfd_create("proofgate-lrat", os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # not Linux, or an old one; an unreadable proof: elaborate() says so
        return None
    if os.path.exists(f"/proc/self/fd/{fd}"):
        return fd
    os.close(fd)  # no /proc
    return None
