"""IP addresses and CIDR blocks as integer ranges: (version, first, last), the form an encoder needs
(linear integer constraints) and the one both the IAM `IpAddress` operator and firewalls use."""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Address:
    version: int  # 4 or 6: an IPv4 block never contains an IPv6 address and vice versa
    value: int

    def __str__(self):
        return str(ipaddress.ip_address(self.value) if self.version == 4 else ipaddress.IPv6Address(self.value))


@dataclass(frozen=True)
class Block:
    version: int
    first: int
    last: int
    text: str

    def contains(self, address: Address) -> bool:
        return address.version == self.version and self.first <= address.value <= self.last

    @property
    def is_everything(self) -> bool:
        return self.first == 0 and self.last == (1 << (32 if self.version == 4 else 128)) - 1

    def __str__(self):
        return self.text


def parse_block(text: str, version: int | None = None) -> Block:
    """Raises ValueError with the reason. A bare address is a /32 (or /128), as IAM accepts it;
    host bits set (10.0.0.1/8) are refused: AWS would silently widen or reject it."""
    if not isinstance(text, str):
        raise ValueError(f"expected a CIDR block as text, got {text!r}")
    try:
        network = ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as error:
        raise ValueError(f"invalid CIDR {text!r}: {error}") from None
    if version is not None and network.version != version:
        raise ValueError(f"invalid CIDR {text!r}: expected an IPv{version} block")
    return Block(network.version, int(network.network_address), int(network.broadcast_address), text.strip())


def parse_address(text) -> Address | None:
    """None for anything that is not an address: a request value that is no IP matches no block."""
    try:
        address = ipaddress.ip_address(str(text).strip())
    except ValueError:
        return None
    return Address(address.version, int(address))


def address(version: int, value: int) -> Address:
    return Address(version, value)


MAX = {4: (1 << 32) - 1, 6: (1 << 128) - 1}
