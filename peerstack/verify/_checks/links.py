"""Links: each link's connection joins its VPCs, is active and resolves remote DNS as
planned; each accepted request is there and ours to accept; no other connection touches
a planned VPC."""

from __future__ import annotations

from collections.abc import Iterator

from peerstack._facts.peering import PeeringStatus
from peerstack.plan.model import AcceptPlan, LinkPlan
from peerstack.verify._checks import on
from peerstack.verify._match import Match
from peerstack.verify._result import Difference, DifferenceKind, LinkStatus
from peerstack.verify._snapshot import PeeringSnapshot

__all__ = ["check_links", "link_statuses"]


def link_statuses(m: Match) -> tuple[LinkStatus, ...]:
    """The connection found for each link and accepted request, and its status."""
    names = [*(link.name for link in m.plan.links), *(a.name for a in m.plan.accepts)]
    statuses = []
    for name in names:
        connection = m.connections.get(name)
        if connection is None:
            statuses.append(LinkStatus(name, None, "missing"))
        else:
            statuses.append(LinkStatus(name, connection.id, connection.status))
    return tuple(statuses)


def check_links(m: Match) -> Iterator[Difference]:
    for link in m.plan.links:
        yield from _link(m, link)
    for accept in m.plan.accepts:
        yield from _accept(m, accept)
    yield from _other_peerings(m)


def _link(m: Match, link: LinkPlan) -> Iterator[Difference]:
    connection = m.connections.get(link.name)
    if connection is None:
        yield Difference(
            DifferenceKind.LINK_MISSING,
            link.name,
            f"no peering connection found for link {link.name!r} "
            f"({link.requester} -> {link.accepter})",
            m.ids.peering_connection_ids.get(link.name) or "a connection",
            "missing",
        )
        return
    # Against a VPC verify cannot tell apart from another, no side can be called wrong.
    if not m.undecided(link.requester, link.accepter) and not m.joins(connection, link):
        wanted = " -> ".join(
            m.vpcs[v].id if v in m.vpcs else v for v in (link.requester, link.accepter)
        )
        yield Difference(
            DifferenceKind.LINK_WRONG_VPCS,
            link.name,
            f"{connection.id} does not join {link.requester} (requester) and "
            f"{link.accepter} (accepter)",
            wanted,
            f"{connection.requester.vpc_id} -> {connection.accepter.vpc_id}",
        )
    if connection.status != PeeringStatus.ACTIVE:
        yield _not_active(link.name, connection)
        return
    for side, info in (("requester", connection.requester), ("accepter", connection.accepter)):
        if info.dns_resolution != link.dns_resolution:
            yield Difference(
                DifferenceKind.DNS_OPTION,
                f"{link.name} ({side})",
                f"remote DNS resolution is {on(info.dns_resolution)} on the {side} "
                f"side of {connection.id}; the plan has it {on(link.dns_resolution)}",
                on(link.dns_resolution),
                on(info.dns_resolution),
            )


def _not_active(name: str, connection: PeeringSnapshot) -> Difference:
    return Difference(
        DifferenceKind.LINK_NOT_ACTIVE,
        name,
        f"{connection.id} is {connection.status!r}: no traffic crosses it",
        PeeringStatus.ACTIVE,
        connection.status,
    )


def _accept(m: Match, accept: AcceptPlan) -> Iterator[Difference]:
    """An accepted request from outside: it exists, joins our VPC as the accepter, is
    active, and our side's DNS option is as planned. The peer's side is not ours to
    check (its VPC, its routes, its options)."""
    connection = m.connections.get(accept.name)
    if connection is None:
        yield Difference(
            DifferenceKind.LINK_MISSING,
            accept.name,
            f"the request {accept.peering_id} from {accept.peer.name!r} to "
            f"{accept.vpc!r} was not found: ask {accept.peer.name!r} for the id of its "
            "current request",
            accept.peering_id,
            "missing",
        )
        return
    own = m.vpcs.get(accept.vpc)
    if own is not None and connection.accepter.vpc_id != own.id:
        yield Difference(
            DifferenceKind.LINK_WRONG_VPCS,
            accept.name,
            f"{connection.id} does not request a connection to {accept.vpc!r} ({own.id}): "
            f"it joins {connection.requester.vpc_id} (account "
            f"{connection.requester.account_id or '?'}) to {connection.accepter.vpc_id}; "
            f"check the id {accept.name!r} accepts",
            f"{accept.peer.account_id} -> {own.id}",
            f"{connection.requester.vpc_id} -> {connection.accepter.vpc_id}",
        )
    if connection.status != PeeringStatus.ACTIVE:
        yield _not_active(accept.name, connection)
    elif connection.accepter.dns_resolution != accept.dns_resolution:
        yield Difference(
            DifferenceKind.DNS_OPTION,
            f"{accept.name} (accepter)",
            f"remote DNS resolution is {on(connection.accepter.dns_resolution)} on our "
            f"(accepter) side of {connection.id}; the plan has it "
            f"{on(accept.dns_resolution)}",
            on(accept.dns_resolution),
            on(connection.accepter.dns_resolution),
        )


def _other_peerings(m: Match) -> Iterator[Difference]:
    """Connections that stand for no link but touch a planned VPC: they carry traffic
    the plan does not know about (or will, once accepted)."""
    claimed = {c.id for c in m.connections.values()}
    undecided = {v.id for candidates in m.ambiguous.values() for v in candidates}
    for connection in sorted(m.snapshot.peerings, key=lambda c: c.id):
        sides = (connection.requester.vpc_id, connection.accepter.vpc_id)
        if connection.id in claimed or connection.ended or undecided.intersection(sides):
            continue
        names = [m.name_of(side) for side in sides]
        if any(names):
            yield _other_peering(m, connection, names[0], names[1])


def _other_peering(
    m: Match, connection: PeeringSnapshot, left: str | None, right: str | None
) -> Difference:
    shown = f"{connection.id} ({connection.status})"
    if left is not None and right is not None:
        link = next(
            (k.name for k in m.plan.links if {k.requester, k.accepter} == {left, right}), None
        )
        if link is not None:
            own = m.connections.get(link)
            message = (
                f"{shown} joins {left!r} and {right!r} besides "
                f"{own.id if own else 'the missing connection'} of their link "
                f"{link!r}: delete it"
            )
        else:
            message = (
                f"{shown} joins {left!r} and {right!r}, which the plan does not peer: "
                "traffic crosses it wherever routes allow; delete it, or declare the "
                "link in the topology"
            )
    else:
        known = left or right
        other = connection.accepter if left else connection.requester
        message = (
            f"{shown} joins {known!r} with {other.vpc_id} (account "
            f"{other.account_id or '?'}, {other.region or '?'}), which is not in the "
            "topology: delete it, or adopt that VPC (`existing:`) and declare the link"
        )
    subject = " -- ".join(
        n or side.vpc_id
        for n, side in zip((left, right), (connection.requester, connection.accepter), strict=True)
    )
    return Difference(DifferenceKind.PEERING_UNEXPECTED, subject, message, "no connection", shown)
