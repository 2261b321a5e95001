"""`proofgate demo`: every shipped sample with each kernel, then the whole pipeline on the demo account."""
import subprocess
import sys
from pathlib import Path

import click

import checker

from ..exits import ExitCode

DEMO_REPORT = "proofgate-report.html"


@click.command()
@click.argument("samples", required=False, type=click.Path(file_okay=False, exists=True))
def demo(samples):
    """Check every sample listed in SAMPLES/expected.tsv with each kernel, against its expected answer,
    then run every control of SAMPLES/catalog.yaml on SAMPLES/account.  SAMPLES defaults to the samples
    shipped with proofgate (a checkout's samples/, or the copy inside the installed package).  Writes
    the store to ./.proofgate/ and the report to ./proofgate-report.html (the current directory)."""
    from rich.console import Console
    from rich.table import Table

    from ..checking.samples import load_expectations, run_sample

    samples = Path(samples) if samples else shipped_samples()
    click.echo(f"samples: {samples}")
    expectations = load_expectations(samples)
    table = Table("formula", "proof or model", "expected", *(f"{k} kernel" for k in checker.kernels()), "s")
    terminal = sys.stdout.isatty()
    for column in table.columns:
        column.no_wrap = not terminal  # on a terminal, rich wraps cells to fit its width; piped, nothing is cut
    wrong = 0
    for case in expectations:
        answers = [run_sample(case, kernel) for kernel in checker.kernels()]
        ok = all(a.matches(case) for a in answers)
        wrong += not ok
        table.add_row(str(case.formula.relative_to(samples)), str(case.proof.relative_to(samples)),
                      case.expected_text(), *(a.text() for a in answers), f"{answers[0].seconds:.3f}",
                      style=None if ok else "bold red")
    Console(width=None if terminal else 10_000).print(table)
    click.echo(f"{len(expectations) - wrong} of {len(expectations)} samples gave the expected answer")
    wrong += not demo_pipeline(samples)  # the controls on the demo account, and the HTML report
    return ExitCode.OK if not wrong else ExitCode.FAILED


def shipped_samples() -> Path:
    source = Path(__file__).resolve().parents[2] / "samples"  # a checkout or an editable install
    if (source / "expected.tsv").is_file():
        return source
    from importlib import resources
    return Path(str(resources.files("evidence") / "samples"))  # a wheel: packaged beside the code


def demo_pipeline(samples) -> bool:
    """`proofgate demo`'s second half: the whole pipeline on SAMPLES/account with SAMPLES/catalog.yaml
    (run, then the HTML report in ./proofgate-report.html). The demo account is meant to show every
    verdict, so FAIL and NOT CHECKABLE are expected; False only when the pipeline itself broke."""
    catalog, inputs = Path(samples) / "catalog.yaml", Path(samples) / "account"
    if not (catalog.is_file() and inputs.is_dir()):
        return True
    base = [sys.executable, "-m", "evidence.cli"]
    click.echo(f"\nproofgate run --catalog {catalog} --inputs {inputs}")
    ran = subprocess.run(base + ["run", "--catalog", str(catalog), "--inputs", str(inputs)])
    if ran.returncode not in (ExitCode.OK, ExitCode.FAILED, ExitCode.NO_VERDICT):
        return False
    reported = subprocess.run(base + ["report", "--format", "html", "-o", DEMO_REPORT])
    click.echo(f"store: {Path('.proofgate').resolve()}; report: {Path(DEMO_REPORT).resolve()}")
    return reported.returncode == ExitCode.OK
