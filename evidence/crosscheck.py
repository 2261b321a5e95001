"""Independent checkers on the propositional part of a certificate: cake_lpr (verified, CakeML) and
lrat-check.  Neither is ours, neither is shipped: they are found on PATH, or given as NAME=PATH.

Each one's verdict is read from what it prints, as it prints it: cake_lpr exits 0 on a rejection too
(its acceptance is the line `s VERIFIED UNSAT`); lrat-check prints `c VERIFIED` and exits 0; the
drat-trim family writes carriage returns, which are dropped before reading.  A checker that cannot
be run or times out gives no verdict (None); one that ends without its acceptance line refused.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError

ACCEPTS = {  # name -> does (exit code, output) say VERIFIED?
    "cake_lpr": lambda code, out: any(line.strip() == "s VERIFIED UNSAT" for line in out.splitlines()),
    "lrat-check": lambda code, out: code == 0 and any(line.strip().startswith("c VERIFIED")
                                                      for line in out.splitlines()),
}
@dataclass(frozen=True)
class Checker:
    name: str  # one of ACCEPTS
    program: str  # the executable

    def check(self, cnf: Path, lrat: Path, timeout: float = 600.0) -> tuple[bool | None, str]:
        """(True verified / False refused / None no answer, the checker's last line or why)."""
        try:
            done = subprocess.run([self.program, str(cnf), str(lrat)], capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"no answer within {timeout:g} s"
        except OSError as error:
            return None, f"cannot run {self.program}: {error}"
        out = (done.stdout + done.stderr).decode("utf-8", "replace").replace("\r", "")
        last = out.strip().splitlines()[-1][:200] if out.strip() else f"(no output, exit {done.returncode})"
        return ACCEPTS[self.name](done.returncode, out), last


def parse(spec: str) -> Checker:
    """`cake_lpr`, `lrat-check`, or `NAME=PATH` for a binary not on PATH."""
    name, _, program = spec.partition("=")
    if name not in ACCEPTS:
        raise UserError(f"--cross-check {spec}: unknown checker (have: {', '.join(ACCEPTS)}; NAME=PATH for a "
                        "binary not on PATH)")
    found = shutil.which(program or name)
    if found is None:
        raise UserError(f"--cross-check {spec}: {program or name} is not on PATH and not an executable file")
    return Checker(name, found)


def cross_check(formula: Path, proof: Path, checkers, scratch: Path, stem: str, smt: bool):
    """Export the certificate's propositional part (an SMT problem's and its certificate's when `smt`)
    and run each checker on it: (Exported, [(checker name, verdict, note)])."""
    from .export import export_cnf, export_smt
    exporter = export_smt if smt else export_cnf
    exported = exporter(Path(formula), Path(proof), scratch, stem)
    return exported, [(c.name, *c.check(exported.cnf, exported.lrat)) for c in checkers]
