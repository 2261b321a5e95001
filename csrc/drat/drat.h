/*------------------------------------------------------------------------*/
/*  proofgate DRAT engine (UNTRUSTED): elaborates a DRAT proof to LRAT.   */
/*                                                                        */
/*  pg_drat_elaborate reads a DIMACS formula and a DRAT proof (text or    */
/*  binary) from file descriptors, checks the proof backward with         */
/*  core-first unit propagation, and writes on request an LRAT proof,     */
/*  the unsatisfiable core (DIMACS) and the trimmed proof (text DRAT).    */
/*  Nothing it says is trusted: its LRAT is checked by the kernel.        */
/*  It never exits, touches no Python object (runs without the GIL), and  */
/*  frees all it allocates.  Returns result->status.                      */
/*------------------------------------------------------------------------*/
#ifndef PG_DRAT_H
#define PG_DRAT_H

#include <stdint.h>

enum pg_drat_status { PG_DRAT_VERIFIED, PG_DRAT_REJECTED, PG_DRAT_MALFORMED, PG_DRAT_LIMIT };

enum pg_drat_code {
  PG_DRAT_OK,
  PG_DRAT_SYNTAX, PG_DRAT_RANGE, PG_DRAT_EOF, PG_DRAT_HEADER, PG_DRAT_LITERAL, PG_DRAT_COUNT,
  PG_DRAT_READ, PG_DRAT_WRITE,                       /* malformed input, or output failure */
  PG_DRAT_LEMMA, PG_DRAT_NO_CONFLICT, PG_DRAT_INTERNAL, /* rejected */
  PG_DRAT_TIMEOUT, PG_DRAT_MEMORY                    /* a limit was reached */
};

enum { PG_DRAT_DETECT, PG_DRAT_TEXT, PG_DRAT_BINARY };

typedef struct pg_drat_options {
  int formula_fd, proof_fd;
  int lrat_fd, lrat_binary;   /* lrat_fd -1: no LRAT */
  int core_fd, trimmed_fd;    /* -1: not wanted */
  int proof_format;           /* PG_DRAT_DETECT, _TEXT or _BINARY */
  int strict_deletions;       /* honour deletions of unit (reason) clauses */
  double timeout;             /* seconds; 0: none */
  int64_t max_memory;         /* bytes; 0: none */
  int threads;                /* 0: a second thread for large proofs when a core is free; 1: one; 2: two if any work;
                                 3 (tests): two, the second taking exactly the first part, whatever the scheduler does;
                                 4 (tests): as 0, but taking the machine's load for nil */
} pg_drat_options;

typedef struct pg_drat_result {
  int status, code, file, binary;
  int64_t line, offset;       /* where: the lemma that fails, or the bad token */
  int64_t detail;
  int64_t variables, clauses, lemmas, deletions, ignored_deletions, unmatched_deletions;
  int64_t core_clauses, core_lemmas, rat_lemmas, hints, lrat_bytes;
  double parse_seconds, forward_seconds, backward_seconds, write_seconds;
  int64_t peak_bytes;
  int64_t split_items;        /* items the second thread took (the proof's first ones), 0 if none */
} pg_drat_result;

int pg_drat_elaborate (const pg_drat_options *options, pg_drat_result *result);

#endif
