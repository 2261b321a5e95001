"""Soundness campaigns for the SMT kernel, with cvc5 as the independent oracle.

Untrusted tooling: tests/test_smt_soundness.py runs a fast seeded part of each campaign, and
bench/bench_soundness.py the long ones.

- **Reader differential**: string literals (escapes, quotes, non-ASCII, invalid bytes), numerals,
  symbols and reserved names, each read by the kernel and by cvc5's parser.  The kernel may refuse
  what cvc5 reads only in the listed STRICTER cases; it may never read a value cvc5 does not, nor read
  what cvc5 refuses.
- **Answer differential**: a problem answered by cvc5 and by a certificate the kernel verifies.
- **Mutation**: problems (the certificate's digest fixed up) and certificates, mutated; every mutant
  the kernel verifies is re-validated by cvc5 (the answer; for unsat, each lemma's validity; for sat,
  the model satisfying the problem).  One that cvc5 refutes is a false accept.  Both LRAT kernels
  check every refutation, and any difference between them is counted too.
"""
from __future__ import annotations

import hashlib
import random
import re
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import checker
from checker import smtlib

from .atoms import Atoms
from .sexprs import sexprs

# ---- cvc5 ---------------------------------------------------------------------------------------


def cvc5_run(data: bytes, timeout_ms: int = 20_000):
    """cvc5 on a script: ("refused", message) when its parser or type checker refuses it, else
    (answer, {constant name: value}) with the values of the declared constants when sat."""
    import cvc5

    with tempfile.NamedTemporaryFile(suffix=".smt2") as f:
        f.write(data)
        f.flush()
        solver = cvc5.Solver(cvc5.TermManager())
        for option, value in (("produce-models", "true"), ("strings-exp", "true"), ("tlimit-per", str(timeout_ms))):
            solver.setOption(option, value)
        parser = cvc5.InputParser(solver)
        answer = None
        try:
            parser.setFileInput(cvc5.InputLanguage.SMT_LIB_2_6, f.name)
            manager = parser.getSymbolManager()
            while True:
                command = parser.nextCommand()
                if command.isNull():
                    break
                out = str(command.invoke(solver, manager)).strip()
                if out.startswith("(error"):
                    return "refused", out
                if out in ("sat", "unsat", "unknown"):
                    answer = out
            if answer is None:  # a problem without check-sat asks it all the same
                answer = str(solver.checkSat())
        except Exception as error:  # cvc5 raises on what it cannot parse or type
            return "refused", str(error).splitlines()[0] if str(error) else type(error).__name__
        values = {}
        if answer == "sat":
            for term in manager.getDeclaredTerms():
                if term.getSort().isFunction():
                    continue
                values[term.getSymbol()] = _value(solver.getValue(term))
        return answer, values


def _value(term):
    sort = term.getSort()
    if sort.isString():
        return term.getStringValue()
    if sort.isBoolean():
        return term.getBooleanValue()
    if sort.isInteger():
        return term.getIntegerValue()
    if sort.isReal():
        return Fraction(term.getRealValue())
    return str(term)


def kernel_read(data: bytes):
    """("refused", message) or ("read", Problem)."""
    try:
        return "read", smtlib.read(data)
    except smtlib.SmtError as error:
        return "refused", str(error)


# ---- reader differential ------------------------------------------------------------------------
# What the kernel refuses though cvc5 reads it (stricter, never a different meaning): numerals with
# leading zeros (00, 00.5), "-3" and "3/4" (cvc5's own numerals; in SMT-LIB the first is a symbol, the
# second no token), a backslash in a quoted symbol, a reserved word declared as a quoted symbol
# (|let|), a function named like a sort or a sort like a predefined function (SMT-LIB keeps the two
# apart; the kernel refuses both), a let binding a predefined or reserved name (cvc5 shadows it), a
# bit-vector constant (_ bvX n) whose X is no numeral (bv-1, bv010).
STRICTER = [re.compile(p) for p in (
    rb"let \(\(\|?(" + b"|".join(re.escape(n.encode()) for n in sorted(smtlib.PREDEFINED | smtlib.RESERVED)) +
    rb"|(str|re)\.[^ |]*|[.@][^ |]*)\|? ",
    rb"(?<![0-9.])(?<!#b)(?<!#x)0[0-9]", rb"[( ]-[0-9]", rb"[0-9]/[0-9]", rb"\|[^|]*\\[^|]*\|",
    rb"\|(let|par|as|_|!|forall|exists|match|NUMERAL|DECIMAL|STRING)\|",
    rb"(declare-fun|define-fun|let \(\() ?\|?(Bool|Int|Real|String)\|? ", rb"declare-sort \|?[^ ]*\|? 0", rb"\(_ bv-")]

_PIECES = [b"\\u", b"\\u{", b"}", b"{", b"0", b"6", b"1", b"a", b"F", b"2", b"3", b"d8", b"00", b"\\", b'""',
           b" ", b"x", b"~", "\u00e9".encode(), b"\xff", b"\x01", b"\t", b"\x7f", b"u{", b"ud800", b"\\x", b"5c",
           b"61", b"2ffff", b"3ffff", b"fffff", b"{61}", b"{5c}"]


def random_literal(rng) -> bytes:
    return b'"' + b"".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 8))) + b'"'


_NUMBERS = [b"0", b"00", b"007", b"10", b"1.5", b"00.5", b"0.50", b"1.", b".5", b"1e3", b"-3", b"#x1F", b"#b101",
            b"1.0", b"01.0", b"0.0", b"12345678901234567890", b"3/4", b"(- 3)", b"(/ 1 3)", b"(- 0.5)"]
_NAMES = ["x", "|x|", "|x y|", "|a\\b|", "|\u00e9|", "x!1", "@x", ".x", "let", "|let|", "true", "|true|", "and",
          "|and|", "not", "|not|", "=>", "ite", "+", "str.len", "|str.len|", "re.union", "select", "bvadd", "bvar",
          "Int", "|Int|", "String", "x.y", "_x", "|_|", "a'b", "x#", "|x\ny|", "1x", "|1x|", ":x", "|:x|"]


def random_bitvector(rng) -> bytes:
    """A literal for an 8-bit constant in one of SMT-LIB's three forms, often malformed."""
    def digits(alphabet, n):
        return "".join(rng.choice(alphabet) for _ in range(n))
    form = rng.randrange(4)
    if form == 0:
        text = "#b" + digits("01", rng.choice([8, 8, 8, 7, 9, 0])) + rng.choice(["", "", "", "2", "_"])
    elif form == 1:
        text = "#x" + digits("0123456789abcdefABCDEF", rng.choice([2, 2, 2, 1, 3, 0])) + rng.choice(["", "", "g"])
    elif form == 2:
        value = rng.choice([str(rng.randint(0, 300)), str(rng.randint(0, 255)), f"0{rng.randint(0, 9)}", "-1", "1e1"])
        text = f"(_ bv{value} {rng.choice(['8', '8', '8', '4', '08', '8 8'])})"
    else:
        text = rng.choice(["#B00001010", "#X0a", "#o12", "(_ bv10)", "(_ BitVec 8)", "#x0A#", "(_ bv 8)", "|#x0a|"])
    return text.encode()


def reader_cases(rng, count: int):
    """(name, script bytes, the constants whose values are compared) for the reader differential:
    `count` literals, numbers, symbols and declarations, then count // 4 bit-vector literals."""
    for i in range(count):
        kind = i % 4
        if kind == 0:
            lit = random_literal(rng)
            yield "literal", b"(set-logic QF_S)(declare-fun s () String)(assert (= s " + lit + b"))(check-sat)", ("s",)
        elif kind == 1:
            number = rng.choice(_NUMBERS) if rng.random() < 0.7 else str(rng.randint(0, 10**6)).encode()
            yield "number", b"(set-logic QF_LRA)(declare-fun x () Real)(assert (= x " + number + b"))(check-sat)", \
                ("x",)
        elif kind == 2:
            name = rng.choice(_NAMES).encode()
            sort = rng.choice([b"Bool", b"Int"])
            body = b"(not " + name + b")" if sort == b"Bool" else b"(= " + name + b" 5)"
            yield "symbol", b"(set-logic ALL)(declare-fun " + name + b" () " + sort + b")(assert " + body + \
                b")(check-sat)", ()
        else:
            name = rng.choice(_NAMES).encode()
            form = rng.choice([b"(declare-sort " + name + b" 0)(check-sat)",
                               b"(define-fun " + name + b" ((y Bool)) Bool y)(assert (" + name + b" true))(check-sat)",
                               b"(declare-fun y () Int)(assert (let ((" + name + b" 1)) (= y " + name +
                               b")))(check-sat)",
                               b"(declare-fun x () Int)(declare-fun |x| () Int)(check-sat)"])
            yield "declaration", b"(set-logic ALL)" + form, ()
    for _ in range(count // 4):  # after the others, which stay as they were for a seed
        yield "bit-vector", b"(set-logic QF_BV)(declare-fun x () (_ BitVec 8))(assert (= x " + \
            random_bitvector(rng) + b"))(check-sat)", ("x",)


def kernel_values(problem, names):
    """The value the kernel's reading gives each constant: the literal it is asserted equal to."""
    out = {}
    for term in problem.terms:
        if term.op == "=" and len(term.args) == 2:
            left, right = (problem.terms[a] for a in term.args)
            if left.op == "const" and left.payload in names and right.op in ("str", "num"):
                out[left.payload] = right.payload
            elif left.op == "const" and left.payload in names and right.op == "bv":  # as cvc5 prints it
                out[left.payload] = f"#b{right.payload:0{right.sort[1]}b}"
    return out


@dataclass
class Tally:
    """What a campaign saw."""
    cases: int = 0
    counts: dict = field(default_factory=dict)  # outcome -> number
    failures: list = field(default_factory=list)  # (what, detail)

    def add(self, outcome, failure=None):
        self.cases += 1
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        if failure is not None:
            self.failures.append(failure)


def reader_differential(seed: int, count: int) -> Tally:
    tally = Tally()
    for kind, script, names in reader_cases(random.Random(seed), count):
        ours, problem = kernel_read(script)
        theirs, values = cvc5_run(script)
        if ours == "refused" and theirs == "refused":
            tally.add("both refuse")
        elif ours == "refused":
            stricter = any(p.search(script) for p in STRICTER)
            tally.add("kernel stricter" if stricter else "kernel refuses what cvc5 reads",
                      None if stricter else (kind, script, problem))
        elif theirs == "refused":
            tally.add("kernel reads what cvc5 refuses", (kind, script, values))
        else:
            mine = kernel_values(problem, names)
            same = all(_same(mine.get(n), values.get(n)) for n in names)
            tally.add("same value" if same else "different values",
                      None if same else (kind, script, {n: (mine.get(n), values.get(n)) for n in names}))
    return tally


def _same(a, b):
    return a == b if not isinstance(a, (int, Fraction)) or isinstance(a, bool) else Fraction(a) == Fraction(b)


# ---- problems -------------------------------------------------------------------------------------
def arithmetic(rng, sort):
    names = ["x", "y", "z"]
    decls = "".join(f"(declare-const {n} {sort})" for n in names)

    def number():
        k = rng.randint(-6, 6)
        return f"(- {-k})" if k < 0 else str(k) if sort == "Int" or rng.random() < 0.7 else f"(/ {abs(k)} 3)"

    def atom():
        terms = [f"(* {number()} {n})" for n in rng.sample(names, rng.randint(1, 3))]
        total = terms[0] if len(terms) == 1 else f"(+ {' '.join(terms)})"
        return f"({rng.choice(['<', '<=', '=', '>=', '>'])} {total} {number()})"

    def formula(depth):
        if depth == 0 or rng.random() < 0.4:
            return atom() if rng.random() < 0.85 else f"(not {atom()})"
        return f"({rng.choice(['and', 'or', 'or'])} {formula(depth - 1)} {formula(depth - 1)})"

    bounds = "".join(f"(assert (<= (- 8) {n} 8))" for n in names) if sort == "Int" else ""
    return f"(set-logic QF_{'LIA' if sort == 'Int' else 'LRA'}){decls}{bounds}" + \
        "".join(f"(assert {formula(2)})" for _ in range(rng.randint(2, 5))) + "(check-sat)"


def globs(rng):
    pieces = ["arn:", "s3:", "bucket", "/", "log", ".gz", "a", "\\u{5c}", "\\u0061", "\\u{e9}", '""']

    def glob():
        parts = [rng.choice(["(re.* re.allchar)", "re.allchar", f'(str.to_re "{rng.choice(pieces)}")'])
                 for _ in range(rng.randint(1, 4))]
        return parts[0] if len(parts) == 1 else f"(re.++ {' '.join(parts)})"

    def literal():
        text = f"(str.in_re {rng.choice(['s', 't'])} {glob()})"
        return text if rng.random() < 0.6 else f"(not {text})"

    extra = [rng.choice(["(= s t)", "(not (= s t))", '(= s "arn:a")', '(= t "bucket/log.gz")', '(= s "\\u0061")',
                         '(= t "\\u{5c}u0061")']) for _ in range(rng.randint(0, 1))]
    body = [f"(or {literal()} {literal()})" if rng.random() < 0.3 else literal() for _ in range(rng.randint(2, 5))]
    return "(set-logic QF_S)(declare-const s String)(declare-const t String)" + \
        "".join(f"(assert {b})" for b in body + extra) + "(check-sat)"


def string_equalities(rng):
    """Strings equal or not to each other and to literals, escapes included."""
    names, values = ["s", "t", "u"], ['"a"', '"ab"', '""', '"arn:x"', '"\\u0061"', '"\\u{61}b"', '"\\u{5c}"', '"\\\\"']

    def literal():
        r = rng.random()
        text = "(= {} {})".format(*rng.sample(names, 2)) if r < 0.45 else \
            f"(= {rng.choice(names)} {rng.choice(values)})" if r < 0.85 else \
            f'(str.in_re {rng.choice(names)} (re.++ (str.to_re "a") (re.* re.allchar)))'
        return text if rng.random() < 0.55 else f"(not {text})"

    body = [f"(or {literal()} {literal()})" if rng.random() < 0.3 else literal() for _ in range(rng.randint(3, 7))]
    return "(set-logic QF_S)" + "".join(f"(declare-const {n} String)" for n in names) + \
        "".join(f"(assert {b})" for b in body) + "(check-sat)"


def uninterpreted(rng):
    """Equalities and disequalities over a declared sort, with a function and a predicate."""
    names = ["a", "b", "c", "d"]

    def term(depth=1):
        return rng.choice(names) if depth == 0 or rng.random() < 0.6 else f"(f {term(depth - 1)})"

    def literal():
        text = f"(= {term()} {term()})" if rng.random() < 0.75 else f"(P {term()})"
        return text if rng.random() < 0.6 else f"(not {text})"

    body = [f"(or {literal()} {literal()})" if rng.random() < 0.3 else literal() for _ in range(rng.randint(3, 7))]
    return "(set-logic QF_UF)(declare-sort U 0)(declare-fun f (U) U)(declare-fun P (U) Bool)" + \
        "".join(f"(declare-const {n} U)" for n in names) + "".join(f"(assert {b})" for b in body) + "(check-sat)"


def with_ite(rng):
    """Integer terms with ite over Int (lifted into the skeleton) and sums of them."""
    names = ["x", "y", "z"]

    def number():
        return str(rng.randint(0, 5)) if rng.random() < .6 else f"(- {rng.randint(1, 5)})"

    def term(depth=2):
        r = rng.random()
        if depth == 0 or r < 0.35:
            return rng.choice(names + [number()])
        return f"(ite {atom(depth - 1)} {term(depth - 1)} {term(depth - 1)})" if r < 0.65 else \
            f"(+ {term(depth - 1)} {term(depth - 1)})"

    def atom(depth=2):
        return f"({rng.choice(['<', '<=', '=', '>='])} {term(depth)} {term(depth)})"

    def formula(depth=2):
        if depth == 0 or rng.random() < .5:
            return atom() if rng.random() < .8 else f"(not {atom()})"
        return f"({rng.choice(['and', 'or'])} {formula(depth - 1)} {formula(depth - 1)})"

    return "(set-logic QF_LIA)" + "".join(f"(declare-fun {n} () Int)" for n in names) + \
        "".join(f"(assert {formula()})" for _ in range(rng.randint(2, 5))) + "(check-sat)"


BV_BINARY = ("bvand bvor bvxor bvnand bvnor bvxnor bvadd bvsub bvmul bvudiv bvurem bvsdiv bvsrem bvsmod bvshl "
             "bvlshr bvashr").split()
BV_PREDICATES = ("= distinct bvult bvule bvugt bvuge bvslt bvsle bvsgt bvsge bvuaddo bvsaddo bvumulo bvsmulo bvusubo "
                 "bvssubo bvsdivo").split()


def bitvectors(rng):
    """QF_BV at one width from 1 to 6: every operator, the indexed ones through terms that come back
    to that width, ite over bit-vectors, compared by equality, the orders and the overflow predicates."""
    w, names = rng.randint(1, 6), ["x", "y", "z"]

    def term(depth=2):
        r, k = rng.random(), rng.randint(0, 3)
        if depth == 0 or r < 0.3:
            return rng.choice(names) if rng.random() < 0.7 else f"#b{rng.getrandbits(w):0{w}b}" if \
                rng.random() < 0.5 else f"(_ bv{rng.getrandbits(w)} {w})"
        if r < 0.7:
            return f"({rng.choice(BV_BINARY)} {term(depth - 1)} {term(depth - 1)})"
        a = term(depth - 1)
        return rng.choice([f"(bvnot {a})", f"(bvneg {a})", f"((_ rotate_left {k}) {a})", f"((_ rotate_right {k}) {a})",
                           f"((_ extract {w - 1} 0) (concat {a} {term(depth - 1)}))",
                           f"((_ extract {w + k - 1} {k}) ((_ sign_extend {k}) {a}))",
                           f"((_ extract {w - 1} 0) ((_ zero_extend {k}) {a}))",
                           f"((_ extract {2 * w - 1} {w}) ((_ repeat 2) {a}))",
                           f"((_ zero_extend {w - 1}) (bvcomp {a} {term(depth - 1)}))",
                           f"(ite {atom(depth - 1)} {a} {term(depth - 1)})"])

    def atom(depth=2):
        op = rng.choice(BV_PREDICATES)
        return f"(bvnego {term(depth)})" if rng.random() < 0.05 else f"({op} {term(depth)} {term(depth)})"

    def formula(depth=2):
        if depth == 0 or rng.random() < .5:
            return atom() if rng.random() < .8 else f"(not {atom()})"
        return f"({rng.choice(['and', 'or'])} {formula(depth - 1)} {formula(depth - 1)})"

    return "(set-logic QF_BV)" + "".join(f"(declare-fun {n} () (_ BitVec {w}))" for n in names) + \
        "".join(f"(assert {formula()})" for _ in range(rng.randint(1, 4))) + "(check-sat)"


def random_regex(rng, depth=3, top=False):
    """A regular expression over a, b, c with every operator of the kernel's subset (re.comp, re.inter
    and re.diff only at the top, where the kernel reads them)."""
    if top and rng.random() < 0.3:
        op = rng.choice(["re.comp", "re.inter", "re.diff"])
        return f"(re.comp {random_regex(rng, depth - 1)})" if op == "re.comp" else \
            f"({op} {random_regex(rng, depth - 1, True)} {random_regex(rng, depth - 1)})"
    if depth <= 0 or rng.random() < 0.3:
        return rng.choice([f'(str.to_re "{rng.choice(["", "a", "b", "ab", "ca", "bcb"])}")', "re.allchar", "re.all",
                           '(re.range "a" "b")', '(re.range "b" "c")', '(re.range "c" "a")', "re.none",
                           '(re.range "ab" "c")'])
    op = rng.choice(["re.++", "re.++", "re.union", "re.union", "re.*", "re.+", "re.opt", "loop", "power"])
    if op in ("re.++", "re.union"):
        return f"({op} {' '.join(random_regex(rng, depth - 1) for _ in range(rng.randint(2, 3)))})"
    if op == "loop":
        low = rng.randint(0, 2)
        return f"((_ re.loop {low} {max(0, low + rng.randint(-1, 2))}) {random_regex(rng, depth - 1)})"
    if op == "power":
        return f"((_ re.^ {rng.randint(0, 3)}) {random_regex(rng, depth - 1)})"
    return f"({op} {random_regex(rng, depth - 1)})"


def regexes(rng):
    """Memberships of s and t in random regular expressions, prefixes, suffixes and contents."""
    def literal():
        r = rng.random()
        name, word = rng.choice(["s", "t"]), rng.choice(["a", "ab", "b", "ca", ""])
        text = f"(str.in_re {name} {random_regex(rng, 3, True)})" if r < 0.5 else \
            f"(str.in_re (str.at {name} {rng.randint(0, 2)}) {random_regex(rng, 2, True)})" if r < 0.6 else \
            f'(str.prefixof "{word}" {name})' if r < 0.7 else f'(str.suffixof "{word}" {name})' if r < 0.8 else \
            f'(str.contains {name} "{word}")' if r < 0.9 else rng.choice(['(= s t)', f'(= {name} "{word}")'])
        return text if rng.random() < 0.6 else f"(not {text})"

    body = [f"(or {literal()} {literal()})" if rng.random() < 0.3 else literal() for _ in range(rng.randint(2, 4))]
    return "(set-logic QF_S)(declare-const s String)(declare-const t String)" + \
        "".join(f"(assert {b})" for b in body) + "(check-sat)"


def lengths(rng):
    """Lengths and concatenations: str.len of strings and of str.++ terms in linear atoms, with
    memberships and equalities of concatenations."""
    def string():
        return rng.choice(["s", "t", "u", "(str.++ s t)", '(str.++ s "a" t)', '(str.++ t "b")', "(str.++ s s)"])

    def literal():
        r = rng.random()
        text = f"({rng.choice(['<', '<=', '=', '>='])} (str.len {string()}) {rng.randint(0, 5)})" if r < 0.35 else \
            f"(= (str.len {string()}) (+ (str.len {string()}) {rng.choice(['(- 2)', '(- 1)', '0', '1', '2'])}))" \
            if r < 0.5 else \
            f"(str.in_re {string()} {random_regex(rng, 2)})" if r < 0.8 else \
            f"(= u {string()})" if r < 0.9 else f'(= {string()} "{rng.choice(["ab", "", "aab", "ba"])}")'
        return text if rng.random() < 0.7 else f"(not {text})"

    body = [f"(or {literal()} {literal()})" if rng.random() < 0.3 else literal() for _ in range(rng.randint(2, 5))]
    return "(set-logic QF_SLIA)(declare-const s String)(declare-const t String)(declare-const u String)" + \
        "".join(f"(assert {b})" for b in body) + "(check-sat)"


GENERATORS = {"lra": lambda rng: arithmetic(rng, "Real"), "lia": lambda rng: arithmetic(rng, "Int"),
              "globs": globs, "equalities": string_equalities, "euf": uninterpreted, "ite": with_ite,
              "bv": bitvectors, "regex": regexes, "lengths": lengths}


def problems(root: Path, per_theory: int, seed: int = 0):
    """(name, SMT-LIB bytes): the shipped samples, then `per_theory` random ones of each theory."""
    out = [(p.stem, p.read_bytes()) for p in sorted((root / "samples" / "smt").glob("*.smt2"))]
    for theory, make in GENERATORS.items():
        for i in range(per_theory):
            out.append((f"{theory}-{seed}-{i}", make(random.Random(f"{theory}-{seed}-{i}")).encode()))
    return out


# ---- answers and certificates ------------------------------------------------------------------------------
def certify(problem: Path, cert: Path):
    """Our answer, from the native producer: 'sat', 'unsat', or None when it has none."""
    from .native import prove
    try:
        return prove(problem, cert).answer
    except Exception:  # noqa: BLE001 - an answer we cannot make is no answer (the campaign counts it)
        return None


def kernel_verdicts(problem: Path, cert: Path):
    """Each LRAT kernel's (status, code) on the certificate, or ('bad input', message)."""
    from .checking import check
    out = []
    for kernel in checker.kernels():
        try:
            _, verdict, _ = check(problem, cert, kernel)
            out.append((verdict.status, verdict.code) if verdict is not None else ("no verdict", ""))
        except checker.InputError as error:
            out.append(("bad input", str(error).split(": ", 1)[-1]))
    return out


def answer_of(cert: Path) -> str:
    lines = cert.read_bytes().split(b"\n", 3)
    return lines[2].decode(errors="replace") if len(lines) > 2 else ""


def model_script(problem_bytes: bytes, model: bytes) -> bytes:
    """The problem with each declared function the model defines replaced by its definition, abstract
    values declared pairwise distinct: cvc5 says sat exactly when the model satisfies the problem."""
    forms = list(sexprs(model))
    renamed = lambda text: re.sub(rb"@", b"abs!", text)  # noqa: E731 - @ is reserved for solvers
    defined = {str(f[1]): renamed(model[f.at:f.end]) for f in forms if f and f[0] == "define-fun"}
    abstract = [(renamed(str(f[1]).encode()), str(f[2]).encode()) for f in forms if f and f[0] == "declare-const"]
    out, sorts_done = [b"(set-logic ALL)"], False
    for form in sexprs(problem_bytes):
        head = str(form[0]) if form else ""
        text = problem_bytes[form.at:form.end]
        if head in ("set-logic", "check-sat", "exit", "set-option", "get-model"):
            continue
        if head != "declare-sort" and not sorts_done:
            sorts_done = True
            out += [b"(declare-const " + name + b" " + sort + b")" for name, sort in abstract]
            for sort in {s for _, s in abstract}:
                names = [n for n, s in abstract if s == sort]
                if len(names) > 1:
                    out.append(b"(assert (distinct " + b" ".join(names) + b"))")
        if head in ("declare-fun", "declare-const") and str(form[1]) in defined:
            out.append(defined.pop(str(form[1])))
        else:
            out.append(text)
    return b"\n".join(out + [b"(check-sat)"])


def lemma_queries(problem_bytes: bytes, cert_bytes: bytes):
    """For each lemma of an unsat certificate, a script cvc5 finds unsat exactly when the lemma is
    valid: the problem's declarations and the negation of the lemma's literals (atoms as SMT-LIB)."""
    problem = smtlib.read(problem_bytes)
    atoms = Atoms(problem)
    declarations = b"\n".join(problem_bytes[f.at:f.end] for f in sexprs(problem_bytes)
                              if f and str(f[0]) in ("declare-sort", "declare-fun", "declare-const", "define-fun"))
    for line in cert_bytes.decode(errors="replace").splitlines():
        words = line.split(None, 2)
        if words[:1] == ["atom"] and len(words) == 3:
            checker.smt.declare(problem, atoms.skeleton, words[1], words[2].encode(), 0)
        elif words[:1] == ["lemma"] and len(words) == 3:
            literals = [int(t) for t in words[2].split()[:words[2].split().index("0")]]
            try:
                texts = [atoms.text(atoms.skeleton.atoms[abs(lit)]) for lit in literals]
            except (KeyError, ValueError):
                yield None  # an atom we cannot print: this lemma is not re-validated
                continue
            negated = [f"(not {t})" if lit > 0 else t for lit, t in zip(literals, texts)]
            yield b"(set-logic ALL)\n" + declarations + b"\n" + "".join(
                f"(assert {n})" for n in negated).encode() + b"\n(check-sat)"


def validate(problem_bytes: bytes, cert_bytes: bytes):
    """cvc5's view of a certificate the kernel verified: 'confirmed', 'refuted: WHY' or 'unknown'."""
    answer = cert_bytes.split(b"\n", 3)[2].strip() if cert_bytes.count(b"\n") >= 3 else b""
    if answer == b"sat":
        if cvc5_run(problem_bytes)[0] == "refused":
            return "refuted: cvc5 refuses the problem the kernel read"
        found, _ = cvc5_run(model_script(problem_bytes, cert_bytes.split(b"\n", 3)[3]))
        return "confirmed" if found == "sat" else "unknown" if found in ("unknown", "refused") else \
            "refuted: the model does not satisfy the problem"
    found, _ = cvc5_run(problem_bytes)
    if found == "sat":
        return "refuted: the problem is satisfiable"
    if found == "refused":
        return "refuted: cvc5 refuses the problem the kernel read"
    for i, query in enumerate(lemma_queries(problem_bytes, cert_bytes), 1):
        if query is not None and cvc5_run(query)[0] == "sat":
            return f"refuted: lemma {i} is not valid"
    return "confirmed" if found == "unsat" else "unknown"


# ---- mutation ---------------------------------------------------------------------------------------------
_TOKEN = re.compile(rb'"(?:[^"]|"")*"|[^\s()"]+')


def mutate_problem(rng, data: bytes) -> bytes:
    """One token of the problem changed: a number, an operator, a literal's character, a symbol."""
    tokens = [m for m in _TOKEN.finditer(data) if not m.group().startswith((b"set-", b"declare", b"check"))]
    if not tokens:
        return data
    m = rng.choice(tokens)
    text = m.group()
    swaps = {b"<": b"<=", b"<=": b"<", b">": b">=", b">=": b">", b"=": b"distinct", b"and": b"or", b"or": b"and",
             b"+": b"-", b"-": b"+", b"re.allchar": b"(re.* re.allchar)", b"true": b"false", b"false": b"true",
             b"bvult": b"bvule", b"bvule": b"bvult", b"bvslt": b"bvult", b"bvsle": b"bvslt", b"bvadd": b"bvsub",
             b"bvsub": b"bvadd", b"bvudiv": b"bvurem", b"bvsrem": b"bvsmod", b"bvsdiv": b"bvudiv",
             b"bvshl": b"bvlshr", b"bvashr": b"bvlshr", b"bvand": b"bvor", b"bvmul": b"bvadd"}
    if text in swaps:
        new = swaps[text]
    elif text[:1] == b'"':
        inner = bytearray(text[1:-1])
        pos = rng.randint(0, len(inner))
        new = b'"' + bytes(inner[:pos]) + rng.choice(_PIECES) + bytes(inner[pos + 1:]) + b'"'
    elif text.isdigit():
        new = str(int(text) + rng.choice([-1, 1, 2])).encode() if int(text) > 0 else b"1"
    elif re.fullmatch(rb"#b[01]+|#x[0-9a-fA-F]+", text):
        new = flip_digit(rng, text)
    else:
        new = rng.choice([text, b"(not " + text + b")"])
    return data[:m.start()] + new + data[m.end():]


def flip_digit(rng, literal: bytes) -> bytes:
    """A bit-vector literal with one digit changed (same width): #b0110 -> #b0100, #x1f -> #x17."""
    digits = [i for i in range(2, len(literal)) if literal[i:i + 1] not in b")"]
    i = rng.choice(digits)
    base = b"01" if literal[1:2] == b"b" else b"0123456789abcdef"
    new = rng.choice([d for d in base if d != literal[i:i + 1].lower()[0]])
    return literal[:i] + bytes([new]) + literal[i + 1:]


def mutate_certificate(rng, data: bytes) -> bytes:
    """One token of a lemma, atom or model line, or of the refutation, changed."""
    lines = data.split(b"\n")
    if len(lines) < 4:
        return data
    i = rng.randrange(3, len(lines))
    words = lines[i].split(b" ")
    j = rng.randrange(len(words))
    w = words[j]
    if re.fullmatch(rb"-?[0-9]+", w):
        words[j] = str(rng.choice([-int(w), int(w) + 1, int(w) - 1, 0, 1, 2])).encode()
    elif re.fullmatch(rb"-?[0-9]+/[0-9]+", w):
        words[j] = rng.choice([b"1", b"-1", w + b"0", w.replace(b"/", b"0/")])
    elif re.fullmatch(rb"[0-9a-f,]+", w):
        words[j] = re.sub(rb"[0-9a-f]", lambda m: rng.choice(b"0123456789abcdef").to_bytes(1, "big"), w, count=1)
    elif w[:1] == b'"':
        words[j] = w[:1] + rng.choice(_PIECES) + w[1:]
    elif re.fullmatch(rb"#b[01]+\)?|#x[0-9a-fA-F]+\)?", w):
        words[j] = flip_digit(rng, w)
    else:
        words[j] = rng.choice([w, b"(not " + w + b")", b"1", b"true"])
    lines[i] = b" ".join(words)
    return b"\n".join(lines)


def with_digest(cert: bytes, problem: bytes) -> bytes:
    """The certificate renamed for `problem` (its problem line fixed up)."""
    return re.sub(rb"^problem [0-9a-f]{64}$", b"problem " + hashlib.sha256(problem).hexdigest().encode(), cert,
                  count=1, flags=re.M)


def mutation_campaign(pool, mutants: int, seed: int, scratch: Path) -> Tally:
    """`pool`: (name, problem bytes, certificate bytes).  Mutants alternate between problems and
    certificates; each one the kernel verifies is re-validated by cvc5."""
    rng, tally = random.Random(seed), Tally()
    problem_path, cert_path = scratch / "m.smt2", scratch / "m.cert"
    for n in range(mutants):
        name, problem, cert = pool[n % len(pool)]
        if n % 2:
            problem = mutate_problem(rng, problem)
            cert = with_digest(cert, problem)
        else:
            cert = mutate_certificate(rng, cert)
        problem_path.write_bytes(problem)
        cert_path.write_bytes(cert)
        found = kernel_verdicts(problem_path, cert_path)
        if len(set(found)) > 1:
            tally.add("kernels disagree", ("disagreement", name, problem, cert, found))
            continue
        if found[0][0] != "VERIFIED":
            tally.add("rejected" if found[0][0] == "NOT VERIFIED" else "bad input")
            continue
        view = validate(problem, cert)
        tally.add(f"accepted, cvc5 {view.split(':')[0]}",
                  ("false accept", name, problem, cert, view) if view.startswith("refuted") else None)
    return tally
