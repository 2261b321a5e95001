"""Which untrusted producer answers `smt prove`, within one time limit for the whole command.

- native: our DPLL(T) loop (evidence.smt.native), then the kernel's check of its certificate.
- cvc5: cvc5's answer imported (evidence.smt.cvc5_import, which has the kernel check it).
- auto: native first, within NATIVE_SHARE of the time limit; when it gives no answer (its share ran
  out, or it gave up), cvc5 with all the time that is left.  Without a time limit native runs until
  it answers or gives up, then cvc5 runs unbounded.

The problem is read first, and its skeleton made, as the kernel makes them (checker.smtlib.SmtError:
exit 2 before any solving).  Under a time limit cvc5 runs in a forked child that is killed at the
deadline (cvc5's own `tlimit-per` bounds only its check, not its preprocessing nor our import), and
writes into a private folder beside the output, so that a certificate appears at the output path
only once the kernel has verified it.

Outcomes, as exceptions the command maps to exit codes: NoAnswer (4: every producer tried gave up or
ran out of time; its message lists each one's reason) and ProducerBug (3: the kernel rejects a
certificate a producer wrote, a producer bug; kept as OUTPUT.rejected).  Nothing here is trusted.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

# The native loop's share of --timeout under --via auto.  Measured on 344 files of cvc5's regression
# suite (bench/bench_smtlib.py, --timeout 20, prove's own --timeout 18): native answered 218 of its 224
# verified files within 6 s of prove (start-up and kernel check included), the slowest in 15.5 s; of the
# 53 inside the subset it does not answer, cvc5's imported answer verifies for 19, mostly in 1-7 s.
# With half: 243 verified, against native's 224 and none of those lost (2026-12-04, bench_smtlib --via auto).
NATIVE_SHARE = 0.5
# cvc5's own limit (`tlimit-per`), of the time left: the import and the kernel's check need the rest.
CVC5_SHARE = 0.85

clock = time.perf_counter


class NoAnswer(Exception):
    """No producer answered (exit 4)."""


class ProducerBug(Exception):
    """The kernel rejects what a producer wrote (exit 3): a producer bug."""


@dataclass
class Answer:
    answer: str  # "sat" or "unsat"
    producer: str  # "native" or "cvc5"
    detail: str  # one line on how the producer got it
    kernel: str = ""  # the kernel's verdict line ("" with --no-check)
    before: list = field(default_factory=list)  # why earlier producers gave no answer


def prove(problem, output, via="auto", refutation="lrat", timeout=None, check=True):
    """Decide `problem`, write a verified certificate to `output`; an Answer.  Raises SmtError (and
    OSError) before solving on a problem outside the subset, NoAnswer, ProducerBug."""
    from checker.smtlib import read

    start = clock()
    deadline = start + timeout if timeout else None
    with open(problem, "rb") as f:
        parsed = read(f.read())  # refused here, before any producer runs
    if via == "native":
        return _native(problem, parsed, output, refutation, deadline, deadline, check)
    if via == "cvc5":
        _skeleton(parsed)
        return _cvc5(problem, output, refutation, deadline)
    reasons = []
    share = None if deadline is None else start + NATIVE_SHARE * timeout
    try:
        return _native(problem, parsed, output, refutation, share, deadline, check)
    except NoAnswer as error:
        reasons.append(f"native: {error}")
    try:
        found = _cvc5(problem, output, refutation, deadline)
    except ImportError as error:
        raise NoAnswer(f"{reasons[0]}; cvc5 is not available here ({error})") from None
    except NoAnswer as error:
        raise NoAnswer("; ".join(reasons + [f"cvc5: {error}"])) from None
    found.before = reasons
    return found


def _native(problem, parsed, output, refutation, share, deadline, check):
    """The native loop until `share`, then the kernel's check of its certificate until `deadline`.  An
    SmtError (the kernel's skeleton refusing the problem, made first) goes to the caller: exit 2."""
    from . import budget, native
    start = clock()
    if share is not None and share <= start:
        _skeleton(parsed)
        raise NoAnswer("not run: no time left in its share")
    try:
        result = native.prove(problem, output, refutation=refutation, problem=parsed,
                              timeout=None if share is None else max(0.001, share - start))
    except (native.Unknown, budget.Exhausted) as error:
        raise NoAnswer(str(error) + (f" (its share, {share - start:.3g} s)" if share is not None and
                                     isinstance(error, native.Timeout) else "")) from None
    except RecursionError:
        raise NoAnswer("terms nested too deeply for the producer") from None
    detail = (f"native DPLL(T): {result.rounds} rounds, {result.lemmas} lemmas, {result.atoms} atom lines; "
              f"search {result.seconds['search']:.3f} s, refutation {result.seconds['refutation']:.3f} s")
    found = Answer(result.answer, "native", detail)
    if check:
        found.kernel = _kernel_check(problem, output, deadline)
    return found


def _skeleton(parsed):
    """The skeleton the kernel derives, made only to be refused as the kernel would refuse it (SmtError:
    bit-vector circuits past its budget), before cvc5 solves.  The native loop makes its own first."""
    from checker.skeleton import Skeleton
    Skeleton(parsed)


def _kernel_check(problem, output, deadline):
    """The kernel's verdict line on the native certificate; ProducerBug, or NoAnswer past the deadline."""
    import checker

    from . import native
    from .checking import check as kernel_check

    def checked():  # plain values: with a deadline this runs in a child process (native.bounded)
        _, verdict, _ = kernel_check(problem, output, checker.kernels()[0])
        return (verdict is not None and verdict.verified, verdict.reason if verdict else
                "the DRAT engine could not elaborate it", verdict and verdict.status, verdict and verdict.seconds)
    try:
        verified, reason, status, seconds = native.bounded(checked, deadline, clock=clock)
    except native.Unknown as error:
        raise NoAnswer(f"{error} (while the kernel checked the certificate)") from None
    if not verified:
        os.replace(output, f"{output}.rejected")
        raise ProducerBug(f"the kernel rejects the certificate (kept as {output}.rejected): {reason}")
    return f"{status} in {seconds:.3f} s"


def _cvc5(problem, output, refutation, deadline):
    """cvc5's answer imported, in a child killed at `deadline`; ImportError when cvc5 is missing."""
    import importlib
    import importlib.util
    import shutil
    import tempfile
    import traceback

    from . import native
    cvc5_import = importlib.import_module("evidence.smt.cvc5_import")  # by name: a test takes it away
    if importlib.util.find_spec("cvc5") is None:  # the importer asks it only in the child
        raise ImportError("No module named 'cvc5' (pip install '.[cvc5]')")
    folder = tempfile.mkdtemp(prefix=".proofgate-cvc5-", dir=os.path.dirname(os.path.abspath(output)))
    private = os.path.join(folder, "cvc5.cert")

    def work():  # plain data back: it may come through a pipe from the child
        left = None if deadline is None else max(0.001, deadline - clock())
        try:
            r = cvc5_import.run(problem, private, refutation, timeout=left and left * CVC5_SHARE)
        except cvc5_import.Rejected as error:
            return "rejected", str(error)
        except cvc5_import.ImportFailed as error:
            return "none", str(error)
        except RecursionError:
            return "none", "terms nested too deeply for the importer"
        except Exception as error:  # noqa: BLE001 - a crash of the producer is a bug, said as such
            return "crash", f"{type(error).__name__}: {error} ({traceback.format_exc(limit=-1).strip()[-300:]})"
        dropped = f", {len(r.dropped)} dropped" if r.dropped else ""
        finished = "; the native loop finished it" if r.completed else ""
        detail = (f"cvc5 {r.seconds['cvc5']:.3f} s, import {r.seconds['import']:.3f} s"
                  + (f": {r.imported} lemmas imported{dropped}, {r.lemmas} lemma lines{finished}"
                     if r.answer == "unsat" else ": its model"))
        return "ok", (r.answer, detail, r.seconds["check"])
    try:
        try:
            kind, value = native.bounded(work, deadline, clock=clock)
        except native.Unknown as error:
            raise NoAnswer(str(error)) from None
        if kind == "ok":
            os.replace(private, output)
            answer, detail, seconds = value
            return Answer(answer, "cvc5", detail, f"VERIFIED in {seconds:.3f} s")
        if kind == "rejected":
            if os.path.exists(f"{private}.rejected"):
                os.replace(f"{private}.rejected", f"{output}.rejected")
            raise ProducerBug(value.replace(f"{private}.rejected", f"{output}.rejected"))
        if kind == "crash":
            raise ProducerBug(f"the cvc5 importer crashed: {value}")
        raise NoAnswer(value)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
