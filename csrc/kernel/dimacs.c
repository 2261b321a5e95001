#include "internal.h"

/*------------------------------------------------------------------------*/
/*  DIMACS CNF, strictly: 'p cnf V C', then exactly C clauses, each ended */
/*  by 0, with literals of magnitude at most V.  Clause i gets id i.      */
/*------------------------------------------------------------------------*/

static int header_number (kernel *k, int64_t *out) {
  int r = text_number (&k->in, out);
  if (r == PG_EOF || (!r && *out < 0)) return malformed (k, PG_HEADER, 0);
  return r ? malformed (k, r, 0) : PG_OK;
}

int parse_formula (kernel *k) {
  pg_result *res = k->res;
  int64_t variables, clauses, count = 0, lit;
  if (!text_word (&k->in, "p") || !text_word (&k->in, "cnf"))
    return malformed (k, PG_HEADER, 0);
  int r = header_number (k, &variables);
  if (!r) r = header_number (k, &clauses);
  if (r) return r;
  for (;;) {
    r = text_number (&k->in, &lit);
    if (r == PG_EOF) {
      if (k->lits.n) return malformed (k, PG_EOF, 0);
      if (count != clauses) {
        res->detail = count, res->detail2 = clauses;
        return malformed (k, PG_COUNT, 0);
      }
      res->variables = variables, res->clauses = clauses;
      return PG_OK;
    }
    if (r) return malformed (k, r, 0);
    if (!lit) {
      if (++count > clauses) {
        res->detail = count, res->detail2 = clauses;
        return malformed (k, PG_COUNT, 0);
      }
      k->budget += WORK * ((int64_t) k->lits.n + 1);
      if ((r = add_clause (k, count))) return r;
      k->lits.n = 0;
    } else if (lit > variables || -lit > variables) {
      res->detail = lit, res->detail2 = variables;
      return malformed (k, PG_LITERAL, 0);
    } else {
      int dense;
      if ((r = intern (k, lit, &dense)) || (r = push (k, &k->lits, dense))) return r;
    }
  }
}
