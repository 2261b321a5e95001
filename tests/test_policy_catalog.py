"""The control catalog: identified by the sha256 of its bytes, every control mapped and applicable,
and a malformed catalog refused with the file and the element path."""
import hashlib

import pytest

from evidence.policy.catalog import CIS, NIST, QUERY_KINDS, SOC2, load_catalog
from evidence.policy.errors import PolicyInputError

SAMPLE = "samples/catalog.yaml"
ISSUE_CONTROLS = {"IAM-1", "IAM-2", "S3-1", "S3-2", "RES-1", "IAM-3", "KMS-1", "S3-3", "S3-4", "NET-1", "NET-2",
                  "NET-3", "NET-4", "ORG-1", "ORG-2", "CHG-1"}


def test_identity_is_the_sha256_of_the_file(tmp_path):
    catalog = load_catalog(SAMPLE)
    with open(SAMPLE, "rb") as f:
        assert catalog.sha256 == hashlib.sha256(f.read()).hexdigest()
    changed = tmp_path / "catalog.yaml"
    changed.write_bytes(open(SAMPLE, "rb").read() + b"\n# a comment is a change\n")
    assert load_catalog(changed).sha256 != catalog.sha256


def test_every_control_of_the_issue_is_there_and_mapped():
    catalog = load_catalog(SAMPLE)
    assert {c.id for c in catalog.controls} == ISSUE_CONTROLS
    for control in catalog.controls:
        assert control.mappings[NIST] and control.mappings[SOC2], control.id
        assert CIS in control.mappings, control.id
        assert control.query.kind in QUERY_KINDS


@pytest.mark.parametrize("control, nist, soc2, cis", [
    ("IAM-1", "AC-6", "CC6.1", "1.16"),
    ("S3-3", "SC-8", "CC6.7", "2.1.2"),
    ("NET-1", "SC-7", "CC6.6", "5.2"),
    ("NET-2", "SC-7", "CC6.6", "5.1"),
    ("NET-3", "SC-7", "CC6.6", "5.4"),
    ("CHG-1", "CM-3", "CC8.1", None),
])
def test_known_mappings(control, nist, soc2, cis):
    c = load_catalog(SAMPLE).control(control)
    assert nist in c.mappings[NIST] and soc2 in c.mappings[SOC2]
    assert (cis in c.mappings[CIS]) if cis else not c.mappings[CIS]


GOOD_CONTROL = """
  - id: X-1
    title: t
    statement: s
    applies_to: [security-group]
    query: {kind: no-world-ingress, protocol: tcp, ports: [22]}
    mappings: {nist-800-53r5: [SC-7], soc2-tsc: [CC6.6], cis-aws-foundations: []}
"""


def catalog_text(control=GOOD_CONTROL, head="version: 1\nname: test\ncontrols:"):
    return head + control


@pytest.mark.parametrize("text, path, words", [
    (catalog_text(GOOD_CONTROL.replace("no-world-ingress", "no-world-ingres")), "controls[0].query.kind",
     "unknown query kind"),
    (catalog_text(GOOD_CONTROL.replace("ports: [22]", "ports: [22], port: 3389")), "controls[0].query.port",
     "unknown element"),
    (catalog_text(GOOD_CONTROL.replace("ports: [22]", "ports: [99999]")), "controls[0].query.ports[0]", "out of range"),
    (catalog_text(GOOD_CONTROL.replace("protocol: tcp", "protocol: tpc")), "controls[0].query.protocol",
     "unknown protocol"),
    (catalog_text(GOOD_CONTROL.replace("[security-group]", "[s3-bucket-policy]")), "controls[0].applies_to[0]",
     "cannot apply"),
    (catalog_text(GOOD_CONTROL.replace("[security-group]", "[vpc]")), "controls[0].applies_to[0]", "unknown subject kind"),
    (catalog_text(GOOD_CONTROL.replace("soc2-tsc", "soc3")), "controls[0].mappings.soc3", "unknown element"),
    (catalog_text(GOOD_CONTROL.replace("[SC-7]", "SC-7")), "controls[0].mappings.nist-800-53r5", "expected a list"),
    (catalog_text(GOOD_CONTROL + GOOD_CONTROL), "controls[1].id", "used twice"),
    (catalog_text(GOOD_CONTROL.replace("    statement: s\n", "")), "controls[0]", "missing 'statement'"),
    (catalog_text("", "version: 1\nname: test\ncontrols: []"), "controls", "non-empty"),
    (catalog_text(GOOD_CONTROL.replace("{kind: no-world-ingress, protocol: tcp, ports: [22]}",
                                       "{kind: explicit-deny, actions: [s3PutObject]}").replace(
        "[security-group]", "[s3-bucket-policy]")), "controls[0].query.actions[0]", "not an action"),
])
def test_malformed_catalog(tmp_path, text, path, words):
    file = tmp_path / "catalog.yaml"
    file.write_text(text)
    with pytest.raises(PolicyInputError) as caught:
        load_catalog(file)
    assert caught.value.file == str(file)
    assert caught.value.path == path and words in caught.value.message, str(caught.value)


def test_yaml_syntax_error_has_a_position(tmp_path):
    file = tmp_path / "catalog.yaml"
    file.write_text("version: 1\ncontrols: [\n")
    with pytest.raises(PolicyInputError, match=r"catalog.yaml:\d+:\d+: not valid YAML"):
        load_catalog(file)
