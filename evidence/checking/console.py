"""One check as `proofgate check` gives it: the kernel's verdict on the console (text or JSON) and its exit code.

Click-free, so that the command line's `check` and the fast entry point (evidence/main.py) say exactly
the same.  Lines go to sys.stdout and sys.stderr as they are when written (click's test runner swaps
them), each flushed, so the two streams interleave as they are written.
"""
from __future__ import annotations

import sys

import checker

from ..exits import ExitCode

PROGRESS_BYTES = 64 << 20  # show a progress bar for proofs larger than this, on a terminal
KERNEL_NAMES = {"c": "C", "python": "Python"}


def say(text: str, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout, flush=True)


def say_json(value: dict) -> None:
    import json  # only for --json: a plain check imports no more than it needs (evidence/main.py)
    say(json.dumps(value, indent=2))


def check(formula, proof=None, model=None, *, kernel: str, as_json: bool = False, proof_format: str = "auto",
          lrat_out=None, binary_lrat: bool = False, core_out=None, trimmed_out=None, strict_deletions: bool = False,
          drat_encoding: str = "detect", timeout: float = 0.0, max_memory: int = 0, threads: int = 0) -> ExitCode:
    """Check PROOF (LRAT, DRAT, an SMT certificate, or a NAME.model) or MODEL against FORMULA with `kernel`;
    print the verdict and return its exit code.  `max_memory` is in MB; `threads` as drat.elaborate takes it."""
    from ..smt.checking import is_smt
    if proof is not None and is_smt(formula, proof):
        return _check_smt(formula, proof, kernel, as_json, lrat_out, binary_lrat, timeout, max_memory)
    if model is None and proof_format == "auto":
        from ..solvers.formats import proof_format as by_name
        proof_format = by_name(proof) or "lrat"
        proof, model = (None, proof) if proof_format == "model" else (proof, None)  # NAME.model, as prove writes
    elaboration = None
    try:
        if model is not None:
            verdict = checker.check_model(formula, model)
        elif proof_format == "drat":
            from ..solvers import drat
            elaboration, verdict = drat.check(
                formula, proof, kernel, lrat_out, binary_lrat=binary_lrat or not lrat_out,  # binary: faster
                core=core_out, trimmed=trimmed_out, strict_deletions=strict_deletions, encoding=drat_encoding,
                timeout=timeout, max_memory=max_memory << 20, threads=threads)
            stopped = _report_elaboration(elaboration, verdict, as_json)
            if stopped is not None:
                return stopped
        else:
            verdict = _with_progress(lambda watch: checker.check_lrat(formula, proof, kernel, watch=watch), as_json)
    except checker.InputError as error:
        return _report_bad_input(error, as_json)
    except OSError as error:
        return _report_bad_input(checker.InputError(error.filename or formula, f"cannot open: {error.strerror}"),
                                 as_json)
    return _answer(verdict, elaboration, as_json, _print_verdict)


def _answer(verdict, elaboration, as_json, show) -> ExitCode:
    """Print the verdict (as JSON, or as `show` writes it); its exit code."""
    if as_json:
        extra = {"elaboration": elaboration.to_dict()} if elaboration else {}
        say_json({**verdict.to_dict(), **extra})
    else:
        show(verdict)
    return ExitCode.OK if verdict.verified else ExitCode.FAILED


def _check_smt(problem, certificate, kernel, as_json, lrat_out, binary_lrat, timeout, max_memory) -> ExitCode:
    """An SMT certificate (docs/smt-certificate.md); a DRAT refutation goes through the engine first."""
    from ..smt.checking import check
    try:
        elaboration, verdict, found = check(problem, certificate, kernel, lrat_out, binary_lrat or not lrat_out,
                                            timeout, max_memory << 20)
        if elaboration:
            stopped = _report_elaboration(elaboration, verdict, as_json)
            if stopped is not None:
                return stopped
    except checker.InputError as error:
        return _report_bad_input(error, as_json)
    return _answer(verdict, elaboration, as_json, lambda v: _print_smt_verdict(v, found))


def _print_verdict(v) -> None:
    say(f"c proofgate {v.kernel_version}, {KERNEL_NAMES[v.kernel]} kernel, source digest {v.kernel_digest[:16]}")
    say(f"c formula {v.formula['path']}  sha256 {v.formula['sha256']}")
    what = {"text": "text LRAT", "binary": "binary LRAT", "model": "model"}[v.proof["format"]]
    say(f"c {what} {v.proof['path']}  sha256 {v.proof['sha256']}")
    c = v.counts
    if v.kind == "lrat":
        say(f"c {c['variables']} variables, {c['clauses']} clauses; {c['steps']} steps "
            f"({c['additions']} additions, {c['deletions']} deletions), {c['hints']} hints, "
            f"peak {c['peak_live']} live clauses; {v.seconds:.3f} s")
    if v.reason:
        say(f"c reason: {v.reason}")
    say(f"s {v.status}")


def _print_smt_verdict(verdict, found) -> None:
    say(f"c proofgate {verdict.kernel_version}, {KERNEL_NAMES[verdict.kernel]} kernel, "
        f"source digest {verdict.kernel_digest[:16]}")
    say(f"c problem {verdict.formula['path']}  sha256 {verdict.formula['sha256']}")
    say(f"c certificate {verdict.proof['path']}  sha256 {verdict.proof['sha256']}  ({verdict.proof['format']})")
    c = verdict.counts
    if found and found.answer == "unsat" and c:
        say(f"c {found.atoms} atom lines, {found.lemmas} lemmas; refutation over {c['variables']} "
            f"variables, {c['clauses']} clauses: {c['steps']} steps, {c['hints']} hints; {verdict.seconds:.3f} s")
    else:
        say(f"c {verdict.seconds:.3f} s")
    if verdict.reason:
        say(f"c reason: {verdict.reason}")
    say(f"s {verdict.status}")


def _report_elaboration(e, verdict, as_json) -> ExitCode | None:
    """Stage 1 of a DRAT check: None when the kernel has a verdict to give, else the exit code."""
    if verdict is not None:
        if not as_json:
            c = e.counts
            say(f"c stage 1, DRAT engine (untrusted): {sum(e.seconds.values()):.3f} s, {c['lemmas']} lemmas, "
                f"{c['core_lemmas']} in the core ({c['rat_lemmas']} RAT), {c['ignored_deletions']} unit "
                f"deletions ignored; LRAT {c['lrat_bytes']} bytes"
                + (f"; a second thread took the first {c['split_items']} steps" if c["split_items"] else ""))
            say(f"c DRAT proof {e.path}  sha256 {e.proof_sha256}")
            say(f"c stage 2, kernel (trusted): {verdict.seconds:.3f} s on the LRAT")
        return None
    text = f"{e.path}: {e.where() + ': ' if e.where() else ''}{e.message}"
    code = {"malformed": ExitCode.BAD_INPUT, "limit": ExitCode.NO_VERDICT}.get(e.status, ExitCode.FAILED)
    if as_json:
        say_json({"status": "BAD INPUT" if code == ExitCode.BAD_INPUT else "NOT VERIFIED",
                  "error": text, "elaboration": e.to_dict()})
    else:
        say(f"c stage 1, DRAT engine (untrusted): {text}", err=code != ExitCode.FAILED)
        say("s NOT VERIFIED")
    return code


def _report_bad_input(error, as_json) -> ExitCode:
    if as_json:
        o = error.outcome
        say_json({"status": "BAD INPUT", "file": error.path, "error": str(error),
                  "code": o.code if o else "open", "line": o.line if o and o.line else None,
                  "offset": o.offset if o and o.offset >= 0 else None})
    else:
        say(f"proofgate: bad input: {error}", err=True)
        say("s NOT VERIFIED")
    return ExitCode.BAD_INPUT


def _with_progress(run, quiet):
    """Run the check; on a terminal, show a progress bar over a large proof's bytes."""
    sources: list = []
    if quiet or not sys.stderr.isatty():
        return run(None)
    import threading
    result: dict = {}

    def target():
        try:
            result["verdict"] = run(sources.append)
        except BaseException as error:  # re-raised in the calling thread
            result["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(0.5)
    if worker.is_alive() and sources and sources[0].size > PROGRESS_BYTES:
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn
        with Progress("checking", BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(),
                      transient=True) as bar:
            task = bar.add_task("proof", total=sources[0].size)
            while worker.is_alive():
                bar.update(task, completed=sources[0].bytes_read)
                worker.join(0.1)
    worker.join()
    if "error" in result:
        raise result["error"]
    return result["verdict"]
