"""Each rule of the kernel, accepted and broken, by both kernels alike."""
import pytest

from kernels import both, to_binary

# x1, x2: all four clauses, so unsatisfiable.
FOUR = "p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n"
FOUR_PROOF = "5 2 0 1 2 0\n6 0 5 3 4 0\n"
# (-1 v 2), (1 v 2), (-2): clause (1) is RAT on 1, with a group for candidate 1.
RAT = "p cnf 2 3\n-1 2 0\n1 2 0\n-2 0\n"
RAT_PROOF = "4 1 0 -1 2 0\n5 0 3 4 1 0\n"
# Extension x3 = x1 & x2 over FOUR: fresh pivots (no candidates) and blocked candidates.
EXTENSION_PROOF = "5 -3 1 0 0\n6 -3 2 0 0\n7 3 -1 -2 0 -5 -6 0\n8 2 0 1 2 0\n9 0 8 4 3 0\n"


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


# (proof, code, step, line, detail in the reason)
INVALID = [
    ("5 2 0 1 3 0\n", "hint-not-unit", 5, 1, "hint 3"),                          # a wrong hint
    ("5 2 0 1 2 0\n5 d 5 0\n6 0 5 3 4 0\n", "hint-dead", 6, 3, "hint 5"),       # a hint to a deleted clause
    ("5 2 0 1 9 0\n", "hint-dead", 5, 1, "hint 9"),                              # a hint to no clause
    ("5 2 0 1 0\n6 0 5 3 4 0\n", "no-conflict", 5, 1, "conflict"),              # a missing hint
    ("5 2 0 1 2 0\n5 0 5 3 4 0\n", "id-order", 5, 2, "previous id 5"),          # a reused id
    ("6 2 0 1 2 0\n5 0 6 3 4 0\n", "id-order", 5, 2, "previous id 6"),          # ids going backwards
    ("3 2 0 1 2 0\n", "id-order", 3, 1, "previous id 4"),                        # an id of the formula
    ("5 2 0 1 2 0\n", "no-empty-clause", None, None, "never derives"),         # no empty clause
    ("5 2 0 1 2 0\n6 d 9 0\n", "delete-dead", 6, 2, "clause 9"),                 # deleting what is not there
    ("5 2 0 1 2 0\n6 d 1 1 0\n", "delete-dead", 6, 2, "clause 1"),
    ("5 0 -1 0\n", "rat-empty", 5, 1, "no pivot"),
    ("5 0 0\n", "no-conflict", 5, 1, "conflict"),
    ("5 0 1 0\n", "hint-not-unit", 5, 1, "hint 1"),
]
RAT_INVALID = [
    ("4 1 0 -1 0\n5 0 3 4 1 0\n", "rat-no-conflict", 4, 1, "candidate clause 1"),
    ("4 1 0 -1 3 0\n5 0 3 4 1 0\n", "rat-no-conflict", 4, 1, "candidate clause 1"),
    ("4 1 0 -1 2 -2 0\n5 0 3 4 1 0\n", "rat-candidate", 4, 1, "-2"),           # not a candidate
    ("4 1 0 -2 2 0\n5 0 3 4 1 0\n", "rat-missing", 4, 1, "clause 1"),
    ("4 1 0 -1 2 -1 2 0\n5 0 3 4 1 0\n", "rat-candidate", 4, 1, "-1"),          # a candidate twice
    ("4 1 0 0\n5 0 3 4 1 0\n", "no-conflict", 4, 1, "conflict"),                # RAT needed, none given
]
EXTENSION_INVALID = [  # a RAT step missing a candidate; candidates out of order
    ("5 -3 1 0 0\n6 -3 2 0 0\n7 3 -1 -2 0 -5 0\n8 2 0 1 2 0\n9 0 8 4 3 0\n", "rat-missing", 7, 3, "clause 6"),
    ("5 -3 1 0 0\n6 -3 2 0 0\n7 3 -1 -2 0 -6 -5 0\n8 2 0 1 2 0\n9 0 8 4 3 0\n", "rat-missing", 7, 3, "clause 5"),
]


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
