"""Packets as integer variables, and security groups / network ACLs as formulas over them, following
firewall.py: a security group admits when any rule of the direction matches; a network ACL's
lowest-numbered matching rule decides, and no match denies.

Variables: `proto` (0..255), `hasport`/`port` (TCP/UDP port or ICMP type, 0..65535), `hascode`/`code`
(ICMP code), `ver` (4 or 6) and `peer` (the address as an integer), `egress`, and one Boolean per
security group a rule refers to (the peer is in it)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .addresses import MAX, Address
from .document import require_complete
from .errors import Unsupported
from .firewall import Packet as ConcretePacket
from .network import ALL, ICMPS, PORTED, NetworkAcl
from .smtlib import FALSE, TRUE, and_, implies, not_, or_
from .violations import NetworkWitness


@dataclass
class Packet:
    groups: dict = field(default_factory=dict)  # group id -> Bool variable

    def decode(self, values: dict) -> NetworkWitness:
        port = int(values["port"]) if values.get("hasport") else None
        code = int(values["code"]) if values.get("hascode") else None
        peer = Address(int(values["ver"]), int(values["peer"]))
        groups = frozenset(g for g, v in self.groups.items() if values.get(v))
        packet = ConcretePacket(int(values["proto"]), port, peer, groups, code)
        return NetworkWitness(packet, bool(values.get("egress")))

    def assignment(self, witness: NetworkWitness) -> dict:
        p = witness.packet
        out = {"proto": p.protocol, "hasport": p.port is not None, "port": p.port or 0,
               "hascode": p.icmp_code is not None, "code": p.icmp_code or 0, "ver": p.peer.version,
               "peer": p.peer.value, "egress": witness.egress}
        out.update({v: g in p.peer_groups for g, v in self.groups.items()})
        return out


def encode_network(problem, query, subject, estate) -> Packet:
    require_complete([subject.document])
    for name, sort in (("proto", "Int"), ("hasport", "Bool"), ("port", "Int"), ("hascode", "Bool"), ("code", "Int"),
                       ("ver", "Int"), ("peer", "Int"), ("egress", "Bool")):
        problem.declare(name, sort)
    for low, name, high in ((0, "proto", 255), (0, "port", 65535), (0, "code", 255), (0, "peer", MAX[6])):
        problem.add(f"(<= {low} {name})")
        problem.add(f"(<= {name} {high})")
    problem.add("(or (= ver 4) (= ver 6))")
    problem.add(f"(or (= ver 6) (<= peer {MAX[4]}))")
    problem.add(implies(or_(*(f"(= proto {p})" for p in PORTED)), "hasport"))  # TCP and UDP carry a port
    document = subject.document
    packet = Packet()
    if not isinstance(document, NetworkAcl):
        for i, g in enumerate(sorted({g for r in document.ingress + document.egress for g in r.groups})):
            packet.groups[g] = problem.declare(f"group{i}", "Bool")
    admits = _acl(document) if isinstance(document, NetworkAcl) else _security_group(document, packet)
    problem.add(_violation(query, subject, estate, admits))
    return packet


def _protocol(protocol: int, ports) -> str:
    if protocol == ALL:
        return TRUE
    matched = f"(= proto {protocol})"
    if protocol in PORTED or protocol in ICMPS:
        if ports.low != -1:
            matched = and_(matched, "hasport", f"(<= {ports.low} port)", f"(<= port {ports.high})")
    return matched


def _block(b) -> str:
    return and_(f"(= ver {b.version})", f"(<= {b.first} peer)", f"(<= peer {b.last})")


def _security_group(group, packet: Packet) -> str:
    def direction(rules):
        out = []
        for rule in rules:
            if rule.prefix_lists:
                raise Unsupported(f"prefix list {', '.join(rule.prefix_lists)} ({rule.where})")
            matched = _protocol(rule.protocol, rule.ports)
            if rule.protocol in ICMPS and rule.icmp_code != -1:
                matched = and_(matched, "hascode", f"(= code {rule.icmp_code})")
            source = or_(*(_block(b) for b in rule.blocks), *(packet.groups[g] for g in rule.groups))
            out.append(and_(matched, source))
        return or_(*out)
    return or_(and_(not_("egress"), direction(group.ingress)), and_("egress", direction(group.egress)))


def _acl(acl: NetworkAcl) -> str:
    def direction(entries):
        decided = FALSE  # no rule matched: the final * rule denies
        for entry in reversed(entries):
            matched = and_(_protocol(entry.protocol, entry.ports), _block(entry.block))
            decided = or_(and_(matched, TRUE if entry.allow else FALSE), and_(not_(matched), decided))
        return decided
    return or_(and_(not_("egress"), direction(acl.rules(False))), and_("egress", direction(acl.rules(True))))


def _from_world(subject, estate, packet_groups) -> str:
    trusted = estate.account(subject.account).trusted_sources
    return and_(not_("egress"), *(not_(g) for g in packet_groups), *(not_(_block(b)) for b in trusted))


def _violation(query, subject, estate, admits) -> str:
    params = query.params
    groups = [f"group{i}" for i in range(len({g for r in getattr(subject.document, "ingress", ()) +
                                              getattr(subject.document, "egress", ()) for g in r.groups}))]
    world = _from_world(subject, estate, groups)
    if query.kind == "no-world-ingress":
        port = or_(*(f"(= port {p})" for p in params["ports"]))
        return and_(f"(= proto {params['protocol']})", "hasport", port, world, admits)
    if query.kind == "world-ingress-only-on":
        authorised = or_(*(and_(f"(= proto {proto})", TRUE if ports is None else
                                and_("hasport", or_(*(f"(= port {p})" for p in ports))))
                           for proto, ports in params["allowed"]))
        return and_(not_(authorised), world, admits)
    if query.kind == "no-rules":
        return admits
    if query.kind == "not-exposed":  # `network exposed`'s formula on the subject alone
        from ..questions.network import exposure_of, packet_formula
        return and_(packet_formula(exposure_of(params), groups), admits)
    raise Unsupported(f"query {query.kind}")
