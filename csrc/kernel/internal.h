/*------------------------------------------------------------------------*/
/*  The kernel's state, shared by dimacs.c (the formula) and lrat.c       */
/*  (the proof).  Clauses are kept by id in 'table' (NULL: not live).     */
/*  'mask' holds, per literal, the stamp of the step that made it false: */
/*  a literal is false when its stamp is the step's or the RAT group's,   */
/*  so nothing is ever unassigned.                                        */
/*------------------------------------------------------------------------*/
#ifndef PG_INTERNAL_H
#define PG_INTERNAL_H

#include "input.h"
#include "kernel.h"

#include <stddef.h>
#include <stdint.h>

typedef struct clause { int size; int lits[]; } clause;
typedef struct ints { int *a; size_t n, cap; } ints;

typedef struct kernel {
  pg_result *res;
  input in;
  clause **table; int64_t table_cap;
  uint64_t *mask; int64_t mask_cap; uint64_t stamp;
  ints *occurs; int occurs_built;  /* per literal: ids holding it, from the first RAT step */
  ints lits, hints;                /* the step being read */
  int64_t last, live;
  int empty;
  int64_t step, step_line, step_offset;
} kernel;

static inline uint32_t code (int lit) {  /* literal -> index: 2v, 2v+1 */
  return lit > 0 ? 2u * (uint32_t) lit : 2u * (uint32_t) -(int64_t) lit + 1u;
}

int grow_ints (kernel *, ints *);
int grow_literals (kernel *, int lit);

static inline int push (kernel *k, ints *v, int x) {
  if (v->n == v->cap && grow_ints (k, v)) return PG_MEMORY;
  v->a[v->n++] = x;
  return PG_OK;
}

static inline int ensure_literal (kernel *k, int lit) {
  return 2 * (int64_t) (lit < 0 ? -(int64_t) lit : lit) + 2 <= k->mask_cap ? PG_OK : grow_literals (k, lit);
}
int add_clause (kernel *, int64_t id);  /* adds k->lits */
int malformed (kernel *, int code, int64_t offset);
int parse_formula (kernel *);

#endif
