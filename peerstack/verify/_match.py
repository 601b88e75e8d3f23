"""Which AWS object stands for which name of the plan, decided once before any check.

A VPC is recognised by its id when one is known (the stack's outputs, an adopted VPC's
own id), else by peerstack's tags; a connection by the id the outputs (or the plan) give,
else by its link's tag, else by the VPCs it joins. The reader uses the same rules to
decide what else to read about a VPC, so both live here.

Every check reads a :class:`Match` and never decides a correspondence itself.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from peerstack._facts.peering import status_rank
from peerstack._facts.tags import TagKey
from peerstack.plan._outputs import StackOutputs
from peerstack.plan.model import DISCOVERED, MAIN, LinkPlan, Plan, VpcPlan
from peerstack.verify._snapshot import PeeringSnapshot, Snapshot, VpcSnapshot

__all__ = ["Match", "has_tags", "known_vpc_id", "match", "vpc_candidates"]


def known_vpc_id(vpc: VpcPlan, ids: StackOutputs) -> str | None:
    """The VPC's id from the stack's outputs, or an adopted VPC's own id."""
    return ids.vpc_ids.get(vpc.name) or vpc.vpc_id


def vpc_candidates(
    topology: str, vpc: VpcPlan, found: Iterable[VpcSnapshot], ids: StackOutputs
) -> list[VpcSnapshot]:
    """The VPCs found in ``vpc``'s account and region that may be it (one, ideally)."""
    here = [v for v in found if v.account_id == vpc.account_id and v.region == vpc.region]
    known = known_vpc_id(vpc, ids)
    if known:
        return [v for v in here if v.id == known]
    wanted: dict[str, str] = {TagKey.TOPOLOGY: topology, TagKey.VPC: vpc.name}
    return [v for v in here if has_tags(v.tags, wanted)]


def has_tags(tags: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    return all(tags.get(k) == v for k, v in wanted.items())


@dataclass(frozen=True, slots=True)
class Match:
    """The correspondence between the plan's names and what AWS holds."""

    plan: Plan
    snapshot: Snapshot
    ids: StackOutputs
    vpcs: Mapping[str, VpcSnapshot]
    """VPC name -> the VPC that stands for it."""
    ambiguous: Mapping[str, tuple[VpcSnapshot, ...]]
    """VPC name -> the VPCs that may stand for it, when nothing tells which one does:
    every check that depends on that VPC is skipped."""
    chosen_by_connections: frozenset[str]
    """VPC names that several VPCs claim by their tags, told apart by the VPC their
    links' connections join."""
    connections: Mapping[str, PeeringSnapshot]
    """Link or accepted connection name -> the connection that stands for it."""
    leftovers: tuple[VpcSnapshot, ...]
    """VPCs tagged as this topology's that stand for none of its VPCs."""

    def name_of(self, vpc_id: str) -> str | None:
        """The plan's name for a VPC found, if it stands for one."""
        return next((name for name, v in self.vpcs.items() if v.id == vpc_id), None)

    def undecided(self, *vpcs: str) -> bool:
        """Some of ``vpcs`` cannot be told apart from another VPC."""
        return any(v in self.ambiguous for v in vpcs)

    def joins(self, connection: PeeringSnapshot, link: LinkPlan) -> bool:
        """``connection`` joins the VPCs found for ``link``, requester to accepter."""
        requester = self.vpcs.get(link.requester)
        accepter = self.vpcs.get(link.accepter)
        return (
            requester is not None
            and accepter is not None
            and connection.requester.vpc_id == requester.id
            and connection.accepter.vpc_id == accepter.id
        )

    def route_tables(self, vpc: VpcPlan, table: str) -> list[tuple[str, str]] | None:
        """``(name, id)`` of the tables a plan route names; None when one is missing."""
        found = self.snapshot.tables_of(self.vpcs[vpc.name].id)
        if table == DISCOVERED:
            return [(t.id, t.id) for t in found]
        if table == MAIN:
            ids = [t.id for t in found if t.main]
        else:
            wanted = self.ids.route_table_ids.get(vpc.name, {}).get(
                table
            ) or vpc.route_table_ids.get(table)
            if wanted:
                ids = [t.id for t in found if t.id == wanted]
            else:
                tags: dict[str, str] = {TagKey.VPC: vpc.name, TagKey.ROUTE_TABLE: table}
                ids = [t.id for t in found if has_tags(t.tags, tags)]
        if len(ids) != 1:
            return None
        return [(table, ids[0])]

    def table_names(self, vpc: VpcPlan) -> dict[str, str]:
        """Route table id -> the plan's name for it (for readable messages)."""
        names: dict[str, str] = {}
        for table in vpc.route_tables:
            if table != DISCOVERED:
                for name, table_id in self.route_tables(vpc, table) or ():
                    names[table_id] = name
        return names

    def created_group_id(self, vpc: str, group: str) -> str | None:
        """The id of the group ``group`` peerstack created in ``vpc``, as found (by its
        tags, in the VPC found for ``vpc``); None when it is not there."""
        found_vpc = self.vpcs.get(vpc)
        if found_vpc is None:
            return None
        for candidate in self.snapshot.security_groups:
            if (
                candidate.vpc_id == found_vpc.id
                and candidate.tags.get(TagKey.SECURITY_GROUP) == group
                and candidate.tags.get(TagKey.VPC) == vpc
            ):
                return candidate.id
        return None


def match(plan: Plan, snapshot: Snapshot, ids: StackOutputs) -> Match:
    """Decide, once, which VPC and which connection stands for each name of the plan.

    Several VPCs tagged as one name (a leftover of an interrupted run, say) are told
    apart by the connections of that VPC's links: the VPC they join is the one in use.
    """
    candidates = {
        vpc.name: vpc_candidates(plan.topology, vpc, snapshot.vpcs, ids) for vpc in plan.vpcs
    }
    connections = _connections(plan, snapshot, ids, candidates)
    vpcs: dict[str, VpcSnapshot] = {}
    ambiguous: dict[str, tuple[VpcSnapshot, ...]] = {}
    chosen: set[str] = set()
    for name, found in candidates.items():
        if len(found) > 1:
            used = _used_by_connections(plan, name, connections)
            in_use = [v for v in found if v.id in used]
            if len(in_use) == 1:
                found = in_use
                chosen.add(name)
        if len(found) == 1:
            vpcs[name] = found[0]
        elif found:
            ambiguous[name] = tuple(found)
    taken = {v.id for v in vpcs.values()} | {v.id for c in ambiguous.values() for v in c}
    leftovers = tuple(
        v
        for v in snapshot.vpcs
        if v.id not in taken and v.tags.get(TagKey.TOPOLOGY) == plan.topology
    )
    return Match(plan, snapshot, ids, vpcs, ambiguous, frozenset(chosen), connections, leftovers)


def _connections(
    plan: Plan,
    snapshot: Snapshot,
    ids: StackOutputs,
    candidates: Mapping[str, Collection[VpcSnapshot]],
) -> dict[str, PeeringSnapshot]:
    found: dict[str, PeeringSnapshot] = {}
    for link in plan.links:
        connection = _connection_for(plan, snapshot, ids, link, candidates)
        if connection is not None:
            found[link.name] = connection
    for accept in plan.accepts:
        connection = snapshot.peering(accept.peering_id)
        if connection is not None:
            found[accept.name] = connection
    return found


def _connection_for(
    plan: Plan,
    snapshot: Snapshot,
    ids: StackOutputs,
    link: LinkPlan,
    candidates: Mapping[str, Collection[VpcSnapshot]],
) -> PeeringSnapshot | None:
    known = ids.peering_connection_ids.get(link.name) or link.existing_id
    if known:
        return snapshot.peering(known)
    tags: dict[str, str] = {TagKey.TOPOLOGY: plan.topology, TagKey.LINK: link.name}
    found = [c for c in snapshot.peerings if has_tags(c.tags, tags)]
    if not found:
        requesters = {v.id for v in candidates[link.requester]}
        accepters = {v.id for v in candidates[link.accepter]}
        found = [
            c
            for c in snapshot.peerings
            if c.requester.vpc_id in requesters and c.accepter.vpc_id in accepters
        ]
    # Which connection stands for a link when several carry its tag or join its VPCs.
    return min(found, key=lambda c: status_rank(c.status)) if found else None


def _used_by_connections(
    plan: Plan, vpc: str, connections: Mapping[str, PeeringSnapshot]
) -> set[str]:
    """The ids on ``vpc``'s side of the connections that stand for its links."""
    used: set[str] = set()
    for link in plan.links:
        connection = connections.get(link.name)
        if connection is None:
            continue
        if link.requester == vpc:
            used.add(connection.requester.vpc_id)
        if link.accepter == vpc:
            used.add(connection.accepter.vpc_id)
    for accept in plan.accepts:
        connection = connections.get(accept.name)
        if connection is not None and accept.vpc == vpc:
            used.add(connection.accepter.vpc_id)
    return used
