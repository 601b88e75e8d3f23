"""Compare a snapshot of AWS with the plan, difference by difference (pure: no AWS).

First the match decides which AWS object stands for which name of the plan
(:mod:`~peerstack.verify._match`); then each kind of thing is checked by its own module
(:mod:`peerstack.verify._checks`), in the order a reader follows a network: VPCs, links,
routes, security groups, reachability.
"""

from __future__ import annotations

from peerstack.plan._outputs import OutputsLike, StackOutputs
from peerstack.plan.model import Plan
from peerstack.verify._checks.links import check_links, link_statuses
from peerstack.verify._checks.reachability import check_reachability, found_reachability
from peerstack.verify._checks.routes import check_routes, planned_routes
from peerstack.verify._checks.security import check_security, rules_checked
from peerstack.verify._checks.vpcs import check_vpcs
from peerstack.verify._match import match
from peerstack.verify._result import VerifyResult
from peerstack.verify._snapshot import Snapshot

__all__ = ["compare"]


def compare(
    plan: Plan,
    snapshot: Snapshot,
    *,
    outputs: OutputsLike = None,
) -> VerifyResult:
    """Every way ``snapshot`` differs from ``plan``; pure, so it needs no AWS.

    :param outputs: the deployment's stack outputs (``vpc_ids``, ``route_table_ids``,
        ``peering_connection_ids``); without them resources are recognised by tags.
    """
    found = match(plan, snapshot, StackOutputs.parse(outputs))
    routes = planned_routes(found)
    reach = found_reachability(found)
    differences = (
        *check_vpcs(found),
        *check_links(found),
        *check_routes(found, routes),
        *check_security(found),
        *check_reachability(found, reach),
    )
    return VerifyResult(
        topology=plan.topology,
        differences=differences,
        links=link_statuses(found),
        reachability={
            name: reach.vpcs.get(name, ())
            for name in (
                *(v.name for v in plan.vpcs),
                *dict.fromkeys(a.peer.name for a in plan.accepts),
            )
        },
        routes_checked=len(routes.expected),
        rules_checked=rules_checked(plan),
        subnet_reachability=reach.endpoints,
    )
