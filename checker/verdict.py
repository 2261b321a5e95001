"""Outcomes, their reasons, and the Verdict that only the kernel makes.

Both kernels (Python and C) report an `Outcome`: a code from `CODES` plus
where it happened.  The code table is shared, so the two kernels' answers
are compared field by field and their messages are identical.
"""
import hashlib
import os
from collections import namedtuple

KERNEL_VERSION = "0.1.0"

VERIFIED, REJECTED, MALFORMED = 0, 1, 2  # also the command-line exit codes


def _count(o):
    more = "more" if o.detail > o.detail2 else f"only {o.detail}"
    return f"the header declares {o.detail2} clauses but the file has {more}"


# Name -> (status, message).  The order is the C enum's order (csrc/kernel/kernel.h).
CODES = {
    "ok": (VERIFIED, lambda o: "verified"),
    "syntax": (MALFORMED, lambda o: "unexpected text (not a number, 'd', or a header)"),
    "range": (MALFORMED, lambda o: "number out of range (magnitude above 2147483647)"),
    "eof": (MALFORMED, lambda o: "unexpected end of file (truncated?)"),
    "header": (MALFORMED, lambda o: "missing or malformed 'p cnf VARIABLES CLAUSES' header"),
    "literal": (MALFORMED, lambda o: f"literal {o.detail} is beyond the {o.detail2} variables the header declares"),
    "count": (MALFORMED, _count),
    "id": (MALFORMED, lambda o: "a clause id must be a positive number"),
    "memory": (MALFORMED, lambda o: "out of memory"),
    "read": (MALFORMED, lambda o: "cannot read or decompress the file, or it changed while being read"),
    "id-order": (REJECTED, lambda o: f"clause id {o.step} is not above the previous id {o.detail}"),
    "hint-dead": (REJECTED, lambda o: f"hint {o.detail} is not a live clause (deleted or never added)"),
    "hint-not-unit": (REJECTED, lambda o: f"hint {o.detail} is neither unit nor falsified"),
    "no-conflict": (REJECTED, lambda o: "the hints do not lead to a conflict"),
    "rat-empty": (REJECTED, lambda o: "RAT hints for the empty clause, which has no pivot"),
    "rat-candidate": (REJECTED, lambda o: f"RAT hint -{o.detail} does not name the next candidate "
                      "(a live clause with the negated pivot, in increasing id order)"),
    "rat-missing": (REJECTED, lambda o: f"candidate clause {o.detail} contains the negated pivot "
                    "but has no RAT hints"),
    "rat-no-conflict": (REJECTED, lambda o: f"the hints for candidate clause {o.detail} do not lead to a conflict"),
    "delete-dead": (REJECTED, lambda o: f"deletion of clause {o.detail}, which is not live"),
    "no-empty-clause": (REJECTED, lambda o: "the proof never derives the empty clause"),
    "model-conflict": (REJECTED, lambda o: f"the model sets both {o.detail} and {-o.detail}"),
    "model-unsat": (REJECTED, lambda o: f"the model falsifies clause {o.detail}"),
    **{name: (REJECTED, lambda o: o.text) for name in ("smt-problem", "smt-lemma", "smt-model")},
}


class Outcome(namedtuple("Outcome", "code file line offset step detail detail2 counts binary text",
                          defaults=("ok", 1, 0, -1, 0, 0, 0, (), False, ""))):  # not typing: 5 ms of start-up
    """What a kernel found.  line > 0 for text positions, offset >= 0 for binary ones.  file: 0 the
    formula, 1 the proof (a model is the proof of a SAT answer); counts: (variables, clauses, steps,
    additions, deletions, hints, peak_live); text: the message of an SMT certificate's outcome."""
    __slots__ = ()

    @property
    def status(self):
        return CODES[self.code][0]

    def message(self):
        where = f"line {self.line}" if self.line else f"byte offset {self.offset}" if self.offset >= 0 else ""
        text = CODES[self.code][1](self)
        if self.status == REJECTED and self.step:
            return f"step {self.step} ({where}): {text}" if where else f"step {self.step}: {text}"
        return f"{where}: {text}" if where else text


COUNT_NAMES = ("variables", "clauses", "steps", "additions", "deletions", "hints", "peak_live")


class InputError(Exception):
    """Malformed or unreadable input: names the file and the position.  Exit code 2."""

    def __init__(self, path, message, outcome=None):
        super().__init__(f"{path}: {message}")
        self.path, self.outcome = str(path), outcome


def _sources(root):
    """The kernel's .py files below root, relative, in the order of sorted(Path(root).rglob("*.py")): by
    their parts (pathlib costs a plain check 5 ms of start-up)."""
    found = [os.path.relpath(os.path.join(folder, name), root) for folder, _, names in os.walk(root)
             for name in names if name.endswith(".py")]
    return sorted(found, key=lambda path: path.split(os.sep))


def _read(path):
    with open(path, "rb") as f:
        return f.read()


_ROOT = os.path.dirname(os.path.abspath(__file__))
_PYTHON_SOURCES = hashlib.sha256(b"".join(path.encode() + b"\0" + _read(os.path.join(_ROOT, path)) + b"\0"
                                          for path in _sources(_ROOT)))  # read once, at load; theories/ too


def source_digest(extra=""):
    """sha256 of the kernel's Python sources (and of the C sources, when given their digest)."""
    h = _PYTHON_SOURCES.copy()
    h.update(extra.encode())
    return h.hexdigest()


_KEY = object()  # the capability to make a Verdict; never leaves the kernel


class Verdict:
    """The kernel's answer.  Immutable; `Verdict(...)` refuses: only the kernel makes one."""
    __slots__ = ("status", "verified", "kind", "code", "reason", "step", "line", "offset", "formula",
                 "proof", "kernel", "kernel_version", "kernel_digest", "counts", "seconds")

    def __init__(self, *args, **kwargs):
        raise TypeError("a Verdict is made only by the kernel (checker.check_lrat / check_model)")

    @classmethod
    def _make(cls, key, **fields):
        if key is not _KEY:
            raise TypeError("a Verdict is made only by the kernel")
        v = object.__new__(cls)
        for name in cls.__slots__:
            object.__setattr__(v, name, fields[name])
        return v

    def __setattr__(self, name, value=None):
        raise AttributeError("a Verdict is immutable")

    __delattr__ = __setattr__

    def to_dict(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def to_json(self, **kw):
        import json  # here: a plain check prints no JSON unless asked
        return json.dumps(self.to_dict(), **kw)

    def __repr__(self):
        return f"<Verdict {self.status} {self.kind} {self.reason!r}>"


def make_verdict(kind, outcome, formula, proof, kernel, digest, seconds):
    """Turn a completed check into a Verdict (kernel-internal)."""
    ok = outcome.code == "ok"
    return Verdict._make(
        _KEY, status="VERIFIED" if ok else "NOT VERIFIED", verified=ok, kind=kind, code=outcome.code,
        reason=None if ok else outcome.message(), step=outcome.step or None,
        line=outcome.line or None, offset=outcome.offset if outcome.offset >= 0 else None,
        formula=formula, proof=proof, kernel=kernel, kernel_version=KERNEL_VERSION,
        kernel_digest=digest, counts=dict(zip(COUNT_NAMES, outcome.counts)), seconds=round(seconds, 6))
