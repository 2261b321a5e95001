"""The `proofgate` command line (click): each command returns its ExitCode, and the group exits with it.

The commands import what they need when they run: `--help` stays fast, and `verify` loads neither
a solver nor the database layer.  A plain `proofgate check` does not even come here (evidence/main.py).
"""
import sys

import click

import checker

from ..errors import UserError
from ..exits import ExitCode
from ..main import internal_error
from .bundle import bundle, keygen, verify
from .check import check
from .demo import demo
from .export import export_cnf
from .gate import gate
from .history import diff, history
from .prove import prove
from .questions import network, policy
from .report import report
from .run import run
from .smt import smt


class Proofgate(click.Group):
    """The command's return value is the exit code (click alone would exit 0); a UserError is one line
    and exit code 2, never a traceback."""

    def invoke(self, ctx):
        try:
            code = super().invoke(ctx)
        except UserError as error:
            click.echo(f"proofgate: error: {error}", err=True)
            code = ExitCode.BAD_INPUT
        ctx.exit(int(code or ExitCode.OK))


@click.group(cls=Proofgate, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(checker.KERNEL_VERSION, prog_name="proofgate")
def cli():
    """proofgate: checked proofs as compliance evidence."""


for _command in (check, demo, smt, prove, run, history, diff, report, bundle, keygen, verify, gate, export_cnf,
                 policy, network):
    cli.add_command(_command)


def main():
    """Run the command line and exit with its code; a bug of ours is one line and exit code 3."""
    try:
        code = cli.main(standalone_mode=False)
    except click.ClickException as error:  # usage
        error.show()
        code = error.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        code = ExitCode.FAILED
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say, as click does
        code = ExitCode.FAILED
    except Exception as error:  # a bug of ours: say so plainly, without a traceback
        code = internal_error(error)
    sys.exit(code)
