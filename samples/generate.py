"""Recreate every file under samples/ (deterministically).

    python samples/generate.py

Valid proofs come from CaDiCaL 1.9.5 through evidence/solvers/_compat.py; the RAT
proofs and every invalid or malformed file are built here by hand, as edits
of those proofs.  Each edit asserts the text it changes, so a solver that
answers differently makes this script fail instead of writing a sample that
no longer shows what its name says.  samples/expected.tsv lists every pair
with the answer a correct checker must give (format: evidence/checking/samples.py).
It replaces lrat/, sat/ and invalid/ wholesale: edit this script, not them.
"""

from __future__ import annotations

import gzip
import lzma
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pysat.solvers import Solver  # noqa: E402

from bench.families import (  # noqa: E402
    mutilated_chessboard,
    parity,
    pigeonhole,
    random_ksat,
    write_dimacs,
)
from evidence.solvers import drat  # noqa: E402
from evidence.solvers._compat import solve_with_drat, solve_with_lrat  # noqa: E402

LRAT, SAT, INVALID, MALFORMED = HERE / "lrat", HERE / "sat", HERE / "invalid", HERE / "invalid" / "malformed"
DRAT = HERE / "drat"
MANIFEST: list[dict] = []


def expect(formula: Path, proof: Path, verdict: str, reason: str | None, note: str) -> None:
    MANIFEST.append({
        "formula": formula.relative_to(HERE).as_posix(),
        "proof": proof.relative_to(HERE).as_posix(),
        "expect": verdict,  # VERIFIED | NOT VERIFIED | BAD INPUT (malformed: exit code 2)
        "reason": reason,  # the kernel's outcome code (checker/verdict.py)
        "note": note,
    })


def lrat_text(steps) -> str:
    """steps: ("a", id, lits, hints) or ("d", id, ids)."""
    out = []
    for s in steps:
        if s[0] == "a":
            out.append(" ".join(map(str, [s[1], *s[2], 0, *s[3], 0])))
        else:
            out.append(" ".join(map(str, [s[1], "d", *s[2], 0])))
    return "\n".join(out) + "\n"


def parse_lrat(text: str):
    steps = []
    for line in text.splitlines():
        t = line.split()
        if t[1] == "d":
            steps.append(("d", int(t[0]), [int(x) for x in t[2:-1]]))
        else:
            nums = [int(x) for x in t]
            z = nums.index(0, 1)
            steps.append(("a", nums[0], nums[1:z], nums[z + 1:-1]))
    return steps


def dimacs_text(nvars, clauses, comment=None) -> str:
    head = [f"c {comment}"] if comment else []
    return "\n".join(head + [f"p cnf {nvars} {len(clauses)}"] + [" ".join(map(str, c + [0])) for c in clauses]) + "\n"


# --- valid proofs from CaDiCaL -----------------------------------------------

INSTANCES = {
    "php-3": (pigeonhole(3), "pigeonhole: 4 pigeons, 3 holes"),
    "php-4": (pigeonhole(4), "pigeonhole: 5 pigeons, 4 holes"),
    "php-5": (pigeonhole(5), "pigeonhole: 6 pigeons, 5 holes"),
    "rnd3-40": (random_ksat(40, 200, k=3, seed=0), "random 3-SAT, 40 variables, 200 clauses (ratio 5), seed 0"),
    "parity-16": (parity(16, seed=0), "Tseitin parity on a random 3-regular graph, 16 vertices, seed 0"),
    "chessboard-6": (mutilated_chessboard(6), "mutilated chessboard 6x6: dominoes, two opposite corners removed"),
}


def make_cadical_samples() -> dict[str, str]:
    proofs = {}
    for name, ((nvars, clauses), what) in INSTANCES.items():
        cnf = LRAT / f"{name}.cnf"
        write_dimacs(cnf, nvars, clauses, comment=f"{what} (unsat); samples/generate.py")
        assert solve_with_lrat(nvars, clauses, LRAT / f"{name}.lrat") is None, name
        proofs[name] = (LRAT / f"{name}.lrat").read_text()
        expect(cnf, LRAT / f"{name}.lrat", "VERIFIED", "ok", f"{what}; text LRAT from CaDiCaL 1.9.5")
    for name in ("php-4", "rnd3-40"):
        (nvars, clauses), _ = INSTANCES[name]
        assert solve_with_lrat(nvars, clauses, LRAT / f"{name}.blrat", binary=True) is None
        expect(LRAT / f"{name}.cnf", LRAT / f"{name}.blrat", "VERIFIED", "ok", "binary LRAT from CaDiCaL 1.9.5")
    # Compressed copies (gzip without timestamp or name; xz is reproducible as is).
    for src in (LRAT / "php-4.cnf", LRAT / "php-4.lrat"):
        with open(src.with_name(src.name + ".gz"), "wb") as raw, \
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(src.read_bytes())
    expect(LRAT / "php-4.cnf.gz", LRAT / "php-4.lrat.gz", "VERIFIED", "ok", "gzip copies of php-4")
    (LRAT / "chessboard-6.lrat.xz").write_bytes(lzma.compress((LRAT / "chessboard-6.lrat").read_bytes()))
    expect(LRAT / "chessboard-6.cnf", LRAT / "chessboard-6.lrat.xz", "VERIFIED", "ok", "xz copy of the proof")
    return proofs


# --- DRAT proofs, elaborated by the engine, then checked by the kernel ----------

def make_drat_samples():
    for name, solver, binary in (("php-4", "cadical195", False), ("php-4", "glucose4", False),
                                 ("chessboard-6", "lingeling", False), ("rnd3-40", "cadical195", True)):
        (nvars, clauses), what = INSTANCES[name]
        proof = DRAT / f"{name}-{solver}.{'bdrat' if binary else 'drat'}"
        assert solve_with_drat(nvars, clauses, proof, solver=solver, binary=binary) is None
        expect(LRAT / f"{name}.cnf", proof, "VERIFIED", "ok",
               f"{what}; {'binary' if binary else 'text'} DRAT from {solver}, elaborated to LRAT, then checked")
    # Broken versions of php-4's trimmed proof (every lemma needed), each checked to fail here.
    cnf, trimmed = LRAT / "php-4.cnf", DRAT / "trimmed.tmp"
    assert drat.elaborate(str(cnf), str(DRAT / "php-4-cadical195.drat"), trimmed=str(trimmed)).status == "elaborated"
    lemmas = trimmed.read_text().splitlines()
    trimmed.unlink()
    flipped = DRAT / "php-4-flipped-literal.drat"
    for index, line in enumerate(lemmas):  # the first lemma whose first literal, flipped, breaks the proof
        tokens = line.split()
        if tokens[0] == "d" or tokens == ["0"]:
            continue
        flipped.write_text("\n".join(lemmas[:index] + [" ".join([str(-int(tokens[0]))] + tokens[1:])]
                                     + lemmas[index + 1:]) + "\n")
        done = drat.elaborate(str(cnf), str(flipped))
        if done.status == "rejected":
            break
    assert done.status == "rejected"
    expect(cnf, flipped, "NOT VERIFIED", done.code, f"php-4's trimmed DRAT proof with lemma {index + 1}'s first "
           "literal flipped")
    empty = DRAT / "php-4-only-empty-clause.drat"
    empty.write_text("0\n")
    done = drat.elaborate(str(cnf), str(empty))
    assert done.status == "rejected"
    expect(cnf, empty, "NOT VERIFIED", done.code, "a DRAT 'proof' that only claims the empty clause")
    truncated = DRAT / "php-4-truncated.drat"
    head = (DRAT / "php-4-cadical195.drat").read_bytes()[:150]
    truncated.write_bytes(head[:head.rindex(b" ")])  # ends after a whole literal, before the lemma's 0
    done = drat.elaborate(str(cnf), str(truncated))
    assert (done.status, done.code) == ("malformed", "eof"), done
    expect(cnf, truncated, "BAD INPUT", "eof", "php-4's DRAT proof cut in the middle of a lemma")


# --- hand-written RAT proof ----------------------------------------------------
#
# Formula: all 16 clauses of width 4 over variables 1..4 (unsat); clause ids
# 1..16 in the order of fid() below.  The proof introduces x = 5, beyond the
# header's 4 variables, as x <-> (1 and 2) by RAT, then refutes the formula
# through x.  Each step below is justified in the comment next to it.

X = 5


def full4_clauses():
    return [[-(i + 1) if m >> i & 1 else i + 1 for i in range(4)] for m in range(16)]


def fid(*lits):
    """Id of the full clause with these literals (bit i set = variable i+1 negative)."""
    assert sorted(map(abs, lits)) == [1, 2, 3, 4]
    return 1 + sum(1 << (abs(l) - 1) for l in lits if l < 0)


def rat_steps(variant: str | None = None):
    steps, ids = [], {}

    def add(name, lits, hints):
        ids[name] = 17 + sum(s[0] == "a" for s in steps)
        steps.append(("a", ids[name], lits, [ids[h] if isinstance(h, str) else h for h in hints]))

    def delete(*names):
        steps.append(("d", steps[-1][1], [ids[n] for n in names]))

    def neg(name):
        return -ids[name]

    # x or -1 or -2. Pivot x is fresh: no clause holds -x, so no groups.
    add("def", [X, -1, -2], [])
    # x or -2 or 3: RUP. Not x, 2, not 3; "def" gives not 1; then
    # (1 -2 3 4) gives 4 and (1 -2 3 -4) is falsified.
    add("side", [X, -2, 3], ["def", fid(1, -2, 3, 4), fid(1, -2, 3, -4)])
    # A clause holding x that is deleted again: it is no RAT candidate below.
    add("gone", [X, -1, -2, 3], ["def"])
    delete("gone")
    # -x or 1: RAT on -x.  Candidates (live, holding x): def, side.
    #   def:  its -1 is true under (x, not 1): tautology, no hints.
    #   side: falsify -2 and 3 (2, not 3): (1 -2 3 4) gives 4, (1 -2 3 -4) conflict.
    groups = {
        None: [neg("def"), neg("side"), fid(1, -2, 3, 4), fid(1, -2, 3, -4)],
        "missing": [neg("def")],  # the group for "side" is left out
        "order": [neg("side"), fid(1, -2, 3, 4), fid(1, -2, 3, -4), neg("def")],
        "noconflict": [neg("def"), neg("side"), fid(1, -2, 3, 4)],
        # a group for the deleted clause, which is no candidate any more
        "deleted": [neg("def"), neg("side"), fid(1, -2, 3, 4), fid(1, -2, 3, -4), neg("gone"), ids["def"]],
    }[variant]
    add("x->1", [-X, 1], groups)
    # -x or 2: RAT on -x; both candidates hold -2, true under (x, not 2).
    add("x->2", [-X, 2], [neg("def"), neg("side")])
    # With x: 1 and 2 follow, so the four clauses (-1 -2 +-3 +-4) give
    # -x or +-3 or +-4, then -x or 3, -x or -3, and -x.
    for s3 in (3, -3):
        for s4 in (4, -4):
            add(f"x{s3}{s4}", [-X, s3, s4], ["x->1", "x->2", fid(-1, -2, s3, s4)])
    add("x3", [-X, 3], ["x34", "x3-4"])
    add("x-3", [-X, -3], ["x-34", "x-3-4"])
    add("-x", [-X], ["x3", "x-3"])
    delete("x34", "x3-4", "x-34", "x-3-4", "x3", "x-3")
    # Without x, "def" says -1 or -2: with 1, 2 is false, and the four
    # clauses (-1 2 +-3 +-4) refute 1.
    for s3 in (3, -3):
        for s4 in (4, -4):
            add(f"1{s3}{s4}", [-1, s3, s4], ["-x", "def", fid(-1, 2, s3, s4)])
    add("13", [-1, 3], ["134", "13-4"])
    add("1-3", [-1, -3], ["1-34", "1-3-4"])
    add("-1", [-1], ["13", "1-3"])
    # The eight clauses with literal 1 then refute 2 and -2.
    for s2 in (2, -2):
        for s3 in (3, -3):
            add(f"{s2}{s3}", [s2, s3], ["-1", fid(1, s2, s3, 4), fid(1, s2, s3, -4)])
    add("2", [2], ["23", "2-3"])
    add("-2", [-2], ["-23", "-2-3"])
    add("empty", [], ["2", "-2"])
    return steps


def make_rat_samples():
    cnf = LRAT / "rat-extension.cnf"
    cnf.write_text(dimacs_text(4, full4_clauses(),
                               "all 16 clauses over 4 variables (unsat); proof: samples/generate.py"))
    (LRAT / "rat-extension.lrat").write_text(lrat_text(rat_steps()))
    expect(cnf, LRAT / "rat-extension.lrat", "VERIFIED", "ok",
           "hand-written: extension variable 5 (beyond the header) by RAT, tautological and "
           "non-tautological candidate groups, a deleted clause that is no candidate, then used")
    for variant, name, reason, why in [
        ("missing", "rat-missing-candidate", "rat-missing",
         "step 20 (RAT on -5) has a group for candidate 17 but none for candidate 18"),
        ("order", "rat-group-order", "rat-missing",
         "step 20 gives its RAT groups in the order 18, 17 instead of increasing ids "
         "(read in order, candidate 17 is skipped)"),
        ("deleted", "rat-deleted-candidate", "rat-candidate",
         "step 20 adds a RAT group for clause 19, which holds 5 but was deleted before step 20"),
        ("noconflict", "rat-no-conflict", "rat-no-conflict",
         "step 20: the hints of the group for candidate 18 stop before the conflict"),
    ]:
        (INVALID / f"{name}.cnf").write_text(cnf.read_text())
        (INVALID / f"{name}.lrat").write_text(f"c {name}: {why}\n" + lrat_text(rat_steps(variant)))
        expect(INVALID / f"{name}.cnf", INVALID / f"{name}.lrat", "NOT VERIFIED", reason, why)


# --- invalid proofs: edits of the php-3 proof ------------------------------------

PHP3_FIRST = [
    ("a", 23, [-11, -12], [22, 19, 13, 16, 1, 3, 6]),
    ("a", 24, [-7, -12], [21, 19, 6, 8, 1, 2, 11]),
    ("a", 25, [-12], [19, 21, 22, 24, 3, 12, 14, 1, 2, 5]),
]


def make_invalid(php3: str):
    steps = parse_lrat(php3)
    # The edits below are written against this proof; stop if it changed.
    assert steps[:3] == PHP3_FIRST and steps[-1] == ("a", 37, [], [35, 36, 9]), "php-3 proof changed"
    assert all(s[0] == "a" for s in steps) and [s[1] for s in steps] == list(range(23, 38))
    assert not any(22 in s[3] for s in steps[3:]), "clause 22 is used after step 25"
    formula = (LRAT / "php-3.cnf").read_text()

    def edited(name, new_steps, reason, why, cnf_text=formula, verdict="NOT VERIFIED"):
        (INVALID / f"{name}.cnf").write_text(cnf_text)
        (INVALID / f"{name}.lrat").write_text(f"c {name}: {why}\n" + lrat_text(new_steps))
        expect(INVALID / f"{name}.cnf", INVALID / f"{name}.lrat", verdict, reason, why)

    def replace(i, step):
        return steps[:i] + [step] + steps[i + 1:]

    edited("wrong-hint", replace(0, ("a", 23, [-11, -12], [1, 22, 19, 13, 16, 3, 6])), "hint-not-unit",
           "step 23 starts with hint 1 = (1 2 3), which has three unassigned literals")
    edited("deleted-hint", steps[:2] + [("d", 24, [22])] + steps[2:], "hint-dead",
           "clause 22 is deleted after step 24, and step 25 still uses it")
    edited("missing-hint", replace(0, ("a", 23, [-11, -12], [22, 19, 13, 16, 1, 6])), "no-conflict",
           "step 23 lacks hint 3 = (7 8 9): its hints stop without a conflict")
    edited("reused-id", replace(1, ("a", 23) + steps[1][2:]), "id-order",
           "the second step reuses id 23")
    backwards = [("a", s[1] + 77, s[2], [h + 77 if h > 22 else h for h in s[3]]) for s in steps]
    backwards[2] = ("a", 50, backwards[2][2], backwards[2][3])  # was 102, after 100 and 101
    backwards = [(k, i, l, [50 if h == 102 else h for h in hs]) for k, i, l, hs in backwards]
    edited("id-backwards", backwards, "id-order",
           "steps are numbered from 100 up, but the third one has id 50 (unused, yet lower)")
    edited("no-empty-clause", steps[:-1], "no-empty-clause",
           "a valid proof without its last step: the empty clause is never derived")
    assert steps[7] == ("a", 30, [-6], [28, 20])
    edited("hint-unknown", replace(7, ("a", 30, [-6], [99, 28, 20])), "hint-dead",
           "step 30 starts with hint 99, an id that is never defined")
    edited("delete-dead", steps[:3] + [("d", 25, [22]), ("d", 25, [22])] + steps[3:], "delete-dead",
           "clause 22 is deleted twice")
    # A satisfiable formula with php-3's counts, checked with php-3's proof.
    nvars, sat = random_ksat(12, 22, k=3, seed=1)
    with Solver(name="cadical195", bootstrap_with=sat) as s:
        assert s.solve()
    edited("wrong-formula", steps, "hint-not-unit",
           "this is the valid proof of php-3, paired with a satisfiable random 3-SAT formula of "
           "the same size (12 variables, 22 clauses)",
           cnf_text=dimacs_text(nvars, sat, "random 3-SAT, 12 variables, 22 clauses, seed 1: SATISFIABLE"))
    return steps


# --- malformed input ----------------------------------------------------------------


def make_malformed(php3: str):
    formula = (LRAT / "php-3.cnf").read_text()
    lines = php3.splitlines(keepends=True)

    def pair(name, cnf_text, proof, reason, why, ext="lrat"):
        (MALFORMED / f"{name}.cnf").write_text(cnf_text)
        path = MALFORMED / f"{name}.{ext}"
        path.write_bytes(proof if isinstance(proof, bytes) else proof.encode())
        expect(MALFORMED / f"{name}.cnf", path, "BAD INPUT", reason, why)

    assert lines[-1] == "37 0 35 36 9 0\n"
    pair("truncated-proof", formula, "".join(lines[:-1]) + "37 0 35 36 9", "eof",
         "proof cut in the middle of its last line (no closing 0)")
    garbage = bytes([0x00, 0xFF, 0x7F, 0x80, 0x1B, 0xC3, 0x28])
    assert lines[7] == "30 -6 0 28 20 0\n"
    damaged = "".join(lines[:7]).encode() + b"30 -6 0 28" + garbage + b" 20 0\n" + "".join(lines[8:]).encode()
    pair("garbage-bytes", formula, damaged, "syntax",
         "proof with a few garbage bytes (NUL, 0xff, ESC, broken UTF-8) inside a line")
    assert formula.splitlines()[1] == "p cnf 12 22"
    pair("literal-beyond-header", formula.replace("p cnf 12 22", "p cnf 11 22"), php3, "literal",
         "formula header declares 11 variables but the clauses use variable 12")
    pair("clause-count-low", formula.replace("p cnf 12 22", "p cnf 12 21"), php3, "count",
         "formula header declares 21 clauses; the file has 22")
    pair("clause-count-high", formula.replace("p cnf 12 22", "p cnf 12 23"), php3, "count",
         "formula header declares 23 clauses; the file has 22")
    assert lines[0] == "23 -11 -12 0 22 19 13 16 1 3 6 0\n"
    pair("overflow-hint", formula, php3.replace(lines[0], "23 -11 -12 0 4294967318 19 13 16 1 3 6 0\n"), "range",
         "hint 4294967318 = 2**32 + 22: a checker that wraps to 32 bits reads the valid hint 22")
    pair("overflow-literal", formula, php3.replace(lines[0], "23 -4294967307 -12 0 22 19 13 16 1 3 6 0\n"), "range",
         "literal -4294967307 = -(2**32 + 11): wrapped to 32 bits it is the valid literal -11")
    pair("overflow-id", formula, php3.replace(lines[-1], "2147483648 0 35 36 9 0\n"), "range",
         "the last step has id 2**31, one past the largest allowed; as a signed 32-bit int it is negative")
    # Binary LRAT cut just after the first byte of a multi-byte number.
    data = (LRAT / "php-4.blrat").read_bytes()
    cut = [i for i, b in enumerate(data) if b & 0x80 and not data[i - 1] & 0x80]
    i = cut[len(cut) // 2]
    pair("binary-cut-mid-number", (LRAT / "php-4.cnf").read_text(), data[:i + 1], "eof",
         f"php-4's binary LRAT cut after byte {i}, which promises more bytes of its number", ext="blrat")


# --- satisfiable instances with models ------------------------------------------------


def make_sat():
    for name, (nvars, clauses), what in [
        ("rnd3-40-sat", random_ksat(40, 170, k=3, seed=0), "random 3-SAT, 40 variables, 170 clauses, seed 0"),
        ("rnd3-100-sat", random_ksat(100, 300, k=3, seed=0), "random 3-SAT, 100 variables, 300 clauses, seed 0"),
    ]:
        with Solver(name="cadical195", bootstrap_with=clauses) as s:
            assert s.solve(), name
            model = s.get_model()
        true = set(model)
        assert all(any(l in true for l in c) for c in clauses)
        cnf, mod = SAT / f"{name}.cnf", SAT / f"{name}.model"
        write_dimacs(cnf, nvars, clauses, comment=f"{what} (satisfiable); samples/generate.py")
        mod.write_text(model_text(model))
        expect(cnf, mod, "VERIFIED", "ok", f"{what}: a satisfying assignment")
        if name == "rnd3-40-sat":
            # Flip the first variable of the first clause the model satisfies only once.
            for c in clauses:
                sat_lits = [l for l in c if l in true]
                if len(sat_lits) == 1:
                    break
            bad = [(-l if l == sat_lits[0] else l) for l in model]
            (INVALID / "wrong-model.cnf").write_text(cnf.read_text())
            (INVALID / "wrong-model.model").write_text(
                f"c wrong-model: variable {abs(sat_lits[0])} flipped, which falsifies a clause\n" + model_text(bad))
            expect(INVALID / "wrong-model.cnf", INVALID / "wrong-model.model", "NOT VERIFIED", "model-unsat",
                   "model with one variable flipped so that a clause is falsified")


def model_text(model) -> str:
    out, line = ["s SATISFIABLE"], "v"
    for lit in list(model) + [0]:
        if len(line) + len(str(lit)) + 1 > 78:
            out.append(line)
            line = "v"
        line += f" {lit}"
    return "\n".join(out + [line]) + "\n"


def write_expected():
    """samples/expected.tsv: FORMULA, PROOF, ANSWER[, CODE], tab-separated; '#' lines are notes."""
    lines = ["# Written by samples/generate.py.  FORMULA<TAB>PROOF<TAB>ANSWER[<TAB>CODE]; paths relative",
             "# to samples/; CODE (checker/verdict.py) is given unless the answer is VERIFIED."]
    for e in sorted(MANIFEST, key=lambda e: e["proof"]):
        lines.append(f"# {e['note']}")
        fields = [e["formula"], e["proof"], e["expect"]] + ([] if e["expect"] == "VERIFIED" else [e["reason"]])
        lines.append("\t".join(fields))
    (HERE / "expected.tsv").write_text("\n".join(lines) + "\n")


def main():
    for d in (LRAT, SAT, INVALID, DRAT):
        if d.exists():
            shutil.rmtree(d)
    for d in (LRAT, SAT, INVALID, MALFORMED, DRAT):
        d.mkdir(parents=True)
    proofs = make_cadical_samples()
    make_drat_samples()
    make_rat_samples()
    make_invalid(proofs["php-3"])
    make_malformed(proofs["php-3"])
    make_sat()
    sys.path.insert(0, str(HERE / "smt"))
    from generate import make as make_smt_samples  # samples/smt/generate.py (this folder's module is __main__)
    make_smt_samples(lambda problem, cert, answer, code, note: expect(problem, cert, answer, code, note))
    write_expected()
    for path in sorted(p for p in HERE.rglob("*") if p.is_file() and p.suffix not in (".py", ".md")):
        print(f"{path.stat().st_size:8d}  {path.relative_to(HERE)}")


if __name__ == "__main__":
    main()
