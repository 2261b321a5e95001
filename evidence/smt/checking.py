"""`proofgate check PROBLEM.smt2 CERT`: the kernel on an SMT certificate, with the DRAT engine first
when the refutation is DRAT (the kernel checks only LRAT: the engine's elaboration of the DRAT over
the certificate's CNF is handed to it as `refutation=`).  The verdict is always the kernel's.
"""
import os

import checker
from checker.source import READ_ERRORS, Source

COMPRESSED = (".gz", ".xz", ".bz2")


def is_smt(problem, certificate):
    """An SMT check: the problem is named .smt2, or the certificate starts with 'smtcert'."""
    name = os.path.basename(os.fspath(problem)).lower()
    for suffix in COMPRESSED:
        name = name.removesuffix(suffix)
    if name.endswith(".smt2"):
        return True
    try:
        with Source(certificate) as c:
            return c.stream.read(7) == b"smtcert"
    except (OSError, *READ_ERRORS):
        return False


def check(problem, certificate, kernel, lrat=None, binary_lrat=True, timeout=0.0, max_memory=0):
    """(Elaboration or None, Verdict or None, Recovered or None).  The verdict is None only when the
    DRAT engine stopped first (its Elaboration says why); checker.InputError on bad input."""
    import tempfile  # here, as the next two: `is_smt` is asked of every plain check, which needs none of them

    from checker.smt import Bad
    from checker.smtlib import SmtError

    from ..solvers import drat
    from .certificate import recover

    with tempfile.TemporaryDirectory(prefix="proofgate-smt-") as scratch:
        cnf, proof = os.path.join(scratch, "cnf"), os.path.join(scratch, "refutation.drat")
        try:
            found = recover(problem, certificate, cnf, proof)
        except (SmtError, Bad, RecursionError, OSError, *READ_ERRORS):
            found = None  # the kernel reads the same files and says where they are wrong
        if found is None or found.kind != "drat":
            return None, checker.check_smt(problem, certificate, kernel), found
        target = lrat or os.path.join(scratch, "refutation.lrat")
        done = drat.elaborate(cnf, proof, target, binary_lrat=binary_lrat and not lrat, timeout=timeout,
                              max_memory=max_memory)
        if done.path == proof:  # positions in the certificate, not in the scratch copy of its refutation
            done.path = os.fspath(certificate)
            done.line = done.line + found.proof_line if done.line else None
            done.offset = done.offset + found.proof_offset if done.offset is not None else None
        if done.status != "elaborated":
            return done, None, found
        return done, checker.check_smt(problem, certificate, kernel, refutation=target), found
