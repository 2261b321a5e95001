/*------------------------------------------------------------------------*/
/*  Buffered reading of a file descriptor, and the two lexers.            */
/*                                                                        */
/*  Text: tokens are separated by blanks (space, \t, \n, \v, \f, \r); a   */
/*  line whose first token starts with 'c' is a comment; numbers are      */
/*  -?[0-9]+ of magnitude at most 2^31-1 and end at a blank or end of     */
/*  file.  Binary: variable-length numbers, 7 bits a byte, low bits       */
/*  first, sign in bit 0, at most 5 bytes.  As checker/syntax.py.         */
/*------------------------------------------------------------------------*/
#ifndef PG_INPUT_H
#define PG_INPUT_H

#include <stdint.h>

typedef struct input {
  int fd, eof, failed;          /* 'failed': a read error, seen as end of file */
  unsigned char *buf, *p, *end;
  int64_t base;                 /* stream offset of buf[0] */
  int64_t line;                 /* 1 + newlines consumed */
  int line_start;               /* no token yet on this line */
} input;

int input_open (input *, int fd);
void input_close (input *);
int input_refill (input *);

static inline int input_peek (input *in) {
  if (in->p == in->end && !input_refill (in)) return -1;
  return *in->p;
}

static inline int64_t input_offset (const input *in) {
  return in->base + (in->p - in->buf);
}

static inline int is_blank (int c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int text_blank (input *);                /* next byte after blanks and comments, or -1 */
int text_word (input *, const char *);   /* 1 if the next token is exactly this word */
int text_number_slow (input *, int64_t *);

/* PG_OK, PG_EOF, PG_SYNTAX or PG_RANGE.  The common case inline: spaces,
   at most 10 digits, then a blank inside the buffer (the '\0' sentinel
   after the data is no blank); anything else takes the general path. */
static inline int text_number (input *in, int64_t *out) {
  const unsigned char *p = in->p;
  while (*p == ' ') p++;
  int negative = *p == '-';
  p += negative;
  const unsigned char *first = p;
  int64_t n = 0;
  while ((unsigned) (*p - '0') < 10u && p - first < 10) n = 10 * n + (*p++ - '0');
  if (p == first || !is_blank (*p) || n > 2147483647) return text_number_slow (in, out);
  in->p = (unsigned char *) p, in->line_start = 0;
  *out = negative ? -n : n;
  return 0;
}
int binary_number (input *, int64_t *, int64_t *where);

#endif
