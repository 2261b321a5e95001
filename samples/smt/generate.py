"""Recreate the SMT samples: problems in samples/smt/, certificates from the native producer, and
broken ones in samples/invalid/smt/ (deterministically).

    python samples/smt/generate.py      (or samples/generate.py, which runs this too)

Each broken certificate is an edit of a valid one; every edit asserts the text it changes and the
kernel's answer on the result, so a producer that answers differently makes this script fail
instead of writing a sample that no longer shows what its name says.  The answers go to
samples/expected.tsv (format: evidence/samples.py).  lra-unsat.smt2/.cert are hand-written (the
spec's example) and left as they are.
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent
sys.path.insert(0, str(SAMPLES.parent))

import checker  # noqa: E402
from evidence.smt import native  # noqa: E402
from evidence.smt.checking import check  # noqa: E402

INVALID = SAMPLES / "invalid" / "smt"
ANY = "(re.* re.allchar)"

PROBLEMS = {
    # name: (what, SMT-LIB text)
    "uf-congruence-unsat": ("EUF: a = b or a = c, yet f(a) differs from f(b) and from f(c)", """
(set-logic QF_UF)
(declare-sort U 0)
(declare-fun f (U) U)
(declare-const a U) (declare-const b U) (declare-const c U)
(assert (or (= a b) (= a c)))
(assert (distinct (f a) (f b)))
(assert (not (= (f a) (f c))))
"""),
    "uf-cycle-unsat": ("EUF: f(f(f(a))) = a and f(f(a)) = a force f(a) = a", """
(set-logic QF_UF)
(declare-sort U 0)
(declare-fun f (U) U)
(declare-fun P (U) Bool)
(declare-const a U)
(assert (= (f (f (f a))) a))
(assert (= (f (f a)) a))
(assert (P a))
(assert (not (P (f a))))
"""),
    "uf-sat": ("EUF: a function, a predicate and two distinct values", """
(set-logic QF_UF)
(declare-sort U 0)
(declare-fun f (U) U)
(declare-fun P (U) Bool)
(declare-const a U) (declare-const b U) (declare-const flag Bool)
(assert (not (= a b)))
(assert (= (f a) b))
(assert (=> flag (P a)))
(assert (and flag (not (P b))))
"""),
    "lra-chain-unsat": ("LRA: x1 < x2 < ... < x6, and x6 <= x1 or x6 + 1/2 <= x1", """
(set-logic QF_LRA)
(declare-const x1 Real) (declare-const x2 Real) (declare-const x3 Real)
(declare-const x4 Real) (declare-const x5 Real) (declare-const x6 Real)
(assert (< x1 x2 x3 x4 x5 x6))
(assert (or (<= x6 x1) (<= (+ x6 (/ 1 2)) x1)))
"""),
    "lra-disequality-unsat": ("LRA: 2x + 3y = 6, x - y = 1/2, and yet x differs from 3/2", """
(set-logic QF_LRA)
(declare-const x Real) (declare-const y Real)
(assert (= (+ (* 2 x) (* 3 y)) 6))
(assert (= (- x y) 0.5))
(assert (distinct x 1.5))
"""),
    "lra-sat": ("LRA: a strict triangle with rational corners", """
(set-logic QF_LRA)
(declare-const x Real) (declare-const y Real)
(assert (> (+ (* 3 x) (* 2 y)) 1))
(assert (< (- x y) (/ 1 3)))
(assert (or (< (+ x y) 0) (> y 2)))
(assert (not (= x y)))
"""),
    "lia-parity-unsat": ("LIA: 2x = y and y = 2z + 1 (y even and odd): a cut", """
(set-logic QF_LIA)
(declare-const x Int) (declare-const y Int) (declare-const z Int)
(assert (= (* 2 x) y))
(assert (= y (+ (* 2 z) 1)))
"""),
    "lia-pigeons-unsat": ("LIA: 4 pairwise distinct integers in [1, 3]: branches and disequality sides", """
(set-logic QF_LIA)
(declare-const p1 Int) (declare-const p2 Int) (declare-const p3 Int) (declare-const p4 Int)
(assert (and (<= 1 p1 3) (<= 1 p2 3) (<= 1 p3 3) (<= 1 p4 3)))
(assert (distinct p1 p2 p3 p4))
"""),
    "lia-branch-unsat": ("LIA: 0 < 3x - 2y < 2 and x + y = 4: only x = 9/5 (branch and bound)", """
(set-logic QF_LIA)
(declare-const x Int) (declare-const y Int)
(assert (< 0 (- (* 3 x) (* 2 y)) 2))
(assert (<= 0 x 5))
(assert (<= 0 y 5))
(assert (= (+ x y) 4))
"""),
    "lia-sat": ("LIA: ports and counters with a disequality", """
(set-logic QF_LIA)
(declare-const port Int) (declare-const low Int) (declare-const high Int)
(assert (and (<= 1024 low) (< low high) (<= high 65535)))
(assert (<= low port high))
(assert (distinct port 8080))
(assert (= (+ low 10) high))
"""),
    "str-bucket-unsat": ("strings: a resource in arn:aws:s3:::bucket/* is never outside arn:aws:s3:::*", f"""
(set-logic QF_S)
(declare-const resource String) (declare-const copy String)
(assert (str.in_re resource (re.++ (str.to_re "arn:aws:s3:::bucket/") {ANY})))
(assert (= resource copy))
(assert (not (str.in_re copy (re.++ (str.to_re "arn:aws:s3:::") {ANY}))))
"""),
    "str-prefix-suffix-unsat": ("strings: prefix logs/, suffix .gz, not under logs/*.gz, not logs/a.gz: a closed set", f"""
(set-logic QF_S)
(declare-const key String)
(assert (str.in_re key (re.++ (str.to_re "logs/") {ANY})))
(assert (str.in_re key (re.++ {ANY} (str.to_re ".gz"))))
(assert (not (str.in_re key (re.++ (str.to_re "logs/") {ANY} (str.to_re ".gz")))))
"""),
    "str-literal-unsat": ("strings: one literal ARN, two buckets' globs, neither matches", f"""
(set-logic QF_S)
(declare-const resource String)
(assert (= resource "arn:aws:s3:::bucket/report.csv"))
(assert (or (str.in_re resource (re.++ (str.to_re "arn:aws:s3:::other/") {ANY}))
            (str.in_re resource (re.++ (str.to_re "arn:aws:s3:::bucket/") {ANY} (str.to_re ".txt")))))
"""),
    "str-equal-literals-unsat": ("strings: the caller and the owner are both the account's root ARN, yet differ", f"""
(set-logic QF_S)
(declare-const caller String) (declare-const owner String)
(assert (str.in_re owner (re.++ (str.to_re "arn:aws:iam::111122223333:") {ANY})))
(assert (or (= caller "arn:aws:iam::111122223333:root") (= caller "arn:aws:iam::444455556666:root")))
(assert (not (str.in_re caller (re.++ (str.to_re "arn:aws:iam::444455556666:") {ANY}))))
(assert (= owner "arn:aws:iam::111122223333:root"))
(assert (not (= caller owner)))
"""),
    "str-policy-sat": ("strings: a key under logs/ ending .gz, outside logs/private/, and a second distinct key", f"""
(set-logic QF_S)
(declare-const key String) (declare-const other String)
(assert (str.in_re key (re.++ (str.to_re "logs/") {ANY} (str.to_re ".gz"))))
(assert (not (str.in_re key (re.++ (str.to_re "logs/private/") {ANY}))))
(assert (str.in_re other (re.++ (str.to_re "logs/") re.allchar re.allchar)))
(assert (distinct key other "logs/ab"))
"""),
    "str-length-unsat": ("strings: an IAM user ARN of a 12-digit account and a non-empty name is at least 32 long", """
(set-logic QF_SLIA)
(declare-const account String) (declare-const name String) (declare-const arn String)
(assert (str.in_re account ((_ re.^ 12) (re.range "0" "9"))))
(assert (str.in_re name (re.+ (re.union (re.range "a" "z") (str.to_re "-")))))
(assert (= arn (str.++ "arn:aws:iam::" account ":user/" name)))
(assert (< (str.len arn) 32))
"""),
    "str-regex-sat": ("strings: an S3 bucket name (3 to 63 of a-z, 0-9, . and -, starting and ending with a letter or "
                      "digit) that is no IP address and holds no '..'", """
(set-logic QF_SLIA)
(declare-const bucket String)
(assert (str.in_re bucket (re.++ (re.union (re.range "a" "z") (re.range "0" "9"))
                                 ((_ re.loop 1 61) (re.union (re.range "a" "z") (re.range "0" "9") (str.to_re ".")
                                                             (str.to_re "-")))
                                 (re.union (re.range "a" "z") (re.range "0" "9")))))
(assert (not (str.in_re bucket (re.++ (re.+ (re.range "0" "9")) (str.to_re ".") (re.+ (re.range "0" "9"))
                                      (str.to_re ".") (re.+ (re.range "0" "9")) (str.to_re ".")
                                      (re.+ (re.range "0" "9"))))))
(assert (not (str.contains bucket "..")))
(assert (str.prefixof "logs" bucket))
(assert (>= (str.len bucket) 8))
"""),
    "mixed-policy-unsat": ("mixed: an allow rule (action glob, bucket glob, port range) against a deny rule that covers it", f"""
(set-logic ALL)
(declare-const action String) (declare-const resource String) (declare-const port Int)
(declare-const tls Bool)
(define-fun allow () Bool (and (str.in_re action (re.++ (str.to_re "s3:Get") {ANY}))
                               (str.in_re resource (re.++ (str.to_re "arn:aws:s3:::bucket/") {ANY}))
                               (<= 443 port 443) tls))
(define-fun deny () Bool (or (not tls) (> port 1023) (< port 444)
                             (not (str.in_re action (re.++ (str.to_re "s3:") {ANY})))))
(assert allow)
(assert (not deny))
"""),
    "mixed-sat": ("mixed: Boolean structure over an integer, a real, a string and a predicate", f"""
(set-logic ALL)
(declare-sort Role 0)
(declare-const admin Role) (declare-const user Role)
(declare-fun may (Role) Bool)
(declare-const n Int) (declare-const r Real) (declare-const path String)
(assert (not (= admin user)))
(assert (ite (may user) (> n 3) (< r (/ 1 2))))
(assert (xor (may admin) (may user)))
(assert (=> (may admin) (str.in_re path (re.++ (str.to_re "/admin/") {ANY}))))
(assert (or (= (* 2 r) 2.5) (not (str.in_re path (re.++ {ANY} (str.to_re ".html"))))))
"""),
}


def write_problem(name, what, text):
    path = HERE / f"{name}.smt2"
    path.write_text(f"; {what}\n; samples/smt/generate.py\n" + text.lstrip())
    return path


def verdict(problem, cert):
    """(answer, code) as in samples/expected.tsv, from the C kernel (after the engine for DRAT)."""
    try:
        done, v, _ = check(problem, cert, checker.kernels()[0])
    except checker.InputError as error:
        return "BAD INPUT", "unsupported" if "unsupported" in str(error) else "syntax"
    if v is None:
        return ("BAD INPUT" if done.status == "malformed" else "NOT VERIFIED"), done.code
    return v.status, v.code


def make(expect):
    """Write every SMT sample; `expect(problem, certificate, answer, code, note)` records each pair."""
    for old in list(HERE.glob("*.cert")) + list(HERE.glob("*.smt2")):
        if not old.name.startswith("lra-unsat."):
            old.unlink()
    if INVALID.exists():
        shutil.rmtree(INVALID)
    INVALID.mkdir(parents=True)
    expect(HERE / "lra-unsat.smt2", HERE / "lra-unsat.cert", "VERIFIED", "ok",
           "hand-written: the example of docs/smt-certificate.md")
    certs = {}
    for name, (what, text) in PROBLEMS.items():
        problem, cert = write_problem(name, what, text), HERE / f"{name}.cert"
        result = native.prove(problem, cert)
        assert result.answer == name.rsplit("-", 1)[1], (name, result)
        assert verdict(problem, cert) == ("VERIFIED", "ok"), name
        certs[name] = cert.read_text()
        expect(problem, cert, "VERIFIED", "ok", f"{what}; native producer, {result.answer}, "
               f"{result.lemmas} lemmas, {result.atoms} atom lines")
    for name in ("lia-pigeons-unsat", "str-prefix-suffix-unsat"):
        cert = HERE / f"{name}-drat.cert"
        assert native.prove(HERE / f"{name}.smt2", cert, refutation="drat").answer == "unsat"
        assert verdict(HERE / f"{name}.smt2", cert) == ("VERIFIED", "ok"), name
        expect(HERE / f"{name}.smt2", cert, "VERIFIED", "ok", f"{name} with a DRAT refutation, elaborated, then checked")
    make_invalid(expect, certs)


def make_invalid(expect, certs):
    def broken(name, problem, text, answer, code, why, suffix=".cert"):
        path = INVALID / f"{name}{suffix}"
        path.write_text(text)
        found = verdict(problem, path)
        assert found == (answer, code), (name, found)
        expect(problem, path, answer, code, why)

    def lines(name):
        return certs[name].splitlines(keepends=True)

    def only(pattern, name):
        hits = [i for i, line in enumerate(lines(name)) if re.match(pattern, line)]
        assert hits, (pattern, name)
        return hits[0]

    lra = HERE / "lra-chain-unsat.smt2"
    text = lines("lra-chain-unsat")
    i = only(r"lemma lra .* 0 1( 1)+\n", "lra-chain-unsat")
    bad = text[i].rstrip("\n").rsplit(" ", 1)[0] + " -1\n"
    broken("negative-multiplier", lra, "".join(text[:i] + [bad] + text[i + 1:]), "NOT VERIFIED", "smt-lemma",
           "lra-chain-unsat with the last Farkas multiplier of a lemma made -1")
    words = text[i].split()
    zero = words.index("0")
    shorter = " ".join(words[:zero - 1] + ["0"] + words[zero + 1:-1]) + "\n"
    broken("missing-literal", lra, "".join(text[:i] + [shorter] + text[i + 1:]), "NOT VERIFIED", "smt-lemma",
           "lra-chain-unsat with a lemma's last literal (and its multiplier) left out")
    dropped = "".join(text[:i] + text[i + 1:])
    answer = verdict(lra, _write(INVALID / "dropped-lemma.cert", dropped))
    assert answer[0] == "NOT VERIFIED", answer
    broken("dropped-lemma", lra, dropped, *answer, "lra-chain-unsat without one lemma: the refutation uses its clause id")
    broken("wrong-problem", HERE / "lra-disequality-unsat.smt2", certs["lra-chain-unsat"], "NOT VERIFIED", "smt-problem",
           "lra-chain-unsat's certificate, paired with lra-disequality-unsat")

    pig = HERE / "lia-pigeons-unsat.smt2"
    text = lines("lia-pigeons-unsat")
    i = only(r"atom \d+ \(<= ", "lia-pigeons-unsat")
    changed = re.sub(r" (\(- )?(\d+)\)?\)\n$", lambda m: f" {_numeral(int(m.group(2)) * (-1 if m.group(1) else 1) - 1)})\n", text[i])
    assert changed != text[i]
    broken("changed-atom", pig, "".join(text[:i] + [changed] + text[i + 1:]), "NOT VERIFIED", "smt-lemma",
           "lia-pigeons-unsat with an atom line's bound lowered by one")

    parity = HERE / "lia-parity-unsat.smt2"
    text = lines("lia-parity-unsat")
    i = only(r"lemma lia .* cut", "lia-parity-unsat")
    broken("cut-not-rounded", parity, "".join(text[:i] + [text[i].replace(" cut", "")] + text[i + 1:]),
           "NOT VERIFIED", "smt-lemma", "lia-parity-unsat with the cut step not rounded (its 'cut' left out)")

    glob = HERE / "str-prefix-suffix-unsat.smt2"
    text = lines("str-prefix-suffix-unsat")
    i = only(r"lemma str .* 0 \S+ \S+", "str-prefix-suffix-unsat")
    states = text[i].split()
    broken("glob-not-closed", glob, "".join(text[:i] + [" ".join(states[:-1]) + "\n"] + text[i + 1:]),
           "NOT VERIFIED", "smt-lemma", "str-prefix-suffix-unsat with the last state of the closed-set witness left out")

    sat = HERE / "lia-sat.smt2"
    text = certs["lia-sat"]
    value = re.search(r"\(define-fun port \(\) Int (\d+)\)", text)
    broken("wrong-model", sat, text.replace(value.group(0), "(define-fun port () Int 8080)"), "NOT VERIFIED",
           "smt-model", "lia-sat's model with port set to 8080, which an assertion excludes")

    broken("malformed-certificate", lra, certs["lra-chain-unsat"].replace("lemma lra ", "lemma lra x", 1),
           "BAD INPUT", "syntax", "lra-chain-unsat's certificate with a lemma literal that is no number")
    bad_problem = INVALID / "malformed-problem.smt2"
    bad_problem.write_text((HERE / "lra-chain-unsat.smt2").read_text().replace("(assert (< x1", "(assert ((< x1", 1))
    broken("malformed-problem", bad_problem, certs["lra-chain-unsat"], "BAD INPUT", "syntax",
           "a problem with an unbalanced parenthesis (the certificate is lra-chain-unsat's)")
    unsupported = INVALID / "unsupported-problem.smt2"
    unsupported.write_text("(set-logic QF_SLIA)\n(declare-const s String)\n(assert (> (str.indexof s \"a\" 0) 3))\n")
    broken("unsupported-problem", unsupported, certs["lra-chain-unsat"], "BAD INPUT", "unsupported",
           "a problem using str.indexof, outside the kernel's subset (named in the error)")


def _numeral(k):
    return f"(- {-k})" if k < 0 else str(k)


def _write(path, text):
    path.write_text(text)
    return path


def main():
    """Write the SMT samples and replace their lines in samples/expected.tsv (the others stay)."""
    sys.path.insert(0, str(SAMPLES))
    from generate import MANIFEST, expect, write_expected
    table = (SAMPLES / "expected.tsv").read_text().splitlines()
    note = None
    for line in table:
        if line.startswith("# ") and not line.startswith(("# Written", "# to samples/")):
            note = line[2:]
        elif line and not line.startswith("#"):
            fields = line.split("\t")
            if "smt" not in Path(fields[0]).parts + Path(fields[1]).parts and not fields[0].endswith(".smt2"):
                expect(SAMPLES / fields[0], SAMPLES / fields[1], fields[2], fields[3] if len(fields) > 3 else "ok", note)
    make(expect)
    write_expected()
    print(f"{len(MANIFEST)} samples in expected.tsv")


if __name__ == "__main__":
    main()
