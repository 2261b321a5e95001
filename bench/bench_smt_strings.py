"""Strings on real SMT-LIB files: cvc5's regression tests with a known answer.

    python bench/bench_smt_strings.py [DIRECTORY] [--timeout 20] [--list]

DIRECTORY defaults to /work/ext/smtlib/test/regress/cli.  It takes every QF_S and QF_SLIA file with
exactly one `; EXPECT: sat` or `; EXPECT: unsat` line, reads it with the kernel (outside the subset:
the construct named in the refusal is counted), answers the rest with the native producer within the
time limit (a child process, killed past it), checks each certificate with both LRAT kernels and
compares the answer with the expected one.  A file whose `; COMMAND-LINE:` changes the theory
(`--strings-alpha-card=N`: an alphabet of N characters instead of SMT-LIB's 0x30000) is compared
with cvc5 run with SMT-LIB's semantics instead (when cvc5 is installed).  Prints: files, inside the subset, answered with a
certificate both kernels verify, wrong answers (a verified certificate of the other answer: must be
0), no answer, and the top reasons for refusals and for no answers.  Figures only: nothing here asserts.
"""
import argparse
import collections
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LOGIC = re.compile(rb"\(set-logic\s+(QF_S|QF_SLIA)\s*\)")
EXPECT = re.compile(rb"^; EXPECT: (sat|unsat)\s*$", re.M)


NONSTANDARD = re.compile(rb"^; COMMAND-LINE:.*--strings-alpha-card", re.M)


def cases(directory):
    for path in sorted(Path(directory).rglob("*.smt2")):
        data = path.read_bytes()
        expected = EXPECT.findall(data)
        if LOGIC.search(data) and len(expected) == 1 and data.count(b"; EXPECT:") == 1:
            yield path, expected[0].decode(), bool(NONSTANDARD.search(data))


def standard_answer(path):
    """cvc5's answer with SMT-LIB's alphabet, or None without cvc5."""
    try:
        from evidence.smt.soundness import cvc5_run
        return cvc5_run(path.read_bytes())[0]
    except ImportError:
        return None


def reason(message):
    """The construct a refusal names: 'unsupported: str.indexof' -> str.indexof."""
    found = re.search(r"unsupported: ([^ ,(]+(?: of a non-literal)?(?: inside [^ ]+)?)", message)
    return found.group(1) if found else message.split(": ", 2)[-1][:60]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", nargs="?", default="/work/ext/smtlib/test/regress/cli")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--list", action="store_true", help="print one line per file")
    options = parser.parse_args()
    import checker
    from checker import smtlib
    from evidence.smt.checking import check

    counts, refused, unanswered = collections.Counter(), collections.Counter(), collections.Counter()
    with tempfile.TemporaryDirectory() as scratch:
        for path, expected, nonstandard in cases(options.directory):
            counts["files"] += 1
            try:
                smtlib.read(path.read_bytes())
            except smtlib.SmtError as error:
                refused[reason(error.message)] += 1
                options.list and print(f"refused   {path.name}: {error}")
                continue
            counts["inside the subset"] += 1
            cert = Path(scratch) / "p.cert"
            cert.unlink(missing_ok=True)
            try:
                run = subprocess.run([sys.executable, "-m", "evidence.cli", "smt", "prove", str(path), "-o", str(cert),
                                      "--no-check", "--timeout", str(options.timeout)], capture_output=True, text=True,
                                     timeout=options.timeout + 10, cwd=ROOT)
                output = run.stdout + run.stderr
            except subprocess.TimeoutExpired:
                output = "killed past the time limit"
            answer = re.search(r"^s (UNSATISFIABLE|SATISFIABLE)$", output, re.M)
            if not answer or not cert.exists():
                why = re.findall(r"^c (?:reason|error|unknown)?:? ?(.*)$", output, re.M)
                unanswered[(why[-1] if why else output.strip().splitlines()[-1:] or ["?"])[0][:90]
                           if why else (output.strip().splitlines() or ["?"])[-1][:90]] += 1
                options.list and print(f"no answer {path.name}: {output.strip().splitlines()[-1:]}")
                continue
            verdicts = [check(path, cert, kernel)[1] for kernel in checker.kernels()]
            ours = "unsat" if answer.group(1) == "UNSATISFIABLE" else "sat"
            if nonstandard and ours != expected and standard_answer(path) == ours:
                counts["answered as cvc5 does with SMT-LIB's alphabet (EXPECT assumes --strings-alpha-card)"] += 1
                options.list and print(f"{ours:9} {path.name} (expected {expected} with a smaller alphabet)")
                continue
            if not all(v is not None and v.verified for v in verdicts):
                counts["certificate rejected (producer bug)"] += 1
            elif ours != expected:
                counts["WRONG ANSWER, VERIFIED"] += 1
                print(f"WRONG: {path} expected {expected}, certificate verified for {ours}")
            else:
                counts[f"answered {ours}, verified by both kernels"] += 1
            options.list and print(f"{ours:9} {path.name} (expected {expected})")
    for key, value in counts.items():
        print(f"{value:5}  {key}")
    print(f"{counts['WRONG ANSWER, VERIFIED']:5}  wrong answers")
    print("refused, by construct:")
    for key, value in refused.most_common(15):
        print(f"{value:5}  {key}")
    print("inside the subset, no answer:")
    for key, value in unanswered.most_common(10):
        print(f"{value:5}  {key}")


if __name__ == "__main__":
    main()
