"""Generators of CNF formulas for samples, tests and benchmarks.

Every generator returns ``(nvars, clauses)`` with clauses as lists of nonzero
ints.  Output depends only on the arguments: randomness comes from a small
SplitMix64 generator defined here rather than :mod:`random`, so the files in
samples/ stay byte-identical across Python versions.

``read_dimacs_simple`` is a convenience reader for tooling.  It is *not* the
trusted parser: the kernel has its own, strict one.
"""

from __future__ import annotations

import gzip
import lzma
import os
from itertools import combinations

__all__ = [
    "pigeonhole",
    "random_ksat",
    "parity",
    "mutilated_chessboard",
    "multiplier_miter",
    "padded",
    "counter_bmc",
    "pipeline_bmc",
    "barrel_shifter_miter",
    "shift_add_multiplier_miter",
    "write_dimacs",
    "read_dimacs_simple",
]

Formula = tuple[int, list[list[int]]]


class _Rng:
    """SplitMix64: tiny, and its output is fixed by its definition."""

    def __init__(self, seed: int):
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        """Uniform in [0, n), by rejection (no modulo bias)."""
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            x = self.next64()
            if x < limit:
                return x % n

    def shuffle(self, items: list) -> None:
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]


def pigeonhole(n: int) -> Formula:
    """n+1 pigeons into n holes (unsat for n >= 1).

    Variable p(i, j) = i*n + j + 1 says pigeon i sits in hole j.
    Clauses: n+1 of width n (every pigeon somewhere), then n*(n+1)*n/2
    binary ones (no two pigeons share a hole).
    """
    if n < 1:
        raise ValueError("pigeonhole needs n >= 1")

    def p(i: int, j: int) -> int:
        return i * n + j + 1

    clauses = [[p(i, j) for j in range(n)] for i in range(n + 1)]
    for j in range(n):
        for i, k in combinations(range(n + 1), 2):
            clauses.append([-p(i, j), -p(k, j)])
    return n * (n + 1), clauses


def random_ksat(nvars: int, nclauses: int, k: int = 3, seed: int = 0) -> Formula:
    """Uniform random k-SAT: each clause has k distinct variables, random signs.

    Around ratio 4.26 (k=3) about half the instances are unsat; far below
    it they are almost surely sat.
    """
    if not 1 <= k <= nvars:
        raise ValueError("need 1 <= k <= nvars")
    rng = _Rng(seed)
    clauses = []
    for _ in range(nclauses):
        chosen: list[int] = []
        while len(chosen) < k:
            v = rng.below(nvars) + 1
            if v not in chosen:
                chosen.append(v)
        clauses.append([v if rng.below(2) else -v for v in chosen])
    return nvars, clauses


def _random_regular_graph(n: int, d: int, rng: _Rng) -> list[tuple[int, int]]:
    """A connected simple d-regular graph on n vertices (configuration model
    with restarts; fine for the small d used here)."""
    if n * d % 2 or d >= n:
        raise ValueError("need n*d even and d < n")
    for _ in range(10000):
        stubs = [v for v in range(n) for _ in range(d)]
        rng.shuffle(stubs)
        edges = set()
        ok = True
        for a, b in zip(stubs[::2], stubs[1::2]):
            e = (min(a, b), max(a, b))
            if a == b or e in edges:
                ok = False
                break
            edges.add(e)
        if not ok:
            continue
        # Connectivity matters: Tseitin is unsat only if some component has
        # odd charge, and we put the odd total on the whole graph.
        adj: dict[int, list[int]] = {v: [] for v in range(n)}
        for a, b in edges:
            adj[a].append(b)
            adj[b].append(a)
        seen, todo = {0}, [0]
        while todo:
            for w in adj[todo.pop()]:
                if w not in seen:
                    seen.add(w)
                    todo.append(w)
        if len(seen) == n:
            return sorted(edges)
    raise RuntimeError("no connected regular graph found")


def parity(n: int, seed: int = 0, degree: int = 3) -> Formula:
    """Tseitin formula of a random connected ``degree``-regular graph on n
    vertices (Urquhart style): one variable per edge, and at each vertex the
    XOR of its edges equals a charge; the charges sum to 1 mod 2, so the
    formula is unsat.  Each vertex gives 2**(degree-1) clauses of width
    ``degree``: with degree 3, 3n/2 variables and 4n clauses.  Hard for
    resolution: proof size grows exponentially with n.
    """
    rng = _Rng(seed)
    edges = _random_regular_graph(n, degree, rng)
    var = {e: i + 1 for i, e in enumerate(edges)}
    charge = [rng.below(2) for _ in range(n)]
    if sum(charge) % 2 == 0:
        charge[0] ^= 1
    clauses = []
    for v in range(n):
        xs = [var[e] for e in edges if v in e]
        # Forbid every assignment of xs whose parity differs from the charge:
        # the clause excluding assignment a is the disjunction of the
        # literals that a makes false.
        for mask in range(1 << len(xs)):
            if bin(mask).count("1") % 2 != charge[v]:
                clauses.append([-x if mask >> i & 1 else x for i, x in enumerate(xs)])
    return len(edges), clauses


def mutilated_chessboard(n: int) -> Formula:
    """Domino tiling of an n x n board without two opposite corners (unsat
    for n >= 3: the two removed squares have the same colour).

    One variable per domino position (pair of adjacent remaining squares);
    per square: at least one covering domino, and at most one (pairwise).
    Hard for resolution; CaDiCaL's proofs grow quickly with n.
    """
    if n < 3:
        raise ValueError("mutilated_chessboard needs n >= 3")
    removed = {(0, 0), (n - 1, n - 1)}
    cells = [(r, c) for r in range(n) for c in range(n) if (r, c) not in removed]
    present = set(cells)
    dominoes: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for r, c in cells:
        for other in ((r, c + 1), (r + 1, c)):
            if other in present:
                dominoes.append(((r, c), other))
    covering: dict[tuple[int, int], list[int]] = {cell: [] for cell in cells}
    for i, (a, b) in enumerate(dominoes, start=1):
        covering[a].append(i)
        covering[b].append(i)
    clauses = []
    for cell in cells:
        vs = covering[cell]
        clauses.append(list(vs))
        clauses.extend([-x, -y] for x, y in combinations(vs, 2))
    return len(dominoes), clauses


class _Circuit:
    """Tseitin-encoded gates over fresh variables."""

    def __init__(self):
        self.nvars, self.clauses = 0, []

    def var(self) -> int:
        self.nvars += 1
        return self.nvars

    def gate(self, kind: str, a: int, b: int) -> int:
        o = self.var()
        self.clauses += {"and": [[-o, a], [-o, b], [o, -a, -b]], "or": [[o, -a], [o, -b], [-o, a, b]],
                         "xor": [[-o, a, b], [-o, -a, -b], [o, -a, b], [o, a, -b]]}[kind]
        return o

    def multiply(self, x: list[int], y: list[int]) -> list[int]:
        """An array multiplier: the 2n bits of x * y, least significant first."""
        n = len(x)
        acc: list[int | None] = [self.gate("and", x[i], y[0]) for i in range(n)] + [None] * n
        for j in range(1, n):
            carry = None
            for i in range(n):
                k, b = i + j, self.gate("and", x[i], y[j])
                terms = [t for t in (acc[k], carry) if t is not None]
                if not terms:
                    acc[k], carry = b, None
                elif len(terms) == 1:
                    acc[k], carry = self.gate("xor", terms[0], b), self.gate("and", terms[0], b)
                else:
                    t = self.gate("xor", terms[0], b)
                    acc[k] = self.gate("xor", t, terms[1])
                    carry = self.gate("or", self.gate("and", terms[0], b), self.gate("and", t, terms[1]))
            acc[n + j] = carry
        return [bit for bit in acc if bit is not None]


def multiplier_miter(n: int) -> Formula:
    """x * y differs from y * x for n-bit x and y, both products by array multipliers (unsat).

    An equivalence check of two circuits, as in hardware verification: thousands of binary and
    ternary Tseitin clauses, hard for CDCL from n = 8 or so (CaDiCaL: seconds at 8, tens at 9).
    """
    if n < 1:
        raise ValueError("multiplier_miter needs n >= 1")
    c = _Circuit()
    x, y = [c.var() for _ in range(n)], [c.var() for _ in range(n)]
    differ = [c.gate("xor", a, b) for a, b in zip(c.multiply(x, y), c.multiply(y, x))]
    return c.nvars, c.clauses + [differ]


def padded(formula: Formula, extra_vars: int, extra_clauses: int, seed: int = 0) -> Formula:
    """`formula` among random ternary clauses over `extra_vars` fresh variables (at a ratio below 4.2
    they are satisfiable, so the formula alone decides): a large formula with a small proof."""
    nvars, clauses = formula
    rng = _Rng(seed)
    pad = []
    for _ in range(extra_clauses):
        vs: list[int] = []
        while len(vs) < 3:
            v = nvars + 1 + rng.below(extra_vars)
            if v not in vs:
                vs.append(v)
        pad.append([v if rng.below(2) else -v for v in vs])
    half = len(pad) // 2
    return nvars + extra_vars, pad[:half] + [list(c) for c in clauses] + pad[half:]


# --- Industrial-shaped circuits -----------------------------------------------
#
# Hardware verification problems as SAT competitions collect them: bounded model
# checking (a transition relation unrolled k steps) and equivalence checking of two
# implementations (a miter).  Tseitin clauses, mostly binary and ternary, and CaDiCaL
# proofs long beside the formula.  Each function below stands alone (over _Circuit).


def _mux(c: _Circuit, s: int, a: int, b: int) -> int:
    """s ? a : b."""
    o = c.var()
    c.clauses += [[-s, -a, o], [-s, a, -o], [s, -b, o], [s, b, -o]]
    return o


def _ripple_add(c: _Circuit, xs: list[int], ys: list[int]) -> list[int]:
    """xs + ys modulo 2^n, a ripple-carry adder (least significant bit first)."""
    out, carry = [], None
    for x, y in zip(xs, ys):
        t = c.gate("xor", x, y)
        if carry is None:
            out.append(t)
            carry = c.gate("and", x, y)
        else:
            out.append(c.gate("xor", t, carry))
            carry = c.gate("or", c.gate("and", x, y), c.gate("and", t, carry))
    return out


def _lookahead_add(c: _Circuit, xs: list[int], ys: list[int]) -> list[int]:
    """xs + ys modulo 2^n, carries by a Kogge-Stone prefix of (generate, propagate) pairs."""
    g = [c.gate("and", x, y) for x, y in zip(xs, ys)]
    p = [c.gate("xor", x, y) for x, y in zip(xs, ys)]
    gg, pp, span = list(g), list(p), 1
    while span < len(xs):
        for i in range(len(xs) - 1, span - 1, -1):
            gg[i] = c.gate("or", gg[i], c.gate("and", pp[i], gg[i - span]))
            pp[i] = c.gate("and", pp[i], pp[i - span])
        span *= 2
    return [p[0]] + [c.gate("xor", p[i], gg[i - 1]) for i in range(1, len(xs))]


def _zero(c: _Circuit) -> int:
    z = c.var()
    c.clauses.append([-z])
    return z


def _differ(c: _Circuit, xs: list[int], ys: list[int]) -> list[int]:
    return [c.gate("xor", x, y) for x, y in zip(xs, ys)]


def counter_bmc(bits: int, steps: int) -> Formula:
    """Bounded model checking of a counter: from 0, each step adds a free enable bit (a chain of half
    adders); the bad state, value steps + 1, is not reachable in `steps` steps (unsat when
    steps + 1 < 2^bits).  The unrolled transition relation is all binary and ternary clauses."""
    if steps < 1 or steps + 1 >= 1 << bits:
        raise ValueError("counter_bmc needs 1 <= steps and steps + 1 < 2^bits")
    c = _Circuit()
    state = [_zero(c) for _ in range(bits)]
    for _ in range(steps):
        carry, nxt = c.var(), []  # the enable input of this step
        for bit in state:
            nxt.append(c.gate("xor", bit, carry))
            carry = c.gate("and", bit, carry)
        state = nxt
    target = steps + 1
    return c.nvars, c.clauses + [[bit if target >> i & 1 else -bit] for i, bit in enumerate(state)]


def pipeline_bmc(width: int, steps: int) -> Formula:
    """Bounded model checking of a two-stage pipelined accumulator against its specification, unrolled
    `steps` steps: the pipeline latches each input a cycle, then adds it with a carry-lookahead adder;
    the specification adds at once with a ripple-carry adder.  The property (the pipeline's sum is
    the specification's one cycle later) holds, so the formula is unsat."""
    if width < 1 or steps < 1:
        raise ValueError("pipeline_bmc needs width >= 1 and steps >= 1")
    c = _Circuit()
    spec = [_zero(c) for _ in range(width)]
    pipe = [_zero(c) for _ in range(width)]
    latch = [_zero(c) for _ in range(width)]
    bad = []
    for _ in range(steps):
        inputs = [c.var() for _ in range(width)]
        pipe = _lookahead_add(c, pipe, latch)
        latched = [c.var() for _ in range(width)]  # the pipeline register: latched <-> inputs
        for a, b in zip(latched, inputs):
            c.clauses += [[-a, b], [a, -b]]
        latch = latched
        bad += _differ(c, pipe, spec)  # the pipeline's sum now, the specification's one step ago
        spec = _ripple_add(c, spec, inputs)
    return c.nvars, c.clauses + [bad]


def barrel_shifter_miter(width: int) -> Formula:
    """Two barrel shifters rotating a word left by a log2(width)-bit amount, their multiplexer stages
    in opposite orders (1, 2, 4, ... and ..., 4, 2, 1), differ somewhere (unsat: rotations commute)."""
    if width < 2 or width & (width - 1):
        raise ValueError("barrel_shifter_miter needs a power of two width >= 2")
    c = _Circuit()
    word = [c.var() for _ in range(width)]
    amount = [c.var() for _ in range(width.bit_length() - 1)]

    def rotate(order: list[int]) -> list[int]:
        bits = word
        for k in order:
            bits = [_mux(c, amount[k], bits[(i - (1 << k)) % width], bits[i]) for i in range(width)]
        return bits

    stages = list(range(len(amount)))
    differ = _differ(c, rotate(stages), rotate(stages[::-1]))
    return c.nvars, c.clauses + [differ]


def shift_add_multiplier_miter(n: int) -> Formula:
    """A long multiplier against another: the array multiplier of multiplier_miter, and shift-and-add
    (the partial products summed by ripple-carry adders, the highest row first), differ (unsat)."""
    if n < 1:
        raise ValueError("shift_add_multiplier_miter needs n >= 1")
    c = _Circuit()
    x, y = [c.var() for _ in range(n)], [c.var() for _ in range(n)]
    array = c.multiply(x, y)
    zero = _zero(c)
    total = [zero] * (2 * n)
    for j in reversed(range(n)):
        row = [zero] * j + [c.gate("and", x[i], y[j]) for i in range(n)] + [zero] * (n - j)
        total = _ripple_add(c, total, row)
    differ = _differ(c, array, total)
    return c.nvars, c.clauses + [differ]


def _open_maybe_compressed(path, mode: str):
    name = os.fspath(path)
    if name.endswith(".gz"):
        return gzip.open(name, mode)
    if name.endswith(".xz"):
        return lzma.open(name, mode)
    return open(name, mode)


def write_dimacs(path, nvars: int, clauses: list[list[int]], comment: str | None = None) -> None:
    """Write DIMACS CNF; ``comment`` may span lines (each becomes a ``c`` line).
    A ``.gz``/``.xz`` suffix compresses (gzip without a timestamp, so output
    is reproducible)."""
    lines = []
    if comment:
        lines.extend(f"c {line}".rstrip() for line in comment.splitlines())
    lines.append(f"p cnf {nvars} {len(clauses)}")
    lines.extend(" ".join(map(str, c)) + (" 0" if c else "0") for c in clauses)
    data = ("\n".join(lines) + "\n").encode("ascii")
    name = os.fspath(path)
    if name.endswith(".gz"):
        with open(name, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(data)
    else:
        with _open_maybe_compressed(name, "wb") as f:
            f.write(data)


def read_dimacs_simple(path) -> Formula:
    """Lenient DIMACS reader (comments, blank lines, odd spacing, .gz/.xz).

    Returns the header's variable count; clauses are split on 0 and the
    header's clause count is not enforced.  Untrusted: tooling only.
    """
    nvars = None
    clauses: list[list[int]] = []
    current: list[int] = []
    with _open_maybe_compressed(path, "rb") as f:
        for raw in f:
            line = raw.decode("ascii", "replace").strip()
            if not line or line.startswith(("c", "%")):
                continue
            if line.startswith("p"):
                fields = line.split()
                if len(fields) != 4 or fields[1] != "cnf":
                    raise ValueError(f"bad header: {line!r}")
                nvars = int(fields[2])
                continue
            for tok in line.split():
                lit = int(tok)
                if lit == 0:
                    clauses.append(current)
                    current = []
                else:
                    current.append(lit)
    if current:
        clauses.append(current)  # tolerate a missing final 0
    if nvars is None:
        nvars = max((abs(l) for c in clauses for l in c), default=0)
    return nvars, clauses
