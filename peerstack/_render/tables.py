"""Rich tables of a plan: VPCs, links, routes by route table, security group rules (when
there are any), reachability."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import groupby

from rich.console import RenderableType
from rich.text import Text

from peerstack._render.fitted import Cell, Column, FittedTable
from peerstack._text import plural
from peerstack.plan import DISCOVERED, AcceptPlan, LinkPlan, Plan

MATRIX_LIMIT = 16
"""Above this many VPCs the reachability matrix is listed instead of drawn."""

SUMMARY_ABOVE = 400
"""Above this many links plus routes, links and routes are summarised (per VPC, and per
kind of link) unless every row is asked for: thousands of rows help no reader, and
``--format json`` hands them to tools."""

NAMES_LIMIT = 12
"""A summary names up to this many VPCs in a cell; above it, it counts them."""


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
    who = f"{accepter.account} in {accepter.region}"
    if link.waits_for is not None:
        # The outstanding-request quota: this request is made once that one is accepted.
        return f"{who}; requested once {link.waits_for} is accepted"
    return who


def accept_kind(accept: AcceptPlan) -> str:
    return ", ".join(
        (
            "cross-account" if accept.cross_account else "same account",
            "cross-region" if accept.cross_region else "same region",
        )
    )


def accepted_from(accept: AcceptPlan) -> str:
    """``accepts pcx-... from atlas (account, region)``: what peerstack does with it."""
    peer = accept.peer
    return f"accepts {accept.peering_id} from {peer.name} ({peer.account_id}, {peer.region})"


def summarised(plan: Plan, *, full: bool | None = None) -> bool:
    """Whether :func:`plan_renderables` summarises: ``full`` decides, else the plan's size."""
    if full is not None:
        return not full
    return len(plan.links) + len(plan.routes) > SUMMARY_ABOVE


def plan_renderables(plan: Plan, *, full: bool | None = None) -> Iterator[RenderableType]:
    """The plan for people: every link and route, or (large plans, ``full=False``) a
    summary per VPC and per kind of link. ``full=None`` decides by size."""
    yield Text.assemble(
        ("Topology ", "bold"),
        (plan.topology, "bold cyan"),
        f": {plural(len(plan.vpcs), 'VPC')}, {plural(len(plan.links), 'link')}, "
        f"{plural(len(plan.routes), 'route')}",
        f", {plural(len(plan.security_groups), 'security group')} created"
        if plan.security_groups
        else "",
        f", {plural(len(plan.security_rules), 'security group rule')}"
        if plan.security_rules
        else "",
        f", {plural(len(plan.accepts), 'request')} accepted from outside" if plan.accepts else "",
    )
    yield _vpcs(plan)
    if any(vpc.subnets for vpc in plan.vpcs):
        yield _subnets(plan)
    if plan.security_groups:
        yield _security_groups(plan)
    if summarised(plan, full=full):
        yield _link_kinds(plan)
        yield _vpc_summary(plan)
        yield _reachability_summary(plan)
        yield Text(
            f"{plural(len(plan.links), 'link')} and {plural(len(plan.routes), 'route')} "
            "are summarised: --full lists every one, --format json gives them to tools.",
            style="dim",
        )
    else:
        yield _links(plan)
        yield _routes(plan)
        if plan.security_rules:
            yield _security_rules(plan)
        yield _reachability(plan)
    if plan.accepts:
        yield _outside(plan)
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


def _subnets(plan: Plan) -> FittedTable:
    rows: list[tuple[str, ...]] = []
    sections = []
    for vpc in plan.vpcs:
        if not vpc.subnets:
            continue
        if rows:
            sections.append(len(rows))
        for index, subnet in enumerate(vpc.subnets):
            rows.append(
                (
                    vpc.name if index == 0 else "",
                    subnet.name,
                    subnet.cidr,
                    f"/64 #{subnet.ipv6_index}" if subnet.ipv6 else "-",
                    subnet.availability_zone,
                    subnet.route_table,
                )
            )
    columns = ("VPC", "subnet", "IPv4", "IPv6", "zone", "route table")
    return FittedTable("Subnets", columns, rows, sections=sections)


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
    rows += [
        (
            accept.name,
            f"{accept.peer.name} (outside)",
            accept.vpc,
            accept_kind(accept),
            accepted_from(accept),
            "on" if accept.dns_resolution else "off",
        )
        for accept in plan.accepts
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


def _security_groups(plan: Plan) -> FittedTable:
    """The groups peerstack creates: where, the name AWS shows, what they let out."""
    rows = [
        (
            group.vpc,
            group.name,
            group.group_name,
            "all to " + ", ".join(group.egress),
        )
        for group in plan.security_groups
    ]
    columns = ("VPC", "security group", "AWS name", "outbound")
    return FittedTable("Security groups peerstack creates", columns, rows)


def _security_rules(plan: Plan) -> FittedTable:
    """Inbound rules by group: what each lets in, from which peer, over which link."""
    rows: list[tuple[str, ...]] = []
    sections = []
    ordered = sorted(plan.security_rules, key=lambda r: (r.vpc, r.group))
    for (vpc, group), rules in groupby(ordered, key=lambda r: (r.vpc, r.group)):
        if rows:
            sections.append(len(rows))
        for index, rule in enumerate(rules):
            first = index == 0
            source = (
                f"{rule.peer} {rule.cidr}"
                if rule.cidr is not None
                else f"{rule.peer}'s group {rule.peer_group} "
                f"({rule.referenced_group_id or 'created'})"
            )
            rows.append(
                (
                    vpc if first else "",
                    f"{group} ({rule.group_id or 'created'})" if first else "",
                    rule.protocol_name,
                    rule.ports,
                    source,
                    rule.link,
                )
            )
    columns = ("VPC", "security group", "protocol", "ports", "from", "via link")
    return FittedTable("Security group rules (inbound)", columns, rows, sections=sections)


def _link_kinds(plan: Plan) -> FittedTable:
    counts = Counter(
        (link_kind(link), accepted_by(plan, link), "on" if link.dns_resolution else "off")
        for link in plan.links
    )
    counts.update(
        (accept_kind(accept), "accepts from outside", "on" if accept.dns_resolution else "off")
        for accept in plan.accepts
    )
    rows = [(str(n), kind, by, dns) for (kind, by, dns), n in sorted(counts.items())]
    return FittedTable(
        "Links by kind", (Column("links", justify="right"), "kind", "accepted by", "DNS"), rows
    )


def _vpc_summary(plan: Plan) -> FittedTable:
    links: Counter[str] = Counter()
    for link in plan.links:
        links[link.requester] += 1
        links[link.accepter] += 1
    for accept in plan.accepts:
        links[accept.vpc] += 1
    routes: dict[str, Counter[str]] = {}
    for route in plan.routes:
        routes.setdefault(route.vpc, Counter())[route.route_table] += 1
    rows = []
    for vpc in plan.vpcs:
        tables = routes.get(vpc.name, Counter())
        per_table = ", ".join(
            f"{'every table' if t == DISCOVERED else t} {n}" for t, n in sorted(tables.items())
        )
        rows.append((vpc.name, str(links[vpc.name]), str(sum(tables.values())), per_table or "-"))
    columns = (
        "VPC",
        Column("links", justify="right"),
        Column("routes", justify="right"),
        "routes per table",
    )
    return FittedTable("Links and routes per VPC", columns, rows)


def _names(names: list[str]) -> str:
    if len(names) <= NAMES_LIMIT:
        return ", ".join(names) or "-"
    return plural(len(names), "VPC")


def _reachability_summary(plan: Plan) -> FittedTable:
    names = [v.name for v in plan.vpcs]
    rows = []
    for name in names:
        reached = set(plan.reachability.get(name, ()))
        unreached = [other for other in names if other != name and other not in reached]
        reaches = (
            f"all {len(names) - 1} others"
            if not unreached
            else _names([other for other in names if other in reached])
        )
        rows.append((name, reaches, _names(unreached) if unreached else "-"))
    return FittedTable(
        "Reachability (VPC-level, both directions)", ("VPC", "reaches", "does not reach"), rows
    )


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


def _outside(plan: Plan) -> FittedTable:
    """Outside peers: our side's view only (they are assumed to route back)."""
    peers: dict[str, tuple[AcceptPlan, list[str]]] = {}
    for accept in plan.accepts:
        peers.setdefault(accept.peer.name, (accept, []))[1].append(accept.vpc)
    rows = [
        (
            name,
            f"{accept.peer.account_id}, {accept.peer.region}",
            "\n".join((*accept.peer.cidrs, *accept.peer.ipv6_cidrs)),
            ", ".join(sorted(plan.reachability.get(name, ()))) or "-",
        )
        for name, (accept, _) in peers.items()
    ]
    return FittedTable(
        "Outside peers (our side only: assumed to route back)",
        ("peer", "account, region", "blocks", "reached from"),
        rows,
    )
