"""Theory lemmas: a clause over atoms holds when its negation (the hypotheses) is unsatisfiable in the
theory its tag names, as the witness shows.  The rules, argued sound: docs/smt-certificate.md.

Reject by default: each rule returns VALID only at the end of a completed check, and `check` accepts
nothing else (None, "", False, 0 and any message reject)."""
import math
import re
from fractions import Fraction

from . import theories

VALID = theories.VALID  # what a rule returns when, and only when, its check is complete


def check(tag, hypotheses, witness, problem):
    """hypotheses: (key, truth) pairs, one per lemma literal, negated; witness: its tokens."""
    rules = {"euf": euf, "lra": arith, "lia": arith, **theories.RULES}  # str, len: checker/theories/strings.py
    if tag not in rules:
        return f"unknown theory tag {tag!r}"
    try:
        found = rules[tag](tag, hypotheses, witness, problem)
    except (ValueError, ZeroDivisionError, IndexError, OverflowError) as error:
        return f"malformed witness ({error})"
    return found if found is VALID or isinstance(found, str) and found else "the rule gave no verdict"


def charge(problem, steps):
    """Count a lemma's work against the budget (64 steps a byte of problem and certificate): a message
    once it is spent (checker/smt.py then refuses the certificate by name), else None."""
    problem.budget -= steps
    return "over the work budget" if problem.budget < 0 else None


find = theories.find  # union-find (shared with the theories)


# ---- EUF: congruence closure --------------------------------------------
def euf(tag, hypotheses, witness, problem):
    if witness or any(key[0] not in ("eq", "p") for key, _ in hypotheses):
        return "an euf lemma has only equalities and predicates, and no witness"
    terms, parent, apps, todo = problem.terms, {}, set(), [a for key, _ in hypotheses for a in key[1:]]
    while todo:
        t = todo.pop()
        if terms[t][0] == "app" and t not in apps:
            apps.add(t)
            todo.extend(terms[t][2])
    for key, truth in hypotheses:  # a = b merges a and b; a predicate p merges p with true (term 0) or false (1)
        if key[0] == "p" or truth:
            parent[find(parent, key[1])] = find(parent, key[2] if key[0] == "eq" else 1 - truth)
    signature = lambda t: (terms[t][1], tuple(find(parent, a) for a in terms[t][2]))  # noqa: E731
    changed, apps = True, sorted(apps)  # arguments first (they were numbered first): most merges in one pass
    while changed:  # merge applications whose arguments became equal, until nothing changes
        if (budget := charge(problem, len(apps) + len(hypotheses))) is not None:
            return budget
        changed, seen = False, {}
        for t in apps:
            other = find(parent, seen.setdefault(signature(t), t))
            if other != find(parent, t):
                parent[find(parent, t)], changed = other, True
    if find(parent, 0) == find(parent, 1):  # a predicate both true and false
        return VALID
    for key, truth in hypotheses:
        if key[0] == "eq" and not truth and find(parent, key[1]) == find(parent, key[2]):
            return VALID
    return "congruence closure finds no contradiction"


# ---- LRA and LIA: Farkas combinations and cuts ----------------------------
def rows(hypotheses, split):
    """Each hypothesis as (kind, {name: c}, bound, integral); a disequality as its side `split`."""
    out = []
    for key, truth in hypotheses:
        if key[0] != "lin":
            raise ValueError("an arithmetic lemma has only linear atoms")
        _, kind, pairs, bound, integral = key
        coeffs, negated = dict(pairs), {x: -c for x, c in pairs}
        if truth:
            out.append((kind, coeffs, bound, integral))
        elif kind == "<":  # not (s < k): -s <= -k
            out.append(("<=", negated, -bound, integral))
        elif kind == "<=" or split == ">":  # -s < -k
            out.append(("<=", negated, -bound - 1, integral) if integral else ("<", negated, -bound, integral))
        else:  # s < k
            out.append(("<=", coeffs, bound - 1, integral) if integral else ("<", coeffs, bound, integral))
    return out


def arith(tag, hypotheses, witness, problem):
    equalities = [i for i, (key, truth) in enumerate(hypotheses) if key[0] == "lin" and key[1] == "=" and not truth]
    if len(equalities) > 1:
        return "more than one disequality"
    parts = " ".join(witness).split("|") if equalities else [" ".join(witness)]
    if len(parts) != (2 if equalities else 1):
        return "a disequality needs two refutations, separated by '|'"
    for split, part in zip(("<", ">") if equalities else (None,), parts):
        table = rows(hypotheses, split)
        if tag == "lra":  # one multiplier per hypothesis, in order
            if len(part.split()) != len(table):
                return "an lra witness has one multiplier per literal"
            part = " ".join(f"{i + 1} {m}" for i, m in enumerate(part.split()))
        why = farkas(table, [s.split() for s in part.split(";")])
        if why is not VALID:
            return f"{why}" if not equalities else f"{why} (disequality read as {split})"
    return VALID


def rational(token):  # an int where it is one: exact, and far faster than a Fraction
    if not re.fullmatch(r"-?[0-9]+(/[0-9]+)?", token):
        raise ValueError(f"not a rational: {token[:20]}")
    return int(token) if "/" not in token else Fraction(token)


def farkas(table, steps):
    """Derive new rows from the steps; the last must be a contradiction (0 <= negative, say)."""
    for tokens in steps:
        cut = tokens[-1:] == ["cut"]
        tokens = tokens[:-1] if cut else tokens
        if not tokens or len(tokens) % 2:
            return "a step is pairs of row and multiplier"
        coeffs, bound, kinds, integral = {}, 0, set(), True
        for r, m in zip(tokens[::2], tokens[1::2]):
            r, m = int(r), rational(m)
            if not 1 <= r <= len(table):
                return f"row {r} does not exist"
            kind, row, k, whole = table[r - 1]
            if m < 0 and kind != "=":
                return f"negative multiplier {m} for row {r}"
            if m:
                kinds.add(kind)
                integral = integral and whole
                bound += m * k
                for x, c in row.items():
                    coeffs[x] = coeffs.get(x, 0) + m * c
        coeffs = {x: c for x, c in coeffs.items() if c}
        kind = "=" if kinds <= {"="} else "<" if "<" in kinds else "<="
        if cut:
            if not integral or not coeffs or any(c.denominator != 1 for c in coeffs.values()):
                return "a cut needs integer coefficients over integer variables"
            g = math.gcd(*(int(c) for c in coeffs.values()))
            coeffs, bound, kind = {x: c // g for x, c in coeffs.items()}, bound // g, "<="  # // : exact, never a float
        table.append((kind, coeffs, bound, integral))
    kind, coeffs, bound, _ = table[-1]
    if coeffs or not (bound < 0 or (bound == 0 and kind == "<") or (kind == "=" and bound != 0)):
        return "the combination is no contradiction"
    return VALID
