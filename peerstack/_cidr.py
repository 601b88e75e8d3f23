"""CIDR arithmetic shared by the models, the planner, reachability and verify (no Pulumi,
no boto3).

Networks of the two address families never overlap or contain each other: every helper
answers False (or leaves a network whole) across families instead of raising.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# AWS: a VPC (and a subnet) IPv4 block is between /16 and /28.
VPC_MIN_PREFIX = 16
VPC_MAX_PREFIX = 28


@lru_cache(maxsize=65536)
def parse_network(text: str) -> Network:
    """Parse a CIDR strictly; ``ValueError`` says what is wrong and what was probably meant."""
    if not isinstance(text, str) or "/" not in text:
        raise ValueError(f"{text!r} is not a CIDR block (expected e.g. '10.0.0.0/16')")
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValueError(f"{text!r} is not a CIDR block (expected e.g. '10.0.0.0/16')") from exc
        raise ValueError(f"{text!r} has host bits set; did you mean {str(loose)!r}?") from exc


def check_ipv4_block(text: str, *, what: str) -> str:
    """A VPC or subnet IPv4 block: valid, IPv4, /16 to /28. Returns the text unchanged."""
    try:
        loose = ipaddress.ip_network(text, strict=False) if isinstance(text, str) else None
    except ValueError:
        loose = None
    if (
        isinstance(loose, ipaddress.IPv4Network)
        and not VPC_MIN_PREFIX <= loose.prefixlen <= VPC_MAX_PREFIX
    ):
        # Say what AWS allows first: suggesting the same size without host bits would
        # only offer another block AWS refuses.
        raise ValueError(
            f"{what} {text!r} is a /{loose.prefixlen}; AWS allows /{VPC_MIN_PREFIX} to "
            f"/{VPC_MAX_PREFIX} (e.g. {_example(text, loose)!r})"
        )
    net = parse_network(text)
    if net.version != 4:
        raise ValueError(f"{what} {text!r} must be IPv4 (IPv6 comes from `ipv6: true`)")
    if not VPC_MIN_PREFIX <= net.prefixlen <= VPC_MAX_PREFIX:
        raise ValueError(
            f"{what} {text!r} is a /{net.prefixlen}; AWS allows /{VPC_MIN_PREFIX} to "
            f"/{VPC_MAX_PREFIX}"
        )
    return text


def _example(text: str, net: ipaddress.IPv4Network) -> str:
    """A block AWS would take at the address written: the /16 (or /28) around it."""
    prefix = min(max(net.prefixlen, VPC_MIN_PREFIX), VPC_MAX_PREFIX)
    address = text.split("/", 1)[0]
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def aws_network(text: str) -> Network:
    """A CIDR as AWS reports it; host bits, if any, are cleared (``10.0.0.1/16`` is
    ``10.0.0.0/16``)."""
    return ipaddress.ip_network(text, strict=False)


def overlaps(a: Network, b: Network) -> bool:
    if isinstance(a, ipaddress.IPv4Network) and isinstance(b, ipaddress.IPv4Network):
        return a.overlaps(b)
    if isinstance(a, ipaddress.IPv6Network) and isinstance(b, ipaddress.IPv6Network):
        return a.overlaps(b)
    return False


def contains(outer: Network, inner: Network) -> bool:
    if isinstance(outer, ipaddress.IPv4Network) and isinstance(inner, ipaddress.IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(outer, ipaddress.IPv6Network) and isinstance(inner, ipaddress.IPv6Network):
        return inner.subnet_of(outer)
    return False


def more_specific(inner: Network, outer: Network) -> bool:
    """``inner`` lies inside ``outer`` with a longer prefix: longest prefix match prefers it."""
    return inner.prefixlen > outer.prefixlen and contains(outer, inner)


class Span(NamedTuple):
    """A network as a range of integers, for arithmetic on many routes at once."""

    version: int
    first: int
    last: int

    @classmethod
    def of(cls, network: Network) -> Span:
        return cls(network.version, int(network.network_address), int(network.broadcast_address))

    def overlaps(self, other: Span) -> bool:
        return (
            self.version == other.version and self.first <= other.last and other.first <= self.last
        )


def minus(outer: Span, inner: Iterable[Span]) -> list[Span]:
    """The parts of ``outer`` that none of ``inner`` covers, in address order.

    ``inner`` may be in any order, overlap each other and reach past ``outer``.
    """
    cuts = sorted(s for s in inner if s.overlaps(outer))
    parts: list[Span] = []
    start = outer.first
    for cut in cuts:
        if cut.first > start:
            parts.append(Span(outer.version, start, min(cut.first - 1, outer.last)))
        start = max(start, cut.last + 1)
        if start > outer.last:
            return parts
    parts.append(Span(outer.version, start, outer.last))
    return parts


# AWS restricts which secondary IPv4 ranges may join a VPC, by the range of its primary
# block: each of these ranges only mixes with itself, and a VPC whose primary block is in
# none of them (publicly routable, 100.64.0.0/10) can add none of them.
_RESTRICTED_RANGES = tuple(
    ipaddress.IPv4Network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "198.19.0.0/16")
)


def secondary_restriction(primary: str, secondary: str) -> str | None:
    """Why AWS would refuse ``secondary`` next to ``primary`` (None when allowed)."""
    p = parse_network(primary)
    s = parse_network(secondary)
    if not isinstance(p, ipaddress.IPv4Network) or not isinstance(s, ipaddress.IPv4Network):
        return None
    p_range = next((r for r in _RESTRICTED_RANGES if p.subnet_of(r)), None)
    s_range = next((r for r in _RESTRICTED_RANGES if s.subnet_of(r)), None)
    if s_range is None or s_range == p_range:
        return None
    where = f"in {p_range}" if p_range else "outside the private ranges"
    return (
        f"a VPC whose primary block is {where} cannot add {secondary!r} from {s_range} "
        "(AWS restricts secondary CIDR associations by the primary's range)"
    )


SUBNET_IPV6_PREFIX = 64
"""AWS: a subnet's IPv6 block is always a /64."""


def subnet_ipv6_block(vpc_block: str, index: int) -> str:
    """The ``index``-th /64 of a VPC's IPv6 block (``2600:1f18:0:5600::/56``, 3 ->
    ``2600:1f18:0:5603::/64``): how a subnet's ``ipv6_index`` becomes its block.

    ``ValueError`` when the block has no such /64 (a /56 has 256: indexes 0 to 255).
    """
    net = aws_network(vpc_block)
    if not isinstance(net, ipaddress.IPv6Network):
        raise ValueError(f"{vpc_block!r} is not an IPv6 block")
    count = 1 << (SUBNET_IPV6_PREFIX - net.prefixlen) if net.prefixlen <= 64 else 0
    if not 0 <= index < count:
        raise ValueError(
            f"{vpc_block!r} has {count} /64 blocks (indexes 0 to {count - 1}), not {index}"
        )
    first = int(net.network_address) + (index << (128 - SUBNET_IPV6_PREFIX))
    return str(ipaddress.IPv6Network((first, SUBNET_IPV6_PREFIX)))
