"""SAT answers: a model is verified only when it satisfies every clause."""
import pytest
from click.testing import CliRunner

import checker
from evidence.cli import cli

CNF = b"c sat\np cnf 3 3\n1 2 0\n-1 3 0\n-2 -3 0\n"


def check(tmp_path, model, cnf=CNF):
    (tmp_path / "f.cnf").write_bytes(cnf)
    (tmp_path / "m.txt").write_bytes(model)
    return checker.check_model(str(tmp_path / "f.cnf"), str(tmp_path / "m.txt"))


def test_a_satisfying_model_is_verified(tmp_path):
    v = check(tmp_path, b"c solver output\ns SATISFIABLE\nv 1 -2\nv 3 0\n")
    assert v.verified and v.kind == "model" and v.proof["format"] == "model"


@pytest.mark.parametrize("model, code, detail", [
    (b"s SATISFIABLE\nv -1 -2 3 0\n", "model-unsat", 1),   # a flipped literal
    (b"v 1 2 3 0\n", "model-unsat", 3),
    (b"v 1 0\n", "model-unsat", 2),                          # partial: clause 2 has no true literal
    (b"v 1 -1 3 0\n", "model-conflict", -1),
])
def test_a_wrong_model_is_rejected(tmp_path, model, code, detail):
    v = check(tmp_path, model)
    assert not v.verified and v.code == code
    assert str(detail) in v.reason


@pytest.mark.parametrize("model, line", [
    (b"v 1 -2 3\n", 2),                 # no terminating 0
    (b"s UNSATISFIABLE\n", 1),
    (b"v 1 -2 3 0\nv 2 0\n", 2),       # values after the end
    (b"v 1 x 3 0\n", 1),
    (b"v 1 -2 3 4 0\n", 1),           # beyond the header's variables
])
def test_a_malformed_model_is_bad_input(tmp_path, model, line):
    with pytest.raises(checker.InputError, match=f"m.txt: line {line}:"):
        check(tmp_path, model)


def test_command_checks_models(tmp_path):
    check(tmp_path, b"v 1 -2 3 0\n")
    args = ["check", str(tmp_path / "f.cnf"), "--model", str(tmp_path / "m.txt")]
    assert CliRunner().invoke(cli, args).exit_code == 0
    (tmp_path / "m.txt").write_bytes(b"v -1 -2 -3 0\n")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "falsifies clause 1" in result.output


def test_a_proof_argument_named_model_is_checked_as_a_model(tmp_path):
    # prove --proof-dir names answers NAME.model; the positional argument takes them as models too
    (tmp_path / "f.cnf").write_bytes(CNF)
    (tmp_path / "f.model").write_bytes(b"v 1 -2 3 0\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "f.cnf"), str(tmp_path / "f.model")])
    assert result.exit_code == 0 and "s VERIFIED" in result.output, result.output
    (tmp_path / "f.model").write_bytes(b"v -1 -2 -3 0\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "f.cnf"), str(tmp_path / "f.model")])
    assert result.exit_code == 1 and "falsifies clause 1" in result.output
