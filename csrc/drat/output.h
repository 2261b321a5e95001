/*------------------------------------------------------------------------*/
/*  Buffered writing to a file descriptor, with fast number formatting.   */
/*  Errors stick: 'failed' is set and later writes do nothing.            */
/*------------------------------------------------------------------------*/
#ifndef PG_OUTPUT_H
#define PG_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct output {
  int fd, failed;
  size_t n;
  int64_t bytes;
  char buf[1 << 16];
} output;

void out_init (output *, int fd);
void out_flush (output *);
void out_char (output *, char);
void out_int (output *, int64_t);        /* decimal, then a space */

/* binary: 2|x| + sign, 7 bits a byte; inline, since the LRAT writer calls it for every number */
static inline void out_varint (output *o, int64_t x) {
  uint64_t u = 2 * (uint64_t) (x < 0 ? -x : x) + (x < 0);
  if (o->n + 10 > sizeof o->buf) out_flush (o);
  while (u > 127) o->buf[o->n++] = (char) ((u & 127) | 128), u >>= 7;
  o->buf[o->n++] = (char) u;
}

#endif
