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


ffibuilder = FFI()
ffibuilder.cdef("""
enum pg_code {
  PG_OK, PG_SYNTAX, PG_RANGE, PG_EOF, PG_HEADER, PG_LITERAL, PG_COUNT, PG_ID, PG_MEMORY, PG_READ,
  PG_ID_ORDER, PG_HINT_DEAD, PG_HINT_NOT_UNIT, PG_NO_CONFLICT, PG_RAT_EMPTY, PG_RAT_CANDIDATE,
  PG_RAT_MISSING, PG_RAT_NO_CONFLICT, PG_DELETE_DEAD, PG_NO_EMPTY_CLAUSE
};
typedef struct pg_result {
  int status, code, file, binary;
  int64_t line, offset, step, detail, detail2;
  int64_t variables, clauses, steps, additions, deletions, hints, peak_live;
} pg_result;
int pg_check_lrat (int formula_fd, int proof_fd, pg_result *result);
const char *pg_kernel_digest (void);
""")
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
