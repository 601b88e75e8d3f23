"""``peerstack diff``: the network's changes and the engine's steps, as tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from peerstack._tokens import short_type

if TYPE_CHECKING:
    from peerstack._diff import TopologyDiff

__all__ = ["diff_renderables"]

_STYLE = {"added": "green", "removed": "red", "changed": "yellow"}
_OP_STYLE = {"create": "green", "update": "yellow", "replace": "magenta", "delete": "red"}


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
        table = Table(title="VPCs", title_justify="left", title_style="bold")
        table.add_column("VPC")
        table.add_column("change", overflow="fold")
        for vpc, change in result.vpcs:
            style = _STYLE.get(change, "yellow")
            table.add_row(escape(vpc), Text(change, style=style))
        yield table
    if result.links:
        table = Table(title="Links", title_justify="left", title_style="bold")
        table.add_column("link")
        table.add_column("change", overflow="fold")
        for link in result.links:
            detail = link.change if not link.what else "; ".join(link.what)
            table.add_row(escape(link.link), Text(detail, style=_STYLE[link.change]))
        yield table
    if result.routes:
        table = Table(title="Routes", title_justify="left", title_style="bold")
        for column in ("VPC", "route table", "destination", "via link", "change"):
            table.add_column(column, overflow="fold")
        for route in result.routes:
            table.add_row(
                escape(route.vpc),
                escape(route.route_table),
                escape(route.destination),
                escape(route.link),
                Text(route.change, style=_STYLE[route.change]),
            )
        yield table
    if result.gained or result.lost:
        table = Table(title="Reachability", title_justify="left", title_style="bold")
        table.add_column("VPC")
        table.add_column("gains", style="green", overflow="fold")
        table.add_column("loses", style="red", overflow="fold")
        for vpc in sorted(result.gained.keys() | result.lost.keys()):
            table.add_row(
                escape(vpc),
                escape(", ".join(result.gained.get(vpc, ())) or "-"),
                escape(", ".join(result.lost.get(vpc, ())) or "-"),
            )
        yield table
    if result.resources:
        table = Table(title="Resources", title_justify="left", title_style="bold")
        for column in ("change", "type", "name", "why"):
            table.add_column(column, overflow="fold")
        for resource in result.resources:
            why = ", ".join(resource.keys)
            if resource.note:
                why = f"{why}; {resource.note}" if why else resource.note
            table.add_row(
                Text(str(resource.op), style=_OP_STYLE.get(str(resource.op), "")),
                escape(short_type(resource.type)),
                escape(resource.name),
                escape(why),
            )
        yield table
    counts = result.counts()
    summary = ", ".join(f"{n} to {op}" for op, n in counts.items()) or "no resource changes"
    yield Text(f"resources: {summary}")
