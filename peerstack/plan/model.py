"""The plan: every networking decision, as plain immutable data.

Components, verify, render and the emulator read these objects and never re-derive
anything from the topology.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from peerstack._cidr import subnet_ipv6_block
from peerstack._facts.regions import partition, signing_region
from peerstack.errors import Problem, UnknownVpcError
from peerstack.topology import SourceMap

__all__ = [
    "DISCOVERED",
    "IPV6_PREFIX",
    "MAIN",
    "AcceptPlan",
    "AccountPlan",
    "ExternalPeerPlan",
    "LinkPlan",
    "Plan",
    "RoutePlan",
    "SecurityGroupPlan",
    "SecurityRulePlan",
    "SubnetPlan",
    "VpcPlan",
]

MAIN = "main"
"""Name of a VPC's main route table."""

DISCOVERED = "*"
"""Route table name standing for every route table of an adopted VPC, found at deploy time."""

IPV6_PREFIX = "ipv6:"
"""A destination ``ipv6:<vpc>`` is that VPC's Amazon-provided IPv6 block, known after deploy;
``ipv6:<vpc>.<subnet>`` is that subnet's /64 of it."""

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def slug(text: str) -> str:
    """A resource-name-safe form of a destination: ``10.1.0.0/16`` -> ``10.1.0.0-16``.

    One character for one character (``/`` -> ``-``, ``:`` -> ``_``), so two different
    IPv6 blocks never share a slug (``2600::1f18:0/112`` vs ``2600:1f18:0::/112``).
    """
    return _UNSAFE.sub("-", text.replace("/", "-").replace(":", "_"))


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """An account and how to get credentials for it (no secrets are ever stored here)."""

    alias: str
    id: str
    region: str | None = None
    """Home region for the account's provider (its STS calls); every resource still names
    its own region. ``defaults.region``, else the smallest of its VPCs' regions, so that
    reordering VPCs never changes it."""
    role_arn: str | None = None
    external_id: str | None = None
    profile: str | None = None

    @property
    def partition(self) -> str:
        """The AWS partition the account is in (``aws``, ``aws-cn``, ``aws-us-gov`` ...):
        its home region's, else its role's; an account is in one partition only."""
        if self.region is not None:
            return partition(self.region)
        if self.role_arn is not None:
            return self.role_arn.split(":")[1]
        return partition("us-east-1")

    @property
    def signing_region(self) -> str:
        """Where the account's STS calls (assuming its role, checking its credentials)
        are made: its partition's :func:`~peerstack._facts.regions.signing_region`."""
        return signing_region(self.partition)


@dataclass(frozen=True, slots=True)
class SubnetPlan:
    """A subnet of a created VPC."""

    name: str
    cidr: str
    availability_zone: str
    """Full zone name (``us-east-1a``) or, when :attr:`az_is_id`, a zone id (``use1-az1``)."""
    route_table: str
    """Route table name; :data:`MAIN` when the subnet uses the VPC's main table."""
    az_is_id: bool = False
    block: str = ""
    """The VPC block (primary or secondary) that holds the subnet."""
    ipv6_index: int | None = None
    """Which /64 of its VPC's IPv6 block the subnet takes (AWS assigns the block at
    deploy, so the /64 is known only then: :func:`peerstack._cidr.subnet_ipv6_block`);
    None for an IPv4-only subnet."""
    tags: Mapping[str, str] = field(default_factory=dict, compare=False)
    """The subnet's final tags (the VPC's, and its own ``Name``)."""

    @property
    def ipv6(self) -> bool:
        """The subnet has an IPv6 /64 (and assigns IPv6 addresses on creation)."""
        return self.ipv6_index is not None


@dataclass(frozen=True, slots=True)
class VpcPlan:
    """A VPC, created (``managed``) or adopted."""

    name: str
    account: str
    account_id: str
    region: str
    cidrs: tuple[str, ...]
    """Every IPv4 block, primary first."""
    ipv6: bool
    """The VPC has IPv6 (Amazon-provided when created, listed when adopted)."""
    ipv6_cidrs: tuple[str, ...]
    """IPv6 blocks known before deploy (adopted VPCs); empty when AWS assigns them."""
    route_tables: tuple[str, ...]
    """Route table names, :data:`MAIN` first; ``(DISCOVERED,)`` when found at deploy time."""
    managed: bool
    dns_hostnames: bool = False
    """Enable DNS hostnames and support: some link of this VPC resolves remote DNS."""
    subnets: tuple[SubnetPlan, ...] = ()
    vpc_id: str | None = None
    """The id of an adopted VPC (None for created VPCs)."""
    route_table_ids: Mapping[str, str] = field(default_factory=dict)
    """Route table ids of an adopted VPC, by name."""
    security_groups: Mapping[str, str] = field(default_factory=dict)
    """Security group ids of an adopted VPC, by name (``existing.security_groups``)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """The final tags of the ``Vpc`` peerstack creates: the topology's (``defaults.tags``
    and the VPC's own) and peerstack's (:class:`~peerstack._facts.tags.TagKey`). Empty
    for an adopted VPC, which peerstack never tags."""
    route_table_tags: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """The final tags of each route table peerstack creates, by table name."""

    @property
    def discovers_route_tables(self) -> bool:
        return self.route_tables == (DISCOVERED,)

    @property
    def secondary_cidrs(self) -> tuple[str, ...]:
        return self.cidrs[1:]

    @property
    def named_route_tables(self) -> tuple[str, ...]:
        """Route tables peerstack creates for this VPC (every table but the main one)."""
        return tuple(t for t in self.route_tables if t not in (MAIN, DISCOVERED))

    def ipv6_destination(self) -> tuple[str, ...]:
        """Destinations that stand for this VPC's IPv6 space."""
        if not self.ipv6:
            return ()
        return self.ipv6_cidrs or (f"{IPV6_PREFIX}{self.name}",)


@dataclass(frozen=True, slots=True)
class LinkPlan:
    """One VPC peering connection and everything decided about it."""

    name: str
    requester: str
    accepter: str
    requester_account_id: str
    accepter_account_id: str
    requester_region: str
    accepter_region: str
    dns_resolution: bool
    origin: str
    """Where the link was declared, e.g. ``peerings[0]`` or ``meshes[0] (apps)``."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """The final tags of the connection (the requester's side). Empty for an adopted
    connection: its owner's tags are left as they are."""
    accepter_tags: Mapping[str, str] = field(default_factory=dict)
    """The final tags the accepter puts on the connection in the accepter's account
    (empty for an adopted connection, and for one that needs no accepter)."""
    waits_for: str | None = None
    """The link whose acceptance this link's request waits for, so that its account never
    has more requests pending than its quota (``peerstack.plan._schedule``); None when
    the request may be made at once."""
    existing_id: str | None = None
    """The id of an existing connection the link adopts (imported, never requested)."""
    imports_routes: bool = False
    """The link's routes exist already and are imported (only for an adopted connection)."""
    existing_path: tuple[str | int, ...] = ()
    """Where the adopted connection's id is written (``peerings.0.existing.peering_id``),
    for the pre-flight's problems."""

    @property
    def adopted(self) -> bool:
        """The connection exists already: it is imported, not requested."""
        return self.existing_id is not None

    @property
    def sets_auto_accept(self) -> bool:
        """The connection resource carries ``auto_accept``: a requested same-account,
        same-region link. An imported connection must match what the provider reads back,
        which never includes ``auto_accept`` (vpc_peering_connection.go, Read)."""
        return self.auto_accept and not self.adopted

    @property
    def cross_account(self) -> bool:
        return self.requester_account_id != self.accepter_account_id

    @property
    def cross_region(self) -> bool:
        return self.requester_region != self.accepter_region

    @property
    def auto_accept(self) -> bool:
        """AWS auto-accepts only within one account and one region."""
        return not (self.cross_account or self.cross_region)

    @property
    def peer_owner_id(self) -> str | None:
        """``peer_owner_id`` for the connection: set only across accounts."""
        return self.accepter_account_id if self.cross_account else None

    @property
    def peer_region(self) -> str | None:
        """``peer_region`` for the connection: set only across regions."""
        return self.accepter_region if self.cross_region else None

    @property
    def needs_accepter(self) -> bool:
        """The accepter's account must accept with its own provider, in its own region."""
        return not self.auto_accept

    @property
    def requester_waits_for_active(self) -> bool:
        """The requester's side must see the connection active in its own region before
        setting its options: acceptance happens in another region (cross-region links)."""
        return self.cross_region

    def peer_of(self, vpc: str) -> str:
        return self.accepter if vpc == self.requester else self.requester


@dataclass(frozen=True, slots=True)
class ExternalPeerPlan:
    """A VPC outside the topology that requested a connection to one of ours: only what
    our side routes to. peerstack never creates, reads or verifies it."""

    name: str
    account_id: str
    region: str
    cidrs: tuple[str, ...]
    ipv6_cidrs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AcceptPlan:
    """A connection an outside party requested to our VPC ``vpc``: peerstack accepts it
    (``VpcPeeringConnectionAccepter``), sets the accepter's options and adds our side's
    routes (in :attr:`Plan.routes`, over :attr:`name`, to :attr:`peer`'s name). It never
    requests, so it never waits in the request schedule; the peer's side is the peer's.
    """

    name: str
    """The link name: ``<peer>--<vpc>`` (requester first, as every link)."""
    vpc: str
    account_id: str
    """Our VPC's account: the acceptance, options and routes are made there."""
    region: str
    peering_id: str
    peer: ExternalPeerPlan
    dns_resolution: bool
    origin: str
    """Where it was declared, e.g. ``accepts[0]``."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """The final tags the acceptance puts on the connection in our account."""
    path: tuple[str | int, ...] = ()
    """Where the entry is written (``accepts.0``), for the pre-flight's problems."""

    @property
    def cross_account(self) -> bool:
        return self.peer.account_id != self.account_id

    @property
    def cross_region(self) -> bool:
        return self.peer.region != self.region


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """One route: in ``vpc``'s table ``route_table``, ``destination`` goes over ``link``."""

    vpc: str
    route_table: str
    destination: str
    """A CIDR, or ``ipv6:<vpc>`` for an IPv6 block AWS assigns at deploy time
    (``ipv6:<vpc>.<subnet>`` for one subnet's /64 of it)."""
    peer: str
    link: str
    ipv6_index: int | None = None
    """For ``ipv6:<vpc>.<subnet>``, the subnet's ``ipv6_index``: the destination is that
    /64 of the VPC's block. None for every other destination."""

    @property
    def ipv6(self) -> bool:
        return self.destination.startswith(IPV6_PREFIX) or ":" in self.destination

    @property
    def deferred(self) -> bool:
        """The destination is only known once AWS has assigned the peer's IPv6 block."""
        return self.destination.startswith(IPV6_PREFIX)

    @property
    def ipv6_of(self) -> str | None:
        """For a deferred destination (``ipv6:<vpc>`` or ``ipv6:<vpc>.<subnet>``), the VPC
        whose IPv6 block it is (or is in)."""
        if not self.deferred:
            return None
        return self.destination.removeprefix(IPV6_PREFIX).partition(".")[0]

    @property
    def ipv6_subnet(self) -> str | None:
        """For ``ipv6:<vpc>.<subnet>``, the subnet whose /64 the destination is."""
        if not self.deferred:
            return None
        return self.destination.removeprefix(IPV6_PREFIX).partition(".")[2] or None

    def deferred_block(self, vpc_block: str) -> str:
        """The destination once AWS has given its VPC ``vpc_block``: the block itself, or
        the subnet's /64 of it."""
        if self.ipv6_index is None:
            return vpc_block
        return subnet_ipv6_block(vpc_block, self.ipv6_index)

    @property
    def key(self) -> str:
        """A name unique in the plan, made only of topology names and the destination.

        Joined with ``.``, which no topology name contains, so parts never run together.
        """
        return self.key_in(self.route_table)

    def key_in(self, table: str) -> str:
        """:attr:`key` for one concrete table (a discovered table's id for ``*``)."""
        return f"{self.vpc}.{slug(table)}.{slug(self.destination)}"


ALL_PROTOCOLS = "-1"
"""AWS's protocol number for every protocol (the topology's ``all``)."""


@dataclass(frozen=True, slots=True)
class SecurityGroupPlan:
    """A security group peerstack creates in a created VPC (``vpcs.<vpc>.security_groups``).

    The group has no id before deploy: rules into it (and rules that reference it) carry
    no id in the plan and take the group resource's id. The provider revokes the
    allow-all egress rule AWS gives a new group (terraform-provider-aws,
    ``internal/service/ec2/vpc_security_group.go``, resourceSecurityGroupCreate), so
    peerstack adds one standalone egress rule per :attr:`egress` block back: the group
    then lets out what a group AWS creates does.
    """

    vpc: str
    name: str
    """The group's name in the topology."""
    group_name: str
    """The name AWS shows (``GroupName``): ``<topology>-<vpc>-<name>``."""
    description: str
    egress: tuple[str, ...]
    """Destinations of the allow-all egress rules: ``0.0.0.0/0``, and ``::/0`` when the
    VPC has IPv6."""
    tags: Mapping[str, str] = field(default_factory=dict, compare=False)
    """The group's final tags."""
    egress_tags: Mapping[str, str] = field(default_factory=dict, compare=False)
    """The final tags of each of its egress rules."""

    @property
    def key(self) -> str:
        """``<vpc>.<name>``: unique in the plan, made of topology names."""
        return f"{self.vpc}.{self.name}"


@dataclass(frozen=True, slots=True)
class SecurityRulePlan:
    """One inbound security group rule: ``vpc``'s group ``group`` lets traffic in from
    ``peer`` over ``link``, from a CIDR block or from a group of the peer.

    Exactly one of :attr:`cidr` and :attr:`peer_group` is set.
    """

    vpc: str
    group: str
    """The group's name in the topology (``existing.security_groups``, or the VPC's own
    ``security_groups`` when peerstack creates it)."""
    group_id: str | None
    """The adopted group's id; None when peerstack creates the group (its id is known
    after deploy: :attr:`creates_group`)."""
    peer: str
    link: str
    protocol: str
    """``tcp``, ``udp``, ``icmp``, ``icmpv6``, or ``-1`` (:data:`ALL_PROTOCOLS`)."""
    from_port: int | None
    """Start of the port range (tcp, udp), ``-1`` for every ICMP type, None for ``-1``."""
    to_port: int | None
    cidr: str | None = None
    """The source block, or ``ipv6:<vpc>`` for an IPv6 block AWS assigns at deploy time."""
    peer_group: str | None = None
    """The peer's group name, when the rule references it."""
    referenced_group_id: str | None = None
    """The referenced group as AWS takes it: ``sg-...``, or ``account-id/sg-...`` when the
    peer is in another account; None when peerstack creates the peer's group."""
    referenced_account_id: str | None = None
    """For a referenced group peerstack creates, in another account: that account's id
    (the prefix of the reference). None otherwise."""
    direction: str = "ingress"
    tags: Mapping[str, str] = field(default_factory=dict, compare=False)
    """The rule's final tags; ``peerstack:rule`` holds its :attr:`key` (bounded to the
    256 characters AWS allows in a tag value)."""

    @property
    def creates_group(self) -> bool:
        """The rule goes into a group peerstack creates (no id before deploy)."""
        return self.group_id is None

    @property
    def references_created_group(self) -> bool:
        """The rule references a peer's group that peerstack creates."""
        return self.peer_group is not None and self.referenced_group_id is None

    @property
    def ipv6(self) -> bool:
        return self.cidr is not None and (self.cidr.startswith(IPV6_PREFIX) or ":" in self.cidr)

    @property
    def deferred(self) -> bool:
        """The source is only known once AWS has assigned the peer's IPv6 block."""
        return self.cidr is not None and self.cidr.startswith(IPV6_PREFIX)

    @property
    def ipv6_of(self) -> str | None:
        """For a deferred source ``ipv6:<vpc>``, the VPC whose IPv6 block it is."""
        return self.cidr.removeprefix(IPV6_PREFIX) if self.deferred and self.cidr else None

    @property
    def ports(self) -> str:
        """The ports as written: ``443``, ``8000-8100``; ``all`` for every port or type."""
        if self.from_port is None or self.from_port == -1:
            return "all"
        if self.from_port == self.to_port:
            return str(self.from_port)
        return f"{self.from_port}-{self.to_port}"

    @property
    def source(self) -> str:
        """``10.1.0.0/16``, ``ipv6:<vpc>`` or ``<peer>.<group>`` (a referenced group)."""
        if self.cidr is not None:
            return self.cidr
        return f"{self.peer}.{self.peer_group}"

    @property
    def protocol_name(self) -> str:
        return "all" if self.protocol == ALL_PROTOCOLS else self.protocol

    @property
    def key(self) -> str:
        """A name unique in the plan, made of topology names, the protocol, ports and the
        source; joined with ``.``, which no topology name contains."""
        return (
            f"{self.vpc}.{self.group}.{self.protocol_name}.{slug(self.ports)}.{slug(self.source)}"
        )


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything peerstack will create, and how the network will behave."""

    topology: str
    accounts: tuple[AccountPlan, ...]
    vpcs: tuple[VpcPlan, ...]
    links: tuple[LinkPlan, ...]
    routes: tuple[RoutePlan, ...]
    reachability: Mapping[str, tuple[str, ...]]
    """VPC-level: VPC name -> the VPCs it reaches (both ways, over their link)."""
    subnet_reachability: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Subnet-level: ``vpc.subnet`` -> the subnets it reaches. A VPC without subnets
    (adopted, or created without any) counts as one endpoint named after the VPC."""
    warnings: tuple[Problem, ...] = ()
    """Valid but probably unintended: routes that make nothing reachable."""
    quotas: Mapping[str, int] = field(default_factory=dict)
    """The service quotas the plan was checked against (``peerings_per_vpc`` ...), which
    the emulation enforces as AWS would."""
    security_rules: tuple[SecurityRulePlan, ...] = ()
    """Inbound security group rules that let each link's traffic in (``allow``)."""
    security_groups: tuple[SecurityGroupPlan, ...] = ()
    """Security groups peerstack creates in created VPCs, in declaration order."""
    accepts: tuple[AcceptPlan, ...] = ()
    """Connections outside parties requested to our VPCs, accepted on our side only; their
    routes are in :attr:`routes`, their peers in :attr:`reachability` (assumed to route
    back: their side is not ours to see)."""
    source: SourceMap = field(default_factory=SourceMap, repr=False, compare=False)
    """Where each field of the topology was written: problems found later (the
    pre-flight's, which reads AWS) point at the file and line too."""
    _vpc_index: dict[str, VpcPlan] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _link_index: dict[str, LinkPlan] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _account_index: dict[str, AccountPlan] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._vpc_index.update((v.name, v) for v in self.vpcs)
        self._link_index.update((link.name, link) for link in self.links)
        self._account_index.update((a.alias, a) for a in self.accounts)

    def vpc(self, name: str) -> VpcPlan:
        """The VPC ``name``; :class:`~peerstack.errors.UnknownVpcError` if the plan has none."""
        try:
            return self._vpc_index[name]
        except KeyError:
            raise UnknownVpcError(name, list(self._vpc_index)) from None

    def link(self, name: str) -> LinkPlan:
        """The link ``name`` (``a--b``, or the name its peering gives); KeyError naming
        the plan's links if it has none."""
        try:
            return self._link_index[name]
        except KeyError:
            known = ", ".join(sorted(self._link_index)) or "none"
            raise KeyError(f"no link {name!r} in the plan; its links: {known}") from None

    def account(self, alias: str) -> AccountPlan:
        """The account with this alias; KeyError naming the plan's accounts if none."""
        try:
            return self._account_index[alias]
        except KeyError:
            known = ", ".join(sorted(self._account_index)) or "none"
            raise KeyError(f"no account {alias!r} in the plan; its accounts: {known}") from None

    def routes_of(self, vpc: str) -> tuple[RoutePlan, ...]:
        """Every route in the route tables of ``vpc`` (UnknownVpcError for a mistyped name)."""
        self.vpc(vpc)
        return tuple(r for r in self.routes if r.vpc == vpc)

    def accept(self, name: str) -> AcceptPlan:
        """The accepted connection ``name`` (``<peer>--<vpc>``); KeyError naming the plan's
        accepted connections if it has none."""
        found = next((a for a in self.accepts if a.name == name), None)
        if found is None:
            known = ", ".join(sorted(a.name for a in self.accepts)) or "none"
            raise KeyError(f"no accepted connection {name!r} in the plan; its accepts: {known}")
        return found

    def routes_over(self, link: str) -> tuple[RoutePlan, ...]:
        """Every route, on both sides, that goes over ``link`` (a link or an accepted
        connection; KeyError if it is neither)."""
        if not any(a.name == link for a in self.accepts):
            self.link(link)
        return tuple(r for r in self.routes if r.link == link)

    def groups_of(self, vpc: str) -> tuple[SecurityGroupPlan, ...]:
        """The security groups peerstack creates in ``vpc`` (UnknownVpcError for a
        mistyped name)."""
        self.vpc(vpc)
        return tuple(g for g in self.security_groups if g.vpc == vpc)

    def rules_over(self, link: str) -> tuple[SecurityRulePlan, ...]:
        """Every security group rule that lets traffic in over ``link`` (KeyError if it
        is none)."""
        self.link(link)
        return tuple(r for r in self.security_rules if r.link == link)

    def can_reach(self, a: str, b: str) -> bool:
        """Whether ``a`` reaches ``b`` (and ``b`` answers) over their peering.

        Both must be VPCs of the plan or outside peers of its accepts (reached when our
        side routes to them: their routes back are assumed): a mistyped name raises
        :class:`~peerstack.errors.UnknownVpcError` (a ``KeyError``) instead of answering
        False, so a negative assertion in a test cannot pass by mistake.
        """
        external = {accept.peer.name for accept in self.accepts}
        for name in (a, b):
            if name not in external:
                self.vpc(name)
        return b in self.reachability.get(a, ())

    def to_dict(self) -> dict[str, Any]:
        """The plan in the documented JSON shape (``peerstack plan --format json``)."""
        return {
            "topology": self.topology,
            "accounts": [
                {
                    "name": a.alias,
                    "id": a.id,
                    "region": a.region,
                    "assumes_role": a.role_arn is not None,
                }
                for a in self.accounts
            ],
            "vpcs": [
                {
                    "name": v.name,
                    "account": v.account,
                    "account_id": v.account_id,
                    "region": v.region,
                    "cidrs": list(v.cidrs),
                    "ipv6": v.ipv6,
                    "ipv6_cidrs": list(v.ipv6_cidrs),
                    "route_tables": list(v.route_tables),
                    "managed": v.managed,
                    "vpc_id": v.vpc_id,
                    "security_groups": dict(v.security_groups),
                    "dns_hostnames": v.dns_hostnames,
                    "subnets": [
                        {
                            "name": s.name,
                            "cidr": s.cidr,
                            "availability_zone": s.availability_zone,
                            "route_table": s.route_table,
                            "ipv6_index": s.ipv6_index,
                        }
                        for s in v.subnets
                    ],
                }
                for v in self.vpcs
            ],
            "links": [
                {
                    "name": link.name,
                    "requester": link.requester,
                    "accepter": link.accepter,
                    "cross_account": link.cross_account,
                    "cross_region": link.cross_region,
                    "auto_accept": link.auto_accept,
                    "dns_resolution": link.dns_resolution,
                    "peer_owner_id": link.peer_owner_id,
                    "peer_region": link.peer_region,
                    "origin": link.origin,
                    "waits_for": link.waits_for,
                    "existing_id": link.existing_id,
                    "imports_routes": link.imports_routes,
                }
                for link in self.links
            ],
            "routes": [
                {
                    "vpc": r.vpc,
                    "route_table": r.route_table,
                    "destination": r.destination,
                    "peer": r.peer,
                    "link": r.link,
                }
                for r in self.routes
            ],
            "security_rules": [
                {
                    "vpc": r.vpc,
                    "group": r.group,
                    "group_id": r.group_id,
                    "direction": r.direction,
                    "protocol": r.protocol,
                    "from_port": r.from_port,
                    "to_port": r.to_port,
                    "cidr": r.cidr,
                    "peer_group": r.peer_group,
                    "referenced_group_id": r.referenced_group_id,
                    "referenced_account_id": r.referenced_account_id,
                    "peer": r.peer,
                    "link": r.link,
                }
                for r in self.security_rules
            ],
            "security_groups": [
                {
                    "vpc": g.vpc,
                    "name": g.name,
                    "group_name": g.group_name,
                    "description": g.description,
                    "egress": list(g.egress),
                }
                for g in self.security_groups
            ],
            "accepts": [
                {
                    "name": a.name,
                    "vpc": a.vpc,
                    "peering_id": a.peering_id,
                    "peer": {
                        "name": a.peer.name,
                        "account_id": a.peer.account_id,
                        "region": a.peer.region,
                        "cidrs": list(a.peer.cidrs),
                        "ipv6_cidrs": list(a.peer.ipv6_cidrs),
                    },
                    "cross_account": a.cross_account,
                    "cross_region": a.cross_region,
                    "dns_resolution": a.dns_resolution,
                    "origin": a.origin,
                }
                for a in self.accepts
            ],
            "reachability": {k: list(v) for k, v in self.reachability.items()},
            "subnet_reachability": {k: list(v) for k, v in self.subnet_reachability.items()},
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)
