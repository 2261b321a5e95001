"""Witnesses for theory lemmas that someone else found (untrusted): given a clause over canonical
atoms, recompute exactly why it holds, with our own theory solvers, in the certificate's terms.

A lemma's *hypotheses* are its literals negated, as the kernel reads them: `(key, truth)` pairs with
`key` a canonical atom of `checker.skeleton` (literal l > 0 gives "atom false").  `justify` answers
a list of `Lemma`s that together imply the clause (one, or more when LIA needs case splits, which
introduce new atoms), or raises `Unjustified` saying why not.  Every lemma it returns has passed the
kernel's own `checker.theory.check`: nothing unchecked leaves this module.
"""
from collections import namedtuple
from fractions import Fraction

from checker import theory as kernel_theory
from checker.theories import strings as kernel_strings

from . import arith, euf, globs

Lemma = namedtuple("Lemma", "tag literals witness")  # literals: [(key, positive)], witness: [token]

MAX_SPLITS = 6  # nested LIA case splits per lemma before giving up


class Unjustified(Exception):
    """The clause could not be shown valid by our theory solvers (it may still be; we cannot tell)."""


def justify(problem, literals, depth=0):
    """Lemmas implying the clause `literals` (pairs (key, positive)); raises Unjustified."""
    kinds = {key[0] for key, _ in literals}
    hypotheses = [(key, not positive) for key, positive in literals]
    try:
        return _one_theory(problem, literals, hypotheses, kinds, depth)
    except Unjustified:
        for tag in ("eufla", "array"):  # theory combination (a cvc5 lemma of UF over arithmetic), arrays' axioms
            if kernel_theory.check(tag, hypotheses, [], problem) is kernel_theory.VALID:
                return [Lemma(tag, list(literals), [])]
        raise


def _one_theory(problem, literals, hypotheses, kinds, depth):
    if kinds <= {"lin"}:
        return _arithmetic(problem, literals, hypotheses, depth)
    if "in" in kinds and kinds <= {"in", "eq", "lin"}:
        return [_checked(problem, _strings(problem, literals, hypotheses))]
    if kinds <= {"eq", "p"}:
        return [_checked(problem, _euf(problem, literals, hypotheses))]
    raise Unjustified(f"no theory for a lemma over {', '.join(sorted(kinds))} atoms")


def _checked(problem, lemma):
    """The kernel's verdict on a lemma, run here so that a wrong witness is dropped, not written."""
    why = kernel_theory.check(lemma.tag, [(key, not positive) for key, positive in lemma.literals],
                              lemma.witness, problem)
    if why is not kernel_theory.VALID:
        raise Unjustified(f"the kernel rejects our {lemma.tag} witness: {why}")
    return lemma


# ---- arithmetic ------------------------------------------------------------------------------
def _arithmetic(problem, literals, hypotheses, depth):
    disequalities = [i for i, (key, truth) in enumerate(hypotheses) if key[1] == "=" and not truth]
    if len(disequalities) > 1:
        raise Unjustified("more than one disequality (the kernel takes one per lemma)")
    sides = ("<", ">") if disequalities else (None,)
    refutations = [_refute(hypotheses, side) for side in sides]
    split = next((r[1] for r in refutations if r[0] == "branch"), None)
    if split is not None:
        return _branch(problem, literals, split, depth)
    used = set().union(*(_used(r, len(hypotheses)) for r in refutations)) | set(disequalities)
    if len(used) < len(literals):  # a shorter clause is a stronger lemma, and a smaller witness
        return _arithmetic(problem, [literals[i] for i in sorted(used)],
                           [hypotheses[i] for i in sorted(used)], depth)
    if all(r[0] == "lra" for r in refutations):
        tag = "lra"
        witness = " | ".join(" ".join(map(str, r[1])) for r in refutations)
    else:
        tag = "lia"
        witness = " | ".join(_steps_text(r[1]) if r[0] == "lia" else _farkas_steps(r[1])
                             for r in refutations)
    return [_checked(problem, Lemma(tag, list(literals), witness.split()))]


def _refute(hypotheses, side):
    """("lra", multipliers), ("lia", steps) or ("branch", split key) for the rows the kernel reads."""
    rows = kernel_theory.rows(hypotheses, side)
    constraints = [arith.constraint(kind, coeffs, bound) for kind, coeffs, bound, _ in rows]
    found = arith.farkas(constraints)
    if found[0] == "unsat":
        return "lra", found[1]
    sorts = {x: "Int" if integral else "Real" for _, coeffs, _, integral in rows for x in coeffs}
    if "Int" not in sorts.values():
        raise Unjustified("the lemma's negation is satisfiable over the reals")
    found = arith.lia_refute(constraints, sorts)
    if found[0] == "unsat":
        return "lia", found[1]
    if found[0] == "branch":
        (_, ((name, _),), bound) = found[1][0]
        return "branch", ("lin", "<=", ((name, 1),), Fraction(bound), True)
    raise Unjustified(f"the lemma's negation is {found[0]} over the integers" +
                      (f" ({found[1]})" if found[0] == "unknown" else ""))


def _branch(problem, literals, split, depth):
    """C from C or not(split) and C or split: two lemmas each, recursively, over one new atom."""
    if depth >= MAX_SPLITS:
        raise Unjustified(f"more than {MAX_SPLITS} nested integer case splits")
    return justify(problem, literals + [(split, False)], depth + 1) + \
        justify(problem, literals + [(split, True)], depth + 1)


def _used(refutation, n):
    """The hypotheses (0-based) a refutation uses."""
    kind, found = refutation
    if kind == "lra":
        return {i for i, m in enumerate(found) if m}
    return {row - 1 for step in found for row, _ in step.premises if row <= n}


def _farkas_steps(multipliers):
    return " ".join(f"{i} {m}" for i, m in enumerate(multipliers, 1) if m)


def _steps_text(steps):
    return " ; ".join(" ".join(f"{row} {m}" for row, m in step.premises) + (" cut" if step.cut else "")
                      for step in steps)


# ---- strings -------------------------------------------------------------------------------
def _strings(problem, literals, hypotheses):
    """The memberships as the kernel reads them (checker.theories.strings.gather), then their product."""
    memberships = kernel_strings.gather(hypotheses, problem)
    if memberships is kernel_strings.VALID:
        return Lemma("str", list(literals), [])
    if not isinstance(memberships, list):
        raise Unjustified(f"not a str lemma: {memberships}")
    found = globs.explore(memberships)
    if found[0] != "empty":
        raise Unjustified(f"the memberships are satisfiable (by {found[1]!r})")
    witness = [",".join(format(mask, "x") for mask in state) for state in found[1]]
    return Lemma("str", list(literals), witness)


# ---- EUF -----------------------------------------------------------------------------------
def _euf(problem, literals, hypotheses):
    """Congruence closure finds the contradiction; the lemma keeps only the literals it used."""
    def term(t):  # euf's terms: a name, or a tuple (symbol, arguments...)
        op, payload, args, _ = problem.terms[t]
        return (payload,) + tuple(term(a) for a in args) if op == "app" else payload if op == "const" else f"#{t}"

    equalities = [(term(k[1]), term(k[2])) for k, truth in hypotheses if k[0] == "eq" and truth]
    disequalities = [(term(k[1]), term(k[2])) for k, truth in hypotheses if k[0] == "eq" and not truth]
    predicates = [(term(k[1]), truth) for k, truth in hypotheses if k[0] == "p"]
    conflict = euf.explain(equalities, disequalities, predicates)
    if conflict is None:
        raise Unjustified("congruence closure finds the lemma's negation consistent")
    used = set(conflict.equalities) | set(conflict.disequalities)
    kept = [(key, positive) for key, positive in literals
            if (key[0] == "eq" and (term(key[1]), term(key[2])) in used)
            or (key[0] == "p" and (term(key[1]), not positive) in conflict.predicates)]
    return Lemma("euf", kept, [])
