"""`proofgate run`: every control of a catalog on every subject it applies to (the stage: pipeline/controls.py)."""
import click

from ..inputs import FORMATS
from ..smt.budget import DEFAULT_CONFLICTS
from .options import carry_out, open_executor, store_options


@click.command("run")
@click.option("--catalog", required=True, type=click.Path(dir_okay=False), help="The control catalog (YAML).")
@click.option("--inputs", required=True, multiple=True, type=click.Path(exists=True),
              help="Files or folders (recursive); each file's format is detected from its content.")
@click.argument("more", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Force every file's format.")
@click.option("--budget", type=click.IntRange(min=1), default=DEFAULT_CONFLICTS, show_default=True, metavar="N",
              help="The producers' deterministic limit on each control and subject: N SAT conflicts "
                   "(cvc5: its resource limit, 20 units a conflict); the same verdict on a busy or a quiet machine.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              metavar="SECONDS", help="Wall-clock safety net for the producers on each control and subject.")
@click.option("--no-cache", is_flag=True, help="Solve every pair afresh (no reuse of the proof cache).")
@click.option("--reuse-verdicts", is_flag=True,
              help="Reuse a cached answer on the kernel verdict an earlier run stored with it, without the kernel "
                   "checking it again: trusts the store not to have been altered (default: every reused "
                   "certificate is re-checked by the kernel).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per core).")
@click.option("--executor", metavar="dask://HOST:PORT", help="Produce certificates on a Dask cluster instead.")
@click.option("--run", "run_id", metavar="ID", help="Run id (default: a new one).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as one JSON object (no result lines).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the results that are not PASS, and the counts.")
@click.option("--verbose", "-v", is_flag=True, help="Also print each input file's sha256 as read.")
@click.option("--max-refused", type=click.IntRange(min=0), default=None, metavar="N",
              help="Exit 2 when more than N input files are refused (whatever the results); up to N do not "
                   "change the exit code. Default: any refused file makes an otherwise all-PASS run exit 2.")
@store_options
def run(store, catalog, inputs, more, fmt, budget, timeout, no_cache, reuse_verdicts, jobs, executor, run_id, as_json,
        quiet, verbose, max_refused):
    """Evaluate every control of CATALOG on every subject of INPUTS it applies to.

    PASS: the kernel verified an UNSAT certificate (no violation exists). FAIL: the kernel verified a
    model, and the evaluator confirms the decoded request or packet violates the control. Otherwise
    NOT CHECKABLE with the reason. Exit 0 all PASS, 1 a FAIL, 4 a NOT CHECKABLE (and no FAIL),
    2 bad input (or more refused files than --max-refused), 5 no subject found."""
    from ..exits import ExitCode
    from ..inputs import load_inputs
    from ..pipeline.controls import Counts, bind_inputs, line, plan, run_catalog
    from ..pipeline.executors import worker_count
    from ..pipeline.provenance import run_fields
    from ..policy.catalog import load_catalog
    from ..store.models import InputStatus
    if reuse_verdicts and no_cache:
        raise click.UsageError("give --no-cache or --reuse-verdicts, not both")
    if executor and jobs:
        raise click.UsageError("give --jobs or --executor, not both")
    cat, got = load_catalog(catalog), load_inputs(tuple(inputs) + tuple(more), fmt)
    estate = got.estate
    for path, why in got.refused:
        click.echo(f"proofgate: refused {path}: {why}", err=True)
    refused = {p for p, _ in got.refused}  # a file read in part (a duplicate subject) counts as refused
    read = [p for p in got.read if p not in refused]
    say = (lambda text: click.echo(text, err=True)) if as_json else click.echo  # stdout: the JSON only
    say(f"found {len(read) + len(got.skipped) + len(refused)} files: {len(read)} read, "
        f"{len(got.skipped)} skipped as not configuration, {len(refused)} refused"
        + "".join(f"\n  skipped {p}" for p in got.skipped + got.skipped_items))
    if not estate.subjects:
        click.echo("proofgate: nothing to check: no subject found", err=True)
        return ExitCode.NOTHING
    pairs, excluded = plan(cat, estate)
    pool, client = open_executor(executor, jobs, len(pairs))
    fields = dict(run_fields(), catalog_version=f"{cat.name} {cat.version} (sha256 {cat.sha256})",
                  solver="proofgate policy encoder; cvc5 or native DPLL(T) certificates")
    run_record = store.begin_run(run_id, **fields)
    digests = bind_inputs(store, run_record.id, catalog, got.read, estate)
    if verbose:
        for path, sha in digests.items():
            say(f"  read {path} sha256 {sha}")
    store.add_input_statuses(  # for the report's completeness section and the gate's --max-refused
        [InputStatus(run_id=run_record.id, path=p, status="read") for p in read]
        + [InputStatus(run_id=run_record.id, path=p, status="skipped", reason=why)
           for p, why in got.skip_reasons.items()]
        + [InputStatus(run_id=run_record.id, path=p, status="refused",
                       reason="; ".join(w for q, w in got.refused if q == p))
           for p in dict.fromkeys(p for p, _ in got.refused)])

    counts = Counts()

    def subjects():
        checked = counts.reused - counts.unchecked
        say((f"proof cache: {counts.reused} results reused (re-checked by the kernel), {counts.solved} solved"
             if not counts.unchecked else
             f"proof cache: {counts.reused} results reused ({checked} re-checked by the kernel, {counts.unchecked} on "
             f"their stored kernel verdict, not re-checked: --reuse-verdicts), {counts.solved} solved")
            + (f", {counts.rejected} cached answers rejected and solved again" if counts.rejected else "")
            + (" (--no-cache)" if no_cache else ""))
        say("seconds by stage: " + ", ".join(f"{k} {v:.1f}" for k, v in counts.seconds.items())
            + " (produce and kernel: summed over the workers)")
        say(f"subjects: {len(estate.subjects)} found = {len({s.id for _, s in pairs})} analysed + "
            f"{len(excluded)} excluded" + "".join(f"\n  excluded {n}: {why}" for n, why in excluded.items()))
    code = carry_out(store, run_record.id, pool, client, len(pairs),
                     lambda on_result: run_catalog(store, run_record.id, cat, estate, pool, timeout, on_result,
                                                   conflicts=budget, cache=not no_cache, counts=counts,
                                                   workers=worker_count(pool, client), recheck=not reuse_verdicts),
                     line, epilogue=subjects, quiet=quiet, as_json=as_json)
    if max_refused is not None:
        if len(refused) > max_refused:
            click.echo(f"proofgate: {len(refused)} files refused, more than --max-refused {max_refused}", err=True)
            return ExitCode.BAD_INPUT
        return code
    return ExitCode.BAD_INPUT if got.refused and code == ExitCode.OK else code
