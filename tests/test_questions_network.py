"""`network exposed`: security groups as AWS's examples write them, the packet re-checked by the
evaluator (firewall.security_group_admits / network_acl_allows).
Security group rules: https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
Network ACL rules (lowest number first): https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html"""
import json

import pytest
from click.testing import CliRunner

from evidence.cli import cli
from evidence.policy.firewall import network_acl_allows, security_group_admits
from evidence.questions.network import estate_of, exposed, parse_exposure

pytestmark = pytest.mark.slow  # solver calls


def write(tmp_path, name, kind, document):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"kind": kind, "id": name, "account": "111122223333", "document": document}))
    return path


def ssh(cidr):
    return {"GroupId": "sg-0123456789abcdef0", "GroupName": "ssh", "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": cidr}]}]}


def test_ssh_open_to_the_world_is_exposed(tmp_path):
    path = write(tmp_path, "sg-ssh", "security-group", ssh("0.0.0.0/0"))
    estate = estate_of(path)
    answer = exposed(estate, parse_exposure("22"))
    assert answer.word == "exposed"
    w = answer.parts[0].settled.witness
    assert w.packet.port == 22 and security_group_admits(estate.subjects["sg-ssh"].document, w.packet)


def test_other_ports_and_addresses_are_not_exposed(tmp_path):
    estate = estate_of(write(tmp_path, "sg-ssh", "security-group", ssh("203.0.113.0/24")))
    assert exposed(estate, parse_exposure("3389")).word == "not-exposed"
    assert exposed(estate, parse_exposure("22", "udp")).word == "not-exposed"
    assert exposed(estate, parse_exposure("22", "tcp", ("198.51.100.0/24",))).word == "not-exposed"
    answer = exposed(estate, parse_exposure("20-25", "all", ("203.0.113.7/32",)))
    assert answer.word == "exposed" and str(answer.parts[0].settled.witness.packet.peer) == "203.0.113.7"


def test_a_network_acl_that_denies_closes_it(tmp_path):
    group = ssh("0.0.0.0/0")
    group["IpPermissions"][0].update(FromPort=20, ToPort=25)
    write(tmp_path, "sg-ssh", "security-group", group)
    write(tmp_path, "acl-1", "network-acl", {"NetworkAclId": "acl-1", "Entries": [
        {"RuleNumber": 100, "Protocol": "6", "RuleAction": "deny", "Egress": False, "CidrBlock": "0.0.0.0/0",
         "PortRange": {"From": 22, "To": 22}},
        {"RuleNumber": 200, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0"}]})
    estate = estate_of(tmp_path)
    assert exposed(estate, parse_exposure("22")).word == "not-exposed"
    answer = exposed(estate, parse_exposure("20-23"))
    assert answer.word == "exposed"
    w = answer.parts[0].settled.witness
    assert w.packet.port in (20, 21, 23) and network_acl_allows(estate.subjects["acl-1"].document, w.packet)


def test_cli(tmp_path):
    path = write(tmp_path, "sg-ssh", "security-group", ssh("0.0.0.0/0"))
    out = CliRunner().invoke(cli, ["network", "exposed", str(path), "--port", "22", "--json"])
    assert out.exit_code == 0 and json.loads(out.output)["answer"] == "exposed"
    out = CliRunner().invoke(cli, ["network", "exposed", str(path), "--port", "70000"])
    assert out.exit_code == 2 and "--port" in out.output


def test_private_addresses_are_not_the_world(tmp_path):
    # RFC 1918 addresses are not reachable from the internet: https://www.rfc-editor.org/rfc/rfc1918
    estate = estate_of(write(tmp_path, "sg-ssh", "security-group", ssh("10.0.0.0/16")))
    assert exposed(estate, parse_exposure("22")).word == "not-exposed"
    answer = exposed(estate, parse_exposure("22", "tcp", ("10.0.0.0/8",)))
    assert answer.word == "exposed" and str(answer.parts[0].settled.witness.packet.peer).startswith("10.0.")
