"""Security groups and network ACLs read from their EC2 API shapes (DescribeSecurityGroups,
DescribeNetworkAcls), with protocols as IANA numbers and addresses as integer ranges."""
from __future__ import annotations

from dataclasses import dataclass

from .addresses import Block, parse_block
from .errors import Where, integer, mapping, text

ALL = -1  # protocol "-1" / "all": every protocol, every port
TCP, UDP, ICMP, ICMPV6 = 6, 17, 1, 58
PROTOCOL_NAMES = {"-1": ALL, "all": ALL, "tcp": TCP, "udp": UDP, "icmp": ICMP, "icmpv6": ICMPV6}
PORTED = (TCP, UDP)
ICMPS = (ICMP, ICMPV6)


def parse_protocol(value, where: Where) -> int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise where.fail(f"expected a protocol (tcp, udp, icmp, icmpv6, -1 or a number 0-255), got {value!r}")
    name = str(value).strip().lower()
    if name in PROTOCOL_NAMES:
        return PROTOCOL_NAMES[name]
    if name.isdigit() and 0 <= int(name) <= 255:
        return int(name)
    raise where.fail(f"unknown protocol {value!r} (expected tcp, udp, icmp, icmpv6, -1 or a number 0-255)")


def protocol_name(number: int) -> str:
    names = {ALL: "all traffic", TCP: "TCP", UDP: "UDP", ICMP: "ICMP", ICMPV6: "ICMPv6"}
    return names.get(number, f"protocol {number}")


@dataclass(frozen=True)
class PortRange:
    low: int  # for ICMP: the type; -1 means every type
    high: int

    def contains(self, port: int | None) -> bool:
        return self.low == -1 or (port is not None and self.low <= port <= self.high)


EVERY_PORT = PortRange(0, 65535)


@dataclass(frozen=True)
class SecurityGroupRule:
    protocol: int
    ports: PortRange
    blocks: tuple  # of Block, IPv4 and IPv6
    groups: tuple  # referenced security group ids
    prefix_lists: tuple  # prefix list ids: contents unknown, so unsupported
    icmp_code: int  # -1: every code
    where: str


@dataclass(frozen=True)
class SecurityGroup:
    id: str
    name: str
    ingress: tuple
    egress: tuple
    missing: tuple = ()  # values the input leaves open (a template parameter): every answer waits for them

    @property
    def is_default(self) -> bool:
        return self.name == "default"


@dataclass(frozen=True)
class AclEntry:
    number: int
    egress: bool
    protocol: int
    ports: PortRange
    block: Block
    allow: bool
    where: str
    icmp_code: int = -1  # -1: every code


@dataclass(frozen=True)
class NetworkAcl:
    id: str
    is_default: bool
    entries: tuple  # sorted by rule number within each direction
    missing: tuple = ()  # as for SecurityGroup

    def rules(self, egress: bool) -> list:
        return [e for e in self.entries if e.egress == egress]


SG_FIELDS = ("GroupId", "GroupName", "Description", "VpcId", "OwnerId", "IpPermissions", "IpPermissionsEgress",
             "Tags")
PERMISSION_FIELDS = ("IpProtocol", "FromPort", "ToPort", "IpRanges", "Ipv6Ranges", "UserIdGroupPairs",
                     "PrefixListIds")


def parse_security_group(document, where: Where) -> SecurityGroup:
    mapping(document, where, SG_FIELDS, required=("GroupId",))
    group_id = text(document["GroupId"], where.key("GroupId"))
    name = text(document["GroupName"], where.key("GroupName")) if "GroupName" in document else ""
    rules = {}
    for direction in ("IpPermissions", "IpPermissionsEgress"):
        items = document.get(direction, [])
        if not isinstance(items, list):
            raise where.key(direction).fail("expected a list of permissions")
        rules[direction] = tuple(_permission(p, where.key(direction).index(i)) for i, p in enumerate(items))
    return SecurityGroup(group_id, name, rules["IpPermissions"], rules["IpPermissionsEgress"])


def parse_permission(node, where: Where) -> SecurityGroupRule:
    """One IpPermission (DescribeSecurityGroups' shape), also what a security group rule reads into."""
    return _permission(node, where)


def _permission(node, where: Where) -> SecurityGroupRule:
    mapping(node, where, PERMISSION_FIELDS, required=("IpProtocol",))
    protocol = parse_protocol(node["IpProtocol"], where.key("IpProtocol"))
    ports, code = EVERY_PORT, -1
    if protocol in PORTED:
        for name in ("FromPort", "ToPort"):
            if name not in node:
                raise where.fail(f"missing '{name}' (required for {protocol_name(protocol)})")
        low = integer(node["FromPort"], where.key("FromPort"), 0, 65535)
        high = integer(node["ToPort"], where.key("ToPort"), 0, 65535)
        if low > high:
            raise where.fail(f"FromPort {low} is above ToPort {high}")
        ports = PortRange(low, high)
    elif protocol in ICMPS:  # FromPort is the ICMP type, ToPort the code; -1 means all
        low = integer(node.get("FromPort", -1), where.key("FromPort"), -1, 255)
        code = integer(node.get("ToPort", -1), where.key("ToPort"), -1, 255)
        ports = PortRange(low, low)
    blocks = []
    for field, key, version in (("IpRanges", "CidrIp", 4), ("Ipv6Ranges", "CidrIpv6", 6)):
        for i, item in enumerate(_list(node, field, where)):
            w = where.key(field).index(i)
            mapping(item, w, (key, "Description"), required=(key,))
            blocks.append(_block(item[key], w.key(key), version))
    groups = []
    for i, item in enumerate(_list(node, "UserIdGroupPairs", where)):
        w = where.key("UserIdGroupPairs").index(i)
        mapping(item, w, ("GroupId", "GroupName", "UserId", "VpcId", "VpcPeeringConnectionId", "PeeringStatus",
                          "Description"), required=("GroupId",))
        groups.append(text(item["GroupId"], w.key("GroupId")))
    prefix_lists = []
    for i, item in enumerate(_list(node, "PrefixListIds", where)):
        w = where.key("PrefixListIds").index(i)
        mapping(item, w, ("PrefixListId", "Description"), required=("PrefixListId",))
        prefix_lists.append(text(item["PrefixListId"], w.key("PrefixListId")))
    return SecurityGroupRule(protocol, ports, tuple(blocks), tuple(groups), tuple(prefix_lists), code, str(where))


def _list(node, field, where: Where) -> list:
    value = node.get(field, [])
    if not isinstance(value, list):
        raise where.key(field).fail("expected a list")
    return value


def _block(value, where: Where, version: int | None) -> Block:
    try:
        return parse_block(text(value, where), version)
    except ValueError as error:
        raise where.fail(str(error)) from None


ACL_FIELDS = ("NetworkAclId", "VpcId", "IsDefault", "OwnerId", "Entries", "Associations", "Tags")
ENTRY_FIELDS = ("RuleNumber", "Protocol", "RuleAction", "Egress", "CidrBlock", "Ipv6CidrBlock", "PortRange",
                "IcmpTypeCode")


def parse_network_acl(document, where: Where) -> NetworkAcl:
    mapping(document, where, ACL_FIELDS, required=("NetworkAclId", "Entries"))
    acl_id = text(document["NetworkAclId"], where.key("NetworkAclId"))
    is_default = document.get("IsDefault", False)
    if not isinstance(is_default, bool):
        raise where.key("IsDefault").fail("expected true or false")
    if not isinstance(document["Entries"], list):
        raise where.key("Entries").fail("expected a list of entries")
    entries: list[AclEntry] = []
    seen: dict[tuple[bool, int], str] = {}
    for i, node in enumerate(document["Entries"]):
        entry = _entry(node, where.key("Entries").index(i))
        if (entry.egress, entry.number) in seen:
            raise where.key("Entries").index(i).fail(
                f"rule number {entry.number} is used twice for {'egress' if entry.egress else 'ingress'} "
                f"(also at {seen[(entry.egress, entry.number)]})")
        seen[(entry.egress, entry.number)] = entry.where
        entries.append(entry)
    return NetworkAcl(acl_id, is_default, tuple(sorted(entries, key=lambda e: (e.egress, e.number))))


def _entry(node, where: Where) -> AclEntry:
    mapping(node, where, ENTRY_FIELDS, required=("RuleNumber", "Protocol", "RuleAction", "Egress"))
    # 1-32766 are the user's rules; AWS itself returns the default "*" rule as 32767 (IPv4) and, in a VPC
    # with IPv6, as 32768 (::/0): both read like any other deny rule, and sort last.
    number = integer(node["RuleNumber"], where.key("RuleNumber"), 1, 32768)
    protocol = parse_protocol(node["Protocol"], where.key("Protocol"))
    action = node["RuleAction"]
    if action not in ("allow", "deny"):
        raise where.key("RuleAction").fail(f"expected \"allow\" or \"deny\", got {action!r}")
    egress = node["Egress"]
    if not isinstance(egress, bool):
        raise where.key("Egress").fail(f"expected true or false, got {egress!r}")
    if ("CidrBlock" in node) == ("Ipv6CidrBlock" in node):
        raise where.fail("expected exactly one of 'CidrBlock' and 'Ipv6CidrBlock'")
    block = _block(node["CidrBlock"], where.key("CidrBlock"), 4) if "CidrBlock" in node else \
        _block(node["Ipv6CidrBlock"], where.key("Ipv6CidrBlock"), 6)
    ports, code = EVERY_PORT, -1
    if protocol in PORTED:
        if "PortRange" not in node:
            raise where.fail(f"missing 'PortRange' (required for {protocol_name(protocol)})")
        w = where.key("PortRange")
        mapping(node["PortRange"], w, ("From", "To"), required=("From", "To"))
        low = integer(node["PortRange"]["From"], w.key("From"), 0, 65535)
        high = integer(node["PortRange"]["To"], w.key("To"), 0, 65535)
        if low > high:
            raise w.fail(f"From {low} is above To {high}")
        ports = PortRange(low, high)
    elif protocol in ICMPS and "IcmpTypeCode" in node:
        w = where.key("IcmpTypeCode")
        mapping(node["IcmpTypeCode"], w, ("Type", "Code"))
        icmp_type = integer(node["IcmpTypeCode"].get("Type", -1), w.key("Type"), -1, 255)
        code = integer(node["IcmpTypeCode"].get("Code", -1), w.key("Code"), -1, 255)
        ports = PortRange(icmp_type, icmp_type)
    return AclEntry(number, egress, protocol, ports, block, action == "allow", str(where), code)
