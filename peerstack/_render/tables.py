"""Rich tables of a plan: VPCs, links, routes by route table, reachability."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from peerstack.plan import DISCOVERED, LinkPlan, Plan

MATRIX_LIMIT = 16
"""Above this many VPCs the reachability matrix is listed instead of drawn."""


def link_kind(link: LinkPlan) -> str:
    parts = []
    parts.append("cross-account" if link.cross_account else "same account")
    parts.append("cross-region" if link.cross_region else "same region")
    return ", ".join(parts)


def acceptance(plan: Plan, link: LinkPlan) -> str:
    if link.auto_accept:
        return "auto-accepted"
    accepter = plan.vpc(link.accepter)
    return f"accepted by {accepter.account} in {accepter.region}"


def plan_renderables(plan: Plan) -> Iterator[RenderableType]:
    yield Text.assemble(
        ("Topology ", "bold"),
        (plan.topology, "bold cyan"),
        f": {len(plan.vpcs)} VPCs, {len(plan.links)} links, {len(plan.routes)} routes",
    )
    yield _vpcs(plan)
    yield _links(plan)
    yield _routes(plan)
    yield _reachability(plan)
    cross_region = [link.name for link in plan.links if link.cross_region]
    if cross_region:
        yield Text(
            f"Cross-region links ({', '.join(cross_region)}): security groups cannot "
            "reference the peer's groups, and traffic is limited to an MTU of 1500 bytes.",
            style="yellow",
        )


def _vpcs(plan: Plan) -> Table:
    table = Table(title="VPCs", title_justify="left", title_style="bold")
    for column in ("VPC", "account", "region", "IPv4", "IPv6", "route tables", "managed"):
        table.add_column(column)
    for vpc in plan.vpcs:
        ipv6 = (
            ", ".join(vpc.ipv6_cidrs)
            if vpc.ipv6_cidrs
            else ("assigned by AWS" if vpc.ipv6 else "-")
        )
        tables = (
            "discovered at deploy" if vpc.discovers_route_tables else ", ".join(vpc.route_tables)
        )
        managed = "created" if vpc.managed else f"adopted ({vpc.vpc_id})"
        table.add_row(
            vpc.name,
            f"{vpc.account} ({vpc.account_id})",
            vpc.region,
            ", ".join(vpc.cidrs),
            ipv6,
            tables,
            managed,
        )
    return table


def _links(plan: Plan) -> Table:
    table = Table(title="Links", title_justify="left", title_style="bold")
    for column in ("link", "requester", "accepter", "kind", "acceptance", "DNS"):
        table.add_column(column)
    for link in plan.links:
        table.add_row(
            link.name,
            link.requester,
            link.accepter,
            link_kind(link),
            acceptance(plan, link),
            "resolves remote" if link.dns_resolution else "off",
        )
    return table


def _routes(plan: Plan) -> Table:
    table = Table(title="Routes by route table", title_justify="left", title_style="bold")
    for column in ("VPC", "route table", "destination", "via link", "to"):
        table.add_column(column)
    ordered = sorted(plan.routes, key=lambda r: (r.vpc, r.route_table))
    for (vpc, route_table), group in groupby(ordered, key=lambda r: (r.vpc, r.route_table)):
        label = "every table" if route_table == DISCOVERED else route_table
        first = True
        for route in group:
            table.add_row(
                vpc if first else "",
                label if first else "",
                route.destination,
                route.link,
                route.peer,
            )
            first = False
        table.add_section()
    return table


def _reachability(plan: Plan) -> RenderableType:
    names = [v.name for v in plan.vpcs]
    if len(names) > MATRIX_LIMIT:
        table = Table(
            title="Reachability (VPC-level, both directions)",
            title_justify="left",
            title_style="bold",
        )
        table.add_column("VPC")
        table.add_column("reaches")
        for name in names:
            peers = plan.reachability.get(name, ())
            table.add_row(name, f"{len(peers)}: " + ", ".join(peers) if peers else "-")
        return table
    table = Table(
        title="Reachability (row reaches column; peering is not transitive)",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("")
    for name in names:
        table.add_column(name, justify="center")
    for row in names:
        cells = []
        for column in names:
            if row == column:
                cells.append(Text("·", style="dim"))
            elif plan.can_reach(row, column):
                cells.append(Text("yes", style="green"))
            else:
                cells.append(Text("-", style="dim"))
        table.add_row(row, *cells)
    return table
