"""`proofgate smt prove`: an untrusted producer writes a certificate; `proofgate check` checks it."""
import os
import time

import click

import checker

from ..exits import ExitCode


@click.group()
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
    no_answer: tuple[type[Exception], ...] = (native.Unknown,)
    if via == "cvc5":
        import importlib
        try:  # by name, as sys.modules has it (a test takes it away)
            cvc5_import = importlib.import_module("evidence.smt.cvc5_import")
        except ImportError as error:
            raise click.UsageError(f"--via cvc5 is not available here: {error}") from None
        no_answer += (cvc5_import.ImportFailed,)
    start = time.perf_counter()
    try:
        if via == "cvc5":
            answer, what = cvc5_import.prove(problem, output, refutation=refutation, timeout=timeout), "cvc5"
        else:
            result = native.prove(problem, output, refutation=refutation, timeout=timeout)
            answer = result.answer
            what = (f"native DPLL(T): {result.rounds} rounds, {result.lemmas} lemmas, {result.atoms} atom lines; "
                    f"search {result.seconds['search']:.3f} s, refutation {result.seconds['refutation']:.3f} s")
    except (SmtError, RecursionError) as error:  # some of the producer's passes recurse (the kernel never does)
        click.echo(f"proofgate: bad input: {problem}: "
                   f"{error if isinstance(error, SmtError) else 'terms nested too deeply for the producer'}", err=True)
        return ExitCode.BAD_INPUT
    except OSError as error:
        click.echo(f"proofgate: bad input: {error.filename or problem}: cannot open: {error.strerror}", err=True)
        return ExitCode.BAD_INPUT
    except no_answer as error:
        click.echo(f"proofgate: no answer: {error}", err=True)
        click.echo("s UNKNOWN")
        return ExitCode.NO_VERDICT
    click.echo(f"c {what}")
    click.echo(f"c wrote {output} ({os.path.getsize(output)} bytes) in {time.perf_counter() - start:.3f} s")
    if check and via == "native":
        from ..smt.checking import check as kernel_check

        def checked():  # plain values: with a time limit this runs in a child process (native.bounded)
            _, verdict, _ = kernel_check(problem, output, checker.kernels()[0])
            return (verdict is not None and verdict.verified, verdict.reason if verdict else
                    "the DRAT engine could not elaborate it", verdict and verdict.status, verdict and verdict.seconds)
        try:
            verified, reason, status, seconds = native.bounded(checked, start + timeout if timeout else None,
                                                               clock=time.perf_counter)
        except native.Unknown as error:
            click.echo(f"proofgate: no answer: {error} (while the kernel checked the certificate)", err=True)
            click.echo("s UNKNOWN")
            return ExitCode.NO_VERDICT
        if not verified:
            os.replace(output, f"{output}.rejected")
            click.echo(f"proofgate: internal error: the kernel rejects the certificate (kept as {output}.rejected): "
                       f"{reason}", err=True)
            return ExitCode.INTERNAL
        click.echo(f"c kernel: {status} in {seconds:.3f} s")
    click.echo(f"s {answer.upper()}ISFIABLE")
    return ExitCode.OK
