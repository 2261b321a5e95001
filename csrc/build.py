"""cffi build script (API, out-of-line), run by setuptools through `cffi_modules` in setup.py.

    kernel  -> checker._lratc    the trusted C kernel; the sha256 of its sources is compiled in,
                                 so a Verdict names the code that made it
    drat    -> evidence._dratc   the untrusted DRAT engine, which shares the kernel's lexers
                                 (csrc/kernel/input.c) and nothing else of it
"""
import hashlib
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent
FLAGS = ["-O3", "-std=c11"]


def source_digest(folder):
    h = hashlib.sha256()
    for p in sorted(folder.glob("*.[ch]")):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def builder(module, folder, header, extra_sources=(), **options):
    """An FFI for `module` from the C files in csrc/<folder>, declared by its header (cffi reads C,
    not the preprocessor, so '#' lines are left out).  Paths are relative: setup.py runs at the root."""
    ffi = FFI()
    text = (HERE / folder / header).read_text()
    ffi.cdef("\n".join(line for line in text.splitlines() if not line.startswith("#")))
    sources = [f"csrc/{folder}/{p.name}" for p in sorted((HERE / folder).glob("*.c"))] + list(extra_sources)
    ffi.set_source(module, f'#include "{header}"', sources=sources, extra_compile_args=FLAGS + ["-pthread"], **options)
    return ffi


kernel = builder("checker._lratc", "kernel", "kernel.h", include_dirs=["csrc/kernel"],
                 define_macros=[("PG_SOURCE_DIGEST", f'"{source_digest(HERE / "kernel")}"')])
drat = builder("evidence._dratc", "drat", "drat.h", ["csrc/kernel/input.c"],
               include_dirs=["csrc/drat", "csrc/kernel"], extra_link_args=["-pthread"])  # split.c: a second thread

if __name__ == "__main__":
    kernel.compile(verbose=True)
    drat.compile(verbose=True)
