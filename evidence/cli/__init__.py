"""The `proofgate` command line (click)."""
from .check import cli, main  # noqa: F401
