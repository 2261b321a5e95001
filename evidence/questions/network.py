"""`network exposed INPUT --port P[-Q] [--protocol tcp|udp|all] [--from CIDR ...]`: can a packet from the
given addresses (default: anywhere on the internet, 0.0.0.0/0 and ::/0 without NOT_THE_WORLD) reach one
of the ports?

"From anywhere" is any address of the given blocks, not "outside trusted_sources": that stays the
catalog's no-world-ingress. The peer is a plain address, a member of none of the account's security
groups. A security group is judged with each network ACL given (the ACL of its subnet is not in a
snapshot of groups and ACLs: give the ACLs of one VPC); ingress only (an ACL's return-traffic rules
are not asked about). `all` means TCP or UDP (the protocols with ports)."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UserError
from ..policy.addresses import parse_block
from ..policy.catalog import Query
from ..policy.errors import Unsupported
from ..policy.firewall import network_acl_allows, security_group_admits
from ..policy.loader import Estate, Subject, load_estate, load_subject
from ..policy.network import TCP, UDP
from ..policy.network_encode import _acl, _block, encode_network
from ..policy.queries import Encoded
from ..policy.smtlib import Problem, and_, not_, or_
from .answers import Answer, Part
from .settle import TIMEOUT, Settled, settle

PROTOCOLS = {"tcp": (TCP,), "udp": (UDP,), "all": (TCP, UDP)}
ANYWHERE = ("0.0.0.0/0", "::/0")
# Not reachable from the internet, so not "the world" when no --from is given: RFC 1918 private, shared
# (RFC 6598), loopback, link-local (RFC 3927, 4291), unique local (RFC 4193). An explicit --from is
# taken as given.
NOT_THE_WORLD = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
                 "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10")


@dataclass(frozen=True)
class Exposure:
    low: int
    high: int
    protocols: tuple
    sources: tuple  # of Block
    excluded: tuple = ()  # of Block: addresses of the sources that do not count


def parse_exposure(port: str, protocol: str = "tcp", sources=()) -> Exposure:
    low_text, _, high_text = port.partition("-")
    try:
        low, high = int(low_text), int(high_text or low_text)
    except ValueError:
        raise UserError(f"--port {port!r}: expected a port or a range P-Q") from None
    if not (0 <= low <= high <= 65535):
        raise UserError(f"--port {port!r}: expected 0 <= P <= Q <= 65535")
    blocks = []
    for text in sources or ANYWHERE:
        try:
            blocks.append(parse_block(text))
        except ValueError as error:
            raise UserError(f"--from {text!r}: {error}") from None
    excluded = () if sources else tuple(parse_block(b) for b in NOT_THE_WORLD)
    return Exposure(low, high, PROTOCOLS[protocol], tuple(blocks), excluded)


def packet_formula(e: Exposure, groups) -> str:
    return and_(not_("egress"), or_(*(f"(= proto {p})" for p in e.protocols)), "hasport",
                f"(<= {e.low} port)", f"(<= port {e.high})", or_(*(_block(b) for b in e.sources)),
                *(not_(_block(b)) for b in e.excluded), *(not_(g) for g in groups))


def in_exposure(e: Exposure, w) -> str | None:
    p = w.packet
    if w.egress or p.protocol not in e.protocols or p.port is None or not e.low <= p.port <= e.high:
        return "not an ingress packet to the ports asked about"
    if p.peer_groups or not any(b.contains(p.peer) for b in e.sources) or \
            any(b.contains(p.peer) for b in e.excluded):
        return "not from the addresses asked about"
    return None


def exposure_of(params: dict) -> Exposure:
    """A catalog not-exposed query (catalog.NotExposed: protocol, ports (low, high), from) as
    `network exposed` reads its options."""
    low, high = params["ports"]
    return parse_exposure(f"{low}-{high}", params.get("protocol", "tcp"), params.get("sources") or ())


def _pair(group, acl, e: Exposure, timeout, kernel) -> Part:
    subject = group or acl
    problem = Problem()
    problem.comments.append(f"proofgate question: exposed through {subject.id}")
    packet = encode_network(problem, Query("no-rules"), subject, Estate())  # the subject admits the packet
    if group is not None and acl is not None:
        problem.add(_acl(acl.document))
    problem.add(packet_formula(e, list(packet.groups.values())))

    def confirm(w):
        outside = in_exposure(e, w)
        if outside:
            return outside
        if group is not None and not security_group_admits(group.document, w.packet):
            return f"{group.id} does not admit it"
        if acl is not None and not network_acl_allows(acl.document, w.packet):
            return f"{acl.id} does not allow it"
        return None
    label = " with ".join(s.id for s in (group, acl) if s is not None)
    return Part(f"a packet reaches the ports through {label}",
                settle(Encoded(problem.text(), packet, "packet"), confirm, timeout, kernel))


def _pair_or_unsupported(group, acl, e: Exposure, timeout, kernel) -> Part:
    """One pair outside the encoding leaves the others to answer: one exposed pair is an answer."""
    try:
        return _pair(group, acl, e, timeout, kernel)
    except Unsupported as error:
        label = " with ".join(s.id for s in (group, acl) if s is not None)
        return Part(f"a packet reaches the ports through {label}",
                    Settled(None, reason=f"not supported: {error.feature}"))


def estate_of(path) -> Estate:
    """A directory of subject files, or one file (a security group or network ACL)."""
    from pathlib import Path
    if Path(path).is_dir():
        return load_estate(path)
    loaded = load_subject(path)
    estate = Estate()
    if isinstance(loaded, Subject):
        estate.subjects[loaded.id] = loaded
    return estate


def exposed(estate: Estate, e: Exposure, timeout: float | None = TIMEOUT, kernel: str | None = None) -> Answer:
    groups = [s for s in estate.subjects.values() if s.kind == "security-group"]
    acls = [s for s in estate.subjects.values() if s.kind == "network-acl"]
    if not groups and not acls:
        raise UserError("no security group or network ACL in the inputs")
    pairs = [(g, a) for g in groups for a in (acls or [None])] if groups else [(None, a) for a in acls]
    parts = [_pair_or_unsupported(g, a, e, timeout, kernel) for g, a in pairs]
    if any(p.settled.holds for p in parts):
        return Answer("exposed", "exposed", parts)
    if all(p.settled.holds is False for p in parts):
        return Answer("exposed", "not-exposed", parts)
    return Answer("exposed", None, parts, reason=next(p.settled.reason for p in parts if p.settled.holds is None))
