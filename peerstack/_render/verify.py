"""A verification as a rich table: one row per difference (a single row when ok)."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from peerstack.verify import VerifyResult

__all__ = ["render_table"]


def render_table(result: VerifyResult) -> Table:
    """The differences as a rich table (one row per difference; a single row when ok)."""
    table = Table(title=f"verify {result.topology}", title_justify="left")
    table.add_column("difference", style="bold red", no_wrap=True)
    table.add_column("where")
    table.add_column("expected", style="green")
    table.add_column("found", style="yellow")
    table.add_column("what it means")
    if result.ok:
        table.add_row("[green]none[/]", escape(result.summary()), "", "", "")
    for d in result.differences:
        table.add_row(
            escape(str(d.kind)),
            escape(d.subject),
            escape(d.expected or ""),
            escape(d.actual or ""),
            escape(d.message),
        )
    return table
