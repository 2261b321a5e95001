"""proofgate's trusted kernel: the only code that makes a Verdict.  Standard library only.

    check_lrat(formula, proof, kernel="c") -> Verdict   an UNSAT answer: DIMACS + LRAT (text or binary)
    check_model(formula, model) -> Verdict              a SAT answer: DIMACS + SAT-competition v lines
    check_smt(problem, certificate, kernel="c", refutation=None) -> Verdict
                                                        SMT-LIB 2 problem + certificate (docs/smt-certificate.md)
    InputError                                          malformed or unreadable input (exit code 2)
    kernels()                                           the LRAT kernels built here: "c", "python"

Inputs may be gzip, xz or bz2 compressed.  The rules are in lrat.py; why
they are sound is in docs/TRUST.md.
"""
import time

from . import ckernel, lrat, model
from .source import READ_ERRORS, Source
from .verdict import KERNEL_VERSION, MALFORMED, InputError, Outcome, Verdict, make_verdict, source_digest

__all__ = ["check_lrat", "check_model", "check_smt", "InputError", "Verdict", "KERNEL_VERSION", "kernels"]


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


def check_smt(problem, certificate, kernel="c", refutation=None):
    """Check an SMT certificate: lemmas and LRAT refutation (unsat), or model (sat).  A DRAT refutation
    is checked through `refutation`, the LRAT that the untrusted engine made of it (see evidence/drat.py)."""
    if kernel not in kernels():
        raise ValueError(f"kernel {kernel!r} is not available here (have: {', '.join(kernels())})")
    from . import smtlib  # the SMT kernel is imported on use: a plain LRAT check starts sooner without it
    digest = source_digest(ckernel.digest()) if kernel == "c" else source_digest()
    with _open(problem) as p, _open(certificate) as c, smtlib.no_collector():
        start = time.perf_counter()
        found, fmt = _smt(p, c, kernel, refutation)
        seconds = time.perf_counter() - start
        return make_verdict("smt", found, p.describe(), c.describe(format=fmt), kernel, digest, seconds)


def _smt(p, c, kernel, refutation):
    from . import smt
    reading = p
    try:
        task = smt.read(p.stream.read())
        reading, cert = c, smt.Certificate(c.stream)
        if p.sha256() != cert.digest:
            return Outcome("smt-problem", 1, 2, text=f"the certificate is for another problem (sha256 "
                           f"{cert.digest}, not {p.sha256()})"), "smt"
        if cert.answer == "sat":
            found = smt.check_model(task, c.stream.read(), cert.line)  # reject by default
            return (Outcome() if found is smt.SATISFIED else found if isinstance(found, Outcome) else
                    Outcome("smt-model", 1, text="the model check gave no verdict")), "smt-model"
        skeleton = smt.Skeleton(task)
        found = smt.check_unsat(task, cert, skeleton)
    except smt.SmtError as error:  # the certificate's own SmtErrors are Bad
        raise InputError(p.path, str(error)) from None
    except smt.Bad as error:
        raise InputError(c.path, f"line {error.args[0]}: {error.args[1]}") from None
    except READ_ERRORS as error:
        raise InputError(reading.path, f"cannot read or decompress: {error}") from None
    if isinstance(found, Outcome):
        return found, "smt"
    lemmas, kind = found
    if (kind == "drat") != (refutation is not None):
        raise InputError(c.path, "a DRAT refutation is checked through its LRAT elaboration (proofgate check "
                         "makes it)" if kind == "drat" else "an LRAT refutation needs no elaboration")
    proof = _open(refutation) if refutation else c
    try:
        stop, file, counts, binary = smt.refute(skeleton.dimacs(lemmas), proof if refutation else c.stream, kernel)
        found = _outcome(stop, file, counts, binary)
        if proof is c and found.line:  # positions in the certificate, not in its refutation
            found = found._replace(line=found.line + cert.line)
        elif proof is c and found.offset >= 0:
            found = found._replace(offset=found.offset + cert.offset)
        if not proof.drain():
            found = Outcome("read", 1, counts=counts)
    finally:
        if refutation:
            proof.close()
    if found.status == MALFORMED or file == 0:
        raise InputError(proof.path, found.message(), found)
    return found, f"smt-{kind}"


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
