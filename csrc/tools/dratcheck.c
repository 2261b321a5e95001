/*------------------------------------------------------------------------*/
/*  Standalone driver for the DRAT engine (sanitizer builds, fuzzing,     */
/*  benchmarks): dratcheck FORMULA PROOF [LRAT] [--binary-lrat]           */
/*  [--strict] [--core FILE] [--trimmed FILE] [--threads 0|1|2].          */
/*  Prints the result fields.                                             */
/*  Not the product: `proofgate check` also runs the kernel.              */
/*------------------------------------------------------------------------*/
#include "drat.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main (int argc, char **argv) {
  pg_drat_options o = { -1, -1, -1, 0, -1, -1, PG_DRAT_DETECT, 0, 0, 0, 0 };
  const char *files[3] = { 0, 0, 0 };
  int nfiles = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp (argv[i], "--binary-lrat")) o.lrat_binary = 1;
    else if (!strcmp (argv[i], "--strict")) o.strict_deletions = 1;
    else if (!strcmp (argv[i], "--threads") && i + 1 < argc) o.threads = atoi (argv[++i]);
    else if (!strcmp (argv[i], "--core") && i + 1 < argc) o.core_fd = open (argv[++i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    else if (!strcmp (argv[i], "--trimmed") && i + 1 < argc) o.trimmed_fd = open (argv[++i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    else if (nfiles < 3) files[nfiles++] = argv[i];
  }
  if (nfiles < 2) { fprintf (stderr, "usage: dratcheck FORMULA PROOF [LRAT] [options]\n"); return 2; }
  o.formula_fd = open (files[0], O_RDONLY), o.proof_fd = open (files[1], O_RDONLY);
  if (files[2]) o.lrat_fd = open (files[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (o.formula_fd < 0 || o.proof_fd < 0) { perror ("dratcheck: open"); return 2; }
  pg_drat_result r;
  pg_drat_elaborate (&o, &r);
  printf ("detail %lld status %d code %d file %d line %lld offset %lld lemmas %lld core %lld rat %lld deletions %lld "
          "ignored %lld hints %lld lrat %lld peak %lld MB split %lld; parse %.3f forward %.3f backward %.3f write %.3f s\n",
          (long long) r.detail, r.status, r.code, r.file, (long long) r.line, (long long) r.offset, (long long) r.lemmas,
          (long long) r.core_lemmas, (long long) r.rat_lemmas, (long long) r.deletions,
          (long long) r.ignored_deletions, (long long) r.hints, (long long) r.lrat_bytes,
          (long long) (r.peak_bytes >> 20), (long long) r.split_items, r.parse_seconds, r.forward_seconds, r.backward_seconds, r.write_seconds);
  return r.status;
}
