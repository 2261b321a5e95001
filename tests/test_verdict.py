"""The Verdict: made only by the kernel, immutable, and binding the exact files checked."""
import bz2
import gzip
import hashlib
import json
import lzma

import pytest
from click.testing import CliRunner

import checker
from evidence.cli import cli
from kernels import both

CNF = b"p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n"
LRAT = b"5 2 0 1 2 0\n6 0 5 3 4 0\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "f.cnf").write_bytes(CNF)
    (tmp_path / "p.lrat").write_bytes(LRAT)
    return str(tmp_path / "f.cnf"), str(tmp_path / "p.lrat")


def test_only_the_kernel_makes_a_verdict(files):
    with pytest.raises(TypeError):
        checker.Verdict(status="VERIFIED")
    with pytest.raises(TypeError):
        checker.Verdict._make(object(), status="VERIFIED")
    v = checker.check_lrat(*files)
    with pytest.raises(AttributeError):
        v.status = "NOT VERIFIED"
    with pytest.raises(AttributeError):
        del v.verified


@pytest.mark.parametrize("kernel", ["c", "python"])
def test_verdict_names_files_kernel_and_counts(files, kernel):
    v = checker.check_lrat(*files, kernel=kernel)
    assert v.verified and v.status == "VERIFIED" and v.reason is None
    assert v.formula["sha256"] == hashlib.sha256(CNF).hexdigest()
    assert v.proof["sha256"] == hashlib.sha256(LRAT).hexdigest()
    assert v.kernel == kernel and v.kernel_version == checker.KERNEL_VERSION
    assert len(v.kernel_digest) == 64 and v.seconds >= 0
    assert v.counts["steps"] == 2 and v.counts["hints"] == 5
    assert json.loads(v.to_json())["proof"]["format"] == "text"


def test_kernel_digests_differ_by_kernel_and_are_stable(files):
    c1, c2 = checker.check_lrat(*files, kernel="c"), checker.check_lrat(*files, kernel="c")
    p = checker.check_lrat(*files, kernel="python")
    assert c1.kernel_digest == c2.kernel_digest != p.kernel_digest


@pytest.mark.parametrize("compress", [gzip.compress, lzma.compress, bz2.compress])
def test_compressed_inputs_check_the_same_and_hash_the_stored_bytes(tmp_path, compress):
    f, p = tmp_path / "f.cnf.z", tmp_path / "p.lrat.z"
    f.write_bytes(compress(CNF))
    p.write_bytes(compress(LRAT))
    answer = both(str(f), str(p))
    assert answer[:2] == ("VERIFIED", "ok")
    assert answer[-3:-1] == (hashlib.sha256(f.read_bytes()).hexdigest(), hashlib.sha256(p.read_bytes()).hexdigest())


def test_corrupt_compressed_input_is_bad_input(tmp_path):
    data = bytearray(gzip.compress(LRAT * 50))
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "f.cnf").write_bytes(CNF)
    (tmp_path / "p.lrat.gz").write_bytes(bytes(data[:-6]))
    answer = both(str(tmp_path / "f.cnf"), str(tmp_path / "p.lrat.gz"))
    assert answer[:3] == ("malformed", "read", str(tmp_path / "p.lrat.gz"))


def test_command_prints_verdict_and_json(files):
    result = CliRunner().invoke(cli, ["check", *files])
    assert result.exit_code == 0 and result.output.rstrip().endswith("s VERIFIED")
    result = CliRunner().invoke(cli, ["check", "--json", "--kernel", "python", *files])
    assert result.exit_code == 0 and json.loads(result.output)["status"] == "VERIFIED"


def test_command_prints_reason_and_exits_1(tmp_path, files):
    bad = tmp_path / "bad.lrat"
    bad.write_bytes(b"5 2 0 1 3 0\n")
    result = CliRunner().invoke(cli, ["check", files[0], str(bad)])
    assert result.exit_code == 1
    assert "c reason: step 5 (line 1): hint 3 is neither unit nor falsified" in result.output
    assert result.output.rstrip().endswith("s NOT VERIFIED")


@pytest.mark.parametrize("padding", [0, 2 << 20], ids=["small: hashed first", "large: hashed meanwhile"])
def test_c_kernel_refuses_a_file_that_changes_while_it_is_checked(tmp_path, monkeypatch, padding):
    """The C kernel reads an uncompressed file itself and Python hashes it (a small one before, a
    large one at the same time): a write in between must not leave a VERIFIED for other bytes."""
    from checker import ckernel
    formula, proof = tmp_path / "f.cnf", tmp_path / "p.lrat"
    formula.write_bytes(CNF)
    proof.write_bytes(b"c " + b"x" * padding + b"\n" + LRAT)
    assert checker.check_lrat(formula, proof, kernel="c").verified
    real = ckernel.check_fds

    def changed_meanwhile(formula_fd, proof_fd):
        with open(proof, "ab") as f:
            f.write(b"c appended after hashing began\n")
        return real(formula_fd, proof_fd)

    monkeypatch.setattr(ckernel, "check_fds", changed_meanwhile)
    with pytest.raises(checker.InputError) as error:
        checker.check_lrat(formula, proof, kernel="c")
    assert error.value.path == str(proof)
