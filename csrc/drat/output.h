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
void out_varint (output *, int64_t);     /* binary: 2|x| + sign, 7 bits a byte */

#endif
