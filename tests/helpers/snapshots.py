"""Snapshots built by hand: what AWS would hold after a faithful deploy of a plan, and
small edits of it, so comparisons are tested without any AWS.

Ids are readable and derived from names: ``vpc-<vpc>``, ``rtb-<vpc>-<table>``,
``subnet-<vpc>-<subnet>``, ``pcx-<link>``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from peerstack._cidr import subnet_ipv6_block
from peerstack.plan import DISCOVERED, MAIN, Plan, VpcPlan
from peerstack.verify import (
    PeeringSide,
    PeeringSnapshot,
    RouteSnapshot,
    RouteTableSnapshot,
    Snapshot,
    SubnetSnapshot,
    VpcSnapshot,
)


def vpc_id(plan: Plan, name: str) -> str:
    return plan.vpc(name).vpc_id or f"vpc-{name}"


def table_id(plan: Plan, vpc: str, table: str) -> str:
    return plan.vpc(vpc).route_table_ids.get(table) or f"rtb-{vpc}-{table}"


def _ipv6(plan: Plan) -> dict[str, tuple[str, ...]]:
    blocks: dict[str, tuple[str, ...]] = {}
    for index, vpc in enumerate(plan.vpcs):
        if vpc.ipv6_cidrs:
            blocks[vpc.name] = vpc.ipv6_cidrs
        elif vpc.ipv6:
            blocks[vpc.name] = (f"2600:1f00:{index + 1:x}00::/56",)
    return blocks


def _tables(vpc: VpcPlan) -> list[str]:
    if vpc.discovers_route_tables:
        return [MAIN]
    return list(vpc.route_tables)


def faithful(plan: Plan) -> Snapshot:
    """What AWS holds right after ``plan`` was deployed as planned."""
    ipv6 = _ipv6(plan)
    vpcs: list[VpcSnapshot] = []
    subnets: list[SubnetSnapshot] = []
    tables: list[RouteTableSnapshot] = []
    for vpc in plan.vpcs:
        own = vpc_id(plan, vpc.name)
        tags = (
            {"peerstack:topology": plan.topology, "peerstack:vpc": vpc.name} if vpc.managed else {}
        )
        dns = True if vpc.managed and vpc.dns_hostnames else None
        vpcs.append(
            VpcSnapshot(
                own, vpc.account_id, vpc.region, vpc.cidrs, ipv6.get(vpc.name, ()), tags, dns, dns
            )
        )
        for subnet in vpc.subnets:
            subnet_ipv6 = (
                (subnet_ipv6_block(ipv6[vpc.name][0], subnet.ipv6_index),)
                if subnet.ipv6_index is not None
                else ()
            )
            subnets.append(
                SubnetSnapshot(f"subnet-{vpc.name}-{subnet.name}", own, subnet.cidr, subnet_ipv6)
            )
        local = tuple(RouteSnapshot(b, "local") for b in (*vpc.cidrs, *ipv6.get(vpc.name, ())))
        for table in _tables(vpc):
            routes = [
                RouteSnapshot(
                    route.deferred_block(ipv6[route.ipv6_of][0])
                    if route.ipv6_of
                    else route.destination,
                    f"pcx-{route.link}",
                )
                for route in plan.routes_of(vpc.name)
                if route.route_table in (table, DISCOVERED)
            ]
            table_tags = (
                {**tags, "peerstack:route-table": table} if vpc.managed and table != MAIN else {}
            )
            associated = tuple(
                f"subnet-{vpc.name}-{s.name}" for s in vpc.subnets if s.route_table == table != MAIN
            )
            tables.append(
                RouteTableSnapshot(
                    table_id(plan, vpc.name, table),
                    own,
                    local + tuple(routes),
                    main=table == MAIN,
                    subnet_ids=associated,
                    tags=table_tags,
                )
            )
    peerings = [
        PeeringSnapshot(
            f"pcx-{link.name}",
            "active",
            PeeringSide(
                vpc_id(plan, link.requester),
                link.requester_account_id,
                link.requester_region,
                link.dns_resolution,
            ),
            PeeringSide(
                vpc_id(plan, link.accepter),
                link.accepter_account_id,
                link.accepter_region,
                link.dns_resolution,
            ),
            {"peerstack:topology": plan.topology, "peerstack:link": link.name},
        )
        for link in plan.links
    ]
    return Snapshot(tuple(vpcs), tuple(subnets), tuple(tables), tuple(peerings))


def edit_table(
    snapshot: Snapshot, table: str, change: Callable[[RouteTableSnapshot], RouteTableSnapshot]
) -> Snapshot:
    """``snapshot`` with route table ``table`` changed."""
    assert any(t.id == table for t in snapshot.route_tables), table
    tables = tuple(change(t) if t.id == table else t for t in snapshot.route_tables)
    return dataclasses.replace(snapshot, route_tables=tables)


def without_route(snapshot: Snapshot, table: str, destination: str) -> Snapshot:
    def change(t: RouteTableSnapshot) -> RouteTableSnapshot:
        kept = tuple(r for r in t.routes if r.destination != destination)
        assert len(kept) == len(t.routes) - 1, (table, destination)
        return dataclasses.replace(t, routes=kept)

    return edit_table(snapshot, table, change)


def with_route(snapshot: Snapshot, table: str, route: RouteSnapshot) -> Snapshot:
    def change(t: RouteTableSnapshot) -> RouteTableSnapshot:
        kept = tuple(r for r in t.routes if r.destination != route.destination)
        return dataclasses.replace(t, routes=(*kept, route))

    return edit_table(snapshot, table, change)


def edit_peering(
    snapshot: Snapshot, peering: str, change: Callable[[PeeringSnapshot], PeeringSnapshot]
) -> Snapshot:
    assert snapshot.peering(peering) is not None, peering
    peerings = tuple(change(p) if p.id == peering else p for p in snapshot.peerings)
    return dataclasses.replace(snapshot, peerings=peerings)


def edit_vpc(
    snapshot: Snapshot, vpc: str, change: Callable[[VpcSnapshot], VpcSnapshot]
) -> Snapshot:
    assert any(v.id == vpc for v in snapshot.vpcs), vpc
    return dataclasses.replace(
        snapshot, vpcs=tuple(change(v) if v.id == vpc else v for v in snapshot.vpcs)
    )
