"""Tripwire for evidence._compat, the module on python-sat's private proof API.

The small RUP replay below is a test oracle for CaDiCaL's output (which has
no RAT steps), not the project's checker.
"""

import pytest

import checker
from bench.families import pigeonhole, random_ksat
from evidence.solvers._compat import DRAT_SOLVERS, solve_with_drat, solve_with_lrat

PHP3 = pigeonhole(3)


def parse_text_lrat(data: bytes):
    steps = []
    for line in data.decode().splitlines():
        t = line.split()
        if t[1] == "d":
            steps.append(("d", [int(x) for x in t[2:-1]]))
        else:
            nums = [int(x) for x in t]
            z = nums.index(0, 1)
            steps.append(("a", nums[0], nums[1:z], nums[z + 1:-1]))
    return steps


def parse_binary_lrat(data: bytes):
    steps, i = [], 0
    while i < len(data):
        kind, nums, zeros = chr(data[i]), [], 0
        i += 1
        while zeros < (1 if kind == "d" else 2):
            x = shift = 0
            while True:
                b = data[i]
                i += 1
                x |= (b & 0x7F) << shift
                shift += 7
                if not b & 0x80:
                    break
            nums.append(-(x >> 1) if x & 1 else x >> 1)
            zeros += nums[-1] == 0
        if kind == "d":
            steps.append(("d", nums[:-1]))
        else:
            z = nums.index(0, 1)
            steps.append(("a", nums[0], nums[1:z], nums[z + 1:-1]))
    return steps


def replay_rup(clauses, steps):
    """True iff every addition is RUP by its hints, in order, and the empty
    clause is derived; formula clauses are ids 1..len(clauses)."""
    db = {i: c for i, c in enumerate(clauses, 1)}
    last = len(clauses)
    for step in steps:
        if step[0] == "d":
            for i in step[1]:
                assert i in db, f"deleting unknown clause {i}"
                del db[i]
            continue
        _, cid, lits, hints = step
        assert cid > last, f"id {cid} does not increase"
        true = {-l for l in lits}
        for h in hints:
            assert h > 0 and h in db, f"hint {h} not live"
            open_lits = [l for l in db[h] if -l not in true]
            assert not any(l in true for l in open_lits), f"hint {h} satisfied"
            if not open_lits:
                break
            assert len(open_lits) == 1, f"hint {h} not unit"
            true.add(open_lits[0])
        else:
            raise AssertionError(f"step {cid}: no conflict")
        db[cid], last = lits, cid
        if not lits:
            return True
    return False


@pytest.mark.parametrize("binary", [False, True])
def test_lrat_unsat_php3(tmp_path, binary):
    path = tmp_path / "php3.lrat"
    nvars, clauses = PHP3
    assert solve_with_lrat(nvars, clauses, path, binary=binary) is None
    data = path.read_bytes()
    assert data
    steps = parse_binary_lrat(data) if binary else parse_text_lrat(data)
    additions = [s for s in steps if s[0] == "a"]
    assert additions[-1][2] == []  # last addition is the empty clause
    assert additions[0][1] == len(clauses) + 1
    assert replay_rup(clauses, steps)


def test_lrat_text_and_binary_agree(tmp_path):
    nvars, clauses = random_ksat(30, 180, seed=1)
    assert solve_with_lrat(nvars, clauses, tmp_path / "p.lrat") is None
    assert solve_with_lrat(nvars, clauses, tmp_path / "p.blrat", binary=True) is None
    assert parse_text_lrat((tmp_path / "p.lrat").read_bytes()) == \
        parse_binary_lrat((tmp_path / "p.blrat").read_bytes())


# CaDiCaL derives clauses while these are being added (units, repeated
# literals, a tautology, an early contradiction), which shifts its ids.
RENUMBER_CASES = [
    [[1], [-1, 2], [-2, 3], [-3]],
    [[1, 1, 2], [1, -1, 3], [-1, -2], [-1, 2], [1, 2], [1, -2], [4, 5]],
    [[-1, 2], [1], [-2, 3], [3, -1, 4], [-3]],
    [[1], [-1], [2, 3], [4], [-4, 5]],
    [[1], [1], [2, -1], [-2]],
    [[13]] + [[-13] + c for c in PHP3[1]],  # every input shortened
    [[1], [2, 3], [2, -3], [-2, 3], [-2, -3], [1]],  # a repeated unit, deleted as solving starts: "0 d 6 0"
]


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("clauses", RENUMBER_CASES)
def test_lrat_ids_follow_formula_order(tmp_path, clauses, binary):
    path = tmp_path / "p.lrat"
    nvars = max(abs(l) for c in clauses for l in c)
    assert solve_with_lrat(nvars, clauses, path, binary=binary) is None
    data = path.read_bytes()
    assert replay_rup(clauses, parse_binary_lrat(data) if binary else parse_text_lrat(data))
    assert not list(tmp_path.glob("*.renumber"))
    cnf = tmp_path / "p.cnf"
    cnf.write_text(f"p cnf {nvars} {len(clauses)}\n" + "".join(" ".join(map(str, c)) + " 0\n" for c in clauses))
    for kernel in checker.kernels():  # the kernels read it too (a deletion's id 0 was refused)
        assert checker.check_lrat(cnf, path, kernel).verified


def test_lrat_empty_input_clause(tmp_path):
    path = tmp_path / "p.lrat"
    assert solve_with_lrat(2, [[1, 2], [], [-1]], path) is None
    assert path.read_text() == "4 0 2 0\n"


def check_model(nvars, clauses, model):
    assert sorted(abs(l) for l in model) == list(range(1, nvars + 1))
    true = set(model)
    assert all(any(l in true for l in c) for c in clauses)


def test_lrat_sat_returns_model(tmp_path):
    nvars, clauses = random_ksat(60, 120, seed=3)  # ratio 2: satisfiable
    model = solve_with_lrat(nvars + 5, clauses, tmp_path / "p.lrat")
    check_model(nvars + 5, clauses, model)


@pytest.mark.parametrize("solver", sorted(DRAT_SOLVERS))
def test_drat_text(tmp_path, solver):
    path = tmp_path / "p.drat"
    nvars, clauses = PHP3
    assert solve_with_drat(nvars, clauses, path, solver=solver) is None
    lines = path.read_text().splitlines()
    assert lines and lines[-1].split() == ["0"]  # the empty clause
    for line in lines:
        toks = line.split()
        assert toks[-1] == "0"
        assert all(t == "d" or int(t) != 0 for t in toks[:-1])
    sat = random_ksat(40, 80, seed=5)
    check_model(*sat, solve_with_drat(*sat, tmp_path / "s.drat", solver=solver))


def test_drat_binary_cadical(tmp_path):
    path = tmp_path / "p.bdrat"
    assert solve_with_drat(*PHP3, path, binary=True) is None
    data = path.read_bytes()
    assert data[:1] in (b"a", b"d") and data.endswith(b"a\x00")


def test_drat_binary_refused_where_unsupported(tmp_path):
    with pytest.raises(NotImplementedError):
        solve_with_drat(*PHP3, tmp_path / "p", solver="glucose4", binary=True)
    with pytest.raises(ValueError):
        solve_with_drat(*PHP3, tmp_path / "p", solver="kissat")
