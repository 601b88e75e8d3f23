"""Routes: every planned route is in its table, over its link's connection and not a
blackhole; no other route goes over a peering connection, and none to another target
hides part of a planned destination."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from peerstack._cidr import aws_network, more_specific
from peerstack._facts.peering import PeeringStatus
from peerstack.plan.model import RoutePlan
from peerstack.verify._checks import normal
from peerstack.verify._match import Match
from peerstack.verify._result import Difference, DifferenceKind
from peerstack.verify._snapshot import RouteSnapshot

__all__ = ["PlannedRoutes", "check_routes", "planned_routes"]

Key = tuple[str, str]
"""(route table id, destination)"""


@dataclass(frozen=True, slots=True)
class PlannedRoute:
    """A route the plan puts in one table found in AWS."""

    where: str
    """``vpc/table``, for messages."""
    route: RoutePlan
    connection_id: str
    """The id of the connection found for the route's link; empty when none is."""


@dataclass(slots=True)
class PlannedRoutes:
    """The plan's routes placed in the tables found."""

    expected: dict[Key, PlannedRoute] = field(default_factory=dict)
    problems: list[Difference] = field(default_factory=list)
    """Routes that could not be placed: their table, or their IPv6 destination, is gone."""
    unknown: set[tuple[str, str]] = field(default_factory=set)
    """(route table id, connection id) whose planned IPv6 destinations are unknown, since
    the VPC they are in cannot be told apart from another: no IPv6 route over that
    connection in that table can be called unexpected."""


def planned_routes(m: Match) -> PlannedRoutes:
    """Where each planned route belongs among the tables found, and what it goes over."""
    planned = PlannedRoutes()
    missing_tables: set[tuple[str, str]] = set()
    for route in m.plan.routes:
        if route.vpc not in m.vpcs:
            continue  # reported as a missing (or undecided) VPC
        tables = m.route_tables(m.plan.vpc(route.vpc), route.route_table)
        if tables is None:
            if (route.vpc, route.route_table) not in missing_tables:
                missing_tables.add((route.vpc, route.route_table))
                planned.problems.append(_table_missing(route))
            continue
        connection = m.connections.get(route.link)
        connection_id = connection.id if connection is not None else ""
        for name, table_id in tables:
            _place(m, planned, route, f"{route.vpc}/{name}", (table_id, connection_id))
    return planned


def _table_missing(route: RoutePlan) -> Difference:
    return Difference(
        DifferenceKind.ROUTE_TABLE_MISSING,
        f"{route.vpc}/{route.route_table}",
        f"route table {route.route_table!r} of {route.vpc!r} was not found",
        "one table",
        "missing",
    )


def _place(
    m: Match, planned: PlannedRoutes, route: RoutePlan, where: str, over: tuple[str, str]
) -> None:
    """One planned route in one table found: ``over`` is (table id, connection id)."""
    table_id, connection_id = over
    destinations = _destinations(m, route)
    if destinations is None:
        planned.unknown.add(over)
        return
    for destination in destinations:
        planned.expected[(table_id, destination)] = PlannedRoute(where, route, connection_id)
    if route.deferred and not destinations:
        planned.problems.append(
            Difference(
                DifferenceKind.ROUTE_MISSING,
                f"{where} -> {route.destination}",
                f"{route.ipv6_of!r} has no IPv6 block to route to",
                "an IPv6 block",
                "none",
            )
        )


def _destinations(m: Match, route: RoutePlan) -> list[str] | None:
    """The destinations of a planned route as AWS has them; None when they depend on a
    VPC that was not found (or cannot be told apart)."""
    if route.ipv6_of is None:
        return [normal(route.destination)]
    peer = m.vpcs.get(route.ipv6_of)
    if peer is None:
        return None
    if route.ipv6_index is not None:  # a subnet's /64 of the peer's (one) block
        return [route.deferred_block(b) for b in peer.ipv6_cidrs[:1]]
    return list(peer.ipv6_cidrs)


def check_routes(m: Match, planned: PlannedRoutes) -> Iterator[Difference]:
    yield from planned.problems
    observed: dict[Key, RouteSnapshot] = {}
    where_of: dict[str, str] = {}
    for name, vpc_found in m.vpcs.items():
        names = m.table_names(m.plan.vpc(name))
        for table in m.snapshot.tables_of(vpc_found.id):
            where_of[table.id] = f"{name}/{names.get(table.id, table.id)}"
            for route_found in table.routes:
                observed[(table.id, route_found.destination)] = route_found
    ours = {c.id: link for link, c in m.connections.items()}
    ours.update({pcx: link for link, pcx in m.ids.peering_connection_ids.items()})
    for key, expected in planned.expected.items():
        yield from _planned(m, key, expected, observed.get(key), ours)
    by_table: dict[str, list[tuple[str, RoutePlan]]] = defaultdict(list)
    for (table_id, destination), expected in planned.expected.items():
        by_table[table_id].append((destination, expected.route))
    for key, route_found in observed.items():
        if key not in planned.expected:
            subject = f"{where_of[key[0]]} -> {key[1]}"
            yield from _other(m, planned, key, subject, route_found, ours, by_table[key[0]])


def _planned(
    m: Match,
    key: Key,
    expected: PlannedRoute,
    found: RouteSnapshot | None,
    ours: Mapping[str, str],
) -> Iterator[Difference]:
    """A planned route is there, over its link's connection, which carries traffic."""
    table_id, destination = key
    link, pcx_id = expected.route.link, expected.connection_id
    subject = f"{expected.where} -> {destination}"
    if found is None:
        yield Difference(
            DifferenceKind.ROUTE_MISSING,
            subject,
            f"no route to {destination} in {expected.where} ({table_id})",
            f"via {link} ({pcx_id or 'missing'})",
            "missing",
        )
        return
    target = found.target
    if target != pcx_id:
        yield Difference(
            DifferenceKind.ROUTE_WRONG_TARGET,
            subject,
            f"the route to {destination} in {expected.where} does not go over {link}",
            f"{pcx_id} ({link})",
            f"{target} ({ours[target]})" if target in ours else target,
        )
        return
    connection = m.snapshot.peering(target)
    if found.blackhole or connection is None or connection.status != PeeringStatus.ACTIVE:
        status = connection.status if connection is not None else "gone"
        yield Difference(
            DifferenceKind.ROUTE_BLACKHOLE,
            subject,
            f"the route to {destination} in {expected.where} is a blackhole: {pcx_id} is {status}",
            PeeringStatus.ACTIVE,
            "blackhole",
        )


def _other(
    m: Match,
    planned: PlannedRoutes,
    key: Key,
    subject: str,
    route: RouteSnapshot,
    ours: Mapping[str, str],
    planned_here: list[tuple[str, RoutePlan]],
) -> Iterator[Difference]:
    """A route the plan does not have: over a peering connection, it is unexpected; to
    another target, it may hide part of a planned destination."""
    via = route.target
    if via not in ours and m.snapshot.peering(via) is None:
        if via != "local":
            yield from _shadow(subject, route, planned_here)
        return
    if (key[0], via) in planned.unknown and ":" in key[1]:
        return  # may be a planned route to a VPC verify cannot tell apart
    over = f"{ours[via]} ({via})" if via in ours else f"{via}, a connection the plan does not have"
    yield Difference(
        DifferenceKind.ROUTE_UNEXPECTED,
        subject,
        f"a route the plan does not have goes over {over}: delete it",
        "no route",
        f"via {via}",
    )


def _shadow(
    subject: str, route: RouteSnapshot, planned: list[tuple[str, RoutePlan]]
) -> Iterator[Difference]:
    """A route to something else that takes part of a planned destination."""
    network = aws_network(route.destination)
    for destination, hidden in planned:
        if more_specific(network, aws_network(destination)):
            yield Difference(
                DifferenceKind.ROUTE_SHADOWED,
                subject,
                f"{route.destination} via {route.target} is more specific than the "
                f"planned route to {destination} over {hidden.link}: longest prefix sends "
                f"those addresses to {route.target}, not to {hidden.peer!r}; delete it, or "
                "leave those addresses out of the topology's routes",
                "no route",
                f"via {route.target}",
            )
            return
