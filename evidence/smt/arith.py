"""Linear arithmetic for the SMT producer (untrusted): an exact simplex with Farkas witnesses, and LIA.

A *constraint* is `(kind, coeffs, bound)`: kind is "<=", "<" or "="; coeffs a tuple of `(name, int)`
pairs sorted by name, no zero coefficient; bound a Fraction. It means `sum(c*x) kind bound`. `sorts`
maps each variable to "Int" or "Real".

Answers (all exact, `fractions.Fraction`):

- `check(hyps)` -> `("sat", model)` or `("unsat", used, multipliers)`: `used` the sorted indices of the
  hypotheses in the conflict, `multipliers` one Fraction per used index.
- `farkas(hyps)` -> `("sat", model)` or `("unsat", multipliers)` with one multiplier per hypothesis:
  >= 0 for "<=" and "<", any sign for "="; the combination cancels every variable and its bound is < 0,
  or = 0 with a strict hypothesis weighted > 0.
- `lia_refute(hyps, sorts)` -> `("sat", model)`, `("unsat", steps)`, `("branch", atoms)` or
  `("unknown", reason)`; see its docstring for the step semantics.

The simplex is Dutertre and de Moura's general simplex (CAV 2006): one slack variable per distinct
linear form, bounds asserted on it, Bland's rule for termination, strict bounds as values `a + k*delta`
for a symbolic positive infinitesimal delta (pairs `(a, k)`, compared lexicographically).
"""
from collections import namedtuple
from fractions import Fraction
from math import floor, gcd

LE, LT, EQ = "<=", "<", "="


def constraint(kind, coeffs, bound):
    """A canonical constraint from `{name: coeff}` or pairs (merged, zeros dropped, sorted)."""
    if kind not in (LE, LT, EQ):
        raise ValueError(f"unknown constraint kind {kind!r}")
    acc = {}
    for name, c in (coeffs.items() if isinstance(coeffs, dict) else coeffs):
        if Fraction(c).denominator != 1:
            raise ValueError(f"coefficient {c} of {name} is not an integer")
        acc[name] = acc.get(name, 0) + int(c)
    return kind, tuple(sorted((n, c) for n, c in acc.items() if c)), Fraction(bound)


def is_integral(coeffs, sorts):
    """True when every variable is Int, so the form only takes integer values."""
    return all(sorts.get(name) == "Int" for name, _ in coeffs)


def negate(con, sorts):
    """The negation of a constraint, as alternatives (a tuple: one constraint, or two for a disequality).

    Over an all-Int form the result is tightened to "<=" (integer values: `s > b` is `s >= floor(b)+1`),
    which is what the kernel's canonical Int atoms look like.
    """
    kind, coeffs, b = con
    neg = tuple((n, -c) for n, c in coeffs)
    if is_integral(coeffs, sorts):
        if kind == EQ:        # s < b or s > b
            return (LE, coeffs, Fraction(-floor(-b) - 1)), (LE, neg, Fraction(-floor(b) - 1))
        if kind == LE:        # s > b
            return ((LE, neg, Fraction(-floor(b) - 1)),)
        return ((LE, neg, -b),)  # s >= b
    if kind == EQ:
        return (LT, coeffs, b), (LT, neg, -b)
    if kind == LE:
        return ((LT, neg, -b),)
    return ((LE, neg, -b),)


def holds(con, model):
    """Whether a constraint holds under a model (missing variables count as 0)."""
    kind, coeffs, b = con
    s = sum((c * Fraction(model.get(n, 0)) for n, c in coeffs), Fraction(0))
    return s <= b if kind == LE else s < b if kind == LT else s == b


def farkas_ok(hyps, lam):
    """Untrusted self-check of a Farkas witness (the kernel does its own)."""
    total, b, strict = {}, Fraction(0), False
    for (kind, coeffs, bound), m in zip(hyps, lam):
        if m == 0:
            continue
        if kind != EQ and m < 0:
            return False
        strict = strict or kind == LT
        b += m * bound
        for n, c in coeffs:
            total[n] = total.get(n, 0) + m * c
    return not any(total.values()) and (b < 0 or (b == 0 and strict))


# Values a + k*delta as pairs: tuple comparison is exactly the lexicographic order delta needs.
def _add(u, v):
    return u[0] + v[0], u[1] + v[1]


def _sub(u, v):
    return u[0] - v[0], u[1] - v[1]


def _mul(c, u):
    return c * u[0], c * u[1]


def _exact(q):
    """q as an int where it is one: the tableau stays in ints (some 30 times faster than Fractions) as
    long as its pivots are +-1, as in difference constraints."""
    return q.numerator if type(q) is Fraction and q.denominator == 1 else q


def _div(c, a):
    return c // a if type(c) is int and type(a) is int and c % a == 0 else _exact(Fraction(c) / a)


_ZERO = (0, 0)


class Simplex:
    """A tableau kept across `check` calls (slack rows and pivots persist; bounds are per call).

    Reusing the tableau is what makes repeated calls from a DPLL(T) loop cheap: the last assignment
    satisfies every row, so a new call starts from it and repairs only the bounds that moved.
    Use one instance per problem: the tableau keeps a row for every distinct form ever checked, and
    every pivot updates them all.
    """

    def __init__(self):
        self.ids, self.names = {}, []
        self.rows = {}      # basic id -> {nonbasic id: Fraction}
        self.value = []     # id -> delta pair
        self.forms = {}     # sign-normalised coeffs -> id of the variable that stands for the form

    def _var(self, key):
        if key not in self.ids:
            self.ids[key] = len(self.names)
            self.names.append(key)
            self.value.append(_ZERO)
        return self.ids[key]

    def _form(self, coeffs):
        """The variable standing for `sigma * sum(c*x)`, and sigma (+1/-1) making its first coeff > 0.

        Forms equal up to sign share one slack, so `x - y <= 3` and `y - x <= 1` bound the same
        variable from both sides and clash directly; `1*x` is x itself (no slack row).
        """
        sigma = 1 if coeffs[0][1] > 0 else -1
        key = tuple((n, sigma * c) for n, c in coeffs)
        if key not in self.forms:
            if len(key) == 1 and key[0][1] == 1:
                self.forms[key] = self._var(key[0][0])
            else:
                xs = [(self._var(n), c) for n, c in key]
                s = self._var(("slack", key))
                row, val = {}, _ZERO
                for x, c in xs:  # substitute basic variables by their rows
                    for y, a in (self.rows[x].items() if x in self.rows else ((x, 1),)):
                        row[y] = row.get(y, 0) + c * a
                    val = _add(val, _mul(c, self.value[x]))
                self.rows[s] = {y: a for y, a in row.items() if a}
                self.value[s] = val
                self.forms[key] = s
        return self.forms[key], sigma

    def _update(self, j, v):
        d = _sub(v, self.value[j])
        for b, row in self.rows.items():
            if j in row:
                self.value[b] = _add(self.value[b], _mul(row[j], d))
        self.value[j] = v

    def _pivot(self, b, j, target):
        row = self.rows.pop(b)
        a = row.pop(j)
        theta = _mul(_div(1, a), _sub(target, self.value[b]))
        self.value[b] = target
        self.value[j] = _add(self.value[j], theta)
        new = {k: _div(-c, a) for k, c in row.items()}
        new[b] = _div(1, a)
        for k, r in self.rows.items():
            if j in r:
                c = r.pop(j)
                self.value[k] = _add(self.value[k], _mul(c, theta))
                for y, e in new.items():
                    v = r.get(y, 0) + c * e
                    if v:
                        r[y] = v
                    else:
                        r.pop(y, None)
        self.rows[j] = new

    def check(self, hyps):
        """`("sat", model)` or `("unsat", used_indices, multipliers)`; see the module docstring."""
        lo, hi = {}, {}          # id -> (delta value, hypothesis index, sigma)
        for i, (kind, coeffs, b) in enumerate(hyps):
            if not coeffs:       # 0 kind b: decided by the bound alone
                if not holds((kind, coeffs, b), {}):
                    return self._conflict(hyps, {i: 1})   # `_conflict` fixes an equality's sign
                continue
            s, sigma = self._form(coeffs)
            val = (_exact(sigma * b), -sigma if kind == LT else 0)
            if (kind == EQ or sigma > 0) and (s not in hi or val < hi[s][0]):
                hi[s] = (val, i, sigma)
            if (kind == EQ or sigma < 0) and (s not in lo or val > lo[s][0]):
                lo[s] = (val, i, sigma)
            if s in lo and s in hi and lo[s][0] > hi[s][0]:
                return self._conflict(hyps, {hi[s][1]: hi[s][2], lo[s][1]: -lo[s][2]})
        for j in set(lo) | set(hi):    # nonbasic variables sit within their bounds
            if j not in self.rows:
                if j in lo and self.value[j] < lo[j][0]:
                    self._update(j, lo[j][0])
                elif j in hi and self.value[j] > hi[j][0]:
                    self._update(j, hi[j][0])
        bounded = sorted(set(lo) | set(hi))
        while True:
            for b in bounded:      # Bland: the smallest violated basic variable
                if b in self.rows:
                    if b in lo and self.value[b] < lo[b][0]:
                        increase = True
                        break
                    if b in hi and self.value[b] > hi[b][0]:
                        increase = False
                        break
            else:
                return "sat", self._model(hyps, lo, hi)
            row = self.rows[b]
            for j in sorted(row):  # Bland: the smallest variable that can move the right way
                if increase == (row[j] > 0):
                    if j not in hi or self.value[j] < hi[j][0]:
                        break
                elif j not in lo or self.value[j] > lo[j][0]:
                    break
            else:
                # Every variable of the row is stuck at the bound that blocks b: the row, b's bound
                # and those bounds are the conflict. With sign = +1 for an upper violation, the
                # multipliers are sign*sigma on b's hypothesis and -sign*sigma*a_j on x_j's.
                sign = -1 if increase else 1
                lam = {}
                used = lo[b] if increase else hi[b]
                lam[used[1]] = sign * used[2]
                for j, a in row.items():
                    used = hi[j] if (a > 0) == increase else lo[j]
                    lam[used[1]] = lam.get(used[1], 0) - sign * used[2] * a
                return self._conflict(hyps, lam)
            self._pivot(b, j, lo[b][0] if increase else hi[b][0])

    def _conflict(self, hyps, lam):
        used = sorted(i for i in lam if lam[i])
        mult = [Fraction(lam[i]) for i in used]
        # An all-equality conflict may come out as 0 = c with c > 0: flip it to the c < 0 side.
        if sum(m * hyps[i][2] for i, m in zip(used, mult)) > 0:
            mult = [-m for m in mult]
        if not farkas_ok([hyps[i] for i in used], mult):
            raise AssertionError("simplex produced a bad Farkas witness (bug)")
        return "unsat", used, mult

    def _model(self, hyps, lo, hi):
        # Pick a concrete delta small enough that every bound still holds (Dutertre-de Moura, sec. 3).
        delta = Fraction(1)
        for bounds, side in ((lo, 1), (hi, -1)):
            for j, (bv, _, _) in bounds.items():
                a, k = _sub(self.value[j], bv) if side == 1 else _sub(bv, self.value[j])
                if a > 0 and k < 0:
                    delta = min(delta, a / -k)
        names = {n for _, coeffs, _ in hyps for n, _ in coeffs}
        model = {n: self.value[self.ids[n]][0] + delta * self.value[self.ids[n]][1] for n in sorted(names)}
        if not all(holds(h, model) for h in hyps):
            raise AssertionError("simplex produced a model that violates a hypothesis (bug)")
        return model


def check(hyps):
    """One-shot `Simplex().check(hyps)`."""
    return Simplex().check(hyps)


def farkas(hyps):
    """`("sat", model)` or `("unsat", [one multiplier per hypothesis])` (zero for unused ones)."""
    r = check(hyps)
    if r[0] == "sat":
        return r
    lam = [Fraction(0)] * len(hyps)
    for i, m in zip(r[1], r[2]):
        lam[i] = m
    return "unsat", lam


# ---- LIA -------------------------------------------------------------------------------------

Step = namedtuple("Step", "premises cut")
Step.__doc__ = """One derived row: `premises` pairs (row number, Fraction multiplier), `cut` a bool.

Rows are numbered 1..n for the hypotheses, n+1, n+2, ... for derived rows in order."""


def combine(rows, premises):
    """The row `sum(m * rows[k-1])`: kind "=" if every premise is an equality, "<" if a strict premise
    is weighted > 0, else "<="; raises ValueError on a negative multiplier of an inequality."""
    acc, b, kinds = {}, Fraction(0), set()
    for k, m in premises:
        kind, coeffs, bound = rows[k - 1]
        if m == 0:
            continue
        if kind != EQ and m < 0:
            raise ValueError(f"negative multiplier {m} on inequality row {k}")
        kinds.add(kind)
        b += m * bound
        for n, c in coeffs:
            acc[n] = acc.get(n, 0) + m * c
    kind = EQ if kinds <= {EQ} else LT if LT in kinds else LE
    return kind, tuple(sorted((n, c) for n, c in acc.items() if c)), b


def cut(row):
    """Divide by the gcd of the (integer) coefficients and round the bound down: `<=` result."""
    kind, coeffs, b = row
    if kind == LT or any(Fraction(c).denominator != 1 for _, c in coeffs):
        raise ValueError("a cut needs a non-strict row with integer coefficients")
    g = _gcd(coeffs) or 1
    return LE, tuple((n, int(c) // g) for n, c in coeffs), Fraction(floor(b / g))


def replay(hyps, steps):
    """All rows (hypotheses then derived), recomputed from the steps (an untrusted replay)."""
    rows = list(hyps)
    for premises, is_cut in steps:
        row = combine(rows, premises)
        rows.append(cut(row) if is_cut else row)
    return rows


def _lattice_steps(hyps, sorts):
    """Steps refuting the all-Int equalities over the integers, or None.

    Column-style Hermite normal form: unimodular column operations turn the (independent) equality
    rows A into [H 0] with H lower triangular; A x = b has an integer solution iff H z = b has one.
    At the first row i where z_i is fractional, y = e_i H^-1 gives y A integer and y b = z_i
    fractional: the cut of y.(A x = b) then contradicts y.(A x = b) itself.
    """
    eqs = [(i, dict(c), b) for i, (k, c, b) in enumerate(hyps) if k == EQ and c and is_integral(c, sorts)]
    names = sorted({n for _, c, _ in eqs for n in c})
    basis, chosen = [], []   # rational echelon rows, to keep only independent equalities
    for i, c, b in eqs:
        v = [Fraction(c.get(n, 0)) for n in names]
        for piv, r in basis:
            if v[piv]:
                f = v[piv] / r[piv]
                v = [x - f * y for x, y in zip(v, r)]
        piv = next((p for p, x in enumerate(v) if x), None)
        if piv is not None:
            basis.append((piv, v))
            chosen.append((i, c, b))
    H = [[c.get(n, 0) for n in names] for _, c, _ in chosen]
    m = len(H)
    for i in range(m):
        for j in range(i + 1, len(names)):
            if H[i][j]:
                a, b = H[i][i], H[i][j]
                g, p, q = _egcd(a, b)
                for r in H[i:]:
                    r[i], r[j] = p * r[i] + q * r[j], (-b // g) * r[i] + (a // g) * r[j]
    z = []
    for i in range(m):
        zi = (chosen[i][2] - sum(H[i][k] * z[k] for k in range(i))) / H[i][i]
        z.append(zi)
        if zi.denominator != 1:
            y = [Fraction(0)] * (i + 1)
            y[i] = Fraction(1, H[i][i])
            for j in range(i - 1, -1, -1):
                y[j] = -sum(y[k] * H[k][j] for k in range(j + 1, i + 1)) / H[j][j]
            prem = tuple((chosen[k][0] + 1, y[k]) for k in range(i + 1) if y[k])
            g, n = _gcd(combine(hyps, prem)[1]), len(hyps)
            return [Step(prem, True), Step(((n + 1, Fraction(g)),) + tuple((k, -m_) for k, m_ in prem), False)]
    return None


def _egcd(a, b):
    """(g, p, q) with p*a + q*b = g = gcd(a, b) >= 0."""
    if b == 0:
        return (abs(a), 1 if a >= 0 else -1, 0)
    g, p, q = _egcd(b, a % b)
    return g, q, p - (a // b) * q


def _branch_steps(hyps, sorts, left, right):
    """Turn a one-split branch and bound proof into a cut proof, or None.

    `right` refutes hyps + [x >= k+1] with weight mu on the atom, so the other weights derive
    `mu*x <= c` with c/mu < k+1: scaled by 1/mu, cut to `x <= floor(c/mu) <= k`, and `left`'s
    refutation of hyps + [x <= k] goes through with that row in place of its atom.
    """
    n = len(hyps)
    mu = right[n]
    if mu <= 0 or left[n] <= 0:
        return None     # a side refuted without its atom (cannot happen when the root is feasible)
    prem = tuple((i + 1, m / mu) for i, m in enumerate(right[:n]) if m)
    if any(hyps[i - 1][0] == LT or not is_integral(hyps[i - 1][1], sorts) for i, _ in prem):
        return None     # only non-strict rows over Int variables can be cut
    return [Step(prem, True),
            Step(tuple((i + 1, m) for i, m in enumerate(left[:n]) if m) + ((n + 1, left[n]),), False)]


def lia_refute(hyps, sorts, max_branches=64):
    """Decide `hyps` over the integers (Real variables stay rational) and explain an UNSAT answer.

    Returns one of:
    - `("sat", model)`: every Int variable integral, every hypothesis holds;
    - `("unsat", steps)`: a list of `Step`s whose last row is `0 <= c` with c < 0 (or `0 < c`,
      c <= 0, when strict Real rows are involved); replay with `replay(hyps, steps)`. Derived rows
      are `combine`d premises (an all-equality combination is an equality), then, if `cut`,
      `cut(row)`: divided by the gcd g of its integer coefficients, bound rounded down
      (`floor(b/g)`; a cut of an equality row keeps only its "<=" half);
    - `("branch", atoms)`: the problem is (as far as branch and bound saw) unsat but needs case
      splits: `atoms` are the constraints `x <= k` of the split tree, to be added as branch lemmas
      `x <= k or not(x <= k)`; each leaf is then a plain Farkas conflict;
    - `("unknown", reason)` after `max_branches` splits without an answer.

    Int hypotheses must be non-strict (canonical Int atoms are; `negate` produces such).
    """
    for kind, coeffs, _ in hyps:
        if kind == LT and coeffs and is_integral(coeffs, sorts):
            raise ValueError("strict all-Int hypothesis: tighten it to <= first (see negate)")
    r = farkas(hyps)
    if r[0] == "unsat":
        return "unsat", [Step(tuple((i + 1, m) for i, m in enumerate(r[1]) if m), False)]
    steps = _lattice_steps(hyps, sorts)
    if steps:
        return "unsat", steps
    # Cut every Int row whose bound the gcd of its coefficients does not divide (2x - 2y <= 1 is
    # x - y <= 0): the real relaxation of the tightened rows is often already infeasible.
    n, rows, pre = len(hyps), list(hyps), []
    for i, h in enumerate(hyps):
        if h[0] != LT and h[1] and is_integral(h[1], sorts) and cut(h)[2] * _gcd(h[1]) != h[2]:
            rows.append(cut(h))
            pre.append(Step(((i + 1, Fraction(1)),), True))
    r = farkas(rows)
    if r[0] == "unsat":
        return "unsat", _prune(n, pre + [Step(tuple((i + 1, m) for i, m in enumerate(r[1]) if m), False)])
    solver, ints = Simplex(), sorted(n for n in sorts if sorts[n] == "Int")
    stack, splits, leaves = [()], [], {}
    while stack:
        atoms = stack.pop()
        r = solver.check(rows + list(atoms))
        if r[0] == "unsat":
            leaves[atoms] = r
            continue
        x = next((v for v in ints if v in r[1] and r[1][v].denominator != 1), None)
        if x is None:
            return "sat", r[1]
        if len(splits) >= max_branches:
            return "unknown", f"branch and bound gave up after {max_branches} splits"
        atom = (LE, ((x, 1),), Fraction(floor(r[1][x])))
        splits.append(atom)
        stack.append(atoms + negate(atom, sorts))
        stack.append(atoms + (atom,))
    if len(splits) == 1:
        atom, lam = splits[0], []
        for a in ((atom,), negate(atom, sorts)):
            full = [Fraction(0)] * (len(rows) + 1)
            for i, m in zip(leaves[a][1], leaves[a][2]):
                full[i] = m
            lam.append(full)
        steps = _branch_steps(rows, sorts, *lam)
        if steps:
            return "unsat", _prune(n, pre + steps)
    return "branch", list(dict.fromkeys(splits))


def _gcd(coeffs):
    g = 0
    for _, c in coeffs:
        g = gcd(g, int(c))
    return g


def _prune(n, steps):
    """Drop the steps the last one does not depend on, renumbering the derived rows."""
    need = {len(steps) - 1}
    for s in range(len(steps) - 1, -1, -1):
        if s in need:
            need.update(k - n - 1 for k, _ in steps[s].premises if k > n)
    keep = sorted(need)
    renum = {n + 1 + old: n + 1 + new for new, old in enumerate(keep)}
    return [Step(tuple((renum.get(k, k), m) for k, m in steps[s].premises), steps[s].cut) for s in keep]
