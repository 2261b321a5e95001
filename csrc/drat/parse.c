#include "engine.h"

#include <stdlib.h>

/*------------------------------------------------------------------------*/
/*  Parsing: the formula (strict DIMACS), then the DRAT proof, text or    */
/*  binary.  Each clause is read into e->lits as distinct literal codes   */
/*  (duplicates dropped, the first literal kept first: it is the RAT      */
/*  pivot); a deletion is matched to a live clause with the same          */
/*  literals.  The lexers are the kernel's (csrc/kernel/input.c).         */
/*------------------------------------------------------------------------*/

static int text_fail (engine *e, int code) { return pg_fail (e, code, e->in.line, 0); }

static int lexer_code (int r) {
  return r == PG_SYNTAX ? PG_DRAT_SYNTAX : r == PG_RANGE ? PG_DRAT_RANGE : PG_DRAT_EOF;
}

/* Add literal x to e->lits; returns 1 if it makes the clause a tautology. */
static int add_literal (engine *e, int64_t x, int *tautology) {
  uint32_t var = (uint32_t) (x < 0 ? -x : x);
  if (pg_ensure_variable (e, var)) return 1;
  lit_t lit = 2 * var + (x < 0);
  if (e->val[lit ^ 1]) *tautology = 1;
  if (e->val[lit]) return 0;
  e->val[lit] = 1;
  return pg_push (e, &e->lits, lit) != PG_DRAT_OK;
}

static void clear_literals (engine *e) {
  for (size_t i = 0; i < e->lits.n; i++) e->val[e->lits.a[i]] = 0;
}

static int parse_formula (engine *e) {
  int64_t variables = 0, clauses = 0, count = 0, x;
  int r, tautology = 0;
  if (!text_word (&e->in, "p") || !text_word (&e->in, "cnf")) return text_fail (e, PG_DRAT_HEADER);
  r = text_number (&e->in, &variables);
  if (!r) r = text_number (&e->in, &clauses);
  if (r == PG_SYNTAX || r == PG_RANGE) return text_fail (e, lexer_code (r));
  if (r || variables < 0 || clauses < 0) return text_fail (e, PG_DRAT_HEADER);
  e->res->variables = variables, e->res->clauses = clauses;  /* arrays grow with the literals seen */
  for (e->lits.n = 0;;) {
    r = text_number (&e->in, &x);
    if (r == PG_EOF) {
      if (e->lits.n) return text_fail (e, PG_DRAT_EOF);
      if (count != clauses) return e->res->detail = count, text_fail (e, PG_DRAT_COUNT);
      e->formula_end = e->size;
      return PG_DRAT_OK;
    }
    if (r) return text_fail (e, lexer_code (r));
    if (x > variables || -x > variables) return e->res->detail = x, text_fail (e, PG_DRAT_LITERAL);
    if (x) {
      if (add_literal (e, x, &tautology)) return e->res->code;
      continue;
    }
    if (++count > clauses) return e->res->detail = count, text_fail (e, PG_DRAT_COUNT);
    clear_literals (e);
    cref c;
    if (pg_new_clause (e, &e->lits, ACTIVE | (tautology ? TAUTOLOGY : 0), &c)) return e->res->code;
    e->lits.n = 0, tautology = 0;
  }
}

/* One proof step into e->lits; *deletion set.  Returns 1 at the end of the proof. */
static int text_step (engine *e, int *deletion, int *tautology, int64_t *where) {
  int c = text_blank (&e->in);
  if (c < 0) return 1;
  *where = e->in.line;
  if ((*deletion = c == 'd')) {
    e->in.p++;
    c = input_peek (&e->in);
    if (c >= 0 && !is_blank (c)) return text_fail (e, PG_DRAT_SYNTAX), -1;
  }
  for (int64_t x;;) {
    int r = text_number (&e->in, &x);
    if (r) return text_fail (e, lexer_code (r)), -1;
    if (!x) return 0;
    if (add_literal (e, x, tautology)) return -1;
  }
}

static int binary_step (engine *e, int *deletion, int *tautology, int64_t *where) {
  *where = input_offset (&e->in);
  int c = input_peek (&e->in);
  if (c < 0) return 1;
  e->in.p++;
  if (c != 'a' && c != 'd') return pg_fail (e, PG_DRAT_SYNTAX, *where, c), -1;
  *deletion = c == 'd';
  for (int64_t x, at;;) {
    int r = binary_number (&e->in, &x, &at);
    if (r) return pg_fail (e, lexer_code (r), at, 0), -1;
    if (!x) return 0;
    if (add_literal (e, x, tautology)) return -1;
  }
}

/* As drat-trim: binary when the first byte is 'a', or one of the first few
   bytes is neither printable ASCII nor white space. */
static int detect_binary (engine *e) {
  if (e->opt.proof_format != PG_DRAT_DETECT) return e->opt.proof_format == PG_DRAT_BINARY;
  if (input_peek (&e->in) < 0) return 0;
  const unsigned char *p = e->in.p, *end = e->in.end;
  if (*p == 'a') return 1;
  for (int i = 0; i < 16 && p < end; i++, p++)
    if ((*p < 32 && !is_blank (*p)) || *p > 126) return 1;
  return 0;
}

static int parse_proof (engine *e) {
  int binary = e->res->binary = detect_binary (e);
  for (;;) {
    int deletion = 0, tautology = 0;
    int64_t where;
    e->lits.n = 0;
    int r = binary ? binary_step (e, &deletion, &tautology, &where) : text_step (e, &deletion, &tautology, &where);
    clear_literals (e);
    if (r > 0) return PG_DRAT_OK;
    if (r < 0) return e->res->code;
    if (deletion) {
      cref c = pg_find_clause (e, &e->lits);
      if (!c) { e->res->unmatched_deletions++; continue; }  /* as drat-trim: ignored */
      pg_unlink_clause (e, c);
      e->res->deletions++;
      if (pg_add_item (e, c, DELETION, where)) return e->res->code;
    } else if (!tautology) {  /* a tautology is never needed, so it is dropped */
      cref c;
      e->res->lemmas++;
      if (pg_new_clause (e, &e->lits, LEMMA, &c) || pg_add_item (e, c, 0, where)) return e->res->code;
    }
    if (!(++e->steps & 0xffff) && pg_limits (e)) return e->res->code;
  }
}

static int read_file (engine *e, int fd, int (*parse) (engine *)) {
  if (!input_open (&e->in, fd)) return pg_fail (e, PG_DRAT_MEMORY, 0, 0);
  int r = parse (e);
  if (!r && e->in.failed) r = pg_fail (e, PG_DRAT_READ, 0, 0);
  input_close (&e->in);
  return r;
}

int pg_parse (engine *e) {
  e->res->file = 0;
  int r = read_file (e, e->opt.formula_fd, parse_formula);
  if (!r) e->res->file = 1, r = read_file (e, e->opt.proof_fd, parse_proof);
  free (e->buckets), e->buckets = 0, e->nbuckets = 0;  /* matching is done: LINK is free */
  for (cref c = 2; c < e->size; c += HEADER + SIZE (e, c)) LINK (e, c) = 0;
  return r;
}
