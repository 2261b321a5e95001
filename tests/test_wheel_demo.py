"""`proofgate demo` from an installed wheel, outside any checkout: the samples ship inside the package."""
import os
import subprocess
import sys
import zipfile

import pytest

from pipeline import ROOT


@pytest.mark.slow
def test_demo_runs_from_an_installed_wheel_outside_a_checkout(tmp_path):
    wheels, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "elsewhere"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(wheels)],
                           capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(wheels.glob("proofgate_evidence-*.whl"))
    shipped = {os.path.dirname(name) for name in zipfile.ZipFile(wheel).namelist() if name.endswith(".py")}
    modules = {str(p.parent.relative_to(ROOT)) for top in ("checker", "evidence") for p in (ROOT / top).rglob("*.py")}
    assert modules <= shipped, f"not in the wheel: {sorted(modules - shipped)}"  # a package left out of pyproject
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # nothing of the checkout on the path
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, timeout=300, env=env,
                   cwd=tmp_path)  # not the checkout: pip would take its build's egg-info for an installed copy
    work.mkdir()
    demo = subprocess.run([venv / "bin" / "proofgate", "demo"], cwd=work, capture_output=True, text=True,
                          timeout=900, env=env)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "internal error" not in demo.stdout + demo.stderr
    assert f"samples: {venv}" in demo.stdout  # the packaged copy, not a checkout's
    assert (work / "proofgate-report.html").is_file() and (work / ".proofgate").is_dir()
    assert f"report: {work / 'proofgate-report.html'}" in demo.stdout
    assert "…" not in demo.stdout  # piped: the table is not cut
