"""The one module that touches python-sat's private proof-file API.

Why private: pysat's public ``get_proof()`` keeps the whole proof in memory
as a list of strings (and, for CaDiCaL, decodes binary DRAT in Python), and
it never gives LRAT.  Instead we hand the solver a file of ours through the
``pysolvers.<solver>_tracepr`` C functions, so the proof streams to disk.

What those functions do in python-sat 1.9.dev17 (read from its pysolvers.cc
and checked by tests/test_compat.py):

* ``tracepr(handle, fileobj)`` calls ``fdopen(fileobj.fileno(), "w+")``, so
  the file must be open for reading too (mode ``"wb+"``; ``"wb"`` fails), and
  the resulting ``FILE*`` shares the fd with our Python file.  It is made
  line-buffered (one write(2) per proof line: about 3% of solve time on a
  430 MB proof, so not worth fighting).  It returns a capsule of the
  ``FILE*`` that ``pysolvers.flushpr`` flushes.  Nobody ever fcloses that
  ``FILE*``: we flush it last, then close the fd from Python; the small
  ``FILE`` struct leaks, harmlessly since its buffer is empty.
* The proof format is fixed when the tracer is attached: CaDiCaL reads its
  ``lrat``/``binary`` options then, so ``configure`` must come first, and
  the tracer must be attached before the first clause is added.
* CaDiCaL's ``_del`` wrappers drop the file reference only when given the
  file, which pysat's own ``delete()`` does not do for a file it did not
  open: we call them ourselves.

Pin: python-sat==1.9.dev17.  Another version may change any of this; the
tests here are the tripwire.
"""

from __future__ import annotations

import os
import warnings

import pysat
from pysat import solvers as _solvers
from pysat.solvers import pysolvers as _ps

from .. import binary_lrat

__all__ = ["solve_with_lrat", "solve_with_drat", "DRAT_SOLVERS", "TESTED_PYSAT"]

TESTED_PYSAT = "1.9.dev17"
if getattr(pysat, "__version__", None) != TESTED_PYSAT:
    warnings.warn(
        f"evidence.solvers._compat was written against python-sat {TESTED_PYSAT}, "
        f"found {getattr(pysat, '__version__', '?')}: proof output is unverified",
        RuntimeWarning,
        stacklevel=2,
    )

# name -> (pysat class, attribute holding the C handle, tracepr, del taking the file)
#
# What each solver can write (python-sat 1.9.dev17):
#   cadical195   LRAT or DRAT, text or binary (options read at attach time).
#   glucose4     text DRUP only (Glucose 4.1 "certified UNSAT" output).
#   lingeling    text DRUP only (pysat sets druplig with drupligtrace=2).
#   maplechrono  text DRUP only (binary output is a compile-time switch).
# All four stream straight to the file; none keeps the proof in memory.
DRAT_SOLVERS = {
    "cadical195": (_solvers.Cadical195, "cadical", _ps.cadical195_tracepr, _ps.cadical195_del),
    "glucose4": (_solvers.Glucose4, "glucose", _ps.glucose41_tracepr, None),
    "lingeling": (_solvers.Lingeling, "lingeling", _ps.lingeling_tracepr, _ps.lingeling_del),
    "maplechrono": (_solvers.MapleChrono, "maplesat", _ps.maplechrono_tracepr, None),
}


def _run(name, nvars, clauses, proof_path, options):
    """Solve with a proof tracer on ``proof_path``.  Returns (model or None,
    size of the proof written while clauses were being added)."""
    cls, attr, tracepr, delete = DRAT_SOLVERS[name]
    solver = cls()
    handle = getattr(solver, attr)
    with open(proof_path, "wb+") as f:
        fp = None
        try:
            if options:
                solver.configure(options)
            fp = tracepr(handle, f)
            for clause in clauses:
                solver.add_clause(clause)
            _ps.flushpr(fp)
            added = os.fstat(f.fileno()).st_size
            model = solver.get_model() if _solve(solver) else None
        finally:
            # The destructor may still write to the FILE*, so flush after it.
            if delete is not None:
                delete(handle, f if fp is not None else None)
                setattr(solver, attr, None)  # keep pysat's delete() from freeing twice
            else:
                solver.delete()
            if fp is not None:
                _ps.flushpr(fp)
    if model is not None:
        # The solver only knows variables it has seen; the caller asked for nvars.
        seen = {abs(l) for l in model}
        model = list(model) + [-v for v in range(1, nvars + 1) if v not in seen]
    return model, added


def _solve(solver) -> bool:
    """solve(), within the producer's budget of conflicts if it has one (evidence.smt.budget)."""
    from ..smt import budget
    conflicts = budget.left()
    if conflicts is None:
        return solver.solve()
    before = solver.accum_stats().get("conflicts", 0)
    solver.conf_budget(conflicts)
    answer = solver.solve_limited()
    budget.spend(solver.accum_stats().get("conflicts", 0) - before)
    if answer is None:
        raise budget.exhausted()
    return answer


def solve_with_drat(nvars: int, clauses: list[list[int]], proof_path,
                    solver: str = "cadical195", binary: bool = False) -> list[int] | None:
    """Solve; on UNSAT leave a DRAT proof (ending in the empty clause) in
    ``proof_path`` and return None, on SAT return a model over 1..nvars (the
    file then holds whatever lemmas were logged).  ``binary`` needs cadical195.
    """
    if solver not in DRAT_SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; known: {', '.join(DRAT_SOLVERS)}")
    if binary and solver != "cadical195":
        raise NotImplementedError(f"{solver} writes text DRAT only")
    options = {"lrat": 0, "binary": int(binary)} if solver == "cadical195" else None
    model, _ = _run(solver, nvars, clauses, proof_path, options)
    return model


def solve_with_lrat(nvars: int, clauses: list[list[int]], proof_path,
                    binary: bool = False) -> list[int] | None:
    """Solve with CaDiCaL 1.9.5; on UNSAT write an LRAT proof (text unless
    ``binary``) to ``proof_path`` and return None, on SAT return a model.

    The proof numbers the formula's clauses 1..len(clauses) in order, as a
    checker reading the DIMACS file does.
    """
    n = len(clauses)
    for j, clause in enumerate(clauses, start=1):
        if not clause:
            # CaDiCaL writes nothing at all for an empty input clause.
            with open(proof_path, "wb") as f:
                f.write(_bin_record("a", [n + 1, 0, j, 0]) if binary else f"{n + 1} 0 {j} 0\n".encode())
            return None
    model, added = _run("cadical195", nvars, clauses, proof_path, {"lrat": 1, "binary": int(binary)})
    if model is None:
        if added or _check_first_id(proof_path, n, binary):
            _renumber(proof_path, n, binary, added)
    return model


# --- Clause numbering ------------------------------------------------------
#
# CaDiCaL gives input clauses and derived clauses ids from one counter, in the
# order they arise.  While clauses are being added it may already derive some
# (an input clause shortened by an earlier unit, or one with a repeated
# literal) and these take ids between input clauses: with units in the
# formula, input clause j is not id j.  Whatever was written during adding is
# therefore parsed, the input ids are the ones not taken by those steps, and
# the file is rewritten so the inputs become 1..n and those early steps
# n+1..n+k.  Later steps already have ids above n+k and keep them.  Formulas
# without units or repeated literals never take this path.


def _varint(x: int) -> bytes:
    out = bytearray()
    while x > 0x7F:
        out.append(x & 0x7F | 0x80)
        x >>= 7
    out.append(x)
    return bytes(out)


def _bin_record(kind: str, nums: list[int]) -> bytes:
    """Binary LRAT record: every number (ids too) as 2|x| + (x < 0)."""
    return kind.encode() + b"".join(_varint(2 * abs(x) + (x < 0)) for x in nums)


def _records(data_iter, binary: bool):
    """Yield (kind, numbers) per proof record, numbers including the 0s.
    Text deletions put CaDiCaL's last id first; binary ones have none."""
    if not binary:
        for line in data_iter:
            toks = line.split()
            if not toks:
                continue
            if toks[1] == b"d":
                yield "d", [int(toks[0])] + [int(t) for t in toks[2:]]
            else:
                yield "a", [int(t) for t in toks]
        return
    try:
        yield from binary_lrat.records(data_iter)
    except binary_lrat.BinaryLratError as error:
        raise RuntimeError(f"binary LRAT from CaDiCaL, byte {error.args[1]}: {error.args[0]}") from None


def _chunks(f, size=1 << 20):
    while chunk := f.read(size):
        yield chunk


def _check_first_id(path, n: int, binary: bool) -> bool:
    """Cheap tripwire for the fast path: the first derived id must follow
    the inputs.  True when a text deletion comes first: CaDiCaL gives it the
    id 0 (it deletes a repeated input clause as it starts solving), which
    _renumber replaces."""
    with open(path, "rb") as f:
        for kind, nums in _records(f if not binary else _chunks(f, 4096), binary):
            if kind == "a":
                if nums[0] <= n:
                    raise RuntimeError(f"CaDiCaL numbered a derived clause {nums[0]} <= {n} inputs")
                return False
            if not binary and nums[0] == 0:
                return True
    return False


def _renumber(path, n: int, binary: bool, added: int) -> None:
    with open(path, "rb") as f:
        head = f.read(added)
    records = list(_records(head.splitlines() if not binary else [head], binary))
    early = [nums[0] for kind, nums in records if kind == "a"]
    top = n + len(early)
    if any(i > top for i in early):
        raise RuntimeError("unexpected clause numbering from CaDiCaL")
    taken = set(early)
    table = {old: new for new, old in enumerate((i for i in range(1, top + 1) if i not in taken), 1)}
    table.update({old: n + k for k, old in enumerate(early, 1)})

    def m(x: int) -> int:
        return -table.get(-x, -x) if x < 0 else table.get(x, x)

    tmp = f"{os.fspath(path)}.renumber"
    last = n
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        for i, (kind, nums) in enumerate(_records(src if not binary else _chunks(src), binary)):
            if kind == "a":
                if i >= len(records) and nums[0] <= top:
                    raise RuntimeError("unexpected clause numbering from CaDiCaL")
                z = nums.index(0, 1)
                # literals (nums[1:z]) stay; ids and hints are renumbered
                nums = [m(nums[0])] + nums[1:z + 1] + [m(h) for h in nums[z + 1:]]
                last = nums[0]
            else:
                nums = [m(x) for x in nums]
                if not binary:
                    # A deletion before any addition has leading id 0 from
                    # CaDiCaL, which strict readers refuse: use the last id.
                    nums[0] = last
            if binary:
                dst.write(_bin_record(kind, nums))
            elif kind == "a":
                dst.write((" ".join(map(str, nums)) + "\n").encode())
            else:
                dst.write((f"{nums[0]} d " + " ".join(map(str, nums[1:])) + "\n").encode())
    os.replace(tmp, path)
