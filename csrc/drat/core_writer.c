#include "engine.h"
#include "output.h"

#include <stdlib.h>

/*------------------------------------------------------------------------*/
/*  Unsatisfiable core writer: the formula clauses the proof used, as     */
/*  DIMACS (the header keeps the formula's variables).                    */
/*------------------------------------------------------------------------*/

int pg_write_core (engine *e) {
  output *o = malloc (sizeof *o);
  if (!o) return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
  int64_t count = 0;
  for (cref c = 2; c < e->formula_end; c += HEADER + SIZE (e, c)) count += (FLAGS (e, c) & CORE) != 0;
  e->res->core_clauses = count;
  out_init (o, e->opt.core_fd);
  out_char (o, 'p'), out_char (o, ' '), out_char (o, 'c'), out_char (o, 'n'), out_char (o, 'f'), out_char (o, ' ');
  out_int (o, e->res->variables), out_int (o, count), out_char (o, '\n');
  for (cref c = 2; c < e->formula_end; c += HEADER + SIZE (e, c)) {
    if (!(FLAGS (e, c) & CORE)) continue;
    for (uint32_t i = 0; i < SIZE (e, c); i++) {
      lit_t l = LITS (e, c)[i];
      out_int (o, (l & 1) ? -(int64_t) (l >> 1) : (int64_t) (l >> 1));
    }
    out_char (o, '0'), out_char (o, '\n');
  }
  out_flush (o);
  int failed = o->failed;
  free (o);
  return failed ? pg_fail (e, PG_DRAT_WRITE, 0, 0) : PG_DRAT_OK;
}
