"""VPCs: each planned VPC found once, with exactly its blocks, the DNS attributes its
links need, and (created VPCs) exactly its subnets on their tables; no leftover VPC
tagged as the topology's."""

from __future__ import annotations

from collections.abc import Iterator

from peerstack._cidr import subnet_ipv6_block
from peerstack._facts.tags import TagKey
from peerstack.plan.model import MAIN, SubnetPlan, VpcPlan
from peerstack.verify._checks import normal
from peerstack.verify._match import Match, known_vpc_id
from peerstack.verify._result import Difference, DifferenceKind
from peerstack.verify._snapshot import SubnetSnapshot, VpcSnapshot

__all__ = ["check_vpcs"]


def check_vpcs(m: Match) -> Iterator[Difference]:
    for vpc in m.plan.vpcs:
        yield from _found(m, vpc)
    yield from _leftovers(m)
    found = [(vpc, m.vpcs[vpc.name]) for vpc in m.plan.vpcs if vpc.name in m.vpcs]
    for vpc, vpc_found in found:
        yield from _blocks(vpc, vpc_found)
    for vpc, vpc_found in found:
        if vpc.managed and vpc.dns_hostnames:
            yield from _dns_attributes(vpc, vpc_found)
    for vpc, vpc_found in found:
        if vpc.managed:
            yield from _subnets(m, vpc, vpc_found)


def _found(m: Match, vpc: VpcPlan) -> Iterator[Difference]:
    if vpc.name in m.vpcs:
        return
    candidates = m.ambiguous.get(vpc.name)
    if candidates:
        yield Difference(
            DifferenceKind.VPC_AMBIGUOUS,
            vpc.name,
            f"{len(candidates)} VPCs are tagged as {vpc.name!r} and no connection of its "
            "links tells which one is in use, so its blocks, subnets, routes, rules and "
            "reachability are not checked: give the stack's outputs (`--stack`) so that "
            "verify knows which VPC is peerstack's",
            "one VPC",
            ", ".join(v.id for v in candidates),
        )
        return
    yield Difference(
        DifferenceKind.VPC_MISSING,
        vpc.name,
        f"VPC {vpc.name!r} was not found in account {vpc.account_id}, {vpc.region}",
        known_vpc_id(vpc, m.ids) or f"tagged {TagKey.VPC}",
        "missing",
    )


def _leftovers(m: Match) -> Iterator[Difference]:
    for leftover in sorted(m.leftovers, key=lambda v: v.id):
        name = leftover.tags.get(TagKey.VPC, "")
        in_use = m.vpcs.get(name)
        yield Difference(
            DifferenceKind.VPC_UNEXPECTED,
            f"{name} {leftover.id}",
            f"{_leftover(m, leftover, name)}: {leftover.id} is probably left by an "
            "interrupted run; if nothing runs in it, delete it, else remove its peerstack tags",
            in_use.id if in_use is not None else "no VPC",
            leftover.id,
        )


def _leftover(m: Match, leftover: VpcSnapshot, name: str) -> str:
    """Why a VPC tagged as the topology's stands for none of its VPCs."""
    tagged = f"VPC {leftover.id} is tagged as {name!r} of topology {m.plan.topology!r}"
    if name not in {v.name for v in m.plan.vpcs}:
        return f"{tagged}, which the plan does not have"
    in_use = m.vpcs.get(name)
    if in_use is not None and m.ids.vpc_ids.get(name):
        return f"{tagged}, but the stack's outputs name {in_use.id} as {name!r}"
    if in_use is not None and m.plan.vpc(name).vpc_id:
        return f"{tagged}, but the topology adopts {in_use.id} as {name!r}"
    if in_use is not None and name in m.chosen_by_connections:
        return f"{tagged}, but the links' connections join {in_use.id}, the {name!r} in use"
    vpc = m.plan.vpc(name)
    return f"{tagged}, but the plan has {name!r} in account {vpc.account_id}, {vpc.region}"


def _dns_attributes(vpc: VpcPlan, found: VpcSnapshot) -> Iterator[Difference]:
    for attribute, value in (
        ("enableDnsSupport", found.dns_support),
        ("enableDnsHostnames", found.dns_hostnames),
    ):
        if not value:
            yield Difference(
                DifferenceKind.DNS_ATTRIBUTE,
                f"{vpc.name} {attribute}",
                f"{attribute} is off on {vpc.name!r} ({found.id}): remote DNS "
                "resolution over its links needs DNS support and hostnames",
                "true",
                "false" if value is False else "not read",
            )


def _blocks(vpc: VpcPlan, found: VpcSnapshot) -> Iterator[Difference]:
    planned = [normal(c) for c in (*vpc.cidrs, *vpc.ipv6_cidrs)]
    if not vpc.ipv6_cidrs and vpc.ipv6 and not found.ipv6_cidrs:
        yield Difference(
            DifferenceKind.VPC_BLOCK_MISSING,
            f"{vpc.name} IPv6",
            f"{vpc.name!r} ({found.id}) has no IPv6 block: peers cannot route IPv6 to it; "
            "`peerstack refresh`, then `peerstack up` assign one again",
            "an Amazon-provided IPv6 block",
            "none",
        )
    actual = list(found.cidrs)
    if vpc.ipv6_cidrs or not vpc.ipv6:  # an Amazon-provided block is any block
        actual += found.ipv6_cidrs
    for cidr in planned:
        if cidr not in actual:
            yield _block_missing(vpc, found, cidr)
    for cidr in actual:
        if cidr not in planned:
            yield _block_unexpected(vpc, found, cidr)


def _block_missing(vpc: VpcPlan, found: VpcSnapshot, cidr: str) -> Difference:
    if vpc.managed:
        message = (
            f"{cidr} is no longer associated with {vpc.name!r} ({found.id}): its "
            "subnets are gone and peers' routes to it lead nowhere; `peerstack "
            "refresh`, then `peerstack up` associate it again"
        )
    else:
        message = (
            f"{vpc.name!r} ({found.id}) no longer has {cidr}, which the topology "
            f"lists: peers route to it in vain; remove it from vpcs.{vpc.name}.existing"
        )
    return Difference(
        DifferenceKind.VPC_BLOCK_MISSING, f"{vpc.name} {cidr}", message, "associated", "missing"
    )


def _block_unexpected(vpc: VpcPlan, found: VpcSnapshot, cidr: str) -> Difference:
    if vpc.managed:
        where = "secondary_cidrs" if ":" not in cidr else "ipv6: true"
        message = (
            f"{cidr} was associated with {vpc.name!r} ({found.id}) outside peerstack, "
            f"and peers do not route to it: disassociate it, or add it to the "
            f"topology (vpcs.{vpc.name}: {where})"
        )
    else:
        message = (
            f"{vpc.name!r} ({found.id}) also has {cidr}, which the topology does not "
            f"list, so peers do not route to it: add it under vpcs.{vpc.name}.existing"
        )
    return Difference(
        DifferenceKind.VPC_BLOCK_UNEXPECTED,
        f"{vpc.name} {cidr}",
        message,
        "not associated",
        "associated",
    )


def _subnets(m: Match, vpc: VpcPlan, found: VpcSnapshot) -> Iterator[Difference]:
    """Each planned subnet exists and uses its table; no other subnet is there."""
    subnets = {s.cidr: s for s in m.snapshot.subnets_of(found.id)}
    planned = {normal(subnet.cidr) for subnet in vpc.subnets}
    for subnet in vpc.subnets:
        subnet_found = subnets.get(normal(subnet.cidr))
        if subnet_found is None:
            cidr = normal(subnet.cidr)
            yield Difference(
                DifferenceKind.SUBNET_MISSING,
                f"{vpc.name}.{subnet.name}",
                f"subnet {subnet.name!r} ({cidr}) of {vpc.name!r} is gone: `peerstack "
                "refresh`, then `peerstack up` create it again",
                cidr,
                "missing",
            )
            continue
        yield from _subnet_ipv6(vpc, found, subnet, subnet_found)
        yield from _subnet_table(m, vpc, found, subnet, subnet_found)
    for cidr, subnet_found in subnets.items():
        if cidr not in planned:
            yield Difference(
                DifferenceKind.SUBNET_UNEXPECTED,
                f"{vpc.name}.{subnet_found.id}",
                f"subnet {subnet_found.id} ({cidr}) of {vpc.name!r} is not in the "
                "topology, and reaches whatever its route table routes: delete it, or "
                f"add it to vpcs.{vpc.name}.subnets",
                "no subnet",
                cidr,
            )


def _subnet_table(
    m: Match, vpc: VpcPlan, found: VpcSnapshot, subnet: SubnetPlan, subnet_found: SubnetSnapshot
) -> Iterator[Difference]:
    """The subnet uses the route table the plan gives it."""
    tables = m.snapshot.tables_of(found.id)
    main = next((t.id for t in tables if t.main), None)
    used = next((t.id for t in tables if subnet_found.id in t.subnet_ids), main)
    wanted = m.route_tables(vpc, subnet.route_table)
    wanted_id = wanted[0][1] if wanted else None
    if used == wanted_id:
        return
    used_name = m.table_names(vpc).get(used, used) if used else "no table"
    actual = f"{used_name} ({used})" if used else used_name
    if subnet.route_table == MAIN:
        fix = f"disassociate it from {used_name!r} so that it uses the main table"
    else:
        fix = (
            f"associate it with {subnet.route_table!r} again (`peerstack refresh`, "
            "then `peerstack up`)"
        )
    yield Difference(
        DifferenceKind.SUBNET_ROUTE_TABLE,
        f"{vpc.name}.{subnet.name}",
        f"subnet {subnet.name!r} of {vpc.name!r} uses route table {actual}, not "
        f"{subnet.route_table!r}, so it reaches what that table routes: {fix}",
        f"{subnet.route_table} ({wanted_id or 'missing'})",
        actual,
    )


def _subnet_ipv6(
    vpc: VpcPlan, found: VpcSnapshot, subnet: SubnetPlan, subnet_found: SubnetSnapshot
) -> Iterator[Difference]:
    """The subnet has the /64 of its VPC's block that its ``ipv6_index`` gives, or none
    without one."""
    if subnet.ipv6_index is None:
        wanted: tuple[str, ...] = ()
    elif found.ipv6_cidrs:
        wanted = (subnet_ipv6_block(found.ipv6_cidrs[0], subnet.ipv6_index),)
    else:
        return  # the VPC's missing block is reported; its subnets follow from it
    actual = tuple(subnet_found.ipv6_cidrs)
    if actual == wanted:
        return
    shown = ", ".join(actual) or "none"
    if not wanted:
        message = (
            f"subnet {subnet.name!r} of {vpc.name!r} ({subnet_found.id}) has the IPv6 "
            f"block {shown}, which the plan does not give it, so it is reached over IPv6 "
            f"wherever routes allow: disassociate it, or give the subnet `ipv6_index`"
        )
    else:
        message = (
            f"subnet {subnet.name!r} of {vpc.name!r} ({subnet_found.id}) has "
            f"{'no IPv6 block' if not actual else f'the IPv6 block {shown}'}, not {wanted[0]} "
            f"(ipv6_index {subnet.ipv6_index}), so peers' IPv6 routes to it miss: "
            "`peerstack refresh`, then `peerstack up` associate it again"
        )
    yield Difference(
        DifferenceKind.SUBNET_IPV6,
        f"{vpc.name}.{subnet.name} IPv6",
        message,
        ", ".join(wanted) or "none",
        shown,
    )
