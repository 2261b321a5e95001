#include "engine.h"

/*------------------------------------------------------------------------*/
/*  Forward pass: add the formula, then replay the proof with top-level   */
/*  unit propagation until it conflicts.  That point ends the proof: the  */
/*  backward pass starts there.  Deleting a clause that is the reason of  */
/*  a top-level literal is ignored by default (as drat-trim does); with   */
/*  strict deletions it is honoured and the trail rebuilt.                */
/*------------------------------------------------------------------------*/

static int conflict_at (engine *e, int64_t item, cref conflict) {
  e->conflict_item = item, e->final_conflict = conflict;
  return PG_DRAT_OK;
}

int pg_forward (engine *e) {
  for (cref c = 2; c < e->formula_end; c += HEADER + SIZE (e, c)) {
    if (FLAGS (e, c) & TAUTOLOGY) continue;
    if (pg_attach (e, c) == CONFLICT) return conflict_at (e, -1, c);
    if (e->res->code) return e->res->code;
  }
  cref k = pg_propagate (e, 0, 0);
  if (e->res->code) return e->res->code;
  if (k) return conflict_at (e, -1, k);
  for (size_t j = 0; j < e->nitems; j++) {
    item *it = &e->items[j];
    cref c = it->clause;
    size_t before = e->trail_n;
    if (it->flags & DELETION) {
      if (!is_reason (e, c)) { FLAGS (e, c) &= ~ACTIVE; continue; }
      if (!e->opt.strict_deletions) { it->flags |= IGNORED, e->res->ignored_deletions++; continue; }
      FLAGS (e, c) &= ~ACTIVE;
      pg_backtrack (e, e->pos[LITS (e, c)[0] >> 1]);
      if ((k = pg_restore_closure (e))) return pg_fail (e, PG_DRAT_INTERNAL, it->where, 0);
    } else {
      FLAGS (e, c) |= ACTIVE;
      if (pg_attach (e, c) == CONFLICT) return conflict_at (e, (int64_t) j, c);
      if ((k = pg_propagate (e, before, 0))) return conflict_at (e, (int64_t) j, k);
    }
    if (e->res->code) return e->res->code;
    if (!(++e->steps & 0x3fff) && pg_limits (e)) return e->res->code;
  }
  return pg_fail (e, PG_DRAT_NO_CONFLICT, 0, 0);
}
