"""Does a security group admit a packet, does a network ACL allow it?

Security groups (EC2 user guide, "Security group rules"): allow rules only, stateful; a packet is
admitted when any rule of its direction matches (protocol, port range, and source: a CIDR of the
packet's address family or a referenced group the peer belongs to); nothing matches, nothing passes.
Network ACLs ("Network ACL rules"): stateless; the rules of the packet's direction are tried in
increasing rule number and the first that matches decides, allow or deny; when none matches, the
final `*` rule denies. An IPv4 rule never matches an IPv6 packet and vice versa.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .addresses import Address
from .errors import Unsupported
from .network import ALL, ICMPS, PORTED, NetworkAcl, SecurityGroup, SecurityGroupRule, protocol_name


@dataclass(frozen=True)
class Packet:
    protocol: int  # IANA number
    port: int | None  # destination port (TCP/UDP), ICMP type, or None
    peer: Address  # the source for ingress, the destination for egress
    peer_groups: frozenset = field(default_factory=frozenset)  # security groups the peer's interface is in
    icmp_code: int | None = None

    def __str__(self):
        what = protocol_name(self.protocol)
        if self.protocol in PORTED:
            what += f" port {self.port}"
        elif self.protocol in ICMPS and self.port is not None:
            what += f" type {self.port}"
        groups = f" (in {', '.join(sorted(self.peer_groups))})" if self.peer_groups else ""
        return f"{what} with peer {self.peer}{groups}"


def security_group_admits(group: SecurityGroup, packet: Packet, egress: bool = False) -> bool:
    return admitting_rule(group, packet, egress) is not None


def admitting_rule(group: SecurityGroup, packet: Packet, egress: bool = False) -> SecurityGroupRule | None:
    unknown = None
    for rule in group.egress if egress else group.ingress:
        matched = _rule_matches(rule, packet)
        if matched is True:
            return rule
        unknown = unknown or matched
    if unknown:
        raise unknown
    return None


def _rule_matches(rule: SecurityGroupRule, packet: Packet):
    if not _protocol_matches(rule.protocol, rule.ports, packet) or not _code_matches(rule, packet):
        return False
    if any(b.contains(packet.peer) for b in rule.blocks) or any(g in packet.peer_groups for g in rule.groups):
        return True
    if rule.prefix_lists:
        return Unsupported(f"prefix list {', '.join(rule.prefix_lists)} ({rule.where})")
    return False


def _protocol_matches(protocol: int, ports, packet: Packet) -> bool:
    if protocol == ALL:
        return True
    if protocol != packet.protocol:
        return False
    return ports.contains(packet.port) if protocol in PORTED or protocol in ICMPS else True


def _code_matches(rule, packet: Packet) -> bool:
    return rule.protocol not in ICMPS or rule.icmp_code == -1 or packet.icmp_code == rule.icmp_code


def network_acl_allows(acl: NetworkAcl, packet: Packet, egress: bool = False) -> bool:
    entry = deciding_acl_entry(acl, packet, egress)
    return entry is not None and entry.allow


def deciding_acl_entry(acl: NetworkAcl, packet: Packet, egress: bool = False):
    """The lowest-numbered entry that matches, or None (the final `*` rule denies)."""
    for entry in acl.rules(egress):
        if _protocol_matches(entry.protocol, entry.ports, packet) and _code_matches(entry, packet) \
                and entry.block.contains(packet.peer):
            return entry
    return None
