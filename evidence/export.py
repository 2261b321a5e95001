"""The propositional part of a certificate as a plain DIMACS + LRAT pair, for checkers that are not ours.

An SMT certificate's refutation is over a CNF that is never stored: the kernel derives the Boolean
skeleton from the problem and appends the lemma clauses (docs/smt-certificate.md, section 3).  Written
out, with the refutation's ids unchanged, that pair is one cake_lpr (verified, CakeML) or lrat-check
reads on its own.  What it cannot check stays with proofgate's kernel: that the skeleton is the
problem's, and that each lemma holds in its theory; `Exported.left_to_kernel` names them.

The DIMACS is plain (header, one clause a line, nothing else) and the LRAT one step a line, as
cake_lpr reads them (docs/LRAT.md).  This module is untrusted: it reads with the kernel's own reading
and skeleton code, so the CNF is the one the kernel checks the refutation against, and the pair it
writes is checked by the kernel again before it is handed on.
"""
from __future__ import annotations

import io
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import checker
from checker import smt as kernel_smt
from checker.skeleton import Skeleton
from checker.smtlib import SmtError
from checker.smtlib import read as read_problem
from checker.source import READ_ERRORS, Source
from checker.verdict import Outcome

from . import binary_lrat
from .errors import UserError


@dataclass
class Exported:
    cnf: Path
    lrat: Path
    clauses: int  # in the CNF: skeleton + lemmas for SMT
    steps: int  # LRAT additions
    skeleton_clauses: int = 0
    lemmas: Counter = field(default_factory=Counter)  # theory tag -> lemmas
    kernel_verified: bool = False

    @property
    def left_to_kernel(self) -> list[str]:
        if not self.skeleton_clauses and not self.lemmas:
            return []
        return ([f"the skeleton's {self.skeleton_clauses} clauses are the problem's (reading, Tseitin)"] +
                [f"{n} {tag} lemma{'s' * (n != 1)} hold{'s' * (n == 1)} in the theory"
                 for tag, n in sorted(self.lemmas.items())])


# ---- plain DIMACS ------------------------------------------------------------
def plain_dimacs(data: bytes, name: str) -> tuple[bytes, int]:
    """The clauses of a DIMACS text (comments, blank lines and SATLIB's trailing '%' dropped), written
    plain; (text, clause count)."""
    header: int | None = None
    clauses: list[list[int]] = []
    current: list[int] = []
    for number, raw in enumerate(data.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(b"c"):
            continue
        if line.startswith(b"%"):
            break
        if line.startswith(b"p"):
            words = line.split()
            if header is not None or len(words) != 4 or words[1] != b"cnf":
                raise UserError(f"{name}: line {number}: expected one header 'p cnf VARS CLAUSES'")
            header = _number(words[2], name, number)
            continue
        if header is None:
            raise UserError(f"{name}: line {number}: a clause before the header")
        for word in line.split():
            lit = _number(word, name, number)
            if lit == 0:
                clauses.append(current)
                current = []
            else:
                current.append(lit)
    if header is None or current:
        raise UserError(f"{name}: no header, or the last clause has no 0")
    return _dimacs(header, clauses), len(clauses)


def _number(word: bytes, name: str, line: int) -> int:
    try:
        return int(word)
    except ValueError:
        raise UserError(f"{name}: line {line}: {word[:20].decode(errors='replace')!r} is not a number") from None


def _dimacs(nvars: int, clauses) -> bytes:
    lines = [f"p cnf {nvars} {len(clauses)}"] + [" ".join(map(str, [*c, 0])) for c in clauses]
    return ("\n".join(lines) + "\n").encode()


# ---- LRAT, one step a line ----------------------------------------------------
def _binary_records(data: bytes, name: str):
    try:
        yield from binary_lrat.records([data])
    except binary_lrat.BinaryLratError as error:
        raise UserError(f"{name}: byte {error.args[1]}: {error.args[0]}") from None


def plain_lrat(data: bytes, name: str) -> tuple[bytes, int]:
    """Text or binary LRAT as text, one step a line (`id lits 0 hints 0`, `id d ids 0`); deletions
    carry the last addition's id (binary deletions have none).  (text, addition count)."""
    out, last, additions = [], 0, 0
    if data[:1] in (b"a", b"d") and not data[:2].strip().isdigit():
        for kind, nums in _binary_records(data, name):
            if kind == "a":
                last, additions = nums[0], additions + 1
                out.append(" ".join(map(str, nums)))
            else:
                out.append(f"{last} d " + " ".join(map(str, nums)))
        return ("\n".join(out) + "\n").encode() if out else b"", additions
    words = data.split()
    i = 0
    while i < len(words):
        if words[i].startswith(b"c"):  # a comment: skip to its line's end
            raise UserError(f"{name}: comments are not LRAT steps; strip them first")
        start = i
        step = int(words[i])
        if i + 1 < len(words) and words[i + 1] == b"d":
            i += 2
            while i < len(words) and words[i] != b"0":
                i += 1
            out.append(f"{step} d " + " ".join(w.decode() for w in words[start + 2:i + 1]))
        else:
            zeros = 0
            while i < len(words) and zeros < 2:
                i += 1
                zeros += i < len(words) and words[i] == b"0"
            last, additions = step, additions + 1
            out.append(" ".join(w.decode() for w in words[start:i + 1]))
        if i >= len(words):
            raise UserError(f"{name}: the LRAT ends inside step {step}")
        i += 1
    return ("\n".join(out) + "\n").encode() if out else b"", additions


# ---- the two kinds of certificate ----------------------------------------------
def export_smt(problem: Path, certificate: Path, out_dir: Path, stem: str | None = None) -> Exported:
    """An unsatisfiable SMT certificate's skeleton + lemmas (DIMACS) and its refutation (LRAT)."""
    problem, certificate = Path(problem), Path(certificate)
    data = _read(problem)
    try:
        task = read_problem(data)
        stream = io.BytesIO(_read(certificate))
        cert = kernel_smt.Certificate(stream)
        if cert.answer != "unsat":
            raise UserError(f"{certificate}: a satisfiable answer has no refutation: its model is checked by "
                            "proofgate's kernel alone (proofgate check)")
        skeleton = Skeleton(task)
        found = kernel_smt.check_unsat(task, cert, skeleton)
        skeleton_clauses = len(skeleton.clauses)
    except SmtError as error:
        raise UserError(f"{problem}: {error}") from None
    except kernel_smt.Bad as error:
        raise UserError(f"{certificate}: line {error.args[0]}: {error.args[1]}") from None
    if isinstance(found, Outcome):
        raise UserError(f"{certificate}: the kernel rejects it: {found.message()}")
    lemmas, kind = found
    tags = Counter(line.split()[1] for line in _lemma_lines(_read(certificate)))
    cnf = skeleton.dimacs(lemmas)
    refutation = stream.read()
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = stem or certificate.stem
    cnf_path, lrat_path = out_dir / f"{stem}.cnf", out_dir / f"{stem}.lrat"
    cnf_path.write_bytes(cnf)
    if kind == "drat":
        _elaborate(cnf_path, refutation, lrat_path)
        text, steps = plain_lrat(lrat_path.read_bytes(), str(lrat_path))
    else:
        text, steps = plain_lrat(refutation, f"{certificate} (its refutation)")
    lrat_path.write_bytes(text)
    done = Exported(cnf_path, lrat_path, skeleton_clauses + len(lemmas), steps, skeleton_clauses, tags)
    return _kernel_rechecks(done)


def export_cnf(formula: Path, proof: Path, out_dir: Path, stem: str | None = None) -> Exported:
    """A CNF control's certificate: the formula as plain DIMACS and its LRAT (or DRAT, elaborated) proof."""
    formula, proof = Path(formula), Path(proof)
    cnf, count = plain_dimacs(_read(formula), str(formula))
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = stem or formula.stem
    cnf_path, lrat_path = out_dir / f"{stem}.cnf", out_dir / f"{stem}.lrat"
    cnf_path.write_bytes(cnf)
    from .solvers.formats import proof_format
    if proof_format(proof) == "drat":
        _elaborate(cnf_path, _read(proof), lrat_path)
        text, steps = plain_lrat(lrat_path.read_bytes(), str(lrat_path))
    else:
        text, steps = plain_lrat(_read(proof), str(proof))
    lrat_path.write_bytes(text)
    return _kernel_rechecks(Exported(cnf_path, lrat_path, count, steps))


def _kernel_rechecks(done: Exported) -> Exported:
    """The pair handed on is the pair proofgate's kernel verifies: a writing bug shows here, not there."""
    try:
        done.kernel_verified = checker.check_lrat(str(done.cnf), str(done.lrat)).verified
    except checker.InputError as error:
        raise UserError(f"the exported pair does not read back: {error}") from None
    return done


def _elaborate(cnf_path: Path, drat: bytes, lrat_path: Path) -> None:
    from .solvers import drat as engine
    with tempfile.NamedTemporaryFile(suffix=".drat") as proof:
        proof.write(drat)
        proof.flush()
        engine.elaborate(str(cnf_path), proof.name, str(lrat_path))


def _lemma_lines(data: bytes):
    for raw in data.splitlines():
        if raw.startswith(b"refutation"):
            return
        if raw.startswith(b"lemma "):
            yield raw.decode()


def _read(path: Path) -> bytes:
    try:
        with Source(str(path)) as source:
            return source.stream.read()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except READ_ERRORS as error:
        raise UserError(f"{path}: cannot read: {error}") from None
