#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*------------------------------------------------------------------------*/
/*  The hint log.  The backward pass appends the LRAT hints of each       */
/*  lemma; the writer needs them in the opposite order, so they are kept  */
/*  until the end.  Past a few MB they go to an unlinked temporary file   */
/*  (page cache, not our memory) and are read back through a window.      */
/*  The log is one array: entries [0, spilled) in the file, the rest in   */
/*  e->hints.                                                             */
/*------------------------------------------------------------------------*/

static int spill (engine *e) {
  if (e->spill < 0) {
    FILE *f = tmpfile ();
    if (!f || (e->spill = dup (fileno (f))) < 0) return pg_fail (e, PG_DRAT_WRITE, 0, 0);
    fclose (f);
  }
  const char *p = (const char *) e->hints.a;
  size_t left = e->hints.n * sizeof *e->hints.a;
  while (left) {
    ssize_t w = write (e->spill, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return pg_fail (e, PG_DRAT_WRITE, 0, 0);
    p += w, left -= (size_t) w;
  }
  e->spilled += e->hints.n, e->hints.n = 0;
  return PG_DRAT_OK;
}

int pg_log_spill (engine *e, uint32_t x) {
  return spill (e) ? e->res->code : pg_push (e, &e->hints, x);
}

static int read_at (int fd, uint32_t *to, size_t n, size_t at) {
  char *p = (char *) to;
  size_t left = n * sizeof *to;
  off_t offset = (off_t) (at * sizeof *to);
  while (left) {
    ssize_t r = pread (fd, p, left, offset);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    p += r, left -= (size_t) r, offset += r;
  }
  return 1;
}

const uint32_t *pg_log_range (engine *e, size_t start, size_t n, int forward) {
  if (start >= e->spilled) return e->hints.a + (start - e->spilled);
  if (start >= e->window_start && start + n <= e->window_start + e->window.n)
    return e->window.a + (start - e->window_start);
  size_t size = n > LOG_KEEP ? n : LOG_KEEP, end = start + n, logged = pg_logged (e);
  size_t from = end > size ? end - size : 0;  /* a window ending here: reading backward */
  if (forward)  /* or one starting here */
    from = start, end = start + size < logged ? start + size : logged;
  uint32_t *a = pg_grow (e, e->window.a, &e->window.cap, size, sizeof *a);
  if (!a) return 0;
  e->window.a = a, e->window_start = from, e->window.n = end - from;
  size_t in_file = (end < e->spilled ? end : e->spilled) - from;
  if (!read_at (e->spill, a, in_file, from)) return e->window.n = 0, (const uint32_t *) 0;
  memcpy (a + in_file, e->hints.a, (end - from - in_file) * sizeof *a);
  return a + (start - from);
}
