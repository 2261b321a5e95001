"""Memberships of one string in globs and regular languages (untrusted producer side).

A *pattern* is what a membership key holds (checker/theories/strings.py): a glob, a tuple of items
(a character code, `ANY` for `?`, `STAR` for `*`), or the position automaton of a regular expression.
A membership literal is `(pattern, positive)`.

Emptiness of `s in P1 and ... and s not in Q1 and ...` is decided on the product of the patterns'
automata, stepped with the kernel's own functions, over character classes: the alphabet cut at the
ends of every range the patterns name (all characters of one class behave alike in every pattern).
An "empty" answer comes with the reachable states (minus those in which a positive pattern has no
position left: they never accept), which is the witness the kernel's `str` rule checks.
"""
import bisect
from collections import deque

from checker.theories import strings as kernel

ANY, STAR = kernel.ANY, kernel.STAR
OTHER = None  # kept for callers of the glob-only version: the class of characters no pattern names
READABLE = "abcdefghijklmnopqrstuvwxyz0123456789-_.ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def parse_glob(text):
    """AWS-style glob text (`*`, `?`, everything else literal; no escapes) to a glob tuple."""
    return tuple(STAR if ch == "*" else ANY if ch == "?" else ord(ch) for ch in text)


def format_glob(glob):
    """The text of a glob (inverse of `parse_glob` for globs without literal `*` or `?`)."""
    return "".join("*" if i == STAR else "?" if i == ANY else chr(i) for i in glob)


def initial(patterns):
    """The product automaton's initial state."""
    cuts = kernel.classes(patterns)
    return tuple(kernel.walker(p, cuts)[0] for p in patterns)


def matches(pattern, string):
    """Whether `string` is in the pattern's language (the kernel's automaton, or its glob steps)."""
    if isinstance(pattern, kernel.Automaton):
        return kernel.accepts(pattern, string)
    mask = kernel.closure(pattern, 1)
    for ch in string:
        mask = kernel.step(pattern, mask, ord(ch))
    return bool(mask >> len(pattern) & 1)


def other_char(globs):
    """A character in no glob (the glob-only version's OTHER class)."""
    used = {i for g in globs for i in g if i >= 0}
    return next(ch for ch in READABLE + "".join(map(chr, range(0x100, 0x2FFFF))) if ord(ch) not in used)


def representatives(cuts):
    """A readable character of each class (classes start at `cuts`)."""
    out = []
    for low, high in zip(cuts, cuts[1:] + [kernel.MAX + 1]):
        out.append(next((ch for ch in READABLE if low <= ord(ch) < high), chr(low)))
    return out


def explore(literals, limit=None):
    """`("empty", states)` or `("nonempty", a shortest member)` for a list of `(pattern, positive)`
    (None past `limit` states).  Breadth first, so `states` starts with the initial state.
    Remembered in this process (the answer is a function of the patterns alone, and the same
    patterns come back problem after problem: a control's actions, a policy's common globs);
    callers read the answer, never change it."""
    key = (tuple(literals), limit)
    found = _explored.get(key, _explored)
    if found is _explored:
        found = _explore(literals, limit)
        if len(_explored) >= REMEMBERED:
            _explored.clear()
        if found is None or found[0] == "nonempty" or len(found[1]) <= REMEMBERED_STATES:
            _explored[key] = found
    return found


REMEMBERED, REMEMBERED_STATES = 1 << 14, 1 << 10  # answers kept, and the largest witness kept among them
_explored: dict = {}


def _explore(literals, limit):
    word = next((p for p, positive in literals if positive and _is_word(p)), None)
    if word is not None:
        return _along(word, literals, limit)
    patterns = [p for p, _ in literals]
    every = kernel.classes(patterns)
    kept = _distinct(patterns, every)
    chars = representatives(every)
    return breadth_first(literals, [every[k] for k in kept], [chars[k] for k in kept], limit)


def breadth_first(literals, cuts, chars, limit):
    """The product automaton's states reachable over the classes `cuts` (each stepped as `chars`' one
    character), breadth first: explore's answer."""
    walks = [kernel.walker(p, cuts) for p, _ in literals]
    start = tuple(w[0] for w in walks)
    parent, queue = {start: None}, deque([start])
    while queue:
        state = queue.popleft()
        if all(w[2](m) == positive for w, m, (_, positive) in zip(walks, state, literals)):
            text = []
            while parent[state] is not None:
                state, k = parent[state]
                text.append(chars[k])
            return "nonempty", "".join(reversed(text))
        for k, nxt in enumerate(zip(*(w[1](m) for w, m in zip(walks, state)))):
            if nxt not in parent and all(m or not positive for m, (_, positive) in zip(nxt, literals)):
                parent[nxt] = (state, k)
                queue.append(nxt)
        if limit is not None and len(parent) > limit:
            return None
    return "empty", list(parent)  # dicts keep insertion order: BFS order


def _distinct(patterns, cuts):
    """The classes of `cuts` that some pattern tells apart from every class before them: a glob reads
    the characters it names each its own way and all others alike, an automaton each of its own
    classes its own way.  A class like an earlier one leads from every state where that one does,
    so the search stepping only these finds the same states in the same order."""
    named = [None if isinstance(p, kernel.Automaton) else {i for i in p if i >= 0} for p in patterns]
    tables = [kernel.table(p)[0] if isinstance(p, kernel.Automaton) else None for p in patterns]
    seen, kept = set(), []
    for k, c in enumerate(cuts):
        sign = tuple(bisect.bisect_right(t, c) if n is None else (c if c in n else None)
                     for n, t in zip(named, tables))
        if sign not in seen:
            seen.add(sign)
            kept.append(k)
    return kept


def _is_word(pattern):
    return not isinstance(pattern, kernel.Automaton) and all(item >= 0 for item in pattern)


def _along(word, literals, limit):
    """`explore` when one positive pattern is a single word: the only live product states are those
    along it (each character of the word is a class of its own, every other class kills the word's
    automaton), so the breadth-first search is this walk, stepped with the kernel's functions one
    character at a time instead of over every class: the same answer, the same states, in the same order."""
    starts, steps, accepts = [], [], []
    for p, _ in literals:
        if isinstance(p, kernel.Automaton):
            cuts, masks = kernel.table(p)
            starts.append(1)
            steps.append(lambda m, c, p=p, cuts=cuts, masks=masks:
                         kernel.reach(p, m) & masks[bisect.bisect_right(cuts, c) - 1])
            accepts.append(lambda m, p=p: bool(m & p.last))
        else:
            starts.append(kernel.closure(p, 1))
            steps.append(lambda m, c, p=p: kernel.step(p, m, c))
            accepts.append(lambda m, p=p: bool(m >> len(p) & 1))
    states = [tuple(starts)]
    for k, state in enumerate(states):  # grows by one state at most each turn
        if all(a(m) == positive for a, m, (_, positive) in zip(accepts, state, literals)):
            return "nonempty", "".join(map(chr, word[:k]))
        if k < len(word):
            nxt = tuple(s(m, word[k]) for s, m in zip(steps, state))
            if all(m or not positive for m, (_, positive) in zip(nxt, literals)):
                states.append(nxt)
        if limit is not None and len(states) > limit:
            return None
    return "empty", states


def split(target, parts, limit=1 << 17):
    """Strings for the parts of a concatenation, each in its own literals (a part: a list of
    `(pattern, positive)`, or a str: that literal), whose concatenation is in every target literal;
    None if none is found within `limit` states.  Breadth first over (target masks, the part being
    read, its masks): a part that accepts may hand over to the next one."""
    pieces = [[(tuple(map(ord, p)), True)] if isinstance(p, str) else list(p) for p in parts]
    cuts = kernel.classes([p for p, _ in target] + [p for lits in pieces for p, _ in lits])
    chars = representatives(cuts)
    target_walks = [kernel.walker(p, cuts) for p, _ in target]
    part_walks = [[kernel.walker(p, cuts) for p, _ in lits] for lits in pieces]

    def holds(walks, lits, masks):
        return all(w[2](m) == positive for w, (_, positive), m in zip(walks, lits, masks))

    def live(lits, masks):
        return all(m or not positive for (_, positive), m in zip(lits, masks))

    def successors(walks, masks):
        return list(zip(*(w[1](m) for w, m in zip(walks, masks)))) or [()] * len(cuts)

    start = (tuple(w[0] for w in target_walks), 0, tuple(w[0] for w in part_walks[0]))
    parent, queue = {start: None}, deque([start])
    while queue:
        state = queue.popleft()
        masks, i, own = state
        done = holds(part_walks[i], pieces[i], own)
        if done and i == len(pieces) - 1 and holds(target_walks, target, masks):
            out = [[] for _ in pieces]
            while parent[state] is not None:
                state, k = parent[state]
                if k is not None:
                    out[state[1]].append(chars[k])
            return ["".join(reversed(piece)) for piece in out]
        moves = [((masks, i + 1, tuple(w[0] for w in part_walks[i + 1])), None)] if done and i + 1 < len(pieces) else []
        moves += [((t, i, o), k) for k, (t, o) in enumerate(zip(successors(target_walks, masks),
                                                                  successors(part_walks[i], own)))]
        for nxt, k in moves:
            if nxt not in parent and live(target, nxt[0]) and live(pieces[nxt[1]], nxt[2]):
                parent[nxt] = (state, k)
                queue.append(nxt)
        if len(parent) > limit:
            return None
    return None


def included(sub, sup):
    """`explore` of `s in sub and s not in sup`: "empty" means sub is a subset of sup."""
    return explore([(sub, True), (sup, False)])


def disjoint(g, h):
    """`explore` of `s in g and s in h`: "empty" means no string matches both."""
    return explore([(g, True), (h, True)])


def length_range(pattern):
    """(shortest, longest) length of the pattern's words (longest None: unbounded; both None: empty)."""
    if not isinstance(pattern, kernel.Automaton):
        fixed = sum(1 for item in pattern if item != STAR)
        return fixed, None if STAR in pattern else fixed
    nexts = [bits(f) for f in pattern.follow]
    depth, queue = {0: 0}, deque([0])  # shortest: breadth first from the start
    while queue:
        i = queue.popleft()
        for j in nexts[i]:
            if j not in depth:
                depth[j] = depth[i] + 1
                queue.append(j)
    ends = [i for i in depth if pattern.last >> i & 1]
    if not ends:
        return None, None
    before = {}
    for i in depth:
        for j in nexts[i]:
            before.setdefault(j, []).append(i)
    useful, todo = set(ends), list(ends)  # reachable states from which a word may still end
    while todo:
        for i in before.get(todo.pop(), ()):
            if i not in useful:
                useful.add(i)
                todo.append(i)
    indegree = {i: 0 for i in useful}  # longest: a cycle among the useful states means unbounded
    for i in useful:
        for j in nexts[i]:
            if j in useful:
                indegree[j] += 1
    order, ready = [], [i for i in useful if not indegree[i]]
    while ready:
        i = ready.pop()
        order.append(i)
        for j in nexts[i]:
            if j in useful:
                indegree[j] -= 1
                if not indegree[j]:
                    ready.append(j)
    shortest = min(depth[i] for i in ends)
    if len(order) < len(useful):
        return shortest, None
    longest = {}
    for i in reversed(order):
        longest[i] = max([longest[j] + 1 for j in nexts[i] if j in useful] + [0 if pattern.last >> i & 1 else -1])
    return shortest, longest[0]


def bits(mask):
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out
