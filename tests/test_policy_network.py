"""Known answers for security groups (any rule admits) and network ACLs (lowest-numbered matching rule
decides; nothing matches, deny), from the VPC user guide's rules, in both directions."""
import pytest

from evidence.policy.addresses import parse_address
from evidence.policy.errors import Unsupported, Where
from evidence.policy.firewall import Packet, network_acl_allows, security_group_admits
from evidence.policy.network import ICMP, TCP, UDP, parse_network_acl, parse_security_group


def group(*ingress, egress=()):
    return parse_security_group({"GroupId": "sg-1", "GroupName": "web", "IpPermissions": list(ingress),
                                 "IpPermissionsEgress": list(egress)}, Where("sg.json"))


def rule(protocol="tcp", low=22, high=22, v4=(), v6=(), groups=(), prefix_lists=()):
    out = {"IpProtocol": protocol, "IpRanges": [{"CidrIp": c} for c in v4],
           "Ipv6Ranges": [{"CidrIpv6": c} for c in v6], "UserIdGroupPairs": [{"GroupId": g} for g in groups],
           "PrefixListIds": [{"PrefixListId": p} for p in prefix_lists]}
    if low is not None:
        out.update(FromPort=low, ToPort=high)
    return out


def packet(protocol=TCP, port=22, peer="203.0.113.9", groups=()):
    return Packet(protocol, port, parse_address(peer), frozenset(groups))


@pytest.mark.parametrize("r, p, expected", [
    (rule(v4=["0.0.0.0/0"]), packet(), True),
    (rule(v4=["0.0.0.0/0"]), packet(port=23), False),
    (rule(v4=["0.0.0.0/0"]), packet(protocol=UDP), False),
    (rule(v4=["0.0.0.0/0"]), packet(peer="2001:db8::1"), False),  # an IPv4 range never admits IPv6
    (rule(v6=["::/0"]), packet(peer="2001:db8::1"), True),
    (rule(low=20, high=30, v4=["203.0.113.0/24"]), packet(port=30), True),
    (rule(low=20, high=30, v4=["203.0.113.0/24"]), packet(port=31), False),
    (rule(low=20, high=30, v4=["203.0.113.0/24"]), packet(peer="203.0.114.1"), False),
    (rule(protocol="-1", low=None, v4=["10.0.0.0/8"]), packet(protocol=UDP, port=53, peer="10.1.2.3"), True),
    (rule(protocol="-1", low=None, v4=["10.0.0.0/8"]), packet(protocol=47, port=None, peer="10.1.2.3"), True),
    (rule(protocol="all", low=None, v4=["10.0.0.0/8"]), packet(peer="11.0.0.1"), False),
    (rule(protocol="6", v4=["0.0.0.0/0"]), packet(), True),  # protocol given by number
    (rule(protocol="47", low=None, v4=["0.0.0.0/0"]), packet(protocol=47, port=None), True),
    (rule(protocol="icmp", low=-1, high=-1, v4=["0.0.0.0/0"]), packet(protocol=ICMP, port=8), True),
    (rule(protocol="icmp", low=8, high=-1, v4=["0.0.0.0/0"]), packet(protocol=ICMP, port=0), False),
    (rule(groups=["sg-app"]), packet(groups=["sg-app"]), True),
    (rule(groups=["sg-app"]), packet(groups=["sg-other"]), False),
])
def test_security_group_rules(r, p, expected):
    assert security_group_admits(group(r), p) is expected


def test_any_rule_admits_and_no_rule_denies():
    g = group(rule(v4=["10.0.0.0/8"]), rule(low=80, high=80, v4=["0.0.0.0/0"]))
    assert security_group_admits(g, packet(port=80))
    assert security_group_admits(g, packet(peer="10.0.0.1"))
    assert not security_group_admits(g, packet())
    assert not security_group_admits(group(), packet())


def test_egress_rules_are_separate():
    g = group(egress=[rule(protocol="-1", low=None, v4=["0.0.0.0/0"])])
    assert security_group_admits(g, packet(), egress=True)
    assert not security_group_admits(g, packet())


def test_prefix_list_is_unsupported_only_when_it_decides():
    g = group(rule(prefix_lists=["pl-123"]), rule(low=443, high=443, v4=["0.0.0.0/0"]))
    assert security_group_admits(g, packet(port=443))
    assert not security_group_admits(g, packet(port=80))
    with pytest.raises(Unsupported, match="pl-123"):
        security_group_admits(g, packet())


def acl(*entries):
    return parse_network_acl({"NetworkAclId": "acl-1", "Entries": list(entries)}, Where("acl.json"))


def entry(number, action, cidr="0.0.0.0/0", protocol="6", low=22, high=22, egress=False):
    out = {"RuleNumber": number, "Protocol": protocol, "RuleAction": action, "Egress": egress}
    out["Ipv6CidrBlock" if ":" in cidr else "CidrBlock"] = cidr
    if protocol in ("6", "17", "tcp", "udp"):
        out["PortRange"] = {"From": low, "To": high}
    return out


def test_nacl_lowest_rule_number_decides():
    assert not network_acl_allows(acl(entry(100, "deny"), entry(200, "allow")), packet())
    assert network_acl_allows(acl(entry(200, "deny"), entry(100, "allow")), packet())  # order in the file is irrelevant


def test_nacl_no_match_is_deny():
    assert not network_acl_allows(acl(entry(100, "allow", low=80, high=80)), packet())
    assert not network_acl_allows(acl(), packet())


def test_nacl_address_families_and_ranges():
    a = acl(entry(100, "deny", cidr="203.0.113.0/24"), entry(110, "allow", cidr="0.0.0.0/0"),
            entry(120, "allow", cidr="::/0", protocol="-1"))
    assert not network_acl_allows(a, packet())
    assert network_acl_allows(a, packet(peer="198.51.100.1"))
    assert network_acl_allows(a, packet(peer="2001:db8::1", port=3389))


def test_nacl_all_protocols_rule_and_egress():
    a = acl(entry(100, "allow", protocol="-1"), entry(100, "deny", protocol="-1", egress=True))
    assert network_acl_allows(a, packet(protocol=UDP, port=53))
    assert not network_acl_allows(a, packet(), egress=True)


def test_nacl_port_range_bounds():
    a = acl(entry(100, "allow", low=1024, high=65535))
    assert network_acl_allows(a, packet(port=1024)) and network_acl_allows(a, packet(port=65535))
    assert not network_acl_allows(a, packet(port=1023))


def test_icmp_codes():
    g = group(rule(protocol="icmp", low=3, high=4, v4=["0.0.0.0/0"]))  # type 3, code 4 only
    assert security_group_admits(g, Packet(ICMP, 3, parse_address("1.2.3.4"), icmp_code=4))
    assert not security_group_admits(g, Packet(ICMP, 3, parse_address("1.2.3.4"), icmp_code=1))
    a = acl({"RuleNumber": 10, "Protocol": "1", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0",
             "IcmpTypeCode": {"Type": 3, "Code": 4}})
    assert network_acl_allows(a, Packet(ICMP, 3, parse_address("1.2.3.4"), icmp_code=4))
    assert not network_acl_allows(a, Packet(ICMP, 3, parse_address("1.2.3.4"), icmp_code=1))
    assert not network_acl_allows(a, Packet(ICMP, 8, parse_address("1.2.3.4"), icmp_code=4))
