#include "engine.h"
#include "output.h"

#include <stdlib.h>

/*------------------------------------------------------------------------*/
/*  Trimmed proof writer: the core lemmas and the deletions of written    */
/*  clauses, in proof order, as text DRAT, ending with the empty clause.  */
/*------------------------------------------------------------------------*/

static void clause (output *o, engine *e, cref c, lit_t first) {
  if (first) out_int (o, (first & 1) ? -(int64_t) (first >> 1) : (int64_t) (first >> 1));
  for (uint32_t i = 0; i < SIZE (e, c); i++) {
    lit_t l = LITS (e, c)[i];
    if (l != first) out_int (o, (l & 1) ? -(int64_t) (l >> 1) : (int64_t) (l >> 1));
  }
  out_char (o, '0'), out_char (o, '\n');
}

int pg_write_trimmed (engine *e) {
  output *o = malloc (sizeof *o);
  if (!o) return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
  out_init (o, e->opt.trimmed_fd);
  for (int64_t j = 0; j <= e->conflict_item; j++) {
    item *it = &e->items[j];
    cref c = it->clause;
    int core = (FLAGS (e, c) & CORE) != 0;
    if (!(it->flags & DELETION)) {
      if (core) clause (o, e, c, PIVOT (e, c));
    } else if (!(it->flags & IGNORED) && (c < e->formula_end || core)) {
      out_char (o, 'd'), out_char (o, ' ');
      clause (o, e, c, 0);
    }
  }
  out_char (o, '0'), out_char (o, '\n');
  out_flush (o);
  int failed = o->failed;
  free (o);
  return failed ? pg_fail (e, PG_DRAT_WRITE, 0, 0) : PG_DRAT_OK;
}
