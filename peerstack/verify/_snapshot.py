"""What verify found in AWS, as immutable data: the snapshot a comparison reads.

:func:`~peerstack.verify.read_snapshot` fills it from AWS, per account and region: the
plan's VPCs (by id, or by peerstack's tags) and any other VPC tagged as the topology's,
with their address blocks and DNS attributes, every subnet and route table of those VPCs
(routes, associations, which is main), every peering connection that touches them or
that the stack's outputs name, and the security groups and rules peerstack manages. Tests build
snapshots by hand and hand them to :func:`~peerstack.verify.compare`, no AWS needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from peerstack._facts.peering import ENDED

__all__ = [
    "PeeringSide",
    "PeeringSnapshot",
    "RouteSnapshot",
    "RouteTableSnapshot",
    "SecurityGroupSnapshot",
    "SecurityRuleSnapshot",
    "Snapshot",
    "SubnetSnapshot",
    "VpcSnapshot",
]


@dataclass(frozen=True, slots=True)
class VpcSnapshot:
    """A VPC as AWS has it."""

    id: str
    account_id: str
    region: str
    cidrs: tuple[str, ...]
    """Associated IPv4 blocks, primary first."""
    ipv6_cidrs: tuple[str, ...] = ()
    """Associated IPv6 blocks."""
    tags: Mapping[str, str] = field(default_factory=dict)
    dns_support: bool | None = None
    """``enableDnsSupport``; None when it was not read (the plan does not need it)."""
    dns_hostnames: bool | None = None
    """``enableDnsHostnames``; None when it was not read."""


@dataclass(frozen=True, slots=True)
class SubnetSnapshot:
    """A subnet of a VPC."""

    id: str
    vpc_id: str
    cidr: str
    ipv6_cidrs: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RouteSnapshot:
    """A route whose destination is a CIDR (prefix-list destinations are not read)."""

    destination: str
    target: str
    """The target's id: ``local``, ``pcx-...``, ``igw-...``, ``nat-...`` ...; ``none`` when
    AWS names none."""
    blackhole: bool = False
    """AWS marks the route ``blackhole``: its target is gone."""


@dataclass(frozen=True, slots=True)
class RouteTableSnapshot:
    """A route table: its routes, and the subnets that use it."""

    id: str
    vpc_id: str
    routes: tuple[RouteSnapshot, ...] = ()
    main: bool = False
    """The VPC's main table: every subnet without an explicit association uses it."""
    subnet_ids: tuple[str, ...] = ()
    """Subnets explicitly associated with this table."""
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PeeringSide:
    """One side of a peering connection."""

    vpc_id: str
    account_id: str
    region: str
    dns_resolution: bool = False
    """This side resolves the other side's private DNS names
    (``AllowDnsResolutionFromRemoteVpc``)."""


@dataclass(frozen=True, slots=True)
class PeeringSnapshot:
    """A VPC peering connection."""

    id: str
    status: str
    """AWS's status code: ``active``, ``pending-acceptance``, ``deleted`` ..."""
    requester: PeeringSide
    accepter: PeeringSide
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        """It will never carry traffic again (deleted, rejected, failed, expired)."""
        return self.status in ENDED

    def joins(self, vpc_id: str) -> bool:
        return vpc_id in (self.requester.vpc_id, self.accepter.vpc_id)


@dataclass(frozen=True, slots=True)
class SecurityRuleSnapshot:
    """A rule of a security group the plan adds rules to (inbound), or creates (inbound
    and outbound)."""

    id: str
    group_id: str
    protocol: str
    """``tcp``, ``udp``, ``icmp``, ``icmpv6`` or ``-1`` (every protocol)."""
    from_port: int
    """-1 for every port or ICMP type."""
    to_port: int
    cidr: str | None = None
    """The source block (IPv4 or IPv6), for a rule with one; an outbound rule's
    destination."""
    referenced_group_id: str | None = None
    referenced_account_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    egress: bool = False
    """An outbound rule (read only in the groups peerstack creates)."""


@dataclass(frozen=True, slots=True)
class SecurityGroupSnapshot:
    """A security group found in a VPC, with its tags (peerstack's say which group of the
    topology it is)."""

    id: str
    vpc_id: str
    name: str
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything verify read, by kind; look things up with the methods."""

    vpcs: tuple[VpcSnapshot, ...] = ()
    subnets: tuple[SubnetSnapshot, ...] = ()
    route_tables: tuple[RouteTableSnapshot, ...] = ()
    peerings: tuple[PeeringSnapshot, ...] = ()
    security_rules: tuple[SecurityRuleSnapshot, ...] = ()
    """Inbound rules of the groups the plan's rules go into; outbound ones too of the
    groups peerstack creates."""
    security_groups: tuple[SecurityGroupSnapshot, ...] = ()
    """Groups tagged as this topology's, in the VPCs found."""
    _subnets_by_vpc: dict[str, tuple[SubnetSnapshot, ...]] = field(
        init=False, repr=False, compare=False
    )
    _tables_by_vpc: dict[str, tuple[RouteTableSnapshot, ...]] = field(
        init=False, repr=False, compare=False
    )
    _peerings_by_id: dict[str, PeeringSnapshot] = field(init=False, repr=False, compare=False)
    _rules_by_group: dict[tuple[str, bool], tuple[SecurityRuleSnapshot, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # Indexes are built here (not passed in), so dataclasses.replace() rebuilds them.
        subnets: dict[str, list[SubnetSnapshot]] = {}
        for subnet in self.subnets:
            subnets.setdefault(subnet.vpc_id, []).append(subnet)
        tables: dict[str, list[RouteTableSnapshot]] = {}
        for table in self.route_tables:
            tables.setdefault(table.vpc_id, []).append(table)
        object.__setattr__(self, "_subnets_by_vpc", {k: tuple(v) for k, v in subnets.items()})
        object.__setattr__(self, "_tables_by_vpc", {k: tuple(v) for k, v in tables.items()})
        object.__setattr__(self, "_peerings_by_id", {p.id: p for p in self.peerings})
        rules: dict[tuple[str, bool], list[SecurityRuleSnapshot]] = {}
        for rule in self.security_rules:
            rules.setdefault((rule.group_id, rule.egress), []).append(rule)
        object.__setattr__(self, "_rules_by_group", {k: tuple(v) for k, v in rules.items()})

    def subnets_of(self, vpc_id: str) -> tuple[SubnetSnapshot, ...]:
        return self._subnets_by_vpc.get(vpc_id, ())

    def tables_of(self, vpc_id: str) -> tuple[RouteTableSnapshot, ...]:
        return self._tables_by_vpc.get(vpc_id, ())

    def peering(self, peering_id: str) -> PeeringSnapshot | None:
        return self._peerings_by_id.get(peering_id)

    def rules_of(self, group_id: str, *, egress: bool = False) -> tuple[SecurityRuleSnapshot, ...]:
        """Inbound rules of one security group (outbound ones with ``egress``)."""
        return self._rules_by_group.get((group_id, egress), ())
