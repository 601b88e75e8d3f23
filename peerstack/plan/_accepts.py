"""Accepting requests from outside the organisation: a partner's VPC (MongoDB Atlas,
Redis Cloud, another company) requested a connection to one of our VPCs.

The peer is not a VPC of the plan: peerstack never creates, reads or verifies it. The
plan records what our side does (accept, set the accepter's options, route to the peer's
blocks) and checks what AWS would refuse: overlapping blocks, one connection per VPC
pair, the peering quota of our VPC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from peerstack._cidr import overlaps, parse_network
from peerstack._facts.regions import partition
from peerstack.plan._context import Context
from peerstack.plan._links import Declared
from peerstack.plan._vpcs import REGION_UNKNOWN
from peerstack.plan.model import AcceptPlan, ExternalPeerPlan, LinkPlan, VpcPlan
from peerstack.topology import Accept, FieldPath

__all__ = ["Accepted", "resolve_accepts"]


@dataclass(frozen=True, slots=True)
class Accepted:
    """An accept entry that passed its checks, with where it was written."""

    entry: Accept
    path: FieldPath
    plan: AcceptPlan


def resolve_accepts(
    ctx: Context,
    vpcs: Mapping[str, VpcPlan],
    links: list[tuple[Declared, LinkPlan]],
) -> list[Accepted]:
    """Check each ``accepts`` entry and decide everything about it."""
    topology = ctx.topology
    adopted_ids = {
        link.existing_id: declared for declared, link in links if link.existing_id is not None
    }
    peers: dict[str, tuple[ExternalPeerPlan, FieldPath]] = {}
    pairs: dict[tuple[str, str], FieldPath] = {}
    ids: dict[str, FieldPath] = {}
    result: list[Accepted] = []
    for index, entry in ctx.entries("accepts", topology.accepts):
        path: FieldPath = ("accepts", index)
        peer = ExternalPeerPlan(
            name=entry.peer.name,
            account_id=entry.peer.account_id,
            region=entry.peer.region,
            cidrs=tuple(entry.peer.cidrs),
            ipv6_cidrs=tuple(entry.peer.ipv6_cidrs),
        )
        ok = _check_peer(ctx, path, peer, peers)
        if entry.vpc not in topology.vpcs:
            ctx.unknown((*path, "vpc"), "VPC", entry.vpc, topology.vpcs, kind="VPC")
            continue
        own = vpcs.get(entry.vpc)
        if own is None:
            continue  # the VPC itself is invalid; that problem is already reported
        if own.managed:
            ctx.error(
                (*path, "vpc"),
                f"{own.name!r} accepts the request {entry.peering_id!r} from "
                f"{peer.name!r}, but peerstack creates {own.name!r}: a request made before "
                "the VPC exists cannot name it",
                hint=f"adopt {own.name!r} (`existing:` with its vpc_id and cidrs) once it "
                "exists and the partner has requested the connection to it",
            )
            ok = False
        pair = (own.name, peer.name)
        if pair in pairs:
            line = ctx.line(pairs[pair])
            ctx.error(
                path,
                f"{own.name!r} already accepts a connection from {peer.name!r} "
                f"(accepts[{pairs[pair][1]}]{f' on line {line}' if line else ''}); AWS "
                "allows one peering connection per VPC pair",
                hint="remove one of the two entries",
            )
            ok = False
        pairs.setdefault(pair, path)
        ok = _check_id(ctx, path, entry.peering_id, ids, adopted_ids) and ok
        # Topology names never contain "--", so no link of the topology has this name.
        name = f"{peer.name}--{own.name}"
        if not _compatible(ctx, path, own, peer):
            ok = False
        if not ok:
            continue
        result.append(
            Accepted(
                entry=entry,
                path=path,
                plan=AcceptPlan(
                    name=name,
                    vpc=own.name,
                    account_id=own.account_id,
                    region=own.region,
                    peering_id=entry.peering_id,
                    peer=peer,
                    dns_resolution=(
                        topology.defaults.dns_resolution
                        if entry.dns_resolution is None
                        else entry.dns_resolution
                    ),
                    origin=f"accepts[{index}]",
                    path=path,
                    tags={**topology.defaults.tags, **entry.tags},
                ),
            )
        )
    return result


def _check_peer(
    ctx: Context,
    path: FieldPath,
    peer: ExternalPeerPlan,
    peers: dict[str, tuple[ExternalPeerPlan, FieldPath]],
) -> bool:
    """The peer's name is not one of our VPCs', and one name describes one VPC."""
    if peer.name in ctx.topology.vpcs:
        ctx.error(
            (*path, "peer", "name"),
            f"the outside peer is named {peer.name!r}, like a VPC of this topology",
            hint="give the outside peer a name of its own (route destinations and "
            "reachability name it)",
        )
        return False
    first = peers.get(peer.name)
    if first is None:
        peers[peer.name] = (peer, path)
        return True
    if first[0] != peer:
        line = ctx.line(first[1])
        ctx.error(
            (*path, "peer"),
            f"the outside peer {peer.name!r} is described differently in "
            f"accepts[{first[1][1]}]{f' on line {line}' if line else ''}",
            hint="one name is one VPC: copy the same account_id, region and cidrs, or "
            "name the other VPC differently",
        )
        return False
    return True


def _check_id(
    ctx: Context,
    path: FieldPath,
    peering_id: str,
    ids: dict[str, FieldPath],
    adopted: Mapping[str, Declared],
) -> bool:
    """One connection is accepted once, and is not also adopted by a link."""
    where = (*path, "peering_id")
    if peering_id in ids:
        line = ctx.line(ids[peering_id])
        ctx.error(
            where,
            f"the request {peering_id!r} is already accepted by accepts[{ids[peering_id][1]}]"
            f"{f' on line {line}' if line else ''}",
            hint="each request joins one pair of VPCs: fix the id",
        )
        return False
    ids[peering_id] = where
    if peering_id in adopted:
        ctx.error(
            where,
            f"the connection {peering_id!r} is also adopted by {adopted[peering_id].origin}",
            hint="a connection between two of our VPCs is adopted (`existing`); one from "
            "outside is accepted here: keep one",
        )
        return False
    return True


def _compatible(ctx: Context, path: FieldPath, own: VpcPlan, peer: ExternalPeerPlan) -> bool:
    """AWS would refuse the connection: another partition, or overlapping blocks."""
    if own.region != REGION_UNKNOWN and partition(own.region) != partition(peer.region):
        ctx.error(
            (*path, "peer", "region"),
            f"cannot accept a connection from {peer.name!r} ({peer.region}) to {own.name!r} "
            f"({own.region}): they are in different AWS partitions "
            f"({partition(peer.region)} and {partition(own.region)})",
            hint="VPC peering never crosses partitions: check the peer's region",
        )
        return False
    for block in (*peer.cidrs, *peer.ipv6_cidrs):
        net = parse_network(block)
        for ours in (*own.cidrs, *own.ipv6_cidrs):
            if overlaps(net, parse_network(ours)):
                ctx.error(
                    (*path, "peer", "cidrs"),
                    f"cannot accept a connection from {peer.name!r} to {own.name!r}: "
                    f"{block} (of {peer.name!r}) overlaps {ours} (of {own.name!r})",
                    hint="AWS refuses peering between VPCs with overlapping CIDR blocks; "
                    "ask the partner for a block that does not overlap",
                )
                return False
    return True
