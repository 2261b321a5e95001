"""The demo account: every control has a subject; the untrusted search finds a counterexample for
every non-compliant sample, the evaluator confirms it, and the demo shows all three outcomes."""
import pytest

from evidence.policy.catalog import load_catalog
from evidence.policy.concrete import COUNTEREXAMPLE, NOT_CHECKABLE, NOTHING_FOUND, confirm, search, search_all
from evidence.policy.loader import load_estate

ESTATE = load_estate("samples/account")
CATALOG = load_catalog("samples/catalog.yaml")

# What the demo is built to show (see each sample's description). Everything else: nothing found.
EXPECTED = {
    ("IAM-1", "iam-admin"): COUNTEREXAMPLE,
    ("IAM-2", "iam-admin"): COUNTEREXAMPLE,
    ("S3-1", "bucket-website"): COUNTEREXAMPLE,
    ("S3-2", "bucket-uploads"): NOT_CHECKABLE,
    ("S3-2", "bucket-dropbox"): COUNTEREXAMPLE,
    ("RES-1", "bucket-dropbox"): COUNTEREXAMPLE,
    ("ORG-1", "scp-legacy"): COUNTEREXAMPLE,
    ("RES-1", "bucket-website"): COUNTEREXAMPLE,
    ("RES-1", "bucket-partner"): COUNTEREXAMPLE,
    ("RES-1", "bucket-uploads"): NOT_CHECKABLE,
    ("RES-1", "kms-key-shared"): COUNTEREXAMPLE,
    ("IAM-3", "role-ci-trust"): COUNTEREXAMPLE,
    ("IAM-3", "role-vendor-trust"): COUNTEREXAMPLE,
    ("KMS-1", "kms-key-shared"): COUNTEREXAMPLE,
    ("S3-3", "bucket-website"): COUNTEREXAMPLE,
    ("S3-4", "bucket-website"): COUNTEREXAMPLE,
    ("S3-4", "bucket-uploads"): COUNTEREXAMPLE,
    ("NET-1", "sg-bastion"): COUNTEREXAMPLE,
    ("NET-1", "sg-rdp"): COUNTEREXAMPLE,
    ("NET-1", "sg-partners"): NOT_CHECKABLE,
    ("NET-2", "nacl-public"): COUNTEREXAMPLE,
    ("NET-3", "sg-default"): COUNTEREXAMPLE,
    ("NET-4", "sg-bastion"): COUNTEREXAMPLE,
    ("NET-4", "sg-rdp"): COUNTEREXAMPLE,
    ("NET-4", "sg-partners"): NOT_CHECKABLE,
    ("NET-4", "nacl-public"): COUNTEREXAMPLE,
    ("ORG-2", "scp-legacy"): COUNTEREXAMPLE,
    ("CHG-1", "iam-deploy"): COUNTEREXAMPLE,
}
FINDINGS = {(f.control, f.subject): f for f in search_all(CATALOG, ESTATE)}


def test_every_control_has_a_subject_and_both_a_failing_and_a_clean_one():
    for control in CATALOG.controls:
        outcomes = {f.outcome for (c, _), f in FINDINGS.items() if c == control.id}
        assert COUNTEREXAMPLE in outcomes, control.id
        assert NOTHING_FOUND in outcomes, control.id


def test_the_demo_shows_every_outcome():
    assert {f.outcome for f in FINDINGS.values()} == {COUNTEREXAMPLE, NOTHING_FOUND, NOT_CHECKABLE}


@pytest.mark.parametrize("key", sorted(FINDINGS))
def test_sample_outcome(key):
    finding = FINDINGS[key]
    assert finding.outcome == EXPECTED.get(key, NOTHING_FOUND), finding


@pytest.mark.parametrize("key", sorted(k for k, v in EXPECTED.items() if v == COUNTEREXAMPLE))
def test_counterexamples_are_confirmed_and_explained(key):
    control, subject = CATALOG.control(key[0]), ESTATE.subjects[key[1]]
    finding = search(control, subject, ESTATE)
    assert confirm(control, subject, ESTATE, finding.witness)
    assert finding.explanation and "PASS" not in finding.explanation


def test_not_checkable_names_the_feature():
    assert "BinaryEquals" in FINDINGS[("S3-2", "bucket-uploads")].explanation
    assert "pl-0partners1" in FINDINGS[("NET-1", "sg-partners")].explanation


def test_plain_words():
    assert FINDINGS[("S3-1", "bucket-website")].explanation.startswith(
        "anyone (an anonymous caller) can s3:getobject on arn:aws:s3:::example-website/")
    assert "outside the organisation (account 777766665555" in FINDINGS[("IAM-3", "role-vendor-trust")].explanation
    assert "TCP port 22 in from" in FINDINGS[("NET-2", "nacl-public")].explanation
    assert "rule 100" in FINDINGS[("NET-2", "nacl-public")].explanation


def test_search_never_reports_a_pass():
    assert all(f.outcome in (COUNTEREXAMPLE, NOTHING_FOUND, NOT_CHECKABLE) for f in FINDINGS.values())
