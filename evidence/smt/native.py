"""The native producer: a lazy DPLL(T) loop that writes a proofgate SMT certificate (untrusted).

A SAT solver (python-sat) solves the Boolean skeleton; the theory solvers look at the atoms its model
assigns and turn each inconsistency into a lemma clause with a witness (evidence.smt.theories),
which is added to the solver and streamed to the certificate; integer branches and the two sides of
disequalities become new atoms.  When the solver finds no more models, skeleton + lemmas is
propositionally unsatisfiable, and CaDiCaL proves it once more from scratch, writing the LRAT (or
DRAT) refutation that closes the certificate.  A model the theories all accept becomes the `sat`
answer.  Nothing here is trusted: `proofgate check` (the kernel) decides.
"""
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field

from pysat.solvers import Solver

from checker.smt import SATISFIED, check_model
from checker.smtlib import read

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
        self.solver = Solver(name=SAT_SOLVER, bootstrap_with=atoms.skeleton.clauses)
        self.lemmas, self.rounds, self.assignment = [], 0, {}

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
        if self.deadline is None:
            return self.solver.solve()
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Timeout("the time limit was reached")
        timer = threading.Timer(left, self.solver.interrupt)
        timer.start()
        try:
            answer = self.solver.solve_limited(expect_interrupt=True)
        finally:
            timer.cancel()
        if answer is None:
            raise Timeout("the time limit was reached")
        self.solver.clear_interrupt()
        return answer


def prove(problem_path, out_path, refutation="lrat", timeout=None, binary=False):
    """Write a certificate for the problem; returns a Result.  Raises checker.smtlib.SmtError on a
    problem outside the kernel's subset, Unknown (Timeout) when no answer was found."""
    if refutation not in ("lrat", "drat"):
        raise ValueError(f"refutation is lrat or drat, not {refutation!r}")
    start = time.monotonic()
    with open(problem_path, "rb") as f:
        data = f.read()
    problem = read(data)
    writer = Writer(out_path, data)
    try:
        atoms = Atoms(problem, on_new=writer.atom)
        search = Search(problem, atoms, writer.lemma, start + timeout if timeout else None)
        answer = search.run()
        searched = time.monotonic()
        if answer == "sat":
            model = Model(problem, atoms.skeleton, search.assignment, search.theories.values).text()
            if check_model(problem, model.encode(), 0) is not SATISFIED:  # strings tied by concatenations
                raise Unknown("the model found does not satisfy the problem (word equations are beyond this producer)")
            writer.sat(model)
        else:
            with tempfile.TemporaryDirectory(prefix="proofgate-smt-") as scratch:
                proof = os.path.join(scratch, f"proof.{refutation}")
                refute(atoms.skeleton, [lits for _, lits, _ in search.lemmas], proof, refutation, binary)
                writer.unsat(refutation, proof)
    finally:
        writer.close()
    done = time.monotonic()
    return Result(answer, search.rounds, len(search.lemmas), len(atoms.lines),
                  {"search": searched - start, "refutation": done - searched, "total": done - start})


def refute(skeleton, lemmas, path, refutation="lrat", binary=False):
    """CaDiCaL's proof that skeleton + lemmas is unsatisfiable, written to `path`."""
    from evidence._compat import solve_with_drat, solve_with_lrat
    clauses = skeleton.clauses + [list(c) for c in lemmas]
    if refutation == "lrat":
        model = solve_with_lrat(skeleton.count, clauses, path, binary=binary)
    else:
        model = solve_with_drat(skeleton.count, clauses, path, binary=binary)
    if model is not None:
        raise AssertionError("skeleton + lemmas is satisfiable after the loop said unsat (bug)")


def complete(problem, atoms, lemmas):
    """The loop seeded with someone else's lemmas (the cvc5 importer's): returns those lemmas and
    ours, as (tag, literals, witness tokens), which together make skeleton + lemmas unsatisfiable.
    New atoms go through `atoms.variable`, so the caller writes their atom lines."""
    search = Search(problem, atoms)
    for tag, literals, witness in lemmas:
        search.add(tag, literals, witness)
    if search.run() != "unsat":
        raise Unknown("the problem is satisfiable: no lemmas refute it")
    return search.lemmas
