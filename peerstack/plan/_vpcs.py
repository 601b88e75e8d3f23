"""Resolving accounts and VPCs: defaults, address blocks, subnets, route tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from peerstack._cidr import Network, contains, overlaps, parse_network, secondary_restriction
from peerstack._facts.quotas import QUOTAS
from peerstack._facts.regions import (
    partition,
    zone_id_prefix,
    zone_id_region_prefix,
    zone_name_region,
)
from peerstack.plan._context import Context
from peerstack.plan.model import DISCOVERED, MAIN, AccountPlan, SubnetPlan, VpcPlan
from peerstack.topology import FieldPath, Subnet, Topology, Vpc


def resolve_accounts(topology: Topology, vpcs: dict[str, VpcPlan]) -> tuple[AccountPlan, ...]:
    regions: dict[str, set[str]] = {}
    for vpc in vpcs.values():
        regions.setdefault(vpc.account, set()).add(vpc.region)
    return tuple(
        AccountPlan(
            alias=alias,
            id=account.id,
            region=topology.defaults.region or min(regions.get(alias, ()), default=None),
            role_arn=account.role_arn,
            external_id=account.external_id,
            profile=account.profile,
        )
        for alias, account in topology.accounts.items()
    )


REGION_UNKNOWN = "?"
"""Stands for a region that is invalid or missing (already reported), so the VPC's other
rules are still checked; a plan is never made with it."""


def _placeholder_id(alias: str) -> str:
    """Stands for the id of an account whose entry is invalid or missing (already reported)."""
    return f"?{alias}"


def resolve_vpcs(ctx: Context, dns_vpcs: set[str]) -> dict[str, VpcPlan]:
    """One VpcPlan per VPC; problems for what is wrong with them.

    A VPC whose account or region is missing or unknown is still resolved (with a
    stand-in, after its problem is reported), so every other rule about it is checked
    in the same round.
    """
    default_account = _default_account(ctx)
    plans: dict[str, VpcPlan] = {}
    adopted = _Adopted()
    for name, vpc in ctx.topology.vpcs.items():
        place = _place(ctx, name, vpc, default_account)
        if vpc.existing is not None:
            plans[name] = adopted.resolve(ctx, name, vpc, place)
        else:
            plans[name] = _created(ctx, name, vpc, place, dns=name in dns_vpcs)
    return plans


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a VPC lives, stand-ins included, and its tags."""

    account: str
    account_id: str
    region: str
    tags: dict[str, str]


def _default_account(ctx: Context) -> str | None:
    """``defaults.account``, or the only account written; reports an unknown one."""
    topology, omitted = ctx.topology, ctx.omitted
    default_account = topology.defaults.account
    if default_account is None:
        written = len(topology.accounts) + len(omitted.accounts)
        if written == 1:
            default_account = next(iter([*topology.accounts, *omitted.accounts]))
    elif default_account not in topology.accounts:
        ctx.unknown(
            ("defaults", "account"), "account", default_account, topology.accounts, kind="account"
        )
    return default_account


def _place(ctx: Context, name: str, vpc: Vpc, default_account: str | None) -> _Place:
    """The VPC's account and region (reported when missing or unknown) and its tags.

    Nothing is reported as missing when the file's own entries for it were invalid and
    reported already (``ctx.omitted``).
    """
    topology, omitted = ctx.topology, ctx.omitted
    path: FieldPath = ("vpcs", name)
    alias = vpc.account or default_account
    if alias is None:
        if not (omitted.every_account or "account" in omitted.defaults):
            ctx.error(
                path,
                "no account: this VPC names none and `defaults.account` is not set",
                hint="add `account: ALIAS` here or `defaults: {account: ALIAS}`",
            )
        alias = "?"
    elif alias not in topology.accounts and vpc.account is not None:
        ctx.unknown((*path, "account"), "account", alias, topology.accounts, kind="account")
    region = vpc.region or topology.defaults.region
    if region is None:
        if "region" not in omitted.defaults:
            ctx.error(
                path,
                "no region: this VPC names none and `defaults.region` is not set",
                hint="add `region: us-east-1` (for example) here or under `defaults`",
            )
        region = REGION_UNKNOWN
    account = topology.accounts.get(alias)
    role_arn = account.role_arn if account is not None else None
    if role_arn and region != REGION_UNKNOWN and role_arn.split(":")[1] != partition(region):
        ctx.error(
            (*path, "region") if vpc.region else path,
            f"region {region!r} is in partition {partition(region)!r}, but the role of "
            f"account {alias!r} is in {role_arn.split(':')[1]!r}",
            hint="an IAM role can only act in regions of its own partition",
        )
    return _Place(
        account=alias,
        account_id=account.id if account is not None else _placeholder_id(alias),
        region=region,
        tags={**topology.defaults.tags, **vpc.tags},
    )


@dataclass(slots=True)
class _Adopted:
    """Resolves adopted VPCs, remembering ids across them: each is adopted once."""

    vpc_ids: dict[str, str] = field(default_factory=dict)
    """VPC id -> the name that adopted it."""
    table_ids: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Route table id -> (VPC name, table name) that listed it."""

    def resolve(self, ctx: Context, name: str, vpc: Vpc, place: _Place) -> VpcPlan:
        path: FieldPath = ("vpcs", name)
        existing = vpc.existing
        assert existing is not None
        other = self.vpc_ids.get(existing.vpc_id)
        if other is not None:
            ctx.error(
                (*path, "existing", "vpc_id"),
                f"{existing.vpc_id!r} is already adopted as VPC {other!r}",
                hint="adopt each VPC once and refer to it by one name",
            )
        self.vpc_ids[existing.vpc_id] = name
        _check_blocks(ctx, (*path, "existing"), list(existing.cidrs), "cidrs", managed=False)
        _check_disjoint(ctx, (*path, "existing", "ipv6_cidrs"), list(existing.ipv6_cidrs))
        if existing.route_tables is None:
            tables: tuple[str, ...] = (DISCOVERED,)
            table_ids: dict[str, str] = {}
        else:
            tables = tuple(sorted(existing.route_tables, key=lambda t: (t != MAIN, t)))
            table_ids = dict(existing.route_tables)
            _check_table_ids(ctx, name, table_ids, self.table_ids)
        return VpcPlan(
            name=name,
            account=place.account,
            account_id=place.account_id,
            region=place.region,
            cidrs=tuple(existing.cidrs),
            ipv6=bool(existing.ipv6_cidrs),
            ipv6_cidrs=tuple(existing.ipv6_cidrs),
            route_tables=tables,
            managed=False,
            dns_hostnames=False,
            vpc_id=existing.vpc_id,
            route_table_ids=table_ids,
            security_groups=dict(existing.security_groups),
            tags=place.tags,
        )


def _created(ctx: Context, name: str, vpc: Vpc, place: _Place, *, dns: bool) -> VpcPlan:
    path: FieldPath = ("vpcs", name)
    assert vpc.cidr is not None  # the model guarantees cidr or existing
    blocks = [vpc.cidr, *vpc.secondary_cidrs]
    _check_blocks(ctx, path, blocks, "secondary_cidrs", managed=True)
    subnets = _resolve_subnets(ctx, path, vpc, place.region, blocks)
    tables_in_use = [MAIN]
    for subnet in subnets:
        if subnet.route_table not in tables_in_use:
            tables_in_use.append(subnet.route_table)
    return VpcPlan(
        name=name,
        account=place.account,
        account_id=place.account_id,
        region=place.region,
        cidrs=tuple(blocks),
        ipv6=vpc.ipv6,
        ipv6_cidrs=(),
        route_tables=tuple(tables_in_use),
        managed=True,
        dns_hostnames=dns,
        subnets=tuple(subnets),
        tags=place.tags,
    )


def check_cidr_quota(ctx: Context, plans: dict[str, VpcPlan]) -> None:
    limit = ctx.topology.quotas.cidrs_per_vpc
    for plan in plans.values():
        if len(plan.cidrs) > limit:
            path: FieldPath = ("vpcs", plan.name) + (() if plan.managed else ("existing", "cidrs"))
            ctx.error(
                path,
                f"{len(plan.cidrs)} IPv4 CIDR blocks exceed the quota of {limit} per VPC",
                hint=QUOTAS["cidrs_per_vpc"].raise_hint("remove blocks"),
            )


def _check_blocks(
    ctx: Context, path: FieldPath, blocks: list[str], field: str, *, managed: bool
) -> None:
    """Blocks of one VPC must not overlap, and secondaries must be allowed next to the primary."""
    nets = [parse_network(b) for b in blocks]
    for i in range(len(nets)):
        for j in range(i):
            if overlaps(nets[i], nets[j]):
                where = (*path, field, i - 1) if managed else (*path, field, i)
                ctx.error(
                    where,
                    f"{blocks[i]!r} overlaps {blocks[j]!r}, another block of the same VPC",
                )
                break
    if managed:
        for i, block in enumerate(blocks[1:]):
            why = secondary_restriction(blocks[0], block)
            if why:
                ctx.error((*path, field, i), why)


def _check_disjoint(ctx: Context, path: FieldPath, blocks: list[str]) -> None:
    nets = [parse_network(b) for b in blocks]
    for i in range(len(nets)):
        for j in range(i):
            if overlaps(nets[i], nets[j]):
                ctx.error((*path, i), f"{blocks[i]!r} overlaps {blocks[j]!r} of the same VPC")


def _check_table_ids(
    ctx: Context, vpc: str, table_ids: dict[str, str], seen: dict[str, tuple[str, str]]
) -> None:
    """A route table belongs to one VPC, under one name."""
    for name, rtb in table_ids.items():
        first = seen.get(rtb)
        path: FieldPath = ("vpcs", vpc, "existing", "route_tables", name)
        if first is None:
            seen[rtb] = (vpc, name)
        elif first[0] == vpc:
            ctx.error(
                path,
                f"route table {rtb!r} is listed twice (as {first[1]!r} and {name!r})",
                hint="give each route table one name",
            )
        else:
            ctx.error(
                path,
                f"route table {rtb!r} is already listed under VPC {first[0]!r} (as "
                f"{first[1]!r}); a route table belongs to exactly one VPC",
                hint="check the id: `aws ec2 describe-route-tables --route-table-ids "
                f"{rtb}` shows its VPC",
            )


def _resolve_subnets(
    ctx: Context, path: FieldPath, vpc: Vpc, region: str, blocks: list[str]
) -> list[SubnetPlan]:
    nets = [parse_network(b) for b in blocks]
    plans: list[SubnetPlan] = []
    seen_names: dict[str, int] = {}
    placed: list[tuple[int, Network, str]] = []
    ipv6_indexes: dict[int, tuple[int, str]] = {}
    for index, subnet in ctx.items_of(str(path[1]), "subnets", vpc.subnets):
        spath = (*path, "subnets", index)
        if subnet.name in seen_names:
            ctx.error(
                (*spath, "name"),
                f"subnet name {subnet.name!r} is already used by "
                f"subnets[{seen_names[subnet.name]}]",
                hint="subnet names must be unique within a VPC",
            )
        seen_names.setdefault(subnet.name, index)
        net = parse_network(subnet.cidr)
        holder = next((b for b, n in zip(blocks, nets, strict=True) if contains(n, net)), None)
        if holder is None:
            ctx.error(
                (*spath, "cidr"),
                f"subnet {subnet.cidr!r} is outside the VPC's blocks ({', '.join(blocks)})",
                hint="pick a range inside `cidr` or one of `secondary_cidrs`",
            )
        for other_index, other, other_cidr in placed:
            if overlaps(net, other):
                ctx.error(
                    (*spath, "cidr"),
                    f"subnet {subnet.cidr!r} overlaps subnets[{other_index}] ({other_cidr!r})",
                )
        placed.append((index, net, subnet.cidr))
        az, az_is_id = _zone(ctx, (*spath, "az"), subnet.az, region)
        if subnet.ipv6_index is not None:
            _check_ipv6_index(ctx, spath, vpc, subnet, ipv6_indexes, index)
        plans.append(
            SubnetPlan(
                name=subnet.name,
                cidr=subnet.cidr,
                availability_zone=az,
                route_table=subnet.route_table or MAIN,
                block=holder or blocks[0],
                az_is_id=az_is_id,
                ipv6_index=subnet.ipv6_index,
            )
        )
    return plans


def _check_ipv6_index(
    ctx: Context,
    spath: FieldPath,
    vpc: Vpc,
    subnet: Subnet,
    seen: dict[int, tuple[int, str]],
    index: int,
) -> None:
    """A subnet's /64 needs a VPC with IPv6, and no other subnet of it may take the same.

    ``seen``: /64 number -> the position and name of the subnet that took it.
    """
    path = (*spath, "ipv6_index")
    ipv6_index = subnet.ipv6_index
    assert ipv6_index is not None
    if not vpc.ipv6:
        ctx.error(
            path,
            f"subnet {subnet.name!r} takes IPv6 /64 number {ipv6_index}, but its "
            "VPC has no IPv6 block",
            hint="set `ipv6: true` on the VPC (AWS gives it a /56), or remove `ipv6_index`",
        )
        return
    first = seen.get(ipv6_index)
    if first is not None:
        ctx.error(
            path,
            f"ipv6_index {ipv6_index} is already taken by subnets[{first[0]}] "
            f"({first[1]!r}): two subnets cannot share a /64",
            hint="give each subnet its own ipv6_index (0 to 255); keep deployed subnets' "
            "indexes, since a new one renumbers the subnet's IPv6 addresses",
        )
        return
    seen[ipv6_index] = (index, subnet.name)


def _zone(ctx: Context, path: FieldPath, az: str, region: str) -> tuple[str, bool]:
    """The subnet's zone as the plan gives it (full name or zone id), checked against the
    VPC's region as far as can be done offline (see :mod:`peerstack._facts.regions`)."""
    if len(az) == 1:
        return region + az, False
    known = region != REGION_UNKNOWN
    prefix = zone_id_region_prefix(az)
    if prefix is not None:
        expected = zone_id_prefix(region) if known else None
        if expected is not None and prefix != expected:
            ctx.error(
                path,
                f"zone id {az!r} is not in the VPC's region {region!r}, whose zone ids start "
                f"with {expected + '-'!r}",
                hint=f"`aws ec2 describe-availability-zones --region {region}` lists its zone "
                "ids; or give just the zone letter",
            )
        return az, True
    if known and zone_name_region(az) != region:
        ctx.error(
            path,
            f"availability zone {az!r} is not in the VPC's region {region!r}",
            hint=f"write just the zone letter, e.g. `az: {az[-1]}`",
        )
    return az, False
