"""A verification as a rich table: one row per difference (a single row when ok)."""

from __future__ import annotations

from rich.text import Text

from peerstack._render.fitted import Cell, Column, FittedTable
from peerstack.verify import VerifyResult

__all__ = ["render_table"]


def render_table(result: VerifyResult) -> FittedTable:
    """The differences as a table (one row per difference; a single row when ok)."""
    columns = (
        Column("difference", style="bold red"),
        "where",
        Column("expected", style="green"),
        Column("found", style="yellow"),
        "what it means",
    )
    rows: list[tuple[Cell, ...]] = [
        (str(d.kind), d.subject, d.expected or "", d.actual or "", d.message)
        for d in result.differences
    ]
    if result.ok:
        rows = [(Text("none", style="green"), result.summary(), "", "", "")]
    return FittedTable(f"verify {result.topology}", columns, rows)
