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

A VPC whose subnets are not part of the topology (adopted, or created without subnets)
is taken whole: one endpoint per route table, each covering every block of the VPC, all
named after the VPC. Which VPCs those are is the plan's decision (``endpoint_subnets`` in
:mod:`peerstack.plan`), made once for both sides, whatever subnets AWS shows.

A VPC outside the topology (the peer of an accepted request) is not ours to read: it is
one endpoint, named after the peer, whose table is assumed to route back every block of
the VPCs that accepted its requests (:func:`outside_peers`). So it is reached exactly
when our side routes some of its addresses over the connection.

The planner describes its VPCs from the plan, verify from what it read in AWS, each in
the same neutral terms (:func:`vpc_model`, :class:`SubnetEndpoint`,
:class:`AcceptedConnection`); both then ask :func:`reachability` the same question.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from peerstack._cidr import Network, Span, minus

__all__ = [
    "AcceptedConnection",
    "Endpoint",
    "Link",
    "Reachability",
    "Route",
    "SubnetEndpoint",
    "VpcModel",
    "carried",
    "external_model",
    "outside_peers",
    "reachability",
    "vpc_model",
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


@dataclass(frozen=True, slots=True)
class SubnetEndpoint:
    """A subnet as either side describes it: its endpoint is named ``<vpc>.<name>``."""

    name: str
    """Its name in the topology, or (verify) AWS's id for a subnet the plan does not have."""
    addresses: tuple[Network, ...]
    table: str | None
    """The route table it uses (a key of its VPC's tables); None: none."""


def vpc_model(
    name: str,
    blocks: Sequence[Network],
    tables: Mapping[str, Sequence[Route]],
    subnets: Iterable[SubnetEndpoint] | None,
) -> VpcModel:
    """A VPC of the topology as reachability sees it.

    ``subnets``: the VPC's subnets, each one endpoint; None when the VPC is taken whole
    (its subnets are not part of the topology), which makes one endpoint per table, each
    covering every block (``blocks``). Whichever table serves a subnet the topology does
    not know, that subnet reaches what the table routes.
    """
    if subnets is None:
        endpoints = tuple(Endpoint(name, tuple(blocks), table) for table in tables)
    else:
        endpoints = tuple(Endpoint(f"{name}.{s.name}", s.addresses, s.table) for s in subnets)
    return VpcModel(name, endpoints, {table: tuple(routes) for table, routes in tables.items()})


@dataclass(frozen=True, slots=True)
class AcceptedConnection:
    """A connection a VPC of ours accepted from a VPC outside the topology."""

    name: str
    """The connection's name (the link's name in reachability)."""
    peer: str
    """The outside peer's name: its one endpoint's name too."""
    peer_addresses: tuple[Network, ...]
    vpc: str
    """Our VPC, the accepter."""
    vpc_blocks: tuple[Network, ...]
    """Every block of our VPC: the outside peer is assumed to route them all back."""


def outside_peers(
    accepted: Iterable[AcceptedConnection],
) -> tuple[list[VpcModel], list[Link]]:
    """The outside peers' models and the links to them, from the connections accepted.

    A peer that several of our VPCs accepted is one model, routing each VPC's blocks back
    over the connection from it.
    """
    back: dict[str, list[tuple[str, tuple[Network, ...]]]] = defaultdict(list)
    addresses: dict[str, tuple[Network, ...]] = {}
    links: list[Link] = []
    for connection in accepted:
        back[connection.peer].append((connection.name, connection.vpc_blocks))
        addresses[connection.peer] = connection.peer_addresses
        links.append(Link(connection.name, (connection.peer, connection.vpc)))
    models = [external_model(peer, addresses[peer], back[peer]) for peer in addresses]
    return models, links


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
    sends = _Sends(models.values())
    endpoints: dict[str, set[str]] = {
        endpoint.name: set() for vpc in models.values() for endpoint in vpc.endpoints
    }
    by_vpc: dict[str, set[str]] = {name: set() for name in models}
    for link in links:
        a, b = (models.get(name) for name in link.vpcs)
        if a is None or b is None or a is b:
            continue
        for source, target in sends.pairs(a, b, link.name):
            endpoints[source].add(target)
            endpoints[target].add(source)
            by_vpc[a.name].add(b.name)
            by_vpc[b.name].add(a.name)
    return Reachability(
        vpcs={name: tuple(sorted(peers)) for name, peers in by_vpc.items()},
        endpoints={name: tuple(sorted(peers)) for name, peers in endpoints.items()},
    )


class _Sends:
    """What each table sends over each link, worked out once per table and link: many
    endpoints share a table, and a table serves every link of its VPC."""

    def __init__(self, models: Iterable[VpcModel]) -> None:
        self.addresses = {
            (vpc.name, index): [Span.of(n) for n in endpoint.addresses]
            for vpc in models
            for index, endpoint in enumerate(vpc.endpoints)
        }
        self.sent: dict[tuple[str, str], dict[str, list[Span]]] = {}
        """(vpc, table) -> link -> the addresses the table sends over that link."""
        self.reached: dict[tuple[str, str, str], frozenset[tuple[int, int]]] = {}
        """(vpc, table, link) -> (index, family) of the far endpoints the table sends to."""

    def pairs(self, a: VpcModel, b: VpcModel, link: str) -> Iterator[tuple[str, str]]:
        """(endpoint of a, endpoint of b) that reach each other over ``link``: some address
        of each one's, in one family, goes over the link both ways."""
        for i, source in enumerate(a.endpoints):
            for j, version in self.reach(a, source.table, link, b):
                target = b.endpoints[j]
                if (i, version) in self.reach(b, target.table, link, a):
                    yield source.name, target.name

    def reach(
        self, vpc: VpcModel, table: str | None, link: str, far: VpcModel
    ) -> frozenset[tuple[int, int]]:
        if table is None:
            return frozenset()
        key = (vpc.name, table, link)
        found = self.reached.get(key)
        if found is None:
            spans = self.over(vpc, table).get(link, [])
            found = frozenset(
                (index, address.version)
                for index in range(len(far.endpoints))
                for address in self.addresses[(far.name, index)]
                if any(address.overlaps(span) for span in spans)
            )
            self.reached[key] = found
        return found

    def over(self, vpc: VpcModel, table: str) -> dict[str, list[Span]]:
        found = self.sent.get((vpc.name, table))
        if found is None:
            found = defaultdict(list)
            routes = vpc.tables.get(table, ())
            for route, parts in zip(routes, carried(routes), strict=True):
                if route.link is not None:
                    found[route.link].extend(parts)
            self.sent[(vpc.name, table)] = found
        return found
