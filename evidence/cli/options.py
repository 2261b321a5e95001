"""What the commands share: the store options, the gate file, and the scaffold of a run (`prove`, `run`)."""
from __future__ import annotations

import functools
import signal
import sys

import click

from ..exits import ExitCode, of_results
from ..results import Result


def store_options(command):
    """--db / --artifacts (or PROOFGATE_DB / PROOFGATE_ARTIFACTS), opened as `store` (a store that cannot
    be opened is a UserError: exit code 2 with the message)."""
    @click.option("--db", envvar="PROOFGATE_DB", metavar="URL", show_envvar=True,
                  help="Store URL (default sqlite:///.proofgate/evidence.db; e.g. postgresql+psycopg://...).")
    @click.option("--artifacts", envvar="PROOFGATE_ARTIFACTS", metavar="DIR", show_envvar=True,
                  help="Artifact directory (default: beside a SQLite database).")
    @functools.wraps(command)
    def wrapper(db, artifacts, **kwargs):
        from ..store.store import Store
        return command(store=Store(db, artifacts), **kwargs)
    return wrapper


def load_gate(config):
    if config is None:
        return None
    from ..gate.config import load_config
    return load_config(config)


def open_executor(executor, jobs, tasks: int):
    """(pool, Dask client or None): a Dask cluster's executor, or a local pool of at most `tasks` workers."""
    from ..errors import UserError
    from ..pipeline import executors  # imported when a run starts, not with the command line
    if executor:
        try:
            return executors.dask_executor(executor)
        except UserError as error:
            raise click.UsageError(str(error)) from None
    return executors.local_executor(max(1, min(jobs or executors.default_jobs(), tasks))), None


def carry_out(store, run_id: str, pool, client, total: int, work, line, resume_hint: str = "",
              epilogue=None, quiet: bool = False, as_json: bool = False) -> ExitCode:
    """The scaffold of a run: `work(on_result)` with SIGTERM taken as an interrupt, a progress bar, and
    each result's `line` printed as it is recorded; the executor is stopped whatever happens.  Then the
    run is complete: `epilogue()`, the counts, and the exit code of its results (or, interrupted, the
    run stays incomplete: resume it)."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    done: list = []
    try:
        with _progress(total) as bar:
            def on_result(item):
                done.append(item)
                if not as_json and (not quiet or Result(item.result.verdict) is not Result.PASS):
                    bar.echo(line(item))
                bar.advance()
            work(on_result)
    except KeyboardInterrupt:
        click.echo(f"proofgate: interrupted: run {run_id} is incomplete ({len(done)} of {total} stored)"
                   + resume_hint, err=True)
        return ExitCode.INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
        if client is None:
            pool.shutdown(wait=True, cancel_futures=True)
        else:
            client.close()
    store.finish_run(run_id)
    results = [d.result.verdict for d in done]
    if epilogue:
        epilogue()
    if as_json:
        from .terminal import echo_json
        echo_json({"run": run_id, "counts": {str(r): sum(x == r for x in results) for r in Result},
                   "results": [{"control": d.result.control_id, "subject": d.result.subject,
                                "verdict": str(d.result.verdict), "reason": d.result.reason,
                                "formula_sha256": d.result.formula_sha256}
                               for d in sorted(done, key=lambda d: (d.result.control_id, d.result.subject))]})
        return of_results(results, any(d.bad_input for d in done))
    click.echo(f"run {run_id}: {len(results)} results (control, subject): "
               + ", ".join(f"{sum(x == r for x in results)} {r}" for r in Result))
    return of_results(results, any(d.bad_input for d in done))


class _progress:
    """A rich progress bar on stderr when it is a terminal; nothing more otherwise (the result lines are
    the progress).  A result line never shares a line with the bar: with both streams on the terminal,
    it is printed through the bar's console, which clears the bar, prints the line and redraws the bar
    below it; with stdout redirected, the line goes to stdout and the bar stays on the terminal."""
    def __init__(self, total: int):
        self.total, self.bar, self.task = total, None, None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
            self.bar = Progress(TextColumn("proving"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.__enter__()
            self.task = self.bar.add_task("prove", total=self.total)
        return self

    def echo(self, text: str) -> None:
        from .terminal import echo_result, paint
        if self.bar is not None and sys.stdout.isatty():
            from rich.text import Text

            from .terminal import colour_enabled
            self.bar.console.print(Text.from_ansi(paint(text, colour_enabled(sys.stdout))), soft_wrap=True)
        else:
            echo_result(text)

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # unwinds through the solver's cleanup: no orphan, no half-written result
