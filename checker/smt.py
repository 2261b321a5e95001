"""SMT certificates (format: docs/smt-certificate.md): check the lemmas and the refutation, or the model.

Reject by default: a lemma counts only when its rule returns theory.VALID, and a model only when
check_model reaches its end and returns SATISFIED; anything else (a message, None, False, an
exception) rejects."""
import io
import math
import re
import types
from fractions import Fraction
from typing import NamedTuple

from . import ckernel, lrat, theories, theory
from .skeleton import Skeleton, canonical
from .smtlib import Problem, SmtError, Tokens, bottom_up, read
from .verdict import Outcome

VERSION = "smtcert 2"
SATISFIED = object()  # returned by check_model only when every assertion evaluated to true


class Bad(Exception):
    """Malformed certificate: (line, message)."""


class Certificate:
    """The header, atoms and lemmas of a certificate; `proof` is left at the refutation's first byte."""

    def __init__(self, stream):
        self.stream, self.line, self.offset = stream, 0, 0
        first = self.next_line()
        if first != VERSION:
            raise Bad(self.line, "a version 1 certificate: this kernel reads version 2 (make it again with proofgate "
                      "smt prove)" if first == "smtcert 1" else f"not an SMT certificate: expected '{VERSION}'")
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


# ---- unsat: atoms, lemmas, refutation ----------------------------------------
def check_unsat(problem, cert, skeleton):
    """Check the atoms and lemmas; returns (the lemma clauses, 'lrat' or 'drat') or a failed Outcome."""
    clauses, count = [], 0
    while True:
        line = cert.next_line()
        problem.budget += 64 * len(line)  # each line of the certificate adds to the work the lemmas may take
        words = line.split(None, 2)
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
            if problem.budget < 0:
                raise Bad(cert.line, "unsupported: theory lemmas taking over 64 steps a byte of problem and certificate")
            if why is not theory.VALID:
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
        t = problem.parse_term(text, "Bool")
        op, _, args, _ = problem.terms[t]
        found = canonical(problem, t) if op in ("const", "app", "in", "<", "<=", ">", ">=") or \
            op == "=" and problem.sort(args[0]) != "Bool" else None
        found = (found[0], True) if isinstance(found, list) and len(found) == 1 else found  # one glob
    except SmtError as error:
        raise Bad(line, str(error)) from None
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


# ---- sat: the model ---------------------------------------------------------------
class Abstract(NamedTuple):  # a value of a declared sort, named by the model's declare-const
    name: str
    sort: str


OPS = {"not": lambda x: not x[0], "xor": lambda x: x[0] != x[1], "=": lambda x: all(v == x[0] for v in x),
       "+": sum, "-": lambda x: x[0] - sum(x[1:]), "*": math.prod, "/": lambda x: Fraction(x[0]) / math.prod(x[1:]),
       "<": lambda x: x[0] < x[1], "<=": lambda x: x[0] <= x[1], ">": lambda x: x[0] > x[1],
       ">=": lambda x: x[0] >= x[1], "and": all, "or": any, "ite": lambda x: x[1] if x[0] else x[2]}
TYPES = {"Bool": lambda v: type(v) is bool, "Int": lambda v: type(v) is int,
         "Real": lambda v: type(v) is int or type(v) is Fraction, "String": lambda v: type(v) is str}



class Model:
    """A model: define-fun forms for the problem's declarations and declare-const forms naming the
    (pairwise distinct) values of declared sorts, read as a script of their own, in which the problem's
    declared functions are not visible: a value is built from literals, abstract values and the
    model's earlier definitions, so evaluating it always ends.  Each definition is read once per
    distinct argument values."""

    def __init__(self, problem, data):
        self.problem, self.values = problem, Problem()
        values = self.values
        values.model, values.defines, values.sorts = True, problem.funs, dict(problem.sorts)
        values.budget = 64 * len(data) + 10**6
        values.script(Tokens(data))
        self.memo, self.inner, self.applied = {}, {}, {}  # problem term -> value; model term -> value

    def term(self, t):
        return bottom_up(self.problem.terms, t, self.memo, self.value)

    def value(self, t):
        op, payload, args, sort = self.problem.terms[t]
        if op not in ("const", "app"):
            return _evaluate(op, payload, [self.memo[a] for a in args])
        key = (payload, tuple(self.memo[a] for a in args))
        if key not in self.applied:
            if payload not in self.values.macros:
                raise ValueError(f"the model gives no value for {payload}")
            body = self.values.instance(payload, [self.constant(v, s) for v, s in
                                                  zip(key[1], self.problem.funs[payload][0])])
            value = bottom_up(self.values.terms, body, self.inner, self.inner_value)
            if not (theories.TYPES[sort[0]](value, sort) if isinstance(sort, tuple) else
                    TYPES.get(sort, lambda v: type(v) is Abstract and v.sort == sort)(value)):
                raise ValueError(f"the model gives {payload} a value that is not a {sort}")
            self.applied[key] = value
        return self.applied[key]

    def inner_value(self, t):
        op, payload, args, sort = self.values.terms[t]
        if op == "const":  # only abstract values are declared here
            return Abstract(payload, sort)
        return _evaluate(op, payload, [self.inner[a] for a in args])

    def constant(self, value, sort):
        """The model's term for a value of `sort`."""
        values = self.values
        if type(value) is bool:
            return values.true if value else values.false
        if type(value) is Abstract:
            return values.make("const", value.name, (), sort)
        if isinstance(sort, tuple):
            return theories.VALUES[sort[0]](self, value, sort)
        return values.make("str" if type(value) is str else "num", value, (), sort)


def _evaluate(op, payload, x):
    if op in ("num", "str", "re"):
        return payload
    if op in ("true", "false"):
        return op == "true"
    value = OPS[op](x) if op in OPS else theories.OPS[op](x, payload)  # a theory's may need the payload
    return value.numerator if type(value) is Fraction and value.denominator == 1 else value


def check_model(problem, data, line):
    """SATISFIED if the model (from the certificate's line `line` + 1) satisfies every assertion, else an
    Outcome saying which it falsifies."""
    try:
        model = Model(problem, data)
        for i, (t, at) in enumerate(problem.assertions, 1):
            if model.term(t) is not True:
                offset = problem.tokens.offset(at - 1)
                where = SmtError(offset, "").located(problem.data).where[0] if offset is not None else "?"
                return Outcome("smt-model", 1, text=f"the model falsifies assertion {i} (problem line {where})")
    except SmtError as error:
        where = error.located(data).where
        raise Bad((where[0] if isinstance(where, tuple) else 0) + line, error.message) from None
    except ValueError as error:
        return Outcome("smt-model", 1, text=str(error))
    return SATISFIED
