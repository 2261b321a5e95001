"""`proofgate export-cnf`: a certificate's propositional part as plain DIMACS + LRAT (evidence/export.py)."""
from pathlib import Path

import click


@click.command("export-cnf")
@click.argument("problem", type=click.Path(dir_okay=False))
@click.argument("certificate", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write NAME.cnf and NAME.lrat into.")
@click.option("--name", help="NAME of the two files (default: the certificate's stem).")
def export_cnf(problem, certificate, out_dir, name):
    """Write the propositional part of a certificate for checkers that are not proofgate's.

    PROBLEM.smt2 CERT: the Boolean skeleton plus the theory lemmas as clauses, and the refutation over
    them (ids unchanged); FORMULA.cnf PROOF: the formula as plain DIMACS and its LRAT (a DRAT proof is
    elaborated first).  Both are re-checked by proofgate's kernel before they are written out, and read
    by cake_lpr and lrat-check as they are.  Prints what is then left to proofgate's kernel alone."""
    from ..exits import ExitCode
    from ..export import export_cnf as cnf_pair
    from ..export import export_smt
    exporter = export_smt if problem.endswith(".smt2") else cnf_pair
    done = exporter(Path(problem), Path(certificate), Path(out_dir), name)
    click.echo(f"wrote {done.cnf} ({done.clauses} clauses) and {done.lrat} ({done.steps} steps)")
    click.echo(f"proofgate's kernel on the pair: {'VERIFIED' if done.kernel_verified else 'NOT VERIFIED'}")
    left = done.left_to_kernel
    click.echo("left to proofgate's kernel alone: " + ("; ".join(left) if left else "nothing (a CNF and its proof)"))
    click.echo(f"check it with: cake_lpr {done.cnf} {done.lrat}   or: lrat-check {done.cnf} {done.lrat}")
    return ExitCode.OK if done.kernel_verified else ExitCode.FAILED
