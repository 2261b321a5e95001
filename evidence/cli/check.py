"""The `proofgate` command.

Exit codes: 0 verified, 1 rejected (well-formed but not a valid proof or
model), 2 bad input or usage, 3 internal error, 4 a time or memory limit
stopped the DRAT engine (no verdict).
"""
import json
import os
import sys
import threading
import time

import click

import checker

EXIT_VERIFIED, EXIT_REJECTED, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_LIMIT = 0, 1, 2, 3, 4
PROGRESS_BYTES = 64 << 20  # show a progress bar for proofs larger than this, on a terminal


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(checker.KERNEL_VERSION, prog_name="proofgate")
def cli():
    """proofgate: checked proofs as compliance evidence."""


@cli.command()
@click.argument("formula")
@click.argument("proof", required=False)
@click.option("--model", "model", metavar="MODEL", help="Check a satisfying assignment (SAT-competition v lines).")
@click.option("--kernel", type=click.Choice(["c", "python"]), default=None,
              help="Which kernel checks LRAT (default: c when built, else python).")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.option("--format", "proof_format", type=click.Choice(["auto", "lrat", "drat"]), default="auto",
              help="The proof's format (default: by its name: .lrat/.blrat, .drat/.drup/.bdrat).")
@click.option("--lrat", "lrat_out", metavar="OUT", help="DRAT: keep the elaborated LRAT proof here.")
@click.option("--binary-lrat", is_flag=True, help="DRAT: write that LRAT in binary.")
@click.option("--core", "core_out", metavar="OUT", help="DRAT: write the unsatisfiable core (DIMACS) here.")
@click.option("--trimmed", "trimmed_out", metavar="OUT", help="DRAT: write the trimmed proof (text DRAT) here.")
@click.option("--strict-deletions", is_flag=True,
              help="DRAT: honour deletions of unit clauses (by default they are ignored, as drat-trim does).")
@click.option("--drat-encoding", type=click.Choice(["detect", "text", "binary"]), default="detect",
              help="DRAT: force text or binary (default: detected as drat-trim does).")
@click.option("--timeout", type=float, default=0.0, metavar="SECONDS", help="DRAT: stop the engine after this long.")
@click.option("--max-memory", type=int, default=0, metavar="MB", help="DRAT: stop the engine beyond this much memory.")
@click.option("--threads", type=click.Choice(["auto", "1", "2"]), default="auto",
              help="DRAT: 'auto' lets a second thread take the first lemmas of a large proof when a core is free "
                   "(faster, some more memory); 1 never; 2 whenever there is work (docs/DRAT.md).")
@click.option("--fixed-split", is_flag=True, hidden=True,
              help="Tests: with --threads 2, the second thread takes exactly the first part, whatever the scheduler.")
def check(formula, proof, model, kernel, as_json, proof_format, lrat_out, binary_lrat, core_out, trimmed_out,
          strict_deletions, drat_encoding, timeout, max_memory, threads, fixed_split):
    """Check PROOF (LRAT or DRAT, text or binary) or --model MODEL against FORMULA (DIMACS CNF).
    A PROOF named *.model is a model.

    Prints 's VERIFIED' (exit 0) or 's NOT VERIFIED' with the reason (exit 1);
    bad input exits 2 with the file and position.  Inputs may be gzip, xz or bz2.
    A DRAT proof is first elaborated to LRAT by an untrusted engine; the verdict
    is the kernel's, on that LRAT.
    """
    if (proof is None) == (model is None):
        raise click.UsageError("give exactly one of PROOF or --model MODEL")
    kernel, elaboration = kernel or checker.kernels()[0], None
    if kernel not in checker.kernels():
        raise click.UsageError(f"the {kernel} kernel is not available here (have: {', '.join(checker.kernels())})")
    from ..smt.checking import is_smt
    if proof is not None and is_smt(formula, proof):
        _check_smt(formula, proof, kernel, as_json, lrat_out, binary_lrat, timeout, max_memory)
    if model is None and proof_format == "auto":
        from ..solvers.drat import proof_format as by_name
        proof_format = by_name(proof) or "lrat"
        proof, model = (None, proof) if proof_format == "model" else (proof, None)  # NAME.model, as prove writes
    try:
        if model is not None:
            verdict = checker.check_model(formula, model)
        elif proof_format == "drat":
            from ..solvers import drat
            elaboration, verdict = drat.check(
                formula, proof, kernel, lrat_out, binary_lrat=binary_lrat or not lrat_out,  # binary: faster
                core=core_out, trimmed=trimmed_out,
                strict_deletions=strict_deletions, encoding=drat_encoding, timeout=timeout,
                max_memory=max_memory << 20,
                threads=3 if fixed_split and threads == "2" else 0 if threads == "auto" else int(threads))
            _report_elaboration(elaboration, verdict, as_json)
        else:
            verdict = _with_progress(lambda watch: checker.check_lrat(formula, proof, kernel, watch=watch), as_json)
    except checker.InputError as error:
        _report_bad_input(error, as_json)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as error:
        _report_bad_input(checker.InputError(error.filename or formula, f"cannot open: {error.strerror}"), as_json)
        sys.exit(EXIT_BAD_INPUT)
    _answer(verdict, elaboration, as_json, _print_verdict)


def _answer(verdict, elaboration, as_json, show):
    """Print the verdict (as JSON, or as `show` writes it) and exit with its code."""
    if as_json:
        extra = {"elaboration": elaboration.to_dict()} if elaboration else {}
        click.echo(json.dumps({**verdict.to_dict(), **extra}, indent=2))
    else:
        show(verdict)
    sys.exit(EXIT_VERIFIED if verdict.verified else EXIT_REJECTED)


def _check_smt(problem, certificate, kernel, as_json, lrat_out, binary_lrat, timeout, max_memory):
    """An SMT certificate (docs/smt-certificate.md); a DRAT refutation goes through the engine first."""
    from ..smt.checking import check
    try:
        elaboration, verdict, found = check(problem, certificate, kernel, lrat_out, binary_lrat or not lrat_out,
                                            timeout, max_memory << 20)
        if elaboration:
            _report_elaboration(elaboration, verdict, as_json)
    except checker.InputError as error:
        _report_bad_input(error, as_json)
        sys.exit(EXIT_BAD_INPUT)
    _answer(verdict, elaboration, as_json, lambda v: _print_smt_verdict(v, found))


def _print_smt_verdict(verdict, found):
    name = {"c": "C", "python": "Python"}[verdict.kernel]
    click.echo(f"c proofgate {verdict.kernel_version}, {name} kernel, source digest {verdict.kernel_digest[:16]}")
    click.echo(f"c problem {verdict.formula['path']}  sha256 {verdict.formula['sha256']}")
    click.echo(f"c certificate {verdict.proof['path']}  sha256 {verdict.proof['sha256']}  ({verdict.proof['format']})")
    c = verdict.counts
    if found and found.answer == "unsat" and c:
        click.echo(f"c {found.atoms} atom lines, {found.lemmas} lemmas; refutation over {c['variables']} "
                   f"variables, {c['clauses']} clauses: {c['steps']} steps, {c['hints']} hints; "
                   f"{verdict.seconds:.3f} s")
    else:
        click.echo(f"c {verdict.seconds:.3f} s")
    if verdict.reason:
        click.echo(f"c reason: {verdict.reason}")
    click.echo(f"s {verdict.status}")


def _report_elaboration(e, verdict, as_json):
    """Stage 1 of a DRAT check; exits unless the kernel has a verdict to give."""
    if verdict is not None:
        if not as_json:
            c = e.counts
            click.echo(f"c stage 1, DRAT engine (untrusted): {sum(e.seconds.values()):.3f} s, {c['lemmas']} lemmas, "
                       f"{c['core_lemmas']} in the core ({c['rat_lemmas']} RAT), {c['ignored_deletions']} unit "
                       f"deletions ignored; LRAT {c['lrat_bytes']} bytes"
                       + (f"; a second thread took the first {c['split_items']} steps" if c["split_items"] else ""))
            click.echo(f"c DRAT proof {e.path}  sha256 {e.proof_sha256}")
            click.echo(f"c stage 2, kernel (trusted): {verdict.seconds:.3f} s on the LRAT")
        return
    text = f"{e.path}: {e.where() + ': ' if e.where() else ''}{e.message}"
    exit_code = {"malformed": EXIT_BAD_INPUT, "limit": EXIT_LIMIT}.get(e.status, EXIT_REJECTED)
    if as_json:
        click.echo(json.dumps({"status": "BAD INPUT" if exit_code == EXIT_BAD_INPUT else "NOT VERIFIED",
                               "error": text, "elaboration": e.to_dict()}, indent=2))
    else:
        click.echo(f"c stage 1, DRAT engine (untrusted): {text}", err=exit_code != EXIT_REJECTED)
        click.echo("s NOT VERIFIED")
    sys.exit(exit_code)


@cli.command()
@click.argument("samples", default="samples", type=click.Path(file_okay=False))
def demo(samples):
    """Check every sample listed in SAMPLES/expected.tsv with each kernel, against its expected answer."""
    from pathlib import Path

    from rich.console import Console
    from rich.table import Table

    from ..checking.samples import load_expectations, run_sample

    samples = Path(samples)
    expectations = load_expectations(samples)
    table = Table("formula", "proof or model", "expected", *(f"{k} kernel" for k in checker.kernels()), "s")
    for column in table.columns:
        column.no_wrap = True
    wrong = 0
    for case in expectations:
        answers = [run_sample(case, kernel) for kernel in checker.kernels()]
        ok = all(a.matches(case) for a in answers)
        wrong += not ok
        table.add_row(str(case.formula.relative_to(samples)), str(case.proof.relative_to(samples)), case.expected_text(),
                      *(a.text() for a in answers), f"{answers[0].seconds:.3f}",
                      style=None if ok else "bold red")
    Console(width=None if sys.stdout.isatty() else 150).print(table)
    click.echo(f"{len(expectations) - wrong} of {len(expectations)} samples gave the expected answer")
    from .run import demo_pipeline
    wrong += not demo_pipeline(samples)  # the controls on the demo account, and the HTML report
    sys.exit(EXIT_VERIFIED if not wrong else EXIT_REJECTED)


@cli.group()
def smt():
    """SMT certificates: make them (untrusted producers); `proofgate check` checks them."""


@smt.command("prove")
@click.argument("problem", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The certificate to write.")
@click.option("--via", type=click.Choice(["native", "cvc5"]), default="native", show_default=True,
              help="The producer: our DPLL(T) loop, or cvc5's answer imported.")
@click.option("--refutation", type=click.Choice(["lrat", "drat"]), default="lrat", show_default=True,
              help="How the certificate refutes skeleton + lemmas.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Give up (exit 4) after this long.")
@click.option("--check/--no-check", default=True, show_default=True,
              help="Check the certificate with the kernel before reporting success.")
def smt_prove(problem, output, via, refutation, timeout, check):
    """Decide PROBLEM (SMT-LIB 2, the kernel's subset) and write a certificate of the answer to OUTPUT.

    Prints 's UNSATISFIABLE' or 's SATISFIABLE' (exit 0).  Exit 2: a problem that cannot be read,
    or outside the subset (the construct is named); 4: no answer (time limit, or the producer
    gave up); 3: the kernel rejects what the producer wrote (a producer bug).
    """
    from checker.smtlib import SmtError
    from ..smt import native
    start = time.perf_counter()
    try:
        if via == "cvc5":
            import importlib
            try:  # written by another engineer; absent in some trees
                cvc5_import = importlib.import_module("evidence.smt.cvc5_import")
            except ImportError as error:
                raise click.UsageError(f"--via cvc5 is not available here: {error}") from None
            answer, what = cvc5_import.prove(problem, output, refutation=refutation, timeout=timeout), "cvc5"
        else:
            result = native.prove(problem, output, refutation=refutation, timeout=timeout)
            answer = result.answer
            what = (f"native DPLL(T): {result.rounds} rounds, {result.lemmas} lemmas, {result.atoms} atom lines; "
                    f"search {result.seconds['search']:.3f} s, refutation {result.seconds['refutation']:.3f} s")
    except (SmtError, RecursionError) as error:  # some of the producer's passes recurse (the kernel never does)
        click.echo(f"proofgate: bad input: {problem}: "
                   f"{error if isinstance(error, SmtError) else 'terms nested too deeply for the producer'}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as error:
        click.echo(f"proofgate: bad input: {error.filename or problem}: cannot open: {error.strerror}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except native.Unknown as error:
        click.echo(f"proofgate: no answer: {error}", err=True)
        click.echo("s UNKNOWN")
        sys.exit(EXIT_LIMIT)
    except Exception as error:
        if type(error).__name__ != "ImportFailed":
            raise
        click.echo(f"proofgate: no answer: {error}", err=True)
        click.echo("s UNKNOWN")
        sys.exit(EXIT_LIMIT)
    click.echo(f"c {what}")
    click.echo(f"c wrote {output} ({os.path.getsize(output)} bytes) in {time.perf_counter() - start:.3f} s")
    if check and via == "native":
        from ..smt.checking import check as kernel_check
        _, verdict, _ = kernel_check(problem, output, checker.kernels()[0])
        if verdict is None or not verdict.verified:
            os.replace(output, f"{output}.rejected")
            click.echo(f"proofgate: internal error: the kernel rejects the certificate (kept as {output}.rejected): "
                       f"{verdict.reason if verdict else 'the DRAT engine could not elaborate it'}", err=True)
            sys.exit(EXIT_INTERNAL)
        click.echo(f"c kernel: {verdict.status} in {verdict.seconds:.3f} s")
    click.echo(f"s {answer.upper()}ISFIABLE")


def _print_verdict(v):
    kernel = {"c": "C", "python": "Python"}[v.kernel]
    click.echo(f"c proofgate {v.kernel_version}, {kernel} kernel, source digest {v.kernel_digest[:16]}")
    click.echo(f"c formula {v.formula['path']}  sha256 {v.formula['sha256']}")
    what = {"text": "text LRAT", "binary": "binary LRAT", "model": "model"}[v.proof["format"]]
    click.echo(f"c {what} {v.proof['path']}  sha256 {v.proof['sha256']}")
    c = v.counts
    if v.kind == "lrat":
        click.echo(f"c {c['variables']} variables, {c['clauses']} clauses; {c['steps']} steps "
                   f"({c['additions']} additions, {c['deletions']} deletions), {c['hints']} hints, "
                   f"peak {c['peak_live']} live clauses; {v.seconds:.3f} s")
    if v.reason:
        click.echo(f"c reason: {v.reason}")
    click.echo(f"s {v.status}")


def _report_bad_input(error, as_json):
    if as_json:
        o = error.outcome
        click.echo(json.dumps({"status": "BAD INPUT", "file": error.path, "error": str(error),
                               "code": o.code if o else "open", "line": o.line if o and o.line else None,
                               "offset": o.offset if o and o.offset >= 0 else None}, indent=2))
    else:
        click.echo(f"proofgate: bad input: {error}", err=True)
        click.echo("s NOT VERIFIED")


def _with_progress(run, quiet):
    """Run the check; on a terminal, show a progress bar over a large proof's bytes."""
    sources = []
    if quiet or not sys.stderr.isatty():
        return run(None)
    result, worker = {}, None

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


def main():
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as error:  # a bug of ours: say so plainly, without a traceback
        click.echo(f"proofgate: internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_INTERNAL)


from .commands import COMMANDS  # noqa: E402  the evidence pipeline: prove, report, bundle, verify, gate, ...
for _command in COMMANDS:
    cli.add_command(_command)

from .run import run as _run  # noqa: E402  proofgate run: a control catalog over a directory of subjects
cli.add_command(_run)

if __name__ == "__main__":
    main()
