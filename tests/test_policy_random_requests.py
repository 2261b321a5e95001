"""Evaluator against encoder on thousands of random requests per sample policy.

The requests are random recombinations of the pieces the policy's own candidates use (principals,
actions, resources, condition keys and values), mixed with fresh pieces no policy names (unknown
accounts and organisations, anonymous and service callers, other actions and resources, absent keys,
values of other keys). For each, "the policy allows it" is decided twice: by the concrete evaluator
(`evaluate.decide`) and by the kernel's model evaluator on the encoded formula; they must agree."""
import itertools
import random
from pathlib import Path

import pytest

from checker.smt import Model
from checker.smtlib import read
from evidence.policy import candidates
from evidence.policy.codec import Outside, assignment, define_funs
from evidence.policy.encode import Request as Vars
from evidence.policy.errors import Unsupported
from evidence.policy.evaluate import decide
from evidence.policy.loader import load_estate
from evidence.policy.request import DERIVED_KEYS, Principal, Request, unrealisable
from evidence.policy.smtlib import Problem
from policy_helpers import identity

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PER_POLICY = 2000
QUERY = type("Q", (), {"kind": "only-trusted-principals", "params": {}})()


def fresh_principals(rng):
    account = "".join(rng.choice("0123456789") for _ in range(12))
    return [Principal.root(account), Principal.root(account, org_id="o-" + account[:10]), Principal.anonymous(),
            Principal.service(rng.choice(["lambda.amazonaws.com", "ec2.amazonaws.com", "cloudtrail.amazonaws.com"])),
            Principal.aws(f"arn:aws:iam::{account}:user/u{rng.randrange(9)}"),
            Principal.role_session(f"arn:aws:iam::{account}:role/r{rng.randrange(9)}")]


def random_request(pool, rng):
    """A recombination of candidate requests' pieces, with fresh ones mixed in (or, a third of the
    time, a candidate with only its condition context disturbed)."""
    base = rng.choice(pool)
    if rng.random() < 0.35:
        context = {k: v for k, v in base.context if k not in DERIVED_KEYS}
        if context and rng.random() < 0.5:
            context.pop(rng.choice(sorted(context)))
        return Request.make(base.principal, base.action, base.resource, context)
    principal = rng.choice(fresh_principals(rng)) if rng.random() < 0.3 else rng.choice(pool).principal
    action = rng.choice(pool).action if rng.random() < 0.85 else rng.choice(["s3:getobject", "iam:passrole",
                                                                              "ec2:runinstances", "kms:decrypt"])
    resource = rng.choice(pool).resource
    if rng.random() < 0.15:
        resource = resource[:rng.randrange(len(resource) + 1)] + rng.choice(["x", "/y", ":z", ""])
    keys = {k: v for r in rng.sample(pool, min(3, len(pool))) for k, v in r.context if k not in DERIVED_KEYS}
    context = {k: v for k, v in dict(base.context).items() if k not in DERIVED_KEYS}
    for key, values in keys.items():
        roll = rng.random()
        if roll < 0.3:
            context[key] = values
        elif roll < 0.4:
            context[key] = rng.choice(list(keys.values()))  # a value of another key
        elif roll < 0.5:
            context.pop(key, None)
    return Request.make(principal, action, resource, context)


def sample_policies():
    estate = load_estate(SAMPLES / "account")
    return estate, [s for s in estate.subjects.values() if s.is_policy]


ESTATE, POLICIES = sample_policies()


@pytest.mark.parametrize("subject", POLICIES, ids=lambda s: s.id)
def test_thousands_of_random_requests_per_policy(subject):
    problem = Problem()
    try:
        variables = Vars(problem, [subject.document])
        problem.add(variables.allowed([subject.document]))
    except Unsupported as unsupported:  # the run reports NOT CHECKABLE, naming the feature
        assert subject.id == "bucket-uploads" and "BinaryEquals" in str(unsupported), unsupported
        return
    formula = read(problem.text().encode())
    found, _ = candidates.requests(subject, ESTATE, QUERY)
    pool, rng = list(itertools.islice(found, 4000)), random.Random(subject.id)
    compared = allowed = 0
    for _ in range(PER_POLICY):
        request = random_request(pool, rng)
        try:
            values = assignment(variables, request)
        except Outside:  # beyond what the encoding models (the run would refuse it, not guess)
            continue
        model = Model(formula, define_funs(problem.sorts, values).encode())
        encoded = all(model.term(t) is True for t, _ in formula.assertions)
        # the encoding holds only requests AWS could send (request.unrealisable, issue 14)
        expected = decide(subject.document, request).allowed and unrealisable(request) is None
        assert encoded == expected, (subject.id, request)
        compared += 1
        allowed += expected
    assert compared >= PER_POLICY // 2, compared  # most random requests are inside the encoding's space
    if any(decide(subject.document, r).allowed for r in pool):
        assert 0 < allowed < compared, (allowed, compared)  # both answers were compared


# --- policy variables (issue 13): shapes from IAM User Guide, reference_policies_variables.html
# ("Using variables in policies", "Tags as policy variables", "Specifying default values") ---------------

VARIABLE_POLICIES = {
    "home-folder": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                     "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"},
                    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket",
                     "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]}}}],
    "team-bucket": [{"Effect": "Allow", "Action": "s3:*",
                     "Resource": "arn:aws:s3:::amzn-s3-demo-bucket-${aws:PrincipalTag/team, 'company-wide'}"}],
    "own-account": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::logs-${aws:PrincipalAccount}/*"},
                    {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                     "Condition": {"StringNotEquals": {"aws:userid": "AIDA${aws:username}"}}}],
    "user-named": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${*}/${aws:username}",
                    "Condition": {"StringEquals": {"aws:username": ["alice", "bob"]}}}],
}
NAMES = ["alice", "bob", "carol", ""]


def variable_request(rng, keys):
    account = rng.choice(["111122223333", "444455556666"])
    name = rng.choice(NAMES[:3])
    principal = rng.choice([Principal.aws(f"arn:aws:iam::{account}:user/{name}"),
                            Principal.aws(f"arn:aws:iam::{account}:user/{name}"),
                            Principal.aws(f"arn:aws:iam::{account}:user/division/{name}"),
                            Principal.role_session(f"arn:aws:iam::{account}:role/{name}", name),
                            Principal.root(account), Principal.anonymous(), Principal.service("ec2.amazonaws.com")])
    action = rng.choice(["s3:getobject", "s3:putobject", "s3:listbucket", "s3:deletebucket"])
    other = name if rng.random() < 0.5 else rng.choice(NAMES)  # half the time the caller's own folder
    resource = rng.choice([f"arn:aws:s3:::amzn-s3-demo-bucket/home/{other}/f", "arn:aws:s3:::amzn-s3-demo-bucket",
                           f"arn:aws:s3:::amzn-s3-demo-bucket-{rng.choice(['yellow', 'company-wide', 'red'])}",
                           f"arn:aws:s3:::logs-{rng.choice(['111122223333', '444455556666'])}/k",
                           f"arn:aws:s3:::b/*/{other}", f"arn:aws:s3:::b/x/{other}"])
    context: dict = {}
    if rng.random() < 0.6:
        context["aws:PrincipalTag/team"] = rng.sample(["yellow", "red"], rng.randrange(1, 3))
    if rng.random() < 0.6:
        context["aws:userid"] = "AIDA" + (name if rng.random() < 0.5 else rng.choice(NAMES))
    if rng.random() < (0.8 if action == "s3:listbucket" else 0.05):  # S3 sets it for ListBucket only
        context["s3:prefix"] = rng.choice(["", "home/", f"home/{other}/", f"home/{other}/x", "other/"])
    # only the keys the policy names: the encoding holds a request's projection on them (encode.py)
    return Request.make(principal, action, resource, {k: v for k, v in context.items() if k.lower() in keys})


@pytest.mark.parametrize("name", sorted(VARIABLE_POLICIES))
def test_random_requests_on_policies_with_variables(name):
    document = identity(*VARIABLE_POLICIES[name])
    problem = Problem()
    variables = Vars(problem, [document])
    problem.add(variables.allowed([document]))
    formula = read(problem.text().encode())
    rng = random.Random(name)
    compared = allowed = 0
    for _ in range(PER_POLICY // 2):
        request = variable_request(rng, variables.keys)
        try:
            values = assignment(variables, request)
        except Outside:
            continue
        model = Model(formula, define_funs(problem.sorts, values).encode())
        encoded = all(model.term(t) is True for t, _ in formula.assertions)
        expected = decide(document, request).allowed and unrealisable(request) is None
        assert encoded == expected, (name, request)
        compared += 1
        allowed += expected
    assert compared >= PER_POLICY // 4, compared
    assert 5 <= allowed < compared, (allowed, compared)  # both answers were compared, allowed ones too
