"""Strings and regular expressions (SMT-LIB 2.6, theory Strings): reading them (a regular expression
as a position automaton and, where it is one, a union of globs), the skeleton's string atoms, the
`str` and `len` rules and the model's string operations.  Subset and soundness: docs/smt-certificate.md."""
import bisect
import functools
from typing import NamedTuple

from . import LEAVES, OPERATORS, OPS, RULES, SYMBOLS, VALID, find

MAX = 0x2FFFF  # the alphabet: the code points 0 .. MAX
STAR, ANY = -2, -1  # glob items; a character is its code point
LIMIT = 1 << 16  # product states the kernel explores itself; globs of one regular expression
POSITIONS = 1 << 12  # positions of one automaton (and the largest length bound a str lemma reads)
FULL = ((0, MAX),)


# ---- position automata -----------------------------------------------------------------------------
class Automaton(NamedTuple):
    """State 0 starts; state i >= 1 is position i, entered reading a character of sets[i] ((low, high)
    ranges); follow[i]: the mask of the positions that may come next; bit i of `last`: a word may end in i."""
    sets: tuple
    follow: tuple
    last: int


def row(sets, every=False):  # one position per set, in a row: their word (every: and each prefix of it)
    n = len(sets)
    return Automaton(((),) + tuple(sets), tuple(2 << i for i in range(n)) + (0,), (2 << n) - 1 if every else 1 << n)


def up(mask, k):  # a mask of positions 1.. of an automaton placed after k others (its start dropped)
    return mask >> 1 << k + 1


def cat(a, b):
    k, first = len(a.follow) - 1, up(b.follow[0], len(a.follow) - 1)
    return Automaton(a.sets + b.sets[1:], tuple(f | first * (a.last >> i & 1) for i, f in enumerate(a.follow)) +
                     tuple(up(f, k) for f in b.follow[1:]), up(b.last, k) | a.last * (b.last & 1))


def union(a, b):
    k = len(a.follow) - 1
    return Automaton(a.sets + b.sets[1:], (a.follow[0] | up(b.follow[0], k),) + a.follow[1:] +
                     tuple(up(f, k) for f in b.follow[1:]), a.last | up(b.last, k) | b.last & 1)


def star(a, empty=1):  # re.* (empty=0: re.+, with the empty word when `a` has it): after a last, a first
    return Automaton(a.sets, tuple(f | a.follow[0] * (a.last >> i & 1) for i, f in enumerate(a.follow)), a.last | empty)


def power(a, n):
    out = row(())
    while n:
        out, a, n = cat(out, a) if n & 1 else out, cat(a, a) if n > 1 else a, n >> 1
    return out


ALLCHAR, NONE = row((FULL,)), Automaton(((),), (0,), 0)


@functools.lru_cache(maxsize=1 << 10)
def table(a):
    """Its own classes (their least characters: the ends of its ranges), and the positions reading each."""
    cuts = sorted({0} | {c for s in a.sets for lo, hi in s for c in (lo, hi + 1) if c <= MAX})
    where, delta = {c: j for j, c in enumerate(cuts)}, [0] * (len(cuts) + 1)
    for i, s in enumerate(a.sets):
        for lo, hi in s:  # bit i from the class of lo up to that of hi
            delta[where[lo]] ^= 1 << i
            delta[where.get(hi + 1, len(cuts))] ^= 1 << i
    masks, mask = [], 0
    for d in delta[:-1]:
        mask ^= d
        masks.append(mask)
    return cuts, masks


def reach(a, mask):  # the positions that may follow the states of mask
    out = 0
    while mask:
        low = mask & -mask
        out |= a.follow[low.bit_length() - 1]
        mask ^= low
    return out


def accepts(a, text):
    cuts, masks, mask = *table(a), 1
    for ch in text:
        mask = reach(a, mask) & masks[bisect.bisect_right(cuts, ord(ch)) - 1]
    return bool(mask & a.last)


# ---- globs: a tuple of items, each a character, ANY or STAR ------------------------------------------
@functools.lru_cache(maxsize=1 << 16)
def moves(glob, char):  # bitmasks of the positions that read `char`, and of stars
    return sum(1 << i for i, item in enumerate(glob) if item == ANY or item == char), \
        sum(1 << i for i, item in enumerate(glob) if item == STAR)


def closure(glob, mask):
    return grow(moves(glob, None)[1], mask)


def grow(stars, mask):  # after a star at position i, position i+1 is reached too
    while (grown := mask | (mask & stars) << 1) != mask:
        mask = grown
    return mask


def step(glob, mask, char):  # after one character: a star stays, a `?` or the character moves on
    read, stars = moves(glob, char)
    return grow(stars, (mask & read) << 1 | (mask & stars))


def matches(glob, word):  # whether the glob accepts the word (code points); the product's states: its masks
    mask = closure(glob, 1)
    for char in word:
        mask = step(glob, mask, char)
    return bool(mask >> len(glob) & 1)


def squeeze(glob):  # the canonical glob: no two stars in a row
    return tuple(item for i, item in enumerate(glob) if not (item == STAR and i and glob[i - 1] == STAR))


def globs_cat(g, h):  # None: not globs, or too many
    return None if g is None or h is None or len(g) * len(h) > LIMIT else \
        tuple(sorted({squeeze(x + y) for x in g for y in h}))


def globs_union(g, h):
    return None if g is None or h is None or len(g) + len(h) > LIMIT else tuple(sorted(set(g) | set(h)))


# ---- reading ----------------------------------------------------------------------------------------------
class Regex(NamedTuple):  # the payload of an "re" term (its arguments: the regular expressions it is made of)
    head: object  # the operator as written: "re.++", ("re.loop", 1, 3), "re.allchar", ...
    automaton: Automaton  # None: re.comp, re.inter, re.diff, read at the top of a membership only
    globs: tuple  # the union of globs it is, or None


def regex(problem, head, args, automaton, globs, tokens, at):
    problem.budget -= len(automaton.sets)  # each operator copies its arguments' masks
    if len(automaton.sets) > POSITIONS + 1 or problem.budget < 0:
        raise problem.error(tokens, f"unsupported: a regular expression of more than {POSITIONS} positions" if
                            problem.budget >= 0 else "unsupported: regular expressions taking over 64 steps a byte", at)
    return problem.make("re", Regex(head, automaton, globs), args, "RegLan")


def to_re(problem, text_term, tokens, at):
    codes = tuple(map(ord, problem.terms[text_term].payload))
    return regex(problem, "str.to_re", (text_term,), row([((c, c),) for c in codes]), (codes,), tokens, at)


def combine(problem, head, args, tokens, at):
    """The term of a regular-expression operator applied to `args`."""
    name, terms = head if isinstance(head, str) else head[0], problem.terms
    if name in ("re.comp", "re.inter", "re.diff"):
        return problem.make("re", Regex(head, None, None), args, "RegLan")
    if name == "re.range":  # of literals (read's check)
        low, high = (terms[a].payload for a in args)
        one = len(low) == len(high) == 1 and low <= high  # else the empty language, as the theory says
        return regex(problem, head, args, row([((ord(low), ord(high)),)]) if one else NONE, None, tokens, at)
    for a in args:
        if terms[a].op != "re" or terms[a].payload.automaton is None:
            inner = terms[a].payload.head if terms[a].op == "re" else terms[a].op
            raise problem.error(tokens, f"unsupported: {inner} inside {name} (re.comp, re.inter and re.diff only at "
                                "the top of a membership: their automaton would need a complement)", at)
    autos, globs = [terms[a].payload.automaton for a in args], [terms[a].payload.globs for a in args]
    if name in ("re.++", "re.union"):
        automaton = functools.reduce(cat if name == "re.++" else union, autos)
        globs = functools.reduce(globs_cat if name == "re.++" else globs_union, globs)
    elif name in ("re.*", "re.+", "re.opt"):
        automaton = autos[0]._replace(last=autos[0].last | 1) if name == "re.opt" else star(autos[0], name == "re.*")
        globs = ((STAR,),) if name == "re.*" and globs[0] in (((ANY,),), ((STAR,),)) else None
    else:  # (_ re.loop i n): r^i .. r^n, that is r^i (r | empty)^(n-i); (_ re.^ n): r^n
        low, high = head[1], head[-1]
        if high * (len(autos[0].sets) - 1) > POSITIONS:
            raise problem.error(tokens, f"unsupported: a repetition of more than {POSITIONS} positions", at)
        automaton = cat(power(autos[0], low), power(autos[0]._replace(last=autos[0].last | 1), high - low)) \
            if low <= high else NONE
        globs = None
    return regex(problem, head, args, automaton, globs, tokens, at)


def member(problem, s, r, tokens, at):
    """(str.in_re s r), with re.comp, re.inter and re.diff at the top read as not and and (an explicit
    stack: they nest as deep as the input); a literal s is evaluated."""
    make, terms, memo, todo = problem.make, problem.terms, {}, [r]
    while todo:
        u = todo[-1]
        if terms[u].op != "re":
            raise problem.error(tokens, f"unsupported: a regular expression given by {terms[u].op}", at)
        head, automaton, _ = terms[u].payload
        missing = [a for a in terms[u].args if a not in memo] if automaton is None else []
        if missing:
            todo += missing
            continue
        todo.pop()
        if automaton is not None:
            memo[u] = make("in", None, (s, u), "Bool") if terms[s].op != "str" else \
                problem.true if accepts(automaton, terms[s].payload) else problem.false
        elif u not in memo:
            x = [memo[a] for a in terms[u].args]
            x = x if head == "re.inter" else [make("not", None, x, "Bool")] if head == "re.comp" else \
                x[:1] + [make("not", None, [y], "Bool") for y in x[1:]]
            memo[u] = x[0] if len(x) == 1 else make("and", None, x, "Bool")
    return memo[r]


EVALUATE = {"str.len": lambda x: len(x[0]), "str.++": "".join,
            "str.at": lambda x: x[0][x[1]] if 0 <= x[1] < len(x[0]) else "",
            "str.substr": lambda x: x[0][x[1]:x[1] + x[2]] if 0 <= x[1] < len(x[0]) and x[2] > 0 else "",
            "str.replace": lambda x: x[0].replace(x[1], x[2], 1),
            "str.prefixof": lambda x: x[1].startswith(x[0]), "str.suffixof": lambda x: x[1].endswith(x[0]),
            "str.contains": lambda x: x[1] in x[0]}
SIGNATURES = {"str.in_re": "SR", "str.to_re": "S", "str.len": "S", "str.++": "S+", "str.prefixof": "SS",
              "str.suffixof": "SS", "str.contains": "SS", "str.at": "SI", "str.substr": "SII", "str.replace": "SSS",
              "re.range": "SS", **dict.fromkeys(("re.*", "re.+", "re.opt", "re.comp", "re.loop", "re.^"), "R"),
              **dict.fromkeys(("re.++", "re.union", "re.inter", "re.diff"), "R+")}
SORTS = {"S": "String", "R": "RegLan", "I": "Int"}
INDICES = {"re.loop": 2, "re.^": 1}
PATTERN = {"str.prefixof": 0, "str.suffixof": 0, "str.contains": 1}  # the argument that must be a literal


def read(problem, head, args, tokens, at):
    """The term of a string or regular-expression operator applied to `args`, sugar removed."""
    name, terms = head if isinstance(head, str) else head[0], problem.terms
    spec, sorts = SIGNATURES[name], [terms[a].sort for a in args]
    kinds = [SORTS[c] for c in spec.rstrip("+")]
    if (sorts != kinds if spec[-1] != "+" else len(args) < 2 or set(sorts) != set(kinds)) or \
            (len(head) - 1 if isinstance(head, tuple) else 0) != INDICES.get(name, 0):
        indexed = f"(_ {name}{' i' * INDICES[name]})" if name in INDICES else name
        raise problem.ill_sorted(tokens, indexed, at, f" (arguments: {' '.join(kinds)}{' ...' * (spec[-1] == '+')})")
    values = [terms[a].payload if terms[a].op in ("str", "num") else None for a in args]
    if name in EVALUATE and None not in values:  # on literals: the value
        value = EVALUATE[name](values)
        return (problem.true if value else problem.false) if type(value) is bool else \
            problem.make("str" if type(value) is str else "num", value, (), "String" if type(value) is str else "Int")
    if name == "str.in_re":
        return member(problem, args[0], args[1], tokens, at)
    if name == "str.to_re" and values[0] is not None:
        return to_re(problem, args[0], tokens, at)
    if name.startswith("re.") and (name != "re.range" or None not in values):
        return combine(problem, head, args, tokens, at)
    if name == "str.len" or name == "str.at" and values[1] is not None and 0 <= values[1] <= POSITIONS:
        return problem.make(name, None, args, sorts[0] if name == "str.at" else "Int")  # str.at: a membership of s
    if name == "str.++":  # adjacent literals joined, empty ones dropped
        parts = []
        for a in args:
            if parts and terms[a].op == terms[parts[-1]].op == "str":
                parts[-1] = problem.make("str", terms[parts[-1]].payload + terms[a].payload, (), "String")
            elif terms[a] != ("str", "", (), "String"):
                parts.append(a)
        return parts[0] if len(parts) == 1 else problem.make("str.++", None, parts, "String")
    if name in PATTERN and values[PATTERN[name]] is not None:  # a membership of the other argument
        everything = SYMBOLS["re.all"](problem)
        word = to_re(problem, args[PATTERN[name]], tokens, at)
        parts = [word, everything] if name == "str.prefixof" else [everything, word] if name == "str.suffixof" else \
            [everything, word, everything]
        return member(problem, args[1 - PATTERN[name]], combine(problem, "re.++", parts, tokens, at), tokens, at)
    raise problem.error(tokens, f"unsupported: {name} of a non-literal" + " pattern" * (name in PATTERN), at)


# ---- the skeleton: string atoms -----------------------------------------------------------------------
def key(problem, t):
    """canonical's string atoms: (key, positive), (True/False, True), or a union of globs' keys (a list)."""
    op, _, (a, b), _ = problem.terms[t]
    if op == "in":
        automaton, globs = problem.terms[b].payload[1:]
        return [("in", a, g) for g in globs] if globs is not None else (("in", a, automaton), True)
    (oa, pa, _, _), (ob, pb, _, _) = problem.terms[a], problem.terms[b]
    if "str" in (oa, ob):  # a string literal: a membership in a glob without wildcards
        return (pa == pb, True) if oa == ob else \
            (("in", b if oa == "str" else a, tuple(map(ord, pa if oa == "str" else pb))), True)
    return (True, True) if a == b else (("eq", min(a, b), max(a, b)), True)


# ---- the str rule: memberships of one string, by a closed set of product states ----------------------
def bound(problem, key):
    """A length hypothesis about (str.len s), <= k or = k: the membership of s in the words of length 0..k, or k."""
    _, kind, pairs, k, _ = key
    x = pairs[0][0] if len(pairs) == 1 and pairs[0][1] == 1 else None
    if x is None or problem.terms[x].op != "str.len" or kind not in ("<=", "=") or type(k) is not int or k > POSITIONS:
        return f"a str lemma's arithmetic literals bound one (str.len s) by at most {POSITIONS}"
    return ("in", problem.terms[x].args[0], NONE if k < 0 else row((FULL,) * k, kind == "<="))


def walker(pattern, cuts):  # (start, successors: the masks after a character of each class of cuts, accepting)
    if not isinstance(pattern, Automaton):  # each class's reading mask looked up once, not at each state
        stars, reads = moves(pattern, None)[1], [moves(pattern, c)[0] for c in cuts]
        return grow(stars, 1), lambda m: [grow(stars, (m & r) << 1 | (m & stars)) for r in reads], \
            lambda m: bool(m >> len(pattern) & 1)
    own, masks = table(pattern)
    reads = [masks[bisect.bisect_right(own, c) - 1] for c in cuts]
    return 1, lambda m: [reach(pattern, m) & r for r in reads], lambda m: bool(m & pattern.last)


def classes(patterns):
    """The least character of each class: the alphabet cut at the ends of every range the patterns name."""
    return sorted({0}.union(*map(ends, patterns)))


@functools.lru_cache(maxsize=1 << 12)
def ends(p):  # a pattern's cuts: each range's low end and the character after its high end (within the alphabet)
    ranges = [r for s in p.sets for r in s] if isinstance(p, Automaton) else [(c, c) for c in p if c >= 0]
    return frozenset(c for lo, hi in ranges for c in (lo, hi + 1) if c <= MAX)


def gather(hypotheses, problem):
    """The str rule's reading of its hypotheses: VALID (merged terms said to differ), a message, or the
    memberships of one string as (pattern, truth) pairs, in lemma order (then one lifted membership)."""
    parent, found = {}, []
    for key, truth in hypotheses:  # merged: equal terms, and each string with the one literal it is in
        if key[0] not in ("eq", "in", "lin"):
            return "a str lemma has only memberships, string equalities and lengths"
        if truth and (key[0] == "eq" or key[0] == "in" and not isinstance(key[2], Automaton) and
                      min(key[2], default=0) >= 0):
            parent[find(parent, key[1])] = find(parent, key[2] if key[0] == "eq" else ("literal", key[2]))
    for key, truth in hypotheses:
        if key[0] == "eq" and not truth and find(parent, key[1]) == find(parent, key[2]):
            return VALID
        key = at(problem, bound(problem, key) if key[0] == "lin" else key)
        if isinstance(key, str):
            return key
        if key[0] == "in":
            found.append((find(parent, key[1]), key[2], truth))
    found = lift(hypotheses, problem, parent, found) if len({c for c, _, _ in found}) > 1 else found
    return found if isinstance(found, str) or not found else [(p, truth) for _, p, truth in found]


def lift(hypotheses, problem, parent, found):
    """Memberships of the arguments of the lemma's first concatenation u (a membership's subject or an
    equality's side) read as one of u, last: each argument's pattern (a literal's word; its class's one
    true membership; else any string), concatenated."""
    one, terms = "the memberships must be about one string, or a concatenation and its arguments", problem.terms
    u = next((x for key, _ in hypotheses if key[0] != "lin" for x in key[1:2 if key[0] == "in" else 3]
              if type(x) is int and terms[x].op == "str.++"), None)
    if u is None:
        return one
    home, args, parts = find(parent, u), {find(parent, a) for a in terms[u].args}, {}
    for c, pattern, truth in found:
        if c != home:
            if not truth or c in parts or c not in args:
                return one
            parts[c] = pattern
    pieces = [row([((ord(ch), ord(ch)),) for ch in terms[a].payload]) if terms[a].op == "str"
              else automaton(parts.get(find(parent, a), (STAR,))) for a in terms[u].args]
    if sum(len(p.sets) - 1 for p in pieces) > POSITIONS:
        return f"a concatenation's automaton of more than {POSITIONS} positions"
    return [m for m in found if m[0] == home] + [(home, functools.reduce(cat, pieces), True)]


def at(problem, key):
    """(str.at s k) in P as s in: k characters, one that is a word of P, any; or (if "" is in P) at most k."""
    if key[0] != "in" or type(key[1]) is not int or problem.terms[key[1]].op != "str.at":
        return key
    (s, k), a = problem.terms[key[1]].args, automaton(key[2])
    ones, k = [row([a.sets[i]]) for i in range(1, len(a.sets)) if (a.follow[0] & a.last) >> i & 1], \
        problem.terms[k].payload
    return "in", s, union(functools.reduce(cat, [row((FULL,) * k), functools.reduce(union, ones, NONE), star(ALLCHAR)]),
                          row((FULL,) * k, True) if a.last & 1 else NONE)


def automaton(pattern):  # a glob's automaton (an Automaton is its own)
    return pattern if isinstance(pattern, Automaton) else functools.reduce(cat, [
        star(ALLCHAR) if i == STAR else ALLCHAR if i == ANY else row([((i, i),)]) for i in pattern], row(()))


def strings(tag, hypotheses, witness, problem):
    patterns = gather(hypotheses, problem) or "a str lemma needs a membership"
    if not isinstance(patterns, list):
        return patterns
    cuts = classes(p for p, _ in patterns)
    work = len(cuts) + sum(len(p.sets if isinstance(p, Automaton) else p) for p, _ in patterns)
    words = [i for i, (p, t) in enumerate(patterns) if t and not isinstance(p, Automaton) and min(p, default=0) >= 0]
    if words and len(patterns) == 2 and not witness and (len(patterns[words[0]][0]) + 1) * work <= LIMIT << 6:
        (word, _), (other, truth) = patterns[words[0]], patterns[1 - words[0]]  # the product walks the word: run it
        found = accepts(other, "".join(map(chr, word))) if isinstance(other, Automaton) else matches(other, word)
        return VALID if found != truth else "a reachable state accepts: the combination is not empty"
    walks = [walker(p, cuts) for p, _ in patterns]
    start = tuple(w[0] for w in walks)

    def after(state):  # the successors in which every true membership still has a position
        nexts = zip(*(w[1](m) for w, m in zip(walks, state)))
        return [x for x in nexts if all(m or not t for m, (_, t) in zip(x, patterns))]

    if witness:
        states = {tuple(int(m, 16) for m in token.split(",")) for token in witness}
    elif len(patterns) <= 2:  # inclusion or disjointness of two patterns: the kernel explores
        states, todo = {start}, [start]
        while todo and len(states) <= LIMIT and len(states) * work <= LIMIT << 6:  # each state: about `work` steps
            for nxt in after(todo.pop()):
                if nxt not in states:
                    states.add(nxt)
                    todo.append(nxt)
        if todo:
            return f"more than {LIMIT} product states (or states times pattern sizes over 2^22): give a witness"
    else:
        return "a combination of more than two memberships needs a witness"
    if start not in states:
        return "the witness lacks the initial state"
    for state in states:
        if len(state) != len(patterns) or min(state) < 0:  # before its successors: -1 has every bit
            return "a witness state has the wrong number of masks, or a negative one"
        if all(w[2](m) == truth for w, m, (_, truth) in zip(walks, state, patterns)):
            return "a reachable state accepts: the combination is not empty"
        if witness and any(nxt not in states for nxt in after(state)):  # explored: closed
            return "the witness is not closed"
    return VALID


# ---- the len rule: lengths of concatenations and of equal strings ---------------------------------------
def lengths(tag, hypotheses, witness, problem):
    equations = [key for key, truth in hypotheses if key[0] == "lin" and key[1] == "=" and not truth]
    equal = [key[1:] for key, truth in hypotheses if key[0] == "eq" and truth]
    if witness or len(equations) != 1 or len(equal) > 1 or len(hypotheses) != 1 + len(equal):
        return "a len lemma is one equation of lengths (and the string equality it follows from), with no witness"
    _, _, pairs, k, _ = equations[0]
    terms, form = problem.terms, dict(pairs)
    length = {terms[x].args[0]: x for x in form if terms[x].op == "str.len"}  # string term -> its length's term

    def concatenation(x):  # (str.len (str.++ p ...)) - the sum of the (str.len p) = the literals' lengths
        coeffs, parts = {x: 1}, terms[terms[x].args[0]].args
        for p in parts:
            coeffs[length.get(p)] = coeffs.get(length.get(p), 0) - (terms[p].op != "str")
        return {y: c for y, c in coeffs.items() if c}, sum(len(terms[p].payload) for p in parts if terms[p].op == "str")

    expected = [({length.get(equal[0][0]): 1, length.get(equal[0][1]): -1}, 0)] if equal else \
        [concatenation(x) for x in length.values() if terms[terms[x].args[0]].op == "str.++"]
    for coeffs, total in expected:  # the equation must be a multiple of one of these
        first = next(iter(coeffs))
        if None not in coeffs and set(coeffs) == set(form) and k * coeffs[first] == form[first] * total and \
                all(form[x] * coeffs[first] == form[first] * c for x, c in coeffs.items()):
            return VALID
    return "the equation is not the length of a concatenation, nor that of two equal strings"


OPS.update({op: (lambda f: lambda x, payload: f(x))(f) for op, f in EVALUATE.items()})  # (values, payload)
OPS["in"] = lambda x, payload: accepts(x[1].automaton, x[0])
LEAVES.add("str.len")
RULES.update({"str": strings, "len": lengths})
OPERATORS.update(dict.fromkeys(SIGNATURES, read))
SYMBOLS.update({"re.allchar": lambda p: p.make("re", Regex("re.allchar", ALLCHAR, ((ANY,),)), (), "RegLan"),
                "re.all": lambda p: p.make("re", Regex("re.all", star(ALLCHAR), ((STAR,),)), (), "RegLan"),
                "re.none": lambda p: p.make("re", Regex("re.none", NONE, None), (), "RegLan")})
