"""Run both kernels on the same input and insist on the same answer."""
import checker
from checker import ckernel, lrat
from checker.syntax import Stop


def answer(formula, proof, kernel):
    """Everything a kernel says, but the time and the kernel's own name and digest."""
    try:
        if kernel == "c-pipe":  # the C kernel fed through a pipe, as compressed input is
            v = checker._check("lrat", lambda f, p: ckernel.check(f, p, pipe=True), formula, proof,
                               "c", "", None)
        else:
            v = checker.check_lrat(formula, proof, kernel=kernel)
    except checker.InputError as error:
        o = error.outcome
        if o is None:
            return ("unopenable", error.path)
        return ("malformed", o.code, error.path, o.line, o.offset, o.detail, o.detail2, str(error))
    return (v.status, v.code, v.step, v.line, v.offset, tuple(v.counts.items()), v.reason,
            v.formula["sha256"], v.proof["sha256"], v.proof["format"])


def both(formula, proof):
    assert "c" in checker.kernels(), "the C kernel is not built: pip install the project"
    python, c, piped = (answer(formula, proof, k) for k in ("python", "c", "c-pipe"))
    assert python == c, f"kernels disagree on {proof}:\n  python: {python}\n  c:      {c}"
    assert c == piped, f"the C kernel answers differently through a pipe on {proof}"
    return c


def raw_both(formula, proof):
    """Both kernels straight on two files, without hashing or threads: for the many small checks
    of the mutation test.  Returns the outcome fields."""
    def fields(stop, file, counts, binary):
        stop = stop or Stop("ok")
        return stop.code, file, stop.line, stop.offset, stop.step, stop.detail, stop.detail2, counts, binary

    with open(formula, "rb") as f, open(proof, "rb") as p:
        python = fields(*lrat.check(f, p))
    with open(formula, "rb") as f, open(proof, "rb") as p:
        c = fields(*ckernel.check_fds(f.fileno(), p.fileno()))
    assert python == c, f"kernels disagree on {proof}:\n  python: {python}\n  c:      {c}"
    return c


def to_binary(text):
    """Binary LRAT from text LRAT (a test helper, not a trusted one)."""
    out = bytearray()

    def num(x):
        u = 2 * abs(x) + (x < 0)
        while u >= 0x80:
            out.append(u & 0x7F | 0x80)
            u >>= 7
        out.append(u)

    for line in text.splitlines():
        tokens = line.split()
        if not tokens or tokens[0].startswith("c"):
            continue
        if tokens[1] == "d":
            out.append(ord("d"))
            for t in tokens[2:]:
                num(int(t))
        else:
            out.append(ord("a"))
            for t in tokens:
                num(int(t))
    return bytes(out)


# ---- an independent oracle: slow, simple, and sharing no code with the kernels ----

def parse_cnf(text):
    tokens = [int(t) for line in text.splitlines() if line.split() and not line.split()[0].startswith("c")
              for t in line.split() if t not in ("p", "cnf")]
    clauses, current = [], []
    for t in tokens[2:]:
        if t == 0:
            clauses.append(current)
            current = []
        else:
            current.append(t)
    return clauses


def parse_text_lrat(text):
    steps = []
    tokens = [t for line in text.split(b"\n") if line.split() and not line.split()[0].startswith(b"c")
              for t in line.split()]
    i = 0
    while i < len(tokens):
        sid = int(tokens[i])
        if tokens[i + 1] == b"d":
            j = tokens.index(b"0", i + 2)
            steps.append(("d", sid, [int(t) for t in tokens[i + 2:j]]))
        else:
            j = tokens.index(b"0", i + 1)
            lits = [int(t) for t in tokens[i + 1:j]]
            j = tokens.index(b"0", j + 1)
            steps.append(("a", sid, lits))
        i = j + 1
    return steps


def _refuted_by_propagation(clauses, assumption):
    true = {-lit for lit in assumption}
    if any(-lit in true for lit in true):
        return True
    changed = True
    while changed:
        changed = False
        for clause in clauses:
            if any(lit in true for lit in clause):
                continue
            open_ = list(dict.fromkeys(lit for lit in clause if -lit not in true))  # a clause is a set
            if not open_:
                return True
            if len(open_) == 1:
                true.add(open_[0])
                changed = True
    return False


def oracle_accepts(formula_clauses, steps):
    """Is this proof valid by full unit propagation (RUP, else RAT on the first literal)?"""
    live = dict(enumerate(formula_clauses, 1))
    last, empty = len(formula_clauses), any(not c for c in formula_clauses)
    for kind, sid, items in steps:
        if kind == "d":
            if any(cid not in live for cid in items) or len(set(items)) < len(items):
                return False
            for cid in items:
                del live[cid]
            continue
        if sid <= last:
            return False
        clauses = list(live.values())
        if not _refuted_by_propagation(clauses, items):
            if not items:
                return False
            pivot = items[0]
            for other in clauses:
                if -pivot in other:
                    resolvent = items + [lit for lit in other if lit != -pivot]
                    if not _refuted_by_propagation(clauses, resolvent):
                        return False
        live[sid], last, empty = items, sid, empty or not items
    return empty
