/*------------------------------------------------------------------------*/
/*  proofgate trusted kernel, C twin: LRAT checking.                      */
/*                                                                        */
/*  pg_check_lrat reads a DIMACS CNF formula from 'formula_fd' and an     */
/*  LRAT proof from 'proof_fd' (binary when its first byte is 'a' or 'd', */
/*  text otherwise), each to end of file or to the first error, and fills */
/*  'result'.  Its answer is, field for field, the answer of the Python   */
/*  reference kernel (checker/lrat.py), whose docstring states the rules. */
/*  It touches no Python object (it runs without the GIL), never exits,   */
/*  never writes, and frees everything it allocated.  It returns status.  */
/*------------------------------------------------------------------------*/
#ifndef PG_KERNEL_H
#define PG_KERNEL_H

#include <stdint.h>

enum pg_status { PG_VERIFIED, PG_REJECTED, PG_MALFORMED };

/* The order is that of CODES in checker/verdict.py. */
enum pg_code {
  PG_OK,
  PG_SYNTAX, PG_RANGE, PG_EOF, PG_HEADER, PG_LITERAL, PG_COUNT, PG_ID,
  PG_MEMORY, PG_READ, PG_BUDGET,                      /* malformed: status 2 */
  PG_ID_ORDER, PG_HINT_DEAD, PG_HINT_NOT_UNIT, PG_NO_CONFLICT,
  PG_RAT_EMPTY, PG_RAT_CANDIDATE, PG_RAT_MISSING, PG_RAT_NO_CONFLICT,
  PG_DELETE_DEAD, PG_NO_EMPTY_CLAUSE                  /* rejected: status 1 */
};

typedef struct pg_result {
  int status, code;
  int file;        /* 0: the formula, 1: the proof */
  int binary;      /* the proof is binary LRAT */
  int64_t line;    /* text position (1-based), or 0 */
  int64_t offset;  /* binary position (byte offset), or -1 */
  int64_t step, detail, detail2;
  int64_t variables, clauses, steps, additions, deletions, hints, peak_live;
} pg_result;

int pg_check_lrat (int formula_fd, int proof_fd, pg_result *result);

/* sha256 of the C kernel's sources, fixed when the module is built. */
const char *pg_kernel_digest (void);

#endif
