"""Which code made a run: the tool's version and a digest of its (untrusted) sources."""
import hashlib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def tool_version() -> str:
    try:
        return version("proofgate")
    except PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=None)
def tool_digest() -> str:
    """sha256 over evidence/*.py and the report templates, by name and content."""
    from .templating import template_dir
    h = hashlib.sha256()
    for p in sorted(ROOT.glob("*.py")) + sorted(template_dir().glob("*.j2")):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()
