#include "engine.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*------------------------------------------------------------------------*/
/*  Failures, memory and time                                             */
/*------------------------------------------------------------------------*/

int pg_fail (engine *e, int code, int64_t where, int64_t detail) {
  pg_drat_result *r = e->res;
  r->code = code, r->detail = detail;
  if (r->binary && r->file) r->offset = where;
  else r->line = where;
  return code;
}

double pg_seconds (engine *e) {
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (double) (now.tv_sec - e->start.tv_sec) + 1e-9 * (double) (now.tv_nsec - e->start.tv_nsec);
}

int pg_limits (engine *e) {  /* polled every so often by the long loops */
  if (e->opt.timeout > 0 && pg_seconds (e) > e->opt.timeout) return pg_fail (e, PG_DRAT_TIMEOUT, 0, 0);
  if (e->opt.max_memory > 0 && e->bytes > e->opt.max_memory) return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
  if (e->opt.max_memory > 0 && pg_split_bytes (e) > e->opt.max_memory) pg_split_stop (e);  /* B gives way */
  return PG_DRAT_OK;
}

void *pg_grow (engine *e, void *array, size_t *cap, size_t need, size_t size) {
  return pg_grow_zeroed (e, array, cap, need, size, 0);
}

void *pg_grow_zeroed (engine *e, void *array, size_t *cap, size_t need, size_t size, int zero) {
  if (need <= *cap) return array;
  size_t n = *cap ? *cap : 4;  /* small: a large formula has many literals with few watches each */
  while (n < need) n *= 2;
  void *fresh;
  if (zero) {  /* calloc's fresh pages are resident only once written: unused variables cost nothing */
    if (!(fresh = calloc (n, size))) return 0;
    if (array) memcpy (fresh, array, *cap * size);
    free (array);
  } else if (!(fresh = realloc (array, n * size)))
    return 0;
  e->bytes += (int64_t) ((n - *cap) * size);
  if (e->bytes > e->res->peak_bytes) e->res->peak_bytes = e->bytes;
  *cap = n;
  return fresh;
}

int pg_grow_u32s (engine *e, u32s *v) {
  uint32_t *a = pg_grow (e, v->a, &v->cap, v->n + 1, sizeof *a);
  if (!a) return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
  v->a = a;
  return PG_DRAT_OK;
}

int pg_grow_variables (engine *e, uint32_t var) {
  size_t need = (size_t) var + 1, old = e->vars_cap, n = old, lits = 2 * old;
  void *p;
  if (!(p = pg_grow_zeroed (e, e->reason, &n, need, sizeof *e->reason, 1))) goto oom;
  e->reason = p, n = old;
  if (!(p = pg_grow_zeroed (e, e->pos, &n, need, sizeof *e->pos, 1))) goto oom;
  e->pos = p, n = old;
  if (!(p = pg_grow_zeroed (e, e->mark, &n, need, sizeof *e->mark, 1))) goto oom;
  e->mark = p, n = old;
  if (!(p = pg_grow_zeroed (e, e->leaf, &n, need, sizeof *e->leaf, 1))) goto oom;
  e->leaf = p, n = old;
  if (!(p = pg_grow_zeroed (e, e->trail, &n, need, sizeof *e->trail, 0))) goto oom;
  e->trail = p;
  if (!(p = pg_grow_zeroed (e, e->val, &lits, 2 * n, sizeof *e->val, 1))) goto oom;
  e->val = p, lits = 2 * old;
  if (!(p = pg_grow_zeroed (e, e->watch, &lits, 2 * n, sizeof *e->watch, 1))) goto oom;
  e->watch = p, lits = 2 * old;
  if (!(p = pg_grow_zeroed (e, e->core_watch, &lits, 2 * n, sizeof *e->core_watch, 1))) goto oom;
  e->core_watch = p;
  e->vars_cap = n;  /* every per-variable array holds n, every per-literal one 2n */
  return PG_DRAT_OK;
oom:
  return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
}

/*------------------------------------------------------------------------*/
/*  Clauses, and matching a deletion to a clause by its literals          */
/*------------------------------------------------------------------------*/

static uint64_t hash_lits (const uint32_t *lits, size_t n) {  /* order-independent */
  uint64_t sum = 0, xored = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t x = lits[i] * 0x9E3779B97F4A7C15ull;
    sum += x, xored ^= x >> 17;
  }
  return sum ^ (xored * 0xBF58476D1CE4E5B9ull) ^ n;
}

static int rehash (engine *e) {
  size_t n = e->nbuckets ? 2 * e->nbuckets : 1 << 16;
  cref *b = calloc (n, sizeof *b);
  if (!b) return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
  for (size_t i = 0; i < e->nbuckets; i++)
    for (cref c = e->buckets[i], next; c; c = next) {
      next = LINK (e, c);
      size_t h = hash_lits (LITS (e, c), SIZE (e, c)) & (n - 1);
      LINK (e, c) = b[h], b[h] = c;
    }
  e->bytes += (int64_t) ((n - e->nbuckets) * sizeof *b);
  free (e->buckets);
  e->buckets = b, e->nbuckets = n;
  return PG_DRAT_OK;
}

int pg_new_clause (engine *e, const u32s *lits, uint32_t flags, cref *out) {
  size_t need = e->size + HEADER + lits->n;
  if (!e->size) e->size = 2, need += 2;  /* references 0 and 1 mean 'no reason' and 'assumed' */
  if (need > (size_t) 1 << 30 || lits->n > MAX_SIZE)  /* items hold 30 bits; sizes 28 */
    return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
  uint32_t *a = pg_grow (e, e->arena, &e->cap, need, sizeof *a);
  if (!a) return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
  e->arena = a;
  cref c = (cref) e->size;
  FLAGS (e, c) = (uint32_t) lits->n << FLAG_BITS | flags, PIVOT (e, c) = lits->n ? lits->a[0] : 0;
  memcpy (LITS (e, c), lits->a, lits->n * sizeof *lits->a);
  e->size = need;
  if (flags & TAUTOLOGY) return LINK (e, c) = 0, *out = c, PG_DRAT_OK;
  if (e->nbuckets < (size_t) e->res->clauses + e->res->lemmas && rehash (e)) return e->res->code;
  size_t h = hash_lits (lits->a, lits->n) & (e->nbuckets - 1);
  LINK (e, c) = e->buckets[h], e->buckets[h] = c;
  *out = c;
  return PG_DRAT_OK;
}

cref pg_find_clause (engine *e, const u32s *lits) {  /* lits are distinct */
  if (!e->nbuckets) return 0;
  for (size_t i = 0; i < lits->n; i++) e->val[lits->a[i]] = 1;
  cref found = 0;
  for (cref c = e->buckets[hash_lits (lits->a, lits->n) & (e->nbuckets - 1)]; c && !found; c = LINK (e, c)) {
    if (SIZE (e, c) != lits->n) continue;
    uint32_t i = 0;
    while (i < lits->n && e->val[LITS (e, c)[i]]) i++;
    if (i == lits->n) found = c;
  }
  for (size_t i = 0; i < lits->n; i++) e->val[lits->a[i]] = 0;
  return found;
}

void pg_unlink_clause (engine *e, cref c) {
  cref *p = &e->buckets[hash_lits (LITS (e, c), SIZE (e, c)) & (e->nbuckets - 1)];
  while (*p != c) p = &LINK (e, *p);
  *p = LINK (e, c);
}

int pg_add_item (engine *e, cref c, uint32_t flags, int64_t where) {
  item *a = pg_grow (e, e->items, &e->items_cap, e->nitems + 1, sizeof *a);
  if (!a) return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
  e->items = a;
  a[e->nitems++] = (item) { c, flags, where > UINT32_MAX ? UINT32_MAX : (uint32_t) where };
  return PG_DRAT_OK;
}

/* All but the hint log and the proof's items: what a finished second thread no longer needs. */
void pg_release_solver (engine *e) {
  for (size_t l = 0; l < 2 * e->vars_cap; l++) free (e->watch[l].a), free (e->core_watch[l].a);
  free (e->watch), free (e->core_watch), free (e->val), free (e->reason), free (e->pos), free (e->mark), free (e->leaf);
  free (e->trail), free (e->arena), free (e->lits.a), free (e->seen.a), free (e->occurs_start), free (e->occurs);
  e->watch = e->core_watch = 0, e->val = 0, e->reason = e->pos = e->mark = e->leaf = e->trail = 0, e->vars_cap = 0;
  e->arena = 0, e->lits = e->seen = (u32s) { 0, 0, 0 }, e->occurs_start = 0, e->occurs = 0;
}

void pg_release (engine *e) {
  pg_release_solver (e);
  free (e->items), free (e->buckets), free (e->hints.a), free (e->window.a);
  if (e->spill >= 0) close (e->spill);
}
