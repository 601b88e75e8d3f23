"""What ``--emulate`` prints: what was done in the emulated AWS, and each link's status."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from peerstack._render.tables import link_kind
from peerstack._tokens import short_type

if TYPE_CHECKING:
    from peerstack.plan import Plan
    from peerstack.verify import VerifyResult

__all__ = ["changes_text", "counts_table", "links_table", "steps_table"]


def changes_text(changes: Mapping[str, int]) -> str:
    """``3 created, 1 updated, 2 deleted`` (unchanged resources left out)."""
    words = {"create": "created", "update": "updated", "replace": "replaced", "delete": "deleted"}
    parts = [f"{changes[op]} {word}" for op, word in words.items() if changes.get(op)]
    return ", ".join(parts) or "nothing changed"


def counts_table(counts: Mapping[str, int], title: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("resource type")
    table.add_column("count", justify="right")
    for kind, count in counts.items():
        table.add_row(escape(kind), str(count))
    return table


def links_table(plan: Plan, verification: VerifyResult) -> Table:
    """Each link of the plan, the connection found for it and its status."""
    table = Table(title="Peering connections", title_justify="left", title_style="bold")
    for column in ("link", "requester", "accepter", "kind", "peering connection", "status"):
        table.add_column(column, overflow="fold")
    statuses = {s.link: s for s in verification.links}
    for link in plan.links:
        status = statuses.get(link.name)
        state = status.status if status else "unknown"
        table.add_row(
            escape(link.name),
            escape(link.requester),
            escape(link.accepter),
            link_kind(link),
            escape(status.connection_id or "-") if status else "-",
            f"[green]{state}[/]" if state == "active" else f"[red]{escape(state)}[/]",
        )
    return table


def steps_table(steps: Iterable[Mapping[str, Any]], title: str) -> Table:
    """One row per AWS resource step (``op``, ``type``, ``name``, ``account_id``, ``region``)."""
    table = Table(title=title, title_justify="left", title_style="bold")
    for column in ("change", "type", "name", "account", "region"):
        table.add_column(column, overflow="fold")
    for step in steps:
        table.add_row(
            str(step["op"]),
            escape(short_type(str(step["type"]))),
            escape(str(step["name"])),
            str(step.get("account_id") or "-"),
            str(step.get("region") or "-"),
        )
    return table
