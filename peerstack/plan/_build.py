"""``build_plan``: the passes of the planner, in order."""

from __future__ import annotations

import os
from typing import TypeAlias

from peerstack.plan._context import Context
from peerstack.plan._links import check_peering_quota, declared_links, resolve_links
from peerstack.plan._routes import check_route_quota, plan_reachability, plan_routes
from peerstack.plan._vpcs import check_cidr_quota, resolve_accounts, resolve_vpcs
from peerstack.plan.model import Plan
from peerstack.topology import Topology, load_topology

__all__ = ["TopologySource", "build_plan"]

TopologySource: TypeAlias = Topology | Plan | str | os.PathLike[str]
"""What every entry point accepts: a topology file's path, a Topology, or its Plan."""


def build_plan(source: TopologySource) -> Plan:
    """Decide everything about a topology, or raise TopologyError listing every problem.

    ``source`` is the path of a topology file, a :class:`~peerstack.Topology`, or a
    :class:`Plan` (returned as it is). Pure: reads nothing but its argument (and the
    file), touches no cloud, imports no Pulumi.
    """
    if isinstance(source, Plan):
        return source
    if isinstance(source, str | os.PathLike):
        source = load_topology(source)
    if not isinstance(source, Topology):
        raise TypeError(
            "build_plan() takes a topology file's path, a Topology or a Plan, "
            f"not {type(source).__name__}"
        )
    return _plan(source)


def _plan(topology: Topology) -> Plan:
    ctx = Context(topology=topology, source=topology.source)
    declared = declared_links(ctx)
    dns_vpcs = {
        name for link in declared if link.dns_resolution for name in (link.requester, link.accepter)
    }
    vpcs = resolve_vpcs(ctx, dns_vpcs)
    check_cidr_quota(ctx, vpcs)
    links = resolve_links(ctx, declared, vpcs)
    check_peering_quota(ctx, links)
    routes = plan_routes(ctx, links, vpcs)
    check_route_quota(ctx, routes)
    ctx.raise_if_any()
    link_plans = [link for _, link in links]
    reach = plan_reachability(ctx, vpcs, link_plans, routes)
    return Plan(
        topology=topology.name,
        accounts=resolve_accounts(topology, vpcs),
        vpcs=tuple(vpcs.values()),
        links=tuple(link_plans),
        routes=tuple(routes),
        reachability=reach.vpcs,
        tags=dict(topology.defaults.tags),
        subnet_reachability=reach.endpoints,
        warnings=tuple(ctx.warnings),
    )
