"""cffi build script (API, out-of-line) for the C kernel: makes checker._lratc.

Run by setuptools through `cffi_modules` in setup.py.  The sha256 of the
kernel's C sources is compiled in, so a Verdict names the code that made it.
"""
import hashlib
from pathlib import Path

from cffi import FFI

KERNEL = Path(__file__).parent / "kernel"
SOURCES = sorted(KERNEL.glob("*.c"))


def source_digest():
    h = hashlib.sha256()
    for p in sorted(KERNEL.glob("*.[ch]")):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()



def declarations(header):
    """The header's declarations for cffi: it reads C, not the preprocessor."""
    return "\n".join(line for line in header.read_text().splitlines() if not line.startswith("#"))


ffibuilder = FFI()
ffibuilder.cdef(declarations(KERNEL / "kernel.h"))
ffibuilder.set_source(
    "checker._lratc",
    '#include "kernel.h"',
    sources=[f"csrc/kernel/{p.name}" for p in SOURCES],  # relative: setup.py runs at the root
    include_dirs=["csrc/kernel"],
    define_macros=[("PG_SOURCE_DIGEST", f'"{source_digest()}"')],
    extra_compile_args=["-O3", "-std=c11"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
