"""evidence/inputs/cloudformation.py and terraform.py: templates and Terraform, from real-shaped inputs in
tests/data/iac/123456789012/ (the folder names the account), each file citing the page it follows:

- CloudFormation template reference, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/
  (aws-resource-s3-bucketpolicy, aws-resource-iam-role, aws-resource-iam-managedpolicy, aws-resource-ec2-securitygroup,
  aws-resource-ec2-securitygroupingress, aws-resource-ec2-networkaclentry, aws-resource-kms-key) and the intrinsic
  function reference, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
- Terraform AWS provider resources, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/
  (s3_bucket_policy, iam_role, iam_role_policy, iam_policy, security_group, vpc_security_group_ingress_rule,
  network_acl, network_acl_rule, kms_key) and the JSON output format of `terraform show -json`,
  https://developer.hashicorp.com/terraform/internals/json-format (values / planned_values, after_unknown).
"""
import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence.cli import cli
from evidence.inputs import detect, load_inputs
from evidence.policy.catalog import load_catalog
from evidence.policy.concrete import COUNTEREXAMPLE, NOT_CHECKABLE, NOTHING_FOUND, search
from evidence.policy.loader import Account

IAC = Path(__file__).parent / "data" / "iac" / "123456789012"
CLI_BUCKET = Path(__file__).parent / "data" / "estates" / "123456789012" / "amzn-s3-demo-bucket.bucket-policy.json"
CATALOG = load_catalog("samples/catalog.yaml")
OWNER = "123456789012"


def read(*paths, refused=0):
    got = load_inputs(list(paths))
    assert len(got.refused) == refused, got.refused
    got.estate.accounts[OWNER] = Account(OWNER)
    return got


def verdicts(subject, estate):
    controls = [c for c in CATALOG.controls if c.applies(subject)]
    assert controls, subject
    return {c.id: search(c, subject, estate) for c in controls}


def _plain(policy):
    return tuple(dataclasses.replace(st, where="", conditions=tuple(dataclasses.replace(c, where="")
                                                                    for c in st.conditions))
                 for st in policy.statements)


def test_formats_are_detected_from_content(tmp_path):
    assert detect(IAC / "cfn" / "stack.yaml") == "cloudformation"
    assert detect(IAC / "cfn" / "symbolic.json") == "cloudformation"
    assert detect(IAC / "tf-module" / "iam.tf") == "terraform"
    assert detect(IAC / "state" / "terraform-show-state.json") == "terraform"
    assert detect(IAC / "plan" / "terraform-show-plan.json") == "terraform"
    assert detect(IAC / "tf-module" / "README.md") is None
    assert detect(IAC / "tf-module" / ".terraform.lock.hcl") is None
    native = tmp_path / "s.yaml"
    native.write_text("kind: scp\nid: x\naccount: '123456789012'\ndocument: {Statement: []}\n")
    assert detect(native) == "native"


@pytest.mark.parametrize("source", [IAC / "cfn" / "bucket-roundtrip.yaml", IAC / "tf-roundtrip" / "main.tf",
                                    IAC / "state" / "terraform-show-state.json",
                                    IAC / "plan" / "terraform-show-plan.json"])
def test_round_trip_the_cli_bucket_policy_gives_the_same_subject_and_verdicts(source):
    seen = []
    for path in (CLI_BUCKET, source):
        estate = read(path).estate
        subject = estate.subjects["bucket/amzn-s3-demo-bucket"]
        got = {cid: f.outcome for cid, f in verdicts(subject, estate).items()}
        seen.append((subject.kind, subject.account, subject.resources, subject.document.missing,
                     _plain(subject.document), got))
    assert seen[0] == seen[1]
    assert seen[0][5]["S3-1"] == COUNTEREXAMPLE and seen[0][5]["S3-3"] == NOTHING_FOUND, seen[0][5]


def test_a_template_gives_roles_policies_groups_acls_and_keys():
    got = read(IAC / "cfn" / "stack.yaml")
    subjects = got.estate.subjects
    assert sorted(subjects) == ["policy/read-logs", "role/deploy", "role/deploy/trust", "stack.yaml#Acl",
                                "stack.yaml#AdminGroup", "stack.yaml#Key", "stack.yaml#WebGroup"]
    assert any("AWS::Logs::LogGroup" in s for s in got.skipped_items)
    role = subjects["role/deploy"].document  # inline policy + the template's managed policy, Ref'd by logical id
    assert [str(r.text) for st in role.statements for r in st.resources] == [
        "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*", "arn:aws:logs:*:123456789012:log-group:app:*"]
    assert role.missing and "arn:aws:iam::aws:policy/ReadOnlyAccess" in role.missing[0]
    assert subjects["role/deploy/trust"].resources == ("arn:aws:iam::123456789012:role/deploy",)
    web = subjects["stack.yaml#WebGroup"].document
    # no SecurityGroupEgress: the default allow-all egress rule; the separate ingress resource refers to the admin group
    assert [(r.protocol, r.ports.low) for r in web.ingress] == [(6, 443), (6, 8080)]
    assert web.ingress[1].groups == ("#AdminGroup",) and [b.text for b in web.egress[0].blocks] == ["0.0.0.0/0"]
    acl = subjects["stack.yaml#Acl"].document
    assert [(e.number, e.egress, e.protocol, e.allow) for e in acl.entries] == [(100, False, 6, True),
                                                                                (100, True, -1, True)]
    key = subjects["stack.yaml#Key"].document  # no KeyPolicy: KMS's default key policy
    assert key.statements[0].principal.accounts == frozenset({OWNER})


def test_a_role_attached_to_a_policy_not_in_the_template_is_not_checkable():
    got = read(IAC / "cfn" / "stack.yaml")
    found = verdicts(got.estate.subjects["role/deploy"], got.estate)
    assert all(f.outcome == NOT_CHECKABLE and "ReadOnlyAccess" in f.explanation for f in found.values()), found


def test_intrinsics_the_template_does_not_fix_stay_symbolic_and_are_never_pass():
    got = read(IAC / "cfn" / "symbolic.json", IAC / "cfn" / "stack.yaml")
    subjects = got.estate.subjects
    cases = {"symbolic.json#BucketPolicy": ("Fn::Sub", "TrustedAccount"),
             "bucket/amzn-s3-demo-bucket2": ("AWS::Partition",),
             "stack.yaml#AdminGroup": ("Ref AllowedCidr", "SecurityGroupIngress[0]")}
    for sid, names in cases.items():
        found = verdicts(subjects[sid], got.estate)
        for finding in found.values():
            assert finding.outcome == NOT_CHECKABLE, (sid, finding)
            assert all(n in finding.explanation for n in names), (sid, finding.explanation)
    # the bucket of BucketPolicy is `Ref Bucket` with no BucketName: CloudFormation names it, so it is open too
    assert any("Ref Bucket" in m for m in subjects["symbolic.json#BucketPolicy"].document.missing)
    # what the template fixes is checked: the web group has no symbolic value
    assert all(f.outcome != NOT_CHECKABLE for f in verdicts(subjects["stack.yaml#WebGroup"], got.estate).values())


def test_a_tf_folder_gives_its_subjects_and_lists_what_it_skips():
    got = read(IAC / "tf-module")
    subjects = got.estate.subjects
    assert sorted(subjects) == ["aws_kms_key.logs", "aws_network_acl.main", "aws_security_group.admin",
                                "aws_security_group.web", "policy/read-logs", "role/deploy", "role/deploy/trust"]
    assert sorted(Path(p).name for p in got.skipped) == [
        ".terraform.lock.hcl", "README.md", "variables.tf (Terraform without a resource type proofgate reads "
                                            "(no resources))"]
    assert any("aws_cloudwatch_log_group.app" in s for s in got.skipped_items)
    # the heredoc's $${aws:username} is Terraform's escape of the policy variable
    role = subjects["role/deploy"].document
    assert role.statements[0].resources[0].text == "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"
    web = subjects["aws_security_group.web"].document  # the separate rule resource (network.tf) joins its group
    assert [(r.protocol, r.ports.low, r.groups) for r in web.ingress] == [(6, 443, ()),
                                                                         (6, 8080, ("aws_security_group.admin",))]
    acl = subjects["aws_network_acl.main"].document
    assert [(e.number, e.egress) for e in acl.entries] == [(100, False), (200, True)]
    # aws_iam_policy.logs's policy is data.aws_iam_policy_document.logs.json; the role has it attached
    logs = subjects["policy/read-logs"].document
    assert [(st.sid, st.effect, st.conditions[0].key if st.conditions else None) for st in logs.statements] == [
        ("ReadLogs", "Allow", "aws:principaltag/team"), (None, "Deny", None)]
    assert not logs.missing and len(role.statements) == 3 and not role.missing


def test_terraform_unknowns_are_not_checkable_naming_them():
    got = read(IAC / "tf-module", IAC / "plan")
    cases = {"aws_security_group.admin": "var.admin_cidr", "bucket/amzn-s3-demo-bucket3": "known after apply",
             "module.net.aws_security_group.web": "egress (known after apply)"}
    for sid, name in cases.items():
        for finding in verdicts(got.estate.subjects[sid], got.estate).values():
            assert finding.outcome == NOT_CHECKABLE and name in finding.explanation, (sid, finding)
    web = verdicts(got.estate.subjects["aws_security_group.web"], got.estate)
    assert all(f.outcome != NOT_CHECKABLE for f in web.values()), web


def test_state_gives_ids_and_the_account_from_arns():
    got = read(IAC / "state")
    assert sorted(got.estate.subjects) == ["acl-0123456789abcdef0", "bucket/amzn-s3-demo-bucket",
                                           "key/1234abcd-12ab-34cd-56ef-1234567890ab", "role/deploy",
                                           "role/deploy/trust", "sg-0123456789abcdef0"]
    found = verdicts(got.estate.subjects["sg-0123456789abcdef0"], got.estate)  # SSH from anywhere
    assert COUNTEREXAMPLE in {f.outcome for f in found.values()}, found


def test_a_partly_broken_tf_folder_refuses_the_broken_file_with_its_line_and_reads_the_rest():
    got = read(IAC / "tf-broken", refused=1)
    (path, message), = got.refused
    assert path.endswith("broken.tf") and "line 5" in message
    assert "role/deploy/trust" in got.estate.subjects


def test_a_broken_template_is_refused_with_its_line(tmp_path):
    folder = tmp_path / OWNER
    folder.mkdir()
    (folder / "t.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [unclosed\n")
    got = load_inputs([folder])
    (path, message), = got.refused
    assert path.endswith("t.yaml") and "line" in message


def test_a_template_outside_an_account_folder_is_refused_saying_so(tmp_path):
    (tmp_path / "t.yaml").write_text((IAC / "cfn" / "bucket-roundtrip.yaml").read_text())
    (path, message), = load_inputs([tmp_path / "t.yaml"]).refused
    assert "12-digit account id" in message


def test_a_tf_folder_that_used_to_give_exit_0_now_gives_its_results(tmp_path):
    db = f"sqlite:///{tmp_path / 'e.db'}"
    ran = CliRunner().invoke(cli, ["run", "--catalog", "samples/catalog.yaml", "--db", db, "--jobs", "1",
                                   "--timeout", "30", "--inputs", str(IAC / "tf-module")], catch_exceptions=False)
    assert "found 5 files: 2 read, 3 skipped as not configuration, 0 refused" in ran.output, ran.output
    assert "nothing to check" not in ran.output and "subjects: 7 found" in ran.output
    assert ran.exit_code != 0  # SSH from anywhere in the ACL, unknown values: not an all-PASS run


def test_the_solver_path_also_refuses_to_encode_a_subject_with_open_values():
    from evidence.policy.errors import Unsupported
    from evidence.policy.queries import encode_control
    got = read(IAC / "cfn" / "symbolic.json", IAC / "tf-module")
    for sid, name in (("bucket/amzn-s3-demo-bucket2", "AWS::Partition"), ("aws_security_group.admin", "var.admin_cidr")):
        subject = got.estate.subjects[sid]
        for control in (c for c in CATALOG.controls if c.applies(subject)):
            with pytest.raises(Unsupported, match=name.replace(".", r"\.")):
                encode_control(control, subject, got.estate)


SAMPLES = Path(__file__).parent.parent / "samples"


def test_the_mixed_sample_folder_reads_all_six_formats_and_every_subject():
    folder = SAMPLES / "mixed"
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    formats = {detect(p) for p in files} - {None}
    assert formats == {"native", "awscli", "iam-details", "awsconfig", "cloudformation", "terraform"}
    got = load_inputs([folder])
    assert not got.refused and len(got.read) == 7 and len(got.estate.subjects) == 26
    by_file: dict = {}
    for subject in got.estate.subjects.values():
        by_file.setdefault(Path(subject.source).name, []).append(subject.id)
    assert {name: len(ids) for name, ids in by_file.items()} == {
        "scp-guardrails.json": 1, "describe-security-group-rules.json": 2, "get-account-authorization-details.json": 9,
        "config-snapshot.json": 3, "stack.yaml": 7, "network.tf": 4}


def test_the_shipped_cli_export_gives_the_demo_accounts_subjects_and_verdicts():
    native = load_inputs([SAMPLES / "account"])
    export = load_inputs([SAMPLES / "export"])
    assert not export.refused and [Path(p).name for p in export.skipped] == ["README.md"]
    same = {"sg-web": "sg-0web000000000001", "sg-rdp": "sg-0rdp00000000001", "sg-bastion": "sg-0bastion0000001",
            "nacl-public": "acl-0public000001", "nacl-private": "acl-0private00001",
            "bucket-partner": "bucket/example-partner", "bucket-logs": "bucket/example-logs",
            "bucket-website": "bucket/example-website", "scp-guardrails": "scp/p-guardrai",
            "role-vendor-trust": "role/vendor-monitoring/trust", "iam-admin": "policy/admin"}
    for mine, theirs in same.items():
        a, b = native.estate.subjects[mine], export.estate.subjects[theirs]
        assert (a.kind, a.account) == (b.kind, b.account)
        got_a = {c: f.outcome for c, f in verdicts(a, native.estate).items()}
        got_b = {c: f.outcome for c, f in verdicts(b, export.estate).items()}
        assert got_a == got_b, (mine, got_a, got_b)


def test_an_inline_policy_for_a_role_defined_elsewhere_is_a_subject_that_is_not_checkable(tmp_path):
    folder = tmp_path / OWNER
    folder.mkdir()
    (folder / "main.tf").write_text('resource "aws_iam_role_policy" "p" {\n  name = "p"\n  role = "existing-role"\n'
                                    '  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", '
                                    'Action = "*", Resource = "*"}]})\n}\n')
    got = read(folder)
    subject = got.estate.subjects["aws_iam_role_policy.p"]
    assert subject.document.statements[0].effect == "Allow"  # read, not dropped
    for finding in verdicts(subject, got.estate).values():
        assert finding.outcome == NOT_CHECKABLE and "existing-role" in finding.explanation


def test_intrinsics_are_resolved_only_from_fixed_values():
    """Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::FindInMap of fixed values, a bucket's given name and
    AWS::AccountId (the folder's account) are values; parameters, other pseudo parameters, GetAtt, If are not."""
    from evidence.inputs.cloudformation import Template
    from evidence.inputs.symbolic import Symbol
    t = Template({"Parameters": {"Env": {"Type": "String", "Default": "prod"}},
                  "Mappings": {"Cidrs": {"office": {"v4": "198.51.100.0/24"}}},
                  "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "logs"}},
                                "Anonymous": {"Type": "AWS::S3::Bucket"}}}, OWNER)
    fixed = {"Fn::Join": [":", ["a", {"Ref": "B"}]]}
    assert t.resolve(fixed) == "a:logs"
    assert t.resolve({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}) == f"arn:aws:iam::{OWNER}:root"
    assert t.resolve({"Fn::Sub": ["${X}/${!Literal}", {"X": {"Ref": "B"}}]}) == "logs/${Literal}"
    assert t.resolve({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}) == "b"
    assert t.resolve({"Fn::FindInMap": ["Cidrs", "office", "v4"]}) == "198.51.100.0/24"
    assert t.resolve({"a": {"Ref": "AWS::NoValue"}, "b": 1}) == {"b": 1}
    for open_value, name in (({"Ref": "Env"}, "Ref Env"), ({"Ref": "Anonymous"}, "Ref Anonymous"),
                             ({"Fn::GetAtt": ["B", "Arn"]}, "Fn::GetAtt B.Arn"),
                             ({"Fn::Sub": "arn:${AWS::Partition}:s3:::logs"}, "AWS::Partition"),
                             ({"Fn::If": ["IsProd", "a", "b"]}, "Fn::If"),
                             ({"Fn::FindInMap": ["Cidrs", {"Ref": "Env"}, "v4"]}, "Fn::FindInMap"),
                             ({"Fn::Join": ["", ["x", {"Ref": "AWS::Region"}]]}, "Fn::Join")):
        got = t.resolve(open_value)
        assert isinstance(got, Symbol) and name in got.what, (open_value, got)


def test_a_policy_document_merging_others_stays_symbolic(tmp_path):
    folder = tmp_path / OWNER
    folder.mkdir()
    (folder / "main.tf").write_text(
        'data "aws_iam_policy_document" "d" {\n  source_policy_documents = [var.base]\n}\n'
        'resource "aws_iam_policy" "p" {\n  name = "p"\n  policy = data.aws_iam_policy_document.d.json\n}\n')
    got = read(folder)
    subject = got.estate.subjects["policy/p"]
    assert "source_policy_documents" in subject.document.missing[0]
    assert all(f.outcome == NOT_CHECKABLE for f in verdicts(subject, got.estate).values())
