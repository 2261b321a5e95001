#define _POSIX_C_SOURCE 200809L
/*------------------------------------------------------------------------*/
/*  The DRAT engine's state (untrusted).  Literals are codes: 2v for v,  */
/*  2v+1 for -v, so a negation is 'lit ^ 1'.  Clauses live in one arena:  */
/*  a clause reference is the offset of its header, then its literals.   */
/*  Proof items (additions and deletions) are kept in order, with the     */
/*  position (line, or byte offset) where each was read.                  */
/*------------------------------------------------------------------------*/
#ifndef PG_DRAT_ENGINE_H
#define PG_DRAT_ENGINE_H

#include "drat.h"
#include "input.h"
#include "kernel.h"  /* the lexers' codes */

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef uint32_t lit_t;
typedef uint32_t cref;

enum { HEADER = 3 };  /* size and flags, link (hash chain; then where a watch search stopped; then LRAT id), pivot */
enum { NO_REASON = 0, ASSUMED = 1 };       /* reasons that are no clause (refs start at 2) */
enum { ACTIVE = 1, CORE = 2, LEMMA = 4, TAUTOLOGY = 8 };  /* the low FLAG_BITS of a clause's first word */
enum { FLAG_BITS = 4, MAX_SIZE = (1u << (32 - FLAG_BITS)) - 1 };
enum { DELETION = 1, IGNORED = 2 };        /* item flags */
enum { CONFLICT = -1 };

/* The first word holds size << FLAG_BITS | flags: FLAGS is that word, to be read and set through
   the flag masks only (a bigger header made large formulas cost more than drat-trim). */
#define SIZE(e, c) ((e)->arena[(c)] >> FLAG_BITS)
#define FLAGS(e, c) ((e)->arena[(c)])
#define LINK(e, c) ((e)->arena[(c) + 1])
#define PIVOT(e, c) ((e)->arena[(c) + 2])
#define LITS(e, c) ((e)->arena + (c) + HEADER)

#define GROUP 0x80000000u  /* in a hint record: a RAT group starts, for this candidate */

typedef struct split split;  /* split.c */

typedef struct item { uint32_t clause : 30, flags : 2; uint32_t where; } item;  /* where: line or offset, capped */
typedef struct watch { cref clause; lit_t blocker; } watch;
typedef struct watches { watch *a; uint32_t n, cap; } watches;
typedef struct u32s { uint32_t *a; size_t n, cap; } u32s;

typedef struct engine {
  pg_drat_options opt;
  pg_drat_result *res;
  input in;
  struct timespec start;
  int64_t bytes, steps;            /* memory in use (ours); work done, to poll the clock */

  uint32_t *arena; size_t size, cap;
  item *items; size_t nitems, items_cap;
  cref *buckets; size_t nbuckets;  /* deletion matching by content */
  uint32_t variables;              /* largest variable seen */
  size_t formula_end;              /* arena size after the formula */

  int8_t *val;                     /* per literal: 1 true, -1 false, 0 unassigned */
  watches *watch, *core_watch;     /* per literal: non-core and core clauses watching it */
  cref *reason;                    /* per variable */
  uint32_t *pos, *mark, *leaf;     /* per variable: trail position; analysis and leaf stamps */
  uint32_t stamp, leaf_stamp;      /* leaves: the variables a check assumes false (its clause's) */
  lit_t *trail; size_t trail_n, trail_cap;
  size_t vars_cap;                 /* per-variable arrays hold this many */
  int dirty;                       /* the top-level trail may miss implied units */

  u32s lits, seen;                 /* scratch; seen: the analysis stack */
  u32s hints;                      /* hint records (backward order): the tail in memory, */
  int spill;                       /* the rest in this unlinked temporary file (-1: none), */
  size_t spilled;                  /* this many entries of it */
  u32s window; size_t window_start;   /* reading them back */
  size_t *occurs_start;            /* per literal: where its clauses start in 'occurs' (built for RAT) */
  cref *occurs;                    /* the clauses holding each literal, in arena (= LRAT id) order */
  int64_t conflict_item;           /* the item at which propagation first conflicts (-1: the formula) */
  split *split;                    /* the backward pass shared with a second thread (split.c) */
  uint64_t ticks;                  /* watches visited (watch.c): the work done so far */
  uint64_t split_after;            /* 'auto': start it once ticks pass this (0: no more) */
  size_t log_valid;                /* that thread's log holds whole records up to here */
  cref final_conflict;
} engine;

/* store.c */
int pg_fail (engine *, int code, int64_t where, int64_t detail);
void *pg_grow (engine *, void *array, size_t *cap, size_t need, size_t size);
void *pg_grow_zeroed (engine *, void *array, size_t *cap, size_t need, size_t size, int zero);
int pg_grow_u32s (engine *, u32s *);       /* room for one more */
int pg_limits (engine *);
double pg_seconds (engine *);
int pg_grow_variables (engine *, uint32_t var);
static inline int pg_push (engine *e, u32s *v, uint32_t x) {  /* inline: the analysis and the hint log push a lot */
  if (v->n == v->cap && pg_grow_u32s (e, v)) return e->res->code;
  v->a[v->n++] = x;
  return PG_DRAT_OK;
}
static inline int pg_ensure_variable (engine *e, uint32_t var) {
  if (var > e->variables) e->variables = var;
  return var < e->vars_cap ? PG_DRAT_OK : pg_grow_variables (e, var);
}
int pg_new_clause (engine *, const u32s *lits, uint32_t flags, cref *out);
cref pg_find_clause (engine *, const u32s *lits);
void pg_unlink_clause (engine *, cref);
int pg_add_item (engine *, cref, uint32_t flags, int64_t where);

/* parse.c */
int pg_parse (engine *);

/* watch.c */
static inline void pg_assign (engine *e, lit_t lit, cref reason) {
  uint32_t v = lit >> 1;
  e->val[lit] = 1, e->val[lit ^ 1] = -1;
  e->reason[v] = reason, e->pos[v] = (uint32_t) e->trail_n;
  e->trail[e->trail_n++] = lit;
}
void pg_backtrack (engine *, size_t to);
int pg_attach (engine *, cref);           /* watch it; propagate if unit; CONFLICT if false */
int pg_add_core (engine *, cref);         /* mark it core; it moves to the core watches */
static inline int pg_make_core (engine *e, cref c) {  /* the analysis meets core clauses most */
  return (FLAGS (e, c) & CORE) ? PG_DRAT_OK : pg_add_core (e, c);
}
cref pg_propagate (engine *, size_t from, int core_first);
cref pg_restore_closure (engine *);
static inline int is_reason (const engine *e, cref c) {
  lit_t l = LITS (e, c)[0];
  return SIZE (e, c) && e->val[l] > 0 && e->reason[l >> 1] == c;
}

/* hints.c: the hint log, written backward, read back from its end */
enum { LOG_KEEP = 1 << 18 };  /* entries held in memory before spilling (1 MB: two threads may hold one each) */
int pg_log_spill (engine *, uint32_t);   /* the log is full in memory: spill it, then log */
static inline int pg_log (engine *e, uint32_t x) {
  if (e->opt.lrat_fd < 0) return PG_DRAT_OK;  /* nobody will read it */
  return e->hints.n == LOG_KEEP ? pg_log_spill (e, x) : pg_push (e, &e->hints, x);
}
static inline size_t pg_logged (const engine *e) { return e->spilled + e->hints.n; }
const uint32_t *pg_log_range (engine *, size_t start, size_t n, int forward);  /* how it will be read on */

/* occurs.c: occurrence lists over the whole arena, made at the first RAT check */
int pg_build_occurrences (engine *);

/* forward.c, backward.c */
int pg_forward (engine *);
int pg_backward (engine *);
int pg_check_lemma (engine *, cref);     /* RUP, else RAT, against the active clauses; logs its record */

/* split.c: a second thread checks the proof's first lemmas forward while this one goes backward */
int pg_split_start (engine *);                /* before the backward pass; 'auto' only arms pg_split_late */
int pg_split_late (engine *, int64_t item);   /* 'auto', A about to go below item: start B if A has taken long */
int pg_split_claim (engine *, int64_t item);  /* may this (the backward) thread do this item? */
int64_t pg_split_join (engine *);             /* wait for the other; items below the result are its */
int pg_split_merge (engine *);                /* its needed lemmas become core here */
int pg_split_active (const engine *, int64_t item);
int pg_split_record (engine *, cref lemma, const uint32_t **hints, uint32_t *count);
int64_t pg_split_bytes (engine *);            /* both threads' memory */
void pg_split_stop (engine *);                /* over the memory limit together: the other thread stops */
void pg_split_release (engine *);
void pg_release (engine *);                   /* free all an engine holds */
void pg_release_solver (engine *);            /* all but its hint log and the proof's items */

/* writers */
int pg_write_lrat (engine *);
int pg_write_core (engine *);
int pg_write_trimmed (engine *);

#endif
