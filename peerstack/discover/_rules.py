"""Security group rules that let a peer in, as the ``allow`` entries that describe them.

An ``allow`` entry without ``peer_group`` makes one rule per block of the peer (its IPv4
blocks, and its IPv6 blocks where both sides have IPv6; ``icmp`` the IPv4 ones only,
``icmpv6`` the IPv6 ones only), for one protocol and port range; with ``peer_group`` it
makes one rule that references the peer's group. A rule AWS holds is described by an
entry when the entry would make exactly it: every block of the peer in one permission,
or a reference to a group of the peer. Anything else that lets the peer in (part of its
blocks, an ICMP type, another protocol) is reported instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from peerstack._cidr import aws_network, contains
from peerstack.discover._estate import Estate, GroupFound, InboundRule
from peerstack.verify import VpcSnapshot

__all__ = ["Allowed", "NotExpressible", "Side", "allowed_rules"]

_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "-1": "all", "all": "all"}
_PORTED = frozenset({"tcp", "udp"})


@dataclass(frozen=True, slots=True)
class Side:
    """A VPC on one side of an adopted link: its name, what was read, its groups' names."""

    name: str
    vpc: VpcSnapshot
    group_names: Mapping[str, str]
    """Security group id -> its name in ``existing.security_groups``."""


@dataclass(frozen=True, slots=True)
class Allowed:
    """An ``allow`` entry that describes rules AWS holds, and the groups it names."""

    entry: dict[str, Any]
    group_id: str
    peer_group_id: str | None
    text: str
    """The rule as a person reads it: ``tcp 5432 from web's group app``."""


@dataclass(frozen=True, slots=True)
class NotExpressible:
    """A rule letting the peer in that no ``allow`` entry describes."""

    group_id: str
    text: str
    reason: str


def _protocol(rule: InboundRule) -> str | None:
    name = _PROTOCOLS.get(rule.protocol, rule.protocol)
    return name if name in ("tcp", "udp", "icmp", "icmpv6", "all") else None


def _ports(protocol: str, rule: InboundRule) -> int | str | None:
    if protocol not in _PORTED:
        return None
    if rule.from_port == rule.to_port:
        return rule.from_port
    return f"{rule.from_port}-{rule.to_port}"


def _text(rule: InboundRule) -> str:
    protocol = _PROTOCOLS.get(rule.protocol, rule.protocol)
    if rule.from_port in (-1, None) or protocol == "all":
        return protocol
    if rule.from_port == rule.to_port:
        return f"{protocol} {rule.from_port}"
    return f"{protocol} {rule.from_port}-{rule.to_port}"


def _unfit(rule: InboundRule, protocol: str | None) -> str | None:
    """Why no ``allow`` entry has this protocol and these ports (None: one has)."""
    if protocol is None:
        return f"protocol {rule.protocol!r} is not one `allow` takes (tcp, udp, icmp, icmpv6, all)"
    if protocol in ("icmp", "icmpv6") and rule.from_port != -1:
        return "it allows one ICMP type; `allow` allows every type of icmp and icmpv6"
    return None


def allowed_rules(estate: Estate, own: Side, peer: Side) -> Iterator[Allowed | NotExpressible]:
    """The rules of ``own``'s groups that let ``peer`` in: described, or not."""
    both_ipv6 = bool(own.vpc.ipv6_cidrs) and bool(peer.vpc.ipv6_cidrs)
    peer_groups = {g.id for g in estate.groups_of(peer.vpc.id)}
    for group in estate.groups_of(own.vpc.id):
        for rule in group.rules:
            yield from _by_reference(group, rule, own, peer, peer_groups)
            yield from _by_blocks(group, rule, own, peer, both_ipv6)


def _entry(own: Side, group: GroupFound, protocol: str, rule: InboundRule) -> dict[str, Any]:
    entry: dict[str, Any] = {"to": own.name, "group": own.group_names[group.id]}
    entry["protocol"] = protocol
    ports = _ports(protocol, rule)
    if ports is not None:
        entry["ports"] = ports
    return entry


def _by_reference(
    group: GroupFound, rule: InboundRule, own: Side, peer: Side, peer_groups: set[str]
) -> Iterator[Allowed | NotExpressible]:
    referenced = [g for g in rule.groups if g in peer_groups]
    if not referenced:
        return
    protocol = _protocol(rule)
    text = f"{_text(rule)} from a group of {peer.name!r}"
    reason = _unfit(rule, protocol)
    if reason is not None or protocol is None:
        yield NotExpressible(group.id, text, reason or "")
        return
    for peer_group in referenced:
        entry = _entry(own, group, protocol, rule)
        entry["peer_group"] = peer.group_names[peer_group]
        shown = f"{_text(rule)} from {peer.name}'s group {entry['peer_group']}"
        yield Allowed(entry, group.id, peer_group, shown)


def _expected(peer: VpcSnapshot, protocol: str, both_ipv6: bool) -> set[str]:
    """The sources of the rules an ``allow`` entry without ``peer_group`` makes."""
    ipv4 = set(peer.cidrs)
    ipv6 = set(peer.ipv6_cidrs) if both_ipv6 else set()
    if protocol == "icmp":
        return ipv4
    if protocol == "icmpv6":
        return ipv6
    return ipv4 | ipv6


def _by_blocks(
    group: GroupFound, rule: InboundRule, own: Side, peer: Side, both_ipv6: bool
) -> Iterator[Allowed | NotExpressible]:
    blocks = [aws_network(c) for c in (*peer.vpc.cidrs, *peer.vpc.ipv6_cidrs)]
    inside = {c for c in rule.cidrs if any(contains(b, aws_network(c)) for b in blocks)}
    if not inside:
        return
    protocol = _protocol(rule)
    reason = _unfit(rule, protocol)
    expected = _expected(peer.vpc, protocol, both_ipv6) if protocol else set()
    if reason is None and protocol is not None and expected and expected <= set(rule.cidrs):
        shown = f"{_text(rule)} from {peer.name}'s blocks ({', '.join(sorted(expected))})"
        yield Allowed(_entry(own, group, protocol, rule), group.id, None, shown)
        inside -= expected
    for cidr in sorted(inside):
        yield NotExpressible(
            group.id,
            f"{_text(rule)} from {cidr}",
            reason
            or f"it allows part of {peer.name!r} (an `allow` entry allows every block of "
            "the peer, or one of its groups)",
        )
