"""cffi build script (API, out-of-line) for the DRAT engine (untrusted): makes evidence._dratc.

The engine shares the kernel's lexers (csrc/kernel/input.c); nothing else of the kernel.
"""
from pathlib import Path

from cffi import FFI

DRAT = Path(__file__).parent / "drat"


def declarations(header):
    """The header's declarations for cffi: it reads C, not the preprocessor."""
    return "\n".join(line for line in header.read_text().splitlines() if not line.startswith("#"))


ffibuilder = FFI()
ffibuilder.cdef(declarations(DRAT / "drat.h"))
ffibuilder.set_source(
    "evidence._dratc",
    '#include "drat.h"',
    sources=[f"csrc/drat/{p.name}" for p in sorted(DRAT.glob("*.c"))] + ["csrc/kernel/input.c"],
    include_dirs=["csrc/drat", "csrc/kernel"],
    extra_compile_args=["-O3", "-std=c11"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
