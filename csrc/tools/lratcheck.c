/*------------------------------------------------------------------------*/
/*  A standalone driver for the kernel (sanitizer builds and fuzzing):    */
/*  lratcheck FORMULA PROOF prints the result fields and exits with the   */
/*  status (0 verified, 1 rejected, 2 malformed).  Not the product: the   */
/*  product is `proofgate check`.                                         */
/*------------------------------------------------------------------------*/
#include "kernel.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main (int argc, char **argv) {
  if (argc != 3) { fprintf (stderr, "usage: lratcheck FORMULA PROOF\n"); return 2; }
  int f = open (argv[1], O_RDONLY), p = open (argv[2], O_RDONLY);
  if (f < 0 || p < 0) { perror ("lratcheck: open"); return 2; }
  pg_result r;
  pg_check_lrat (f, p, &r);
  printf ("status %d code %d file %d line %lld offset %lld step %lld detail %lld %lld "
          "steps %lld hints %lld peak %lld\n", r.status, r.code, r.file, (long long) r.line,
          (long long) r.offset, (long long) r.step, (long long) r.detail, (long long) r.detail2,
          (long long) r.steps, (long long) r.hints, (long long) r.peak_live);
  close (f), close (p);
  return r.status;
}
