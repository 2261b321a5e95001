"""`proofgate gate`: CI's question, whether every required control has a kernel-verified PASS."""
import functools
import os
from pathlib import Path

import click

from ..exits import ExitCode
from .options import load_gate, store_options


@click.command()
@click.argument("run_id", required=False)
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False), help="GATE.yaml")
@click.option("--junit", type=click.Path(dir_okay=False), help="Also write JUnit XML here.")
@click.option("--sarif", type=click.Path(dir_okay=False), help="Also write SARIF here.")
@click.option("--recheck/--no-recheck", default=True, show_default=True,
              help="Re-check each required PASS's stored proof with the kernel.")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as one JSON object (not the summary).")
@click.option("--max-refused", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="Exit 2 when the run refused more than N of its input files (a subject may be missing).")
@store_options
def gate(store, run_id, config_path, junit, sarif, recheck, as_json, max_refused):
    """Exit 0 only if every required control of GATE.yaml has a kernel-verified PASS in RUN
    (default: the latest), or an exception that has not expired; 2 if the run refused more input files
    than --max-refused."""
    from ..gate.evaluate import evaluate, recheck_pass
    from ..outputs.assessment import load
    from ..outputs.junit import junit as junit_xml
    from ..outputs.markdown import markdown
    from ..outputs.sarif import sarif as sarif_json
    config = load_gate(config_path)
    a = load(store, run_id, config.exceptions)
    outcome = evaluate(a, config, functools.partial(recheck_pass, store) if recheck else None)
    summary = markdown(a, outcome)
    if not as_json:
        click.echo(summary)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as f:
            f.write(summary)
    if junit:
        Path(junit).write_text(junit_xml(a, outcome), encoding="utf-8")
    if sarif:
        Path(sarif).write_text(sarif_json(a, gate=outcome), encoding="utf-8")
    if as_json:
        from .terminal import echo_json
        echo_json({"run": a.run.id, "config": config_path, "passed": outcome.passed,
                   "required": [{"control": r.control, "status": str(r.status), "detail": r.detail}
                                for r in outcome.rows]})
        return ExitCode.OK if outcome.passed else ExitCode.FAILED
    click.echo(f"gate {'PASSED' if outcome.passed else 'FAILED'}: " + ", ".join(
        f"{r.control} {r.status}" for r in outcome.rows))
    refused = a.file_counts["refused"]
    if len(refused) > max_refused:
        click.echo(f"gate: run {a.run.id} refused {len(refused)} input file(s), more than --max-refused "
                   f"{max_refused}: " + ", ".join(f.path for f in refused), err=True)
        return ExitCode.BAD_INPUT
    return ExitCode.OK if outcome.passed else ExitCode.FAILED
