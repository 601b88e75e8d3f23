"""What ``--emulate`` prints: what was done in the emulated AWS, and each link's status."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.markup import escape
from rich.text import Text

from peerstack._provider.tokens import short_type
from peerstack._render.fitted import Column, FittedTable
from peerstack._render.tables import accept_kind, link_kind
from peerstack._text import plural

if TYPE_CHECKING:
    from peerstack._results import PreviewResult, ResourceStep, UpResult
    from peerstack.plan import Plan
    from peerstack.verify import VerifyResult

__all__ = [
    "changes_text",
    "counts_table",
    "links_table",
    "preview_report",
    "steps_table",
    "up_report",
]


def up_report(
    plan: Plan, result: UpResult, *, source: str, previous: str | None = None
) -> Iterator[RenderableType]:
    """What an emulated ``up`` did (``previous`` names the version deployed first), then
    each link's status; the verification itself is the caller's to print."""
    engine = " with the Pulumi engine" if result.engine == "pulumi" else ""
    seconds = result.duration.total_seconds()
    if result.previous is not None:
        yield (
            f"deployed [bold]{escape(previous or result.previous.topology)}[/] in the emulated "
            f"AWS{engine}: {changes_text(result.previous.changes)}"
        )
        yield (
            f"[green]brought[/] it to topology [bold]{escape(plan.topology)}[/] "
            f"({escape(source)}) in {seconds:.1f}s: {changes_text(result.changes)}"
        )
        if result.changed_steps():
            yield steps_table(result.changed_steps(), "Changes")
    else:
        counts = result.counts_by_type()
        imported = result.changes["import"]
        also = f", and [green]imported[/] {plural(imported, 'existing one')}" if imported else ""
        yield (
            f"[green]created[/] {plural(sum(counts.values()), 'resource')} of topology "
            f"[bold]{escape(plan.topology)}[/] "
            f"in the emulated AWS (moto){engine} in {seconds:.1f}s{also}"
        )
        if counts:
            yield counts_table(counts, "Created")
    if result.verification is not None:
        yield links_table(plan, result.verification)


def preview_report(
    plan: Plan, result: PreviewResult, *, source: str, previous: str | None = None
) -> Iterator[RenderableType]:
    """What an emulated ``up`` would do (after ``previous``, when one was deployed)."""
    if result.previous is None:
        counts = result.counts_by_type()
        yield (
            f"[green]previewed[/] topology [bold]{escape(plan.topology)}[/] in the "
            f"emulated AWS: {plural(sum(counts.values()), 'resource')} would be created"
        )
        yield counts_table(counts, "To create")
        yield steps_table(result.changed_steps(), "Resources")
        yield "nothing was created; `peerstack up FILE --emulate` creates and verifies"
        return
    yield (
        f"[green]previewed[/] bringing [bold]"
        f"{escape(previous or result.previous.topology)}[/] to "
        f"[bold]{escape(source)}[/] in the emulated AWS: {changes_text(result.changes)}"
    )
    yield steps_table(result.changed_steps(), "Changes")
    yield "nothing was changed; `peerstack up FILE --emulate --from OLD` applies it"


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


def steps_table(steps: Iterable[ResourceStep], title: str) -> FittedTable:
    """One row per step: what changes, the resource's type and name, account and region."""
    rows = [
        (
            str(step.op),
            short_type(step.type),
            step.name,
            step.account_id or "-",
            step.region or "-",
        )
        for step in steps
    ]
    return FittedTable(title, ("change", "type", "name", "account", "region"), rows)
