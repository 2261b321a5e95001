"""The encoder against the concrete evaluator.

Differential: for every sample subject and control, the encoded violation formula, evaluated by the
kernel's model evaluator on a request turned into variable values, is true exactly when
`violations.violates` says the request violates the control (and likewise "allowed" against
`evaluate.decide`). Known answers: small policies whose verdict follows from AWS's documented
rules go through the whole path (encode, produce, kernel, decode, evaluator)."""
import itertools
import json
import random
from pathlib import Path

import pytest

import checker
from cases import ACCOUNT, KNOWN, ORG_ONLY, bucket
from checker.smt import Model
from checker.smtlib import read
from evidence.policy import candidates
from evidence.policy.catalog import load_catalog
from evidence.policy.codec import Outside, assignment, define_funs
from evidence.policy.encode import Request as Vars
from evidence.policy.errors import Unsupported
from evidence.policy.evaluate import decide
from evidence.policy.judge import DISAGREE, encode, judge, produce
from evidence.policy.loader import load_estate
from evidence.policy.queries import encode_control
from evidence.policy.request import unrealisable
from evidence.policy.smtlib import Problem
from evidence.policy.violations import NETWORK_KINDS, violates

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PER_PAIR = 60  # requests per (control, subject); ~70 pairs plus the decision test: thousands in all


@pytest.fixture(scope="module")
def world():
    return load_catalog(SAMPLES / "catalog.yaml"), load_estate(SAMPLES / "account")


def truth(problem, sorts, values) -> bool:
    model = Model(problem, define_funs(sorts, values).encode())
    return all(model.term(t) is True for t, _ in problem.assertions)


def sample_requests(subject, estate, query, n, seed):
    found, _ = candidates.requests(subject, estate, query)
    pool = list(itertools.islice(found, 4000))
    return random.Random(seed).sample(pool, min(n, len(pool)))


def pairs(catalog, estate):
    return [(c, s) for c in catalog.controls for s in estate.subjects.values() if c.applies(s)]


def test_encoded_violation_equals_evaluator_on_sample_requests(world):
    catalog, estate = world
    compared = inside = 0
    for control, subject in pairs(catalog, estate):
        try:
            encoded = encode_control(control, subject, estate)
        except Unsupported:
            continue
        problem = read(encoded.problem.encode())
        sorts = _sorts(encoded.problem)
        if control.query.kind in NETWORK_KINDS:
            witnesses = list(candidates.packets(subject, estate, control.query))
            witnesses = random.Random(subject.id).sample(witnesses, min(PER_PAIR, len(witnesses)))
        else:
            witnesses = sample_requests(subject, estate, control.query, PER_PAIR, control.id + subject.id)
        for w in witnesses:
            compared += 1
            try:
                values = encoded.variables.assignment(w) if encoded.kind == "packet" else \
                    assignment(encoded.variables, w)
            except Outside:
                continue
            inside += 1
            expected = violates(control.query, subject, estate, w)
            if encoded.kind != "packet":  # the encoding holds only requests AWS could send (issue 14)
                expected = expected and unrealisable(w) is None
            assert truth(problem, sorts, values) == expected, (control.id, subject.id, w)
    assert inside >= 1000 and inside >= compared * 0.6, (inside, compared)


def test_encoded_decision_equals_evaluator(world):
    _, estate = world
    checked = 0
    for subject in estate.subjects.values():
        if not subject.is_policy:
            continue
        problem = Problem()
        try:
            r = Vars(problem, [subject.document])
            problem.add(r.allowed([subject.document]))
        except Unsupported:
            continue
        read_problem = read(problem.text().encode())
        query = type("Q", (), {"kind": "only-trusted-principals", "params": {}})()
        for request in sample_requests(subject, estate, query, 150, subject.id):
            try:
                values = assignment(r, request)
            except Outside:
                continue
            checked += 1
            expected = decide(subject.document, request).allowed and unrealisable(request) is None
            assert truth(read_problem, problem.sorts, values) == expected, request
    assert checked >= 500


def _sorts(text):
    out = {}
    for line in text.splitlines():
        if line.startswith("(declare-const "):
            name, sort = line[len("(declare-const "):-1].split()
            out[name] = sort
    return out


# --- known answers through the whole path --------------------------------------------------------------



def estate_of(tmp_path, *subjects):
    (tmp_path / "account.json").write_text(json.dumps(ACCOUNT))
    for s in subjects:
        (tmp_path / f"{s['id']}.json").write_text(json.dumps(s))
    return load_estate(tmp_path)




def run_one(control, subject, estate, tmp_path):
    encoded = encode(control, subject, estate)
    assert not isinstance(encoded, Unsupported), encoded
    problem, cert = tmp_path / f"{subject.id}.smt2", tmp_path / f"{subject.id}.cert"
    problem.write_text(encoded.problem)
    produced = produce(str(problem), str(cert), timeout=20)
    assert produced.answer in ("sat", "unsat"), produced.reason
    return judge(control, subject, estate, encoded, problem, cert), problem, cert


@pytest.mark.parametrize("control_id", sorted(KNOWN))
@pytest.mark.parametrize("expected", ["PASS", "FAIL"])
def test_known_answers(world, tmp_path, control_id, expected):
    catalog, _ = world
    control = catalog.control(control_id)
    subject_doc = KNOWN[control_id][0 if expected == "PASS" else 1]
    (tmp_path / "in").mkdir()
    estate = estate_of(tmp_path / "in", subject_doc)
    subject = estate.subjects[subject_doc["id"]]
    judged, problem, cert = run_one(control, subject, estate, tmp_path)
    assert judged.verdict == expected, judged.reason
    assert checker.check_smt(str(problem), str(cert)).verified  # every verdict rests on the kernel
    if expected == "FAIL":
        assert violates(control.query, subject, estate, judged.witness)


@pytest.mark.slow
def test_no_disagreement_on_samples(world, tmp_path):
    """Every sample model decodes to a request the evaluator confirms (a disagreement is an encoder bug)."""
    catalog, estate = world
    failed = 0
    for control, subject in pairs(catalog, estate):
        encoded = encode(control, subject, estate)
        if isinstance(encoded, Unsupported):
            continue
        problem, cert = tmp_path / "p.smt2", tmp_path / "p.cert"
        problem.write_text(encoded.problem)
        if produce(str(problem), str(cert), timeout=5).answer != "sat":
            continue
        judged = judge(control, subject, estate, encoded, problem, cert)
        assert DISAGREE not in (judged.reason or ""), (control.id, subject.id, judged.reason)
        failed += judged.verdict == "FAIL"
    assert failed >= 5


def test_disagreement_is_reported_not_trusted(world, tmp_path):
    """A model the evaluator does not confirm is NOT CHECKABLE, never a FAIL."""
    catalog, _ = world
    estate = estate_of(tmp_path, bucket("org-read", ORG_ONLY))
    control, subject = catalog.control("S3-1"), estate.subjects["org-read"]
    encoded = encode(control, subject, estate)
    # A problem satisfied by an insider's request: the kernel verifies the model, the evaluator refuses it.
    values = assignment(encoded.variables, candidates.Request.make(
        candidates.Principal.root(ACCOUNT["id"], ACCOUNT["organization"]), "s3:getobject", "arn:aws:s3:::b/x"))
    problem = tmp_path / "p.smt2"
    problem.write_text(Problem().text().replace("(check-sat)", "".join(
        f"(declare-const {n} {s})\n" for n, s in _sorts(encoded.problem).items()) + "(check-sat)"))
    body = define_funs(_sorts(encoded.problem), values)
    cert = tmp_path / "p.cert"
    cert.write_text(f"smtcert 2\nproblem {checker_sha(problem)}\nsat\n{body}")
    judged = judge(control, subject, estate, encoded, problem, cert)
    assert judged.verdict == "NOT CHECKABLE" and DISAGREE in judged.reason


def checker_sha(path):
    import hashlib
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_the_realism_assertions_written_once_a_process_give_the_same_bytes_as_written_afresh(world):
    """encode._shape_implications and _acting_without keep text that is the same for every request:
    every sample pair's problem is byte for byte what it is with both kept nowhere (cleared first)."""
    from evidence.policy import encode as module
    catalog, estate = world
    pairs = [(c, s) for c in catalog.controls for s in estate.subjects.values() if c.applies(s)]

    def problems(cold):
        out = []
        for c, s in pairs:
            if cold:
                module._shape_implications.cache_clear()
                module._acting_without.cache_clear()
            found = encode(c, s, estate)
            out.append(found.feature if isinstance(found, Unsupported) else found.problem.encode())
        return out
    fresh = problems(cold=True)
    module._shape_implications.cache_clear()
    warm = problems(cold=False)
    assert warm == fresh and any(isinstance(p, bytes) and b"(str.in_re" in p for p in warm)
    kept = module._shape_implications.cache_info()
    assert kept.misses == 1 and kept.hits > 10  # written once, for the first policy problem
