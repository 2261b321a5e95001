"""cffi build script (API, out-of-line) for the DRAT engine (untrusted): makes evidence._dratc.

The engine shares the kernel's lexers (csrc/kernel/input.c); nothing else of the kernel.
"""
from pathlib import Path

from cffi import FFI

DRAT = Path(__file__).parent / "drat"

ffibuilder = FFI()
ffibuilder.cdef("""
enum pg_drat_status { PG_DRAT_VERIFIED, PG_DRAT_REJECTED, PG_DRAT_MALFORMED, PG_DRAT_LIMIT };
enum pg_drat_code {
  PG_DRAT_OK, PG_DRAT_SYNTAX, PG_DRAT_RANGE, PG_DRAT_EOF, PG_DRAT_HEADER, PG_DRAT_LITERAL, PG_DRAT_COUNT,
  PG_DRAT_READ, PG_DRAT_WRITE, PG_DRAT_LEMMA, PG_DRAT_NO_CONFLICT, PG_DRAT_INTERNAL, PG_DRAT_TIMEOUT, PG_DRAT_MEMORY
};
enum { PG_DRAT_DETECT, PG_DRAT_TEXT, PG_DRAT_BINARY };
typedef struct pg_drat_options {
  int formula_fd, proof_fd;
  int lrat_fd, lrat_binary;
  int core_fd, trimmed_fd;
  int proof_format;
  int strict_deletions;
  double timeout;
  int64_t max_memory;
} pg_drat_options;
typedef struct pg_drat_result {
  int status, code, file, binary;
  int64_t line, offset;
  int64_t detail;
  int64_t variables, clauses, lemmas, deletions, ignored_deletions, unmatched_deletions;
  int64_t core_clauses, core_lemmas, rat_lemmas, hints, lrat_bytes;
  double parse_seconds, forward_seconds, backward_seconds, write_seconds;
  int64_t peak_bytes;
} pg_drat_result;
int pg_drat_elaborate (const pg_drat_options *options, pg_drat_result *result);
""")
ffibuilder.set_source(
    "evidence._dratc",
    '#include "drat.h"',
    sources=[f"csrc/drat/{p.name}" for p in sorted(DRAT.glob("*.c"))] + ["csrc/kernel/input.c"],
    include_dirs=["csrc/drat", "csrc/kernel"],
    extra_compile_args=["-O3", "-std=c11"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
