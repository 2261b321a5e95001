"""The native producer: a lazy DPLL(T) loop that writes a proofgate SMT certificate (untrusted).

A SAT solver (python-sat) solves the Boolean skeleton; the theory solvers look at the atoms its model
assigns and turn each inconsistency into a lemma clause with a witness (evidence.smt.theories),
which is added to the solver and streamed to the certificate; integer branches and the two sides of
disequalities become new atoms.  When the solver finds no more models, skeleton + lemmas is
propositionally unsatisfiable, and CaDiCaL proves it once more from scratch, writing the LRAT (or
DRAT) refutation that closes the certificate.  A model the theories all accept becomes the `sat`
answer.  A bit-blasted problem (bit-vectors: the kernel's circuits are in the skeleton) goes to
CaDiCaL first, eagerly: unsat there needs no lemma, and a model the theories accept is the answer;
otherwise the lazy loop runs.  CaDiCaL cannot be interrupted, so under a time limit it runs in a
child process that is killed at the deadline.  Nothing here is trusted: `proofgate check` (the
kernel) decides.
"""
import contextlib
import os
import pickle
import select
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field

from pysat.solvers import Solver

from checker.smt import SATISFIED, check_model
from checker.smtlib import read

from . import budget
from .atoms import Atoms
from .certificate import Writer
from .models import Model
from .theories import Theories, Unknown

SAT_SOLVER = "glucose4"  # incremental, interruptible


class Timeout(Unknown):
    """The time limit stopped the search: no certificate."""


@dataclass
class Result:
    answer: str  # "unsat" or "sat"
    rounds: int = 0  # SAT solver calls
    lemmas: int = 0
    atoms: int = 0  # atom lines
    seconds: dict = field(default_factory=dict)  # search, refutation, total


class Search:
    """The DPLL(T) loop over `atoms` (an Atoms, or anything with .skeleton and .variable(key))."""

    def __init__(self, problem, atoms, on_lemma=None, deadline=None):
        self.problem, self.atoms, self.on_lemma, self.deadline = problem, atoms, on_lemma, deadline
        self.theories = Theories(problem, atoms)
        self._solver, self.lemmas, self.rounds, self.assignment = None, [], 0, {}

    @property
    def solver(self):
        """The incremental SAT solver, made at first use (an eager answer needs none)."""
        if self._solver is None:
            self._solver = Solver(name=SAT_SOLVER, bootstrap_with=self.atoms.skeleton.clauses)
        return self._solver

    def add(self, tag, literals, witness):
        self.lemmas.append((tag, list(literals), list(witness)))
        self.solver.add_clause(list(literals))
        if self.on_lemma:
            self.on_lemma(tag, literals, witness)

    def run(self):
        """"unsat" (skeleton + lemmas has no model) or "sat" (self.assignment is consistent)."""
        try:
            while True:
                self.rounds += 1
                if not self._solve():
                    return "unsat"
                model = self.solver.get_model()
                self.assignment = {abs(lit): lit > 0 for lit in model}
                found = self.theories.conflicts(self.assignment)
                if not found:
                    return "sat"
                for lemma in found:
                    self.add(*lemma)
        finally:
            self.solver.delete()

    def _solve(self):
        """One SAT call within what is left of the budget (budget.Exhausted) and before the deadline
        (the wall-clock safety net: Timeout)."""
        conflicts = budget.left()
        if self.deadline is None and conflicts is None:
            return self.solver.solve()
        timer, stopped = None, []
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise Timeout("the time limit was reached")
            timer = threading.Timer(left, lambda: (stopped.append(True), self.solver.interrupt()))
            timer.start()
        before = self.solver.accum_stats().get("conflicts", 0)
        try:
            if conflicts is not None:
                self.solver.conf_budget(conflicts)
            answer = self.solver.solve_limited(expect_interrupt=timer is not None)
        finally:
            if timer is not None:
                timer.cancel()
        budget.spend(self.solver.accum_stats().get("conflicts", 0) - before)
        if answer is None:
            if stopped:
                raise Timeout("the time limit was reached")
            raise budget.exhausted()
        if timer is not None:
            self.solver.clear_interrupt()
        return answer


@contextlib.contextmanager
def time_limit(seconds):
    """Raise Timeout in the main thread once `seconds` have passed, wherever the producer is then
    (the theory solvers' loops too; a SAT call is interrupted by Search._solve's timer)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise Timeout("the time limit was reached")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def prove(problem_path, out_path, refutation="lrat", timeout=None, binary=False, problem=None):
    """Write a certificate for the problem; returns a Result.  Raises checker.smtlib.SmtError on a
    problem outside the kernel's subset, Unknown (Timeout) when no answer was found.  `problem`: the
    file as checker.smtlib.read already read it (the loop adds terms to it), not to read it again."""
    if refutation not in ("lrat", "drat"):
        raise ValueError(f"refutation is lrat or drat, not {refutation!r}")
    start = time.monotonic()
    with open(problem_path, "rb") as f:
        data = f.read()
    problem = problem or read(data)
    writer = Writer(out_path, data)
    with time_limit(timeout and max(0.001, start + timeout - time.monotonic())):
        return _prove(problem, writer, refutation, timeout, binary, start)


def _prove(problem, writer, refutation, timeout, binary, start):
    try:
        atoms = Atoms(problem, on_new=writer.atom)
        deadline = start + timeout if timeout else None
        search = Search(problem, atoms, writer.lemma, deadline)
        with tempfile.TemporaryDirectory(prefix="proofgate-smt-") as scratch:
            proof = os.path.join(scratch, f"proof.{refutation}")
            answer = eager(search, proof, refutation, binary, deadline) if hasattr(atoms.skeleton, "bitvec") \
                else None
            answer = answer or search.run()
            searched = time.monotonic()
            if answer == "sat":
                model = Model(problem, atoms.skeleton, search.assignment, search.theories.values).text()
                if any(t.op == "str.++" or t.sort[0] == "Array" for t in problem.terms) and \
                        check_model(problem, model.encode(), 0) is not SATISFIED:  # strings tied by concatenations:
                    raise Unknown("the model found does not satisfy the problem (word equations and some arrays are "
                                  "beyond this producer)")  # our models of them may fail; any other failure: exit 3
                writer.sat(model)
            else:
                if search.rounds:  # the lazy loop decided: CaDiCaL proves it once more, from scratch
                    refute(atoms.skeleton, [lits for _, lits, _ in search.lemmas], proof, refutation, binary,
                           deadline)
                writer.unsat(refutation, proof)
    finally:
        writer.close()
    done = time.monotonic()
    return Result(answer, search.rounds, len(search.lemmas), len(atoms.lines),
                  {"search": searched - start, "refutation": done - searched, "total": done - start})


def eager(search, path, refutation, binary, deadline):
    """CaDiCaL on the skeleton alone: "unsat" (its refutation at `path`), "sat" when the theories accept
    its model (search.assignment), or None: the lazy loop decides."""
    skeleton = search.atoms.skeleton
    model = solve(skeleton, [], path, refutation, binary, deadline)
    if model is None:
        return "unsat"
    search.assignment = {abs(lit): lit > 0 for lit in model}
    return None if search.theories.conflicts(search.assignment) else "sat"


def solve(skeleton, lemmas, path, refutation="lrat", binary=False, deadline=None):
    """CaDiCaL on skeleton + lemmas: None when unsatisfiable (the refutation written to `path`), else
    a model.  With a deadline, in a child process killed there (Timeout)."""
    from evidence.solvers._compat import solve_with_drat, solve_with_lrat
    clauses = skeleton.clauses + [list(c) for c in lemmas]
    run = solve_with_lrat if refutation == "lrat" else solve_with_drat
    return bounded(lambda: run(skeleton.count, clauses, path, binary=binary), deadline)


def refute(skeleton, lemmas, path, refutation="lrat", binary=False, deadline=None):
    """CaDiCaL's proof that skeleton + lemmas is unsatisfiable, written to `path`."""
    if solve(skeleton, lemmas, path, refutation, binary, deadline) is not None:
        raise AssertionError("skeleton + lemmas is satisfiable after the loop said unsat (bug)")


def bounded(work, deadline, clock=time.monotonic):
    """work() (no deadline), or work() in a forked child whose result comes back pickled through a
    pipe, killed at the deadline on `clock` (Timeout).  os.fork, not multiprocessing: a daemonic pool
    worker may fork but not start a multiprocessing child."""
    if deadline is None:
        return work()
    if deadline <= clock():
        raise Timeout("the time limit was reached")
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        os.close(reader)
        try:
            try:
                data = pickle.dumps((True, work()))
            except budget.Exhausted as error:  # as it is: the caller says which limit ended the search
                data = pickle.dumps((False, error))
            except BaseException as error:  # noqa: BLE001 - handed to the parent, which raises it
                data = pickle.dumps((False, RuntimeError(f"{type(error).__name__}: {error}")))
            with os.fdopen(writer, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(writer)
    chunks = []
    try:
        while True:
            left = deadline - clock()
            if left <= 0 or not select.select([reader], [], [], left)[0]:
                raise Timeout("the time limit was reached")
            chunk = os.read(reader, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(reader)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if not chunks:
        raise Unknown("the solver's process ended without an answer")
    ok, value = pickle.loads(b"".join(chunks))
    if not ok:
        raise value
    return value


def complete(problem, atoms, lemmas):
    """The loop seeded with someone else's lemmas (the cvc5 importer's): returns those lemmas and
    ours, as (tag, literals, witness tokens), which together make skeleton + lemmas unsatisfiable.
    New atoms go through `atoms.variable`, so the caller writes their atom lines."""
    search = Search(problem, atoms)
    for tag, literals, witness in lemmas:
        search.add(tag, literals, witness)
    if search.run() != "unsat":
        raise Unknown("the lemmas found do not refute the problem, and the native theories cannot tell more: no answer")
    return search.lemmas
