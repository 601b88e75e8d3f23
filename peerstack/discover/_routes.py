"""One side of an adopted connection: its routes over it, as a link's ``routes`` entry.

A side of a link routes one set of destinations (``to``) from one set of its tables
(``tables``). What AWS holds fits that when every table routing over the connection
routes the same destinations, each inside the peer's blocks; ``to`` is then the peer's
name when the destinations are all of the peer's blocks (IPv6 too where both sides have
it), and the literal blocks otherwise. When the tables differ, the largest group of
tables that route the same destinations is written, and the other routes are reported:
verify will report them as routes the plan does not have.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from peerstack._cidr import Network, aws_network, contains
from peerstack.plan import MAIN
from peerstack.verify import RouteTableSnapshot, VpcSnapshot

__all__ = ["LeftOut", "SideRoutes", "side_routes"]


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A route over the connection that the side's ``routes`` entry does not describe."""

    table: str
    """The table's name in the topology."""
    table_id: str
    destination: str
    reason: str


@dataclass(frozen=True, slots=True)
class SideRoutes:
    """A side's ``routes`` entry, and the routes it leaves out."""

    to: tuple[str, ...]
    tables: tuple[str, ...]
    left_out: tuple[LeftOut, ...] = field(default=())

    def entry(self, spell: Callable[[str], str] = str) -> dict[str, list[str]]:
        """``{to: [...], tables: [...]}``; ``{to: []}`` for a side without routes.
        ``spell`` writes a literal block as AWS does."""
        if not self.to:
            return {"to": []}
        return {"to": [spell(d) for d in self.to], "tables": list(self.tables)}


def _order(network: str) -> tuple[int, int, int]:
    net = aws_network(network)
    return (net.version, int(net.network_address), net.prefixlen)


def _table_order(name: str) -> tuple[bool, str]:
    return (name != MAIN, name)


def side_routes(
    *,
    connection_id: str,
    tables: Sequence[RouteTableSnapshot],
    names: Mapping[str, str],
    own: VpcSnapshot,
    peer: VpcSnapshot,
    peer_name: str,
) -> SideRoutes:
    """The routes ``own``'s tables send over ``connection_id`` to ``peer``.

    :param names: route table id -> its name in the topology.
    """
    both_ipv6 = bool(own.ipv6_cidrs) and bool(peer.ipv6_cidrs)
    blocks: list[Network] = [aws_network(c) for c in peer.cidrs]
    if both_ipv6:
        blocks += [aws_network(c) for c in peer.ipv6_cidrs]
    routed: dict[str, frozenset[str]] = {}
    left_out: list[LeftOut] = []
    for table in tables:
        name = names[table.id]
        fits: set[str] = set()
        for route in table.routes:
            if route.target != connection_id:
                continue
            network = aws_network(route.destination)
            if any(contains(block, network) for block in blocks):
                fits.add(str(network))
            else:
                left_out.append(
                    LeftOut(name, table.id, str(network), _outside(network, peer_name, both_ipv6))
                )
        if fits:
            routed[name] = frozenset(fits)
    if not routed:
        return SideRoutes((), (), tuple(left_out))
    chosen = _largest_group(routed)
    destinations = routed[chosen[0]]
    for name, others in sorted(routed.items()):
        if name not in chosen:
            left_out += [
                LeftOut(name, _id_of(names, name), d, "its table routes other destinations")
                for d in sorted(others, key=_order)
            ]
    whole = {str(b) for b in blocks}
    to = (peer_name,) if destinations == whole else tuple(sorted(destinations, key=_order))
    return SideRoutes(to, tuple(sorted(chosen, key=_table_order)), tuple(left_out))


def _largest_group(routed: Mapping[str, frozenset[str]]) -> list[str]:
    """The tables that route the same destinations, most routes first (then most tables,
    then by name): the group one ``routes`` entry describes."""
    groups: dict[frozenset[str], list[str]] = {}
    for name, destinations in routed.items():
        groups.setdefault(destinations, []).append(name)
    # max() keeps the first of equals: groups in the order of their first table's name.
    ordered = sorted(groups.items(), key=lambda item: _table_order(min(item[1], key=_table_order)))
    best = max(ordered, key=lambda item: (len(item[0]) * len(item[1]), len(item[1])))
    return sorted(best[1], key=_table_order)


def _id_of(names: Mapping[str, str], name: str) -> str:
    return next(table_id for table_id, n in names.items() if n == name)


def _outside(network: Network, peer: str, both_ipv6: bool) -> str:
    if isinstance(network, ipaddress.IPv6Network) and not both_ipv6:
        return f"an IPv6 route, but not both sides have IPv6 (a link routes IPv6 to {peer!r} then)"
    return f"not inside a block of {peer!r} (a route over a peering reaches only the peer)"
