"""Fixed-size bit-vectors: the SMT-LIB 2.6 theory FixedSizeBitVectors and the logic QF_BV's extensions.

Reading removes the logic's sugar (bvnand, bvule, zero_extend, rotate_left, ...), so that the rest sees 22
operators; models are evaluated exactly (Python ints below 2^w); the skeleton gets each bit-vector term's bits,
least significant first, from one circuit per operator, built of the core's own Tseitin connectives with constants
folded (docs/smt-certificate.md, "Bit-vectors", states the circuits, the numbering and why each is sound).
Everything is iterative and linear in the circuits' sizes, which count against the problem's budget."""
import re

from . import ATOMS, CONSTANTS, OPERATORS, OPS, SORTS, TYPES, VALUES

WIDTH = 1 << 16  # the widest bit-vector sort read
LEFT = ("bvand", "bvor", "bvxor", "bvadd", "bvmul")  # :left-assoc (theory and logic): two or more arguments
UNARY = ("bvnot", "bvneg", "bvnego")
BINARY = ("concat", "bvnand", "bvnor", "bvxnor", "bvcomp", "bvsub", "bvudiv", "bvurem", "bvsdiv", "bvsrem",
          "bvsmod", "bvshl", "bvlshr", "bvashr")
NEGATED = {"bvnand": "bvand", "bvnor": "bvor", "bvxnor": "bvxor"}  # (bvnand s t) is (bvnot (bvand s t))
# Comparisons as (bvult | bvslt, swap the arguments, negate): (bvule s t) is (not (bvult t s)), ...
PREDICATES = {"bvult": ("bvult", False, False), "bvule": ("bvult", True, True), "bvugt": ("bvult", True, False),
              "bvuge": ("bvult", False, True), "bvslt": ("bvslt", False, False), "bvsle": ("bvslt", True, True),
              "bvsgt": ("bvslt", True, False), "bvsge": ("bvslt", False, True)}
OVERFLOW = ("bvnego", "bvuaddo", "bvsaddo", "bvumulo", "bvsmulo", "bvusubo", "bvssubo", "bvsdivo")  # SMT-LIB 2.7
INDEXED = {"extract": 2, "repeat": 1, "zero_extend": 1, "sign_extend": 1, "rotate_left": 1, "rotate_right": 1}
QUADRATIC = ("bvmul", "bvudiv", "bvurem", "bvsdiv", "bvsrem", "bvsmod")
OPAQUE = ("const", "app", "ite")  # bits of their own (an ite's come with the core's lifting clauses)
_LITERAL = re.compile(rb"#b[01]+|#x[0-9a-fA-F]+")
_NUMERAL = re.compile(r"bv(0|[1-9][0-9]{0,3999})")


def mask(w):
    return (1 << w) - 1


def signed(v, w):
    return v - (1 << w) if v >> (w - 1) else v


# ---- reading ---------------------------------------------------------------------------------------------
def literal(problem, token):
    """#bX (width: the digits) and #xX (4 a digit), hexadecimal digits in either case (section 3.1)."""
    if not _LITERAL.fullmatch(token):
        raise ValueError(f"not a bit-vector literal: {token[:40]!r}")
    width = (len(token) - 2) * (1 if token[1:2] == b"b" else 4)
    if width > WIDTH:
        raise ValueError(f"unsupported: a bit-vector literal of more than {WIDTH:,} bits")
    return problem.make("bv", int(token[2:], 2 if token[1:2] == b"b" else 16), (), ("BitVec", width))


def indexed_literal(problem, name, indices):
    """(_ bvX n): the value X (a numeral) of sort (_ BitVec n); X at most 2^n - 1 (logic QF_BV)."""
    match = _NUMERAL.fullmatch(name)
    if not match or len(indices) != 1:
        raise ValueError(f"unsupported: indexed constants (_ {name[:40]} ...)" if not match else
                         f"(_ {name[:40]} n) takes one index, the width")
    value, width = int(match[1]), indices[0]
    if not 0 < width <= WIDTH or value >> width:
        raise ValueError(f"(_ {name[:40]} {width}): a value below 2^width, a width from 1 to {WIDTH:,}")
    return problem.make("bv", value, (), ("BitVec", width))


def width_of(problem, t):
    sort = problem.sort(t)
    return sort[1] if isinstance(sort, tuple) and sort[0] == "BitVec" else 0


def apply(problem, head, args, tokens, at):
    """The term of a bit-vector operator applied to `args`, the logic's sugar removed."""
    name, indices = (head, ()) if isinstance(head, str) else (head[0], head[1:])
    widths = [width_of(problem, a) for a in args]
    arity = 1 if name in UNARY or name in INDEXED else 2
    if len(indices) != INDEXED.get(name, 0):
        raise problem.error(tokens, f"(_ {name} ...) takes {INDEXED[name]} index(es)" if name in INDEXED else
                            f"{name} takes no indices", at)
    if 0 in widths or (len(args) < 2 if name in LEFT else len(args) != arity) or \
            len(set(widths)) > 1 and name != "concat" and name not in INDEXED:
        raise problem.ill_sorted(tokens, name, at, f" ({'two or more' if name in LEFT else arity} bit-vector "
                                 "argument(s)" + ("" if name == "concat" or name in INDEXED else " of one width")
                                 + ")")
    x, y, w = args[0], args[-1], widths[0]

    def make(op, payload, arguments, width=w, sort=None):
        problem.budget -= (width // 64 + 1) ** (2 if op in QUADRATIC else 1)  # what evaluating it may take
        if width > WIDTH or problem.budget < 0:
            raise problem.error(tokens, f"unsupported: a bit-vector of more than {WIDTH:,} bits" if width > WIDTH
                                else "unsupported: bit-vector terms whose reading takes over 64 steps a byte", at)
        return problem.make(op, payload, arguments, sort or ("BitVec", width))

    if name in OVERFLOW:
        return overflow(problem, name, x, y, w, lambda head, *a: apply(problem, head, a, tokens, at))
    if name in LEFT:
        t = x
        for a in args[1:]:
            t = make(name, w, (t, a))
        return t
    if name in PREDICATES:
        op, swap, negate = PREDICATES[name]
        t = make(op, w, (y, x) if swap else (x, y), sort="Bool")
        return problem.make("not", None, (t,), "Bool") if negate else t
    if name in NEGATED:
        return make("bvnot", w, (make(NEGATED[name], w, args),))
    if name == "concat":
        return make("concat", widths[1], args, w + widths[1])
    if name == "extract":
        i, j = indices
        if not w > i >= j:
            raise problem.ill_sorted(tokens, "extract", at, f" (indices i >= j, i below the width {w})")
        return make("extract", (i, j), args, i - j + 1)
    k = indices[0] if indices else 0
    if name == "repeat":
        if k < 1:
            raise problem.ill_sorted(tokens, "repeat", at, " (an index of at least 1)")
        return make("repeat", (w, k), args, w * k)
    if name in ("zero_extend", "sign_extend"):  # k zeros, or k copies of the sign bit, above x
        high = make("bv", 0, (), k) if name == "zero_extend" else \
            make("repeat", (1, k), (make("extract", (w - 1, w - 1), args, 1),), k) if k else None
        return make("concat", w, (high, x), w + k) if k else x
    if name in ("rotate_left", "rotate_right"):
        k = k % w if name == "rotate_left" else -k % w  # rotating right by k is rotating left by w - k
        return make("concat", k, (make("extract", (w - 1 - k, 0), args, w - k),
                                  make("extract", (w - 1, w - k), args, k)), w) if k else x
    return make(name, w, args, 1 if name == "bvcomp" else w)


def overflow(problem, name, x, y, w, f):
    """SMT-LIB 2.7's overflow predicates (theory FixedSizeBitVectors, logic QF_BV), as their exact
    operation on vectors wide enough for it: (bvuaddo s t) is bit w of the w + 1-bit sum of s and t
    zero-extended, (bvsaddo s t) [(bvssubo s t)] says the top two bits of the w + 1-bit sum
    [difference] of s and t sign-extended differ, (bvumulo s t) [(bvsmulo s t)] that the 2w-bit product
    of s and t zero- [sign-] extended is not its low w bits zero- [sign-] extended."""
    def equal(a, b):
        return problem.make("=", None, (a, b), "Bool")

    def const(value, width=w):
        return problem.make("bv", value, (), ("BitVec", width))

    def differ(a, b):
        return problem.make("not", None, (equal(a, b),), "Bool")

    if name in ("bvnego", "bvsdivo"):  # s is -2^(w-1); bvsdivo: and t is all ones
        nego = equal(x, const(1 << (w - 1)))
        return nego if name == "bvnego" else problem.make("and", None, (nego, equal(y, const(mask(w)))), "Bool")
    if name == "bvusubo":
        return f("bvult", x, y)
    extend, op = ("zero_extend" if name[2] == "u" else "sign_extend"), "bv" + name[3:6]
    wide = f(op, f((extend, w if op == "bvmul" else 1), x), f((extend, w if op == "bvmul" else 1), y))
    if name == "bvuaddo":
        return equal(f(("extract", w, w), wide), const(1, 1))
    if op != "bvmul":
        return differ(f(("extract", w, w), wide), f(("extract", w - 1, w - 1), wide))
    return differ(wide, f((extend, w), f(("extract", w - 1, 0), wide)))


# ---- evaluation (models) ------------------------------------------------------------------------------
def _udiv(x, w):
    return x[0] // x[1] if x[1] else mask(w)


def _sdiv(x, w):
    """Signed division truncates towards zero; by zero: all ones for s >= 0, 1 for s < 0 (the
    standard's unfolding through bvudiv)."""
    s, t = signed(x[0], w), signed(x[1], w)
    if not t:
        return mask(w) if s >= 0 else 1
    q = abs(s) // abs(t)
    return (q if (s < 0) == (t < 0) else -q) & mask(w)


def _srem(x, w):
    """The remainder takes the dividend's sign (bvsrem), the divisor's (bvsmod); by zero: the dividend."""
    s, t = signed(x[0], w), signed(x[1], w)
    return x[0] if not t else ((abs(s) % abs(t)) * (-1 if s < 0 else 1)) & mask(w)


def _shift(op, x, w):
    s, t = x
    if op == "bvshl":
        return s << t & mask(w) if t < w else 0
    return (s >> t if t < w else 0) if op == "bvlshr" else signed(s, w) >> min(t, w) & mask(w)


EVALUATE = {
    "bv": lambda x, p: p, "concat": lambda x, p: x[0] << p | x[1],
    "extract": lambda x, p: x[0] >> p[1] & mask(p[0] - p[1] + 1),
    "repeat": lambda x, p: int(f"{x[0]:0{p[0]}b}" * p[1], 2),  # linear in the width, as its reading paid
    "bvnot": lambda x, p: x[0] ^ mask(p), "bvneg": lambda x, p: -x[0] & mask(p),
    "bvand": lambda x, p: x[0] & x[1], "bvor": lambda x, p: x[0] | x[1], "bvxor": lambda x, p: x[0] ^ x[1],
    "bvadd": lambda x, p: (x[0] + x[1]) & mask(p), "bvsub": lambda x, p: (x[0] - x[1]) & mask(p),
    "bvmul": lambda x, p: x[0] * x[1] & mask(p), "bvudiv": lambda x, p: _udiv(x, p),
    "bvurem": lambda x, p: x[0] % x[1] if x[1] else x[0], "bvsdiv": lambda x, p: _sdiv(x, p),
    "bvsrem": lambda x, p: _srem(x, p), "bvsmod": lambda x, p: x[0] if not x[1] else
    signed(x[0], p) % signed(x[1], p) & mask(p), "bvcomp": lambda x, p: int(x[0] == x[1]),
    "bvult": lambda x, p: x[0] < x[1], "bvslt": lambda x, p: signed(x[0], p) < signed(x[1], p),
    **{op: (lambda op: lambda x, p: _shift(op, x, p))(op) for op in ("bvshl", "bvlshr", "bvashr")}}


# ---- bit-blasting ------------------------------------------------------------------------------------
class Circuit:
    """The bits of the bit-vector terms under the skeleton's atoms so far (`bits`: term -> literals,
    least significant first) and the gates that make them: the core's connectives (and, xor, ite),
    each a new variable with its Tseitin clauses, unless its inputs fold (the rules in `gate`)."""

    def __init__(self, skeleton):
        from ..smtlib import SmtError, bottom_up  # smtlib imports this package: read it once loaded
        self.skeleton, self.problem, self.clauses, self.bits = skeleton, skeleton.problem, skeleton.clauses, {}
        self.error, self.bottom_up = SmtError, bottom_up
        self.true = skeleton.number(True)

    def charge(self, n):
        self.problem.budget -= n
        if self.problem.budget < 0:
            raise self.error(None, "unsupported: bit-vector circuits of more than 64 gates a byte (with the "
                             "reading: wide multiplications, divisions or shifts)")

    def new(self):
        """The next variable, for a gate (whose clauses are the core's for its connective)."""
        self.charge(1)
        self.skeleton.count += 1
        return self.skeleton.count

    def gate(self, op, *x):
        """and(a, b), xor(a, b), ite(c, a, b) (c ? a : b) over literals, folded where the inputs allow."""
        T, F = self.true, -self.true
        if op == "and":
            a, b = x
            if a == F or b == F or a == -b:
                return F
            if a == T or a == b or b == T:
                return b if a == T or a == b else a
            v = self.new()
            self.clauses += ([-v, a], [-v, b], [v, -a, -b])
            return v
        if op == "xor":
            a, b = x
            if a == T or a == F or b == T or b == F or a == b or a == -b:
                c, d = (a, b) if a == T or a == F else (b, a)  # c the constant, or a == +-b
                return (-d if c == T else d) if c == T or c == F else F if a == b else T
            v = self.new()
            self.clauses += ([-v, -a, -b], [-v, a, b], [v, a, -b], [v, -a, b])
            return v
        c, a, b = x
        a = (T if a == c else F) if a == c or a == -c else a  # where c selects a, c is true
        b = (F if b == c else T) if b == c or b == -c else b
        if c == T or a == b or c == F:
            return b if c == F else a
        if a == T or a == F or b == T or b == F:  # one constant branch: an and (an or is a negated and)
            return -self.gate("and", -c, -b) if a == T else self.gate("and", -c, b) if a == F else \
                -self.gate("and", c, -a) if b == T else self.gate("and", c, a)
        v = self.new()
        self.clauses += ([-v, -c, a], [-v, c, b], [v, -c, -a], [v, c, -b])
        return v

    def all(self, lits):
        """The conjunction of `lits`: T for none, the one literal for one, else the core's n-ary and."""
        T, keep = self.true, list(dict.fromkeys(lit for lit in lits if lit != self.true))
        if -T in keep or len(set(map(abs, keep))) < len(keep):
            return -T
        self.charge(len(keep) > 1)
        return keep[0] if len(keep) == 1 else T if not keep else self.skeleton.connective("and", keep)

    def of(self, t):
        """The bits of bit-vector term t, blasting the terms under it that have none yet (arguments
        first, left to right, each term once; an opaque term's arguments are not blasted)."""
        return self.bottom_up(self.problem.terms, t, self.bits, self.blast,
                              lambda u: self.problem.terms[u].op not in OPAQUE)

    def blast(self, t):
        op, p, args, sort = self.problem.terms[t]
        w, T = sort[1], self.true
        self.charge(w)
        if op in OPAQUE:
            first = self.skeleton.count + 1
            self.skeleton.count += w
            return list(range(first, first + w))
        if op == "bv":
            return [T if p >> i & 1 else -T for i in range(w)]
        a, b = self.bits[args[0]], self.bits[args[-1]]
        if op in ("concat", "extract", "repeat", "bvnot"):
            return b + a if op == "concat" else a[p[1]:p[0] + 1] if op == "extract" else \
                a * p[1] if op == "repeat" else [-bit for bit in a]
        if op in ("bvand", "bvor", "bvxor"):
            return [self.gate("xor", c, d) if op == "bvxor" else -self.gate("and", -c, -d) if op == "bvor" else
                    self.gate("and", c, d) for c, d in zip(a, b)]
        if op in ("bvneg", "bvadd", "bvsub"):
            return self.negate(a) if op == "bvneg" else self.add(a, b, -T)[0] if op == "bvadd" else \
                self.add(a, [-bit for bit in b], T)[0]
        if op == "bvmul":
            return self.multiply(a, b)
        if op in ("bvudiv", "bvurem"):
            return self.divide(a, b)[op == "bvurem"]
        if op in ("bvsdiv", "bvsrem", "bvsmod"):
            return self.signed_divide(op, a, b)
        if op in ("bvshl", "bvlshr", "bvashr"):
            return self.shift(op, a, b)
        return [self.equal(a, b)]  # bvcomp

    # ---- the circuits, each stated in docs/smt-certificate.md ----------------------------------------
    def add(self, a, b, carry):
        """Ripple-carry: sum bit xor(xor(a, b), carry), carry out ite(xor(a, b), carry, a); returns the
        sum bits and the last carry."""
        out = []
        for c, d in zip(a, b):
            t = self.gate("xor", c, d)
            out.append(self.gate("xor", t, carry))
            carry = self.gate("ite", t, carry, c)
        return out, carry

    def multiply(self, a, b):
        """Shift and add: for each bit i of b, the row and(b_i, a_j) shifted by i is added to the total."""
        w, F = len(a), -self.true
        total = [F] * w
        for i, bit in enumerate(b):
            total = self.add(total, [F] * i + [self.gate("and", bit, c) for c in a[:w - i]], F)[0]
        return total

    def divide(self, n, d):
        """Restoring division, most significant bit of n first: shift the next bit of n into the
        remainder r (w + 1 bits), subtract d (zero-extended); no borrow (r >= d) sets the quotient bit
        and keeps the difference, else r is kept.  By d = 0 every quotient bit is 1 and r ends as n.
        Then the clause "d = 0 or r < d", which that implies (redundant, for the solver)."""
        w, T = len(n), self.true
        quotient, rest = [-T] * w, [-T] * w
        complement = [-bit for bit in d] + [T]
        for i in reversed(range(w)):
            shifted = [n[i]] + rest
            difference, fits = self.add(shifted, complement, T)
            quotient[i] = fits
            rest = [self.gate("ite", fits, c, e) for c, e in zip(difference[:w], shifted[:w])]
        zero, below = self.all([-bit for bit in d]), self.less(rest, d)
        if T not in (zero, below):
            self.clauses.append([zero, below])
        return quotient, rest

    def negate(self, a):
        """-a = (2^w - 1 - a) + 1: the complement plus one."""
        return self.add([-bit for bit in a], [-self.true] * len(a), self.true)[0]

    def choose(self, c, a, b):
        return [self.gate("ite", c, e, f) for e, f in zip(a, b)]

    def signed_divide(self, op, s, t):
        """On |s| = ite(s < 0, -s, s) and |t|: bvsdiv negates the quotient when the signs differ,
        bvsrem the remainder u when s < 0; bvsmod adds t to that when the signs differ and u != 0."""
        ms, mt = s[-1], t[-1]
        quotient, rest = self.divide(self.choose(ms, self.negate(s), s), self.choose(mt, self.negate(t), t))
        if op == "bvsdiv":
            return self.choose(self.gate("xor", ms, mt), self.negate(quotient), quotient)
        signed_rest = self.choose(ms, self.negate(rest), rest)
        if op == "bvsrem":
            return signed_rest
        fix = self.gate("and", self.gate("xor", ms, mt), -self.all([-bit for bit in rest]))
        return self.choose(fix, self.add(signed_rest, t, -self.true)[0], signed_rest)

    def shift(self, op, a, s):
        """Barrel shifter: stage k (2^k < w) shifts by 2^k where bit k of s is set, filling with 0
        (the sign bit for bvashr); if any higher bit of s is set (s >= 2^k >= w), every bit is the fill."""
        w, k = len(a), 0
        fill = a[-1] if op == "bvashr" else -self.true
        while 1 << k < w:
            d = 1 << k
            moved = [-self.true] * d + a[:w - d] if op == "bvshl" else a[d:] + [fill] * d
            a, k = self.choose(s[k], moved, a), k + 1
        beyond = -self.all([-bit for bit in s[k:]])
        return [self.gate("ite", beyond, fill, bit) for bit in a]

    def less(self, a, b):
        """a < b unsigned: from the least significant bit up, where a_i and b_i differ the result is b_i."""
        lt = -self.true
        for c, d in zip(a, b):
            lt = self.gate("ite", self.gate("xor", c, d), d, lt)
        return lt

    def equal(self, a, b):
        return self.all([-self.gate("xor", c, d) for c, d in zip(a, b)])


def circuit(skeleton):
    """The skeleton's Circuit, made (with the true variable) at its first bit-vector atom."""
    if "bitvec" not in vars(skeleton):
        skeleton.bitvec = Circuit(skeleton)
    return skeleton.bitvec


def atom(skeleton, t):
    """The literal of (= s t), (bvult s t) or (bvslt s t) over bit-vectors (bvslt: the sign bits
    flipped, then bvult); None for the core (a predicate applied to bit-vectors)."""
    op, _, args, _ = skeleton.problem.terms[t]
    if op not in ("=", "bvult", "bvslt"):
        return None
    c = circuit(skeleton)
    a, b = c.of(args[0]), c.of(args[1])
    if op == "bvslt":
        a, b = a[:-1] + [-a[-1]], b[:-1] + [-b[-1]]
    return c.equal(a, b) if op == "=" else c.less(a, b)


SORTS.add("BitVec")
CONSTANTS.update({"#": literal, "_": indexed_literal})
OPERATORS.update(dict.fromkeys(LEFT + UNARY + BINARY + OVERFLOW + tuple(PREDICATES) + tuple(INDEXED), apply))
ATOMS["BitVec"] = atom
TYPES["BitVec"] = lambda value, sort: type(value) is int and 0 <= value <= mask(sort[1])
VALUES["BitVec"] = lambda model, value, sort: model.values.make("bv", value, (), sort)
OPS.update(EVALUATE)
