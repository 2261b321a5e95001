"""Lexing shared by the formula, proof and model readers, and the DIMACS parser.

Text: tokens are separated by ASCII white space; a line whose first token
starts with 'c' is a comment.  Numbers are `-?[0-9]+` of magnitude at most
2**31-1.  Binary: numbers are variable-length (7 bits a byte, low first),
with the sign in the lowest bit, at most 5 bytes.  The C kernel lexes the
same way (csrc/kernel/input.c); positions are lines (text) or byte
offsets (binary), counted identically.
"""
MAXNUM = 2**31 - 1


class Stop(Exception):
    """Ends a check early with an outcome code (see verdict.CODES) and its position."""

    def __init__(self, code, line=0, offset=-1, step=0, detail=0, detail2=0):
        super().__init__(code)
        self.code, self.line, self.offset = code, line, offset
        self.step, self.detail, self.detail2 = step, detail, detail2


def text_tokens(stream):
    """Yield (line, token) outside comment lines, then (line at end of file, None)."""
    line, ended = 0, True
    for line, raw in enumerate(stream, 1):
        ended = raw.endswith(b"\n")
        tokens = raw.split()
        if tokens and tokens[0][:1] != b"c":
            for token in tokens:
                yield line, token
    yield (line + 1 if ended else line), None


def number(token, line):
    digits = token[1:] if token[:1] == b"-" else token
    if not digits.isdigit():
        raise Stop("syntax", line)
    digits = digits.lstrip(b"0") or b"0"  # int() refuses 4,300 digits or more: the length decides first
    value = int(digits) if len(digits) <= 10 else MAXNUM + 1
    if value > MAXNUM:
        raise Stop("range", line)
    return -value if token[:1] == b"-" else value


def numbers_to_zero(tokens, positive=False):
    """The numbers up to a terminating 0 (not included)."""
    out = []
    for line, token in tokens:
        if token is None:
            raise Stop("eof", line)
        value = number(token, line)
        if value == 0:
            return out
        if positive and value < 0:
            raise Stop("id", line)
        out.append(value)


class Bytes:
    """A binary stream read a byte at a time, with its offset."""

    def __init__(self, stream):
        self.stream, self.buf, self.i, self.offset = stream, b"", 0, 0

    def byte(self):
        if self.i == len(self.buf):
            self.buf, self.i = self.stream.read(1 << 16), 0
            if not self.buf:
                return -1
        self.i += 1
        self.offset += 1
        return self.buf[self.i - 1]

    def number(self):
        start, value, shift = self.offset, 0, 0
        while True:
            b = self.byte()
            if b < 0:
                raise Stop("eof", offset=self.offset)
            if shift == 35:
                raise Stop("range", offset=start)
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        if value > 2 * MAXNUM + 1:
            raise Stop("range", offset=start)
        return -(value >> 1) if value & 1 else value >> 1

    def numbers_to_zero(self, positive=False):
        out = []
        while True:
            start = self.offset
            value = self.number()
            if value == 0:
                return out
            if positive and value < 0:
                raise Stop("id", offset=start)
            out.append(value)


def read_dimacs(stream, add_clause):
    """Parse a DIMACS CNF strictly, calling add_clause(literals) per clause.  Returns (variables, clauses)."""
    tokens = text_tokens(stream)
    line, token = next(tokens)
    if token != b"p":
        raise Stop("header", line)
    line, token = next(tokens)
    if token != b"cnf":
        raise Stop("header", line)
    header = []
    for _ in range(2):
        line, token = next(tokens)
        if token is None or number(token, line) < 0:
            raise Stop("header", line)
        header.append(number(token, line))
    variables, clauses = header
    count, literals = 0, []
    for line, token in tokens:
        if token is None:
            if literals:
                raise Stop("eof", line)
            if count != clauses:
                raise Stop("count", line, detail=count, detail2=clauses)
            return variables, clauses
        literal = number(token, line)
        if literal == 0:
            count += 1
            if count > clauses:
                raise Stop("count", line, detail=count, detail2=clauses)
            add_clause(literals)
            literals = []
        elif abs(literal) > variables:
            raise Stop("literal", line, detail=literal, detail2=variables)
        else:
            literals.append(literal)
