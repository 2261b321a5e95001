"""`proofgate prove`: formulas solved (or their proofs checked), checked by the kernel, stored as a run."""
import click

from .options import carry_out, open_executor, store_options


@click.command()
@click.argument("formulas", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--control", metavar="ID", help="Control the formulas decide (default: each file's name).")
@click.option("--subject", metavar="NAME", help="Subject of a single formula (default: the file's name).")
@click.option("--run", "run_id", metavar="RUN_ID", help="Add to this run (created if new); default: a new run.")
@click.option("--resume", metavar="RUN_ID", help="Continue this run, skipping results it already has.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=600.0, show_default=True,
              help="Seconds the solver may take per formula.")
@click.option("--memory", type=click.IntRange(min=16), default=4096, show_default=True,
              help="Memory limit of the solver process, in MB.")
@click.option("--kernel", type=click.Choice(["c", "python"]), help="Kernel for LRAT (default: c when built).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Formulas solved at once, each in a worker (default: the number of CPUs).")
@click.option("--executor", metavar="URL",
              help="Solve on a Dask cluster: dask://HOST:PORT (pip install '.[dask]' in a proofgate checkout).")
@click.option("--proof-dir", type=click.Path(file_okay=False, exists=True), metavar="DIR",
              help="Do not solve: check the proof (NAME.lrat, .blrat) or model (NAME.model) in DIR of each "
                   "FORMULA, with the kernel in the workers.")
@store_options
def prove(store, formulas, control, subject, run_id, resume, timeout, memory, kernel, jobs, executor, proof_dir):
    """Solve each FORMULA (DIMACS CNF), check the answer with the kernel, store the result.

    A formula encodes a violation of the control: a kernel-verified proof that it is
    unsatisfiable is a PASS, a kernel-verified model is a FAIL (a counterexample), anything
    else is NOT CHECKABLE with the reason.  Exit 0 all PASS, 1 a FAIL, 4 a NOT CHECKABLE
    (and no FAIL), 2 bad input.  Formulas are solved in parallel (--jobs, or --executor for a Dask cluster);
    the kernel checks every answer in this process, and results are stored in the given order.
    """
    import checker

    from ..pipeline.jobs import TOKEN, Job, default_name
    from ..pipeline.provenance import run_fields
    if run_id and resume:
        raise click.UsageError("give --run or --resume, not both")
    if subject and len(formulas) > 1:
        raise click.UsageError("--subject names one formula's subject; with several formulas each is named by its file")
    for name, value in (("--control", control), ("--subject", subject)):
        if value is not None and not TOKEN.match(value):
            raise click.UsageError(f"{name} {value!r}: use letters, digits, '.', '_' and '-', starting with a letter")
    if executor and jobs:
        raise click.UsageError("give --jobs or --executor, not both (a Dask cluster has the workers it has)")
    if executor and not executor.startswith(("dask://", "tcp://", "tls://")):
        raise click.UsageError(f"--executor {executor!r}: give dask://HOST:PORT")
    if kernel and kernel not in checker.kernels():
        raise click.UsageError(f"the {kernel} kernel is not built here")
    todo, seen = [], set()
    for f in formulas:
        job = Job(control or default_name(f), subject or default_name(f), f)
        if job.key in seen:
            raise click.UsageError(f"{f}: a second formula for control {job.control!r} and subject {job.subject!r}")
        seen.add(job.key)
        todo.append(job)
    if proof_dir:
        from ..pipeline.proof_dir import with_answers
        todo = with_answers(todo, proof_dir)
    pool, client = open_executor(executor, jobs, len(todo))
    run = store.begin_run(resume or run_id, resume=bool(resume), **run_fields())

    def work(on_result):
        if proof_dir:
            from ..pipeline.executors import worker_count
            from ..pipeline.proof_dir import check_all
            check_all(store, run.id, todo, pool, worker_count(pool, client), kernel, resume=bool(resume),
                      on_result=on_result)
        else:
            from ..pipeline.solve import prove_all
            prove_all(store, run.id, todo, pool, timeout, memory, kernel, resume=bool(resume),
                      ship=client is not None, on_result=on_result)
    from ..pipeline.solve import line
    return carry_out(store, run.id, pool, client, len(todo), work, line,
                     f"; continue it with: proofgate prove --resume {run.id} ...")
