"""Bad input: both kernels agree, name the file and the position, and the command exits 2."""
import random

import pytest
from click.testing import CliRunner

from evidence.cli import cli
from kernels import both, oracle_accepts, parse_cnf, parse_text_lrat, to_binary

GOOD_CNF = "p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n"
GOOD_LRAT = "5 2 0 1 2 0\n6 0 5 3 4 0\n"

FORMULAS = [  # (formula bytes, code, line)
    (b"1 2 0\n", "header", 1),
    (b"", "header", 1),
    (b"c only a comment\n", "header", 2),
    (b"p cnf x 3\n", "syntax", 1),
    (b"p dnf 2 1\n1 0\n", "header", 1),
    (b"p cnf -2 1\n1 0\n", "header", 1),
    (b"p cnf 2\n", "header", 2),
    (b"p cnf 2 1\n1 3 0\n", "literal", 2),
    (b"p cnf 2 1\n1 -3 0\n", "literal", 2),
    (b"p cnf 2 3\n1 0\n", "count", 3),
    (b"p cnf 2 1\n1 0\n2 0\n", "count", 3),
    (b"p cnf 2 1\n1 2", "eof", 2),
    (b"p cnf 2 1\n99999999999 0\n", "range", 2),
    (b"p cnf 2 1\n2147483648 0\n", "range", 2),
    pytest.param(b"p cnf 2 1\n" + b"9" * 6000 + b" 0\n", "range", 2, id="6000 digits"),  # past int()'s limit
    pytest.param(b"p cnf 2 1\n" + b"0" * 6000 + b"1 2 0\n", None, None, id="6000 leading zeros"),  # just 1
    (b"p cnf 2 1\n1 2 0\n%\n0\n", "syntax", 3),
    (b"p cnf 2 1\n1 2x 0\n", "syntax", 2),
    (b"\x00\xff\xfe garbage", "header", 1),
    (b"p cnf 2 1\n1 \x00 0\n", "syntax", 2),
]

PROOFS = [  # (proof bytes, code, line, offset)
    (b"5 2 0 1", "eof", 1, None),
    (b"5 2 0 1 2 0\n6 0 5 3", "eof", 2, None),
    (b"5 2 0 1 2 0\nxyz\n", "syntax", 2, None),
    (b"5 2 0 1 2 0\n\x00\xff\n", "syntax", 2, None),
    (b"99999999999 2 0 1 2 0\n", "range", 1, None),
    (b"5 2 0 1 2147483648 0\n", "range", 1, None),
    pytest.param(b"5 2 0 1 " + b"9" * 6000 + b" 0\n", "range", 1, None, id="6000 digits"),
    (b"0 2 0 1 2 0\n", "id", 1, None),
    (b"-5 2 0 1 2 0\n", "id", 1, None),
    (b"5 2 0 1 2 0\n6 d -1 0\n", "id", 2, None),
    (b"5 2 0 1 2 0\n6 dx 1 0\n", "syntax", 2, None),
    (b"5 2 0 1 2 0\n6\n", "eof", 3, None),
    (b"a\x0a\x8a", "eof", None, 3),                        # cut inside a number
    (b"a\x0a\x04\x00\x02\x04\x00" + b"a\x0c", "eof", None, 9),  # cut inside a step
    (b"a\x0a\x80\x80\x80\x80\x80\x00", "range", None, 2),  # six bytes
    (b"a\x0a\xff\xff\xff\xff\x1f\x00", "range", None, 2),  # above 2^32
    (b"a\x01\x04\x00\x02\x04\x00", "id", None, 1),          # a negative id
    (b"a\x0a\x04\x00\x02\x04\x00x", "syntax", None, 7),    # neither 'a' nor 'd'
    (b"d\x03\x00", "id", None, 1),
]


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("data, code, line", FORMULAS)
def test_malformed_formula(tmp_path, data, code, line):
    formula = write(tmp_path, "f.cnf", data)
    answer = both(formula, write(tmp_path, "p.lrat", GOOD_LRAT.encode()))
    if code is None:  # well formed after all
        assert answer[0] != "malformed", answer
        return
    assert answer[:5] == ("malformed", code, formula, line, -1)
    assert f"f.cnf: line {line}: " in answer[-1]


@pytest.mark.parametrize("data, code, line, offset", PROOFS)
def test_malformed_proof(tmp_path, data, code, line, offset):
    proof = write(tmp_path, "p.lrat", data)
    answer = both(write(tmp_path, "f.cnf", GOOD_CNF.encode()), proof)
    assert answer[:5] == ("malformed", code, proof, line or 0, -1 if offset is None else offset)
    assert (f"line {line}: " if line else f"byte offset {offset}: ") in answer[-1]


def test_binary_encoder_agrees_with_the_samples_above():
    assert to_binary(GOOD_LRAT) == b"a\x0a\x04\x00\x02\x04\x00a\x0c\x00\x0a\x06\x08\x00"


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
    f = write(tmp_path, "f.cnf", GOOD_CNF.encode())
    assert CliRunner().invoke(cli, ["check", f, f, "--model", f]).exit_code == 2


@pytest.mark.parametrize("binary", [False, True])
def test_random_byte_damage_never_verifies_and_kernels_agree(tmp_path, binary):
    """Flip, drop or insert random bytes: the answers match, and a damaged proof that is still
    accepted is a valid proof by independent, full unit propagation."""
    rng = random.Random(7)
    formula = write(tmp_path, "f.cnf", GOOD_CNF.encode())
    good = to_binary(GOOD_LRAT) if binary else GOOD_LRAT.encode()
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
            assert oracle_accepts(parse_cnf(GOOD_CNF), parse_text_lrat(bytes(data)))
