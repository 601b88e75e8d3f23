"""Reachability: one model, shared by the plan and verify (pure: no boto3, no Pulumi).

Traffic leaves an *endpoint*: a subnet, or a VPC as a whole when it has no subnets. Each
endpoint uses one route table (a subnet's explicit association, else its VPC's main
table), and traffic to an address takes the route of that table with the longest prefix
that contains the address, whatever its target: a peering link, the VPC itself
(``local``), a gateway, a blackhole. A route only carries the addresses no more specific
route of its table takes.

Endpoint S of VPC A and endpoint T of VPC B reach each other over the link joining A and
B when, in one address family, S's table sends some address of T over the link and T's
table sends some address of S back over the same link: a connection needs its replies.
So reachability is symmetric, and never transitive (a route over a link only reaches the
VPC at its other end). VPC B is listed under VPC A when some endpoint of A and some
endpoint of B reach each other.

A VPC outside the topology (the peer of an accepted request) is not ours to read: it is
one endpoint, named after the peer, whose table is assumed to route back every block of
the VPCs that accepted its requests (:func:`external_model`). So it is reached exactly
when our side routes some of its addresses over the connection.

The planner builds the model from the plan, verify from what it read in AWS; both then
ask :func:`reachability` the same question.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from peerstack._cidr import Network, Span, minus

__all__ = [
    "Endpoint",
    "Link",
    "Reachability",
    "Route",
    "VpcModel",
    "carried",
    "external_model",
    "reachability",
]


@dataclass(frozen=True, slots=True)
class Route:
    """One route of a table."""

    destination: Network
    link: str | None = None
    """The link traffic to ``destination`` crosses; None for any other target (the VPC's
    local route, a gateway, a blackhole, a connection that carries nothing)."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where traffic starts and ends: a subnet, or a VPC without subnets as a whole."""

    name: str
    """``vpc.subnet``, or ``vpc`` for a VPC taken as a whole."""
    addresses: tuple[Network, ...]
    table: str | None
    """The route table the endpoint uses (a key of its VPC's ``tables``); None: none."""


@dataclass(frozen=True, slots=True)
class VpcModel:
    """A VPC as reachability sees it: its endpoints and its route tables."""

    name: str
    endpoints: tuple[Endpoint, ...]
    tables: Mapping[str, Sequence[Route]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Link:
    """A peering link (an active connection) between two VPCs of the model."""

    name: str
    vpcs: tuple[str, str]


@dataclass(frozen=True, slots=True)
class Reachability:
    """Who reaches whom, both ways: every VPC and every endpoint is a key."""

    vpcs: Mapping[str, tuple[str, ...]]
    """VPC name -> the VPCs it reaches, sorted."""
    endpoints: Mapping[str, tuple[str, ...]]
    """Endpoint name -> the endpoints (of other VPCs) it reaches, sorted."""


EXTERNAL_TABLE = "assumed"
"""The one route table of an outside peer's model."""


def external_model(
    name: str, addresses: tuple[Network, ...], back: Iterable[tuple[str, tuple[Network, ...]]]
) -> VpcModel:
    """An outside peer as one endpoint, assumed to route each accepting VPC's blocks back
    over the connection joining them (``back``: connection name -> that VPC's blocks)."""
    routes = [Route(address) for address in addresses]
    routes += [Route(block, link) for link, blocks in back for block in blocks]
    return VpcModel(
        name, (Endpoint(name, addresses, EXTERNAL_TABLE),), {EXTERNAL_TABLE: tuple(routes)}
    )


def carried(routes: Sequence[Route]) -> list[list[Span]]:
    """For each route of a table, the addresses it carries: longest prefix wins.

    A route carries the part of its destination that no more specific route of the same
    table takes, whatever that route's target. (Route destinations are CIDRs, so two of
    them either nest or are disjoint.)
    """
    spans = [Span.of(route.destination) for route in routes]
    # Outer before inner: a route's more specific routes follow it, up to its last address.
    order = sorted(range(len(spans)), key=lambda i: _outer_first(spans[i]))
    result: list[list[Span]] = [[] for _ in spans]
    for position, index in enumerate(order):
        outer = spans[index]
        inner: list[Span] = []
        following = position + 1
        while following < len(order):
            candidate = spans[order[following]]
            if candidate.version != outer.version or candidate.first > outer.last:
                break
            if candidate != outer:
                inner.append(candidate)
            following += 1
        result[index] = minus(outer, inner)
    return result


def _outer_first(span: Span) -> tuple[int, int, int]:
    return (span.version, span.first, -span.last)


def reachability(vpcs: Iterable[VpcModel], links: Iterable[Link]) -> Reachability:
    """Which endpoints, and so which VPCs, reach each other over the links."""
    models = {vpc.name: vpc for vpc in vpcs}
    sends: dict[tuple[str, str], dict[str, list[Span]]] = {}
    """(vpc, table) -> link -> the addresses the table sends over that link."""
    addresses = {
        (vpc.name, index): [Span.of(n) for n in endpoint.addresses]
        for vpc in models.values()
        for index, endpoint in enumerate(vpc.endpoints)
    }
    reached: dict[tuple[str, str, str], frozenset[tuple[int, int]]] = {}
    """(vpc, table, link) -> (index, family) of the far endpoints the table sends to."""

    def sent(vpc: VpcModel, table: str) -> dict[str, list[Span]]:
        over = sends.get((vpc.name, table))
        if over is None:
            over = defaultdict(list)
            routes = vpc.tables.get(table, ())
            for route, parts in zip(routes, carried(routes), strict=True):
                if route.link is not None:
                    over[route.link].extend(parts)
            sends[(vpc.name, table)] = over
        return over

    def reach(
        vpc: VpcModel, table: str | None, link: str, far: VpcModel
    ) -> frozenset[tuple[int, int]]:
        if table is None:
            return frozenset()
        key = (vpc.name, table, link)
        found = reached.get(key)
        if found is None:
            spans = sent(vpc, table).get(link, [])
            found = frozenset(
                (index, address.version)
                for index in range(len(far.endpoints))
                for address in addresses[(far.name, index)]
                if any(address.overlaps(span) for span in spans)
            )
            reached[key] = found
        return found

    endpoints: dict[str, set[str]] = {
        endpoint.name: set() for vpc in models.values() for endpoint in vpc.endpoints
    }
    by_vpc: dict[str, set[str]] = {name: set() for name in models}
    for link in links:
        a, b = (models.get(name) for name in link.vpcs)
        if a is None or b is None or a is b:
            continue
        for i, source in enumerate(a.endpoints):
            for j, version in reach(a, source.table, link.name, b):
                target = b.endpoints[j]
                if (i, version) in reach(b, target.table, link.name, a):
                    endpoints[source.name].add(target.name)
                    endpoints[target.name].add(source.name)
                    by_vpc[a.name].add(b.name)
                    by_vpc[b.name].add(a.name)
    return Reachability(
        vpcs={name: tuple(sorted(peers)) for name, peers in by_vpc.items()},
        endpoints={name: tuple(sorted(peers)) for name, peers in endpoints.items()},
    )
