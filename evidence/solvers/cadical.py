"""Run the untrusted solver in a worker process, with a time and a memory limit.

The solver (CaDiCaL through python-sat) runs in a child process, so that a
timeout, a crash or an allocation failure ends the child, never the run.  The
child streams its LRAT proof straight to a file (never held in memory) and, on
SAT, writes the model as SAT-competition ``v`` lines.  Nothing it says is
trusted: the kernel checks the file afterwards.

The child's protocol is its exit code: 10 SAT (model written), 20 UNSAT (proof
written), anything else an error explained on stderr.
"""
from __future__ import annotations

import bz2
import gzip
import lzma
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

EXIT_SAT, EXIT_UNSAT, EXIT_NO_MEMORY = 10, 20, 12
SOLVER = "cadical195"


@dataclass
class Solved:
    answer: str  # "UNSAT", "SAT" or "ERROR"
    seconds: float
    reason: str | None = None


def solver_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return f"CaDiCaL 1.9.5 via python-sat {version('python-sat')}"
    except PackageNotFoundError:
        return "CaDiCaL 1.9.5 via python-sat (version unknown)"


def solve(formula, proof, model, timeout: float | None, memory_mb: int | None) -> Solved:
    """Solve `formula` in a child process; `proof` and `model` are the paths it writes."""
    cmd = [sys.executable, "-m", "evidence.solvers.cadical", os.fspath(formula), os.fspath(proof), os.fspath(model),
           str(memory_mb or 0), str(timeout or 0)]
    start = time.monotonic()
    # A session of its own, so the whole group can be killed on timeout.
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
    try:
        _, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(child)
        return Solved("ERROR", time.monotonic() - start, f"solver timed out after {timeout:g} s")
    except BaseException:  # interrupted (Ctrl-C, SIGTERM): leave no solver behind
        _kill(child)
        raise
    seconds = time.monotonic() - start
    lines = err.decode(errors="replace").strip().splitlines()
    message = lines[-1] if lines else ""
    if child.returncode == EXIT_UNSAT:
        return Solved("UNSAT", seconds)
    if child.returncode == EXIT_SAT:
        return Solved("SAT", seconds)
    if child.returncode == EXIT_NO_MEMORY:
        return Solved("ERROR", seconds, f"solver ran out of memory (limit {memory_mb} MB)")
    if child.returncode < 0:
        name = signal.Signals(-child.returncode).name
        hint = f"; the memory limit is {memory_mb} MB" if memory_mb and name in ("SIGABRT", "SIGSEGV") else ""
        hint = f"; CPU time limit {timeout:g} s" if name in ("SIGXCPU", "SIGKILL") and timeout else hint
        return Solved("ERROR", seconds, f"solver killed by {name}{hint}")
    return Solved("ERROR", seconds, f"solver failed (exit {child.returncode}): {message or 'no message'}")


def _kill(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()


# --- the child ------------------------------------------------------------

_MAGIC = ((b"\x1f\x8b", gzip.open), (b"\xfd7zXZ\x00", lzma.open), (b"BZh", bz2.open))


def read_formula(path) -> tuple[int, list[list[int]]]:
    """Lenient DIMACS reading, compressed or not: the kernel has already parsed the file strictly."""
    with open(path, "rb") as f:
        head = f.read(6)
    opener = next((o for magic, o in _MAGIC if head.startswith(magic)), open)
    with opener(path, "rb") as f:
        data = f.read()
    nvars, clauses, current = 0, [], []
    for line in data.splitlines():
        line = line.strip()
        if not line or line[:1] in (b"c", b"%"):
            continue
        if line[:1] == b"p":
            nvars = int(line.split()[2])
            continue
        for tok in line.split():
            lit = int(tok)
            if lit:
                current.append(lit)
            else:
                clauses.append(current)
                current = []
    return nvars, clauses


def _limit(memory_mb: int, timeout: float) -> None:
    import ctypes
    import resource
    try:  # die with the parent, even when it is killed with SIGKILL (Linux)
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(1)
    except (OSError, AttributeError):
        pass
    if timeout:  # a backstop should the parent be unable to kill us
        cpu = int(timeout) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if memory_mb:  # address space, so that C++ allocations fail too; set last, once everything is loaded
        limit = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def write_model(path, model: list[int]) -> None:
    with open(path, "w") as f:
        f.write("s SATISFIABLE\n")
        line = "v"
        for lit in model + [0]:
            if len(line) > 72:
                f.write(line + "\n")
                line = "v"
            line += f" {lit}"
        f.write(line + "\n")


def _child(formula, proof, model, memory_mb, timeout) -> int:
    from evidence.solvers._compat import solve_with_lrat
    _limit(int(memory_mb), float(timeout))
    try:
        nvars, clauses = read_formula(formula)
        found = solve_with_lrat(nvars, clauses, proof)
        if found is None:
            return EXIT_UNSAT
        write_model(model, found)
        return EXIT_SAT
    except MemoryError:
        return EXIT_NO_MEMORY


if __name__ == "__main__":
    sys.exit(_child(*sys.argv[1:6]))
