#include "engine.h"
#include "output.h"

#include <stdlib.h>

/*------------------------------------------------------------------------*/
/*  LRAT writer (text or binary).  Formula clauses keep ids 1..C; core    */
/*  lemmas get the next ids in proof order.  Hint records were appended   */
/*  backward, so read from the end they come in proof order.  Deletions   */
/*  of written clauses are written where the DRAT proof made them.        */
/*------------------------------------------------------------------------*/

static void number_clauses (engine *e, uint32_t *next) {
  uint32_t id = 1;
  for (cref c = 2; c < e->formula_end; c += HEADER + SIZE (e, c)) LINK (e, c) = id++;
  for (int64_t j = 0; j <= e->conflict_item; j++) {
    cref c = e->items[j].clause;
    if (!(e->items[j].flags & DELETION) && (FLAGS (e, c) & CORE)) LINK (e, c) = id++;
  }
  *next = id;
}

static int written (engine *e, cref c) { return c < e->formula_end || (FLAGS (e, c) & CORE); }

static void step (output *o, int binary, int64_t x) {
  if (binary) out_varint (o, x);
  else out_int (o, x);
}

static void end_line (output *o, int binary) {
  if (binary) out_varint (o, 0);
  else out_char (o, '0'), out_char (o, '\n');
}

/* Write the step with this id: the lemma (0: the empty clause), then its hints. */
static void write_step (engine *e, output *o, int binary, uint32_t id, cref lemma, const uint32_t *h, uint32_t count) {
  if (binary) out_char (o, 'a');
  step (o, binary, id);
  if (lemma) {
    lit_t pivot = PIVOT (e, lemma);
    step (o, binary, (pivot & 1) ? -(int64_t) (pivot >> 1) : (int64_t) (pivot >> 1));
    for (uint32_t i = 0; i < SIZE (e, lemma); i++) {
      lit_t l = LITS (e, lemma)[i];
      if (l != pivot) step (o, binary, (l & 1) ? -(int64_t) (l >> 1) : (int64_t) (l >> 1));
    }
  }
  step (o, binary, 0);  /* one step a line (docs/LRAT.md): cake_lpr reads line by line */
  for (uint32_t i = 0; i < count; i++)
    step (o, binary, (h[i] & GROUP) ? -(int64_t) LINK (e, h[i] & ~GROUP) : (int64_t) LINK (e, h[i]));
  end_line (o, binary);
}

/* The hints of the record that ends at *end of this engine's log (read backward), for this lemma. */
static int record (engine *e, cref lemma, size_t *end, const uint32_t **h, uint32_t *count) {
  const uint32_t *tail = *end >= 2 ? pg_log_range (e, *end - 2, 2, 0) : 0;
  if (!tail || tail[1] != lemma || tail[0] > *end - 2) return 0;
  *count = tail[0];
  *end -= 2 + (size_t) *count;
  return (*h = pg_log_range (e, *end, *count, 0)) != 0;
}

int pg_write_lrat (engine *e) {
  output *o = malloc (sizeof *o);
  if (!o) return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
  int binary = e->opt.lrat_binary;
  uint32_t next, last;
  number_clauses (e, &next);
  last = (uint32_t) e->res->clauses;
  out_init (o, e->opt.lrat_fd);
  size_t end = pg_logged (e);
  int deleting = 0;
  for (int64_t j = 0; j <= e->conflict_item; j++) {
    item *it = &e->items[j];
    cref c = it->clause;
    if (it->flags & DELETION) {
      if ((it->flags & IGNORED) || !written (e, c)) continue;
      if (!deleting) {
        if (binary) out_char (o, 'd');
        else out_int (o, last), out_char (o, 'd'), out_char (o, ' ');
        deleting = 1;
      }
      step (o, binary, LINK (e, c));
      continue;
    }
    if (!(FLAGS (e, c) & CORE)) continue;
    if (deleting) end_line (o, binary), deleting = 0;
    last = LINK (e, c);
    const uint32_t *h;  /* the proof's first lemmas may have been checked by the other thread (split.c) */
    uint32_t count;
    if (!(pg_split_active (e, j) ? pg_split_record (e, c, &h, &count) : record (e, c, &end, &h, &count))) {
      free (o);
      return pg_fail (e, PG_DRAT_INTERNAL, it->where, 0);
    }
    write_step (e, o, binary, last, c, h, count);
  }
  if (deleting) end_line (o, binary);
  const uint32_t *h;
  uint32_t count;
  int ok = record (e, 0, &end, &h, &count);
  if (ok) write_step (e, o, binary, next, 0, h, count);
  out_flush (o);
  e->res->lrat_bytes = o->bytes;
  int failed = o->failed;
  free (o);
  if (!ok) return pg_fail (e, PG_DRAT_INTERNAL, 0, 0);
  return failed ? pg_fail (e, PG_DRAT_WRITE, 0, 0) : PG_DRAT_OK;
}
