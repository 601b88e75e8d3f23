"""``build_plan``: the passes of the planner, in order."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeAlias

from peerstack.errors import Problem, TopologyError
from peerstack.plan._accepts import resolve_accepts
from peerstack.plan._context import Context
from peerstack.plan._links import check_peering_quota, declared_links, resolve_links
from peerstack.plan._routes import (
    check_route_quota,
    plan_accept_routes,
    plan_reachability,
    plan_routes,
)
from peerstack.plan._schedule import schedule
from peerstack.plan._security import (
    check_rule_quota,
    plan_security_groups,
    plan_security_rules,
)
from peerstack.plan._tags import tag_everything
from peerstack.plan._vpcs import check_cidr_quota, resolve_accounts, resolve_vpcs
from peerstack.plan.model import Plan
from peerstack.topology import Topology
from peerstack.topology.loader import check_data, check_file

__all__ = ["TopologySource", "build_plan", "plan_file"]

TopologySource: TypeAlias = Topology | Plan | str | os.PathLike[str] | Mapping[str, Any]
"""What every entry point accepts: a topology file's path, a Topology, its Plan, or the
topology as plain data (a mapping, as a topology file holds)."""


def build_plan(source: TopologySource) -> Plan:
    """Decide everything about a topology, or raise TopologyError listing every problem.

    ``source`` is the path of a topology file, a :class:`~peerstack.Topology`, a
    :class:`Plan` (returned as it is), or the topology as plain data. Pure: reads nothing
    but its argument (and the file), touches no cloud, imports no Pulumi.
    """
    if isinstance(source, Plan):
        return source
    if isinstance(source, str | os.PathLike):
        return plan_file(source)[1]
    if isinstance(source, Mapping):
        checked = check_data(source)
        if checked.topology is None:
            raise TopologyError(checked.problems)
        return _plan(checked.topology, prior=checked.problems)
    if not isinstance(source, Topology):
        raise TypeError(
            "build_plan() takes a topology file's path, a Topology, a Plan or a mapping, "
            f"not {type(source).__name__}"
        )
    if source._omitted is not None:
        raise TypeError("build_plan() takes a valid Topology; this one is what is left of one")
    return _plan(source)


def plan_file(path: str | os.PathLike[str]) -> tuple[Topology, Plan]:
    """Read, validate and plan a topology file, reporting every problem in one round.

    When some fields are invalid, the entries that did validate are planned too, so the
    planner's problems come with the field-level ones (not after they are fixed).
    """
    checked = check_file(path)
    if checked.topology is None:
        raise TopologyError(checked.problems)
    return checked.topology, _plan(checked.topology, prior=checked.problems)


def _plan(topology: Topology, *, prior: tuple[Problem, ...] = ()) -> Plan:
    ctx = Context(topology=topology, source=topology.source, problems=list(prior))
    declared = declared_links(ctx)
    dns_vpcs = {
        name for link in declared if link.dns_resolution for name in (link.requester, link.accepter)
    }
    vpcs = resolve_vpcs(ctx, dns_vpcs)
    check_cidr_quota(ctx, vpcs)
    links = resolve_links(ctx, declared, vpcs)
    accepts = resolve_accepts(ctx, vpcs, links)
    check_peering_quota(ctx, links, [a.plan for a in accepts])
    routes = plan_routes(ctx, links, vpcs)
    routes += plan_accept_routes(ctx, accepts, vpcs, routes)
    check_route_quota(ctx, routes)
    groups = plan_security_groups(ctx, vpcs)
    rules = plan_security_rules(ctx, links, vpcs, groups)
    check_rule_quota(ctx, rules)
    tagged = tag_everything(ctx, vpcs, links, groups, rules, [(a.path, a.plan) for a in accepts])
    ctx.raise_if_any()
    link_plans = list(
        schedule(
            [link for _, link in tagged.links], topology.quotas.outstanding_requests_per_account
        )
    )
    accept_plans = [accept for _, accept in tagged.accepts]
    reach = plan_reachability(ctx, tagged.vpcs, link_plans, routes, accept_plans)
    return Plan(
        topology=topology.name,
        accounts=resolve_accounts(topology, tagged.vpcs),
        vpcs=tuple(tagged.vpcs.values()),
        links=tuple(link_plans),
        routes=tuple(routes),
        reachability=reach.vpcs,
        subnet_reachability=reach.endpoints,
        warnings=tuple(ctx.warnings),
        quotas=topology.quotas.model_dump(),
        security_rules=tuple(tagged.rules),
        security_groups=tuple(tagged.groups),
        accepts=tuple(accept_plans),
        source=topology.source,
    )
