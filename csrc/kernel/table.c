#define _DEFAULT_SOURCE  /* getentropy */
#include "internal.h"

#include <stdlib.h>
#include <unistd.h>

/*------------------------------------------------------------------------*/
/*  Hash tables from a number (clause id, variable) to a value > 0 (the   */
/*  clause's arena offset, the variable's dense index), so memory follows */
/*  what is stored, never the size of the numbers.  The key of value v   */
/*  is keys[v - 1] (the id before the clause's size; var_of[index - 1]). */
/*  Open addressing, linear probing, at most half full, deletion by       */
/*  backward shift (no tombstones), halved when under 1/8 full.  The      */
/*  hash is multiply-shift with a random odd multiplier drawn per check,  */
/*  so no input can choose its collisions: expected O(1) a lookup.  The   */
/*  verdict never depends on the multiplier, only the time does.          */
/*------------------------------------------------------------------------*/

#define MIN_BITS 10

static int resize (table *t, const uint32_t *keys, int bits) {  /* 0 if done; else t is unchanged */
  table fresh = { calloc ((size_t) 1 << bits, sizeof *t->slot), t->seed, t->used, bits };
  if (!fresh.slot) return 1;
  if (t->slot)
    for (uint64_t i = 0; i < (uint64_t) 1 << t->bits; i++)
      if (t->slot[i]) *table_find (&fresh, keys, keys[t->slot[i] - 1]) = t->slot[i];
  free (t->slot);
  *t = fresh;
  return PG_OK;
}

int table_open (kernel *k, table *t) {
  if (getentropy (&t->seed, sizeof t->seed)) t->seed = 0x9e3779b97f4a7c15u;
  t->seed |= 1, t->used = 0, t->slot = 0;
  return resize (t, 0, MIN_BITS) ? malformed (k, PG_MEMORY, -1) : PG_OK;
}

int table_insert (kernel *k, table *t, const uint32_t *keys, uint32_t key, uint32_t value) {
  if (2 * (t->used + 1) > (uint64_t) 1 << t->bits && resize (t, keys, t->bits + 1))
    return malformed (k, PG_MEMORY, -1);
  *table_find (t, keys, key) = value;
  t->used++;
  return PG_OK;
}

void table_remove (table *t, const uint32_t *keys, uint32_t *s) {
  uint64_t mask = ((uint64_t) 1 << t->bits) - 1, i = (uint64_t) (s - t->slot), j = i;
  while (t->slot[j = (j + 1) & mask]) {  /* move back an entry whose home is not in (i, j] */
    uint64_t h = table_home (t, keys[t->slot[j] - 1]);
    if (i < j ? h <= i || h > j : h <= i && h > j) t->slot[i] = t->slot[j], i = j;
  }
  t->slot[i] = 0;
  if (8 * --t->used < (uint64_t) 1 << t->bits && t->bits > MIN_BITS) (void) resize (t, keys, t->bits - 1);  /* else stays larger */
}
