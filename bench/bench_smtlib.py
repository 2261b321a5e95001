"""proofgate's SMT side on real SMT-LIB files: how many are inside the subset, how many are answered
with a certificate both kernels verify, and every wrong answer and producer bug (issue 21's measure).

    python bench/bench_smtlib.py FOLDER_OR_FILE ... [--via auto|native|cvc5|both] [--timeout 20]
        [--jobs 1] [--logics QF_UF,QF_LIA] [--json OUT] [--limit N] [--max-memory 4096]

Selection (folders are searched recursively for *.smt2): the quantifier-free logics of LOGIC_GROUPS
(by the file's set-logic), one query each, with a known expected status: a `; EXPECT: sat|unsat`
comment (cvc5's regressions) or else `(set-info :status sat|unsat)`.  Files with push, pop, reset or
more than one check-sat / check-sat-assuming are "incremental": counted on a line of their own, not
run; files whose status is unknown, missing or contradictory, or with no query, likewise.

Each file is run as a user would: `proofgate smt prove FILE -o CERT --via V --timeout T`, then
`proofgate check FILE CERT --kernel c` and `--kernel python`, each in a subprocess (its own process
group, killed past the limit).  --timeout bounds prove plus both checks of one producer's attempt;
prove's own --timeout is 90% of it, so that a producer that honours its limit stops before it is
killed (the report says which did).  With --via both, cvc5 is tried (with a budget of its own) only
when native gives no answer (a time limit, or the producer gave up); --via auto is one prove command
that does the same within the one budget (native first, within its share of the time), and says which
producer answered ('c answered by ...': the table's last column counts cvc5's).  --max-memory caps each
subprocess's address space (0: no cap).

A file is outside the subset when prove refuses to read it (exit 2; with --via cvc5 the importer
reports the kernel's refusal as exit 4): the refusal is normalised to the construct it names
('unsupported: str.len', 'unsupported sort: (_ BitVec ...)') so that reasons can be counted.  A
refusal whose message does not say 'unsupported' (a reserved name declared, an unknown symbol) is
outside the subset too, and marked [bad input] in the list of reasons.

Outcomes: verified (both kernels verify, the answer is the expected one), wrong (an answer that
contradicts the expected status: must never happen), producer bug (prove exit 3 or a crash, a
certificate a kernel rejects or cannot read, or the two kernels disagreeing), timeout, no answer
(the producer gave up, or ran out of memory), refused.  Figures only: nothing here asserts.
"""
import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

LOGIC_GROUPS = {  # the table rows: group name -> logics
    "QF_UF": ("QF_UF",),
    "QF_LRA+QF_UFLRA+QF_RDL": ("QF_LRA", "QF_UFLRA", "QF_RDL"),
    "QF_LIA+QF_UFLIA+QF_IDL": ("QF_LIA", "QF_UFLIA", "QF_IDL"),
    "QF_BV+QF_UFBV+QF_ABV": ("QF_BV", "QF_UFBV", "QF_ABV"),
    "QF_S+QF_SLIA": ("QF_S", "QF_SLIA"),
    "QF_AX+QF_ALIA+QF_AUFLIA": ("QF_AX", "QF_ALIA", "QF_AUFLIA"),
}
GROUP_OF = {logic: group for group, logics in LOGIC_GROUPS.items() for logic in logics}
KERNELS = ("c", "python")
EXIT_VERIFIED, EXIT_REJECTED, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_LIMIT = 0, 1, 2, 3, 4
OUTCOMES = ("verified", "wrong", "producer bug", "timeout", "no answer", "refused")
TOP_REASONS = 25
PROVE_SHARE = 0.9  # prove's own --timeout, of the budget: its limit should stop it before the bench kills it

# a rough SMT-LIB lexer, enough to find the commands: strings, quoted symbols, comments, parentheses, atoms
_TOKEN = re.compile(rb'"(?:[^"]|"")*"|\|[^|]*\||;[^\n]*|[()]|[^\s()";|]+')
_EXPECT = re.compile(rb"^;\s*EXPECT:\s*(\S+)\s*$", re.M)
_COMMAND_LINE = re.compile(rb"^;\s*COMMAND-LINE:[ \t]*(.*?)\s*$", re.M)
_SET_LOGIC = re.compile(rb"\(\s*set-logic\s+([^\s()]+)\s*\)")
_INCREMENTAL = {b"push", b"pop", b"reset", b"reset-assertions"}
_QUERIES = {b"check-sat", b"check-sat-assuming"}


# ---- selection -------------------------------------------------------------------------------
@dataclass
class Survey:
    """What a file says about itself, read without proofgate."""
    path: str
    logic: str = ""
    queries: int = 0
    incremental: bool = False  # push/pop/reset, or more than one query
    expected: str = ""  # sat, unsat, unknown, conflicting, or "" (none given)
    command_line: list = field(default_factory=list)  # cvc5's `; COMMAND-LINE:` options, for the record

    @property
    def left_out(self):
        """Why the file is not run, or "" (it is)."""
        if self.logic not in GROUP_OF:
            return "other logic"
        if self.incremental or self.queries > 1:
            return "incremental"
        if self.queries == 0:
            return "no query"
        return {"sat": "", "unsat": "", "unknown": "status unknown", "": "no status"}.get(self.expected,
                                                                                            "conflicting status")


def survey(path):
    data = Path(path).read_bytes()
    found = _SET_LOGIC.search(data)
    s = Survey(str(path), found.group(1).decode("utf-8", "replace") if found else "")
    if s.logic not in GROUP_OF:  # the quick look is enough to leave it out
        return s
    depth, head, tokens, statuses = 0, False, iter(_TOKEN.findall(data)), []
    for token in tokens:
        if token[:1] == b";":
            continue
        if token == b"(":
            head, depth = depth == 0, depth + 1
            continue
        if token == b")":
            depth -= 1
        elif head:  # a command's name
            if token in _QUERIES:
                s.queries += 1
            elif token in _INCREMENTAL:
                s.incremental = True
            elif token == b"set-info" and next(tokens, b"") == b":status":
                statuses.append(next(tokens, b"").decode("utf-8", "replace"))
        head = False
    expects = [e.decode() for e in _EXPECT.findall(data) if e in (b"sat", b"unsat", b"unknown")]
    given = set(expects or statuses)  # cvc5's harness checks the EXPECT lines
    s.expected = given.pop() if len(given) == 1 else "" if not given else "conflicting"
    s.command_line = [c.decode("utf-8", "replace") for c in _COMMAND_LINE.findall(data)]
    return s


def smt2_files(paths):
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*.smt2") if q.is_file())
        else:
            yield p


def select(paths, logics=None):
    """(surveys to run, Counter of (reason, group) left out), files in path order."""
    chosen, left_out = [], collections.Counter()
    for path in smt2_files(paths):
        s = survey(path)
        if logics and s.logic not in logics:
            continue
        why = s.left_out
        if why:
            left_out[why, GROUP_OF.get(s.logic, "")] += 1
        else:
            chosen.append(s)
    return chosen, left_out


# ---- refusal reasons -------------------------------------------------------------------------
_WHERE = re.compile(r"(?:line (\d+), column (\d+)|byte offset (\d+)): ")
_IN_DEFINE_FUN = re.compile(r"^in the body of define-fun (?:\|[^|]*\||\S+): ")
_THEORY_NAME = re.compile(r"^(?:str|re|seq|set|bag|fp|int|bv)[.a-z]|^bv[a-z]")


def refusal(message, path, data):
    """The construct a refusal names, normalised for counting (no positions, no user names)."""
    where = next(reversed(list(_WHERE.finditer(message))), None)  # the last position named
    if where:
        text = message[where.end():]
    else:  # no position: "proofgate: bad input: PATH: REASON", or the importer's "...: REASON"
        text = message.split(f"{path}: ", 1)[-1]
        text = re.sub(r"^proofgate: (?:bad input|no answer): (?:the kernel cannot read the problem: )?", "", text)
    inside_define_fun = bool(_IN_DEFINE_FUN.match(text))
    text = _IN_DEFINE_FUN.sub("", text)
    offset = None
    if where and not inside_define_fun:
        offset = int(where.group(3)) if where.group(3) else _offset(data, int(where.group(1)), int(where.group(2)))
    return _normalise(text, data, offset)


def _offset(data, line, column):
    start = 0
    for _ in range(line - 1):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return None
    return start + column - 1


def _tokens_at(data, offset, count=2):
    if offset is None or not 0 <= offset < len(data):
        return []
    out = []
    for token in _TOKEN.finditer(data, offset):
        if token.group()[:1] != b";":
            out.append(token.group().decode("utf-8", "replace"))
            if len(out) == count:
                break
    return out


def _normalise(text, data, offset):
    text = text.strip()
    indexed = text in ("unsupported sort: (_ ...)", "unsupported: '_'", "unsupported: 'as'") or \
        text.startswith("unsupported: indexed or qualified identifiers")
    if indexed:  # the position is the '_' (or 'as'); the name after it is the construct
        at = _tokens_at(data, offset)
        if len(at) == 2 and at[0] in ("_", "as"):
            name = re.sub(r"^bv\d+$", "bvN", at[1])
            return f"unsupported{' sort' if 'sort' in text else ''}: ({at[0]} {name} ...)"
    text = re.sub(r"'([^' ]+)'$", r"\1", text)  # unsupported: 'check-sat-assuming'
    text = _drop_hint(text)
    if text.startswith("unsupported: ite over ") and text[22:] not in ("Int", "Real", "String", "RegLan"):
        return "unsupported: ite over a declared sort"
    reserved = re.match(r"^(.*) is reserved or predefined in SMT-LIB", text)
    if reserved:
        name = reserved.group(1)
        return "declares a reserved name " + ("(starting with . or @)" if name[:1] in ".@" else name)
    unknown = re.match(r"^unknown symbol (.*)$", text)
    if unknown:
        name = unknown.group(1)
        return f"unknown symbol {name}" if _THEORY_NAME.match(name) else \
            "unknown symbol -N (a negative numeral)" if re.fullmatch(r"-\d+(\.\d+)?", name) else \
            "unknown symbol (undeclared)"
    if re.match(r"^parameter .* given twice$", text):
        return "parameter given twice"
    return re.sub(r": '.*'$", "", text)  # not a numeral or decimal: '5/0'


def _drop_hint(text):
    """'unsupported: re.* (only globs: ...)' -> 'unsupported: re.*'; '(Array ...)' after a colon stays."""
    if not text.endswith(")"):
        return text
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            before = text[:i]
            return before.rstrip() if before.endswith(" ") and not before.rstrip().endswith(":") else text
    return text


# ---- one file --------------------------------------------------------------------------------
def _proofgate():
    beside = Path(sys.executable).parent / "proofgate"
    return str(beside) if beside.exists() else shutil.which("proofgate") or "proofgate"


_LIMITED = "import os, resource, sys; n = int(sys.argv[1]) << 20; " \
           "resource.setrlimit(resource.RLIMIT_AS, (n, n)); os.execv(sys.argv[2], sys.argv[2:])"


def _run(argv, deadline, max_memory):
    """(exit code or None when killed at the deadline, stdout, stderr, seconds)."""
    if max_memory:
        argv = [sys.executable, "-c", _LIMITED, str(max_memory), *argv]
    start = time.monotonic()
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)  # its own process group: killed with its children
    try:
        out, err = child.communicate(timeout=max(0.0, deadline - time.monotonic()))
        code = child.returncode
    except subprocess.TimeoutExpired:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = child.communicate()
        code = None
    return code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), time.monotonic() - start


def _message(stderr):
    """The last 'proofgate: ...' line (the reason), else the last line."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    said = [line for line in lines if line.startswith("proofgate: ")]
    return (said or lines or [""])[-1][:2000]


def _claimed(cert):
    """The answer line of a certificate (kept as .rejected by prove), or None."""
    for name in (cert, f"{cert}.rejected"):
        try:
            with open(name, "rb") as f:
                head = f.read(4096).split(b"\n")
        except OSError:
            continue
        for line in head[:3]:
            if line.strip() in (b"sat", b"unsat"):
                return line.strip().decode()
    return None


def _unreadable(message, path):
    """The cvc5 importer's exit 4 when the kernel refuses to read the problem itself (not the certificate)."""
    return "the kernel cannot read the problem: " in message or \
        "the kernel rejects the sat certificate made from cvc5's answer" in message and f"): {path}: " in message


def attempt(s, via, timeout, scratch, max_memory):
    """One producer on one file: prove, then both kernels on the certificate.  A dict."""
    deadline = time.monotonic() + timeout
    cert = os.path.join(scratch, f"{via}.cert")
    a = {"via": via, "answered_by": None, "outcome": None, "answer": None, "claimed": None, "message": "",
         "prove_exit": None,
         "verified": {k: None for k in KERNELS}, "kernel_exits": {}, "kernel_reasons": {}, "seconds": {}}
    code, out, err, a["seconds"]["prove"] = _run(
        [_proofgate(), "smt", "prove", s.path, "-o", cert, "--via", via,
         "--timeout", f"{max(0.1, timeout * PROVE_SHARE):.3g}"], deadline, max_memory)
    a["prove_exit"], a["message"], a["claimed"] = code, _message(err), _claimed(cert)
    said = a["message"]
    last = said.rsplit("; cvc5: ", 1)[-1]  # --via auto: the last producer's reason decides the outcome
    by = re.search(r"^c answered by (\S+)$", out, re.M)
    a["answered_by"] = by.group(1) if by else via if code == 0 and via != "auto" else None
    if code is None:
        a["outcome"], a["killed"] = "timeout", "prove"
    elif code == EXIT_BAD_INPUT or code == EXIT_LIMIT and _unreadable(said, s.path):
        a["outcome"], a["refusal"] = "refused", refusal(said, s.path, Path(s.path).read_bytes())
        a["refusal_kind"] = "unsupported" if "unsupported" in said else "bad input"
    elif "MemoryError" in said or "bad_alloc" in said:
        a["outcome"] = "no answer"
    elif code == EXIT_LIMIT:
        a["outcome"] = "producer bug" if "kernel rejects" in said or "a producer bug" in said else \
            "timeout" if any(w in last for w in ("time limit", "TIMEOUT", "safety net")) else "no answer"
    elif code != 0:
        a["outcome"] = "producer bug"  # exit 3 (the kernel rejects what native wrote, or a crash), or a signal
    else:
        a["answer"] = {"s UNSATISFIABLE": "unsat", "s SATISFIABLE": "sat"}.get(out.strip().splitlines()[-1:][0]
                                                                               if out.strip() else "")
        a["certificate_bytes"] = os.path.getsize(cert) if os.path.exists(cert) else None
        a["outcome"] = _checked(a, s, cert, deadline, max_memory) if a["answer"] else "producer bug"
    if a["outcome"] != "refused" and (a["answer"] or a["claimed"]) and (a["answer"] or a["claimed"]) != s.expected:
        a["contradicts"] = True  # an answer (or a rejected certificate's claim) against the expected status
        if a["answer"]:
            a["outcome"] = "wrong"
    return a


def _checked(a, s, cert, deadline, max_memory):
    for kernel in KERNELS:
        code, out, err, a["seconds"][f"check {kernel}"] = _run(
            [_proofgate(), "check", s.path, cert, "--kernel", kernel], deadline, max_memory)
        a["kernel_exits"][kernel] = code
        if code is None:
            a["killed"] = f"check {kernel}"
            return "timeout"
        a["verified"][kernel] = code == EXIT_VERIFIED
        if code != EXIT_VERIFIED:
            reasons = [line[len("c reason: "):] for line in out.splitlines() if line.startswith("c reason: ")]
            a["kernel_reasons"][kernel] = f"exit {code}: {(reasons or [_message(err)])[-1]}"
    return "verified" if all(a["verified"].values()) else "producer bug"


def run_file(s, via="native", timeout=20.0, max_memory=4096):
    """The record of one selected file (a dict, JSON-ready)."""
    start = time.monotonic()
    record = {"path": s.path, "logic": s.logic, "group": GROUP_OF[s.logic], "expected": s.expected,
              "command_line": s.command_line, "attempts": []}
    with tempfile.TemporaryDirectory(prefix="bench-smtlib-") as scratch:
        for producer in (("native", "cvc5") if via == "both" else (via,)):
            a = attempt(s, producer, timeout, scratch, max_memory)
            record["attempts"].append(a)
            if a["outcome"] not in ("timeout", "no answer"):
                break
    last = record["attempts"][-1]
    record.update(
        via=last["via"], outcome=last["outcome"], inside=last["outcome"] != "refused",
        refusal=last.get("refusal"), refusal_kind=last.get("refusal_kind"), answer=last["answer"],
        answered_by=last.get("answered_by"),
        verified=last["verified"], verified_both=all(last["verified"].values()),
        right=None if last["answer"] is None else last["answer"] == s.expected,
        seconds=round(time.monotonic() - start, 3))
    record["kind"] = _bug_kind(last, s.expected) if record["outcome"] in ("wrong", "producer bug") else None
    return record


def _bug_kind(a, expected):
    """One line for the lead: what went wrong."""
    claim = a["answer"] or a["claimed"]
    against = f" (expected {expected})" if a.get("contradicts") else ""
    verdicts = {k: v for k, v in a["verified"].items() if v is not None}
    if a["outcome"] == "wrong":
        which = [k for k, v in verdicts.items() if v]
        return (f"WRONG ANSWER {claim}{against}, certificate VERIFIED by the {' and '.join(which)} kernel"
                if which else f"wrong answer {claim}{against}, certificate rejected by the kernels: "
                              f"{a['kernel_reasons']}")
    if a["answer"]:
        if any(verdicts.values()):
            return f"kernels disagree on a {claim} certificate: {verdicts}; reasons {a['kernel_reasons']}"
        return f"{claim} certificate rejected: {a['kernel_reasons']}"
    exit_code = a["prove_exit"]
    how = f"prove exit {exit_code}" if exit_code is None or exit_code >= 0 else f"prove killed by signal {-exit_code}"
    return f"{how}, claimed {claim or 'nothing'}{against}: {a['message']}"


# ---- a whole run -----------------------------------------------------------------------------
@dataclass
class Bench:
    records: list
    left_out: collections.Counter
    seconds: float
    options: dict

    def to_dict(self):
        return {"options": self.options, "seconds": round(self.seconds, 1),
                "left_out": [{"reason": r, "group": g, "files": n} for (r, g), n in sorted(self.left_out.items())],
                "records": self.records}

    @classmethod
    def from_dict(cls, d):
        left_out = collections.Counter({(e["reason"], e["group"]): e["files"] for e in d["left_out"]})
        return cls(d["records"], left_out, d["seconds"], d["options"])


def run_bench(paths, via="native", timeout=20.0, jobs=1, logics=None, limit=None, max_memory=4096,
              progress=None):
    """Select, run every selected file (in `jobs` parallel subprocesses), and return a Bench."""
    start = time.monotonic()
    chosen, left_out = select(paths, logics)
    chosen = chosen[:limit] if limit else chosen
    records = [None] * len(chosen)

    def one(i):
        records[i] = run_file(chosen[i], via, timeout, max_memory)
        if progress:
            progress(i, len(chosen), records[i])

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(one, range(len(chosen))))
    options = {"paths": list(map(str, paths)), "via": via, "timeout": timeout, "jobs": jobs,
               "logics": sorted(logics) if logics else None, "limit": limit, "max_memory": max_memory}
    return Bench(records, left_out, round(time.monotonic() - start, 1), options)  # as to_dict keeps it


def table(records):
    """Rows per group in LOGIC_GROUPS order (groups with files), then 'all': dicts of counts."""
    rows = []
    for group in [*LOGIC_GROUPS, "all"]:
        mine = [r for r in records if group in ("all", r["group"])]
        if not mine and group != "all":
            continue
        count = collections.Counter(r["outcome"] for r in mine)
        rows.append({"group": group, "files": len(mine), "inside": sum(r["inside"] for r in mine),
                     "verified": count["verified"],
                     "sat": sum(r["outcome"] == "verified" and r["answer"] == "sat" for r in mine),
                     "unsat": sum(r["outcome"] == "verified" and r["answer"] == "unsat" for r in mine),
                     "wrong": count["wrong"], "producer bugs": count["producer bug"],
                     "timeouts": count["timeout"], "no answer": count["no answer"],
                     "by cvc5": sum(r["outcome"] == "verified" and r["attempts"][0]["via"] != "cvc5" and
                                    (r.get("answered_by") or r["via"]) == "cvc5" for r in mine)})
    return rows


def _percent(n, d):
    return f"{100 * n / d:.1f}%" if d else "-"


def render_table(rows, show_cvc5=False):
    head = ["logic", "files", "inside the subset", "answered with a verified certificate (sat/unsat)",
            "wrong answers", "producer bugs", "timeouts", "no answer"]
    if show_cvc5:
        head.append("of those, by cvc5 after native")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        whole = r["group"] == "all"
        inside = f"{r['inside']}" + (f" ({_percent(r['inside'], r['files'])})" if whole else "")
        answered = f"{r['verified']} ({r['sat']}/{r['unsat']})" + (
            f", {_percent(r['verified'], r['files'])} of files, {_percent(r['verified'], r['inside'])} of inside"
            if whole else "")
        cells = [r["group"], str(r["files"]), inside, answered, str(r["wrong"]), str(r["producer bugs"]),
                 str(r["timeouts"]), str(r["no answer"])] + ([str(r["by cvc5"])] if show_cvc5 else [])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def reasons(records):
    """Counter of refusal reasons ('[bad input]' marks those that do not say 'unsupported')."""
    return collections.Counter(r["refusal"] + (" [bad input]" if r["refusal_kind"] == "bad input" else "")
                               for r in records if r["outcome"] == "refused")


def _no_answer(record):
    """The last producer's reason for giving up, without names."""
    last = record["attempts"][-1]
    said = re.sub(r"^proofgate: (?:no answer|internal error): ", "", last["message"])
    said = re.sub(r"applications of .*? to equal", "applications of a function to equal", said)
    if "; cvc5: " in said:  # --via auto: the last producer's reason (native's is in the record)
        return f"{last['via']}, cvc5 last: {said.rsplit('; cvc5: ', 1)[1][:160]}"
    return f"{last['via']}: {said[:160]}"


def report(bench):
    """The whole printout: table, files left out, refusal reasons, bugs by logic, wall time."""
    rows, out = table(bench.records), []
    out.append(render_table(rows, show_cvc5=bench.options.get("via") in ("both", "auto")))
    left = collections.defaultdict(collections.Counter)
    for (why, group), n in bench.left_out.items():
        if why != "other logic":
            left[why][group] += n
    for why in ("incremental", "status unknown", "no status", "conflicting status", "no query"):
        if left[why]:
            parts = ", ".join(f"{g} {n}" for g, n in sorted(left[why].items(),
                                                              key=lambda gn: list(LOGIC_GROUPS).index(gn[0])))
            out.append(f"left out, {why}: {sum(left[why].values())} ({parts})")
    counted = reasons(bench.records)
    out.append(f"\ntop {TOP_REASONS} refusal reasons ({sum(counted.values())} files refused, "
               f"{len(counted)} distinct reasons):")
    out += [f"{n:6d}  {why}" for why, n in counted.most_common(TOP_REASONS)]
    gave_up = collections.Counter(_no_answer(r) for r in bench.records if r["outcome"] == "no answer")
    if gave_up:
        out.append(f"\nno answer, by the producer's reason ({sum(gave_up.values())} files):")
        out += [f"{n:6d}  {why}" for why, n in gave_up.most_common()]
    timeouts = [r for r in bench.records if r["outcome"] == "timeout"]
    if timeouts:
        killed = collections.Counter(r["attempts"][-1].get("killed") or "prove exit 4" for r in timeouts)
        out.append(f"\ntimeouts: {len(timeouts)} ("
                   + ", ".join(f"{n} {'stopped by its own --timeout' if how == 'prove exit 4' else 'killed in ' + how}"
                               for how, n in sorted(killed.items())) + ")")
    bugs = [r for r in bench.records if r["outcome"] in ("wrong", "producer bug")]
    out.append(f"\nwrong answers and producer bugs: {len(bugs)}")
    for logic in sorted({r["logic"] for r in bugs}):
        out.append(f"  {logic}:")
        out += [f"    {r['path']}: {r['outcome']}: {r['kind']}" for r in bugs if r["logic"] == logic]
    out.append(f"\nwall time {bench.seconds:.0f} s for {len(bench.records)} files "
               f"(--via {bench.options['via']}, --timeout {bench.options['timeout']:g}, "
               f"--jobs {bench.options['jobs']})")
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("paths", nargs="*", help="SMT-LIB files or folders (searched recursively for *.smt2)")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds for prove + both checks of a file")
    p.add_argument("--via", choices=("auto", "native", "cvc5", "both"), default="native")
    p.add_argument("--jobs", type=int, default=1, help="files at once (default 1: the machine is shared)")
    p.add_argument("--logics", help="comma-separated logics to keep (e.g. QF_UF,QF_LIA)")
    p.add_argument("--json", dest="json_out", metavar="OUT", help="write the per-file records here")
    p.add_argument("--limit", type=int, help="run only the first N selected files")
    p.add_argument("--max-memory", type=int, default=4096, metavar="MB", help="address space per subprocess (0: none)")
    p.add_argument("--quiet", action="store_true", help="no per-file progress on stderr")
    p.add_argument("--show", metavar="JSON", help="print the report of an earlier run's --json file (runs nothing)")
    args = p.parse_args(argv)
    if args.show:
        print(report(Bench.from_dict(json.loads(Path(args.show).read_text()))))
        return
    if not args.paths:
        p.error("give SMT-LIB files or folders (or --show JSON)")
    logics = {name for part in args.logics.split(",") for name in part.split("+") if name} if args.logics else None
    if logics and not logics <= set(GROUP_OF):
        p.error(f"--logics: not among the selected logics: {', '.join(sorted(logics - set(GROUP_OF)))}")

    def progress(i, n, r):
        print(f"[{i + 1}/{n}] {r['outcome']:12} {r['seconds']:7.2f} s  {r['path']}"
              + (f"  {r['refusal']}" if r["refusal"] else f"  {r['kind']}" if r["kind"] else ""),
              file=sys.stderr, flush=True)

    bench = run_bench(args.paths, args.via, args.timeout, args.jobs, logics, args.limit, args.max_memory,
                      None if args.quiet else progress)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(bench.to_dict(), indent=1))
    print(report(bench))


if __name__ == "__main__":
    main()
