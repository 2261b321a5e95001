"""evidence/inputs/awscli.py beyond describe-security-groups: each input written from the AWS CLI reference:

- describe-security-group-rules.json: https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-security-group-rules.html
- describe-network-acls.json (default ACL of a VPC with IPv6, rules 32767 and 32768 as AWS returns them):
  https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-network-acls.html
- 123456789012/amzn-s3-demo-bucket.bucket-policy.json: https://docs.aws.amazon.com/cli/latest/reference/s3api/get-bucket-policy.html
- 123456789012/<key id>.key-policy.json: https://docs.aws.amazon.com/cli/latest/reference/kms/get-key-policy.html
- describe-policy-*.json, list-policies.json: https://docs.aws.amazon.com/cli/latest/reference/organizations/describe-policy.html
  and .../organizations/list-policies.html (RCP: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html)
"""
import json
from pathlib import Path

from evidence.inputs import load_inputs
from evidence.policy.addresses import parse_address
from evidence.policy.catalog import load_catalog
from evidence.policy.concrete import COUNTEREXAMPLE, NOT_CHECKABLE, NOTHING_FOUND, search
from evidence.policy.firewall import Packet, network_acl_allows, security_group_admits
from evidence.policy.loader import Account

DATA = Path(__file__).parent / "data" / "estates"
CATALOG = load_catalog("samples/catalog.yaml")


def read(*names):
    got = load_inputs([DATA / n for n in names])
    assert not got.refused, got.refused
    return got


def test_security_group_rules_make_one_group_each():
    estate = read("describe-security-group-rules.json").estate
    assert sorted(estate.subjects) == ["sg-0fedcba9876543210", "sg-1234567890abcdef0"]
    own = estate.subjects["sg-1234567890abcdef0"].document
    assert len(own.ingress) == 1 and own.ingress[0].groups == ("sg-1234567890abcdef0",) and len(own.egress) == 2
    web = estate.subjects["sg-0fedcba9876543210"].document
    assert security_group_admits(web, Packet(6, 443, parse_address("2001:db8:1234:1a00::5")))
    assert not security_group_admits(web, Packet(6, 443, parse_address("2001:db8:1234:1b00::5")))


def test_a_prefix_list_is_not_checkable_naming_it_never_pass(tmp_path):
    estate = read("describe-security-group-rules.json").estate
    found = search(CATALOG.control("NET-1"), estate.subjects["sg-0fedcba9876543210"], estate)
    assert found.outcome == COUNTEREXAMPLE  # SSH from 0.0.0.0/0 is certain
    del_ssh = json.loads((DATA / "describe-security-group-rules.json").read_text())
    rules = [r for r in del_ssh["SecurityGroupRules"] if r.get("FromPort") != 22]
    (tmp_path / "out.json").write_text(json.dumps({"SecurityGroupRules": rules}))
    estate2 = read(tmp_path / "out.json").estate
    found = search(CATALOG.control("NET-1"), estate2.subjects["sg-0fedcba9876543210"], estate2)
    assert found.outcome == NOT_CHECKABLE and "pl-02cd2c6b" in found.explanation


def test_the_ipv6_default_rule_32768_is_accepted_and_denies():
    acl = read("describe-network-acls.json").estate.subjects["acl-0ea1f54ca7EXAMPLE"].document
    assert [e.number for e in acl.rules(False)] == [100, 101, 32767, 32768]
    assert network_acl_allows(acl, Packet(6, 22, parse_address("2001:db8::1")))
    defaults_only = type(acl)(acl.id, acl.is_default, tuple(e for e in acl.entries if e.number > 101))
    assert not network_acl_allows(defaults_only, Packet(6, 22, parse_address("2001:db8::1")))
    assert not network_acl_allows(defaults_only, Packet(6, 22, parse_address("192.0.2.1")))


def test_a_rule_number_above_32768_is_refused(tmp_path):
    data = json.loads((DATA / "describe-network-acls.json").read_text())
    data["NetworkAcls"][0]["Entries"][3]["RuleNumber"] = 32769
    (tmp_path / "acls.json").write_text(json.dumps(data))
    got = load_inputs([tmp_path])
    assert "NetworkAcls[0].Entries[3].RuleNumber" in got.refused[0][1] and "32769" in got.refused[0][1]


def test_bucket_and_key_policies_take_their_name_from_the_file_and_account_from_the_folder():
    estate = read("123456789012").estate
    bucket = estate.subjects["bucket/amzn-s3-demo-bucket"]
    assert bucket.kind == "s3-bucket-policy" and bucket.account == "123456789012"
    assert bucket.resources == ("arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*")
    key = estate.subjects["key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    assert key.kind == "kms-key-policy" and len(key.document.statements) == 2
    estate.accounts["123456789012"] = Account("123456789012")
    assert search(CATALOG.control("S3-1"), bucket, estate).outcome == COUNTEREXAMPLE  # public GetObject
    assert search(CATALOG.control("KMS-1"), key, estate).outcome == NOTHING_FOUND
    assert search(CATALOG.control("RES-1"), key, estate).outcome == COUNTEREXAMPLE  # the partner is not trusted


def test_a_bucket_policy_without_its_account_or_bucket_name_is_refused_clearly(tmp_path):
    text = (DATA / "123456789012" / "amzn-s3-demo-bucket.bucket-policy.json").read_text()
    (tmp_path / "amzn-s3-demo-bucket.json").write_text(text)
    (tmp_path / "Policy_Output.json").write_text(text)
    got = load_inputs([tmp_path])
    why = dict(got.refused)
    assert "folder named by the 12-digit account id" in why[str(tmp_path / "amzn-s3-demo-bucket.json")]
    assert "not a bucket name" in why[str(tmp_path / "Policy_Output.json")]


def test_organizations_policies_scp_and_rcp_read_other_types_and_summaries_skipped():
    got = read("describe-policy-scp.json", "describe-policy-rcp.json", "describe-policy-tag.json", "list-policies.json")
    assert {s.id: s.kind for s in got.estate.subjects.values()} == {"scp/p-examplepolicyid111": "scp",
                                                                    "rcp/p-examplercp1": "rcp"}
    assert got.estate.subjects["rcp/p-examplercp1"].account == "111111111111"
    assert [p.split("/")[-1].split(" ")[0] for p in got.skipped] == ["describe-policy-tag.json", "list-policies.json"]
    assert "TAG_POLICY" in got.skipped[0] and "summaries" in got.skipped[1]
    estate = got.estate
    scp = estate.subjects["scp/p-examplepolicyid111"]
    assert search(CATALOG.control("ORG-1"), scp, estate).outcome == NOTHING_FOUND  # denies everyone


RCP_CATALOG = """\
version: "test-1"
name: resource control policies
frameworks: {nist-800-53r5: NIST SP 800-53 Revision 5}
controls:
  - id: RCP-1
    title: Resources refuse plain HTTP
    statement: The resource control policies deny every S3 request made without TLS.
    applies_to: [rcp]
    query: {kind: explicit-deny, actions: ["s3:GetObject"], context: {"aws:SecureTransport": ["false"]}}
    mappings: {nist-800-53r5: [SC-8]}
"""


def test_an_rcp_is_a_subject_kind_evaluated_like_an_scp_on_resources(tmp_path):
    (tmp_path / "catalog.yaml").write_text(RCP_CATALOG)
    catalog = load_catalog(tmp_path / "catalog.yaml")
    estate = read("describe-policy-rcp.json").estate
    rcp = estate.subjects["rcp/p-examplercp1"]
    control = catalog.control("RCP-1")
    assert control.applies(rcp) and rcp.document.statements[0].principal.everyone
    assert search(control, rcp, estate).outcome == NOTHING_FOUND  # denied without TLS, to every principal
    weak = json.loads((DATA / "describe-policy-rcp.json").read_text())
    content = json.loads(weak["Policy"]["Content"])
    content["Statement"][0]["Action"] = ["sqs:*"]  # S3 no longer covered
    weak["Policy"]["Content"] = json.dumps(content)
    (tmp_path / "rcp.json").write_text(json.dumps(weak))
    estate = read(tmp_path / "rcp.json").estate
    assert search(control, estate.subjects["rcp/p-examplercp1"], estate).outcome == COUNTEREXAMPLE


def test_an_rcp_without_a_principal_is_refused_as_aws_would(tmp_path):
    weak = json.loads((DATA / "describe-policy-rcp.json").read_text())
    content = json.loads(weak["Policy"]["Content"])
    del content["Statement"][0]["Principal"]
    weak["Policy"]["Content"] = json.dumps(content)
    (tmp_path / "rcp.json").write_text(json.dumps(weak))
    got = load_inputs([tmp_path])
    assert "Policy.Content.Statement[0]" in got.refused[0][1] and "Principal" in got.refused[0][1]
