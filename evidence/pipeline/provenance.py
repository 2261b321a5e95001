"""Which code made a run: the tool's version and a digest of its (untrusted) sources."""
import hashlib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # evidence/


def run_fields() -> dict:
    """What a run records of the code that made it."""
    import checker

    from ..solvers.cadical import solver_version
    return {"tool_version": tool_version(), "tool_digest": tool_digest(), "kernel_version": checker.KERNEL_VERSION,
            "solver": solver_version()}


DISTRIBUTION = "proofgate-evidence"  # pyproject.toml's name ("proofgate" on PyPI is another project)


@lru_cache(maxsize=None)  # read from the installed metadata once: `run` asks for it in every cache key
def tool_version() -> str:
    for name in (DISTRIBUTION, "proofgate"):  # "proofgate": checkouts installed before the rename
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return "unknown"


@lru_cache(maxsize=None)
def tool_digest() -> str:
    """sha256 over evidence/**/*.py and the report templates, by path and content."""
    from ..outputs.templating import template_dir
    h = hashlib.sha256()
    files = [(p.relative_to(ROOT).as_posix(), p) for p in sorted(ROOT.rglob("*.py"))]
    files += [(p.name, p) for p in sorted(template_dir().glob("*.j2"))]  # by name: a checkout and a wheel agree
    for name, p in files:
        h.update(name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()
