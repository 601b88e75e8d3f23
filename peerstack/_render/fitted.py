"""Tables whose values are never cut, whatever the terminal's width.

A CIDR, an account id or a VPC id shown as ``10.10.0.…`` (or folded as ``pcx-5506ce44`` /
``f7e04be1a``) is worse than no table. Rich shrinks a table that is too wide by narrowing
its widest columns, cutting words even where wrapping other columns at spaces would have
fitted. So :class:`FittedTable` sizes the columns itself: none is narrower than its
longest word, and while the table is too wide the widest column that can still wrap is
narrowed. When even the longest words do not fit side by side, each row is shown as a
block of ``label  value`` lines instead, which fits any width a value itself fits in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group
from rich.segment import Segment
from rich.style import StyleType
from rich.table import Column, Table
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

__all__ = ["Cell", "Column", "FittedTable"]

Cell = str | Text
"""Plain text (never markup) or styled text. A list of values goes one per line
(``"\\n".join``) so that no value is split."""

_ELLIPSIS = "…"
_CELL_PADDING = 2  # a space either side of each cell


class FittedTable:
    """A titled table shown whole when it fits, or stacked one block per row when not.

    ``columns`` are headers, or rich :class:`~rich.table.Column` objects for a column's
    ``justify`` or ``style``. ``sections`` start a ruled group before the given row
    indexes (routes by route table). ``narrow``, when given, is shown instead of the
    stacked form (a matrix lists its rows). In the stacked form a row's first cell is its
    heading and empty cells are left out, so a continuation row (first cells blank, as in
    a grouped table) reads as more lines of the block above it.
    """

    def __init__(
        self,
        title: str,
        columns: Sequence[str | Column],
        rows: Iterable[Sequence[Cell]],
        *,
        sections: Iterable[int] = (),
        narrow: RenderableType | None = None,
    ) -> None:
        self.title = title
        self.columns = tuple(Column(c) if isinstance(c, str) else c for c in columns)
        self.rows = [tuple(row) for row in rows]
        self.sections = frozenset(sections)
        self.narrow = narrow

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(str(c.header) for c in self.columns)

    def table(self, width: int | None = None) -> Table | None:
        """The wide form within ``width`` cells; ``None`` if its longest words cannot fit."""
        widths = self._widths(width)
        if widths is None:
            return None
        table = Table(title=self.title, title_justify="left", title_style="bold")
        for column, size in zip(self.columns, widths, strict=True):
            table.add_column(column.header, justify=column.justify, style=column.style, width=size)
        for index, row in enumerate(self.rows):
            if index in self.sections:
                table.add_section()
            table.add_row(*map(_text, row))
        return table

    def stacked(self) -> RenderableType:
        """The narrow form: a heading per row, then its other fields as ``label  value``."""
        heading_label, *labels = self.headers
        width = max(map(cell_len, labels), default=0)
        parts: list[RenderableType] = [Text(self.title, style="bold")]
        for row in self.rows:
            heading, *values = row
            if _plain(heading):
                prefix = Text(f"{heading_label} " if heading_label else "", style="dim")
                parts.append(prefix + _text(heading, "bold"))
            fields = Table.grid(padding=(0, 2))
            fields.add_column(min_width=width + 2, no_wrap=True)
            fields.add_column(overflow="fold")
            for label, value, column in zip(labels, values, self.columns[1:], strict=True):
                if _plain(value):
                    fields.add_row(Text(f"  {label}", style="dim"), _text(value, column.style))
            parts.append(fields)
        return Group(*parts)

    def _widths(self, width: int | None) -> list[int] | None:
        """Each column's content width: its longest line, or narrower where wrapping helps.

        While the table is too wide, the widest column that can still wrap at a space is
        narrowed to the width its cells take when wrapped one cell narrower, so no column
        keeps empty room. ``None`` when the longest words alone are wider than ``width``.
        """
        rows = (self.headers, *self.rows)
        texts = [[_plain(row[i]) for row in rows] for i in range(len(self.columns))]
        widths = [_wrapped_width(cells, None) for cells in texts]
        if width is None:
            return widths
        room = width - _CELL_PADDING * len(widths) - (len(widths) + 1)
        floor = [max(cell_len(w) for c in cells for w in c.split() or [""]) for cells in texts]
        while sum(widths) > room:
            narrowable = [i for i, w in enumerate(widths) if w > floor[i]]
            if not narrowable:
                return None
            i = max(narrowable, key=lambda i: widths[i])
            widths[i] = _wrapped_width(texts[i], widths[i] - 1)
        return widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = self.table(options.max_width)
        lines = [] if table is None else console.render_lines(table, options, pad=False)
        # Sized as above, rich has no reason to cut a word; if it ever does, stack instead.
        if table is None or any(_ELLIPSIS in s.text for line in lines for s in line):
            narrow = self.stacked() if self.narrow is None else self.narrow
            lines = [_rstrip(line) for line in console.render_lines(narrow, options, pad=False)]
        for line in lines:
            yield from line
            yield Segment.line()


def _wrapped_width(cells: Iterable[str], limit: int | None) -> int:
    """The widest line of ``cells`` once each is wrapped at spaces within ``limit``."""
    widest = 0
    for cell in cells:
        for line in cell.splitlines() or [""]:
            if limit is None:
                widest = max(widest, cell_len(line))
                continue
            used = -1
            for word in line.split():
                size = cell_len(word)
                used = size if used < 0 or used + 1 + size > limit else used + 1 + size
                widest = max(widest, used)
    return widest


def _rstrip(line: list[Segment]) -> list[Segment]:
    """``line`` without the spaces a grid pads its last column with."""
    line = list(line)
    while line and not line[-1].text.rstrip():
        line.pop()
    if line:
        last = line[-1]
        line[-1] = Segment(last.text.rstrip(), last.style, last.control)
    return line


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _text(cell: Cell, style: StyleType = "") -> Text:
    return cell if isinstance(cell, Text) else Text(cell, style=style)
