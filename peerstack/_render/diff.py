"""``peerstack diff``: the network's changes and the engine's steps, as tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.text import Text

from peerstack._provider.tokens import short_type
from peerstack._render.fitted import Column, FittedTable
from peerstack._render.styles import OP_STYLE

if TYPE_CHECKING:
    from peerstack._diff import TopologyDiff

__all__ = ["diff_renderables"]

_STYLE = {"added": "green", "removed": "red", "changed": "yellow"}


def diff_renderables(result: TopologyDiff) -> Iterator[RenderableType]:
    if result.renamed:
        yield Text(
            f"the topology is renamed from {result.old.topology!r} to {result.new.topology!r}: "
            "its resources and its stack are named by it, so `up` would create every "
            "resource anew in another stack and leave the old ones in place; keep the name "
            "to change the network in place",
            style="bold yellow",
        )
    if not result.changed:
        yield Text(
            f"no changes: {result.new.topology!r} deploys exactly what {result.old.topology!r} does"
        )
        return
    if result.vpcs:
        yield FittedTable(
            "VPCs",
            ("VPC", "change"),
            [
                (vpc, Text(change, style=_STYLE.get(change, "yellow")))
                for vpc, change in result.vpcs
            ],
        )
    if result.links:
        yield FittedTable(
            "Links",
            ("link", "change"),
            [
                (link.link, Text("; ".join(link.what) or link.change, style=_STYLE[link.change]))
                for link in result.links
            ],
        )
    if result.routes:
        yield FittedTable(
            "Routes",
            ("VPC", "route table", "destination", "via link", "change"),
            [
                (
                    route.vpc,
                    route.route_table,
                    route.destination,
                    route.link,
                    Text(route.change, style=_STYLE[route.change]),
                )
                for route in result.routes
            ],
        )
    if result.security_groups:
        yield FittedTable(
            "Security groups peerstack creates",
            ("VPC", "security group", "change"),
            [
                (vpc, group, Text(change, style=_STYLE[change]))
                for vpc, group, change in result.security_groups
            ],
        )
    if result.security_rules:
        yield FittedTable(
            "Security group rules",
            ("VPC", "security group", "allows", "from", "via link", "change"),
            [
                (
                    rule.vpc,
                    rule.group,
                    rule.allows,
                    rule.source,
                    rule.link,
                    Text(rule.change, style=_STYLE[rule.change]),
                )
                for rule in result.security_rules
            ],
        )
    if result.gained or result.lost:
        yield FittedTable(
            "Reachability",
            ("VPC", Column("gains", style="green"), Column("loses", style="red")),
            [
                (
                    vpc,
                    ", ".join(result.gained.get(vpc, ())) or "-",
                    ", ".join(result.lost.get(vpc, ())) or "-",
                )
                for vpc in sorted(result.gained.keys() | result.lost.keys())
            ],
        )
    if result.resources:
        rows = []
        for resource in result.resources:
            why = ", ".join(resource.keys)
            if resource.note:
                why = f"{why}; {resource.note}" if why else resource.note
            op = str(resource.op)
            rows.append(
                (
                    Text(op, style=OP_STYLE.get(op, "")),
                    short_type(resource.type),
                    resource.name,
                    why,
                )
            )
        # Narrow terminals: the type above the name, in one column.
        paired = [(op, f"{type_}\n{name}", why) for op, type_, name, why in rows]
        narrow = FittedTable("Resources", ("change", "resource", "why"), paired)
        yield FittedTable("Resources", ("change", "type", "name", "why"), rows, narrow=narrow)
    counts = result.counts()
    summary = ", ".join(f"{n} to {op}" for op, n in counts.items()) or "no resource changes"
    yield Text(f"resources: {summary}")
