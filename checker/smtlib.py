"""SMT-LIB 2.6 reading (the subset of docs/smt-certificate.md) into hash-consed, sorted terms.

A term is an index in `Problem.terms`, whose entries are `Term(op, payload, args, sort)`; equal terms
are one term.  Sugar is rewritten while reading, as the spec says; anything outside the subset, and
anything that is not SMT-LIB 2.6, is refused by name with its line and column.  The reader is one
loop over the tokens with an explicit stack of frames (nesting costs no recursion); `let` binds and
unbinds in place, so every token is looked at a bounded number of times, except that a define-fun
with parameters is read again at each use (bounded below: 64 steps a byte).
"""
import contextlib
import gc
import itertools
import re
from fractions import Fraction
from typing import NamedTuple

from . import theories

ARITH = ("Int", "Real")
COMPARE = ("<", "<=", ">", ">=")
BUILTIN_SORTS = ("Bool", "Int", "Real", "String", "RegLan", "Array", "BitVec", "FloatingPoint", "RoundingMode",
                 "Seq", "Set", "Bag")
# SMT-LIB 2.6 reserved words (section 3.1) and predefined symbols of the theories: never declared,
# defined or bound by a script (a quoted |and| is the symbol and).
RESERVED = set("! _ as BINARY DECIMAL exists HEXADECIMAL forall let match NUMERAL par STRING assert check-sat "
               "check-sat-assuming declare-const declare-datatype declare-datatypes declare-fun declare-sort define-fun "
               "define-fun-rec define-funs-rec define-sort echo exit get-assertions get-assignment get-info get-model "
               "get-option get-proof get-unsat-assumptions get-unsat-core get-value pop push reset reset-assertions "
               "set-info set-logic set-option".split())
_RESERVED = {name.encode() for name in RESERVED}
PREDEFINED = set("true false not => and or xor = distinct ite + - * / div mod abs < <= > >= to_real to_int is_int "
                 "select store concat extract repeat zero_extend sign_extend rotate_left rotate_right bv2nat int2bv "
                 "ubv_to_int sbv_to_int int_to_bv fp NaN +oo -oo +zero -zero to_fp to_fp_unsigned RNE RNA RTP RTN RTZ "
                 "roundNearestTiesToEven roundNearestTiesToAway roundTowardPositive roundTowardNegative roundTowardZero"
                 .split()) | {"bv" + name for name in "not and or neg add mul udiv urem shl lshr ult nand nor xor xnor "
                              "comp sub sdiv srem smod ashr ule ugt uge slt sle sgt sge".split()}
THEORY_PREFIXES = ("str.", "re.", "fp.", "seq.", "set.", "bag.", "int.", "@", ".")
# Lexical classes (SMT-LIB 2.6, section 3.1).  A string literal holds printable ASCII only
# (theory of strings); other characters are written as escapes, decoded below.
_SPECIAL = re.compile(rb'"(?:[^"]|"")*"|\|[^|\\]*\||;[^\n\r]*')
_SIMPLE = re.compile(rb"[A-Za-z~!@$%^&*_+=<>.?/\-][0-9A-Za-z~!@$%^&*_+=<>.?/\-]*\Z")
_NUMBER = re.compile(rb"(0|[1-9][0-9]*)(\.[0-9]+)?\Z")
_PRINTABLE = re.compile(rb"[ -~]*\Z")
_ESCAPE = re.compile(r"\\u(?:\{([0-2][0-9a-fA-F]{4}|[0-9a-fA-F]{1,4})\}|([0-9a-fA-F]{4}))")
_PLAIN = re.compile(rb"[^ \t\r\n()]+|[()]")  # the tokens of a plain piece, found again with their positions
_STRAY = re.compile(rb'["|\x0b\x0c]')
PIECE = 1 << 20  # bytes of plain text split at once
CACHED = 1 << 16  # symbols remembered as checked (a long let chain binds a new one at each level)


class SmtError(Exception):
    """Bad or unsupported input at `where`: (line, column), or a byte offset until `located` makes
    it (line, column), or None."""

    def __init__(self, where, message):
        super().__init__(f"line {where[0]}, column {where[1]}: {message}" if isinstance(where, tuple) else
                         message if where is None else f"byte offset {where}: {message}")
        self.where, self.message = where, message

    def located(self, data):
        return self if not isinstance(self.where, int) else SmtError(
            (data.count(b"\n", 0, self.where) + 1, self.where - data.rfind(b"\n", 0, self.where)), self.message)


class Term(NamedTuple):
    op: str  # "true", "false", "num", "str", "re", "const", "app", or a core operator ("not", "+", "in", ...)
    payload: object  # num: an int or Fraction; str: the text; re: a theories.strings.Regex; const, app: the name
    args: tuple  # argument terms (indices)
    sort: str


# ---- tokens ----------------------------------------------------------------
class Tokens:
    """The tokens of `data` (bytes), read once, front to back, in pieces of about a megabyte.  `count` is
    how many were taken; `offset(i)` is the byte offset of the i-th (its piece is read once more)."""

    def __init__(self, data):
        self.data, self.pieces, self.current, self.first, self.length = data, [], iter(()), 0, 0
        self.stream = itertools.chain.from_iterable(self._pieces())  # pieces: (first token index, start, end)

    @property
    def count(self):
        return self.first + self.length - self.current.__length_hint__()

    def _piece(self, tokens, start, end):
        self.first, self.length = self.first + self.length, len(tokens)
        self.pieces.append((self.first, start, end))
        self.current = iter(tokens)
        return self.current

    def _pieces(self):
        data, at = self.data, 0
        for special in _SPECIAL.finditer(data):
            yield from self._plain(at, special.start())
            at = special.end()
            if data[special.start()] != 59:  # a string or a quoted symbol; ';' starts a comment
                yield self._piece([special.group()], special.start(), special.start())
        yield from self._plain(at, len(data))
        yield self._piece([b""], len(data), len(data))  # the end

    def _plain(self, start, end):
        """Text without strings, quoted symbols or comments: blanks and parentheses delimit its tokens."""
        data = self.data
        while start < end:
            cut = end if end - start <= PIECE else max(data.rfind(b" ", start, start + PIECE),
                                                       data.rfind(b"\n", start, start + PIECE)) + 1 or end
            piece = data[start:cut]
            stray = _STRAY.search(piece)  # bytes.split() would take \v and \f for blanks
            tokens = (piece[:stray.start()] if stray else piece).replace(b"(", b" ( ").replace(b")", b" ) ").split()
            yield self._piece(tokens, start, cut)
            if stray:
                self._piece([], start + stray.start(), start + stray.start())
                raise SmtError(start + stray.start(), "unexpected character: " + (
                    "an unclosed string or quoted symbol (or a backslash in one)" if stray.group() in b'"|'
                    else "a character that is not SMT-LIB white space"))
            start = cut

    def offset(self, index):
        """The byte offset of token `index` (counting from 0), or None."""
        for first, start, end in reversed(self.pieces):
            if first <= index:
                if start == end:  # one token: a string, a quoted symbol, a stray character, the end
                    return start if first == index else None
                found = list(_PLAIN.finditer(self.data, start, end))
                return found[index - first].start() if index - first < len(found) else None
        return None


def literal(token):
    """A string literal's value: printable ASCII, "" a quote, escapes \\ud3d2d1d0 and \\u{d0} .. \\u{d4d3d2d1d0}
    (d4 at most 2); anything else, a backslash included, stands for itself."""
    text = token[1:-1].replace(b'""', b'"')
    if not _PRINTABLE.match(text):
        raise ValueError("a string literal holds printable ASCII only (write other characters as \\u{...})")
    return _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)), text.decode("ascii"))


# ---- the problem -------------------------------------------------------------
class Macro(NamedTuple):
    name: str
    params: tuple  # (name, sort) pairs
    sort: str
    body: object  # the term, without parameters; else the body's tokens, read again at each use
    index: int  # its place among define-funs: a body sees only those before it
    source: object = None  # where the body's tokens are (Tokens), and the index of the first
    at: int = 0


APP, LET, BIND, BODY, NOTE, EXPAND = range(6)  # frames of the term reader


class Problem:
    """The declarations and assertions of an SMT-LIB script."""

    def __init__(self):
        self.terms, self._ids = [], {}
        self.sorts = {s: s for s in ("Bool", "Int", "Real", "String")}  # name -> sort (define-sort: another's)
        self.funs = {}  # name -> (argument sorts, result sort): declared functions only
        self.macros = {}  # define-fun name -> Macro
        self.assertions = []  # (term, token index)
        self.queries, self.budget, self.model, self.reals = 0, 10**7, False, False
        self.defines = None  # for a model: the functions it may define (the problem's declared ones)
        self.expanding = None  # the define-fun whose body is being read at a use
        self.names, self.bindable, self.constants = {}, {}, {}  # token -> name, name, term (or name -> term)
        self.linear = {}  # term -> its linear form (the skeleton's)
        self.true, self.false = self.make("true", None, (), "Bool"), self.make("false", None, (), "Bool")

    def make(self, op, payload, args, sort):
        key = tuple.__new__(Term, (op, payload, tuple(args), sort))
        tid = self._ids.get(key)
        if tid is None:
            tid = self._ids[key] = len(self.terms)
            self.terms.append(key)
        return tid

    def sort(self, t):
        return self.terms[t].sort

    # ---- commands ------------------------------------------------------
    def script(self, tokens):
        """Read every command of `tokens`; a model (self.model) holds define-funs and declare-consts."""
        take = tokens.stream.__next__
        while (token := take()) != b"":
            if token != b"(":
                raise self.error(tokens, "expected a command")
            at, name = tokens.count, take()
            if self.model and name not in (b"define-fun", b"declare-const"):
                raise self.error(tokens, "expected (define-fun NAME (PARAMETERS) SORT VALUE) or "
                                 "(declare-const VALUE SORT)", at)
            if self.queries and name not in (b"exit", b"get-model", b"get-proof", b"get-value", b"get-info",
                                             b"get-assignment", b"get-unsat-core", b"get-option", b"echo",
                                             b"get-assertions", b"get-unsat-assumptions"):  # they only print
                raise self.error(tokens, "unsupported: a command after check-sat (incremental scripts)", at)
            if name == b"assert":
                self.assertions.append((self.term(tokens, "Bool"), at))
                self.close(tokens, take(), at)
            elif name in (b"declare-const", b"declare-fun"):
                symbol = self.new_symbol(tokens, take())
                args = self.sort_list(tokens) if name == b"declare-fun" else ()
                self.funs[symbol] = (args, self.sort_of(tokens, take()))
                if self.model and self.funs[symbol][1] in ("Bool", "Int", "Real", "String"):
                    raise self.error(tokens, "a model declares abstract values of declared sorts only")
                if not args:  # numbered where declared (atoms order their variables by number)
                    self.constants[symbol] = self.make("const", symbol, (), self.funs[symbol][1])
                self.close(tokens, take(), at)
            elif name == b"define-fun":
                self.define(tokens, self.new_symbol(tokens, take()), at)
            elif name == b"declare-sort":
                symbol = self.new_symbol(tokens, take())
                if take() != b"0":
                    raise self.error(tokens, "unsupported: sorts with parameters")
                self.sorts[symbol] = symbol
                self.close(tokens, take(), at)
            elif name == b"define-sort":
                theories.define_sort(self, tokens, take, at)
            elif name in (b"check-sat", b"exit", b"set-logic"):
                self.queries += name == b"check-sat"
                if name == b"set-logic":
                    logic = self.symbol(tokens, take())
                    self.reals = logic.endswith(("RA", "RDL")) and not logic.endswith("IRA")
                self.close(tokens, take(), at)
            elif name == b"check-sat-assuming":
                theories.check_sat_assuming(self, tokens, take, at)
            elif name in (b"set-info", b"set-option") or self.queries:
                if name in (b"set-info", b"set-option") and take()[:1] != b":":
                    raise self.error(tokens, f"expected a keyword after {name.decode()}")
                self.balanced(tokens, take, take(), 1)
            else:
                raise self.error(tokens, f"unsupported: {_show(name)}", at)

    def close(self, tokens, token, at=None):
        """The ')' of the form opened at `at` (an index as error() takes it: for the message at the end)."""
        if token == b"":
            raise self.error(tokens, "unclosed '(' (truncated?)", at)
        if token != b")":
            raise self.error(tokens, "expected ')'")

    def balanced(self, tokens, take, token, depth=0):
        """`token` and the tokens after it up to depth 0: one s-expression (depth 1: the rest of a form)."""
        out = [token]
        depth += (token == b"(") - (token == b")")
        while depth > 0:
            out.append(take())
            if out[-1] == b"":
                raise self.error(tokens, "unclosed '(' (truncated?)")
            depth += (out[-1] == b"(") - (out[-1] == b")")
        return out

    def define(self, tokens, name, at):
        take, params = tokens.stream.__next__, []
        if take() != b"(":
            raise self.error(tokens, "malformed define-fun")
        while (token := take()) != b")":
            if token != b"(":
                raise self.error(tokens, "expected (name sort)")
            param = self.bound_symbol(tokens, take())
            if param in dict(params):
                raise self.error(tokens, f"parameter {param} given twice")
            params.append((param, self.sort_of(tokens, take())))
            self.close(tokens, take())
        sort = self.sort_of(tokens, take())
        if self.defines is not None and self.defines.get(name) != (tuple(s for _, s in params), sort):
            raise self.error(tokens, f"define-fun {name} does not match a declared function of the problem",
                             at + 2)
        first = tokens.count
        if params:  # read at each use, its parameters bound to the arguments: keep its tokens
            body = self.balanced(tokens, take, take())
            if body[0] in (b")", b""):
                raise self.error(tokens, "expected a term")
        else:
            body = self.term(tokens, sort)
        self.macros[name] = Macro(name, tuple(params), sort, body, len(self.macros), tokens, first)
        self.close(tokens, take(), at)

    def new_symbol(self, tokens, token):
        """A symbol being declared or defined: not reserved, not a theory's, not declared yet."""
        name = self.bound_symbol(tokens, token)
        if name in self.funs or name in self.macros or name in self.sorts:
            raise self.error(tokens, f"{name} is already declared")
        return name

    def bound_symbol(self, tokens, token):
        """A symbol being bound (by let, a parameter or a declaration): not reserved, not a theory's.
        A let or a parameter may shadow a declared symbol, as SMT-LIB says."""
        name = self.bindable.get(token)
        if name is None:
            name = self.symbol(tokens, token)
            if name in RESERVED or name in PREDEFINED or name in BUILTIN_SORTS or \
                    name.startswith(THEORY_PREFIXES) and not (self.model and name[:1] == "@"):
                raise self.error(tokens, f"{name} is reserved or predefined in SMT-LIB: it cannot be declared or bound")
            if len(self.bindable) > CACHED:
                self.bindable.clear()
            self.bindable[token] = name
        return name

    def symbol(self, tokens, token):
        name = self.names.get(token)  # a token seen before is not checked and decoded again
        if name is None:
            if len(self.names) > CACHED:
                self.names.clear()
            name = self.names[token] = self.decode_symbol(tokens, token)
        return name

    def decode_symbol(self, tokens, token):
        if token[:1] == b"|" and len(token) > 1:
            try:
                name = token[1:-1].decode()
            except UnicodeDecodeError:
                raise self.error(tokens, "a quoted symbol that is not UTF-8") from None
            if any(c < " " and c not in "\t\r\n" for c in name):
                raise self.error(tokens, "a control character in a quoted symbol")
            return name
        if not _SIMPLE.match(token) or token in _RESERVED:  # a reserved word is no symbol (|let| is)
            raise self.error(tokens, f"expected a symbol, not {_show(token)}")
        return token.decode()

    def sort_of(self, tokens, token):
        if token == b"(":
            return theories.structured_sort(self, tokens)
        name = self.symbol(tokens, token)
        if name not in self.sorts:
            raise self.error(tokens, f"unsupported sort: {name}")
        return self.sorts[name]

    def sort_list(self, tokens):
        take, sorts = tokens.stream.__next__, []
        if take() != b"(":
            raise self.error(tokens, "expected a list of sorts")
        while (token := take()) != b")":
            sorts.append(self.sort_of(tokens, token))
        return tuple(sorts)

    def error(self, tokens, message, index=None):
        """An SmtError at (line, column) of the token just read (or of token `index` - 1); inside a
        define-fun's body, read at a use, at the start of that body."""
        if self.expanding is not None:
            tokens, index, message = self.expanding.source, self.expanding.at + 1, \
                f"in the body of define-fun {self.expanding.name}: {message}"
        offset = tokens.offset((tokens.count if index is None else index) - 1)
        return SmtError(None, message) if offset is None else SmtError(offset, message).located(tokens.data)

    # ---- terms ---------------------------------------------------------
    def term(self, tokens, want=None, env=None, scope=None):
        """Read one term of sort `want` (None: any) from `tokens`, with `env` bound and the define-funs
        before `scope` in scope.  Frames: [APP, head, args, at], [LET, names, values], [BIND, name],
        (BODY, names, befores), [NOTE], [EXPAND, stream, env, scope, sort, at]."""
        take, stack, env = tokens.stream.__next__, [], {} if env is None else env
        scope = len(self.macros) if scope is None else scope
        budget, macros, symbols = self.budget, self.macros, self.names
        start = budget
        while True:
            if (budget := budget - 1) < 0:  # define-funs could make a short script take exponential time
                raise self.error(tokens, "unsupported: a term whose reading takes over 64 steps a byte")
            try:
                token = take()
            except StopIteration:  # the end of a define-fun's body
                token = b""
            if token == b"(":
                opened, head = tokens.count, take()  # errors about the application point at its '('
                name = symbols.get(head)  # a symbol read before (no reserved word is one)
                if name is not None:
                    stack.append([APP, name, [], opened])
                elif head == b"let":
                    if take() != b"(":
                        raise self.error(tokens, "malformed let")
                    stack.append([LET, [], []])
                    if (token := take()) == b")":
                        raise self.error(tokens, "a let binds at least one symbol")
                    if token != b"(":
                        raise self.error(tokens, "expected (name term)")
                    stack.append([BIND, self.bound_symbol(tokens, take())])
                elif head == b"!":
                    stack.append([NOTE])
                elif head[:1] == b"|" or _SIMPLE.match(head) and head not in (b"_", b"as", b"forall", b"exists",
                                                                             b"match", b"par", b"lambda"):
                    stack.append([APP, self.symbol(tokens, head), [], opened])
                elif head == b"(":  # ((_ extract 7 0) x): the head is ("extract", 7, 0)
                    stack.append([APP, theories.indexed(self, tokens, take, take()), [], opened])
                elif head == b"_":  # an indexed constant: (_ bv5 8)
                    value = theories.constant(self, tokens, "_", theories.indexed(self, tokens, take, b"_"))
                else:
                    raise self.error(tokens, "empty application" if head == b")" else "expected a function symbol"
                                     if head == b"(" else f"unsupported: {_show(head)}")
                if head != b"_":
                    continue
            elif token == b")" and stack and stack[-1][0] == APP:
                _, head, args, at = stack.pop()
                if not args:
                    raise self.error(tokens, "empty application", at)
                macro = macros.get(head)
                if head in env:
                    raise self.error(tokens, f"{head} is bound by let or as a parameter: a term, not a function", at)
                if macro is None or macro.index >= scope:
                    value = self.apply(head, args, tokens, at)
                elif not macro.params:
                    raise self.error(tokens, f"{head} takes no arguments", at)
                else:  # read its body again, its parameters bound to the arguments
                    if len(args) != len(macro.params) or any(
                            self.sort(a) != s and not (s in ARITH and self.sort(a) in ARITH)
                            for a, (_, s) in zip(args, macro.params)):
                        raise self.error(tokens, f"ill-sorted {head}", at)
                    stack.append([EXPAND, take, env, scope, macro.sort, at, self.expanding])
                    take, env, scope = iter(macro.body).__next__, dict(zip((p for p, _ in macro.params), args)), \
                        macro.index
                    self.expanding = self.expanding or macro  # an error is placed in the outermost body
                    continue
            elif token == b")" or token == b"":
                opened = [frame[3] for frame in stack if frame[0] == APP]
                raise self.error(tokens, "unexpected ')'") if token == b")" else \
                    self.error(tokens, "unclosed '(' (truncated?)", opened[-1] if opened else None)
            else:
                value = self.atom(token, env, scope, tokens)
            while True:  # hand the value to the frame it completes
                if not stack:
                    self.budget -= start - budget  # what this term took (apply may have charged too)
                    if want and self.sort(value) != want and not (want in ARITH and self.sort(value) in ARITH):
                        raise self.error(tokens, f"expected a {want} term, got {self.sort(value)}")
                    return value
                frame = stack[-1]
                kind = frame[0]
                if kind == APP:
                    frame[2].append(value)
                    break
                if kind == BIND:  # (name term): then the next binding, or the body
                    stack.pop()
                    stack[-1][1].append(frame[1])
                    stack[-1][2].append(value)
                    if take() != b")":
                        raise self.error(tokens, "expected ')' after a binding")
                    token = take()
                    if token == b"(":
                        token = take()
                        stack.append([BIND, self.bindable.get(token) or self.bound_symbol(tokens, token)])
                        break
                    self.close(tokens, token)
                    _, names, values = stack.pop()
                    if len(set(names)) != len(names):
                        raise self.error(tokens, "a let binds a symbol twice")
                    stack.append((BODY, *names, *map(env.get, names)))  # one flat tuple: a let chain nests deep
                    env.update(zip(names, values))  # bound in parallel
                    break
                if kind == BODY:
                    if take() != b")":
                        raise self.error(tokens, "expected ')' after the body of a let")
                    undo = stack.pop()  # (BODY, the names, what each was bound to before)
                    for name, before in zip(undo[1:len(undo) // 2 + 1], undo[len(undo) // 2 + 1:]):
                        if before is None:
                            del env[name]
                        else:
                            env[name] = before
                    continue
                if kind == NOTE:  # (! term :attribute value ...): a :named term defines its name, seen from here on
                    stack.pop()
                    scope = max(scope, self.attributes(tokens, take, value, env))
                    continue
                _, take, env, scope, sort, at, self.expanding = stack.pop()  # EXPAND: the body was read
                if self.sort(value) != sort and not (sort in ARITH and self.sort(value) in ARITH):
                    raise self.error(tokens, "ill-sorted body of a define-fun used here", at)

    def attributes(self, tokens, take, value, env):
        """The attributes of an annotation, up to its ')'; the define-funs then in scope (a :named term
        is one, of a closed term only: not inside a let or a define-fun's body)."""
        token, count = take(), 0
        while token != b")":
            if token[:1] != b":" or not _SIMPLE.match(b"a" + token[1:]):
                raise self.error(tokens, "expected an attribute (:keyword value)")
            keyword, token, count = token, take(), count + 1
            if keyword == b":named":
                name = self.new_symbol(tokens, token)
                if env or self.expanding is not None:
                    raise self.error(tokens, "unsupported: a :named term inside a let or a define-fun's body")
                self.macros[name] = Macro(name, (), self.sort(value), value, len(self.macros))
                token = take()
            elif token != b")" and token[:1] != b":":  # an attribute value: one s-expression
                self.balanced(tokens, take, token)
                token = take()
        if not count:
            raise self.error(tokens, "an annotation needs at least one attribute")
        return len(self.macros)

    def atom(self, token, env, scope, tokens):
        first = token[0]
        if first == 34 or 48 <= first <= 57 or first == 35:  # '"', a digit, '#': the same term wherever it is
            found = self.constants.get(token)
            if found is None:
                found = self.constants[token] = self.constant(token, tokens)
            return found
        name = self.names.get(token)
        if name is None:
            name = self.symbol(tokens, token)
        if name in env:
            return env[name]
        macro = self.macros.get(name)
        if macro is not None and macro.index < scope:
            if macro.params:
                raise self.error(tokens, f"{name} needs arguments")
            return macro.body
        if name in self.constants:  # a declared constant (a literal's key is bytes, a name's str)
            return self.constants[name]
        if name in ("true", "false"):
            return self.true if name == "true" else self.false
        if name in theories.SYMBOLS:
            return theories.SYMBOLS[name](self)
        raise self.error(tokens, f"unknown symbol {name:.80}" if name not in self.funs else f"{name} needs arguments")

    def constant(self, token, tokens):
        if token[0] == 35:  # '#'
            return theories.constant(self, tokens, "#", token)
        if token[0] == 34:
            try:
                return self.make("str", literal(token), (), "String")
            except ValueError as error:
                raise self.error(tokens, str(error)) from None
        number = _NUMBER.match(token)
        if not number or len(token) > 4000:  # int() refuses 4,300 digits or more
            raise self.error(tokens, f"not a numeral or decimal: {_show(token)}" if len(token) <= 4000 else
                             "unsupported: a numeral of more than 4,000 digits")
        real = number[2] or self.reals  # in a logic of Reals alone (QF_LRA, QF_RDL), 1 is a Real (SMT-LIB 2.6)
        return self.make("num", Fraction(token.decode()) if real else int(token), (), "Real" if real else "Int")

    # ---- operators -----------------------------------------------------
    def apply(self, head, args, tokens, at):
        """The term of `head` applied to `args` (terms), sugar removed."""
        fun = self.funs.get(head) if isinstance(head, str) else None
        if fun is not None:
            if fun[0] != tuple(self.terms[a].sort for a in args):
                raise self.ill_sorted(tokens, head, at)
            return self.make("app", head, args, fun[1])
        name = head if isinstance(head, str) else head[0]  # an indexed head is (name, index, ...)
        rule = OPERATORS.get(name) or theories.OPERATORS.get(name)
        if rule is not None:
            return rule(self, head, args, tokens, at)
        if head in ("true", "false") or head in theories.SYMBOLS:
            raise self.error(tokens, f"{head} takes no arguments", at)
        theory = name in PREDEFINED or name.startswith(THEORY_PREFIXES) or name != head
        raise self.error(tokens, f"unsupported: {name:.80}" if theory else f"unknown symbol {name:.80}", at)

    def ill_sorted(self, tokens, head, at, why=""):
        return self.error(tokens, f"ill-sorted {head}{why}", at)

    def boolean(self, head, args, tokens, at):
        make = self.make
        if {self.terms[a].sort for a in args} != {"Bool"} or (len(args) != 1 if head == "not" else len(args) < 2):
            raise self.ill_sorted(tokens, head, at, " (Bool arguments: one for not, two or more for the others)")
        if head == "=>":
            return make("or", None, [make("not", None, [a], "Bool") for a in args[:-1]] + args[-1:], "Bool")
        while head == "xor" and len(args) > 2:
            args = [make("xor", None, args[:2], "Bool")] + args[2:]
        return make(head, None, args, "Bool")

    def arithmetic(self, head, args, tokens, at):
        """=, distinct, +, -, *, / and the comparisons.  Numerals fit either arithmetic sort."""
        make, terms = self.make, self.terms
        sorts, variables, numerals = set(), set(), 0
        for a in args:
            t = terms[a]
            sorts.add(t.sort)
            if t.op == "num":
                numerals += 1
            else:
                variables.add(t.sort)
        arith = sorts <= {"Int", "Real"}
        if len(args) < (1 if head == "-" else 2) or not arith and (len(sorts) > 1 or head not in ("=", "distinct")):
            raise self.ill_sorted(tokens, head, at, " (two or more arguments of one sort)")
        if len(variables) > 1 and arith or "RegLan" in sorts:  # = of two regular expressions is their languages'
            raise self.error(tokens, "unsupported: " + ("Int and Real mixed (use one sort)" if arith else
                                                        f"{head} of regular expressions"), at)
        sort = "Real" if head == "/" or "Real" in sorts else "Int"
        if head in ("+", "-", "*", "/"):
            if head == "/" and any(terms[a].op == "num" and terms[a].payload == 0 for a in args[1:]):
                raise self.error(tokens, "unsupported: division by zero", at)
            if numerals == len(args):
                return self.fold(head, [terms[a].payload for a in args], sort, tokens, at)
            if head == "-" and len(args) == 1:
                return make("*", None, [make("num", -1, (), "Real" if self.reals else "Int"), args[0]], sort)
            if head == "/" and numerals < len(args) - 1 + (terms[args[0]].op == "num") or \
                    head == "*" and numerals < len(args) - 1:
                raise self.error(tokens, f"unsupported: non-linear {head}", at)
            return make(head, None, args, sort)
        if head == "distinct":  # pairwise: as many atoms as pairs, which the budget counts
            self.budget -= len(args) * (len(args) - 1) // 2
            if self.budget < 0:
                raise self.error(tokens, "unsupported: a distinct of more pairs than 64 a byte", at)
            eqs = [make("not", None, [make("=", None, (a, b), "Bool")], "Bool")
                   for i, a in enumerate(args) for b in args[i + 1:]]
        else:  # chainable
            eqs = [make(head, None, pair, "Bool") for pair in zip(args, args[1:])]
        return eqs[0] if len(eqs) == 1 else make("and", None, eqs, "Bool")

    def fold(self, head, values, sort, tokens, at):
        value = values[0]
        for v in values[1:]:
            value = value + v if head == "+" else value - v if head == "-" else value * v if head == "*" else \
                Fraction(value) / v
        value = -value if head == "-" and len(values) == 1 else value
        value = value.numerator if isinstance(value, Fraction) and value.denominator == 1 else value
        if max(abs(Fraction(value).numerator), Fraction(value).denominator).bit_length() > 13_000:
            raise self.error(tokens, "unsupported: a constant of more than 4,000 digits", at)
        return self.make("num", value, (), sort)

    def instance(self, name, args):
        """The body of define-fun `name` with its parameters bound to `args` (terms)."""
        macro = self.macros[name]
        if not macro.params:
            return macro.body
        self.expanding = macro
        try:
            return self.term(Listed(macro.body), macro.sort, dict(zip((p for p, _ in macro.params), args)),
                             macro.index)
        finally:
            self.expanding = None

    def parse_term(self, text, want="Bool"):
        """One term from `text` (bytes), over this problem's symbols; SmtError (line, column in text)."""
        tokens = Tokens(text)
        try:
            t = self.term(tokens, want)
            if tokens.stream.__next__() != b"":
                raise self.error(tokens, "expected one term")
        except SmtError as error:
            raise error.located(text) from None
        return t


OPERATORS = {**dict.fromkeys(("not", "and", "or", "=>", "xor"), Problem.boolean),
             **dict.fromkeys(("=", "distinct", "+", "-", "*", "/") + COMPARE, Problem.arithmetic)}


class Listed:
    """Tokens already read (a define-fun's body), as Tokens gives them."""

    def __init__(self, tokens):
        self.stream, self.count = iter(tokens), 0

    def offset(self, index):
        return None


def _show(token):
    return repr(token[:80].decode("ascii", "backslashreplace"))


def bottom_up(terms, t, memo, value, inside=lambda u: True):
    """memo[u] = value(u) for t and the terms under it (where `inside` says), arguments first, left to right."""
    todo = [t]  # an explicit stack, not recursion: terms nest as deep as the input; ~u: u's arguments are done
    while todo:
        u = todo.pop()
        if u < 0:
            if ~u not in memo:  # (a term met twice before it is done is queued twice)
                memo[~u] = value(~u)
        elif u not in memo:
            missing = [a for a in reversed(terms[u][2]) if a not in memo] if inside(u) else ()
            if missing:
                todo += [~u, *missing]
            else:
                memo[u] = value(u)
    return memo[t]


@contextlib.contextmanager
def no_collector():
    """Reading and checking make no reference cycles, and the cyclic collector would walk the growing
    term table again and again (a fifth of the time on large problems): it waits until the end."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def read(data):
    """Parse an SMT-LIB script (bytes) into a Problem; SmtError, at a (line, column), on bad or unsupported input."""
    problem, tokens = Problem(), Tokens(data)
    problem.budget = 64 * len(data) + 10**6
    try:
        with no_collector():
            problem.script(tokens)
    except SmtError as error:
        raise error.located(data) from None
    problem.data, problem.tokens = data, tokens
    return problem
