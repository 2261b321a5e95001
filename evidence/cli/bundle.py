"""`proofgate bundle`, `keygen` and `verify`: a run's evidence as one signed archive, re-checked offline."""
import tempfile
from pathlib import Path

import click

from ..exits import ExitCode
from .options import load_gate, store_options


@click.command()
@click.argument("run_id", required=False)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .tar.gz to write.")
@click.option("--key", type=click.Path(exists=True, dir_okay=False), help="Ed25519 private key (PEM) to sign with.")
@click.option("--gate", "gate_config", type=click.Path(dir_okay=False), help="Include this gate and its exceptions.")
@store_options
def bundle(store, run_id, output, key, gate_config):
    """Write RUN's evidence (inputs, proofs, models, verdicts, reports) as one signed archive."""
    from ..bundle import dsse
    from ..bundle.write import write
    from ..gate.evaluate import evaluate
    from ..outputs.assessment import load
    config = load_gate(gate_config)
    a = load(store, run_id, config.exceptions if config else None)
    try:
        private = dsse.load_private_key(key) if key else None
    except (OSError, ValueError, TypeError) as error:
        raise click.UsageError(f"{key}: cannot load an Ed25519 private key: {error}") from None
    manifest = write(store, a, output, private, evaluate(a, config) if config else None, gate_config)
    click.echo(f"wrote {output}: run {a.run.id}, {len(manifest['results'])} results, "
               f"{len(manifest['files']) + 2} files, "
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
        raise click.UsageError(f"{error.filename} exists: refusing to overwrite a key") from None
    click.echo(f"wrote {output} (private, keep it secret) and {output}.pub; key id {kid}")


@click.command()
@click.argument("bundle_file", type=click.Path(dir_okay=False))
@click.option("--pubkey", type=click.Path(exists=True, dir_okay=False), help="Ed25519 public key (PEM).")
@click.option("--allow-unsigned", is_flag=True, help="Check everything but the signature.")
@click.option("--kernel", type=click.Choice(["c", "python"]), help="Kernel for LRAT (default: c when built).")
@click.option("--cross-check", "cross_checkers", multiple=True, metavar="CHECKER[=PATH]",
              help="Also run an independent LRAT checker (cake_lpr, lrat-check) on every proof's propositional "
                   "part; any disagreement with the kernel fails the verification.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as one JSON object.")
def verify(bundle_file, pubkey, allow_unsigned, kernel, cross_checkers, as_json):
    """Re-check a bundle offline: archive, hashes, signature, and every proof and model with the kernel.

    Uses the kernel alone (no solver, no database).  Exit 0 only if everything checks.
    """
    from ..bundle import dsse
    from ..bundle.verify import verify as run_verify
    from ..crosscheck import parse
    checkers = tuple(parse(spec) for spec in cross_checkers)
    try:
        public = dsse.load_public_key(pubkey) if pubkey else None
    except (OSError, ValueError) as error:
        raise click.UsageError(f"{pubkey}: cannot load an Ed25519 public key: {error}") from None
    with tempfile.TemporaryDirectory(prefix="proofgate-verify-") as tmp:
        result = run_verify(bundle_file, Path(tmp), public, allow_unsigned, kernel, checkers)
    if as_json:
        from .terminal import echo_json
        echo_json({"bundle": str(bundle_file), "verified": result.verified, "problems": result.problems,
                   "checks": [{"status": status, "text": text.strip()}
                              for status, _, text in (line.partition(" ") for line in result.lines)]})
        return ExitCode.OK if result.verified else ExitCode.FAILED
    from .terminal import echo_result
    for line in result.lines:
        echo_result(line)
    click.echo("s VERIFIED" if result.verified else f"s NOT VERIFIED ({len(result.problems)} problem(s))")
    return ExitCode.OK if result.verified else ExitCode.FAILED
