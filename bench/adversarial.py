"""Adversarial but well-formed LRAT inputs (issue 16), shared by tests/test_kernel_linear.py and
bench/bench_kernel_scaling.py.  Each family builds (formula bytes, proof bytes) from a size n; every
one is a valid refutation, so both kernels must verify it, in memory that follows what is live
rather than the numbers written in the files; those of REFUSED make quadratic work, which both
kernels refuse alike past their work budget.

Untrusted tooling: nothing here is part of the kernel.
"""
from __future__ import annotations

import random

BIG = 2**31 - 1  # the largest number the kernels accept


def _lines(rows):
    return ("\n".join(" ".join(map(str, row)) for row in rows) + "\n").encode()


def huge_header(n: int) -> tuple[bytes, bytes]:
    """3 clauses over variables 1 and 2^31-1, a header declaring 2^31-1 variables (n is ignored)."""
    formula = f"p cnf {BIG} 3\n1 0\n-1 {BIG} 0\n-{BIG} 0\n".encode()
    return formula, b"4 0 1 2 3 0\n"


def huge_ids(n: int) -> tuple[bytes, bytes]:
    """n additions whose ids climb to 2^31-1 in even jumps, then the empty clause from the last."""
    formula = b"p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n"
    gap = (BIG - 10) // (n + 1)
    rows, prev = [], None
    for i in range(n):
        sid = 10 + gap * (i + 1)
        rows.append([sid, 2, 0, 1, 2, 0] if prev is None else [sid, 2, 0, prev, 0])  # 2 again: RUP from the last
        prev = sid
    rows.append([BIG, 0, prev, 3, 4, 0])
    return formula, _lines(rows)


def sparse_variables(n: int) -> tuple[bytes, bytes]:
    """A chain x1 -> x2 -> ... over n variables spread up to 2^31-1, header 2^31-1, one RUP step."""
    gap = BIG // (n + 1)
    var = [gap * (i + 1) for i in range(n)]
    rows = [[var[0]]] + [[-var[i], var[i + 1]] for i in range(n - 1)] + [[-var[-1]]]
    formula = f"p cnf {BIG} {len(rows)}\n".encode() + _lines(r + [0] for r in rows)
    return formula, _lines([[len(rows) + 1, 0, *range(1, len(rows) + 1), 0]])


def hint_chain(n: int) -> tuple[bytes, bytes]:
    """The same chain over variables 1..n: one step with n + 1 hints."""
    rows = [[1]] + [[-i, i + 1] for i in range(1, n)] + [[-n]]
    formula = f"p cnf {n} {len(rows)}\n".encode() + _lines(r + [0] for r in rows)
    return formula, _lines([[len(rows) + 1, 0, *range(1, len(rows) + 1), 0]])


def rat_fanout(n: int) -> tuple[bytes, bytes]:
    """A RAT step adding (p), where ¬p is in n clauses (¬p ∨ a_i): n candidate groups, each refuted
    by the unit (a_i); then the empty clause from (b) and (¬b)."""
    p, b = n + 1, n + 2
    rows = [[-p, i] for i in range(1, n + 1)]  # ids 1..n: the candidates
    rows += [[i] for i in range(1, n + 1)]  # ids n+1..2n
    rows += [[b], [-b]]  # 2n+1, 2n+2: the formula is unsatisfiable anyway
    formula = f"p cnf {b} {len(rows)}\n".encode() + _lines(r + [0] for r in rows)
    first = len(rows) + 1
    groups = [x for i in range(1, n + 1) for x in (-i, n + i)]  # candidate i, then unit a_i (false: a conflict)
    proof = [[first, p, 0, *groups, 0]]
    proof.append([first + 1, 0, 2 * n + 1, 2 * n + 2, 0])
    return formula, _lines(proof)


def churn(n: int) -> tuple[bytes, bytes]:
    """n rounds of adding a clause and deleting it (after a first RAT step built the occurrence lists)."""
    formula = b"p cnf 3 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n"
    rows, sid = [[5, 3, 0, 0]], 5  # (x3): RAT on a fresh variable, no candidates
    for _ in range(n):
        sid += 1
        rows.append([sid, 2, 3, 0, 1, 2, 0])
        rows.append([sid, "d", sid, 0])
    rows.append([sid + 1, 2, 0, 1, 2, 0])
    rows.append([sid + 2, 0, sid + 1, 3, 4, 0])
    return formula, _lines(rows)


def deletions(n: int) -> tuple[bytes, bytes]:
    """A formula of n + 4 clauses, of which n are deleted one step each, then a refutation."""
    rows = [[1, 2], [-1, 2], [1, -2], [-1, -2]] + [[3 + i, -(4 + i)] for i in range(n)]
    formula = f"p cnf {n + 4} {len(rows)}\n".encode() + _lines(r + [0] for r in rows)
    last = len(rows)
    proof = [[last, "d", 5 + i, 0] for i in range(n)]
    proof += [[last + 1, 2, 0, 1, 2, 0], [last + 2, 0, last + 1, 3, 4, 0]]
    return formula, _lines(proof)


def reused_wide(n: int) -> tuple[bytes, bytes]:
    """One clause (¬p ∨ a_1 .. a_n ∨ y) and n/10 RAT steps adding (p ∨ ¬y ∨ z_j), each with the one
    group -1: the candidate's resolvent is a tautology (y and ¬y), found at its last literal.  Each
    step is a few numbers, yet looks at n literals: quadratic work, which the kernels' budget refuses
    (issue 16) once n is above a few thousand."""
    p, y = n + 1, n + 2
    rows = [[-p, *range(1, n + 1), y], [y], [-y]]
    formula = f"p cnf {n + 2} 3\n".encode() + _lines(r + [0] for r in rows)
    z = n + 3
    proof = [[4 + j, p, -y, z + j, 0, -1, 0] for j in range(max(1, n // 10))]
    proof.append([4 + len(proof), 0, 2, 3, 0])
    return formula, _lines(proof)


def long_hint(n: int) -> tuple[bytes, bytes]:
    """A clause of 2,000 copies of x1 (a repeated literal is one, so it is unit) and (¬x1); n steps
    adding (x1), each with the one hint 1, then the empty clause.  Each step is 3 numbers yet looks at
    2,000 literals: refused by the budget (issue 16) from about 600 steps, verified below."""
    formula = b"p cnf 1 2\n" + b"1 " * 2000 + b"0\n-1 0\n"
    rows = [[3 + i, 1, 0, 1, 0] for i in range(n)] + [[3 + n, 0, 2, 2 + n if n else 1, 0]]
    return formula, _lines(rows)


# Valid refutations whose work is quadratic in their size: the budget refuses them, at the sizes
# given, in both kernels alike ("budget", bad input), and they verify when small.
REFUSED = {"reused-wide": (reused_wide, 5000), "long-hint": (long_hint, 1000)}

FAMILIES = {"huge-header": huge_header, "huge-ids": huge_ids, "sparse-variables": sparse_variables,
            "hint-chain": hint_chain, "rat-fanout": rat_fanout, "churn": churn, "deletions": deletions}


def mutants(formula: bytes, proof: bytes, count: int, seed: int):
    """`count` deterministic damages of `proof`: a number changed, dropped, doubled or made huge."""
    rng = random.Random(seed)
    tokens = proof.split(b" ")
    for _ in range(count):
        t = list(tokens)
        i = rng.randrange(len(t))
        kind = rng.randrange(6)
        if kind == 0:
            t[i:i + 1] = []
        elif kind == 1:
            t[i:i + 1] = [t[i], t[i]]
        else:
            word = t[i].strip()
            value = int(word) if word.lstrip(b"-").isdigit() else 0
            value = [value + 1, value - 1, -value, BIG if value >= 0 else -BIG][kind - 2]
            t[i] = str(value).encode() + (b"\n" if t[i].endswith(b"\n") else b"")
        yield formula, b" ".join(t)
