"""SMT-LIB 2 reading (the subset of docs/smt-certificate.md) into hash-consed, sorted terms: a term
is an index in `Problem.terms`, of entries (op, payload, args, sort); sugar is rewritten as the spec
says while reading; anything outside the subset is refused by name."""
import math
import re
from fractions import Fraction

_TOKEN = re.compile(rb'(?:\s|;[^\n]*)*(?:(\()|(\))|("(?:[^"]|"")*")|(\|[^|]*\|)|([^\s()";|]+)|(.)|\Z)', re.S)
ARITH = ("Int", "Real")
COMPARE = ("<", "<=", ">", ">=")
REGEX = {"str.to_re", "re.*", "re.++", "re.union", "re.allchar", "re.all"}
STAR, ANY = -2, -1  # glob items; a character is its code point
ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]{1,5})\}")  # in string literals


class SmtError(Exception):
    """Bad or unsupported input at `where`: a byte offset until `located` makes it (line, column)."""

    def __init__(self, where, message):
        super().__init__(f"line {where[0]}, column {where[1]}: {message}" if isinstance(where, tuple) else
                         message if where is None else f"byte offset {where}: {message}")
        self.where, self.message = where, message

    def located(self, data):
        return self if not isinstance(self.where, int) else SmtError(
            (data.count(b"\n", 0, self.where) + 1, self.where - data.rfind(b"\n", 0, self.where)), self.message)


class Node(list):
    """An s-expression list; .at is its byte offset."""


class Atom(str):
    """A token; .at is its byte offset, .quoted is set for |symbols| and "strings"."""


def sexprs(data):
    """Yield the top-level s-expressions of `data` (bytes).  Every position matches _TOKEN (a stray
    character is group 6), so matching never searches ahead: linear, whatever the input."""
    stack = [Node()]
    for m in _TOKEN.finditer(data):
        kind = m.lastindex
        if kind == 1:
            stack.append(Node())
            stack[-1].at = m.start(1)
        elif kind == 2:
            if len(stack) == 1:
                raise SmtError(m.start(2), "unbalanced ')'")
            done = stack.pop()
            stack[-1].append(done)
        elif kind == 6:
            raise SmtError(m.start(6), "unexpected character (an unclosed string?)")
        elif kind:
            text = m.group(kind).decode("utf-8", "replace")
            token = Atom(text[1:-1].replace('""', '"') if kind == 3 else text[1:-1] if kind == 4 else text)
            token.at, token.quoted = m.start(kind), '"' if kind == 3 else "|" if kind == 4 else ""
            stack[-1].append(token)
        if len(stack) == 1 and stack[0]:
            yield stack[0].pop()
    if len(stack) > 1:
        raise SmtError(stack[-1].at, "unclosed '(' (truncated?)")


class Problem:
    """The declarations and assertions of an SMT-LIB script."""

    def __init__(self):
        self.terms, self._ids = [], {}
        self.sorts = {"Bool", "Int", "Real", "String"}
        self.funs = {}  # name -> (argument sorts, result sort); declared ones only
        self.macros = {}  # define-fun: name -> (parameters, result sort, body, index)
        self.assertions = []  # (term, (line, column))
        self.linear, self.model, self.budget = {}, False, 10**7  # linear: term -> its linear form (skeleton)
        self.true, self.false = self.make("true", None, (), "Bool"), self.make("false", None, (), "Bool")

    def make(self, op, payload, args, sort):
        key = (op, payload, tuple(args), sort)
        tid = self._ids.get(key)
        if tid is None:
            tid = self._ids[key] = len(self.terms)
            self.terms.append(key)
        return tid

    def sort(self, t):
        return self.terms[t][3]

    def show(self, t):
        """SMT-LIB text of term t (an explicit stack: nesting costs no recursion)."""
        out, todo = [], [t]
        while todo:
            op, payload, args, _ = self.terms[t] if isinstance(t := todo.pop(), int) else ("text", t, (), None)
            if op == "num":
                text = str(abs(payload.numerator)) if payload.denominator == 1 else \
                    f"(/ {abs(payload.numerator)} {payload.denominator})"
                payload = f"(- {text})" if payload < 0 else text
            elif op == "str":
                payload = '"' + payload.replace('"', '""') + '"'
            head = payload if op in ("const", "app", "num", "str", "text") else op
            out.append(f"({head}" if args else head)
            todo += [")"] + [x for a in reversed(args) for x in (a, " ")] if args else []
        return "".join(out)

    # ---- commands ------------------------------------------------------
    def command(self, form):
        if not isinstance(form, Node) or not form or not isinstance(form[0], Atom):
            raise SmtError(getattr(form, "at", None), "expected a command")
        name, rest, at = form[0], form[1:], form.at
        arity = {"declare-sort": (1, 2), "declare-const": (2,), "declare-fun": (3,), "define-fun": (4,),
                 "assert": (1,)}
        if name in ("set-logic", "set-info", "set-option", "check-sat", "exit", "get-model", "get-proof"):
            return
        if name not in arity:
            raise SmtError(at, f"unsupported: {name}")
        if len(rest) not in arity[name] or name in ("declare-fun", "define-fun") and not isinstance(rest[1], Node):
            raise SmtError(at, f"malformed {name}")
        if name == "declare-sort":
            if rest[1:] not in ([], ["0"]):
                raise SmtError(at, "unsupported: sorts with parameters")
            self.sorts.add(self.symbol(rest[0]))
        elif name in ("declare-const", "declare-fun"):
            args = [self.sort_of(s) for s in rest[1]] if name == "declare-fun" else []
            self.declare(self.symbol(rest[0]), args, self.sort_of(rest[-1]))
        elif name == "define-fun":
            params = [(self.symbol(p[0]), self.sort_of(p[1])) for p in rest[1] if self._pair(p)]
            body = rest[3] if params else self.term(rest[3], {}, self.sort_of(rest[2]))
            self.declare(self.symbol(rest[0]), None, None)
            self.macros[rest[0]] = (params, self.sort_of(rest[2]), body, len(self.macros))
        else:
            self.assertions.append((self.term(rest[0], {}, "Bool"), at))

    def _pair(self, p):
        if not isinstance(p, Node) or len(p) != 2:
            raise SmtError(getattr(p, "at", None), "expected (name sort)")
        return True

    def symbol(self, x):
        if not isinstance(x, Atom) or x.quoted == '"' or x[:1].isdigit():
            raise SmtError(getattr(x, "at", None), "expected a symbol")
        return x

    def declare(self, name, args, result):
        if name in self.funs or name in self.macros:
            raise SmtError(getattr(name, "at", None), f"{name} is already declared")
        if args is not None:
            self.funs[name] = (args, result)

    def sort_of(self, x):
        if not isinstance(x, Atom) or x not in self.sorts:
            raise SmtError(getattr(x, "at", None), f"unsupported sort: {_name(x)}")
        return str(x)

    # ---- terms ---------------------------------------------------------
    def term(self, x, env, want=None):
        """Read s-expression x as a term (of sort `want`), bottom-up with an explicit stack (nesting costs
        no recursion): `todo` holds (step, s-expression, environment, define-funs in scope)."""
        done, todo, budget = [], [("want", x, want, 0), ("read", x, env, len(self.macros))], self.budget
        while todo:
            what, x, env, scope = todo.pop()
            if (budget := budget - 1) < 0:  # define-funs could make a short script take exponential time
                raise SmtError(getattr(x, "at", None), "unsupported: a term whose reading takes over 64 steps a byte")
            head = x[0] if isinstance(x, Node) and x else None
            if what == "want":  # the environment of this step is the sort wanted
                if env and self.sort(done[-1]) != env and not (env in ARITH and self.sort(done[-1]) in ARITH):
                    raise SmtError(getattr(x, "at", None), f"expected a {env} term, got {self.sort(done[-1])}")
            elif what == "read" and isinstance(x, Atom):
                done.append(self.atom(x, env, scope))
            elif what == "read" and (head is None or isinstance(head, Node)):
                raise SmtError(x.at, f"unsupported: {_name(head)}" if x else "empty application")
            elif what == "read" and head == "!" and x[1:]:  # an annotation: the term it names
                todo.append(("read", x[1], env, scope))
            elif what == "read":  # the arguments (a let's bound terms) first
                if head == "let" and (len(x) != 3 or not isinstance(x[1], Node)):
                    raise SmtError(x.at, "malformed let")
                args = [b[1] for b in x[1] if self._pair(b)] if head == "let" else x[1:]
                todo.append(("let" if head == "let" else "apply", x, env, scope))
                todo += [("read", a, env, scope) for a in reversed(args)]
            elif what == "let":  # parallel bindings: read in the outer environment
                values = dict(zip([self.symbol(b[0]) for b in x[1]], [done.pop() for _ in x[1]][::-1]))
                todo.append(("read", x[2], {**env, **values}, scope))
            elif self.macros.get(head, (0, 0, 0, scope))[3] < scope:  # a define-fun sees those before it only
                sort, body, inner, index = self.macro(head, [done.pop() for _ in x[1:]][::-1], x)
                if inner:
                    todo += [("want", body, sort, 0), ("read", body, inner, index)]
                else:  # no parameters: read where it is defined
                    done.append(body)
            else:
                done.append(self.apply(head, [done.pop() for _ in x[1:]][::-1], x))
        return done.pop()

    def atom(self, x, env, scope):
        if x.quoted == '"':
            return self.make("str", ESCAPE.sub(lambda m: chr(int(m[1], 16)), x), (), "String")
        if x in env:
            return env[x]
        if re.fullmatch(r"(?=.{1,4000}$)[0-9]+(\.[0-9]+)?", x):  # str() refuses 4,300+ digits
            return self.make("num", Fraction(x), (), "Real" if "." in x else "Int")
        return self.macro(x, [], x)[1] if self.macros.get(x, (0, 0, 0, scope))[3] < scope else self.apply(x, [], x)

    def macro(self, head, args, x):
        """A define-fun's sort, body (a term if it has no parameters), parameters bound to args, index."""
        params, sort, body, index = self.macros[head]
        if len(params) != len(args) or any(self.sort(a) != s and not (self.sort(a) in ARITH and s in ARITH)
                                           for a, (_, s) in zip(args, params)):
            raise SmtError(getattr(x, "at", None), f"ill-sorted {head}")
        return sort, body, dict(zip((p for p, _ in params), args)), index

    def apply(self, head, args, x):
        at, sorts, make, ops = getattr(x, "at", None), [self.sort(a) for a in args], self.make, \
            [self.terms[a][0] for a in args]
        bad = f"ill-sorted {head}"
        if head in ("true", "false") and not args:
            return self.true if head == "true" else self.false
        if head in ("not", "and", "or", "=>", "xor"):
            if any(s != "Bool" for s in sorts) or head == "not" and len(args) != 1 or \
                    head in ("=>", "xor") and len(args) < 2:
                raise SmtError(at, bad)
            if head == "=>":
                return make("or", None, [make("not", None, [a], "Bool") for a in args[:-1]] + args[-1:], "Bool")
            while head == "xor" and len(args) > 2:
                args = [make("xor", None, args[:2], "Bool")] + args[2:]
            return make(head, None, args, "Bool") if args else self.true if head == "and" else self.false
        if head == "ite":
            if len(args) != 3 or sorts[0] != "Bool" or sorts[1] != sorts[2]:
                raise SmtError(at, bad)
            if sorts[1] != "Bool" and not self.model:
                raise SmtError(at, f"unsupported: ite over {sorts[1]}")
            return make("ite", None, args, sorts[1])
        if head in ("=", "distinct", "+", "-", "*", "/") + COMPARE:
            arith = head not in ("=", "distinct")
            if len(args) < (1 if head in "+-*/" else 2) or len({"Num" if s in ARITH else s for s in sorts}) != 1 \
                    or arith and sorts[0] not in ARITH:
                raise SmtError(at, bad)
            sort = "Real" if head == "/" else self._numeric(args, at)
            if head == "/" and any(self.terms[a][1] == 0 for a in args[1:]):
                raise SmtError(at, "unsupported: division by zero")
            if head in "+-*/" and all(op == "num" for op in ops):
                return self.fold(head, [self.terms[a][1] for a in args], sort or "Int", at)
            if head == "-" and len(args) == 1:
                return make("*", None, [make("num", Fraction(-1), (), "Int"), args[0]], sort)
            if head in "*/" and ops[1 if head == "/" else 0:].count("num") < len(args) - 1:
                raise SmtError(at, f"unsupported: non-linear {head}")
            if head in "+-*/":
                return make(head, None, args, sort)
            pairs = [(a, b) for i, a in enumerate(args) for b in args[i + 1:]] if head == "distinct" \
                else list(zip(args, args[1:]))
            eqs = [make("=" if head == "distinct" else head, None, p, "Bool") for p in pairs]
            eqs = [make("not", None, [e], "Bool") for e in eqs] if head == "distinct" else eqs
            return eqs[0] if len(eqs) == 1 else make("and", None, eqs, "Bool")
        if head in ("str.in_re", "str.++") or head in REGEX:
            return self.string(head, args, sorts, at)
        if head in self.funs:
            if self.funs[head][0] != sorts:
                raise SmtError(at, bad)
            return make("app" if args else "const", str(head), args, self.funs[head][1])
        theory = "." in head or head in ("mod", "div", "abs", "to_real", "to_int", "is_int", "select", "store")
        raise SmtError(at, f"unsupported: {head:.80}" if theory else f"unknown symbol {head:.80}")

    def fold(self, head, values, sort, at):
        value = Fraction({"+": lambda: sum(values), "*": lambda: math.prod(values), "/": lambda: values[0] / math.prod(
            values[1:]), "-": lambda: values[0] - sum(values[1:]) if values[1:] else -values[0]}[head]())
        if max(abs(value.numerator), value.denominator).bit_length() > 13_000:  # as numerals: 4,000 digits
            raise SmtError(at, "unsupported: a constant of more than 4,000 digits")
        return self.make("num", value, (), sort)

    def _numeric(self, args, at):
        """The sort of an arithmetic combination; numerals fit either sort."""
        sorts = {self.sort(a) for a in args if self.terms[a][0] != "num"}
        if "Int" in sorts and "Real" in sorts:
            raise SmtError(at, "unsupported: Int and Real mixed (use one sort)")
        return "Real" if "Real" in sorts else "Int" if "Int" in sorts else None

    def string(self, head, args, sorts, at):
        """Regular expressions become unions of globs: ("re", (glob, ...)) with glob a tuple of items."""
        make, payload, literal = self.make, [self.terms[a][1] for a in args], \
            all(self.terms[a][0] == "str" for a in args)
        if head in ("str.++", "str.to_re") and not (literal and args and (head == "str.++" or len(args) == 1)):
            raise SmtError(at, f"unsupported: {head} of a non-literal")
        if head == "str.++":
            return make("str", "".join(payload), (), "String")
        if head == "str.to_re":
            return make("re", (tuple(map(ord, payload[0])),), (), "RegLan")
        if head == "str.in_re":
            if sorts != ["String", "RegLan"]:
                raise SmtError(at, "ill-sorted str.in_re")
            return make("in", None, args, "Bool")
        if any(s != "RegLan" for s in sorts):
            raise SmtError(at, f"ill-sorted {head}")
        if head in ("re.allchar", "re.all") and not args:
            return make("re", (((ANY,) if head == "re.allchar" else (STAR,)),), (), "RegLan")
        if head == "re.*" and len(args) == 1 and payload[0] in (((ANY,),), ((STAR,),)):
            return make("re", ((STAR,),), (), "RegLan")
        if head == "re.union" and args:
            return make("re", tuple(sorted(set(g for p in payload for g in p))), (), "RegLan")
        if head == "re.++" and args:
            globs = ((),)
            for p in payload:
                if len(globs) * len(p) > 1 << 16:  # each union multiplies them
                    raise SmtError(at, "unsupported: a regular expression of more than 65,536 globs")
                globs = tuple(g + h for g in globs for h in p)
            return make("re", tuple(sorted(set(map(squeeze, globs)))), (), "RegLan")
        raise SmtError(at, f"unsupported: {head} (only globs: literals, re.allchar, (re.* re.allchar))")


def squeeze(glob):
    """The canonical glob: no two stars in a row."""
    out = []
    for item in glob:
        if not (item == STAR and out and out[-1] == STAR):
            out.append(item)
    return tuple(out)


def _name(x):
    """An s-expression in a message: an atom, or a list by its head (never all of it: it may be deep)."""
    return x if isinstance(x, Atom) else f"({x[0] if x and isinstance(x[0], Atom) else '...'} ...)"


def bottom_up(terms, t, memo, value, inside=lambda u: True):
    """memo[u] = value(u) for t and the terms under it (where `inside` says), arguments first, left to right."""
    # an explicit stack, not recursion: terms nest as deep as the input
    todo = [t]
    while todo:
        u = todo.pop()
        missing = [a for a in terms[u][2] if a not in memo] if u not in memo and inside(u) else []
        if missing:
            todo += [u] + missing[::-1]
        elif u not in memo:
            memo[u] = value(u)
    return memo[t]


def read(data):
    """Parse an SMT-LIB script (bytes) into a Problem; SmtError, at a (line, column), on bad or unsupported input."""
    problem = Problem()
    problem.budget = 64 * len(data) + 10**6
    try:
        for form in sexprs(data):
            problem.command(form)
    except SmtError as error:
        raise error.located(data) from None
    problem.data = data
    return problem
