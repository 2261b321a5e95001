"""`proofgate report`: one run in one of the output formats."""
from pathlib import Path

import click

from .options import load_gate, store_options


@click.command()
@click.argument("run_id", required=False)
@click.option("--format", "fmt", type=click.Choice(["html", "md", "oscal", "junit", "sarif"]), default="html",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: standard output).")
@click.option("--gate", "gate_config", type=click.Path(dir_okay=False),
              help="Show this gate's exceptions and required controls (proofs not re-checked: `gate` does).")
@store_options
def report(store, run_id, fmt, output, gate_config):
    """Write a report of RUN (default: the latest run)."""
    from ..outputs import render
    from ..outputs.assessment import load
    config = load_gate(gate_config)
    a = load(store, run_id, config.exceptions if config else None)
    outcome = None
    if config is not None:  # every format then shows the gate's rows, a missing required control among them
        from ..gate.evaluate import evaluate
        outcome = evaluate(a, config)
    text = render(a, fmt, outcome)
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {fmt} report of run {a.run.id} to {output}")
