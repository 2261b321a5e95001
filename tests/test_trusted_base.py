"""The trusted base stays small and depends on nothing but the standard library."""
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 2400  # issue 16: spent on linearity, explicit acceptance and clarity, not on features


def code_lines(path):
    """Lines that are neither blank nor comments (docstrings count: they are in the file to be read)."""
    comment = ("#",) if path.suffix == ".py" else ("//", "/*", "*")
    return sum(1 for line in path.read_text().splitlines() if line.strip() and not line.strip().startswith(comment))


THEORIES = 1000  # issue 21: the SMT theory rules beyond the core (checker/theories/), and nothing else


def trusted_files():
    return sorted((ROOT / "checker").rglob("*.py")) + sorted((ROOT / "csrc" / "kernel").glob("*.[ch]"))


def test_trusted_base_is_at_most_2400_code_lines_and_its_theories_1000():
    counts = {str(p.relative_to(ROOT)): code_lines(p) for p in trusted_files()}
    theories = {name: n for name, n in counts.items() if name.startswith("checker/theories/")}
    core = sum(counts.values()) - sum(theories.values())
    assert core <= LIMIT, f"trusted base has {core} code lines besides its theories (limit {LIMIT}): {counts}"
    assert sum(theories.values()) <= THEORIES, f"its theories have {sum(theories.values())} (limit {THEORIES})"
    assert any(name.endswith(".c") for name in counts) and any(name.endswith(".py") for name in counts)


def test_checker_imports_only_the_standard_library():
    allowed = set(sys.stdlib_module_names) | {"checker", "__future__"}
    for path in (ROOT / "checker").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_the_guard_counts_what_it_should(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("# comment\n\nx = 1\n  # indented comment\ny = 2\n")
    assert code_lines(sample) == 2
