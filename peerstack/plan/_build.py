"""``build_plan``: the passes of the planner, in order."""

from __future__ import annotations

from peerstack.plan._context import Context
from peerstack.plan._links import check_peering_quota, declared_links, resolve_links
from peerstack.plan._routes import check_route_quota, plan_routes, reachability
from peerstack.plan._vpcs import check_cidr_quota, resolve_accounts, resolve_vpcs
from peerstack.plan.model import Plan
from peerstack.topology import Topology


def build_plan(topology: Topology) -> Plan:
    """Decide everything about ``topology``, or raise TopologyError listing every problem.

    Pure: reads nothing but its argument, touches no cloud, imports no Pulumi.
    """
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
    return Plan(
        topology=topology.name,
        accounts=resolve_accounts(topology, vpcs),
        vpcs=tuple(vpcs.values()),
        links=tuple(link_plans),
        routes=tuple(routes),
        reachability=reachability(vpcs, link_plans, routes),
        tags=dict(topology.defaults.tags),
    )
