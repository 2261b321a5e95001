#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PG_SOURCE_DIGEST
#define PG_SOURCE_DIGEST "unknown (built outside setup.py)"
#endif

enum { CONFLICT = -1, DONE = -2 };

const char *pg_kernel_digest (void) { return PG_SOURCE_DIGEST; }

/*------------------------------------------------------------------------*/
/*  Outcomes                                                              */
/*------------------------------------------------------------------------*/

int malformed (kernel *k, int code, int64_t offset) {
  k->res->code = code;
  if (k->res->binary && k->res->file) k->res->offset = offset;
  else k->res->line = k->in.line;
  return code;
}

static int reject (kernel *k, int code, int64_t detail) {
  pg_result *res = k->res;
  res->code = code, res->step = k->step, res->detail = detail;
  if (res->binary) res->offset = k->step_offset;
  else res->line = k->step_line;
  return code;
}

/*------------------------------------------------------------------------*/
/*  Memory: growth keeps fresh entries zero (calloc: untouched pages      */
/*  cost nothing, so sparse ids and variables do not fill memory).        */
/*------------------------------------------------------------------------*/

int grow (kernel *k, void **array, int64_t *cap, int64_t need, size_t size) {
  if (need <= *cap) return PG_OK;
  int64_t n = *cap ? *cap : 1024;
  while (n < need) n *= 2;
  void *fresh = calloc ((size_t) n, size);
  if (!fresh) return malformed (k, PG_MEMORY, -1);
  if (*array) memcpy (fresh, *array, (size_t) *cap * size);
  free (*array);
  *array = fresh, *cap = n;
  return PG_OK;
}

int grow_ints (kernel *k, ints *v) {
  size_t cap = v->cap ? 2 * v->cap : 16;
  int *a = realloc (v->a, cap * sizeof *a);
  if (!a) return malformed (k, PG_MEMORY, -1);
  v->a = a, v->cap = cap;
  return PG_OK;
}

static int note_occurrences (kernel *k, int64_t id, const uint32_t *c) {
  for (uint32_t i = 1; i <= c[0]; i++) {
    ints *o = &k->occurs[c[i]];
    int r = o->n && o->a[o->n - 1] == id ? PG_OK : push (k, o, (int) id);
    if (r) return r;
  }
  return PG_OK;
}

int add_clause (kernel *k, int64_t id) {
  int r = store_clause (k, id);
  if (r) return r;
  k->last = id, k->empty |= !k->lits.n;
  if (++k->live > k->res->peak_live) k->res->peak_live = k->live;
  return k->occurs_built ? note_occurrences (k, id, live (k, id)) : PG_OK;
}

/*------------------------------------------------------------------------*/
/*  Assignments.  A step takes the stamps first .. base, base = first +   */
/*  groups: the clause's negation and the units of the positive hints get */
/*  'base'; RAT group j gets first + j.  Under stamp 'cur', a literal is  */
/*  false when its mark is at least 'cur': group j sees the base marks    */
/*  and its own, never an earlier group's nor an earlier step's.          */
/*------------------------------------------------------------------------*/

/*  Each use of a clause costs its length, against the budget (issue 16). */

static int charge (kernel *k, const uint32_t *c) {
  k->budget -= c[0];
  return k->budget < 0 ? reject (k, PG_BUDGET, 0) : PG_OK;
}

/*  Rule: a hint is unit or falsified under the assignment.               */

static int unit (kernel *k, int hint, uint64_t cur) {
  const uint32_t *c = live (k, hint);
  if (!c) return reject (k, PG_HINT_DEAD, hint);
  if (charge (k, c)) return PG_BUDGET;
  uint32_t u = 0;  /* no literal has code 0 */
  for (uint32_t i = 1; i <= c[0]; i++) {
    if (k->mask[c[i]] >= cur) continue;
    if (u && u != c[i]) return reject (k, PG_HINT_NOT_UNIT, hint);  /* a repeated literal is one */
    u = c[i];
  }
  if (!u) return CONFLICT;
  k->mask[u ^ 1] = cur;
  return PG_OK;
}

/*------------------------------------------------------------------------*/
/*  Rule RAT: every live clause with the negated pivot, in id order, has  */
/*  a group of hints that refutes the resolvent (or the resolvent is a    */
/*  tautology).  Candidate lists are built once, then kept up to date.    */
/*------------------------------------------------------------------------*/

static ints *candidates (kernel *k, uint32_t lit) {
  if (!k->occurs_built) {
    int64_t cap = 0;
    if (grow (k, (void **) &k->occurs, &cap, k->mask_cap, sizeof *k->occurs)) return 0;
    k->occurs_built = 1;
    for (int64_t at = 1; at < k->arena_size; at += 2 + k->arena[at + 1]) {  /* every stored clause, by id */
      const uint32_t *c = live (k, k->arena[at]);
      if (c == k->arena + at + 1 && note_occurrences (k, k->arena[at], c)) return 0;
    }
  }
  ints *o = &k->occurs[lit];
  size_t j = 0;
  for (size_t i = 0; i < o->n; i++)
    if (live (k, o->a[i])) o->a[j++] = o->a[i];
  o->n = j;
  return o;
}

static int blocked (kernel *k, const uint32_t *c, uint32_t skip, uint64_t cur) {
  for (uint32_t i = 1; i <= c[0]; i++) {
    uint32_t lit = c[i];
    if (lit == skip || k->mask[lit] >= cur) continue;
    if (k->mask[lit ^ 1] >= cur) return 1;
    k->mask[lit] = cur;
  }
  return 0;
}

static int rat (kernel *k, uint32_t pivot, const int *h, size_t n, uint64_t first) {
  ints *cands = candidates (k, pivot ^ 1);
  if (!cands) return k->res->code;
  size_t next = 0, i = 0, grouped = n > 0;
  while (i < n) {
    int cand = -h[i++];
    size_t end = i;
    while (end < n && h[end] > 0) end++;
    if (next < cands->n && cands->a[next] < cand) return reject (k, PG_RAT_MISSING, cands->a[next]);
    if (next == cands->n || cands->a[next] != cand) return reject (k, PG_RAT_CANDIDATE, cand);
    uint64_t cur = first + next++;
    if (charge (k, live (k, cand))) return PG_BUDGET;
    if (!blocked (k, live (k, cand), pivot ^ 1, cur)) {
      int r = PG_OK;
      while (i < end && r != CONFLICT)
        if ((r = unit (k, h[i++], cur)) > 0) return r;
      if (r != CONFLICT) return reject (k, PG_RAT_NO_CONFLICT, cand);
    }
    i = end;
  }
  if (next < cands->n)  /* with no groups at all, this was meant as RUP */
    return grouped ? reject (k, PG_RAT_MISSING, cands->a[next]) : reject (k, PG_NO_CONFLICT, 0);
  return PG_OK;
}

/*------------------------------------------------------------------------*/
/*  Rule: addition (RUP, else RAT) and deletion.                          */
/*------------------------------------------------------------------------*/

static int addition (kernel *k) {
  const int *lits = k->lits.a, *h = k->hints.a;
  size_t n = k->lits.n, nh = k->hints.n, i = 0;
  k->res->additions++, k->res->hints += (int64_t) nh;
  if (k->step <= k->last) return reject (k, PG_ID_ORDER, k->last);
  uint64_t first = k->stamp + 1, base = first + k->groups;
  k->stamp = base;
  for (size_t j = 0; j < n; j++) k->mask[code (lits[j])] = base;
  for (; i < nh && h[i] > 0; i++) {
    int r = unit (k, h[i], base);
    if (r == CONFLICT) return add_clause (k, k->step);
    if (r) return r;
  }
  if (!n) return reject (k, i < nh ? PG_RAT_EMPTY : PG_NO_CONFLICT, 0);
  int r = rat (k, code (lits[0]), h + i, nh - i, first);
  return r ? r : add_clause (k, k->step);
}

static int deletion (kernel *k) {
  k->res->deletions++;
  for (size_t i = 0; i < k->hints.n; i++) {
    int id = k->hints.a[i];
    if (!live (k, id)) return reject (k, PG_DELETE_DEAD, id);
    delete_clause (k, id);
    k->live--;
  }
  return PG_OK;
}

/*------------------------------------------------------------------------*/
/*  Proof syntax: one step at a time into k->lits and k->hints.           */
/*------------------------------------------------------------------------*/

static int text_list (kernel *k, ints *v, int positive, int literals) {
  for (int64_t x;;) {
    int r = text_number (&k->in, &x);
    if (r) return malformed (k, r, 0);
    if (!x) return PG_OK;
    if (positive && x < 0) return malformed (k, PG_ID, 0);
    k->groups += x < 0 && !literals;
    int value = (int) x;
    if ((literals && (r = intern (k, x, &value))) || (r = push (k, v, value))) return r;
  }
}

static int text_step (kernel *k, int *is_deletion) {
  int64_t id;
  if (text_blank (&k->in) < 0) return DONE;
  k->step_line = k->in.line;
  int r = text_number (&k->in, &id);
  if (r) return malformed (k, r, 0);
  if (id <= 0) return malformed (k, PG_ID, 0);
  k->step = id;
  if ((*is_deletion = text_blank (&k->in) == 'd')) {
    k->in.p++;
    int c = input_peek (&k->in);
    return c >= 0 && !is_blank (c) ? malformed (k, PG_SYNTAX, 0) : text_list (k, &k->hints, 1, 0);
  }
  r = text_list (k, &k->lits, 0, 1);
  return r ? r : text_list (k, &k->hints, 0, 0);
}

static int binary_list (kernel *k, ints *v, int positive, int literals) {
  for (int64_t x, where;;) {
    int64_t start = input_offset (&k->in);
    int r = binary_number (&k->in, &x, &where);
    if (r) return malformed (k, r, where);
    if (!x) return PG_OK;
    if (positive && x < 0) return malformed (k, PG_ID, start);
    k->groups += x < 0 && !literals;
    int value = (int) x;
    if ((literals && (r = intern (k, x, &value))) || (r = push (k, v, value))) return r;
  }
}

static int binary_step (kernel *k, int *is_deletion) {
  int64_t id, where, start;
  k->step_offset = input_offset (&k->in);
  int c = input_peek (&k->in), r;
  if (c < 0) return DONE;
  k->in.p++;
  if ((*is_deletion = c == 'd')) return binary_list (k, &k->hints, 1, 0);
  if (c != 'a') return malformed (k, PG_SYNTAX, k->step_offset);
  start = input_offset (&k->in);
  if ((r = binary_number (&k->in, &id, &where))) return malformed (k, r, where);
  if (id <= 0) return malformed (k, PG_ID, start);
  k->step = id;
  r = binary_list (k, &k->lits, 0, 1);
  return r ? r : binary_list (k, &k->hints, 0, 0);
}

/*------------------------------------------------------------------------*/
/*  The check.                                                            */
/*------------------------------------------------------------------------*/

static int check_proof (kernel *k) {
  int c = input_peek (&k->in), r, is_deletion = 0;
  k->res->binary = c == 'a' || c == 'd';
  for (;;) {
    k->lits.n = k->hints.n = k->groups = 0;
    r = k->res->binary ? binary_step (k, &is_deletion) : text_step (k, &is_deletion);
    if (r == DONE) break;
    if (r) return r;
    k->res->steps++;
    k->budget += WORK * (int64_t) (k->lits.n + k->hints.n + 1);  /* its numbers (the zeros but one) */
    if ((r = is_deletion ? deletion (k) : addition (k))) return r;
  }
  return k->empty ? PG_OK : (k->res->code = PG_NO_EMPTY_CLAUSE);
}

static int read_input (kernel *k, int fd, int (*parse) (kernel *)) {
  if (!input_open (&k->in, fd)) return malformed (k, PG_MEMORY, -1);
  int r = parse (k);
  if (k->in.failed) r = k->res->code = PG_READ, k->res->line = 0, k->res->offset = -1;
  input_close (&k->in);
  return r;
}

int pg_check_lrat (int formula_fd, int proof_fd, pg_result *res) {
  kernel k;
  memset (&k, 0, sizeof k);
  memset (res, 0, sizeof *res);
  res->offset = -1;
  k.res = res, k.budget = ALLOWANCE;
  k.direct = calloc (DIRECT, sizeof *k.direct);
  int r = k.direct ? table_open (&k, &k.ids) : malformed (&k, PG_MEMORY, -1);
  if (!r) r = table_open (&k, &k.vars);
  if (!r) r = read_input (&k, formula_fd, parse_formula);
  if (!r) res->file = 1, r = read_input (&k, proof_fd, check_proof);
  if (k.occurs)
    for (int64_t i = 0; i < k.mask_cap; i++) free (k.occurs[i].a);
  free (k.arena), free (k.direct), free (k.ids.slot), free (k.vars.slot), free (k.var_of.a);
  free (k.mask), free (k.occurs), free (k.lits.a), free (k.hints.a);
  res->code = r;
  res->status = r == PG_OK ? PG_VERIFIED : r >= PG_ID_ORDER ? PG_REJECTED : PG_MALFORMED;
  return res->status;
}
