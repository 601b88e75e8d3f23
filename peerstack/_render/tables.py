"""Rich tables of a plan: VPCs, links, routes by route table, reachability."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from rich.console import RenderableType
from rich.text import Text

from peerstack._render.fitted import Cell, Column, FittedTable
from peerstack._text import plural
from peerstack.plan import DISCOVERED, LinkPlan, Plan

MATRIX_LIMIT = 16
"""Above this many VPCs the reachability matrix is listed instead of drawn."""


def link_kind(link: LinkPlan) -> str:
    parts = []
    parts.append("cross-account" if link.cross_account else "same account")
    parts.append("cross-region" if link.cross_region else "same region")
    return ", ".join(parts)


def accepted_by(plan: Plan, link: LinkPlan) -> str:
    """Who accepts the connection: the accepter's account in its region, or nobody."""
    if link.adopted:
        return f"adopted {link.existing_id} (accepted already)"
    if link.auto_accept:
        return "auto (same account and region)"
    accepter = plan.vpc(link.accepter)
    return f"{accepter.account} in {accepter.region}"


def plan_renderables(plan: Plan) -> Iterator[RenderableType]:
    yield Text.assemble(
        ("Topology ", "bold"),
        (plan.topology, "bold cyan"),
        f": {plural(len(plan.vpcs), 'VPC')}, {plural(len(plan.links), 'link')}, "
        f"{plural(len(plan.routes), 'route')}",
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


def _vpcs(plan: Plan) -> FittedTable:
    rows = []
    for vpc in plan.vpcs:
        ipv6 = (
            "\n".join(vpc.ipv6_cidrs)
            if vpc.ipv6_cidrs
            else ("assigned by AWS" if vpc.ipv6 else "-")
        )
        tables = (
            "discovered at deploy" if vpc.discovers_route_tables else ", ".join(vpc.route_tables)
        )
        managed = "created" if vpc.managed else f"adopted ({vpc.vpc_id})"
        rows.append(
            (
                vpc.name,
                f"{vpc.account} ({vpc.account_id})",
                vpc.region,
                "\n".join(vpc.cidrs),
                ipv6,
                tables,
                managed,
            )
        )
    columns = ("VPC", "account", "region", "IPv4", "IPv6", "route tables", "managed")
    return FittedTable("VPCs", columns, rows)


def _links(plan: Plan) -> FittedTable:
    rows = [
        (
            link.name,
            link.requester,
            link.accepter,
            link_kind(link),
            accepted_by(plan, link),
            "on" if link.dns_resolution else "off",
        )
        for link in plan.links
    ]
    columns = ("link", "requester", "accepter", "kind", "accepted by", "DNS")
    return FittedTable("Links", columns, rows)


def _routes(plan: Plan) -> FittedTable:
    rows: list[tuple[str, ...]] = []
    sections = []
    ordered = sorted(plan.routes, key=lambda r: (r.vpc, r.route_table))
    for (vpc, route_table), group in groupby(ordered, key=lambda r: (r.vpc, r.route_table)):
        label = "every table" if route_table == DISCOVERED else route_table
        if rows:
            sections.append(len(rows))
        for index, route in enumerate(group):
            first = index == 0
            rows.append(
                (
                    vpc if first else "",
                    label if first else "",
                    route.destination,
                    route.link,
                    route.peer,
                )
            )
    columns = ("VPC", "route table", "destination", "via link", "to")
    return FittedTable("Routes by route table", columns, rows, sections=sections)


def _reachability(plan: Plan) -> RenderableType:
    names = [v.name for v in plan.vpcs]
    listed = FittedTable(
        "Reachability (VPC-level, both directions)",
        ("VPC", "reaches"),
        [
            (name, f"{len(peers)}: " + ", ".join(peers) if peers else "-")
            for name in names
            for peers in [plan.reachability.get(name, ())]
        ],
    )
    if len(names) > MATRIX_LIMIT:
        return listed
    rows = []
    for row in names:
        cells: list[Cell] = [row]
        for column in names:
            if row == column:
                cells.append(Text("·", style="dim"))
            elif plan.can_reach(row, column):
                cells.append(Text("yes", style="green"))
            else:
                cells.append(Text("-", style="dim"))
        rows.append(cells)
    matrix = FittedTable(
        "Reachability (row reaches column; peering is not transitive)",
        ("", *(Column(name, justify="center") for name in names)),
        rows,
        narrow=listed,
    )
    return matrix
