import gzip

import pytest
from pysat.solvers import Solver

from bench.families import (
    _Circuit,
    barrel_shifter_miter,
    counter_bmc,
    multiplier_miter,
    mutilated_chessboard,
    padded,
    parity,
    pigeonhole,
    pipeline_bmc,
    random_ksat,
    read_dimacs_simple,
    shift_add_multiplier_miter,
    write_dimacs,
)


def satisfiable(clauses):
    with Solver(name="cadical195", bootstrap_with=clauses) as s:
        return s.solve()


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_pigeonhole_counts(n):
    nvars, clauses = pigeonhole(n)
    assert nvars == n * (n + 1)
    assert len(clauses) == (n + 1) + n * (n + 1) * n // 2
    assert sum(len(c) == n for c in clauses) >= n + 1
    assert max(abs(l) for c in clauses for l in c) == nvars


def test_pigeonhole_unsat():
    assert not satisfiable(pigeonhole(3)[1])
    assert not satisfiable(pigeonhole(4)[1])


def test_pigeonhole_without_one_pigeon_is_sat():
    n = 4
    _, clauses = pigeonhole(n)
    # drop the last pigeon's "somewhere" clause: n pigeons fit in n holes
    assert satisfiable(clauses[:n] + clauses[n + 1:])


def test_random_ksat_shape_and_determinism():
    nvars, clauses = random_ksat(50, 210, k=3, seed=7)
    assert nvars == 50 and len(clauses) == 210
    for c in clauses:
        assert len(c) == 3 and len({abs(l) for l in c}) == 3
        assert all(1 <= abs(l) <= 50 for l in c)
    assert random_ksat(50, 210, k=3, seed=7) == (nvars, clauses)
    assert random_ksat(50, 210, k=3, seed=8) != (nvars, clauses)
    assert all(len(c) == 5 for c in random_ksat(20, 10, k=5, seed=1)[1])


def test_random_ksat_low_ratio_sat_high_ratio_unsat():
    assert satisfiable(random_ksat(100, 200, seed=0)[1])  # ratio 2
    assert not satisfiable(random_ksat(40, 400, seed=0)[1])  # ratio 10


@pytest.mark.parametrize("n,seed", [(8, 0), (10, 1), (12, 2)])
def test_parity_counts_and_unsat(n, seed):
    nvars, clauses = parity(n, seed)
    assert nvars == 3 * n // 2  # one variable per edge of a 3-regular graph
    assert len(clauses) == 4 * n  # 2**(3-1) clauses per vertex
    assert all(len(c) == 3 for c in clauses)
    # every edge variable occurs at exactly two vertices (8 clauses)
    occurrences = {v: 0 for v in range(1, nvars + 1)}
    for c in clauses:
        for l in c:
            occurrences[abs(l)] += 1
    assert set(occurrences.values()) == {8}
    assert not satisfiable(clauses)
    assert parity(n, seed) == (nvars, clauses)


def test_parity_with_even_charge_would_be_sat():
    # Flipping one vertex's charge (negating every literal of its clauses
    # swaps parity for degree-3 vertices) makes the total even: satisfiable.
    nvars, clauses = parity(10, 3)
    first_vertex = clauses[:4]
    flipped = [[-l for l in c] for c in first_vertex]
    assert satisfiable(flipped + clauses[4:])


@pytest.mark.parametrize("n", [3, 4, 6])
def test_mutilated_chessboard(n):
    nvars, clauses = mutilated_chessboard(n)
    cells = n * n - 2
    assert nvars == 2 * n * (n - 1) - 4  # all adjacencies minus the 4 at the corners
    degree = {}
    for c in clauses:
        if c[0] > 0:
            degree[len(degree)] = len(c)
    assert len(degree) == cells  # one at-least-one clause per square
    assert len(clauses) == cells + sum(d * (d - 1) // 2 for d in degree.values())
    assert not satisfiable(clauses)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_multiplier_miter_is_unsat_and_its_multiplier_multiplies(n):
    nvars, clauses = multiplier_miter(n)
    assert not satisfiable(clauses)
    x, y = list(range(1, n + 1)), list(range(n + 1, 2 * n + 1))
    for a, b in [(0, 0), (1, (1 << n) - 1), ((1 << n) - 1, (1 << n) - 1), (2 % (1 << n), 3 % (1 << n))]:
        fixed = [[v if value >> i & 1 else -v] for value, bits in ((a, x), (b, y)) for i, v in enumerate(bits)]
        with Solver(name="cadical195", bootstrap_with=clauses[:-1] + fixed) as s:  # without "they differ"
            assert s.solve()
            model = set(s.get_model())
        c = _Circuit()
        c.nvars = 2 * n  # the same numbering: the first product's bits come first
        bits = c.multiply(x, y)
        assert sum(1 << i for i, v in enumerate(bits) if v in model) == a * b


def test_padded_keeps_the_formula_and_its_answer():
    nvars, clauses = pigeonhole(3)
    big_vars, big = padded((nvars, clauses), 300, 600, seed=1)
    assert big_vars == nvars + 300 and len(big) == len(clauses) + 600
    assert all(c in big for c in clauses) and not satisfiable(big)
    assert satisfiable([c for c in big if c not in clauses])  # the padding alone is satisfiable
    assert padded((nvars, clauses), 300, 600, seed=1) == (big_vars, big)


def test_chessboard_needs_n_at_least_3():
    with pytest.raises(ValueError):
        mutilated_chessboard(2)


def test_dimacs_roundtrip(tmp_path):
    nvars, clauses = pigeonhole(3)
    for name in ("f.cnf", "f.cnf.gz", "f.cnf.xz"):
        path = tmp_path / name
        write_dimacs(path, nvars + 2, clauses, comment="two lines\nof comment")
        assert read_dimacs_simple(path) == (nvars + 2, clauses)
    text = (tmp_path / "f.cnf").read_text()
    assert text.startswith("c two lines\nc of comment\np cnf 14 22\n1 2 3 0\n")


def test_gzip_output_is_reproducible(tmp_path):
    write_dimacs(tmp_path / "a.cnf.gz", 3, [[1, -2]])
    write_dimacs(tmp_path / "b.cnf.gz", 3, [[1, -2]])
    assert (tmp_path / "a.cnf.gz").read_bytes() == (tmp_path / "b.cnf.gz").read_bytes()
    assert gzip.decompress((tmp_path / "a.cnf.gz").read_bytes()) == b"p cnf 3 1\n1 -2 0\n"


def test_read_dimacs_is_lenient(tmp_path):
    path = tmp_path / "odd.cnf"
    path.write_text("c hi\n  p  cnf  4   3 \n\n 1  -2 0 3\n c mid\n 4 0 -1 0\n\n")
    assert read_dimacs_simple(path) == (4, [[1, -2], [3, 4], [-1]])


INDUSTRIAL = {
    "counter": lambda: counter_bmc(4, 10),
    "pipeline": lambda: pipeline_bmc(4, 4),
    "barrel": lambda: barrel_shifter_miter(8),
    "shift-add": lambda: shift_add_multiplier_miter(3),
}


@pytest.mark.parametrize("name", INDUSTRIAL)
def test_industrial_families_are_unsat_circuits_of_mostly_short_clauses(name):
    nvars, clauses = INDUSTRIAL[name]()
    assert not satisfiable(clauses)
    assert max(abs(l) for c in clauses for l in c) <= nvars  # the header covers every literal
    assert sum(len(c) <= 3 for c in clauses) >= 0.9 * len(clauses)
    assert INDUSTRIAL[name]() == (nvars, clauses)


def test_industrial_families_are_sat_without_their_property():
    """The last clause is the miter's 'they differ' (or the counter's bad state): without it, a
    model exists, so the unsatisfiability is the property's."""
    for make in INDUSTRIAL.values():
        assert satisfiable(make()[1][:-1])


@pytest.mark.parametrize("steps", [3, 6])
def test_the_counter_reaches_its_step_count_but_not_one_more(steps):
    """Its last `bits` clauses are the bad state's units: value steps + 1 is unreachable in `steps`
    steps, while value `steps` (every enable set) is reachable."""
    bits = 3
    nvars, clauses = counter_bmc(bits, steps)
    state = [abs(c[0]) for c in clauses[-bits:]]
    reachable = clauses[:-bits] + [[v if steps >> i & 1 else -v] for i, v in enumerate(state)]
    assert not satisfiable(clauses) and satisfiable(reachable)
    with pytest.raises(ValueError):
        counter_bmc(bits, 7)  # 8 does not fit in 3 bits
