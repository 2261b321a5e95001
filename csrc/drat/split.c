#define _GNU_SOURCE  /* sched_getaffinity */
#include "engine.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*------------------------------------------------------------------------*/
/*  The backward pass on two cores.  A (the caller's thread) checks the   */
/*  proof backward from its conflict, as ever, checking only the lemmas   */
/*  found needed.  B (a second thread, with its own copy of the clauses   */
/*  of the proof's first part) replays the proof forward from the start   */
/*  and checks every lemma it reaches, needed or not, since it cannot     */
/*  know yet.  They claim items from the two ends, one at a time under a  */
/*  lock, and meet where their work balances.  Then, reading B's hint     */
/*  records from the meeting point back to the start, a lemma of B's part */
/*  is needed when A marked it core or a needed record of B uses it; only */
/*  needed lemmas are written.  B's clause references are A's: its arena  */
/*  is a copy of a prefix of A's.                                         */
/*                                                                        */
/*  B never decides anything: a lemma B cannot check, or any trouble of   */
/*  B's, hands that item back and stops B; A then goes on down alone,     */
/*  and reports failures exactly as the one-thread pass does.  By itself  */
/*  ('auto') B runs only when the process may use a second core, the     */
/*  proof has enough items, the formula is small beside it (B copies the  */
/*  formula), and A holds under LARGE bytes: B's copy costs memory in     */
/*  proportion to its items, while the lemmas it gets, the first ones,    */
/*  are often the cheapest (chessboard-14: a quarter of the items, no     */
/*  time saved), so on large proofs memory is worth more than B.  And     */
/*  B starts only once A has visited DELAY watches going backward (work,  */
/*  not time, so the same proof splits or not on any machine): how long a */
/*  pass takes is not known from its size (barrel-64, 25k items, 2.5 M    */
/*  visits, 0.04 s; shift-add-7, 90k items, 61 M, 1 s), and a short pass  */
/*  does not repay B's start and copy (barrel-64: 25% more CPU with B).   */
/*------------------------------------------------------------------------*/

struct split {
  pthread_mutex_t lock;
  int64_t lo, hi;          /* B owns items [0, lo), A owns [hi, conflict]; each claims the next inward */
  int64_t limit;           /* B's clauses end before the lemma added at this item */
  atomic_int stop;         /* A is done, failed or out of time: B stops at its next item */
  atomic_llong bytes[2];   /* memory of A and B, limited together */
  int fixed;               /* threads 3 (tests): B owns exactly [0, limit), A waits for it; no race */
  engine *b;
  pthread_t thread;
  int running;
  size_t *starts, count, next;  /* needed records of B (log start, length), in proof order, for the writer */
};

enum { MIN_ITEMS = 20000 };  /* below this a second thread costs more than it saves */
#define PART 0.45            /* at most this share of the lemmas' words goes to B, */
#define BUDGET 0.35          /* and B costs at most this share of A's memory: */
#define COST(words, clauses) (4.0 * (double) (words) + 24.0 * (double) (clauses))  /* copy, watches */
#define LARGE 1e8            /* bytes of A: beyond, B would cost 35 MB or more for a share of cheap, early work */
#define DELAY 5000000ULL     /* watches A visits going backward before B starts ('auto'): some 0.1 s */

int64_t pg_split_bytes (engine *e) {
  split *s = e->split;
  if (!s) return e->bytes;
  atomic_store (&s->bytes[e != s->b ? 0 : 1], e->bytes);
  return atomic_load (&s->bytes[0]) + atomic_load (&s->bytes[1]);
}

void pg_split_stop (engine *e) {  /* B takes no more items (what it has done stays) */
  if (e->split) atomic_store (&e->split->stop, 1);
}

int pg_split_claim (engine *e, int64_t j) {  /* A, going down */
  split *s = e->split;
  if (!s || !s->running) return 1;
  pthread_mutex_lock (&s->lock);
  int mine = j >= (s->fixed ? s->limit : s->lo);
  if (mine) s->hi = j;
  pthread_mutex_unlock (&s->lock);
  return mine;
}

static int claim_up (split *s, int64_t j) {  /* B, going up */
  if (atomic_load (&s->stop)) return 0;
  pthread_mutex_lock (&s->lock);
  int mine = j < s->hi && j < s->limit;
  if (mine) s->lo = j + 1;
  pthread_mutex_unlock (&s->lock);
  return mine;
}

static void give_back (split *s, int64_t j) {
  pthread_mutex_lock (&s->lock);
  if (s->lo > j) s->lo = j;
  pthread_mutex_unlock (&s->lock);
}

/*------------------------------------------------------------------------*/
/*  B: the formula, then the proof forward, checking each lemma before    */
/*  adding it.  Its top level is kept closed under propagation.           */
/*------------------------------------------------------------------------*/

static int b_item (engine *b, int64_t j) {
  item *it = &b->items[j];
  cref c = it->clause;
  size_t before = b->trail_n;
  if (it->flags & DELETION) {
    if (it->flags & IGNORED) return PG_DRAT_OK;
    FLAGS (b, c) &= ~ACTIVE;
    if (!is_reason (b, c)) return PG_DRAT_OK;
    pg_backtrack (b, b->pos[LITS (b, c)[0] >> 1]);
    return pg_restore_closure (b) ? PG_DRAT_INTERNAL : b->res->code;
  }
  int r = pg_check_lemma (b, c);
  if (r) return r;
  FLAGS (b, c) |= ACTIVE;
  if (pg_attach (b, c) == CONFLICT || pg_propagate (b, before, 0)) return PG_DRAT_INTERNAL;
  return b->res->code;
}

static void *run_b (void *arg) {
  engine *b = arg;
  split *s = b->split;
  int r = PG_DRAT_OK;
  for (cref c = 2; c < b->formula_end && !r; c += HEADER + SIZE (b, c))
    if (!(FLAGS (b, c) & TAUTOLOGY) && pg_attach (b, c) == CONFLICT) r = PG_DRAT_INTERNAL;
  if (!r && (pg_propagate (b, 0, 0) || b->res->code)) r = PG_DRAT_INTERNAL;
  int64_t j = 0;
  for (; !r && claim_up (s, j); j++) {
    if ((r = b_item (b, j))) break;
    b->log_valid = pg_logged (b);
    if (!(++b->steps & 0x3ff) && pg_limits (b)) r = b->res->code;
  }
  if (r) give_back (s, j);  /* item j is A's again; B's records end before it */
  return 0;
}

/*------------------------------------------------------------------------*/
/*  Starting B: where its part ends, its copy of the clauses before that. */
/*------------------------------------------------------------------------*/

static int usable_cores (void) {  /* this process's affinity (taskset, a container), not the cores online */
  cpu_set_t set;
  if (!sched_getaffinity (0, sizeof set, &set)) return CPU_COUNT (&set);
  long n = sysconf (_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int) n : 1;
}

static int start (engine *e, int64_t hi);

/* Is a core free for B?  The 1-minute load average (this process counted) under the cores, by half a
   core; unknown, yes.  On a busy machine B only adds CPU: at load 5 on 2 cores, counter-10-400 took 50%
   more CPU with B and no less time. */
static int core_free (int cores) {
  double load;
  return getloadavg (&load, 1) != 1 || load < (double) cores - 0.5;
}

int pg_split_start (engine *e) {
  int forced = e->opt.threads == 2 || e->opt.threads == 3;
  if (e->opt.threads == 1 || (!forced && usable_cores () < 2) || e->opt.lrat_fd < 0 ||
      e->conflict_item < (forced ? 1 : MIN_ITEMS))
    return PG_DRAT_OK;
  if (!forced) {  /* 'auto': later, if the pass is long (pg_split_late) */
    e->split_after = e->ticks + DELAY;
    return PG_DRAT_OK;
  }
  return start (e, e->conflict_item + 1);
}

int pg_split_late (engine *e, int64_t j) {
  if (e->ticks < e->split_after) return PG_DRAT_OK;
  e->split_after = 0;  /* one try */
  if (e->opt.threads == 0 && !core_free (usable_cores ())) return PG_DRAT_OK;  /* 4 (tests): as if idle */
  return j >= MIN_ITEMS / 2 ? start (e, j) : PG_DRAT_OK;  /* too little left: not worth it */
}

/* B, to own items below hi (A owns [hi, conflict]). */
static int start (engine *e, int64_t hi) {
  int forced = e->opt.threads == 2 || e->opt.threads == 3;
  size_t lemma_words = e->size - e->formula_end, watched = 0;
  if (!forced && e->formula_end > lemma_words / 4) return PG_DRAT_OK;  /* B would copy too much */
  for (size_t l = 0; l < 2 * e->vars_cap; l++) watched += e->watch[l].n + e->core_watch[l].n;
  double resident = 4.0 * (double) e->size + 8.0 * (double) (e->nitems + watched);  /* A's memory, roughly */
  if (!forced && resident > LARGE) return PG_DRAT_OK;  /* memory is then the scarcer resource */
  double budget = BUDGET * resident;
  if (e->opt.max_memory > 0 && budget > (double) (e->opt.max_memory - e->bytes))  /* --max-memory holds for both */
    budget = (double) (e->opt.max_memory - e->bytes);
  budget -= COST (e->formula_end, (double) e->res->clauses);
  size_t part = e->formula_end + (size_t) (PART * (double) lemma_words);
  cref bound = (cref) e->formula_end;
  int64_t limit = hi - 1;
  for (int64_t j = 0; j < hi - 1; j++) {
    if (e->items[j].flags & DELETION) continue;
    cref c = e->items[j].clause, next = c + HEADER + SIZE (e, c);
    if ((next > part || (budget -= COST (HEADER + SIZE (e, c), 1)) < 0) && (bound > e->formula_end || !forced)) {
      limit = j;
      break;
    }
    bound = next;
  }
  if (!limit) return PG_DRAT_OK;
  split *s = calloc (1, sizeof *s);
  engine *b = calloc (1, sizeof *b);
  pg_drat_result *res = calloc (1, sizeof *res);
  uint32_t *arena = malloc ((size_t) bound * sizeof *arena);
  if (!s || !b || !res || !arena) {
    free (s), free (b), free (res), free (arena);
    return PG_DRAT_OK;  /* no memory for B: A alone */
  }
  memcpy (arena, e->arena, (size_t) bound * sizeof *arena);
  b->opt = e->opt, b->res = res, b->start = e->start, b->spill = -1, b->split = s;
  b->arena = arena, b->size = b->cap = bound, b->formula_end = e->formula_end;
  b->items = e->items, b->nitems = (size_t) limit;  /* shared, read only */
  b->bytes = (int64_t) ((size_t) bound * sizeof *arena);
  for (cref c = 2; c < bound; c += HEADER + SIZE (b, c)) {  /* as at the start of the proof */
    FLAGS (b, c) &= ~(uint32_t) (ACTIVE | CORE);
    if (c < b->formula_end) FLAGS (b, c) |= ACTIVE;
    LINK (b, c) = 0;
  }
  s->b = b, s->lo = 0, s->hi = hi, s->limit = limit, s->fixed = e->opt.threads == 3;
  e->split = s;
  if (pg_ensure_variable (b, e->variables) || pthread_mutex_init (&s->lock, 0)) return pg_split_release (e), PG_DRAT_OK;
  if (pthread_create (&s->thread, 0, run_b, b)) {
    pthread_mutex_destroy (&s->lock);
    return pg_split_release (e), PG_DRAT_OK;
  }
  s->running = 1;
  return PG_DRAT_OK;
}

/* A, its loop over: wait for B; returns where B's part ends (items below are B's). */
int64_t pg_split_join (engine *e) {
  split *s = e->split;
  if (!s || !s->running) return 0;
  if (!s->fixed || e->res->code) atomic_store (&s->stop, 1);  /* fixed: B finishes its part */
  pthread_join (s->thread, 0);
  pthread_mutex_destroy (&s->lock);
  s->running = 0;
  pg_release_solver (s->b);  /* only B's log is read from now on */
  e->res->split_items = s->lo;
  return s->lo;
}

/*------------------------------------------------------------------------*/
/*  Merging: which of B's lemmas are needed, read back from the meeting   */
/*  point; they become core in A's arena, and the writer gets their       */
/*  records in proof order.                                               */
/*------------------------------------------------------------------------*/

int pg_split_merge (engine *e) {
  split *s = e->split;
  if (!s) return PG_DRAT_OK;
  engine *b = s->b;
  size_t end = b->log_valid, n = 0, cap = 0;
  while (end) {
    const uint32_t *tail = end >= 2 ? pg_log_range (b, end - 2, 2, 0) : 0;
    if (!tail || tail[0] > end - 2) return pg_fail (e, PG_DRAT_INTERNAL, 0, 0);
    uint32_t count = tail[0];
    cref lemma = tail[1];
    size_t start = end - 2 - count;
    if (FLAGS (e, lemma) & CORE) {
      const uint32_t *h = pg_log_range (b, start, count, 0);
      if (!h) return pg_fail (e, PG_DRAT_INTERNAL, 0, 0);
      int rat = !count;  /* no hints at all: RAT with no candidate (RUP names at least its conflict) */
      for (uint32_t i = 0; i < count; i++) {
        FLAGS (e, h[i] & ~GROUP) |= CORE;
        rat |= (h[i] & GROUP) != 0;
      }
      size_t *a = pg_grow (e, s->starts, &cap, 2 * n + 2, sizeof *a);
      if (!a) return pg_fail (e, PG_DRAT_MEMORY, 0, e->bytes);
      s->starts = a, s->starts[2 * n] = start, s->starts[2 * n + 1] = count, n++;
      e->res->core_lemmas++, e->res->hints += count, e->res->rat_lemmas += rat;
    }
    end = start;
  }
  for (size_t i = 0; i < n / 2; i++)  /* into proof order */
    for (int k = 0; k < 2; k++) {
      size_t t = s->starts[2 * i + k];
      s->starts[2 * i + k] = s->starts[2 * (n - 1 - i) + k], s->starts[2 * (n - 1 - i) + k] = t;
    }
  s->count = n, s->next = 0;
  return PG_DRAT_OK;
}

/* The writer: the hints of B's next needed record, which must be this lemma's. */
int pg_split_record (engine *e, cref lemma, const uint32_t **h, uint32_t *count) {
  split *s = e->split;
  if (s->next == s->count) return 0;
  size_t start = s->starts[2 * s->next], n = s->starts[2 * s->next + 1];
  const uint32_t *r = pg_log_range (s->b, start, n + 2, 1);  /* hints, count, lemma */
  if (!r || r[n] != n || r[n + 1] != lemma) return 0;
  s->next++, *h = r, *count = (uint32_t) n;
  return 1;
}

int pg_split_active (const engine *e, int64_t j) {  /* is item j in B's part? */
  return e->split && j < e->res->split_items;
}

void pg_split_release (engine *e) {
  split *s = e->split;
  if (!s) return;
  if (s->running) pg_split_join (e);
  if (s->b) {
    s->b->items = 0;  /* A's */
    pg_release (s->b);
    free (s->b->res), free (s->b);
  }
  free (s->starts), free (s);
  e->split = 0;
}
