"""The planner's word on a draft, and verify's on what it will find after ``up``.

:func:`settle` plans the draft with :func:`peerstack.build_plan`, takes out each entry
the planner refuses (with whatever refers to it) and plans again, until the rest
plans: what discover writes always validates. The commented ``allow`` entries are
planned the same way, so that each one would plan once uncommented.

:func:`predict` runs verify's own comparison on what was read, as ``up`` leaves it (each
adopted connection's remote DNS resolution set to the link's), so the report says
beforehand exactly what ``peerstack verify`` will find.
"""

from __future__ import annotations

import dataclasses

from peerstack.discover._draft import Draft
from peerstack.discover._read import DiscoverError
from peerstack.discover._report import PredictedDifference
from peerstack.errors import TopologyError
from peerstack.plan import Plan, build_plan
from peerstack.topology import topology_from_data
from peerstack.verify import PeeringSide, PeeringSnapshot, Snapshot, compare

__all__ = ["predict", "settle"]


def _plan(data: object) -> Plan:
    return build_plan(topology_from_data(data))


def settle(draft: Draft) -> Plan:
    """The draft's plan, once every entry the planner refuses is out of it.

    :raises DiscoverError: a problem about no entry (the accounts, the defaults): not
        something left out of AWS's estate, so it is reported as it is.
    """
    while True:
        try:
            plan = _plan(draft.data())
            break
        except TopologyError as exc:
            unplaced = draft.drop_refused(exc.problems)
            if unplaced:
                shown = "; ".join(f"{p.path}: {p.message}" for p in unplaced)
                raise DiscoverError(f"the discovered topology does not plan: {shown}") from exc
    while any(entry.allow for entry in draft.peerings):
        try:
            _plan(draft.data(allow=True))
            break
        except TopologyError as exc:
            draft.drop_allow(exc.problems)
    return plan


def predict(plan: Plan, snapshot: Snapshot) -> list[PredictedDifference]:
    """What ``peerstack verify`` reports once ``plan`` is applied to what was read."""
    result = compare(plan, after_up(plan, snapshot))
    return [
        PredictedDifference(kind=str(d.kind), subject=d.subject, message=d.message)
        for d in result.differences
    ]


def after_up(plan: Plan, snapshot: Snapshot) -> Snapshot:
    """``snapshot`` as ``up`` leaves it: imports change nothing, and the DNS options of
    each adopted connection (and our side of each accepted one) are set as planned."""
    dns: dict[str, tuple[bool | None, bool | None]] = {
        link.existing_id: (link.dns_resolution, link.dns_resolution)
        for link in plan.links
        if link.existing_id is not None
    }
    dns.update({accept.peering_id: (None, accept.dns_resolution) for accept in plan.accepts})
    peerings = tuple(_with_dns(p, *dns.get(p.id, (None, None))) for p in snapshot.peerings)
    return dataclasses.replace(snapshot, peerings=peerings)


def _with_dns(
    connection: PeeringSnapshot, requester: bool | None, accepter: bool | None
) -> PeeringSnapshot:
    def side(found: PeeringSide, value: bool | None) -> PeeringSide:
        return found if value is None else dataclasses.replace(found, dns_resolution=value)

    return dataclasses.replace(
        connection,
        requester=side(connection.requester, requester),
        accepter=side(connection.accepter, accepter),
    )
