"""Reachability: what AWS holds, described to the plan's own model, reaches what the plan
reaches, VPC by VPC and subnet by subnet.

This is verify's adapter to :mod:`peerstack._reachability`: it describes each VPC found
(its blocks, its tables' routes, and its subnets, or none when the plan takes the VPC
whole) and the connections accepted from outside, and asks the same question the plan
asked. Which VPCs are taken whole is the plan's decision (``endpoint_subnets``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from peerstack._cidr import Network, aws_network
from peerstack._facts.peering import PeeringStatus
from peerstack._reachability import (
    AcceptedConnection,
    Link,
    Reachability,
    Route,
    SubnetEndpoint,
    VpcModel,
    outside_peers,
    reachability,
    vpc_model,
)
from peerstack.plan._routes import endpoint_subnets
from peerstack.verify._checks import normal
from peerstack.verify._match import Match
from peerstack.verify._result import Difference, DifferenceKind
from peerstack.verify._snapshot import RouteSnapshot, VpcSnapshot

__all__ = ["check_reachability", "found_reachability"]

Over = Callable[[RouteSnapshot], "str | None"]
"""The link a route found sends traffic over (None: none that carries traffic)."""


def found_reachability(m: Match) -> Reachability:
    """Reachability of what AWS holds, by the model the plan used."""
    active = {c.id for c in m.snapshot.peerings if c.status == PeeringStatus.ACTIVE}
    link_of = {c.id: link for link, c in m.connections.items()}
    by_id = {found.id: name for name, found in m.vpcs.items()}
    links = [
        Link(link_of.get(c.id, c.id), (by_id[c.requester.vpc_id], by_id[c.accepter.vpc_id]))
        for c in m.snapshot.peerings
        if c.id in active and c.requester.vpc_id in by_id and c.accepter.vpc_id in by_id
    ]

    def over(route: RouteSnapshot) -> str | None:
        if route.blackhole or route.target not in active:
            return None
        return link_of.get(route.target, route.target)

    models = [_vpc(m, name, found, over) for name, found in m.vpcs.items()]
    peers, peer_links = outside_peers(_accepted(m, active))
    return reachability([*models, *peers], [*links, *peer_links])


def _blocks(found: VpcSnapshot) -> tuple[Network, ...]:
    return tuple(aws_network(c) for c in (*found.cidrs, *found.ipv6_cidrs))


def _vpc(m: Match, name: str, found: VpcSnapshot, over: Over) -> VpcModel:
    tables = m.snapshot.tables_of(found.id)
    routes = {
        t.id: tuple(Route(aws_network(r.destination), over(r)) for r in t.routes) for t in tables
    }
    planned = endpoint_subnets(m.plan.vpc(name))
    if planned is None:
        return vpc_model(name, _blocks(found), routes, None)
    named = {normal(s.cidr): s.name for s in planned}
    main = next((t.id for t in tables if t.main), None)
    explicit = {subnet: t.id for t in tables for subnet in t.subnet_ids}
    subnets = [
        SubnetEndpoint(
            named.get(s.cidr, s.id),
            tuple(aws_network(c) for c in (s.cidr, *s.ipv6_cidrs)),
            explicit.get(s.id, main),
        )
        for s in m.snapshot.subnets_of(found.id)
    ]
    return vpc_model(name, _blocks(found), routes, subnets)


def _accepted(m: Match, active: set[str]) -> Iterator[AcceptedConnection]:
    """Accepted connections that carry traffic: active, and into our VPC as planned."""
    for accept in m.plan.accepts:
        connection = m.connections.get(accept.name)
        own = m.vpcs.get(accept.vpc)
        if connection is None or own is None or connection.id not in active:
            continue
        if connection.accepter.vpc_id == own.id:
            yield AcceptedConnection(
                accept.name,
                accept.peer.name,
                tuple(aws_network(c) for c in (*accept.peer.cidrs, *accept.peer.ipv6_cidrs)),
                accept.vpc,
                _blocks(own),
            )


def check_reachability(m: Match, found: Reachability) -> Iterator[Difference]:
    yield from _vpc_pairs(m, found)
    yield from _subnet_pairs(m, found)


def _vpc_pairs(m: Match, found: Reachability) -> Iterator[Difference]:
    seen: set[frozenset[str]] = set()
    for vpc in m.plan.vpcs:
        planned = set(m.plan.reachability.get(vpc.name, ()))
        actual = set(found.vpcs.get(vpc.name, ()))
        for peer in sorted(planned ^ actual):
            pair = frozenset((vpc.name, peer))
            if pair in seen or m.undecided(vpc.name, peer):
                continue  # said once; or about a VPC verify cannot tell apart
            seen.add(pair)
            if peer in planned and _through_missing_subnets(m, found, vpc.name, peer):
                continue  # the subnets' own differences say why
            yield _pair(f"{vpc.name} <-> {peer}", vpc.name, peer, peer in planned)


def _through_missing_subnets(m: Match, found: Reachability, a: str, b: str) -> bool:
    """``a`` and ``b`` reached each other, as planned, only through subnets AWS no longer
    has (each reported as missing): their routes are not what broke."""
    pairs = [
        (endpoint, other)
        for endpoint, others in m.plan.subnet_reachability.items()
        if _vpc_of(endpoint) == a
        for other in others
        if _vpc_of(other) == b
    ]
    return bool(pairs) and all(
        endpoint not in found.endpoints or other not in found.endpoints for endpoint, other in pairs
    )


def _pair(subject: str, a: str, b: str, planned: bool) -> Difference:
    if planned:
        return Difference(
            DifferenceKind.REACHABILITY,
            subject,
            f"{a!r} and {b!r} should reach each other but the route tables do not route "
            "both ways over their link",
            "reachable",
            "unreachable",
        )
    return Difference(
        DifferenceKind.REACHABILITY,
        subject,
        f"{a!r} and {b!r} reach each other, which the plan does not have",
        "unreachable",
        "reachable",
    )


def _subnet_pairs(m: Match, found: Reachability) -> Iterator[Difference]:
    """Subnet pairs that differ while their VPCs agree (else the VPCs' difference says
    it); only subnets both the plan and AWS have are compared."""
    planned = m.plan.subnet_reachability
    order = [e for e in planned if e in found.endpoints]
    both = set(order)
    seen: set[frozenset[str]] = set()
    for endpoint in order:
        wanted = set(planned[endpoint]) & both
        actual = set(found.endpoints[endpoint]) & both
        for other in sorted(wanted ^ actual, key=order.index):
            pair = frozenset((endpoint, other))
            a, b = _vpc_of(endpoint), _vpc_of(other)
            vpcs_differ = (b in m.plan.reachability.get(a, ())) != (b in found.vpcs.get(a, ()))
            if pair in seen or vpcs_differ:
                continue
            seen.add(pair)
            yield _subnet_pair(endpoint, other, a, b, other in wanted)


def _subnet_pair(endpoint: str, other: str, a: str, b: str, planned: bool) -> Difference:
    subject = f"{endpoint} <-> {other}"
    if planned:
        return Difference(
            DifferenceKind.SUBNET_REACHABILITY,
            subject,
            f"{endpoint!r} and {other!r} should reach each other, but their route tables "
            f"do not route both ways over the link of {a!r} and {b!r}",
            "reachable",
            "unreachable",
        )
    return Difference(
        DifferenceKind.SUBNET_REACHABILITY,
        subject,
        f"{endpoint!r} and {other!r} reach each other, which the plan does not have",
        "unreachable",
        "reachable",
    )


def _vpc_of(endpoint: str) -> str:
    return endpoint.partition(".")[0]
