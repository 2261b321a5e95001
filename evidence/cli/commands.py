"""The evidence commands: prove, history, diff, report, bundle, keygen, verify, gate.

Exit codes (docs/EVIDENCE.md):
  prove   0 every result PASS, 1 a FAIL (no NOT CHECKABLE), 4 a NOT CHECKABLE, 2 bad input or usage
  verify  0 everything checks, 1 a check failed, 2 the bundle cannot be read safely
  gate    0 every required control PASSes (or is under an active exception), 1 not, 2 bad config
  others  0 done, 2 bad input or usage (unknown run, unreadable store)
  3 is an internal error (a bug) everywhere; 130 an interrupted prove (SIGINT or SIGTERM: resume it).

Heavy modules are imported inside each command: `verify` must load neither the solver nor the
database layer, and `--help` stays fast.
"""
from __future__ import annotations

import functools
import os
import signal
import sys
import tempfile
from pathlib import Path

import click

EXIT_BAD_INPUT = 2


def store_options(command):
    """--db / --artifacts (or PROOFGATE_DB / PROOFGATE_ARTIFACTS), opened as `store`; store and
    config errors become exit code 2 with the message, never a traceback."""
    @click.option("--db", envvar="PROOFGATE_DB", metavar="URL", show_envvar=True,
                  help="Store URL (default sqlite:///.proofgate/evidence.db; e.g. postgresql+psycopg://...).")
    @click.option("--artifacts", envvar="PROOFGATE_ARTIFACTS", metavar="DIR", show_envvar=True,
                  help="Artifact directory (default: beside a SQLite database).")
    @functools.wraps(command)
    def wrapper(db, artifacts, **kwargs):
        from ..store.store import Store
        with _user_errors():
            return command(store=Store(db, artifacts), **kwargs)
    return wrapper


class _user_errors:
    """Turn the errors a user can cause into one clear line and exit code 2."""
    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        from ..errors import UserError
        if isinstance(error, UserError):
            click.echo(f"proofgate: error: {error}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        return False


def _load_gate(config):
    if config is None:
        return None
    from ..gate.config import load_config
    with _user_errors():
        return load_config(config)


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
              help="Solve on a Dask cluster: dask://HOST:PORT (pip install 'proofgate[dask]').")
@click.option("--proof-dir", type=click.Path(file_okay=False, exists=True), metavar="DIR",
              help="Do not solve: check the proof (NAME.lrat, .blrat) or model (NAME.model) in DIR of each "
                   "FORMULA, with the kernel in the workers.")
@store_options
def prove(store, formulas, control, subject, run_id, resume, timeout, memory, kernel, jobs, executor, proof_dir):
    """Solve each FORMULA (DIMACS CNF), check the answer with the kernel, store the result.

    A formula encodes a violation of the control: a kernel-verified proof that it is
    unsatisfiable is a PASS, a kernel-verified model is a FAIL (a counterexample), anything
    else is NOT CHECKABLE with the reason.  Exit 0 all PASS, 1 a FAIL, 4 a NOT CHECKABLE,
    2 bad input.  Formulas are solved in parallel (--jobs, or --executor for a Dask cluster);
    the kernel checks every answer in this process, and results are stored in the given order.
    """
    import checker

    from ..pipeline import jobs as parallel
    from ..pipeline.solve import TOKEN, default_name, exit_code, run_fields
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
    tasks, seen = [], set()
    for f in formulas:
        job = (f, control or default_name(f), subject or default_name(f))
        if job[1:] in seen:
            raise click.UsageError(f"{f}: a second formula for control {job[1]!r} and subject {job[2]!r}")
        seen.add(job[1:])
        tasks.append(job)
    if proof_dir:
        from ..pipeline.proof_dir import with_answers
        with _user_errors():
            tasks = with_answers(tasks, proof_dir)
    pool, client = open_executor(executor, jobs, len(tasks))
    run = store.begin_run(resume or run_id, resume=bool(resume), **run_fields())
    previous = signal.signal(signal.SIGTERM, _interrupt)
    done = []
    try:
        with _progress(len(tasks)) as advance:
            def on_result(proved):
                done.append(proved)
                click.echo(proved.line())
                advance()
            if proof_dir:
                from ..pipeline.proof_dir import check_all, worker_count
                check_all(store, run.id, tasks, pool, worker_count(pool, client), kernel, resume=bool(resume),
                          on_result=on_result)
            else:
                parallel.prove_all(store, run.id, tasks, pool, timeout, memory, kernel, resume=bool(resume),
                                   ship=client is not None, on_result=on_result)
    except KeyboardInterrupt:
        click.echo(f"proofgate: interrupted: run {run.id} is incomplete ({len(done)} of {len(tasks)} stored); "
                   f"continue it with: proofgate prove --resume {run.id} ...", err=True)
        sys.exit(130)
    finally:
        release(pool, client, previous)
    store.finish_run(run.id)
    summary(run.id, [p.result.verdict for p in done])
    sys.exit(exit_code(done))


def open_executor(executor, jobs, tasks: int):
    """(pool, Dask client or None): a Dask cluster's executor, or a local pool of at most `tasks` workers."""
    from ..pipeline import jobs as parallel  # imported when a run starts, not with the command line
    if executor:
        try:
            return parallel.dask_executor(executor)
        except parallel.UserError as error:
            raise click.UsageError(str(error)) from None
    return parallel.local_executor(max(1, min(jobs or parallel.default_jobs(), tasks))), None


def release(pool, client, previous_sigterm) -> None:
    """Give SIGTERM its handler back and stop the executor (a local pool, or a Dask client)."""
    signal.signal(signal.SIGTERM, previous_sigterm)
    if client is None:
        pool.shutdown(wait=True, cancel_futures=True)
    else:
        client.close()


def summary(run_id: str, verdicts) -> dict:
    """Print and return how many results of the run are PASS, FAIL and NOT CHECKABLE."""
    counts = {v: sum(x == v for x in verdicts) for v in ("PASS", "FAIL", "NOT CHECKABLE")}
    click.echo(f"run {run_id}: " + ", ".join(f"{n} {v}" for v, n in counts.items()))
    return counts


class _progress:
    """A rich progress bar on stderr when it is a terminal (the result lines still go to stdout,
    above the bar); nothing more otherwise: the result lines are the progress."""
    def __init__(self, total: int):
        self.total, self.bar = total, None

    def __enter__(self):
        if not sys.stderr.isatty():
            return lambda: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        self.bar = Progress(TextColumn("proving"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=True)
        self.bar.__enter__()
        task = self.bar.add_task("prove", total=self.total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # unwinds through the solver's cleanup: no orphan, no half-written result


@click.command()
@click.option("--control", metavar="ID", help="Show this control's verdict in each run.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@store_options
def history(store, control, limit):
    """List runs, newest first, with their verdict counts."""
    from ..store.store import control_verdicts
    runs = list(reversed(store.runs()))[:limit]
    if not runs:
        click.echo("no runs yet")
        return
    click.echo(f"{'run':<28} {'started (UTC)':<20} {'status':<9} " +
               (f"{control}" if control else "PASS  FAIL  NOT CHECKABLE"))
    for run in runs:
        verdicts = control_verdicts(store.results(run.id))
        if control:
            tail = verdicts.get(control, "-")
        else:
            tail = "  ".join(f"{sum(v == k for v in verdicts.values()):>4}" for k in ("PASS", "FAIL", "NOT CHECKABLE"))
        click.echo(f"{run.id:<28} {run.started_at:%Y-%m-%d %H:%M:%S}  {run.status:<9} {tail}")


@click.command()
@click.argument("run_a")
@click.argument("run_b")
@store_options
def diff(store, run_a, run_b):
    """Controls whose verdict changed from RUN_A to RUN_B, and those added or removed."""
    from ..store.store import diff_runs
    d = diff_runs(store, run_a, run_b)
    for cid, before, now in d["changed"]:
        click.echo(f"changed  {cid}: {before} -> {now}")
    for cid, now in d["added"]:
        click.echo(f"added    {cid}: {now}")
    for cid, before in d["removed"]:
        click.echo(f"removed  {cid}: {before}")
    click.echo(f"{len(d['changed'])} changed, {len(d['added'])} added, {len(d['removed'])} removed, "
               f"{d['unchanged']} unchanged")


@click.command()
@click.argument("run_id", required=False)
@click.option("--format", "fmt", type=click.Choice(["html", "md", "oscal", "junit", "sarif"]), default="html",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: standard output).")
@click.option("--gate", "gate_config", type=click.Path(dir_okay=False), help="Show this gate's exceptions.")
@store_options
def report(store, run_id, fmt, output, gate_config):
    """Write a report of RUN (default: the latest run)."""
    from ..outputs.assessment import load
    from ..outputs.reports import render_format
    config = _load_gate(gate_config)
    a = load(store, run_id, config.exceptions if config else None)
    text = render_format(a, fmt)
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {fmt} report of run {a.run.id} to {output}")


@click.command()
@click.argument("run_id", required=False)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .tar.gz to write.")
@click.option("--key", type=click.Path(exists=True, dir_okay=False), help="Ed25519 private key (PEM) to sign with.")
@click.option("--gate", "gate_config", type=click.Path(dir_okay=False), help="Include this gate and its exceptions.")
@store_options
def bundle(store, run_id, output, key, gate_config):
    """Write RUN's evidence (inputs, proofs, models, verdicts, reports) as one signed archive."""
    from ..bundle import dsse
    from ..outputs.assessment import load
    from ..bundle.write import write
    from ..gate.config import evaluate
    config = _load_gate(gate_config)
    a = load(store, run_id, config.exceptions if config else None)
    try:
        private = dsse.load_private_key(key) if key else None
    except (OSError, ValueError, TypeError) as error:
        raise click.UsageError(f"{key}: cannot load an Ed25519 private key: {error}")
    manifest = write(store, a, output, private, evaluate(a, config) if config else None, gate_config)
    click.echo(f"wrote {output}: run {a.run.id}, {len(manifest['results'])} results, {len(manifest['files']) + 2} files, "
               + (f"signed by key {dsse.keyid(private.public_key())[:16]}" if private else "UNSIGNED"))


@click.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Private key file to write; the public key goes to OUTPUT.pub.")
def keygen(output):
    """Make an Ed25519 key pair for signing bundles (never overwrites a key)."""
    from ..bundle import dsse
    try:
        kid = dsse.generate(output, output + ".pub")
    except FileExistsError as error:
        raise click.UsageError(f"{error.filename} exists: refusing to overwrite a key")
    click.echo(f"wrote {output} (private, keep it secret) and {output}.pub; key id {kid}")


@click.command()
@click.argument("bundle_file", type=click.Path(dir_okay=False))
@click.option("--pubkey", type=click.Path(exists=True, dir_okay=False), help="Ed25519 public key (PEM).")
@click.option("--allow-unsigned", is_flag=True, help="Check everything but the signature.")
@click.option("--kernel", type=click.Choice(["c", "python"]), help="Kernel for LRAT (default: c when built).")
def verify(bundle_file, pubkey, allow_unsigned, kernel):
    """Re-check a bundle offline: archive, hashes, signature, and every proof and model with the kernel.

    Uses the kernel alone (no solver, no database).  Exit 0 only if everything checks.
    """
    from ..bundle import dsse
    from ..bundle.verify import verify as run_verify
    try:
        public = dsse.load_public_key(pubkey) if pubkey else None
    except (OSError, ValueError) as error:
        raise click.UsageError(f"{pubkey}: cannot load an Ed25519 public key: {error}")
    with tempfile.TemporaryDirectory(prefix="proofgate-verify-") as tmp, _user_errors():
        result = run_verify(bundle_file, Path(tmp), public, allow_unsigned, kernel)
    for line in result.lines:
        click.echo(line)
    click.echo("s VERIFIED" if result.verified else f"s NOT VERIFIED ({len(result.problems)} problem(s))")
    sys.exit(0 if result.verified else 1)


@click.command()
@click.argument("run_id", required=False)
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False), help="GATE.yaml")
@click.option("--junit", type=click.Path(dir_okay=False), help="Also write JUnit XML here.")
@click.option("--sarif", type=click.Path(dir_okay=False), help="Also write SARIF here.")
@click.option("--recheck/--no-recheck", default=True, show_default=True,
              help="Re-check each required PASS's stored proof with the kernel.")
@store_options
def gate(store, run_id, config_path, junit, sarif, recheck):
    """Exit 0 only if every required control of GATE.yaml has a kernel-verified PASS in RUN
    (default: the latest), or an exception that has not expired."""
    from ..outputs.assessment import load
    from ..gate.config import evaluate
    from ..outputs.reports import junit as junit_xml, markdown, sarif as sarif_json
    config = _load_gate(config_path)
    a = load(store, run_id, config.exceptions)
    outcome = evaluate(a, config, functools.partial(_recheck, store) if recheck else None)
    summary = markdown(a, outcome)
    click.echo(summary)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as f:
            f.write(summary)
    if junit:
        Path(junit).write_text(junit_xml(a, outcome), encoding="utf-8")
    if sarif:
        Path(sarif).write_text(sarif_json(a), encoding="utf-8")
    click.echo(f"gate {'PASSED' if outcome.passed else 'FAILED'}: " + ", ".join(
        f"{r.control} {r.status}" for r in outcome.rows))
    sys.exit(0 if outcome.passed else 1)


def _recheck(store, r) -> str | None:
    """None if the kernel verifies the stored proof of this PASS against the stored formula."""
    import checker
    if not (r.formula and r.answer and r.answer.kind == "proof"):
        return "no stored proof"
    f, p = store.path_of(r.formula.sha256), store.path_of(r.answer.sha256)
    if not (f.is_file() and p.is_file()):
        return "the stored formula or proof is missing"
    try:
        check = checker.check_smt if r.formula.suffix == ".smt2" else checker.check_lrat  # a control run's SMT
        v = check(f, p, checker.kernels()[0])
    except checker.InputError as error:
        return f"the kernel cannot read the stored files: {error}"
    if not v.verified:
        return f"the kernel rejects the stored proof: {v.reason}"
    if (v.formula["sha256"], v.proof["sha256"]) != (r.formula.sha256, r.answer.sha256):
        return "the stored files do not have the recorded sha256"
    return None


COMMANDS = (prove, history, diff, report, bundle, keygen, verify, gate)
