"""Bad input is refused with the file and the element path, never a crash and never a pass; valid
but unmodelled features load and are marked for NOT CHECKABLE."""
import json

import pytest

from evidence.policy.errors import PolicyInputError
from evidence.policy.loader import Account, load_estate, load_subject


def bucket(statements, **extra):
    return {"kind": "s3-bucket-policy", "id": "bucket-logs", "account": "111122223333",
            "resources": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
            "document": {"Version": "2012-10-17", "Statement": statements}, **extra}


def good(**extra):
    return {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*", **extra}


def load_json(tmp_path, data, name="bucket-logs.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return load_subject(path), path


def refused(tmp_path, data, name="bucket-logs.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    with pytest.raises(PolicyInputError) as caught:
        load_subject(path)
    assert str(caught.value).startswith(str(path))
    return caught.value


@pytest.mark.parametrize("statement, path, words", [
    ({"Efect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}, "Statement[2].Efect",
     "unknown element"),
    (good(Condition={"StringLike": "s3:prefix"}), "Statement[2].Condition.StringLike", "expected an object"),
    (good(Condition={"StringLikeX": {"s3:prefix": "a"}}), "Statement[2].Condition.StringLikeX",
     "unknown condition operator"),
    (good(Condition={"StringLikeIgnoreCase": {"s3:prefix": "a"}}), "Statement[2].Condition.StringLikeIgnoreCase",
     "unknown condition operator"),
    (good(Condition={"NullIfExists": {"aws:x": "true"}}), "Statement[2].Condition.NullIfExists",
     "unknown condition operator"),
    (good(Condition={"ForSomeValues:StringEquals": {"aws:x": "a"}}), "Statement[2].Condition.ForSomeValues:StringEquals",
     "unknown condition operator"),
    (good(Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "10.0.0.300/32"]}}),
     "Statement[2].Condition.IpAddress.aws:SourceIp[1]", "invalid CIDR"),
    (good(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.1/8"}}), "Statement[2].Condition.IpAddress.aws:SourceIp",
     "host bits"),
    (good(Condition={"NumericLessThan": {"s3:max-keys": "ten"}}), "Statement[2].Condition.NumericLessThan.s3:max-keys",
     "expected a number"),
    (good(Condition={"DateLessThan": {"aws:CurrentTime": "next tuesday"}}),
     "Statement[2].Condition.DateLessThan.aws:CurrentTime", "expected a date"),
    (good(Condition={"Bool": {"aws:SecureTransport": "yes"}}), "Statement[2].Condition.Bool.aws:SecureTransport",
     "true or false"),
    (good(Condition={"ArnLike": {"aws:SourceArn": "arn:aws:sns"}}), "Statement[2].Condition.ArnLike.aws:SourceArn",
     "not a valid ARN"),
    (good(Condition={"StringEquals": {"SourceIp": "a"}}), "Statement[2].Condition.StringEquals.SourceIp",
     "not a condition key"),
    (good(Condition={"StringEquals": {"aws:x": {"nested": 1}}}), "Statement[2].Condition.StringEquals.aws:x",
     "expected text, a number or a boolean"),
    (good(Condition={"StringEquals": {"aws:x": []}}), "Statement[2].Condition.StringEquals.aws:x", "empty list"),
    (good(Resource="arn:aws:s3"), "Statement[2].Resource", "not a valid ARN"),
    (good(Resource=["arn:aws:s3:::logs/*", "logs/*"]), "Statement[2].Resource[1]", "not a valid ARN"),
    (good(Action=5), "Statement[2].Action", "expected text"),
    (good(Action="GetObject"), "Statement[2].Action", "not an action"),
    (good(Effect="allow"), "Statement[2].Effect", "\"Allow\" or \"Deny\""),
    (good(Principal={"AWS": "arn:aws:iam::*:root"}), "Statement[2].Principal.AWS", "wildcard"),
    (good(Principal={"AWS": "bob"}), "Statement[2].Principal.AWS", "not an account id"),
    (good(Principal={"Aws": "*"}), "Statement[2].Principal.Aws", "unknown element"),
    (good(NotPrincipal={"AWS": "111122223333"}), "Statement[2]", "both Principal and NotPrincipal"),
    ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, "Statement[2]", "missing 'Principal'"),
    ({"Effect": "Allow", "Principal": "*", "Resource": "*"}, "Statement[2]", "missing 'Action'"),
    (good(NotAction="s3:PutObject"), "Statement[2]", "both Action and NotAction"),
    ("just text", "Statement[2]", "expected an object"),
])
def test_bad_statement_names_file_and_path(tmp_path, statement, path, words):
    error = refused(tmp_path, bucket([good(), good(), statement]))
    assert error.path == path, str(error)
    assert words in error.message, str(error)


def test_the_example_from_the_issue(tmp_path):
    error = refused(tmp_path, bucket([good(), good(), good(Condition={"StringLike": ["a"]})]))
    assert str(error) == f"{tmp_path / 'bucket-logs.json'}: Statement[2].Condition.StringLike: expected an object, got a list"


def test_principal_is_refused_in_identity_policies_and_scps(tmp_path):
    for kind in ("iam-policy", "scp"):
        data = {**bucket([good()]), "kind": kind}
        data.pop("resources")
        assert refused(tmp_path, data).path == "Statement[0].Principal"


def test_trust_policies_need_no_resource(tmp_path):
    data = {"kind": "role-trust-policy", "id": "r", "account": "111122223333",
            "document": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}
    subject, _ = load_json(tmp_path, data, "r.json")
    assert subject.document.statements[0].resources is None


@pytest.mark.parametrize("text, words", [
    ('{"kind": "s3-bucket-policy", "id": ', "not valid JSON"),
    ('{"kind": "a", "kind": "b"}', "given twice"),
    ("[1, 2]", "expected an object"),
])
def test_malformed_json(tmp_path, text, words):
    assert words in str(refused(tmp_path, text))


def test_nesting_too_deep_for_the_parser_is_refused_by_name(tmp_path):
    assert "nested too deeply" in str(refused(tmp_path, "[" * 200_000 + "]" * 200_000))
    assert "nested too deeply" in str(refused(tmp_path, "[" * 200_000 + "]" * 200_000, "sg.yaml"))


def test_json_syntax_error_gives_line_and_column(tmp_path):
    error = refused(tmp_path, '{\n  "kind": "s3-bucket-policy",\n  "id" "x"\n}')
    assert f"{tmp_path / 'bucket-logs.json'}:3:" in str(error)


def test_malformed_yaml(tmp_path):
    error = refused(tmp_path, "kind: security-group\nid: [unclosed\n", "sg.yaml")
    assert "not valid YAML" in str(error) and "sg.yaml:" in str(error)


@pytest.mark.parametrize("change, path, words", [
    ({"kind": "s3-policy"}, "kind", "unknown kind"),
    ({"account": "1234"}, "account", "12-digit"),
    ({"account": 111122223333}, None, None),  # an unquoted YAML/JSON number is still an account id
    ({"resources": ["arn:aws:s3:::logs", "arn:aws:s3:*"]}, "resources[1]", "not an ARN"),
    ({"extra": 1}, "extra", "unknown element"),
    ({"document": {"Version": "2012-10-17", "Statement": [good()], "Statment": []}}, "Statment", "unknown element"),
    ({"document": {"Version": "2012-10-18", "Statement": [good()]}}, "Version", "expected one of"),
    ({"document": {"Version": "2012-10-17"}}, "", "missing 'Statement'"),
])
def test_bad_subject_fields(tmp_path, change, path, words):
    data = {**bucket([good()]), **change}
    if path is None:
        subject, _ = load_json(tmp_path, data)
        assert subject.account == "111122223333"
        return
    error = refused(tmp_path, data)
    assert error.path == path and words in error.message, str(error)


def sg(permission):
    return {"kind": "security-group", "id": "sg", "account": "111122223333",
            "document": {"GroupId": "sg-1", "IpPermissions": [permission]}}


@pytest.mark.parametrize("permission, path, words", [
    ({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/33"}]},
     "IpPermissions[0].IpRanges[0].CidrIp", "invalid CIDR"),
    ({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "::/0"}]},
     "IpPermissions[0].IpRanges[0].CidrIp", "IPv4"),
    ({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "0.0.0.0/0"}]},
     "IpPermissions[0].Ipv6Ranges[0].CidrIpv6", "IPv6"),
    ({"IpProtocol": "tcp", "FromPort": 30, "ToPort": 22}, "IpPermissions[0]", "above"),
    ({"IpProtocol": "tcp", "FromPort": 22}, "IpPermissions[0]", "missing 'ToPort'"),
    ({"IpProtocol": "tcp", "FromPort": "x", "ToPort": 22}, "IpPermissions[0].FromPort", "integer"),
    ({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 70000}, "IpPermissions[0].ToPort", "out of range"),
    ({"IpProtocol": "tpc", "FromPort": 22, "ToPort": 22}, "IpPermissions[0].IpProtocol", "unknown protocol"),
    ({"IpProtocol": "256"}, "IpPermissions[0].IpProtocol", "unknown protocol"),
    ({"IpProtocol": "-1", "IpRange": []}, "IpPermissions[0].IpRange", "unknown element"),
])
def test_bad_security_group(tmp_path, permission, path, words):
    error = refused(tmp_path, sg(permission), "sg.json")
    assert error.path == path and words in error.message, str(error)


def nacl(*entries):
    return {"kind": "network-acl", "id": "acl", "account": "111122223333",
            "document": {"NetworkAclId": "acl-1", "Entries": list(entries)}}


@pytest.mark.parametrize("entries, path, words", [
    ([{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0"},
      {"RuleNumber": 100, "Protocol": "6", "RuleAction": "deny", "Egress": False, "CidrBlock": "0.0.0.0/0",
       "PortRange": {"From": 22, "To": 22}}], "Entries[1]", "used twice"),
    ([{"RuleNumber": 0, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0"}],
     "Entries[0].RuleNumber", "out of range"),
    ([{"RuleNumber": 10, "Protocol": "-1", "RuleAction": "Allow", "Egress": False, "CidrBlock": "0.0.0.0/0"}],
     "Entries[0].RuleAction", "\"allow\" or \"deny\""),
    ([{"RuleNumber": 10, "Protocol": "6", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0"}],
     "Entries[0]", "missing 'PortRange'"),
    ([{"RuleNumber": 10, "Protocol": "-1", "RuleAction": "allow", "Egress": "no", "CidrBlock": "0.0.0.0/0"}],
     "Entries[0].Egress", "true or false"),
    ([{"RuleNumber": 10, "Protocol": "-1", "RuleAction": "allow", "Egress": False}], "Entries[0]", "exactly one"),
    ([{"RuleNumber": 10, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "10.0.0.0/99"}],
     "Entries[0].CidrBlock", "invalid CIDR"),
])
def test_bad_network_acl(tmp_path, entries, path, words):
    error = refused(tmp_path, nacl(*entries), "acl.json")
    assert error.path == path and words in error.message, str(error)


def test_account_file(tmp_path):
    (tmp_path / "account.yaml").write_text('kind: account\nid: "111122223333"\norganization: o-abcdefghij\n'
                                           'trusted_accounts: ["444455556666"]\ntrusted_sources: [10.0.0.0/8]\n')
    loaded = load_subject(tmp_path / "account.yaml")
    assert isinstance(loaded, Account) and loaded.organization == "o-abcdefghij"
    (tmp_path / "account.yaml").write_text('kind: account\nid: "111122223333"\ntrusted_sources: [10.0.0.0/88]\n')
    with pytest.raises(PolicyInputError, match=r"trusted_sources\[0\]: invalid CIDR"):
        load_subject(tmp_path / "account.yaml")


def test_estate_refuses_duplicate_ids_and_dangling_baselines(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(bucket([good()])))
    (tmp_path / "b.json").write_text(json.dumps(bucket([good()])))
    with pytest.raises(PolicyInputError, match="also used by"):
        load_estate(tmp_path)
    (tmp_path / "b.json").write_text(json.dumps({**bucket([good()]), "id": "other", "baseline": "missing"}))
    with pytest.raises(PolicyInputError, match="baseline: no s3-bucket-policy subject with id 'missing'"):
        load_estate(tmp_path)


def test_unsupported_features_load(tmp_path):
    subject, _ = load_json(tmp_path, bucket([good(Condition={"BinaryEquals": {"aws:blob": "QQ=="}}),
                                             good(Principal={"CanonicalUser": "abc123"})]))
    assert subject.document.statements[0].conditions[0].operator.family == "not-modelled"
    assert subject.document.statements[1].principal.unsupported
