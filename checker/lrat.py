"""LRAT checking: the Python reference kernel, mirrored step for step by the C twin (csrc/kernel/lrat.c).

Each rule (formula ids, RUP, RAT, deletion, ids, the end) is stated and argued sound in docs/TRUST.md,
"The rules".  The proof is streamed a step at a time, so memory follows the live clauses.  Each use of a
hint or RAT candidate looks at its clause's literals, which a short step can make long (a clause of
10^5 literals hinted in each of 10^6 steps); so each use is charged its length, against WORK a number
read (formula and proof, from the first) plus ALLOWANCE, and past that the proof is refused
("budget", bad input): the work is linear in the size of formula plus proof, whatever they hold.
"""
from .syntax import Bytes, Stop, numbers_to_zero, number, read_dimacs, text_tokens

WORK, ALLOWANCE = 64, 10**6  # literals that hints and candidates may look at: a number read, and once (internal.h)


def text_steps(stream):
    """Yield ('a', id, literals, hints, (line, -1)) and ('d', id, ids, None, (line, -1))."""
    tokens = text_tokens(stream)
    for line, token in tokens:
        if token is None:
            return
        step = number(token, line)
        if step <= 0:
            raise Stop("id", line)
        at, token = next(tokens)
        if token is None:
            raise Stop("eof", at)
        if token == b"d":
            yield "d", step, numbers_to_zero(tokens, positive=True), None, (line, -1)
            continue
        first = number(token, at)
        literals = [first] + numbers_to_zero(tokens) if first else []
        yield "a", step, literals, numbers_to_zero(tokens), (line, -1)


def binary_steps(stream):
    """Yield the same tuples from binary LRAT, with byte offsets: (0, offset)."""
    data, last = Bytes(stream), 0
    while True:
        start = data.offset
        kind = data.byte()
        if kind < 0:
            return
        if kind == ord("a"):
            at = data.offset
            last = data.number()
            if last <= 0:
                raise Stop("id", offset=at)
            literals = data.numbers_to_zero()
            yield "a", last, literals, data.numbers_to_zero(), (0, start)
        elif kind == ord("d"):
            yield "d", last, data.numbers_to_zero(positive=True), None, (0, start)
        else:
            raise Stop("syntax", offset=start)


RESOLVED = object()  # what rat returns when, and only when, every candidate's group checked


class Checker:
    def __init__(self):
        self.clauses = {}  # id -> literals, live clauses only, in increasing id order
        self.false = {}  # literal -> the stamp of the step (or RAT group) that made it false
        self.stamp = 0
        self.occurs = None  # literal -> ids of clauses holding it; built at the first RAT step
        self.last = self.live = self.peak = 0
        self.steps = self.additions = self.deletions = self.hints = 0
        self.empty = False
        self.budget = ALLOWANCE

    def charge(self, step, clause):
        self.budget -= len(clause)
        if self.budget < 0:
            raise Stop("budget", step=step)

    def clause(self, literals):  # a formula clause, the next id: its literals and its end are credited
        self.budget += WORK * (len(literals) + 1)
        self.add(self.last + 1, literals)

    def add(self, step, literals):
        self.clauses[step] = literals
        self.last = step
        self.live += 1
        self.peak = max(self.peak, self.live)
        self.empty = self.empty or not literals
        if self.occurs is not None:
            self.note(step, literals)

    def note(self, cid, literals):  # each clause once in the list of each literal it holds, ids increasing
        for lit in literals:
            ids = self.occurs.setdefault(lit, [])
            if not ids or ids[-1] != cid:
                ids.append(cid)

    # ---- unit propagation over one hint ------------------------------------
    def unit(self, step, hint, base, cur):
        """Apply a hint under the assignment of stamps base and cur: True on conflict."""
        clause = self.clauses.get(hint)
        if clause is None:
            raise Stop("hint-dead", step=step, detail=hint)
        self.charge(step, clause)
        false, unit = self.false, 0
        for lit in clause:
            mark = false.get(lit)
            if mark == base or mark == cur:
                continue
            if unit and unit != lit:  # a repeated literal is one literal
                raise Stop("hint-not-unit", step=step, detail=hint)
            unit = lit
        if not unit:
            return True
        false[-unit] = cur
        return False

    # ---- addition: RUP, then RAT -------------------------------------------
    def addition(self, step, literals, hints):
        self.additions += 1
        self.hints += len(hints)
        if step <= self.last:
            raise Stop("id-order", step=step, detail=self.last)
        self.stamp += 1
        base = self.stamp
        for lit in literals:
            self.false[lit] = base
        i = 0
        while i < len(hints) and hints[i] > 0:
            if self.unit(step, hints[i], base, base):
                return self.add(step, literals)
            i += 1
        if not literals:
            raise Stop("rat-empty" if i < len(hints) else "no-conflict", step=step)
        if self.rat(step, literals[0], hints, i, base) is not RESOLVED:  # reject by default
            raise Stop("no-conflict", step=step)
        self.add(step, literals)

    def candidates(self, lit):
        if self.occurs is None:
            self.occurs = {}
            for cid, clause in self.clauses.items():
                self.note(cid, clause)
        ids = self.occurs.get(lit, [])
        ids[:] = [cid for cid in ids if cid in self.clauses]  # drop the deleted, once
        return ids

    def rat(self, step, pivot, hints, i, base):
        candidates, k, grouped = self.candidates(-pivot), 0, i < len(hints)
        while i < len(hints):
            cand, i = -hints[i], i + 1
            end = i
            while end < len(hints) and hints[end] > 0:
                end += 1
            if k < len(candidates) and candidates[k] < cand:
                raise Stop("rat-missing", step=step, detail=candidates[k])
            if k == len(candidates) or candidates[k] != cand:
                raise Stop("rat-candidate", step=step, detail=cand)
            k += 1
            self.stamp += 1
            cur = self.stamp
            self.charge(step, self.clauses[cand])
            if not self.blocked(self.clauses[cand], -pivot, base, cur):
                if not any(self.unit(step, h, base, cur) for h in hints[i:end]):
                    raise Stop("rat-no-conflict", step=step, detail=cand)
            i = end
        if k < len(candidates):  # with no groups at all, this was meant as RUP
            raise Stop("rat-missing", step=step, detail=candidates[k]) if grouped else Stop("no-conflict", step=step)
        return RESOLVED

    def blocked(self, clause, skip, base, cur):
        """Falsify the candidate's other literals; True if one is already true (the resolvent is a tautology)."""
        false = self.false
        for lit in clause:
            if lit == skip or false.get(lit) in (base, cur):
                continue
            if false.get(-lit) in (base, cur):
                return True
            false[lit] = cur
        return False

    # ---- deletion ----------------------------------------------------------
    def deletion(self, step, ids):
        self.deletions += 1
        for cid in ids:
            if self.clauses.pop(cid, None) is None:
                raise Stop("delete-dead", step=step, detail=cid)
            self.live -= 1


def check(formula, proof):
    """Check an LRAT proof (binary if it starts with 'a' or 'd') against a DIMACS formula.

    `formula` and `proof` are binary streams with peek().  Returns (code, file, Stop or None, counts, binary).
    """
    kernel, file, binary, header = Checker(), 0, False, (0, 0)
    try:
        header = read_dimacs(formula, kernel.clause)
        file = 1
        binary = proof.peek(1)[:1] in (b"a", b"d")
        for kind, step, items, hints, where in (binary_steps if binary else text_steps)(proof):
            kernel.steps += 1
            kernel.budget += WORK * (len(items) + len(hints or ()) + 1)  # its numbers (the zeros but one)
            try:
                if kind == "a":
                    kernel.addition(step, items, hints)
                else:
                    kernel.deletion(step, items)
            except Stop as stop:
                stop.line, stop.offset = where
                raise
        stop = None if kernel.empty else Stop("no-empty-clause")
    except Stop as error:
        stop = error
    counts = (*header, kernel.steps, kernel.additions, kernel.deletions, kernel.hints, kernel.peak)
    return stop, file, counts, binary
