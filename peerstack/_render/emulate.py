"""What ``--emulate`` prints: what was done in the emulated AWS, and each link's status."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich.text import Text

from peerstack._provider.tokens import short_type
from peerstack._render.fitted import Column, FittedTable
from peerstack._render.tables import accept_kind, link_kind

if TYPE_CHECKING:
    from peerstack.plan import Plan
    from peerstack.verify import VerifyResult

__all__ = ["changes_text", "counts_table", "links_table", "steps_table"]


def changes_text(changes: Mapping[str, int]) -> str:
    """``3 created, 1 updated, 2 deleted`` (unchanged resources left out)."""
    words = {
        "create": "created",
        "import": "imported",
        "update": "updated",
        "replace": "replaced",
        "delete": "deleted",
    }
    parts = [f"{changes[op]} {word}" for op, word in words.items() if changes.get(op)]
    return ", ".join(parts) or "nothing changed"


def counts_table(counts: Mapping[str, int], title: str) -> FittedTable:
    rows = [(kind, str(count)) for kind, count in counts.items()]
    return FittedTable(title, ("resource type", Column("count", justify="right")), rows)


def links_table(plan: Plan, verification: VerifyResult) -> FittedTable:
    """Each link of the plan, the connection found for it and its status."""
    statuses = {s.link: s for s in verification.links}
    rows = []
    for link in plan.links:
        status = statuses.get(link.name)
        state = status.status if status else "unknown"
        rows.append(
            (
                link.name,
                link.requester,
                link.accepter,
                link_kind(link),
                (status.connection_id or "-") if status else "-",
                Text(state, style="green" if state == "active" else "red"),
            )
        )
    for accept in plan.accepts:
        status = statuses.get(accept.name)
        state = status.status if status else "unknown"
        rows.append(
            (
                accept.name,
                f"{accept.peer.name} (outside)",
                accept.vpc,
                accept_kind(accept),
                (status.connection_id or "-") if status else "-",
                Text(state, style="green" if state == "active" else "red"),
            )
        )
    columns = ("link", "requester", "accepter", "kind", "peering connection", "status")
    return FittedTable("Peering connections", columns, rows)


def steps_table(steps: Iterable[Mapping[str, Any]], title: str) -> FittedTable:
    """One row per AWS resource step (``op``, ``type``, ``name``, ``account_id``, ``region``)."""
    rows = [
        (
            str(step["op"]),
            short_type(str(step["type"])),
            str(step["name"]),
            str(step.get("account_id") or "-"),
            str(step.get("region") or "-"),
        )
        for step in steps
    ]
    return FittedTable(title, ("change", "type", "name", "account", "region"), rows)
