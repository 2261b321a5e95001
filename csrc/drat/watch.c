#include "engine.h"

/*------------------------------------------------------------------------*/
/*  Assignments, watches and unit propagation.  Two watched literals,     */
/*  kept at positions 0 and 1 of a clause, with a blocking literal in     */
/*  each watch.  Watches are dropped lazily: an entry whose clause is not */
/*  active, or no longer watches that literal, is removed when visited.   */
/*  Core-first propagation visits core clauses to a fixpoint before       */
/*  taking one literal's non-core watches, so conflicts tend to be found  */
/*  through clauses already needed, and the core stays small.             */
/*                                                                        */
/*  A clause whose replacement watch is true moves its watch there all    */
/*  the same: that literal is often true at the top level, where the      */
/*  clause then rests unvisited (keeping the false watch, as a CDCL       */
/*  solver may, cost parity-80 8% more instructions).                     */
/*------------------------------------------------------------------------*/

enum { ALL, CORE_ONLY, NONCORE_ONLY };

/* A variable's reason is left as it was: it is read only while the variable is assigned. */
void pg_backtrack (engine *e, size_t to) {
  int8_t *val = e->val;
  const lit_t *trail = e->trail;
  for (size_t n = e->trail_n; n > to;) {
    lit_t lit = trail[--n];
    val[lit] = val[lit ^ 1] = 0;
  }
  if (e->trail_n > to) e->trail_n = to;
}

static int grow_watches (engine *e, watches *w) {
  size_t cap = w->cap;
  watch *a = pg_grow (e, w->a, &cap, (size_t) w->n + 1, sizeof *a);
  if (!a) return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
  w->a = a, w->cap = (uint32_t) cap;
  return PG_DRAT_OK;
}

static inline int watch_lit (engine *e, lit_t lit, cref c, lit_t blocker) {
  watches *w = (FLAGS (e, c) & CORE) ? &e->core_watch[lit] : &e->watch[lit];
  if (w->n == w->cap && grow_watches (e, w)) return e->res->code;
  w->a[w->n++] = (watch) { c, blocker };
  return PG_DRAT_OK;
}

/* Better watch first: true, then unassigned, then false assigned last. */
static int64_t score (const engine *e, lit_t lit) {
  return e->val[lit] > 0 ? INT64_MAX : e->val[lit] == 0 ? INT64_MAX - 1 : (int64_t) e->pos[lit >> 1];
}

int pg_attach (engine *e, cref c) {
  uint32_t n = SIZE (e, c);
  lit_t *lits = LITS (e, c);
  if (!n) return CONFLICT;
  for (uint32_t k = 0; k < n && k < 2; k++)  /* the best two to the front */
    for (uint32_t i = k + 1; i < n; i++)
      if (score (e, lits[i]) > score (e, lits[k])) { lit_t t = lits[i]; lits[i] = lits[k], lits[k] = t; }
  if (n > 1 && (watch_lit (e, lits[0], c, lits[1]) || watch_lit (e, lits[1], c, lits[0]))) return e->res->code;
  if (e->val[lits[0]] < 0) return CONFLICT;
  if (!e->val[lits[0]] && (n == 1 || e->val[lits[1]] < 0)) pg_assign (e, lits[0], c);
  return PG_DRAT_OK;
}

int pg_add_core (engine *e, cref c) {
  FLAGS (e, c) |= CORE;  /* its non-core watches are now stale, dropped when visited */
  if (SIZE (e, c) < 2) return PG_DRAT_OK;
  lit_t *lits = LITS (e, c);
  return watch_lit (e, lits[0], c, lits[1]) || watch_lit (e, lits[1], c, lits[0]) ? e->res->code : PG_DRAT_OK;
}

/* Visit the watches of false_lit in one of its lists (core or not).  The
   arena and values are read through locals: this loop is most of the time
   spent.  After a conflict the rest of the list is kept as it is. */
static cref visit_list (engine *e, lit_t false_lit, int core) {
  watches *ws = core ? &e->core_watch[false_lit] : &e->watch[false_lit];
  watches *lists = core ? e->core_watch : e->watch;
  const int8_t *val = e->val;
  uint32_t *arena = e->arena;
  watch *w = ws->a, *end = w + ws->n, *keep = w;
  cref conflict = 0;
  e->ticks += ws->n + 1;  /* the work done, as a measure that does not depend on the machine */
  while (w < end) {
    watch x = *w++;
    if (val[x.blocker] > 0) { *keep++ = x; continue; }
    cref c = x.clause;
    uint32_t flags = arena[c];
    if (!(flags & ACTIVE) || (!core && (flags & CORE))) continue;  /* stale */
    lit_t *lits = arena + c + HEADER, other;
    if (lits[1] == false_lit) other = lits[0];
    else if (lits[0] == false_lit) other = lits[1], lits[0] = other, lits[1] = false_lit;
    else continue;  /* stale: no longer watched here */
    if (val[other] > 0) { x.blocker = other; *keep++ = x; continue; }
    uint32_t n = flags >> FLAG_BITS, k = n;
    if (n == 3) k = val[lits[2]] >= 0 ? 2 : 3;  /* the most common size: no search */
    else if (n > 3) {
      uint32_t start = arena[c + 1];  /* arena[c + 1] (LINK): where the last search stopped */
      if (start < 2 || start >= n) start = 2;
      for (uint32_t i = start; i < n; i++)
        if (val[lits[i]] >= 0) { k = i; break; }
      if (k == n)
        for (uint32_t i = 2; i < start; i++)
          if (val[lits[i]] >= 0) { k = i; break; }
    }
    if (k < n) {
      lit_t r = lits[k];
      arena[c + 1] = k;
      lits[1] = r, lits[k] = false_lit;
      watches *to = &lists[r];
      if (to->n == to->cap && grow_watches (e, to)) { conflict = c; *keep++ = x; break; }  /* out of memory: stop */
      to->a[to->n++] = (watch) { c, other };
      continue;
    }
    *keep++ = x;
    if (val[other] < 0) { conflict = c; break; }
    pg_assign (e, other, c);
  }
  while (w < end) *keep++ = *w++;
  ws->n = (uint32_t) (keep - ws->a);
  return conflict;
}

/* An empty list (most core lists: the core is a small part of the clauses) is not entered; it counts
   one tick all the same, as a visit does, so the work measure (split.c's DELAY) is unchanged. */
static inline cref visit_nonempty (engine *e, lit_t false_lit, int core) {
  if ((core ? e->core_watch : e->watch)[false_lit].n) return visit_list (e, false_lit, core);
  e->ticks++;
  return 0;
}

static inline cref visit (engine *e, lit_t false_lit, int mode) {
  cref conflict = mode == CORE_ONLY ? 0 : visit_nonempty (e, false_lit, 0);
  return conflict || mode == NONCORE_ONLY ? conflict : visit_nonempty (e, false_lit, 1);
}

cref pg_propagate (engine *e, size_t from, int core_first) {
  size_t core = from, any = from;
  cref conflict;
  if (!core_first) {
    while (any < e->trail_n)
      if ((conflict = visit (e, e->trail[any++] ^ 1, ALL))) return conflict;
    return 0;
  }
  for (;;) {
    while (core < e->trail_n)
      if ((conflict = visit (e, e->trail[core++] ^ 1, CORE_ONLY))) return conflict;
    if (any == e->trail_n) return 0;
    if ((conflict = visit (e, e->trail[any++] ^ 1, NONCORE_ONLY))) return conflict;
  }
}

cref pg_restore_closure (engine *e) {
  e->dirty = 0;
  return pg_propagate (e, 0, 0);
}
