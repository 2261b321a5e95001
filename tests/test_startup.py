"""The fast entry point (evidence/main.py): a plain `proofgate check` says and exits exactly as the click
command line does, and imports nothing the kernel's answer does not need."""
import os
import re
import subprocess
import sys
import sysconfig

import pytest

from pipeline import ROOT, SAMPLES

FAST = "import sys; from evidence.main import main; sys.argv[0] = 'proofgate'; main()"
FULL = "import sys; from evidence.cli import main; sys.argv[0] = 'proofgate'; main()"
CASES = [
    ["lrat/php-4.cnf", "lrat/php-4.lrat"],
    ["lrat/php-4.cnf", "lrat/php-4.blrat", "--kernel", "python"],
    ["lrat/php-4.cnf.gz", "lrat/php-4.lrat.gz", "--json"],
    ["invalid/wrong-hint.cnf", "invalid/wrong-hint.lrat"],
    ["invalid/wrong-hint.cnf", "invalid/wrong-hint.lrat", "--json", "--kernel=c"],
    ["invalid/malformed/clause-count-high.cnf", "lrat/php-4.lrat"],
    ["lrat/php-4.cnf", "absent.lrat", "--json"],
    ["sat/rnd3-40-sat.cnf", "sat/rnd3-40-sat.model"],
    ["smt/lra-unsat.smt2", "smt/lra-unsat.cert"],
    ["smt/lia-pigeons-unsat.smt2", "smt/lia-pigeons-unsat-drat.cert", "--json"],
    # the options the side-by-side bench gives, both spellings, the last one counting (--threads 2 is left out:
    # what the second thread takes is the scheduler's choice, so two runs differ)
    ["lrat/php-4.cnf", "drat/php-4-cadical195.drat", "--format", "drat", "--threads", "1"],
    ["lrat/php-4.cnf", "drat/php-4-cadical195.drat", "--json", "--threads=1", "--format=auto"],
    ["lrat/php-4.cnf", "lrat/php-4.lrat", "--format", "drat", "--json"],
    ["lrat/php-4.cnf", "lrat/php-4.lrat", "--format", "drat", "--format=lrat"],
]


def run(entry: str, args: list[str]) -> subprocess.CompletedProcess:
    argv = ["check", *[str(SAMPLES / a) if "/" in a else a for a in args]]
    command = [sys.executable, "-c", FAST if entry == "fast" else FULL, *argv]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def same(text: str) -> str:
    """Without what differs from one run to the next: times, and the temporary folder of an elaborated LRAT."""
    text = re.sub(r"proofgate-[A-Za-z0-9_]+/proof\.lrat|/proc/self/fd/\d+", "TMP/proof.lrat", text)
    return re.sub(r'\d+\.\d+ s|"seconds": [0-9.e-]+|"(parse|forward|backward|write)": [0-9.e-]+', "T", text)


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a))
def test_a_plain_check_says_what_the_command_line_says(args):
    fast, full = run("fast", args), run("click", args)
    assert (fast.returncode, same(fast.stdout), same(fast.stderr)) == \
        (full.returncode, same(full.stdout), same(full.stderr))
    assert fast.stdout.strip().endswith(("s VERIFIED", "s NOT VERIFIED", "}")), fast.stdout


@pytest.mark.parametrize("args", [["--format", "dpr"], ["--threads", "3"], ["--threads"], ["--lrat", "out.lrat"],
                                  ["--model"], ["-h"], ["--kernel"], ["--kernel", "rust"], ["--json=1"]])
def test_anything_else_goes_to_the_command_line(args):
    """Options the fast path does not read, and usage errors, are the command line's to answer."""
    argv = ["lrat/php-4.cnf", "lrat/php-4.lrat", *args] if args[0] != "--model" else ["lrat/php-4.cnf", *args,
                                                                                     "sat/rnd3-40-sat.model"]
    fast, full = run("fast", argv), run("click", argv)
    assert (fast.returncode, same(fast.stdout), same(fast.stderr)) == \
        (full.returncode, same(full.stdout), same(full.stderr))


def test_a_plain_check_imports_only_what_the_kernel_needs():
    """Not the command line's libraries, not the SMT kernel (an LRAT check needs neither), and none of the
    standard library's slower modules (re alone costs a plain check a fifth of its start-up)."""
    code = ("import sys; before = set(sys.modules)\n"
            f"sys.argv = ['proofgate', 'check', {str(SAMPLES / 'lrat/php-4.cnf')!r}, {str(SAMPLES / 'lrat/php-4.lrat')!r}]\n"
            "from evidence.main import main\ntry:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "heavy = sorted(m for m in set(sys.modules) - before if any(m == h or m.startswith(h + '.') for h in "
            "('click', 'rich', 'sqlmodel', 'sqlalchemy', 'pysat', 'pydantic', 'jinja2', 'yaml', 'evidence.cli', "
            "'checker.smt', 'checker.smtlib', 'checker.skeleton', 'checker.theories', 'checker.theory', "
            "'re', 'json', 'typing', 'pathlib', 'tempfile', 'evidence.results')))\n"
            "print('EXIT', code, 'HEAVY', heavy, 'DRAT', 'evidence._dratc' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert out.strip().endswith("EXIT 0 HEAVY [] DRAT False"), out


def test_a_plain_drat_check_imports_no_more_of_the_standard_library_than_it_uses():
    """Without site (whose .pth files import what they like), a plain DRAT check imports none of these:
    the verdict's module needs no pathlib, typing or json (only --json prints JSON), the sources open
    gzip, bz2 and lzma files only when they meet one, and a small proof's LRAT goes to a file in memory,
    not to a temporary folder (tempfile, shutil, random).  Each costs start-up, which is most of a small
    check."""
    avoided = ("pathlib", "typing", "json", "tempfile", "shutil", "random", "gzip", "bz2", "lzma")
    code = (f"import sys; sys.argv = ['proofgate', 'check', {str(SAMPLES / 'lrat/php-4.cnf')!r}, "
            f"{str(SAMPLES / 'drat/php-4-cadical195.drat')!r}]\n"
            "from evidence.main import main\ntry:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            f"print('EXIT', code, 'LOADED', sorted(m for m in {avoided!r} if m in sys.modules))\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), sysconfig.get_paths()["platlib"]])}
    out = subprocess.run([sys.executable, "-S", "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env=env)
    assert "s VERIFIED" in out.stdout and out.stdout.strip().endswith("EXIT 0 LOADED []"), (out.stdout, out.stderr)
