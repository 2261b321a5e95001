"""docs/github-actions.yml is a valid workflow whose proofgate commands and options exist."""
import shlex

import yaml

from evidence.cli import cli
from pipeline import ROOT

WORKFLOW = ROOT / "docs/github-actions.yml"


def proofgate_lines():
    doc = yaml.safe_load(WORKFLOW.read_text())
    steps = [s for job in doc["jobs"].values() for s in job["steps"]]
    for step in steps:
        for line in step.get("run", "").splitlines():
            for part in line.split("&&"):
                part = part.split("||")[0].strip()
                if part.startswith("proofgate "):
                    yield shlex.split(part)[1:]


def test_the_workflow_is_valid_yaml_with_jobs():
    doc = yaml.safe_load(WORKFLOW.read_text())
    assert doc["jobs"]["evidence"]["steps"]
    assert doc["permissions"]["security-events"] == "write"


def test_every_proofgate_command_and_option_exists():
    used = set()
    for args in proofgate_lines():
        name, rest = args[0], args[1:]
        assert name in cli.commands, name
        command = cli.commands[name]
        known = {o for p in command.params for o in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])}
        for token in rest:
            if token.startswith("-"):
                assert token in known, f"proofgate {name} has no option {token}"
        used.add(name)
    assert {"prove", "gate", "report", "bundle"} <= used


def test_the_workflow_never_installs_proofgate_by_its_bare_name_from_the_index():
    """`proofgate` on PyPI is an unrelated package (shared/NOTES.md): install from the repository or a wheel."""
    doc = yaml.safe_load(WORKFLOW.read_text())
    installs = [line for job in doc["jobs"].values() for s in job["steps"]
                for line in s.get("run", "").splitlines() if "pip install" in line]
    assert installs
    for line in installs:
        targets = [t for t in shlex.split(line.split("#")[0])[2:] if not t.startswith("-")]
        assert targets and all(t.startswith(("proofgate-evidence @ git+", "./", "dist/")) or t.endswith(".whl")
                               for t in targets), line
