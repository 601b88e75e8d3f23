"""What discover read: the live network of every account and region, as immutable data.

The VPCs, subnets, route tables and peering connections are verify's own snapshot types
(:mod:`peerstack.verify`), so the snapshot can be handed to verify's comparison as it
is. What only discover needs sits beside it: which VPCs are default VPCs, the blocks
each side of a connection has (an outside VPC is known only through the connection),
and the security groups with their inbound rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from peerstack.plan import AccountPlan
from peerstack.verify import PeeringSnapshot, Snapshot, VpcSnapshot

__all__ = ["Blocks", "Estate", "GroupFound", "InboundRule"]


@dataclass(frozen=True, slots=True)
class Blocks:
    """A VPC's address blocks as a peering connection shows them."""

    cidrs: tuple[str, ...] = ()
    ipv6_cidrs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InboundRule:
    """One inbound permission of a security group."""

    protocol: str
    """``tcp``, ``udp``, ``icmp``, ``icmpv6``, ``-1`` or another protocol number."""
    from_port: int
    to_port: int
    cidrs: tuple[str, ...] = ()
    """IPv4 and IPv6 source blocks."""
    groups: tuple[str, ...] = ()
    """Referenced security group ids."""


@dataclass(frozen=True, slots=True)
class GroupFound:
    """A security group of a VPC, with its inbound rules."""

    id: str
    vpc_id: str
    name: str
    rules: tuple[InboundRule, ...] = ()


@dataclass(frozen=True, slots=True)
class Estate:
    """Everything read, in every account and region."""

    accounts: tuple[AccountPlan, ...]
    regions: tuple[str, ...]
    snapshot: Snapshot
    """VPCs owned by the accounts, their subnets and route tables, and every connection
    that touches one of them (ended ones included)."""
    default_vpcs: frozenset[str] = frozenset()
    """Ids of the accounts' default VPCs."""
    blocks: Mapping[tuple[str, str], Blocks] = field(default_factory=dict)
    """``(connection id, "requester" or "accepter")`` -> that side's blocks."""
    groups: tuple[GroupFound, ...] = ()
    spelled: Mapping[str, str] = field(default_factory=dict)
    """A block as compared (``ipaddress``'s form, as in :attr:`snapshot`) -> as AWS wrote
    it: what the topology writes, so that each import id names it as AWS does."""
    _vpcs: dict[str, VpcSnapshot] = field(init=False, repr=False, compare=False)
    _groups: dict[str, tuple[GroupFound, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        groups: dict[str, list[GroupFound]] = {}
        for group in self.groups:
            groups.setdefault(group.vpc_id, []).append(group)
        object.__setattr__(self, "_vpcs", {v.id: v for v in self.snapshot.vpcs})
        object.__setattr__(self, "_groups", {k: tuple(v) for k, v in groups.items()})

    def account_of(self, account_id: str) -> AccountPlan | None:
        """The account discovered with that id, if any."""
        return next((a for a in self.accounts if a.id == account_id), None)

    def vpc(self, vpc_id: str) -> VpcSnapshot | None:
        return self._vpcs.get(vpc_id)

    def groups_of(self, vpc_id: str) -> tuple[GroupFound, ...]:
        return self._groups.get(vpc_id, ())

    def spell(self, cidr: str) -> str:
        """``cidr`` as AWS wrote it."""
        return self.spelled.get(cidr, cidr)

    def peer_blocks(self, connection: PeeringSnapshot, side: str) -> Blocks:
        return self.blocks.get((connection.id, side), Blocks())
