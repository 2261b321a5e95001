"""SMT certificates (format: docs/smt-certificate.md): check the lemmas and the refutation, or the model."""
import io
import math
import re
import types
from fractions import Fraction

from . import ckernel, lrat, theory
from .skeleton import Skeleton, canonical, matches
from .smtlib import SmtError, bottom_up, read, sexprs
from .verdict import Outcome


class Bad(Exception):
    """Malformed certificate: (line, message)."""


class Certificate:
    """The header, atoms and lemmas of a certificate; `proof` is left at the refutation's first byte."""

    def __init__(self, stream):
        self.stream, self.line, self.offset = stream, 0, 0
        if self.next_line() != "smtcert 1":
            raise Bad(self.line, "not an SMT certificate: expected 'smtcert 1'")
        words = self.next_line().split()
        if len(words) != 2 or words[0] != "problem" or not re.fullmatch("[0-9a-f]{64}", words[1]):
            raise Bad(self.line, "expected 'problem SHA256' (64 lowercase hex digits)")
        self.digest, self.answer = words[1], self.next_line()
        if self.answer not in ("sat", "unsat"):
            raise Bad(self.line, "expected 'sat' or 'unsat'")

    def next_line(self):
        while True:
            raw = self.stream.readline()
            self.line, self.offset = self.line + 1, self.offset + len(raw)
            try:
                text = raw.decode().strip()
            except UnicodeDecodeError:
                raise Bad(self.line, "not UTF-8 text") from None
            if not raw:
                raise Bad(self.line, "unexpected end of file (truncated?)")
            if text and text != "c" and not text.startswith("c "):
                return text


def check_unsat(problem, cert, skeleton):
    """Check the atoms and lemmas; returns (the lemma clauses, 'lrat' or 'drat') or a failed Outcome."""
    clauses, count = [], 0
    while True:
        words = cert.next_line().split(None, 2)
        if words[0] == "refutation" and len(words) == 2 and words[1] in ("lrat", "drat"):
            return clauses, words[1]
        if words[0] == "atom" and len(words) == 3:
            declare(problem, skeleton, words[1], words[2].encode(), cert.line)
        elif words[0] == "lemma" and len(words) == 3:
            count += 1
            lits, witness = numbers(words[2].split(), cert.line)
            if any(abs(lit) not in skeleton.atoms for lit in lits):
                raise Bad(cert.line, "a lemma's literals must be atoms' (not connectives')")
            hypotheses = [(skeleton.atoms[abs(lit)], lit < 0) for lit in lits]
            why = theory.check(words[1], hypotheses, witness, problem)
            if why:
                return Outcome("smt-lemma", 1, cert.line, text=f"lemma {count} ({words[1]}): {why}")
            clauses.append(lits)
        else:
            raise Bad(cert.line, "expected 'atom N TERM', 'lemma TAG LITERALS 0 WITNESS' or 'refutation lrat|drat'")


def numbers(tokens, line):
    if "0" not in tokens or not all(re.fullmatch("-?[0-9]{1,10}", t) for t in tokens[:tokens.index("0")]):
        raise Bad(line, "a lemma's literals are non-zero integers ending with 0")
    return [int(t) for t in tokens[:tokens.index("0")]], tokens[tokens.index("0") + 1:]


def declare(problem, skeleton, number, text, line):
    """`atom N TERM`: the next variable stands for TERM's canonical atom, which must be new."""
    try:
        forms = list(sexprs(text))
        if len(forms) != 1:
            raise Bad(line, "expected one term")
        t = problem.term(forms[0], {}, "Bool")
        op, _, args, _ = problem.terms[t]
        found = canonical(problem, t) if op in ("const", "app", "in", "<", "<=", ">", ">=") or \
            op == "=" and problem.sort(args[0]) != "Bool" else None
        found = (found[0], True) if isinstance(found, list) and len(found) == 1 else found  # one glob
    except SmtError as error:
        raise Bad(line, str(error.located(text))) from None
    if not isinstance(found, tuple) or found[0] in (True, False):
        raise Bad(line, "an atom line names one atom (no connective, constant or union)")
    if number != str(skeleton.count + 1) or found[0] in skeleton.var:
        raise Bad(line, f"expected atom {skeleton.count + 1}, a new one")
    skeleton.number(found[0])


def refute(cnf, proof, kernel):
    """The LRAT kernel on the derived CNF (bytes) and the proof (a Source, or the certificate's stream)."""
    formula = types.SimpleNamespace(stream=io.BufferedReader(io.BytesIO(cnf)), compression="memory")
    proof = proof if hasattr(proof, "describe") else types.SimpleNamespace(stream=proof, compression="memory")
    return ckernel.check(formula, proof) if kernel == "c" else lrat.check(formula.stream, proof.stream)


# ---- models --------------------------------------------------------------
OPS = {"not": lambda x: not x[0], "xor": lambda x: x[0] != x[1], "=": lambda x: all(v == x[0] for v in x),
       "+": sum, "-": lambda x: x[0] - sum(x[1:]), "*": math.prod, "/": lambda x: x[0] / math.prod(x[1:]),
       "<": lambda x: x[0] < x[1], "<=": lambda x: x[0] <= x[1], ">": lambda x: x[0] > x[1],
       ">=": lambda x: x[0] >= x[1], "and": all, "or": any, "ite": lambda x: x[1] if x[0] else x[2],
       "in": lambda x: any(matches(glob, x[0]) for glob in x[1])}


class Model:
    """A model: define-fun forms for the problem's declarations, read by the problem's own reader, and
    declare-const forms naming the (pairwise distinct) values of uninterpreted sorts."""

    def __init__(self, problem, data):
        self.problem, self.defs, self.memo, self.abstract = problem, {}, {}, set()
        problem.model = True  # values may be ite over any sort
        for form in sexprs(data):
            head = form[0] if isinstance(form, list) and form else None
            if head == "declare-const" and len(form) == 3 and problem.sort_of(form[2]) not in \
                    ("Bool", "Int", "Real", "String"):
                problem.command(form)
                self.abstract.add(form[1])
            elif head == "define-fun" and len(form) == 5 and form[1] in problem.funs and \
                    isinstance(form[2], list) and len(form[2]) == len(problem.funs[form[1]][0]):
                self.defs[form[1]] = ([problem.symbol(p[0]) for p in form[2] if problem._pair(p)], form[4])
            else:
                raise SmtError(getattr(form, "at", (0, 0)), "expected (define-fun NAME (PARAMETERS) SORT "
                               "VALUE) for a declared NAME, or (declare-const VALUE SORT) for an abstract value")

    def constant(self, value, sort):
        """The term that denotes a value of `sort` (an abstract value is its own term)."""
        if isinstance(value, bool):
            return self.problem.true if value else self.problem.false
        return value if isinstance(value, int) else self.problem.make(
            "str" if isinstance(value, str) else "num", value, (), sort)

    def term(self, t):
        return bottom_up(self.problem.terms, t, self.memo, self.value)

    def value(self, t):
        op, payload, args, sort = self.problem.terms[t]
        x = [self.memo[a] for a in args]
        if op in ("const", "app") and payload in self.abstract:
            return t
        if op in ("const", "app"):
            if payload not in self.defs:
                raise ValueError(f"the model gives no value for {payload}")
            params, body = self.defs[payload]
            env = {p: self.constant(v, s) for p, v, s in zip(params, x, self.problem.funs[payload][0])}
            funs, self.problem.funs = self.problem.funs, {v: self.problem.funs[v] for v in self.abstract}
            try:  # a value is built from literals and abstract values: no declared function, no recursion
                value = self.term(self.problem.term(body, env, sort))
            finally:
                self.problem.funs = funs
            ok = {"Bool": isinstance(value, bool), "Int": isinstance(value, Fraction) and value.denominator == 1,
                  "Real": isinstance(value, Fraction), "String": isinstance(value, str)}
            if not ok.get(sort, type(value) is int and self.problem.sort(value) == sort):
                raise ValueError(f"the model gives {payload} a value that is not a {sort}")
            return value
        if op in ("num", "str", "true", "false", "re"):
            return op == "true" if payload is None else payload
        return OPS[op](x)


def check_model(problem, data, line):
    """None if the model (from the certificate's line `line` + 1) satisfies every assertion, else an
    Outcome saying which it falsifies."""
    try:
        model = Model(problem, data)
        for i, (t, at) in enumerate(problem.assertions, 1):
            if model.term(t) is not True:
                at = SmtError(at, "").located(problem.data).where[0]
                return Outcome("smt-model", 1, text=f"the model falsifies assertion {i} (problem line {at})")
    except SmtError as error:
        raise Bad((error.located(data).where or (0,))[0] + line, error.message) from None
    except ValueError as error:
        return Outcome("smt-model", 1, text=str(error))
    return None

