"""The `proofgate` entry point.

A plain check, `proofgate check FORMULA PROOF [--json] [--kernel K] [--format F] [--threads T]`, goes
straight to the kernel: small proofs are most of a compliance run, and there start-up is most of a check's time, so
nothing it does not need (click, rich, sqlmodel, python-sat) is imported before the kernel answers.
It prints and exits exactly as the command line's `check` does (the same code: checking/console.py).
Every other command, option or spelling goes to the click command line (evidence/cli/).
"""
from __future__ import annotations

import sys


def main() -> None:
    try:
        code = plain_check(sys.argv[1:])
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
        code = 1
    except Exception as error:
        code = internal_error(error)
    if code is None:
        from .cli import main as command_line
        command_line()
    sys.exit(code)


def internal_error(error: Exception) -> int:
    """A bug of ours, said plainly, without a traceback: exit code 3 (ExitCode.INTERNAL)."""
    print(f"proofgate: internal error: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
    return 3


CHOICES = {"--kernel": ("c", "python"), "--format": ("auto", "lrat", "drat"), "--threads": ("auto", "1", "2")}


def plain_check(argv: list[str]) -> int | None:
    """The exit code of a plain check, or None for anything else (the command line reads it then,
    usage errors included).  A plain check: two files, with --json, --kernel, --format or --threads
    (as the command line spells them: `--name value` or `--name=value`, the last one given counting)."""
    if not argv or argv[0] != "check":
        return None
    files: list[str] = []
    as_json, values = False, dict[str, str]()  # values: option name -> value given
    rest = iter(argv[1:])
    for arg in rest:
        name, _, value = arg.partition("=")
        if arg == "--json":
            as_json = True
        elif name in CHOICES:
            given = value if "=" in arg else next(rest, None)
            if given not in CHOICES[name]:
                return None
            values[name] = given
        elif arg.startswith("-"):
            return None
        else:
            files.append(arg)
    if len(files) != 2:
        return None
    import checker
    kernel = values.get("--kernel") or checker.kernels()[0]
    if kernel not in checker.kernels():
        return None  # the command line says which kernels there are
    threads = values.get("--threads", "auto")
    from .checking.console import check
    return check(files[0], files[1], kernel=kernel, as_json=as_json, proof_format=values.get("--format", "auto"),
                 threads=0 if threads == "auto" else int(threads))


if __name__ == "__main__":
    main()
