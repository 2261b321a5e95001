"""Each rule of the kernel, accepted and broken, by both kernels alike."""
import pytest

from cases import EXTENSION_INVALID, EXTENSION_PROOF, FOUR, FOUR_PROOF, INVALID, RAT, RAT_INVALID, RAT_PROOF
from kernels import both, to_binary


def run(tmp_path, formula, proof, binary=False):
    f, p = tmp_path / "f.cnf", tmp_path / ("p.blrat" if binary else "p.lrat")
    f.write_text(formula)
    p.write_bytes(to_binary(proof) if binary else proof.encode())
    return both(str(f), str(p))


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("formula, proof", [(FOUR, FOUR_PROOF), (RAT, RAT_PROOF), (FOUR, EXTENSION_PROOF),
                                            (FOUR, "5 2 0 1 2 0\n5 d 1 2 0\n6 0 5 3 4 0\n")])
def test_valid_proofs_are_verified(tmp_path, formula, proof, binary):
    answer = run(tmp_path, formula, proof, binary)
    assert answer[:2] == ("VERIFIED", "ok")


def test_counts_describe_the_proof(tmp_path):
    counts = dict(run(tmp_path, FOUR, "5 2 0 1 2 0\n5 d 1 2 0\n6 0 5 3 4 0\n")[5])
    assert counts == {"variables": 2, "clauses": 4, "steps": 3, "additions": 2, "deletions": 1,
                      "hints": 5, "peak_live": 5}




@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("formula, proof, code, step, line, text",
                         [(FOUR, *case) for case in INVALID] + [(RAT, *case) for case in RAT_INVALID]
                         + [(FOUR, *case) for case in EXTENSION_INVALID])
def test_invalid_proofs_are_rejected_with_the_reason(tmp_path, formula, proof, code, step, line, text, binary):
    status, got, got_step, got_line, got_offset, _, reason, *_ = run(tmp_path, formula, proof, binary)
    if binary and code == "delete-dead":
        step = 5  # a binary deletion carries no id of its own: it is named after the last addition
    assert (status, got, got_step) == ("NOT VERIFIED", code, step)
    assert text in reason
    if binary:  # positions are byte offsets of the step
        assert got_line is None and (got_offset is not None) == (line is not None)
    else:
        assert got_line == line and got_offset is None


def test_proof_for_another_formula_is_rejected(tmp_path):
    other = "p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 1 0\n"
    status, code, step, *_ = run(tmp_path, other, FOUR_PROOF)
    assert (status, code, step) == ("NOT VERIFIED", "no-conflict", 6)


def test_empty_clause_in_the_formula_is_unsatisfiable(tmp_path):
    assert run(tmp_path, "p cnf 1 2\n1 0\n0\n", "")[:2] == ("VERIFIED", "ok")


def test_steps_after_the_empty_clause_are_still_checked(tmp_path):
    status, code, step, *_ = run(tmp_path, FOUR, FOUR_PROOF + "7 1 0 9 0\n")
    assert (status, code, step) == ("NOT VERIFIED", "hint-dead", 7)


def test_comments_and_odd_spacing_are_accepted(tmp_path):
    formula = "c a comment\n  p  cnf  2   4 \n1 2 0\nc between\n -1\t2 0\n1 -2 0 -1\n -2 0\n\n\n"
    proof = "c proof comment\n5  2 0 1 2 0\r\n  6 0 5 3 4 0"
    assert run(tmp_path, formula, proof)[:2] == ("VERIFIED", "ok")


def test_a_repeated_literal_in_a_hint_counts_once(tmp_path):
    formula = "p cnf 2 4\n2 2 1 0\n-1 2 0\n1 -2 0\n-1 -2 0\n"  # clause 1 repeats 2
    assert run(tmp_path, formula, "5 1 0 1 3 0\n6 0 5 2 4 0\n")[:2] == ("VERIFIED", "ok")
    # ... but two different literals left open is still no unit
    status, code, step, *_ = run(tmp_path, formula, "5 -1 0 1 0\n")
    assert (status, code, step) == ("NOT VERIFIED", "hint-not-unit", 5)
