"""Arrays (SMT-LIB 2.6's ArraysEx): select and store over index and element sorts that are declared sorts, Int, Real
or arrays; the `array` rule (docs/smt-certificate.md, section 4): read-over-write and extensionality, each lemma an
instance of its axiom.  Congruence over select and store is the `eufla` rule's (combination.py)."""
from . import LEAVES, OPERATORS, OPS, RULES, SORTS, TYPES, VALID, VALUES

ARITH = ("Int", "Real")


def fits(problem, t, sort):  # a numeral fits either arithmetic sort
    return problem.sort(t) == sort or sort in ARITH and problem.sort(t) in ARITH


def apply(problem, head, args, tokens, at):
    """(select a i), (store a i v); (@diff a b), an index where a and b differ if they do, only on a
    certificate's atom lines (a problem read in full has its `data`): a Skolem function of its own."""
    if isinstance(head, tuple):  # ((as const (Array S T)) v): the array whose every element is v
        if len(args) != 1 or not isinstance(head[1], tuple) or head[1][0] != "Array" or \
                not fits(problem, args[0], head[1][2]):
            raise problem.ill_sorted(tokens, "as const", at, " (an array sort and one value of its elements)")
        return problem.make("as const", None, args, head[1])
    sort = problem.sort(args[0])
    arity = {"select": 2, "store": 3, "@diff": 2}[head]
    if head == "@diff" and not hasattr(problem, "data"):
        raise problem.error(tokens, "unsupported: @diff (the kernel's own, on atom lines only)", at)
    if len(args) != arity or not isinstance(sort, tuple) or sort[0] != "Array" or \
            not fits(problem, args[1], sort[1] if head != "@diff" else sort) or \
            head == "store" and not fits(problem, args[2], sort[2]):
        raise problem.ill_sorted(tokens, head, at, " (an array, then its index sort, and its element sort)")
    return problem.make(head, None, args, sort[2] if head == "select" else sort[1] if head == "@diff" else sort)


def equality(problem, a, b):
    """The canonical key of a = b (the skeleton's), or True/False where it folds."""
    from ..skeleton import Eq, linear
    if a == b:
        return True
    return linear(problem, "=", a, b)[0] if problem.sort(a) in ARITH else Eq("eq", min(a, b), max(a, b))


def instances(problem, a, b):
    """The axiom instances whose equality atom relates terms a and b, as sets of hypotheses (their
    negations): read-over-write for a = (select (store c i v) j), the constant array's (select (as const
    v) j) = v, extensionality for arrays a, b."""
    terms, find = problem.terms, problem._ids.get
    for s, other in ((a, b), (b, a)):
        if terms[s].op == "select" and terms[terms[s].args[0]].op == "as const":  # (select (as const v) j) = v
            yield {(equality(problem, s, terms[terms[s].args[0]].args[0]), False)}
        if terms[s].op == "select" and terms[terms[s].args[0]].op == "store":
            (store, j), (c, i, v) = terms[s].args, terms[terms[s].args[0]].args
            below = find(("select", None, (c, j), problem.sort(s)))
            yield {(equality(problem, i, j), True), (equality(problem, s, v), False)}  # i = j: (select ..) = v
            if below is not None:  # i = j or (select (store c i v) j) = (select c j)
                yield {(equality(problem, i, j), False), (equality(problem, s, below), False)}
    if isinstance(problem.sort(a), tuple):
        for d in (find(("@diff", None, (a, b), problem.sort(a)[1])), find(("@diff", None, (b, a), problem.sort(a)[1]))):
            x, y = (find(("select", None, (u, d), problem.sort(a)[2])) for u in (a, b))
            if None not in (d, x, y):  # a = b or (select a d) != (select b d)
                yield {(equality(problem, a, b), False), (equality(problem, x, y), True)}


def array(tag, hypotheses, witness, problem):
    if witness:
        return "an array lemma has no witness"
    given = set(hypotheses)
    for key, _ in hypotheses:
        sides = key[1:3] if key[0] == "eq" else [x for x, _ in key[2]] if key[0] == "lin" else ()
        for a in sides:
            for b in sides:
                for instance in instances(problem, a, b) if a <= b else ():
                    needed = {(k, truth) for k, truth in instance if not isinstance(k, bool)}
                    if all(k == truth for k, truth in instance if isinstance(k, bool)) and needed <= given:
                        return VALID
    return "no read-over-write or extensionality instance among the lemma's atoms"


# ---- models: an array value is (default, frozenset of (index, element) pairs whose element is not it) ----
def store(x, payload):
    (default, pairs), i, v = x
    return default, frozenset({(j, w) for j, w in pairs if j != i} | ({(i, v)} if v != default else set()))


def value_term(model, value, sort):  # an array value as a term (a function of arrays' argument): stores into (as const)
    term = model.values.make("as const", None, [model.constant(value[0], sort[2])], sort)
    for i, v in value[1]:  # each index whose element is not the default
        term = model.values.make("store", None, [term, model.constant(i, sort[1]), model.constant(v, sort[2])], sort)
    return term


OPS.update({"select": lambda x, p: dict(x[0][1]).get(x[1], x[0][0]), "store": store,
            "as const": lambda x, p: (x[0], frozenset())})
TYPES["Array"] = lambda v, sort: type(v) is tuple and len(v) == 2 and type(v[1]) is frozenset
VALUES["Array"] = value_term
SORTS.add("Array")
LEAVES.update(("select", "@diff"))
OPERATORS.update(dict.fromkeys(("select", "store", "@diff", "as const"), apply))
RULES["array"] = array
