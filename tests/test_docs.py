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
