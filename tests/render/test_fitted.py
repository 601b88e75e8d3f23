"""FittedTable: every value whole at any width, as a table when it fits, stacked when not."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from peerstack._render.fitted import Column, FittedTable

ROWS = [
    (
        "shared",
        "network (111111111111)",
        "10.0.0.0/16\n10.100.0.0/16",
        "adopted (vpc-0123456789abcdef0)",
    ),
    ("app-eu", "prod (222222222222)", "10.1.0.0/16", "created"),
]
COLUMNS = ("VPC", "account", "IPv4", "managed")


def render(renderable: object, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    console.print(renderable)
    return [line.rstrip() for line in console.file.getvalue().splitlines()]  # type: ignore[attr-defined]


def words(lines: list[str]) -> set[str]:
    return {w.strip("│┃") for line in lines for w in line.split()}


def test_a_table_that_fits_is_drawn_unchanged() -> None:
    lines = render(FittedTable("VPCs", COLUMNS, ROWS), 120)
    assert lines[0] == "VPCs"
    assert (
        lines[2]
        == "┃ VPC    ┃ account                ┃ IPv4          ┃ managed                         ┃"
    )
    assert (
        lines[4]
        == "│ shared │ network (111111111111) │ 10.0.0.0/16   │ adopted (vpc-0123456789abcdef0) │"
    )
    assert (
        lines[5]
        == "│        │                        │ 10.100.0.0/16 │                                 │"
    )


def test_columns_wrap_at_spaces_before_any_value_is_cut() -> None:
    lines = render(FittedTable("VPCs", COLUMNS, ROWS), 76)
    assert max(len(line) for line in lines) <= 76
    assert not any("…" in line for line in lines)
    assert lines[4] == "│ shared │ network             │ 10.0.0.0/16   │ adopted                 │"
    assert lines[5] == "│        │ (111111111111)      │ 10.100.0.0/16 │ (vpc-0123456789abcdef0) │"
    assert lines[6] == "│ app-eu │ prod (222222222222) │ 10.1.0.0/16   │ created                 │"


def test_too_narrow_for_the_longest_words_stacks_one_block_per_row() -> None:
    lines = render(FittedTable("VPCs", COLUMNS, ROWS), 60)
    assert lines == [
        "VPCs",
        "VPC shared",
        "  account  network (111111111111)",
        "  IPv4     10.0.0.0/16",
        "           10.100.0.0/16",
        "  managed  adopted (vpc-0123456789abcdef0)",
        "VPC app-eu",
        "  account  prod (222222222222)",
        "  IPv4     10.1.0.0/16",
        "  managed  created",
    ]


def test_a_narrow_alternative_replaces_the_stacked_form() -> None:
    narrow = FittedTable("VPCs", ("VPC", "IPv4"), [(r[0], r[2]) for r in ROWS])
    lines = render(FittedTable("VPCs", COLUMNS, ROWS, narrow=narrow), 60)
    assert lines[2] == "┃ VPC    ┃ IPv4          ┃"


def test_markup_in_a_value_is_shown_as_written() -> None:
    lines = render(FittedTable("t", ("name",), [("[red]x[/]",)]), 40)
    assert "│ [red]x[/] │" in lines


def test_column_styles_and_justification_apply() -> None:
    table = FittedTable(
        "t", ("kind", Column("count", justify="right")), [("Vpc", "12"), ("Route", "3")]
    )
    lines = render(table, 40)
    assert lines[-2] == "│ Route │     3 │"
    styled = FittedTable("t", ("a", "b"), [(Text("ok", style="green"), "x")]).table(40)
    assert styled is not None


def test_continuation_rows_join_the_block_above_when_stacked() -> None:
    rows = [("a", "main", "10.1.0.0/16"), ("", "", "10.2.0.0/16"), ("b", "main", "10.0.0.0/16")]
    table = FittedTable("Routes", ("VPC", "route table", "destination"), rows, sections=[2])
    assert render(table, 27) == [
        "Routes",
        "VPC a",
        "  route table  main",
        "  destination  10.1.0.0/16",
        "  destination  10.2.0.0/16",
        "VPC b",
        "  route table  main",
        "  destination  10.0.0.0/16",
    ]


token = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789./-()", min_size=1, max_size=18)
cell = st.lists(token, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(cell, min_size=n, max_size=n), min_size=1, max_size=5),
            st.integers(min_value=24, max_value=160),
        )
    )
)
def test_at_any_width_every_word_is_shown_whole_within_the_width(case) -> None:
    rows, width = case
    headers = tuple(f"h{i}" for i in range(len(rows[0])))
    lines = render(FittedTable("t", headers, rows), width)
    assert max(len(line) for line in lines) <= width
    assert not any("…" in line for line in lines)
    shown = words(lines)
    assert {w for row in rows for value in row for w in value.split()} <= shown
