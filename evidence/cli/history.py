"""`proofgate history` and `proofgate diff`: the runs of a store, and what changed between two."""
import click

from ..results import Result
from .options import store_options


@click.command()
@click.option("--control", metavar="ID", help="Show this control's verdict in each run.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@store_options
def history(store, control, limit):
    """List runs, newest first, with their verdict counts."""
    from ..store.runs import control_verdicts
    runs = list(reversed(store.runs()))[:limit]
    if not runs:
        click.echo("no runs yet")
        return
    click.echo(f"{'run':<28} {'started (UTC)':<20} {'status':<9} " +
               (f"{control}" if control else "  ".join(Result)))
    for run in runs:
        verdicts = control_verdicts(store.results(run.id))
        if control:
            tail = verdicts.get(control, "-")
        else:
            tail = "  ".join(f"{sum(v == k for v in verdicts.values()):>4}" for k in Result)
        click.echo(f"{run.id:<28} {run.started_at:%Y-%m-%d %H:%M:%S}  {run.status:<9} {tail}")


@click.command()
@click.argument("run_a")
@click.argument("run_b")
@store_options
def diff(store, run_a, run_b):
    """Controls whose verdict changed from RUN_A to RUN_B, and those added or removed."""
    from ..store.runs import diff_runs
    d = diff_runs(store, run_a, run_b)
    for cid, before, now in d["changed"]:
        click.echo(f"changed  {cid}: {before} -> {now}")
    for cid, now in d["added"]:
        click.echo(f"added    {cid}: {now}")
    for cid, before in d["removed"]:
        click.echo(f"removed  {cid}: {before}")
    click.echo(f"{len(d['changed'])} changed, {len(d['added'])} added, {len(d['removed'])} removed, "
               f"{d['unchanged']} unchanged")
