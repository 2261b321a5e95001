"""Glob-pattern memberships over one string variable (untrusted producer side).

A glob is a tuple of items: an int >= 0 is a literal character code, `ANY` (-1) is `?` (one
character), `STAR` (-2) is `*` (any string). A membership literal is `(glob, positive)`.

Emptiness of `s in G1 and ... and s not in H1 and ...` is decided on the product of the globs' NFAs,
over character classes: every character occurring literally in some pattern, plus `OTHER` for all
the rest (they behave alike in every pattern). A state is a tuple with, per pattern, a bitmask of NFA
positions (bit i: "the first i items matched"), closed under skipping `*` items. The kernel checks an
"empty" answer's witness: the reachable set contains the initial state, is closed under every class's
step, and has no state accepting all the Gs and none of the Hs.
"""
from collections import deque

ANY, STAR = -1, -2
OTHER = None    # the class of every character that occurs in no pattern


def parse_glob(text):
    """AWS-style glob text (`*`, `?`, everything else literal; no escapes) to a glob tuple."""
    return tuple(STAR if ch == "*" else ANY if ch == "?" else ord(ch) for ch in text)


def format_glob(glob):
    """The text of a glob (inverse of `parse_glob` for globs without literal `*` or `?`)."""
    return "".join("*" if i == STAR else "?" if i == ANY else chr(i) for i in glob)


def _close(glob, mask):
    # Skipping a `*` (matching it with the empty string) is the only epsilon move.
    for i, item in enumerate(glob):
        if item == STAR and mask >> i & 1:
            mask |= 1 << (i + 1)
    return mask


def initial(globs):
    """The product automaton's initial state."""
    return tuple(_close(g, 1) for g in globs)


def step(globs, state, cls):
    """The successor of `state` on a character class (a code, or OTHER)."""
    out = []
    for g, mask in zip(globs, state):
        nxt = 0
        for i, item in enumerate(g):
            if mask >> i & 1:
                if item == STAR:
                    nxt |= 1 << i
                elif item == ANY or item == cls:
                    nxt |= 1 << (i + 1)
        out.append(_close(g, nxt))
    return tuple(out)


def accepts(glob, mask):
    return bool(mask >> len(glob) & 1)


def matches(glob, string):
    """Whether `string` matches `glob` (the same NFA, run on the string's characters)."""
    mask = initial((glob,))
    for ch in string:
        mask = step((glob,), mask, ord(ch))
    return accepts(glob, mask[0])


def classes(globs):
    """The character classes: the literal codes in the patterns, sorted, then OTHER."""
    return sorted({i for g in globs for i in g if i >= 0}) + [OTHER]


def other_char(globs):
    """A concrete character in class OTHER (occurring in no pattern)."""
    used = {i for g in globs for i in g if i >= 0}
    for ch in "xyzabcdefghijklmnopqrstuvw0123456789_":
        if ord(ch) not in used:
            return ch
    code = 0x100
    while code in used:
        code += 1
    return chr(code)


def explore(literals):
    """`("empty", closed_set)` or `("nonempty", witness_string)` for a list of `(glob, positive)`.

    Breadth-first over the reachable product states, so the closed set is in BFS order and a
    witness is a shortest string (each class stands for its character; OTHER for `other_char`).
    """
    globs = [g for g, _ in literals]
    pol = [p for _, p in literals]
    cls = classes(globs)
    start = initial(globs)
    parent = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if all(accepts(g, m) == p for g, m, p in zip(globs, state, pol)):
            chars = []
            while parent[state] is not None:
                state, c = parent[state]
                chars.append(other_char(globs) if c is OTHER else chr(c))
            return "nonempty", "".join(reversed(chars))
        for c in cls:
            nxt = step(globs, state, c)
            if nxt not in parent:
                parent[nxt] = (state, c)
                queue.append(nxt)
    return "empty", list(parent)   # dicts keep insertion order: BFS order


def included(sub, sup):
    """`explore` of `s in sub and s not in sup`: "empty" means sub is a subset of sup."""
    return explore([(sub, True), (sup, False)])


def disjoint(g, h):
    """`explore` of `s in g and s in h`: "empty" means no string matches both."""
    return explore([(g, True), (h, True)])
