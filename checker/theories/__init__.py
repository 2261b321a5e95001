"""What the kernel reads beyond its core (docs/smt-certificate.md): structured sorts and indexed
identifiers, check-sat-assuming, define-sort, ite over any sort, and the registries through which each theory
module adds its sorts, constants, operators, atoms and values.  Counted apart from the rest of the
kernel (tests/test_trusted_base.py: the SMT theory rules of issue 21, at most 1,000 code lines)."""
from fractions import Fraction

VALID = object()  # a lemma rule's acceptance (checker.theory.VALID): only a completed check returns it
SORTS = set()  # kinds of structured sorts a theory reads: "BitVec", "Array"
CONSTANTS = {}  # "#": maker(problem, token); "_": maker(problem, name, indices); a term, or ValueError
OPERATORS = {}  # name -> rule(problem, head, args, tokens, at): the term, sugar removed (as smtlib's own)
ATOMS = {}  # kind of the first argument's sort -> rule(skeleton, t): the atom's literal, or None
TYPES, VALUES, OPS = {}, {}, {}  # kind -> is a value of it; kind -> (model, value, sort) -> its term; op -> evaluator
RULES = {}  # lemma tag -> rule(tag, hypotheses, witness, problem): VALID (checker.theory's) or a message
SYMBOLS = {}  # a theory's constant symbol (re.allchar, re.none) -> maker(problem): its term
LEAVES = set()  # ops of terms that are variables to arithmetic, as constants are: str.len


def find(parent, x):  # union-find: the representative of x (parent: element -> its parent, roots absent)
    while parent.get(x, x) != x:
        x = parent[x]
    return x


# ---- reading -----------------------------------------------------------------------------------------
def structured_sort(problem, tokens):
    """After '(': (_ BitVec n) as ("BitVec", n), (Array S T) as ("Array", S, T), where a theory reads it."""
    take = tokens.stream.__next__
    head = take()
    if head == b"_" and take() == b"BitVec":
        sort = ("BitVec", index(problem, tokens, take()))
        if not 0 < sort[1] <= bitvec.WIDTH:
            raise problem.error(tokens, f"unsupported: a bit-vector width of 0 or over {bitvec.WIDTH:,}")
    elif head == b"Array":
        sort = ("Array", problem.sort_of(tokens, take()), problem.sort_of(tokens, take()))
        if any(s in ("Bool", "String", "RegLan") or isinstance(s, tuple) and s[0] != "Array" for s in sort[1:]):
            raise problem.error(tokens, "unsupported: arrays of Bool, String or bit-vector indices or elements")
    else:
        raise problem.error(tokens, "unsupported sort: (" + ("..." if head in (b"(", b")", b"") else
                                                           head[:40].decode("ascii", "replace")) + " ...)")
    problem.close(tokens, take())
    if sort[0] not in SORTS:
        raise problem.error(tokens, f"unsupported sort: ({'_ BitVec' if sort[0] == 'BitVec' else 'Array'} ...)")
    return sort


def index(problem, tokens, token):
    """A numeral index of an indexed identifier or sort, at most 2^20 (widths, extract bounds)."""
    if not token.isdigit() or len(token) > 7 or token[:1] == b"0" and token != b"0" or int(token) > 1 << 20:
        raise problem.error(tokens, f"unsupported index {token[:40]!r} (a numeral up to 2^20)")
    return int(token)


def indexed(problem, tokens, take, token):
    """After '(' (and `token`, which must be '_'): (_ name index ...) as (name, index, ...)."""
    if token == b"as" and take() == b"const":  # ((as const (Array S T)) v): every element v (cvc5's, z3's)
        sort = problem.sort_of(tokens, take())
        problem.close(tokens, take())
        return ("as const", sort)
    if token != b"_":
        raise problem.error(tokens, "unsupported: qualified identifiers (as ...)" if token == b"as" else
                            "expected a function symbol")
    name, indices = problem.symbol(tokens, take()), []
    while (token := take()) != b")":
        indices.append(index(problem, tokens, token))
    return (name, *indices)


def constant(problem, tokens, kind, written):
    """A theory's constant: "#..." (written: the token), or (_ name index ...) (written: (name, index, ...))."""
    maker = CONSTANTS.get(kind)
    if maker is None:
        raise problem.error(tokens, "unsupported: " + (f"{written[:40]!r} (bit-vector literals)" if kind == "#" else
                                                       f"indexed constants (_ {written[0]} ...)"))
    try:
        return maker(problem, written) if kind == "#" else maker(problem, written[0], written[1:])
    except ValueError as error:
        raise problem.error(tokens, str(error)) from None


def check_sat_assuming(problem, tokens, take, at):
    """(check-sat-assuming (t ...)): the one query of the assertions and the Boolean terms t.  SMT-LIB 2.6 (4.2.5)
    allows only symbols and their negations; cvc5 and real files give any Boolean terms, asserted (docs/TRUST.md)."""
    from ..smtlib import Listed
    problem.queries += 1
    if take() != b"(":
        raise problem.error(tokens, "expected a list of Boolean terms")
    while (token := take()) != b")":
        problem.assertions.append((problem.term(
            Listed([token] + (problem.balanced(tokens, take, take(), 1) if token == b"(" else [])), "Bool"), at))
    problem.close(tokens, take(), at)


def define_sort(problem, tokens, take, at):
    """(define-sort S () T): S names T; none with parameters."""
    symbol = problem.new_symbol(tokens, take())
    if take() != b"(" or take() != b")":
        raise problem.error(tokens, "unsupported: define-sort with parameters")
    problem.sorts[symbol] = problem.sort_of(tokens, take())
    problem.close(tokens, take(), at)


def ite(problem, head, args, tokens, at):
    """(ite c a b) of any sort; an integer numeral, or an Int ite of them, fits a Real branch."""
    sorts = [problem.terms[a].sort for a in args]
    if len(args) == 3 and {sorts[1], sorts[2]} == {"Int", "Real"} and None not in (
            widened := [real(problem, a) for a in args[1:]]):
        args, sorts[1:] = [args[0], *widened], ["Real", "Real"]
    if len(args) != 3 or sorts[0] != "Bool" or sorts[1] != sorts[2]:
        raise problem.ill_sorted(tokens, head, at)
    return problem.make("ite", None, args, sorts[1])


def real(problem, t):
    """t as a Real: itself if Real, an integer numeral as the decimal of its value (1 as 1.0), an Int ite
    of such as the Real ite of them (each made again, as the atom lines print it), else None."""
    from ..smtlib import SmtError
    todo, done = [t], {}
    while todo:
        problem.budget -= 1  # an ite shared by many (another term each time) is read again: counted
        if problem.budget < 0:
            raise SmtError(None, "unsupported: a term whose reading takes over 64 steps a byte")
        op, value, args, sort = problem.terms[u := todo[-1]]
        if op == "ite" and sort == "Int" and any(a not in done for a in args[1:]):
            todo += [a for a in args[1:] if a not in done]
            continue
        branches = [done.get(a) for a in args[1:]]
        done[u] = u if sort == "Real" else problem.make("num", Fraction(value), (), "Real") if op == "num" else \
            problem.make("ite", None, (args[0], *branches), "Real") if op == "ite" and None not in branches else None
        todo.pop()
    return done[t]


OPERATORS["ite"] = ite


# ---- the skeleton ------------------------------------------------------------------------------------
def atom(skeleton, t):
    """Before the core's canonical atoms: the ites under t are queued, and a theory whose sort the first
    argument has gives the literal (None: the core's)."""
    scan(skeleton, t)
    args = skeleton.problem.terms[t].args
    sort = skeleton.problem.sort(args[0]) if args else None
    rule = ATOMS.get(sort[0]) if isinstance(sort, tuple) else None
    return rule(skeleton, t) if rule else None


def scan(skeleton, t):
    """Queue the ites of other sorts than Bool under atom t (each term looked at once)."""
    todo, terms = [t], skeleton.problem.terms
    while todo:
        u = todo.pop()
        if u not in skeleton.scanned:
            skeleton.scanned.add(u)
            op, _, args, sort = terms[u]
            if op == "ite" and sort != "Bool":
                skeleton.ites.append(u)  # its condition and branches are read when it is lifted
            else:
                todo.extend(a for a in args if terms[a].sort != "Bool")


def lift(skeleton):
    """Each ite v = (ite c a b) of a sort other than Bool met under an atom stands for itself (a variable
    to the theories), with the clauses -c | v = a and c | v = b, in the order met.  Sound: in every
    model v's value is a's when c holds and b's otherwise."""
    problem = skeleton.problem
    while skeleton.ites:
        v = skeleton.ites.pop(0)
        c, a, b = problem.terms[v].args
        condition = skeleton.literal(c)
        for branch, sign in ((a, -1), (b, 1)):
            skeleton.clauses.append([sign * condition, skeleton.atom(problem.make("=", None, (v, branch), "Bool"))])


from . import arrays, bitvec, combination, strings  # noqa: E402,F401 - each registers itself (it imports the registries above)
