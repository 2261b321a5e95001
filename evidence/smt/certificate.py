"""Writing SMT certificates (format: docs/smt-certificate.md), and reading back the CNF one refutes.

The writer streams: atom and lemma lines go to a side file as they are found (the answer line,
which heads the certificate, is known only at the end), and the refutation is copied from the
solver's proof file in chunks, never held in memory.  The reader recovers skeleton + lemma clauses
with the kernel's own reading code (checker.smt), for the DRAT engine, which needs the CNF as a file.
"""
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass

from checker.skeleton import Skeleton
from checker.smt import VERSION, Certificate, declare, numbers
from checker.smtlib import read
from checker.source import Source


class Writer:
    """One certificate, written to `path` (atomically: a temporary file renamed at the end)."""

    def __init__(self, path, problem_bytes):
        self.path, self.digest = os.fspath(path), hashlib.sha256(problem_bytes).hexdigest()
        self.body = tempfile.TemporaryFile(prefix="proofgate-smt-")
        self.lemmas = 0

    def atom(self, number, text):
        self.body.write(f"atom {number} {text}\n".encode())

    def lemma(self, tag, literals, witness):
        self.lemmas += 1
        tail = "".join(" " + token for token in witness)
        self.body.write(f"lemma {tag} {' '.join(map(str, literals))} 0{tail}\n".encode())

    def unsat(self, kind, proof_path):
        """Finish with `refutation KIND` and the proof file's bytes."""
        def write(out):
            self.body.seek(0)
            shutil.copyfileobj(self.body, out, 1 << 20)
            out.write(f"refutation {kind}\n".encode())
            with open(proof_path, "rb") as proof:
                shutil.copyfileobj(proof, out, 1 << 20)
        self._finish("unsat", write)

    def sat(self, model_text):
        self._finish("sat", lambda out: out.write(model_text.encode()))

    def _finish(self, answer, write_rest):
        partial = f"{self.path}.partial"
        with open(partial, "wb") as out:
            out.write(f"{VERSION}\nproblem {self.digest}\n{answer}\n".encode())
            write_rest(out)
        os.replace(partial, self.path)
        self.close()

    def close(self):
        self.body.close()


@dataclass
class Recovered:
    digest: str  # the problem sha256 the certificate names
    matches: bool  # whether that is the given problem's
    answer: str  # "sat" or "unsat"
    kind: str = ""  # "lrat" or "drat" (unsat only)
    lemmas: int = 0
    atoms: int = 0
    proof_line: int = 0  # lines of the certificate before its refutation
    proof_offset: int = 0  # and their bytes


def recover(problem_path, cert_path, cnf_out=None, proof_out=None):
    """Read a certificate as the kernel does, without checking lemmas: write the CNF it refutes
    (skeleton then lemma clauses) to `cnf_out` and its refutation's bytes to `proof_out`.

    Raises what the kernel's reading raises on bad input (checker.smtlib.SmtError, checker.smt.Bad).
    """
    with Source(problem_path) as p, Source(cert_path) as c:
        data = p.stream.read()
        problem, cert = read(data), Certificate(c.stream)
        found = Recovered(cert.digest, cert.digest == p.sha256(), cert.answer)
        if cert.answer == "sat" or not found.matches:
            return found
        skeleton, lemmas = Skeleton(problem), []
        while True:
            words = cert.next_line().split(None, 2)
            if words[0] == "refutation" and len(words) == 2 and words[1] in ("lrat", "drat"):
                found.kind, found.proof_line, found.proof_offset = words[1], cert.line, cert.offset
                break
            if words[0] == "atom" and len(words) == 3:
                declare(problem, skeleton, words[1], words[2].encode(), cert.line)
                found.atoms += 1
            elif words[0] == "lemma" and len(words) == 3:
                lemmas.append(numbers(words[2].split(), cert.line)[0])
            else:
                return found  # the kernel names this line; nothing to elaborate
        found.lemmas = len(lemmas)
        if cnf_out:
            with open(cnf_out, "wb") as out:
                out.write(skeleton.dimacs(lemmas))
        if proof_out:
            with open(proof_out, "wb") as out:
                shutil.copyfileobj(c.stream, out, 1 << 20)
        return found
