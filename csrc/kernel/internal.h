/*------------------------------------------------------------------------*/
/*  The kernel's state, shared by dimacs.c (the formula), clauses.c (the  */
/*  clause store) and lrat.c (the proof).                                 */
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

#define WORK 64            /* literals that hints and candidates may look at: a number read, */
#define ALLOWANCE 1000000  /* and once (checker/lrat.py) */

typedef struct ints { int *a; size_t n, cap; } ints;
typedef struct table { uint32_t *slot; uint64_t seed, used; int bits; } table;  /* table.c */

typedef struct kernel {
  pg_result *res;
  input in;
  uint32_t *arena; int64_t arena_size, arena_cap, garbage;  /* clauses: id, size, literal codes */
  uint32_t *direct; table ids;     /* id -> arena offset of its size, live clauses only: below */
                                   /* DIRECT by index (only touched pages cost), above by hash */
  table vars; ints var_of;         /* variable -> dense index i (literals 2i, 2i+1); var_of[i - 1] */
  uint64_t *mask; int64_t mask_cap; uint64_t stamp;
  ints *occurs; int occurs_built;  /* per literal: ids holding it, from the first RAT step */
  ints lits, hints;                /* the step being read */
  size_t groups;                   /* its negative hints: RAT groups */
  int64_t last, live, budget;      /* budget: ALLOWANCE + WORK a number read - literals looked at */
  int empty;
  int64_t step, step_line, step_offset;
} kernel;

static inline uint32_t code (int lit) {  /* literal -> index: 2v, 2v+1 */
  return lit > 0 ? 2u * (uint32_t) lit : 2u * (uint32_t) -(int64_t) lit + 1u;
}

int grow_ints (kernel *, ints *);
int table_open (kernel *, table *);
static inline uint64_t table_home (const table *t, uint32_t key) { return (t->seed * (key + 1ull)) >> (64 - t->bits); }
static inline uint32_t *table_find (const table *t, const uint32_t *keys, uint32_t key) {  /* its slot, or an empty one */
  uint64_t mask = ((uint64_t) 1 << t->bits) - 1, i = table_home (t, key);
  while (t->slot[i] && keys[t->slot[i] - 1] != key) i = (i + 1) & mask;
  return t->slot + i;
}
int table_insert (kernel *, table *, const uint32_t *keys, uint32_t key, uint32_t value);
void table_remove (table *, const uint32_t *keys, uint32_t *slot);
int intern (kernel *, int64_t lit, int *dense);  /* a literal as its dense index, signed */

static inline int push (kernel *k, ints *v, int x) {
  if (v->n == v->cap && grow_ints (k, v)) return PG_MEMORY;
  v->a[v->n++] = x;
  return PG_OK;
}

int add_clause (kernel *, int64_t id);  /* adds k->lits */
int store_clause (kernel *, int64_t id);
void delete_clause (kernel *, int64_t id);
int grow (kernel *, void **array, int64_t *cap, int64_t need, size_t size);

/* A live clause as { size, literal codes... }, or 0. */
#define DIRECT (1 << 20)
static inline uint32_t *id_slot (const kernel *k, uint32_t id) {
  return id < DIRECT ? k->direct + id : table_find (&k->ids, k->arena, id);
}
static inline const uint32_t *live (const kernel *k, int64_t id) {
  uint32_t at = id > 0 ? *id_slot (k, (uint32_t) id) : 0;
  return at ? k->arena + at : 0;
}
int malformed (kernel *, int code, int64_t offset);
int parse_formula (kernel *);

#endif
