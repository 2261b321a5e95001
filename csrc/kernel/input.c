#include "input.h"
#include "kernel.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define BUFFER_SIZE (1 << 20)
#define MAXNUM 2147483647

/*------------------------------------------------------------------------*/
/*  Buffer                                                                */
/*------------------------------------------------------------------------*/

int input_open (input *in, int fd) {
  in->fd = fd, in->eof = in->failed = 0;
  in->buf = malloc (BUFFER_SIZE + 1);  /* + the sentinel */
  in->p = in->end = in->buf;
  if (in->buf) *in->end = 0;
  in->base = 0, in->line = 1, in->line_start = 1;
  return in->buf != 0;
}

void input_close (input *in) { free (in->buf); in->buf = 0; }

int input_refill (input *in) {
  if (in->eof) return 0;
  in->base += in->end - in->buf;
  in->p = in->end = in->buf;
  *in->end = 0;  /* the sentinel, also when nothing more comes */
  for (;;) {
    ssize_t n = read (in->fd, in->buf, BUFFER_SIZE);
    if (n > 0) { in->end = in->buf + n, *in->end = 0; return 1; }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) in->failed = 1;
    in->eof = 1;
    return 0;
  }
}

/*------------------------------------------------------------------------*/
/*  Text                                                                  */
/*------------------------------------------------------------------------*/

int text_blank (input *in) {
  while (*in->p == ' ') in->p++;  /* the common case, stopped by the sentinel at the end */
  for (;;) {
    int c = input_peek (in);
    if (c == '\n') in->line++, in->line_start = 1, in->p++;
    else if (is_blank (c)) in->p++;
    else if (c == 'c' && in->line_start)
      while ((c = input_peek (in)) >= 0 && c != '\n') in->p++;
    else {
      if (c >= 0) in->line_start = 0;
      return c;
    }
  }
}

int text_word (input *in, const char *word) {
  if (text_blank (in) < 0) return 0;
  for (; *word; word++, in->p++)
    if (input_peek (in) != *word) return 0;
  int c = input_peek (in);
  return c < 0 || is_blank (c);
}

int text_number_slow (input *in, int64_t *out) {
  int c = text_blank (in), negative = 0, big = 0;
  if (c < 0) return PG_EOF;
  if (c == '-') negative = 1, in->p++, c = input_peek (in);
  if (c < '0' || c > '9') return PG_SYNTAX;
  int64_t n = 0;
  for (;;) {  /* digits: a tight loop within the buffer, stopped by the sentinel */
    const unsigned char *p = in->p;
    while ((unsigned) (*p - '0') < 10u) {
      n = 10 * n + (*p++ - '0');
      if (n > MAXNUM) big = 1, n = MAXNUM;  /* keep scanning: a bad byte wins */
    }
    in->p = (unsigned char *) p;
    if (p < in->end || !input_refill (in)) break;
  }
  c = input_peek (in);
  if (c >= 0 && !is_blank (c)) return PG_SYNTAX;
  if (big) return PG_RANGE;
  *out = negative ? -n : n;
  return PG_OK;
}

/*------------------------------------------------------------------------*/
/*  Binary                                                                */
/*------------------------------------------------------------------------*/

int binary_number (input *in, int64_t *out, int64_t *where) {
  int64_t start = input_offset (in);
  uint64_t u = 0;
  int shift = 0, c;
  do {
    if ((c = input_peek (in)) < 0) { *where = input_offset (in); return PG_EOF; }
    in->p++;
    if (shift == 35) { *where = start; return PG_RANGE; }
    u |= (uint64_t) (c & 0x7f) << shift;
    shift += 7;
  } while (c & 0x80);
  if (u > 2u * (uint64_t) MAXNUM + 1) { *where = start; return PG_RANGE; }
  *out = (u & 1) ? -(int64_t) (u >> 1) : (int64_t) (u >> 1);
  return PG_OK;
}
