"""The LRAT grammar that every proof proofgate writes follows (docs/LRAT.md), as a checker for tests.

Standard library only.  Stricter than the kernel on purpose: the kernel is liberal in what it reads,
this checks what we write.  Text: one step a line, single spaces, every line ended by a newline,
no comments; addition ids increase, each above the formula's clauses; a deletion line carries the
last id so far and names at least one live clause; a hint names an earlier clause.  Binary: the same
steps as 'a'/'d' records of minimally encoded numbers (2|x| + sign, 7 bits a byte, low first).
Syntax only, with the bookkeeping of ids: whether a step follows is the kernel's business.
"""
import re

MAXNUM = 2**31 - 1
_NUM = r"-?[1-9][0-9]*"
ADDITION = re.compile(rb"([1-9][0-9]*) ((?:%s )*)0 ((?:%s )*)0" % (_NUM.encode(), _NUM.encode()))
DELETION = re.compile(rb"([1-9][0-9]*) d((?: [1-9][0-9]*)+) 0")


class GrammarError(AssertionError):
    def __init__(self, where, message):
        super().__init__(f"{where}: {message}")
        self.where = where


class _Ids:
    """Addition ids increase; hints name earlier clauses; deletions name live ones, once."""

    def __init__(self, formula_clauses):
        self.last = formula_clauses
        self.live = set(range(1, formula_clauses + 1))
        self.additions = self.deletions = 0

    def addition(self, where, step, literals, hints):
        if step <= self.last:
            raise GrammarError(where, f"addition id {step} is not above the last id {self.last}")
        if any(abs(x) > MAXNUM for x in (step, *literals, *hints)):
            raise GrammarError(where, "a number above 2^31-1")
        for hint in hints:
            if hint > 0 and hint not in self.live:
                raise GrammarError(where, f"hint {hint} names no live clause")
            if hint < 0 and -hint >= step:
                raise GrammarError(where, f"RAT candidate {-hint} is not an earlier clause")
        self.last = step
        self.live.add(step)
        self.additions += 1

    def deletion(self, where, step, ids):
        if step is not None and step != self.last:
            raise GrammarError(where, f"deletion line id {step} is not the last id {self.last}")
        if not ids:
            raise GrammarError(where, "a deletion deletes nothing")
        for cid in ids:
            if cid not in self.live:
                raise GrammarError(where, f"deletes {cid}, which is not a live clause")
            self.live.remove(cid)
        self.deletions += 1


def check_text(data: bytes, formula_clauses: int):
    """Raise GrammarError naming the line if `data` is not text LRAT as we write it.
    Returns (additions, deletions)."""
    if data and not data.endswith(b"\n"):
        raise GrammarError("end of file", "the last line has no newline")
    ids = _Ids(formula_clauses)
    for number, line in enumerate(data.split(b"\n")[:-1], 1):
        where = f"line {number}"
        if m := ADDITION.fullmatch(line):
            ids.addition(where, int(m[1]), [int(x) for x in m[2].split()], [int(x) for x in m[3].split()])
        elif m := DELETION.fullmatch(line):
            ids.deletion(where, int(m[1]), [int(x) for x in m[2].split()])
        else:
            raise GrammarError(where, f"not one step ('id lits 0 hints 0' or 'id d ids 0'): {line[:80]!r}")
    return ids.additions, ids.deletions


def _numbers(data, i):
    """The numbers from data[i] up to and including a 0, and where they end."""
    out = []
    while True:
        start, value, shift = i, 0, 0
        while True:
            if i == len(data):
                raise GrammarError(f"byte {start}", "the file ends inside a record")
            byte = data[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
            if shift >= 35:
                raise GrammarError(f"byte {start}", "a number longer than 5 bytes")
        if byte == 0 and i - start > 1:
            raise GrammarError(f"byte {start}", "a number not minimally encoded")
        number = -(value >> 1) if value & 1 else value >> 1
        if not number:
            return out, i
        out.append(number)


def check_binary(data: bytes, formula_clauses: int):
    """The same for binary LRAT ('a' id lits 0 hints 0, 'd' ids 0).  Returns (additions, deletions)."""
    ids, i = _Ids(formula_clauses), 0
    while i < len(data):
        where, kind = f"byte {i}", data[i]
        if kind == ord("a"):
            numbers, i = _numbers(data, i + 1)
            if not numbers or numbers[0] <= 0:
                raise GrammarError(where, "an addition without a positive id")
            hints, i = _numbers(data, i)
            ids.addition(where, numbers[0], numbers[1:], hints)
        elif kind == ord("d"):
            deleted, i = _numbers(data, i + 1)
            if any(x <= 0 for x in deleted):
                raise GrammarError(where, "a deletion of a negative id")
            ids.deletion(where, None, deleted)
        else:
            raise GrammarError(where, f"record type {kind:#x}, not 'a' or 'd'")
    return ids.additions, ids.deletions


def check(data: bytes, formula_clauses: int, binary: bool):
    return (check_binary if binary else check_text)(data, formula_clauses)


def formula_clauses(cnf_path) -> int:
    """The clause count of a DIMACS header."""
    with open(cnf_path, "rb") as f:
        for line in f:
            words = line.split()
            if words[:2] == [b"p", b"cnf"]:
                return int(words[3])
    raise ValueError(f"{cnf_path}: no 'p cnf' header")
