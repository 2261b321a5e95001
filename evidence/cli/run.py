"""The `proofgate run` command (the work itself is in policy_run.py)."""
from __future__ import annotations

import signal
import sys

import click

from .commands import _interrupt, _progress, _user_errors, open_executor, release, store_options, summary


@click.command("run")
@click.option("--catalog", required=True, type=click.Path(dir_okay=False), help="The control catalog (YAML).")
@click.option("--inputs", required=True, type=click.Path(file_okay=False), help="The subjects: one file each.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              metavar="SECONDS", help="Time for the producer on each control and subject.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per core).")
@click.option("--executor", metavar="dask://HOST:PORT", help="Produce certificates on a Dask cluster instead.")
@click.option("--run", "run_id", metavar="ID", help="Run id (default: a new one).")
@store_options
def run(store, catalog, inputs, timeout, jobs, executor, run_id):
    """Evaluate every control of CATALOG on every subject of INPUTS it applies to.

    PASS: the kernel verified an UNSAT certificate (no violation exists). FAIL: the kernel verified a
    model, and the evaluator confirms the decoded request or packet violates the control. Otherwise
    NOT CHECKABLE with the reason. Exit 0 all PASS, 1 a FAIL, 4 a NOT CHECKABLE, 2 bad input."""
    from ..policy.catalog import load_catalog
    from ..policy.loader import load_estate
    from ..pipeline.controls import line, plan, run_catalog
    from ..pipeline.solve import run_fields
    if executor and jobs:
        raise click.UsageError("give --jobs or --executor, not both")
    with _user_errors():
        cat, estate = load_catalog(catalog), load_estate(inputs)
    pairs, excluded = plan(cat, estate)
    pool, client = open_executor(executor, jobs, len(pairs))
    fields = dict(run_fields(), catalog_version=f"{cat.name} {cat.version} (sha256 {cat.sha256})",
                  solver="proofgate policy encoder; cvc5 or native DPLL(T) certificates")
    run_record = store.begin_run(run_id, **fields)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    done = []
    try:
        with _progress(len(pairs)) as advance:
            def on_result(result):
                done.append(result)
                click.echo(line(result))
                advance()
            run_catalog(store, run_record.id, cat, estate, pool, timeout, on_result)
    except KeyboardInterrupt:
        click.echo(f"proofgate: interrupted: run {run_record.id} is incomplete ({len(done)} of {len(pairs)} stored)",
                   err=True)
        sys.exit(130)
    finally:
        release(pool, client, previous)
    store.finish_run(run_record.id)
    click.echo(f"subjects: {len(estate.subjects)} found = {len({s.id for _, s in pairs})} analysed + "
               f"{len(excluded)} excluded" + "".join(f"\n  excluded {n}: {why}" for n, why in excluded.items()))
    counts = summary(run_record.id, [r.verdict for r in done])
    sys.exit(1 if counts["FAIL"] else 4 if counts["NOT CHECKABLE"] else 0)


DEMO_REPORT = "proofgate-report.html"


def demo_pipeline(samples) -> bool:
    """`proofgate demo`'s second half: the whole pipeline on SAMPLES/account with SAMPLES/catalog.yaml
    (run, then the HTML report in ./proofgate-report.html). The demo account is meant to show every
    verdict, so FAIL and NOT CHECKABLE are expected; False only when the pipeline itself broke."""
    import subprocess
    from pathlib import Path
    catalog, inputs = Path(samples) / "catalog.yaml", Path(samples) / "account"
    if not (catalog.is_file() and inputs.is_dir()):
        return True
    base = [sys.executable, "-m", "evidence.cli"]
    click.echo(f"\nproofgate run --catalog {catalog} --inputs {inputs}")
    ran = subprocess.run(base + ["run", "--catalog", str(catalog), "--inputs", str(inputs)])
    if ran.returncode not in (0, 1, 4):
        return False
    reported = subprocess.run(base + ["report", "--format", "html", "-o", DEMO_REPORT])
    return reported.returncode == 0
