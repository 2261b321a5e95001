#include "engine.h"

#include <stdlib.h>

/*------------------------------------------------------------------------*/
/*  Backward pass: undo the proof from its conflict to its start; check   */
/*  each lemma found needed (core) against the clauses before it, by RUP  */
/*  with core-first propagation, else by RAT on its first literal.  Each  */
/*  check's conflict is analysed into the chain of clauses it used, each  */
/*  after those that make it unit: the LRAT hints.  Those clauses become  */
/*  core in turn.                                                         */
/*                                                                        */
/*  Hint records are appended to e->hints as [hints..., count, lemma];    */
/*  a RAT group starts with GROUP | candidate.  The first record is the   */
/*  final conflict's (lemma 0).  With a second thread (split.c) the pass  */
/*  stops where that thread, coming forward, has got to.                  */
/*------------------------------------------------------------------------*/

#define EMIT 0x80000000u  /* on the analysis stack: this variable's antecedents are done */

static int push_antecedents (engine *e, cref c, uint32_t stamp) {
  for (uint32_t i = 0, size = SIZE (e, c); i < size; i++) {
    uint32_t v = LITS (e, c)[i] >> 1;
    if (e->mark[v] == stamp || e->leaf[v] == e->leaf_stamp) continue;
    if (pg_push (e, &e->seen, v)) return e->res->code;
  }
  return PG_DRAT_OK;
}

/* Append the clauses that derive the conflict, then the conflict itself;
   all become core.  The order is a depth-first post-order of the
   implication graph: a reason comes after the reasons of all its other
   literals, so each clause is unit when the kernel meets it (no sorting
   by trail position needed).  A variable is marked when expanded, not when
   pushed, so it may be pushed twice; the second copy is skipped.  Leaves
   (stamp e->leaf_stamp) are the variables the kernel will assume false:
   they are not explained. */
static int analyze (engine *e, cref conflict) {
  uint32_t stamp = ++e->stamp;
  size_t n = 0;
  e->seen.n = 0;
  if (push_antecedents (e, conflict, stamp)) return e->res->code;
  while (e->seen.n) {
    uint32_t top = e->seen.a[e->seen.n - 1];
    if (top & EMIT) {
      e->seen.n--, n++;
      cref c = e->reason[top & ~EMIT];
      if (pg_make_core (e, c) || pg_log (e, c)) return e->res->code;
      continue;
    }
    cref reason = e->reason[top];
    if (e->mark[top] == stamp || reason <= ASSUMED) { e->seen.n--; continue; }
    e->mark[top] = stamp;
    e->seen.a[e->seen.n - 1] = top | EMIT;
    if (push_antecedents (e, reason, stamp)) return e->res->code;
  }
  if (pg_make_core (e, conflict)) return e->res->code;
  e->res->hints += (int64_t) n + 1;
  return pg_log (e, conflict);
}

/*------------------------------------------------------------------------*/
/*  Assume the lemma false (its variables become leaves).  Returns the    */
/*  clause of a conflict if one is found at once or by propagation.       */
/*------------------------------------------------------------------------*/

static void mark_leaves (engine *e, cref lemma) {
  e->leaf_stamp++;
  for (uint32_t i = 0; i < SIZE (e, lemma); i++) e->leaf[LITS (e, lemma)[i] >> 1] = e->leaf_stamp;
}

static cref assume_negation (engine *e, cref lemma) {
  const lit_t *lits = LITS (e, lemma);
  uint32_t n = SIZE (e, lemma);
  mark_leaves (e, lemma);
  size_t level = e->trail_n;
  for (uint32_t i = 0; i < n; i++) {
    if (e->val[lits[i]] > 0) return e->reason[lits[i] >> 1];  /* true already: its reason conflicts */
    if (!e->val[lits[i]]) pg_assign (e, lits[i] ^ 1, ASSUMED);
  }
  return pg_propagate (e, level, 1);
}

/*------------------------------------------------------------------------*/
/*  RAT on the pivot: every active clause with the negated pivot (from    */
/*  its occurrence list, in arena = LRAT id order) gets a group.  The     */
/*  kernel sees a candidate's other literals made false in order, and     */
/*  calls it blocked when one is true by assumption; a literal true by    */
/*  propagation is instead the conflict of its reason.                    */
/*------------------------------------------------------------------------*/

static int rat (engine *e, cref lemma) {  /* with the lemma assumed false */
  lit_t negated = PIVOT (e, lemma) ^ 1;
  size_t level = e->trail_n;
  if (!SIZE (e, lemma)) return PG_DRAT_LEMMA;
  if (!e->occurs && pg_build_occurrences (e)) return e->res->code;
  for (size_t k = e->occurs_start[negated]; k < e->occurs_start[negated + 1]; k++) {
    cref d = e->occurs[k];
    if (d >= lemma) break;  /* the rest: lemmas not yet added */
    if (!(FLAGS (e, d) & ACTIVE)) continue;
    const lit_t *lits = LITS (e, d);
    uint32_t n = SIZE (e, d), i;
    if (pg_make_core (e, d) || pg_log (e, GROUP | d)) return e->res->code;
    cref conflict = 0;
    int blocked = 0;
    mark_leaves (e, lemma);
    for (i = 0; i < n && !conflict && !blocked; i++) {
      lit_t l = lits[i];
      if (l == negated || e->val[l] < 0) continue;
      e->leaf[l >> 1] = e->leaf_stamp;
      if (e->val[l] == 0) pg_assign (e, l ^ 1, ASSUMED);
      else if (e->reason[l >> 1] == ASSUMED) blocked = 1;
      else conflict = e->reason[l >> 1];
    }
    if (!blocked && !conflict) conflict = pg_propagate (e, level, 1);
    if (e->res->code) return e->res->code;
    if (!blocked && !conflict) return PG_DRAT_LEMMA;
    if (!blocked && analyze (e, conflict)) return e->res->code;
    pg_backtrack (e, level);
  }
  e->res->rat_lemmas++;
  return PG_DRAT_OK;
}

int pg_check_lemma (engine *e, cref lemma) {
  size_t start = pg_logged (e);
  for (;;) {
    size_t top = e->trail_n;
    cref conflict = assume_negation (e, lemma);
    int r = e->res->code;
    if (!r && conflict) r = analyze (e, conflict);
    else if (!r && e->dirty) {  /* the top level may lack units: rebuild it, then try again */
      pg_backtrack (e, top);
      if (pg_restore_closure (e)) return PG_DRAT_INTERNAL;
      continue;
    } else if (!r)
      r = rat (e, lemma);
    pg_backtrack (e, top);
    if (r) return r;
    if (pg_log (e, (uint32_t) (pg_logged (e) - start)) || pg_log (e, lemma)) return e->res->code;
    return PG_DRAT_OK;
  }
}

/* Undo item j: a deletion comes back, a lemma goes (and is checked if core). */
static int undo_item (engine *e, int64_t j) {
  item *it = &e->items[j];
  cref c = it->clause;
  if (it->flags & DELETION) {
    if (it->flags & IGNORED) return PG_DRAT_OK;
    size_t before = e->trail_n;
    FLAGS (e, c) |= ACTIVE;
    if (pg_attach (e, c) == CONFLICT || pg_propagate (e, before, 0)) return pg_fail (e, PG_DRAT_INTERNAL, it->where, 0);
  } else {
    FLAGS (e, c) &= ~ACTIVE;
    if (is_reason (e, c)) pg_backtrack (e, e->pos[LITS (e, c)[0] >> 1]), e->dirty = 1;
    if (FLAGS (e, c) & CORE) {
      e->res->core_lemmas++;
      int r = pg_check_lemma (e, c);
      if (r == PG_DRAT_LEMMA || r == PG_DRAT_INTERNAL) return pg_fail (e, r, it->where, 0);
    }
  }
  if (e->res->code) return e->res->code;
  if (!(++e->steps & 0x3ff) && pg_limits (e)) return e->res->code;
  return PG_DRAT_OK;
}

int pg_backward (engine *e) {
  e->leaf_stamp++;  /* the final conflict assumes nothing */
  if (analyze (e, e->final_conflict) || pg_log (e, (uint32_t) pg_logged (e)) || pg_log (e, 0))
    return e->res->code;
  int64_t j = e->conflict_item;
  for (; j >= 0 && pg_split_claim (e, j); j--) {
    if (undo_item (e, j)) return e->res->code;
    if (e->split_after > 0 && !(j & 0xff) && pg_split_late (e, j)) return e->res->code;
  }
  if (!e->split) return PG_DRAT_OK;
  for (int64_t below = pg_split_join (e); j >= below; j--)  /* what the other thread gave back */
    if (undo_item (e, j)) return e->res->code;
  return pg_split_merge (e);
}
