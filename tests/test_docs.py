"""The documentation's Python examples run, from the project's root."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = [(doc, block) for doc in DOCS for block in re.findall(r"```python\n(.*?)```", doc.read_text(), re.S)]


def test_there_are_examples():
    assert EXAMPLES


@pytest.mark.parametrize("doc, code", EXAMPLES, ids=lambda x: x.name if isinstance(x, Path) else "")
def test_example_runs(doc, code, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(compile(code, str(doc), "exec"), {})


# --- the shell examples ---------------------------------------------------------------------------------

# A documented placeholder -> a shipped file (or a file an earlier example writes), so the example runs.
PLACEHOLDERS = {
    "FORMULA.cnf PROOF.bdrat": "samples/lrat/rnd3-40.cnf samples/drat/rnd3-40-cadical195.bdrat",
    "FORMULA.cnf": "samples/lrat/php-4.cnf", "PROOF.lrat.gz": "samples/lrat/php-4.lrat.gz",
    "PROOF.lrat": "samples/lrat/php-4.lrat", "PROOF.drat": "samples/drat/php-4-cadical195.drat",
    "PROOF.bdrat": "samples/drat/php-4-cadical195.drat", "MODEL.txt": "samples/sat/rnd3-40-sat.model",
    "PROBLEM.smt2": "samples/smt/lra-unsat.smt2", "encodings/AC-3.cnf": "samples/lrat/php-3.cnf",
    "encodings/*.cnf": "samples/lrat/php-3.cnf samples/lrat/php-5.cnf", "buckets/*.cnf": "samples/lrat/php-5.cnf",
    "bucket-a.cnf": "samples/lrat/php-3.cnf", "proofs/": "samples/lrat/",
    "NEW.json OLD.json": "samples/account/iam-reports.json samples/account/iam-reports-approved.json",
    "P.json": "samples/account/iam-reports.json", "B.json": "samples/account/bucket-logs.json",
    " sgs/": " samples/account/",
}
NOT_HERE = ("pip install", "export ", "dask://", "--resume", "RUN_A", "python -m pytest",
            "--cross-check")  # a network, a service, an id, a checker not shipped
SHELL = [(doc, line.split("  #")[0].strip()) for doc in DOCS
         for block in re.findall(r"```sh\n(.*?)```", doc.read_text(), re.S) for line in block.replace("\\\n", " ").splitlines()
         if line.startswith("proofgate ")]


def test_there_are_shell_examples():
    assert len(SHELL) > 30


@pytest.mark.slow
@pytest.mark.parametrize("doc", sorted({d for d, _ in SHELL}), ids=lambda d: d.name)
def test_shell_examples_run(doc, tmp_path):
    """Each documented command that can run here, in order, in a scratch folder: no usage error, no crash
    (exit 0, 1 or 4: a verdict, or no verdict, never 2 or 3)."""
    import shlex
    import shutil
    import subprocess
    import sys
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    (tmp_path / "gate.yaml").write_text("required: [php-3]\n")
    ran = 0
    for line in (line for d, line in SHELL if d == doc):
        if any(word in line for word in NOT_HERE):
            continue
        line = re.sub(r"\[[^]]*\]", "", line).replace(" RUN ", " ")  # optional parts, the latest run
        for name, value in PLACEHOLDERS.items():
            line = line.replace(name, value)
        for command in line.split("&&"):
            words = shlex.split(command)
            proofgate = [sys.executable, "-c", "import sys; from evidence.main import main; main()"]
            done = subprocess.run(proofgate + words[1:], cwd=tmp_path, capture_output=True, text=True, timeout=600)
            assert done.returncode in (0, 1, 4), f"{doc.name}: {command}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            ran += 1
    assert ran or doc.name not in ("README.md", "EVIDENCE.md"), doc.name
    shutil.rmtree(tmp_path / ".proofgate", ignore_errors=True)
