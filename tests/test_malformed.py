"""Bad input: both kernels agree, name the file and the position, and the command exits 2."""
import random

import pytest
from click.testing import CliRunner

from cases import FORMULAS, FOUR, FOUR_PROOF, PROOFS
from evidence.cli import cli
from kernels import both, oracle_accepts, parse_cnf, parse_text_lrat, to_binary


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("data, code, line", FORMULAS)
def test_malformed_formula(tmp_path, data, code, line):
    formula = write(tmp_path, "f.cnf", data)
    answer = both(formula, write(tmp_path, "p.lrat", FOUR_PROOF.encode()))
    if code is None:  # well formed after all
        assert answer[0] != "malformed", answer
        return
    assert answer[:5] == ("malformed", code, formula, line, -1)
    assert f"f.cnf: line {line}: " in answer[-1]


@pytest.mark.parametrize("data, code, line, offset", PROOFS)
def test_malformed_proof(tmp_path, data, code, line, offset):
    proof = write(tmp_path, "p.lrat", data)
    answer = both(write(tmp_path, "f.cnf", FOUR.encode()), proof)
    assert answer[:5] == ("malformed", code, proof, line or 0, -1 if offset is None else offset)
    assert (f"line {line}: " if line else f"byte offset {offset}: ") in answer[-1]


def test_binary_encoder_agrees_with_the_samples_above():
    assert to_binary(FOUR_PROOF) == b"a\x0a\x04\x00\x02\x04\x00a\x0c\x00\x0a\x06\x08\x00"


@pytest.mark.parametrize("kernel", ["c", "python"])
def test_command_exits_2_naming_file_and_position(tmp_path, kernel):
    formula = write(tmp_path, "f.cnf", b"p cnf 2 1\n1 3 0\n")
    result = CliRunner().invoke(cli, ["check", "--kernel", kernel, formula, write(tmp_path, "p.lrat", b"")])
    assert result.exit_code == 2
    assert "f.cnf: line 2: literal 3 is beyond the 2 variables" in result.output
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path):
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "nope.cnf"), str(tmp_path / "nope.lrat")])
    assert result.exit_code == 2 and "nope.cnf: cannot open" in result.output


def test_usage_errors_exit_2(tmp_path):
    assert CliRunner().invoke(cli, ["check"]).exit_code == 2
    f = write(tmp_path, "f.cnf", FOUR.encode())
    assert CliRunner().invoke(cli, ["check", f, f, "--model", f]).exit_code == 2


@pytest.mark.parametrize("binary", [False, True])
def test_random_byte_damage_never_verifies_and_kernels_agree(tmp_path, binary):
    """Flip, drop or insert random bytes: the answers match, and a damaged proof that is still
    accepted is a valid proof by independent, full unit propagation."""
    rng = random.Random(7)
    formula = write(tmp_path, "f.cnf", FOUR.encode())
    good = to_binary(FOUR_PROOF) if binary else FOUR_PROOF.encode()
    for i in range(150):
        data = bytearray(good)
        pos = rng.randrange(len(data))
        action = rng.choice(("flip", "drop", "insert"))
        if action == "flip":
            data[pos] ^= 1 << rng.randrange(8)
        elif action == "drop":
            del data[pos]
        else:
            data.insert(pos, rng.randrange(256))
        answer = both(formula, write(tmp_path, f"p{i}.lrat", bytes(data)))
        if answer[0] == "VERIFIED" and not binary:  # harmless damage, or a proof still valid
            assert oracle_accepts(parse_cnf(FOUR), parse_text_lrat(bytes(data)))
