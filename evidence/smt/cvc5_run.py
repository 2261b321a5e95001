"""Ask cvc5 (PyPI `cvc5`) about a problem; keep only plain data from its answer (untrusted).

On UNSAT the answer carries cvc5's theory lemmas: with `proof-mode=sat-proof` cvc5 leaves each
theory lemma unelaborated, and `getProof(ProofComponent.THEORY_LEMMAS)` returns one proof per lemma
whose conclusion is the lemma clause, over cvc5's own (preprocessed, rewritten) atoms.  On SAT it
carries the model as `define-fun` forms in the subset the kernel's model evaluator reads.
`dag-thresh=0` keeps `let` out of printed terms.
"""
import re
import time
from dataclasses import dataclass, field

from . import budget
from .atoms import string as string_literal  # one way to write a string literal

OPTIONS = {"produce-proofs": "true", "proof-mode": "sat-proof", "dag-thresh": "0", "produce-models": "true"}
_AS = re.compile(r"\(as ([^\s()]+) ([^\s()]+)\)")
SKIPPED = ("check-sat", "get-model", "get-proof", "get-value", "exit")  # we ask ourselves


@dataclass
class Answer:
    status: str  # "unsat", "sat" or "unknown"
    lemmas: list = field(default_factory=list)  # clauses: [(atom text, positive), ...]
    model: list = field(default_factory=list)  # "(define-fun ...)" lines
    seconds: float = 0.0
    reason: str = ""


def ask(problem_path, timeout=None):
    """Run cvc5 on the file, within the producer's budget (budget.limit: cvc5's deterministic
    `rlimit-per`, CVC5_UNITS_PER_CONFLICT units a conflict); `timeout` in seconds is the safety net
    (cvc5's `tlimit-per`, which bounds each check; its `tlimit` does not stop a check under way).
    The one query is the file's check-sat or check-sat-assuming (the kernel reads the latter's
    literals as assertions: so do we)."""
    import cvc5
    solver = cvc5.Solver()
    for name, value in OPTIONS.items():
        solver.setOption(name, value)
    if timeout:
        solver.setOption("tlimit-per", str(max(1, int(timeout * 1000))))
    units = budget.given() and budget.given() * budget.CVC5_UNITS_PER_CONFLICT
    if units:
        solver.setOption("rlimit-per", str(units))
    with open(problem_path, "rb") as f:
        if b"(as const" in f.read():  # constant arrays: cvc5 refuses them without its extended arrays solver
            solver.setOption("arrays-exp", "true")
    parser = cvc5.InputParser(solver)
    parser.setFileInput(cvc5.InputLanguage.SMT_LIB_2_6, str(problem_path))
    symbols = parser.getSymbolManager()
    start, result = time.perf_counter(), None
    try:
        while True:
            command = parser.nextCommand()
            if command.isNull():
                break
            if command.getCommandName() == "check-sat-assuming":
                result = _Printed(str(command.invoke(solver, symbols)).strip())
            elif command.getCommandName() not in SKIPPED:
                command.invoke(solver, symbols)
        result = result or solver.checkSat()
    except RuntimeError as error:  # cvc5 refuses the problem ("... not yet support ..."): no answer from it
        return Answer("unknown", seconds=time.perf_counter() - start, reason=f"cvc5: {error}"[:300])
    seconds = time.perf_counter() - start
    if result.isUnsat():
        proofs = solver.getProof(cvc5.ProofComponent.THEORY_LEMMAS)
        return Answer("unsat", [clause(unpurified(p.getResult(), cvc5), cvc5.Kind) for p in proofs], seconds=seconds)
    if result.isSat():
        return Answer("sat", model=model(solver, symbols.getDeclaredTerms(), cvc5.Kind), seconds=seconds)
    why = str(result.getUnknownExplanation())
    if why.endswith("RESOURCEOUT") and units:
        why = f"budget: {units} cvc5 resource units exhausted"
    elif why.endswith("TIMEOUT") and timeout:
        why = budget.safety_net(timeout)
    return Answer("unknown", seconds=seconds, reason=why)


class _Printed:
    """check-sat-assuming's answer as the command prints it, read like a cvc5 Result."""

    def __init__(self, text):
        self.text = text

    def isUnsat(self):
        return self.text == "unsat"

    def isSat(self):
        return self.text == "sat"

    def getUnknownExplanation(self):
        return self.text


def unpurified(term, cvc5):
    """The lemma with each purification skolem (`@purify_N`, cvc5's name for a term it took out of
    its context) replaced by that term, which our atoms can name; other skolems stay (and the lemmas
    over them are dropped)."""
    found, todo, seen = {}, [term], set()
    while todo:
        t = todo.pop()
        if t.getId() in seen:
            continue
        seen.add(t.getId())
        if t.isSkolem():
            if t.getSkolemId() == cvc5.SkolemId.PURIFY and t.getSkolemIndices():
                found[t.getId()] = (t, t.getSkolemIndices()[0])
                todo.append(t.getSkolemIndices()[0])
            continue
        todo.extend(t)
    skolems, terms = (list(x) for x in zip(*found.values())) if found else ([], [])
    for _ in range(len(found)):  # an index may itself hold purification skolems
        before, term = term, term.substitute(skolems, terms)
        if before == term:
            break
    return term


def clause(term, kind):
    """A lemma's conclusion as literals: (or l1 ...), a single literal, or (not (and ...))."""
    if term.getKind() == kind.OR:
        return [literal(t, kind) for t in term]
    if term.getKind() == kind.NOT and term[0].getKind() == kind.AND:
        return [(text, not positive) for text, positive in (literal(t, kind) for t in term[0])]
    return [literal(term, kind)]


def literal(term, kind):
    positive = True
    while term.getKind() == kind.NOT:
        term, positive = term[0], not positive
    return str(term), positive


def model(solver, declared, kind):
    """define-fun lines for the declared symbols, after declare-const lines naming the values of
    uninterpreted sorts they use (cvc5 writes those `(as @U_0 U)`; the kernel wants `@U_0` declared)."""
    abstract, lines = {}, []

    def plain(text):  # (as NAME SORT) -> NAME, remembering the declaration it needs
        for name, sort in _AS.findall(text):
            abstract.setdefault(name, sort)
        return _AS.sub(lambda m: m.group(1), text)

    for term in declared:
        value, sort = solver.getValue(term), term.getSort()
        if value.getKind() == kind.LAMBDA:
            params = " ".join(f"({p} {p.getSort()})" for p in value[0])
            result = sort.getFunctionCodomainSort()
            lines.append(f"(define-fun {term} ({params}) {result} {plain(str(value[1]))})")
        else:
            lines.append(f"(define-fun {term} () {sort} {plain(constant(value))})")
    return [f"(declare-const {name} {sort})" for name, sort in abstract.items()] + lines


def constant(value):
    """A value in the kernel's model syntax: `5`, `(- 5)`, `(/ 1 3)`, `"..."`, `true`, a symbol."""
    sort = value.getSort()
    if sort.isBoolean():
        return "true" if value.getBooleanValue() else "false"
    if sort.isInteger() or sort.isReal():
        q = value.getRealValue() if sort.isReal() else value.getIntegerValue()
        text = str(abs(q.numerator)) if getattr(q, "denominator", 1) == 1 else \
            f"(/ {abs(q.numerator)} {q.denominator})"
        return f"(- {text})" if q < 0 else text
    if sort.isString():
        return string_literal(value.getStringValue())
    return str(value)  # an uninterpreted sort's value: (as @U_0 U)

