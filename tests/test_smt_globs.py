"""globs.explore, the producer's emptiness check of memberships: its shortcuts (a positive single
word walked along, classes no pattern tells apart stepped once, answers remembered) give exactly what
the plain breadth-first search over every class gives, states and their order included (they are the
witness of a `str` lemma); and the string theory decides a true action's patterns in one round."""
from __future__ import annotations

import random

import checker
from checker.theories import strings as kernel
from evidence.smt import globs
from smt_helpers import prove, verdicts


def plain(literals, limit=None):
    """The search as it was written first: every class of the alphabet, from every state."""
    cuts = kernel.classes([p for p, _ in literals])
    return globs.breadth_first(literals, cuts, globs.representatives(cuts), limit)


WORDS = ["iam:passrole", "iam:createpolicyversion", "sts:assumerole", "s3:getobject", "", "a", "ec2:get"]
GLOBS = ["iam:*", "*", "s3:get*", "ec2:get*", "?am:pass*", "*role", "*:*", "s3:???object", "i*m*", "sts:assume?ole"]
AUTOMATA = [kernel.row((kernel.FULL,) * k, every) for k in range(5) for every in (True, False)] + \
    [kernel.row((((ord("a"), ord("z")),),) * 3), kernel.ALLCHAR]


def test_the_shortcuts_answer_as_the_plain_search(monkeypatch):
    monkeypatch.setattr(globs, "_explored", {})
    pool = [globs.parse_glob(g) for g in WORDS + GLOBS] + AUTOMATA
    rng = random.Random(7)
    words = shortcuts = 0
    for _ in range(3000):
        literals = [(rng.choice(pool), rng.random() < 0.6) for _ in range(rng.randint(1, 4))]
        limit = rng.choice([None, 3, 8, 1 << 17])
        expected = plain(literals, limit)
        assert globs.explore(literals, limit) == expected, (literals, limit)
        assert globs.explore(literals, limit) == expected  # remembered
        words += any(positive and globs._is_word(p) for p, positive in literals)
        shortcuts += expected is not None and expected[0] == "empty"
    assert words > 500 and shortcuts > 500  # both ways of answering were exercised


ACTIONS = ["iam:passrole", "iam:createpolicyversion", "iam:attachrolepolicy", "sts:assumerole",
           "lambda:updatefunctioncode", "iam:putrolepolicy"]
ALLOWED = ["ec2:describe*", "s3:get*", "s3:list*", "logs:get*", "dynamodb:batchget*", "kms:describe*"]


def _membership(glob: str) -> str:
    parts = [f'(str.to_re "{piece}")' if piece else "" for piece in glob.split("*")]
    return "(re.++ " + " re.all ".join(p for p in parts) + (" re.all" if glob.endswith("*") else "") + ")" \
        if "*" in glob else f'(str.to_re "{glob}")'


def test_a_true_action_decides_every_allow_pattern_in_one_round(tmp_path):
    """IAM-2's shape: the action is one of a list and matches one of a policy's Allow patterns, none
    of which admits any of them.  Round by round, pair by pair, that took a round for each (action,
    pattern) the SAT solver tried (up to 36 here); deciding a true action's patterns at once, about a
    round for each action.  The certificate verifies with every kernel."""
    text = "(set-logic ALL)\n(declare-const act String)\n" + \
        f"(assert (or {' '.join(f'(str.in_re act {_membership(a)})' for a in ACTIONS)}))\n" + \
        f"(assert (or {' '.join(f'(str.in_re act {_membership(g)})' for g in ALLOWED)}))\n(check-sat)\n"
    problem, cert, result = prove(tmp_path, text)
    assert result.answer == "unsat"
    assert result.rounds <= len(ACTIONS) + 2, result
    assert [v.status for v in verdicts(problem, cert)] == ["VERIFIED"] * len(checker.kernels())


def test_a_true_action_inside_a_pattern_is_still_a_model(tmp_path):
    text = "(set-logic ALL)\n(declare-const act String)\n" + \
        f"(assert (or {' '.join(f'(str.in_re act {_membership(a)})' for a in ACTIONS)}))\n" + \
        f"(assert (or {' '.join(f'(str.in_re act {_membership(g)})' for g in ALLOWED + ['sts:assume*'])}))\n" \
        "(check-sat)\n"
    problem, cert, result = prove(tmp_path, text)
    assert result.answer == "sat" and '"sts:assumerole"' in cert.read_text()
    assert [v.status for v in verdicts(problem, cert)] == ["VERIFIED"] * len(checker.kernels())
