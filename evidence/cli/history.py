"""`proofgate history` and `proofgate diff`: the runs of a store, and what changed between two."""
import click

from ..results import Result
from .options import store_options


@click.command()
@click.option("--control", metavar="ID", help="Show this control's verdict in each run.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON.")
@store_options
def history(store, control, limit, as_json):
    """List runs, newest first, with how many CONTROLS are PASS, FAIL, NOT CHECKABLE in each (a control
    over all its subjects; `run` and `prove` count results, one per control and subject)."""
    from ..store.runs import control_verdicts
    runs = list(reversed(store.runs()))[:limit]
    if as_json:
        from .terminal import echo_json
        rows = []
        for run in runs:
            verdicts = control_verdicts(store.results(run.id))
            rows.append({"run": run.id, "started": run.started_at.isoformat(), "status": run.status,
                         "controls": {str(k): sum(v == k for v in verdicts.values()) for k in Result}}
                        | ({"control": control, "verdict": str(verdicts.get(control) or "")} if control else {}))
        echo_json(rows)
        return
    if not runs:
        click.echo("no runs yet")
        return
    click.echo(f"{'run':<28} {'started (UTC)':<20} {'status':<9} " +
               (f"{control}" if control else "controls: " + "  ".join(Result)))
    for run in runs:
        verdicts = control_verdicts(store.results(run.id))
        if control:
            tail = verdicts.get(control, "-")
        else:
            tail = "          " + "  ".join(f"{sum(v == k for v in verdicts.values()):>{len(k)}}" for k in Result)
        click.echo(f"{run.id:<28} {run.started_at:%Y-%m-%d %H:%M:%S}  {run.status:<9} {tail}")


@click.command()
@click.argument("run_a")
@click.argument("run_b")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@store_options
def diff(store, run_a, run_b, as_json):
    """Controls whose verdict changed from RUN_A to RUN_B, and those added or removed."""
    from ..store.runs import diff_runs
    d = diff_runs(store, run_a, run_b)
    if as_json:
        from .terminal import echo_json
        echo_json({"from": run_a, "to": run_b, "unchanged": d["unchanged"],
                   "changed": [{"control": c, "before": str(b), "now": str(n)} for c, b, n in d["changed"]],
                   "added": [{"control": c, "now": str(n)} for c, n in d["added"]],
                   "removed": [{"control": c, "before": str(b)} for c, b in d["removed"]]})
        return
    for cid, before, now in d["changed"]:
        click.echo(f"changed  {cid}: {before} -> {now}")
    for cid, now in d["added"]:
        click.echo(f"added    {cid}: {now}")
    for cid, before in d["removed"]:
        click.echo(f"removed  {cid}: {before}")
    click.echo(f"{len(d['changed'])} changed, {len(d['added'])} added, {len(d['removed'])} removed, "
               f"{d['unchanged']} unchanged")
