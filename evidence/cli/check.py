"""`proofgate check`: one proof, model or SMT certificate against its formula, with the kernel."""
import click

import checker

from ..checking.console import check as check_one


@click.command()
@click.argument("formula")
@click.argument("proof", required=False)
@click.option("--model", "model", metavar="MODEL", help="Check a satisfying assignment (SAT-competition v lines).")
@click.option("--kernel", type=click.Choice(["c", "python"]), default=None,
              help="Which kernel checks LRAT (default: c when built, else python).")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.option("--format", "proof_format", type=click.Choice(["auto", "lrat", "drat"]), default="auto",
              help="The proof's format (default: by its name: .lrat/.blrat, .drat/.drup/.bdrat).")
@click.option("--lrat", "lrat_out", metavar="OUT", help="DRAT: keep the elaborated LRAT proof here.")
@click.option("--binary-lrat", is_flag=True, help="DRAT: write that LRAT in binary.")
@click.option("--core", "core_out", metavar="OUT", help="DRAT: write the unsatisfiable core (DIMACS) here.")
@click.option("--trimmed", "trimmed_out", metavar="OUT", help="DRAT: write the trimmed proof (text DRAT) here.")
@click.option("--strict-deletions", is_flag=True,
              help="DRAT: honour deletions of unit clauses (by default they are ignored, as drat-trim does).")
@click.option("--drat-encoding", type=click.Choice(["detect", "text", "binary"]), default="detect",
              help="DRAT: force text or binary (default: detected as drat-trim does).")
@click.option("--timeout", type=float, default=0.0, metavar="SECONDS", help="DRAT: stop the engine after this long.")
@click.option("--max-memory", type=int, default=0, metavar="MB", help="DRAT: stop the engine beyond this much memory.")
@click.option("--threads", type=click.Choice(["auto", "1", "2"]), default="auto",
              help="DRAT: 'auto' lets a second thread take the first lemmas of a large proof when a core is free "
                   "(faster, some more memory); 1 never; 2 whenever there is work (docs/DRAT.md).")
@click.option("--fixed-split", is_flag=True, hidden=True,
              help="Tests: with --threads 2, the second thread takes exactly the first part, whatever the scheduler.")
def check(formula, proof, model, kernel, as_json, proof_format, lrat_out, binary_lrat, core_out, trimmed_out,
          strict_deletions, drat_encoding, timeout, max_memory, threads, fixed_split):
    """Check PROOF (LRAT or DRAT, text or binary) or --model MODEL against FORMULA (DIMACS CNF).
    A PROOF named *.model is a model.

    Prints 's VERIFIED' (exit 0) or 's NOT VERIFIED' with the reason (exit 1);
    bad input exits 2 with the file and position.  Inputs may be gzip, xz or bz2.
    A DRAT proof is first elaborated to LRAT by an untrusted engine; the verdict
    is the kernel's, on that LRAT.
    """
    if (proof is None) == (model is None):
        raise click.UsageError("give exactly one of PROOF or --model MODEL")
    kernel = kernel or checker.kernels()[0]
    if kernel not in checker.kernels():
        raise click.UsageError(f"the {kernel} kernel is not available here (have: {', '.join(checker.kernels())})")
    return check_one(formula, proof, model, kernel=kernel, as_json=as_json, proof_format=proof_format,
                     lrat_out=lrat_out, binary_lrat=binary_lrat, core_out=core_out, trimmed_out=trimmed_out,
                     strict_deletions=strict_deletions, drat_encoding=drat_encoding, timeout=timeout,
                     max_memory=max_memory,
                     threads=3 if fixed_split and threads == "2" else 0 if threads == "auto" else int(threads))
