#include "internal.h"

#include <stdlib.h>
#include <string.h>

/*------------------------------------------------------------------------*/
/*  The clause store: one arena of ints holding, per clause, its id, its  */
/*  size and its literal codes, in the order added (so in increasing id   */
/*  order); 'ids' maps a live id to the offset of its size (table.c).     */
/*  Deletion leaves garbage, which is                                     */
/*  compacted away (one pass over the arena, keeping the order) before    */
/*  the arena would grow while garbage is at least half of it: memory     */
/*  stays proportional to the live clauses, and the cost is amortized     */
/*  linear.  Offsets are 32 bits: at most 2^32 ints of live clauses.      */
/*------------------------------------------------------------------------*/

static void compact (kernel *k) {
  int64_t to = 1;
  for (int64_t from = 1; from < k->arena_size;) {
    int64_t id = k->arena[from], length = 2 + k->arena[from + 1];
    uint32_t *at = id_slot (k, (uint32_t) id);  /* clauses not yet moved are intact */
    if (*at == from + 1) {
      memmove (k->arena + to, k->arena + from, (size_t) length * sizeof *k->arena);
      *at = (uint32_t) (to + 1);
      to += length;
    }
    from += length;
  }
  k->arena_size = to, k->garbage = 0;
}

static int grow_arena (kernel *k, int64_t need) {  /* realloc: no copy kept beside it */
  if (need <= k->arena_cap) return PG_OK;
  int64_t n = k->arena_cap ? 2 * k->arena_cap : 1 << 16;
  while (n < need) n *= 2;
  uint32_t *arena = realloc (k->arena, (size_t) n * sizeof *arena);
  if (!arena) return malformed (k, PG_MEMORY, -1);
  k->arena = arena, k->arena_cap = n;
  return PG_OK;
}

int store_clause (kernel *k, int64_t id) {
  int64_t n = (int64_t) k->lits.n, need = k->arena_size + n + 2;
  if (need > k->arena_cap && 2 * k->garbage >= k->arena_size) {
    compact (k);
    need = k->arena_size + n + 2;
  }
  if (!k->arena_size) k->arena_size = 1, need++;  /* offset 0 means 'not live' */
  if (need > UINT32_MAX) return malformed (k, PG_MEMORY, -1);
  int r = grow_arena (k, need);
  if (r) return r;
  uint32_t *c = k->arena + k->arena_size;
  c[0] = (uint32_t) id, c[1] = (uint32_t) n;
  for (int64_t i = 0; i < n; i++) c[2 + i] = code (k->lits.a[i]);
  if (id < DIRECT) k->direct[id] = (uint32_t) (k->arena_size + 1);
  else if ((r = table_insert (k, &k->ids, k->arena, (uint32_t) id, (uint32_t) (k->arena_size + 1)))) return r;
  k->arena_size = need;
  return PG_OK;
}

void delete_clause (kernel *k, int64_t id) {
  uint32_t *at = id_slot (k, (uint32_t) id);
  k->garbage += 2 + k->arena[*at];
  if (id < DIRECT) *at = 0;
  else table_remove (&k->ids, k->arena, at);
}

/*  Variables get dense indices as they first appear, so the assignment   */
/*  and the occurrence lists follow the variables used, not their size.  */

int intern (kernel *k, int64_t lit, int *dense) {
  uint32_t v = (uint32_t) (lit < 0 ? -lit : lit), index = *table_find (&k->vars, (uint32_t *) k->var_of.a, v);
  if (!index) {
    int64_t need = 2 * (int64_t) k->var_of.n + 4, cap = k->mask_cap;
    int r = push (k, &k->var_of, (int) v);
    if (!r) r = grow (k, (void **) &k->mask, &k->mask_cap, need, sizeof *k->mask);
    if (!r && k->occurs_built) r = grow (k, (void **) &k->occurs, &cap, need, sizeof *k->occurs);
    index = (uint32_t) k->var_of.n;
    if (r || (r = table_insert (k, &k->vars, (uint32_t *) k->var_of.a, v, index))) return r;
  }
  *dense = lit < 0 ? -(int) index : (int) index;
  return PG_OK;
}
