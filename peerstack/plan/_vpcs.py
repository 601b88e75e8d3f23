"""Resolving accounts and VPCs: defaults, address blocks, subnets, route tables."""

from __future__ import annotations

from peerstack._cidr import Network, contains, overlaps, parse_network, secondary_restriction
from peerstack._regions import partition
from peerstack.plan._context import Context
from peerstack.plan.model import DISCOVERED, MAIN, AccountPlan, SubnetPlan, VpcPlan
from peerstack.topology import FieldPath, Topology, Vpc


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


def resolve_vpcs(ctx: Context, dns_vpcs: set[str]) -> dict[str, VpcPlan]:
    """One VpcPlan per VPC that resolves; problems for the rest (they get no plan)."""
    topology = ctx.topology
    default_account = topology.defaults.account
    if default_account is None and len(topology.accounts) == 1:
        default_account = next(iter(topology.accounts))
    elif default_account is not None and default_account not in topology.accounts:
        ctx.unknown(("defaults", "account"), "account", default_account, topology.accounts)
        default_account = None

    plans: dict[str, VpcPlan] = {}
    seen_ids: dict[str, str] = {}
    for name, vpc in topology.vpcs.items():
        path: FieldPath = ("vpcs", name)
        alias = vpc.account or default_account
        if alias is None:
            ctx.error(
                path,
                "no account: this VPC names none and `defaults.account` is not set",
                hint="add `account: ALIAS` here or `defaults: {account: ALIAS}`",
            )
            continue
        if alias not in topology.accounts:
            ctx.unknown((*path, "account"), "account", alias, topology.accounts)
            continue
        region = vpc.region or topology.defaults.region
        if region is None:
            ctx.error(
                path,
                "no region: this VPC names none and `defaults.region` is not set",
                hint="add `region: us-east-1` (for example) here or under `defaults`",
            )
            continue
        tags = {**topology.defaults.tags, **vpc.tags}
        account = topology.accounts[alias]
        account_id = account.id
        if account.role_arn and account.role_arn.split(":")[1] != partition(region):
            ctx.error(
                (*path, "region") if vpc.region else path,
                f"region {region!r} is in partition {partition(region)!r}, but account "
                f"{alias!r}'s role is in {account.role_arn.split(':')[1]!r}",
                hint="an IAM role can only act in regions of its own partition",
            )
            continue
        if vpc.existing is not None:
            existing = vpc.existing
            other = seen_ids.get(existing.vpc_id)
            if other is not None:
                ctx.error(
                    (*path, "existing", "vpc_id"),
                    f"{existing.vpc_id!r} is already adopted as VPC {other!r}",
                    hint="adopt each VPC once and refer to it by one name",
                )
            seen_ids[existing.vpc_id] = name
            _check_blocks(ctx, (*path, "existing"), list(existing.cidrs), "cidrs", managed=False)
            _check_disjoint(ctx, (*path, "existing", "ipv6_cidrs"), list(existing.ipv6_cidrs))
            if existing.route_tables is None:
                tables: tuple[str, ...] = (DISCOVERED,)
                table_ids: dict[str, str] = {}
            else:
                tables = tuple(sorted(existing.route_tables, key=lambda t: (t != MAIN, t)))
                table_ids = dict(existing.route_tables)
                _check_unique_ids(ctx, (*path, "existing", "route_tables"), table_ids)
            plans[name] = VpcPlan(
                name=name,
                account=alias,
                account_id=account_id,
                region=region,
                cidrs=tuple(existing.cidrs),
                ipv6=bool(existing.ipv6_cidrs),
                ipv6_cidrs=tuple(existing.ipv6_cidrs),
                route_tables=tables,
                managed=False,
                dns_hostnames=False,
                vpc_id=existing.vpc_id,
                route_table_ids=table_ids,
                tags=tags,
            )
            continue
        assert vpc.cidr is not None  # the model guarantees cidr or existing
        blocks = [vpc.cidr, *vpc.secondary_cidrs]
        _check_blocks(ctx, path, blocks, "secondary_cidrs", managed=True)
        subnets = _resolve_subnets(ctx, path, vpc, region, blocks)
        tables_in_use = [MAIN]
        for subnet in subnets:
            if subnet.route_table not in tables_in_use:
                tables_in_use.append(subnet.route_table)
        plans[name] = VpcPlan(
            name=name,
            account=alias,
            account_id=account_id,
            region=region,
            cidrs=tuple(blocks),
            ipv6=vpc.ipv6,
            ipv6_cidrs=(),
            route_tables=tuple(tables_in_use),
            managed=True,
            dns_hostnames=name in dns_vpcs,
            subnets=tuple(subnets),
            tags=tags,
        )
    return plans


def check_cidr_quota(ctx: Context, plans: dict[str, VpcPlan]) -> None:
    limit = ctx.topology.quotas.cidrs_per_vpc
    for plan in plans.values():
        if len(plan.cidrs) > limit:
            path: FieldPath = ("vpcs", plan.name) + (() if plan.managed else ("existing", "cidrs"))
            ctx.error(
                path,
                f"{len(plan.cidrs)} IPv4 CIDR blocks exceed the quota of {limit} per VPC",
                hint="remove blocks, or raise the AWS quota and `quotas.cidrs_per_vpc` "
                "(AWS maximum 50)",
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


def _check_unique_ids(ctx: Context, path: FieldPath, table_ids: dict[str, str]) -> None:
    seen: dict[str, str] = {}
    for name, rtb in table_ids.items():
        if rtb in seen:
            ctx.error(
                (*path, name),
                f"route table {rtb!r} is listed twice (as {seen[rtb]!r} and {name!r})",
                hint="give each route table one name",
            )
        seen[rtb] = name


def _resolve_subnets(
    ctx: Context, path: FieldPath, vpc: Vpc, region: str, blocks: list[str]
) -> list[SubnetPlan]:
    nets = [parse_network(b) for b in blocks]
    plans: list[SubnetPlan] = []
    seen_names: dict[str, int] = {}
    placed: list[tuple[int, Network]] = []
    for index, subnet in enumerate(vpc.subnets):
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
        for other_index, other in placed:
            if overlaps(net, other):
                ctx.error(
                    (*spath, "cidr"),
                    f"subnet {subnet.cidr!r} overlaps subnets[{other_index}] "
                    f"({vpc.subnets[other_index].cidr!r})",
                )
        placed.append((index, net))
        az = subnet.az
        az_is_id = "-az" in az
        if len(az) == 1:
            az = region + az
        elif not az_is_id and not (az.startswith(region) and len(az) == len(region) + 1):
            ctx.error(
                (*spath, "az"),
                f"availability zone {subnet.az!r} is not in the VPC's region {region!r}",
                hint=f"write just the zone letter, e.g. `az: {subnet.az[-1]}`",
            )
        plans.append(
            SubnetPlan(
                name=subnet.name,
                cidr=subnet.cidr,
                availability_zone=az,
                route_table=subnet.route_table or MAIN,
                block=holder or blocks[0],
                az_is_id=az_is_id,
            )
        )
    return plans
