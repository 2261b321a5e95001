"""proofgate's trusted kernel: the only code that makes a Verdict.  Standard library only.

    check_lrat(formula, proof, kernel="c") -> Verdict   an UNSAT answer: DIMACS + LRAT (text or binary)
    check_model(formula, model) -> Verdict              a SAT answer: DIMACS + SAT-competition v lines
    InputError                                          malformed or unreadable input (exit code 2)
    kernels()                                           the LRAT kernels built here: "c", "python"

Inputs may be gzip, xz or bz2 compressed.  The rules are in lrat.py; why
they are sound is in docs/TRUST.md.
"""
import time

from . import ckernel, lrat, model
from .source import Source
from .verdict import KERNEL_VERSION, MALFORMED, InputError, Outcome, Verdict, make_verdict, source_digest

__all__ = ["check_lrat", "check_model", "InputError", "Verdict", "KERNEL_VERSION", "kernels"]


def kernels():
    return ("c", "python") if ckernel.available() else ("python",)


def check_lrat(formula, proof, kernel="c", watch=None):
    """Check an LRAT proof that `formula` is unsatisfiable.  `watch(source)` may follow the proof's reading."""
    if kernel not in kernels():
        raise ValueError(f"kernel {kernel!r} is not available here (have: {', '.join(kernels())})")
    run = ckernel.check if kernel == "c" else lambda f, p: lrat.check(f.stream, p.stream)
    digest = source_digest(ckernel.digest()) if kernel == "c" else source_digest()
    return _check("lrat", run, formula, proof, kernel, digest, watch)


def check_model(formula, assignment):
    """Check that `assignment` (SAT-competition output) satisfies `formula`."""
    return _check("model", lambda f, m: model.check(f.stream, m.stream), formula, assignment,
                  "python", source_digest(), None)


def _open(path):
    try:
        return Source(path)
    except OSError as error:
        raise InputError(path, f"cannot open: {error.strerror or error}") from None


def _outcome(stop, file, counts, binary):
    stop = stop or Outcome()
    return Outcome(stop.code, file, stop.line, stop.offset, stop.step, stop.detail, stop.detail2,
                   counts, binary)


def _check(kind, run, formula_path, proof_path, kernel, digest, watch):
    with _open(formula_path) as formula, _open(proof_path) as proof:
        if watch:
            watch(proof)
        start = time.perf_counter()
        found = _outcome(*run(formula, proof))
        for file, source in enumerate((formula, proof)):  # corrupt anywhere is bad input, found or not
            if found.code != "read" and not source.drain():
                found = Outcome("read", file, counts=found.counts)
        seconds = time.perf_counter() - start
        if found.status == MALFORMED:
            raise InputError((formula, proof)[found.file].path, found.message(), found)
        fmt = ("binary" if found.binary else "text") if kind == "lrat" else "model"
        return make_verdict(kind, found, formula.describe(), proof.describe(format=fmt),
                            kernel, digest, seconds)
