#include "engine.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*------------------------------------------------------------------------*/
/*  The engine's entry point: parse, forward, backward, write.            */
/*------------------------------------------------------------------------*/

static int status_of (int code) {
  if (code == PG_DRAT_OK) return PG_DRAT_VERIFIED;
  if (code == PG_DRAT_TIMEOUT || code == PG_DRAT_MEMORY) return PG_DRAT_LIMIT;
  if (code >= PG_DRAT_LEMMA) return PG_DRAT_REJECTED;
  return PG_DRAT_MALFORMED;
}

int pg_drat_elaborate (const pg_drat_options *options, pg_drat_result *res) {
  engine *e = calloc (1, sizeof *e);
  memset (res, 0, sizeof *res);
  res->offset = -1;
  if (!e) return res->code = PG_DRAT_MEMORY, res->status = PG_DRAT_LIMIT;
  e->opt = *options, e->res = res, e->spill = -1;
  clock_gettime (CLOCK_MONOTONIC, &e->start);
  int r = pg_parse (e);
  res->parse_seconds = pg_seconds (e);
  if (!r) r = pg_forward (e);
  res->forward_seconds = pg_seconds (e) - res->parse_seconds;
  if (!r) r = pg_split_start (e);
  if (!r) r = pg_backward (e);
  res->backward_seconds = pg_seconds (e) - res->parse_seconds - res->forward_seconds;
  double before = pg_seconds (e);
  if (!r && e->opt.lrat_fd >= 0) r = pg_write_lrat (e);
  if (!r && e->opt.core_fd >= 0) r = pg_write_core (e);
  if (!r && e->opt.trimmed_fd >= 0) r = pg_write_trimmed (e);
  res->write_seconds = pg_seconds (e) - before;
  pg_split_release (e);
  pg_release (e);
  free (e);
  res->code = r;
  res->status = status_of (r);
  return res->status;
}
