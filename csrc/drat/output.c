#include "output.h"

#include <errno.h>
#include <unistd.h>

void out_init (output *o, int fd) { o->fd = fd, o->failed = 0, o->n = 0, o->bytes = 0; }

void out_flush (output *o) {
  const char *p = o->buf;
  while (o->n && !o->failed) {
    ssize_t w = write (o->fd, p, o->n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) { o->failed = 1; break; }
    p += w, o->n -= (size_t) w, o->bytes += w;
  }
  o->n = 0;
}

static void room (output *o, size_t need) {
  if (o->n + need > sizeof o->buf) out_flush (o);
}

void out_char (output *o, char c) {
  room (o, 1);
  o->buf[o->n++] = c;
}

void out_int (output *o, int64_t x) {
  char digits[24];
  int n = 0;
  uint64_t u = x < 0 ? (uint64_t) -x : (uint64_t) x;
  do digits[n++] = (char) ('0' + u % 10), u /= 10;
  while (u);
  room (o, (size_t) n + 2);
  if (x < 0) o->buf[o->n++] = '-';
  while (n) o->buf[o->n++] = digits[--n];
  o->buf[o->n++] = ' ';
}
