"""SMT certificates (docs/smt-certificate.md): read one, check its lemmas and refutation, or its model.

    smtcert 1
    problem SHA256
    unsat                       | sat
    atom N TERM                 | (define-fun NAME ((P SORT) ...) SORT VALUE) ...
    lemma TAG LITERALS 0 WITNESS
    refutation lrat | drat
    PROOF (to the end of the file)
"""
import io
import types
from fractions import Fraction

from . import ckernel, lrat, theory
from .skeleton import Skeleton, canonical, matches
from .smtlib import ARITH, Atom, SmtError, read, sexprs, unescape
from .verdict import Outcome


class Bad(Exception):
    """Malformed certificate: (line, message)."""


class Certificate:
    """The header, atoms and lemmas of a certificate; `proof` is left at the refutation's first byte."""

    def __init__(self, stream):
        self.stream, self.line, self.offset = stream, 0, 0
        self.digest = self.expect("problem")
        self.answer = self.next_line()
        if self.answer not in ("sat", "unsat"):
            raise Bad(self.line, "expected 'sat' or 'unsat'")

    def next_line(self):
        while True:
            raw = self.stream.readline()
            self.line, self.offset = self.line + 1, self.offset + len(raw)
            if not raw:
                raise Bad(self.line, "unexpected end of file (truncated?)")
            text = raw.decode("ascii", "replace").strip()
            if text and not text.startswith("c ") and text != "c":
                return text

    def expect(self, word):
        if self.next_line() != "smtcert 1":
            raise Bad(self.line, "not an SMT certificate: expected 'smtcert 1'")
        parts = self.next_line().split()
        if len(parts) != 2 or parts[0] != word or len(parts[1]) != 64:
            raise Bad(self.line, f"expected '{word} SHA256'")
        return parts[1].lower()


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
            hypotheses = []
            for lit in lits:
                if abs(lit) not in skeleton.atoms:
                    raise Bad(cert.line, f"literal {lit} is not an atom's")
                hypotheses.append((skeleton.atoms[abs(lit)], lit < 0))
            why = theory.check(words[1], hypotheses, witness, problem)
            if why:
                return Outcome("smt-lemma", 1, cert.line, text=f"lemma {count} ({words[1]}): {why}")
            clauses.append(lits)
        else:
            raise Bad(cert.line, "expected 'atom N TERM', 'lemma TAG LITERALS 0 WITNESS' or 'refutation lrat|drat'")


def numbers(tokens, line):
    try:
        end = tokens.index("0")
        return [int(t) for t in tokens[:end]], tokens[end + 1:]
    except ValueError:
        raise Bad(line, "a lemma's literals are non-zero integers ending with 0") from None


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
    except SmtError as error:
        raise Bad(line, str(error)) from None
    if not isinstance(found, tuple) or found[0] in (True, False):
        raise Bad(line, "an atom line names one atom (no connective, constant or union)")
    if number != str(skeleton.count + 1) or found[0] in skeleton.var:
        raise Bad(line, f"expected atom {skeleton.count + 1}, a new one")
    skeleton.number(found[0])


def refute(cnf, proof, kernel):
    """The LRAT kernel on the derived CNF (bytes) and the proof (a stream or a Source)."""
    memory = [types.SimpleNamespace(stream=io.BufferedReader(io.BytesIO(cnf)), compression="memory")]
    proof = proof if hasattr(proof, "describe") else types.SimpleNamespace(stream=proof, compression="memory")
    if kernel == "c":
        return ckernel.check(memory[0], proof)
    return lrat.check(memory[0].stream, proof.stream if hasattr(proof.stream, "peek")
                      else io.BufferedReader(proof.stream))


# ---- models --------------------------------------------------------------
class Model:
    """Values for the problem's declarations, from define-fun forms; evaluates the problem's terms."""

    def __init__(self, problem, data):
        self.problem, self.defs, self.memo = problem, {}, {}
        for form in sexprs(data):
            if not (isinstance(form, list) and len(form) == 5 and form[0] == "define-fun"
                    and isinstance(form[2], list)):
                raise SmtError(getattr(form, "at", (0, 0)), "expected (define-fun NAME (PARAMETERS) SORT VALUE)")
            name, params = str(form[1]), [str(p[0]) for p in form[2]]
            if problem.funs.get(name, (None,))[0] is None or len(problem.funs[name][0]) != len(params):
                raise SmtError(form.at, f"the model defines {name}, which the problem does not declare so")
            self.defs[name] = (params, form[4])

    def check(self, sort, value, name):
        ok = {"Bool": isinstance(value, bool), "Int": isinstance(value, Fraction) and value.denominator == 1,
              "Real": isinstance(value, Fraction), "String": isinstance(value, str)}
        if not ok.get(sort, isinstance(value, tuple)):
            raise ValueError(f"the model gives {name} a value that is not a {sort}")
        return value

    def term(self, t):
        if t in self.memo:
            return self.memo[t]
        op, payload, args, sort = self.problem.terms[t]
        x = [self.term(a) for a in args] if op not in ("and", "or", "ite") else None
        if op in ("const", "app"):
            if payload not in self.defs:
                raise ValueError(f"the model gives no value for {payload}")
            params, body = self.defs[payload]
            value = self.check(sort, self.value(body, dict(zip(params, x))), payload)
        elif op in ("num", "str"):
            value = payload
        elif op in ("true", "false"):
            value = op == "true"
        elif op in ("and", "or"):
            value = (all if op == "and" else any)(self.term(a) for a in args)
        elif op == "ite":
            value = self.term(args[1] if self.term(args[0]) else args[2])
        elif op == "in":
            value = any(matches(g, x[0]) for g in self.problem.terms[args[1]][1])
        else:
            value = apply(op, x)
        self.memo[t] = value
        return value

    def value(self, x, env):
        """A model's value expression: literals, parameters, abstract values, ite/=/and/or/not, - and /."""
        if isinstance(x, Atom):
            if x.quoted == '"':
                return unescape(x)
            if x in env:
                return env[x]
            if x in ("true", "false"):
                return x == "true"
            try:
                return Fraction(x)
            except ValueError:
                return ("@", str(x))  # an abstract value of an uninterpreted sort
        if len(x) == 3 and x[0] == "as":
            return ("@", str(x[1]))
        if len(x) == 4 and x[0] == "ite":
            return self.value(x[2] if self.value(x[1], env) is True else x[3], env)
        return apply(str(x[0]), [self.value(a, env) for a in x[1:]])


def apply(op, x):
    if op in ("=", "not", "xor") or all(isinstance(v, Fraction) for v in x):
        return {"=": lambda: all(v == x[0] and type(v) is type(x[0]) for v in x), "not": lambda: not x[0],
                "xor": lambda: x[0] != x[1], "+": lambda: sum(x), "*": lambda: fold(x, Fraction.__mul__),
                "-": lambda: -x[0] if len(x) == 1 else x[0] - sum(x[1:]), "/": lambda: fold(x, Fraction.__truediv__),
                "<": lambda: x[0] < x[1], "<=": lambda: x[0] <= x[1], ">": lambda: x[0] > x[1],
                ">=": lambda: x[0] >= x[1]}[op]()
    if op in ("and", "or") and all(isinstance(v, bool) for v in x):
        return all(x) if op == "and" else any(x)
    raise ValueError(f"cannot evaluate ({op} ...) in the model")


def fold(x, op):
    out = x[0]
    for v in x[1:]:
        out = op(out, v)
    return out


def check_model(problem, data, line):
    """None if the model (from the certificate's line `line` + 1) satisfies every assertion, else an
    Outcome saying which it falsifies."""
    try:
        model = Model(problem, data)
    except SmtError as error:
        raise Bad(error.where[0] + line, error.message) from None
    for i, (t, at) in enumerate(problem.assertions, 1):
        try:
            ok = model.term(t) is True
        except (ValueError, KeyError, ZeroDivisionError) as error:
            return Outcome("smt-model", 1, text=str(error))
        if not ok:
            return Outcome("smt-model", 1, text=f"the model falsifies assertion {i} (problem line {at[0]})")
    return None


__all__ = ["Bad", "Certificate", "check_unsat", "check_model", "refute", "read", "Skeleton", "ARITH"]
