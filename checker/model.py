"""Model checking: a SAT answer is verified when its assignment satisfies every clause.

The model is SAT-competition output: `v` lines of literals ended by 0, with
optional `c` comments and one `s SATISFIABLE` line.  Unassigned variables
satisfy nothing; a literal and its negation together are refused.
"""
from .source import READ_ERRORS
from .syntax import Stop, number, read_dimacs


def read_model(stream):
    """The set of true literals, and (variable, line) of the largest variable."""
    true, largest, done, line, ended = set(), (0, 0), False, 0, True
    for line, raw in enumerate(stream, 1):
        ended = raw.endswith(b"\n")
        tokens = raw.split()
        if not tokens or tokens[0][:1] == b"c":
            continue
        if tokens == [b"s", b"SATISFIABLE"]:
            continue
        if tokens[0] != b"v" or done:
            raise Stop("syntax", line)
        for token in tokens[1:]:
            lit = number(token, line)
            if done:
                raise Stop("syntax", line)
            if lit == 0:
                done = True
            elif -lit in true:
                raise Stop("model-conflict", line, detail=lit)
            else:
                true.add(lit)
                largest = max(largest, (abs(lit), line))
    if not done:
        raise Stop("eof", line + 1 if ended else line)
    return true, largest


def check(formula, model):
    """Returns (Stop or None, file, counts, False) like lrat.check; file 1 is the model."""
    file, counts = 1, ()
    try:
        true, (var, line) = read_model(model)
        file, index = 0, [0]

        def clause(literals):
            index[0] += 1
            if not any(lit in true for lit in literals):
                raise Stop("model-unsat", step=index[0], detail=index[0])

        counts = read_dimacs(formula, clause)
        if var > counts[0]:
            file = 1
            raise Stop("literal", line, detail=var, detail2=counts[0])
        stop = None
    except Stop as error:
        stop = error
    except READ_ERRORS:
        stop = Stop("read")
    return stop, file, (*counts, 0, 0, 0, 0, 0) if counts else (), False
