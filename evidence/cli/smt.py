"""`proofgate smt prove`: an untrusted producer writes a certificate; `proofgate check` checks it."""
import os
import time

import click

from ..exits import ExitCode
from ..smt.producers import NATIVE_SHARE


@click.group()
def smt():
    """SMT certificates: make them (untrusted producers); `proofgate check` checks them."""


@smt.command("prove")
@click.argument("problem", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The certificate to write.")
@click.option("--via", type=click.Choice(["auto", "native", "cvc5"]), default="auto", show_default=True,
              help=f"The producer: auto (our DPLL(T) loop first, within {NATIVE_SHARE:.0%} of --timeout, then "
                   "cvc5's answer imported with the time left), native (our loop only), or cvc5 (its answer "
                   "imported only).")
@click.option("--refutation", type=click.Choice(["lrat", "drat"]), default="lrat", show_default=True,
              help="How the certificate refutes skeleton + lemmas.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Bounds the whole command, producers and the kernel's check: no answer (exit 4) past it.")
@click.option("--check/--no-check", default=True, show_default=True,
              help="Check the native certificate with the kernel before reporting success (cvc5's imported "
                   "answer is always checked).")
def smt_prove(problem, output, via, refutation, timeout, check):
    """Decide PROBLEM (SMT-LIB 2, the kernel's subset) and write a certificate of the answer to OUTPUT.

    Prints 's UNSATISFIABLE' or 's SATISFIABLE' (exit 0) only for a certificate the kernel has
    verified (unless --no-check), with a line 'c answered by native' or 'c answered by cvc5'.
    Exit 2: a problem that cannot be read, or outside the subset (the construct is named), before
    any producer runs; 4: no answer (the time limit, or every producer tried gave up: each one's
    reason is said); 3: the kernel rejects what a producer wrote (a producer bug; the certificate is
    kept as OUTPUT.rejected).  Without cvc5 installed, auto is native alone.
    """
    from checker.smtlib import SmtError

    from ..smt import producers
    start = time.perf_counter()
    try:
        found = producers.prove(problem, output, via=via, refutation=refutation, timeout=timeout, check=check)
    except (SmtError, RecursionError) as error:  # the problem as read (the kernel never recurses)
        click.echo(f"proofgate: bad input: {problem}: "
                   f"{error if isinstance(error, SmtError) else 'terms nested too deeply for the producer'}", err=True)
        return ExitCode.BAD_INPUT
    except OSError as error:
        click.echo(f"proofgate: bad input: {error.filename or problem}: cannot open: {error.strerror}", err=True)
        return ExitCode.BAD_INPUT
    except ImportError as error:  # --via cvc5 without cvc5
        raise click.UsageError(f"--via cvc5 is not available here: {error}") from None
    except producers.NoAnswer as error:
        click.echo(f"proofgate: no answer: {error}", err=True)
        click.echo("s UNKNOWN")
        return ExitCode.NO_VERDICT
    except producers.ProducerBug as error:
        click.echo(f"proofgate: internal error: {error}", err=True)
        return ExitCode.INTERNAL
    for reason in found.before:
        click.echo(f"c no answer from {reason}")
    click.echo(f"c {found.detail}")
    click.echo(f"c wrote {output} ({os.path.getsize(output)} bytes) in {time.perf_counter() - start:.3f} s")
    if found.kernel:
        click.echo(f"c kernel: {found.kernel}")
    click.echo(f"c answered by {found.producer}")
    click.echo(f"s {found.answer.upper()}ISFIABLE")
    return ExitCode.OK
