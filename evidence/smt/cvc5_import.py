"""cvc5's answer as a proofgate SMT certificate (untrusted producer; nothing cvc5 says is believed).

UNSAT: cvc5's theory lemmas (see cvc5_run) are read back over the problem's symbols, their atoms put
in the kernel's canonical form (atoms the skeleton lacks become `atom` lines), and each lemma is
justified again by our own theory solvers (evidence.smt.justify); lemmas we cannot justify are
dropped and reported.  CaDiCaL then refutes skeleton + lemmas (LRAT, or DRAT).  When the imported
lemmas do not suffice (cvc5 preprocesses and rewrites atoms), the native DPLL(T) loop finishes the
job seeded with them, if evidence.smt.native offers that; otherwise the import fails.
SAT: cvc5's model, which the kernel must accept before it is written.

Either way the certificate is checked with `checker.check_smt` before `prove` reports success.
"""
import hashlib
import itertools
import os
import time
from dataclasses import dataclass, field

import checker
from checker.skeleton import Skeleton, canonical
from checker.smt import VERSION
from checker.smtlib import SmtError, bottom_up, read

from . import cvc5_run
from .atoms import Atoms as NativeAtoms
from .bridge import bridges
from .justify import Unjustified, justify
from .theories import Unknown

ATOM_OPS = ("const", "app", "in", "<", "<=", ">", ">=", "true", "false")  # as checker.smt.declare
MAX_VARIANTS = 16  # clauses one cvc5 lemma may expand to (negated glob unions)


class ImportFailed(Exception):
    """The producer could not make a certificate the kernel accepts (no verdict on the problem)."""


class Rejected(ImportFailed):
    """The kernel rejects the certificate made from cvc5's answer: a producer bug (`smt prove` exit 3)."""


@dataclass
class Imported:
    answer: str  # "unsat" or "sat"
    lemmas: int = 0  # lemma lines written
    imported: int = 0  # cvc5 lemmas justified
    dropped: list = field(default_factory=list)  # (cvc5 lemma text, why) for those we could not justify
    completed: bool = False  # the native loop had to add lemmas of its own
    seconds: dict = field(default_factory=dict)  # cvc5, import, check


def prove(problem_path, out_path, refutation="lrat", timeout=None):
    """Write a certificate for the problem to `out_path`; returns "unsat" or "sat", or raises
    ImportFailed (cvc5 gave no answer, or nothing the kernel accepts could be made of it)."""
    return run(problem_path, out_path, refutation, timeout).answer


def run(problem_path, out_path, refutation="lrat", timeout=None, kernel="c"):
    """As prove, with the details: an Imported."""
    if refutation not in ("lrat", "drat"):
        raise ValueError(f"refutation is lrat or drat, not {refutation!r}")
    with open(problem_path, "rb") as f:
        data = f.read()
    read(data)  # a problem outside the kernel's subset is refused before cvc5 runs (SmtError)
    answer = cvc5_run.ask(problem_path, timeout)
    if answer.status not in ("sat", "unsat"):
        raise ImportFailed(f"cvc5 answered {answer.status} ({answer.reason})")
    start = time.perf_counter()
    header = f"{VERSION}\nproblem {hashlib.sha256(data).hexdigest()}\n{answer.status}\n"
    if answer.status == "sat":
        result = Imported("sat")
        with open(out_path, "w", encoding="utf-8") as out:
            out.write(header + "".join(line + "\n" for line in answer.model))
        lrat = None
    else:
        result, lrat = _unsat(data, answer, header, out_path, refutation)
    result.seconds = {"cvc5": answer.seconds, "import": time.perf_counter() - start}
    try:
        verdict = checker.check_smt(problem_path, out_path, kernel=kernel, refutation=lrat)
        reason = verdict.reason
    except checker.InputError as error:  # our own output is malformed: a producer bug, said as such
        verdict, reason = None, str(error)
    finally:
        if lrat:
            os.unlink(lrat)
    if verdict is None or not verdict.verified:
        os.replace(out_path, f"{out_path}.rejected")
        raise Rejected(f"the kernel rejects the {answer.status} certificate made from cvc5's answer "
                           f"(kept as {out_path}.rejected): {reason}")
    result.seconds["check"] = verdict.seconds
    return result


# ---- UNSAT ---------------------------------------------------------------------------------
class Atoms(NativeAtoms):
    """The native producer's atom table (keys to variables, atom lines for new ones), reading cvc5's
    literals too; an atom the kernel would refuse makes the lemma unjustified, not a crash."""

    def __init__(self, problem):
        super().__init__(problem, on_new=lambda var, text: self.added.append(var))
        self.added = []  # variables of atom lines

    def number(self, lemmas):
        """justify's lemmas as (tag, literals as signed variables, witness)."""
        return [(l.tag, [self.variable(k) * (1 if p else -1) for k, p in l.literals], l.witness)
                for l in lemmas]

    def variable(self, key):
        try:
            return super().variable(key)
        except (AssertionError, KeyError, ValueError) as error:
            raise Unjustified(f"no atom line for {key!r}: {error}") from None

    def literals(self, text, positive):
        """cvc5's literal as alternatives: a list of clause parts, each a list of (key, positive)."""
        try:
            t = self.problem.parse_term(text.encode(), "Bool")
        except SmtError as error:
            raise Unjustified(f"atom {text[:80]} is outside the kernel's subset ({error})") from None
        op, _, args, _ = self.problem.terms[t]
        if not (op in ATOM_OPS or op == "=" and self.problem.sort(args[0]) != "Bool"):
            raise Unjustified(f"{text[:80]} is no atom of the kernel's (a connective?)")
        found = canonical(self.problem, t)
        if isinstance(found, list):  # a membership in a union of globs: their disjunction
            return [[(key, True) for key in found]] if positive else [[(key, False)] for key in found]
        if found[0] in (True, False):
            return [[]] if found[0] != positive else None  # false literal: gone; true: a tautology
        key, same = found
        return [[(key, positive == same)]]


def clauses_of(atoms, lemma):
    """cvc5's clause as our clauses over canonical atoms (several when a negated union splits)."""
    parts = []
    for text, positive in lemma:
        alternatives = atoms.literals(text, positive)
        if alternatives is None:
            return []  # a tautology: nothing to import
        parts.append(alternatives)
    variants = 1
    for p in parts:
        variants *= len(p)
    if variants > MAX_VARIANTS:
        raise Unjustified(f"expands to {variants} clauses")
    return [list(dict.fromkeys(lit for part in combo for lit in part))
            for combo in itertools.product(*parts)]


def _unsat(data, answer, header, out_path, refutation):
    try:
        problem = read(data)
    except SmtError as error:
        raise ImportFailed(f"the kernel cannot read the problem: {error}") from None
    atoms, lemmas, result = Atoms(problem), [], Imported("unsat")
    for lemma in answer.lemmas:
        try:
            lemmas += atoms.number([done for c in clauses_of(atoms, lemma) for done in justify(problem, c)])
        except Unjustified as why:
            result.dropped.append((_show(lemma), str(why)))
            continue
        result.imported += 1
    lrat = _write(atoms, _unique(lemmas), header, out_path, refutation)
    if lrat is False:  # skeleton + cvc5's lemmas is satisfiable: cvc5 rewrote atoms, bridge them
        new = set(atoms.skeleton.atoms[v] for v in atoms.added)
        lemmas += atoms.number(bridges(problem, list(atoms.skeleton.atoms.values()), new))
        lrat = _write(atoms, _unique(lemmas), header, out_path, refutation)
    if lrat is False:
        lemmas = _complete(problem, atoms, _unique(lemmas), result)
        lrat = _write(atoms, lemmas, header, out_path, refutation)
        if lrat is False:
            raise ImportFailed("skeleton + lemmas is still satisfiable after the native loop (a producer bug)")
    result.lemmas = len(_unique(lemmas))
    return result, lrat


def _unique(lemmas):
    return list(dict.fromkeys((tag, tuple(lits), tuple(w)) for tag, lits, w in lemmas))


def _show(lemma):
    return "(or " + " ".join(t if p else f"(not {t})" for t, p in lemma) + ")"


def _complete(problem, atoms, lemmas, result):
    """More lemmas from the native loop, seeded with the imported ones; ImportFailed without it."""
    seeded = _native_completion()
    if seeded is None:
        raise ImportFailed("cvc5's lemmas (as imported) leave skeleton + lemmas satisfiable, and "
                           "evidence.smt.native offers no loop to finish from them"
                           + (f" ({len(result.dropped)} lemma(s) dropped)" if result.dropped else ""))
    result.completed = True
    try:
        return [tuple(lemma) for lemma in seeded(problem, atoms, lemmas)]
    except (Unknown, Unjustified) as error:
        raise ImportFailed(f"the native loop, seeded with cvc5's lemmas, finds no refutation: {error}"
                           + (f" ({len(result.dropped)} lemma(s) dropped)" if result.dropped else "")) from None


def _native_completion():
    """The native DPLL(T) loop's entry point for seeding with lemmas, if it has one."""
    try:
        from . import native
    except ImportError:
        return None
    return getattr(native, "complete", None)


def as_the_kernel_reads(atoms, lemmas):
    """The lemmas over the atom lines as the kernel will read them.  An atom line's variable stands for
    the canonical atom of its text in the kernel's own reading, where the terms are made in the order
    of the certificate's lines; ours were also made while reading cvc5's literals, in another order.
    A linear atom's orientation follows the order of its terms (the first one's coefficient is made
    positive), so a line may stand for the negation of the atom we meant (`<=`, `<`: its literals are
    negated, the Farkas rows stay the same), or for the same equation the other way round (`=`: its
    multipliers are negated; for a disequality the two refutations swap).  We replay the kernel's
    reading of the lines to find them."""
    from checker.smt import declare

    if not atoms.added:
        return lemmas
    replay = read(atoms.problem.data)
    skeleton = Skeleton(replay)
    for line in atoms.lines:
        _, number, text = line.split(" ", 2)
        declare(replay, skeleton, number, text.encode(), 0)
    terms, ids, memo = atoms.problem.terms, replay._ids, {}

    def replayed(u):  # our term u (its arguments done) as a term of the replay, or None (never made there)
        op, payload, args, sort = terms[u]
        if any(memo[a] is None for a in args):
            return None
        return ids.get(tuple.__new__(type(terms[u]), (op, payload, tuple(memo[a] for a in args), sort)))

    def there(t):
        return bottom_up(terms, t, memo, replayed)

    flipped = {}  # variable -> its kind ("<=", "<" or "=") where the kernel's orientation is the other
    for var in atoms.added:
        key = atoms.skeleton.atoms[var]
        if key[0] != "lin":
            continue
        pairs = sorted((there(x), c) for x, c in key[2]) if all(there(x) is not None for x, _ in key[2]) else None
        if pairs and pairs[0][1] < 0:
            flipped[var] = key[1]
    if not flipped:
        return lemmas
    out = []
    for tag, lits, witness in lemmas:
        equations = [i for i, lit in enumerate(lits) if flipped.get(abs(lit)) == "=" and lit < 0]  # true ones
        disequality = any(flipped.get(abs(lit)) == "=" and lit > 0 for lit in lits)
        if (equations or disequality) and tag in ("lra", "lia"):
            witness = _reoriented(tag, witness, equations, disequality)
        out.append((tag, tuple(-lit if flipped.get(abs(lit), "=") != "=" else lit for lit in lits), tuple(witness)))
    return out


def _reoriented(tag, witness, rows, disequality):
    """An lra/lia witness with the multipliers of hypothesis rows `rows` (0-based: true equations)
    negated, and the two refutations swapped for a disequality read the other way round (its `<` side
    is our `>` side: the same row)."""
    parts = " ".join(witness).split("|")
    fixed = []
    for part in parts:
        if tag == "lra":
            tokens = part.split()
            fixed.append(" ".join(_negated(m) if i in rows else m for i, m in enumerate(tokens)))
            continue
        steps = []
        for step in part.split(";"):
            tokens = step.split()
            for j in range(0, len(tokens) - (tokens[-1:] == ["cut"]), 2):
                if int(tokens[j]) - 1 in rows:
                    tokens[j + 1] = _negated(tokens[j + 1])
            steps.append(" ".join(tokens))
        fixed.append(" ; ".join(steps))
    if disequality and len(fixed) == 2:
        fixed.reverse()
    return " | ".join(fixed).split()


def _negated(m):
    return m[1:] if m.startswith("-") else "0" if m == "0" else f"-{m}"


def _write(atoms, lemmas, header, out_path, refutation):
    """Solve skeleton + lemmas with CaDiCaL and write the certificate; returns the LRAT path that
    elaborates a DRAT refutation (for the kernel's check), None for an LRAT one, False when
    skeleton + lemmas is satisfiable (nothing written)."""
    from evidence.solvers import drat
    from evidence.solvers._compat import solve_with_drat, solve_with_lrat
    skeleton = atoms.skeleton
    lemmas = as_the_kernel_reads(atoms, lemmas)
    clauses = skeleton.clauses + [list(lits) for _, lits, _ in lemmas]
    proof = f"{out_path}.{refutation}.tmp"
    solve = solve_with_lrat if refutation == "lrat" else solve_with_drat
    if solve(skeleton.count, clauses, proof) is not None:
        os.unlink(proof)
        return False
    with open(out_path, "wb") as out:
        body = header + "".join(line + "\n" for line in atoms.lines) + "".join(
            f"lemma {tag} {' '.join(map(str, lits))} 0{''.join(' ' + w for w in witness)}\n"
            for tag, lits, witness in lemmas) + f"refutation {refutation}\n"
        out.write(body.encode())
        with open(proof, "rb") as src:
            while chunk := src.read(1 << 20):
                out.write(chunk)
    if refutation == "lrat":
        os.unlink(proof)
        return None
    cnf, lrat = f"{out_path}.cnf.tmp", f"{out_path}.lrat.tmp"
    with open(cnf, "wb") as f:
        f.write(skeleton.dimacs([list(lits) for _, lits, _ in lemmas]))
    try:
        done = drat.elaborate(cnf, proof, lrat)
    finally:
        os.unlink(cnf), os.unlink(proof)
    if done.status != "elaborated":
        raise ImportFailed(f"the DRAT engine could not elaborate CaDiCaL's DRAT: {done.message}")
    return lrat
