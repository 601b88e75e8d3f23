"""Live progress of an operation: resources done of planned, and each link's state.

One view for every operation the CLI runs, on a real engine (automation events) or in
the emulation (its steps, turned into the same events), and for a sequence of them (an
emulated day 2 deploys the previous version first): each operation's events start
with ``STARTED``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from peerstack.automation import Event, LinkProgress, Progress

__all__ = ["LiveView", "ProgressView", "link_detail"]

_LIVE_LINK_ROWS = 15


class LiveView:
    """What every progress display shares: on a terminal, one renderable redrawn in place
    (and gone when done); elsewhere (CI logs, pipes) nothing live, so the view prints
    lines as things happen."""

    def __init__(self, console: Console, starting: str) -> None:
        self._console = console
        self._starting = starting
        self._live: Any = None
        self._lock = threading.Lock()

    def __enter__(self) -> Self:
        if self._console.is_terminal:
            from rich.live import Live

            self._live = Live(
                Text(self._starting),
                console=self._console,
                transient=True,
                refresh_per_second=8,
            )
            self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()


class ProgressView(LiveView):
    """Progress on ``console``: redrawn in place on a terminal; otherwise (CI logs, pipes)
    one line per link as it finishes, and warnings as they come."""

    def __init__(self, console: Console, operation: str, stack: str) -> None:
        super().__init__(console, f"{operation} {stack}: starting...")
        self._operation = operation
        self._stack = stack
        self._reported: dict[str, str] = {}
        self._drawn = 0.0

    def on_event(self, event: Event) -> None:
        from peerstack.automation import EventKind, LinkState

        with self._lock:
            if event.kind is EventKind.STARTED:
                self._reported.clear()  # the next operation's links finish anew
            if event.kind is EventKind.DIAGNOSTIC and event.severity == "warning":
                self._console.print(f"[yellow]warning[/]: {escape(event.message or '')}")
            if self._live is not None:
                # Redraw at most ten times a second: a big topology sends many events.
                now = time.monotonic()
                if now - self._drawn >= 0.1 or event.kind is EventKind.FINISHED:
                    self._drawn = now
                    self._live.update(self._render(event.progress))
                return
            if event.progress.operation == "preview":
                return  # nothing is done in a preview: the changes table says what would be
            if event.kind is EventKind.FINISHED:
                names: Iterable[str] = event.progress.links
            elif event.step is not None and event.step.link is not None:
                names = (event.step.link,)
            else:
                return
            for name in names:
                link = event.progress.links[name]
                if link.state in (LinkState.DONE, LinkState.FAILED) and (
                    self._reported.get(name) != link.state
                ):
                    self._reported[name] = link.state
                    self._console.print(f"link {escape(name)}: {link_detail(link)}")

    def _render(self, progress: Progress) -> RenderableType:
        from peerstack.automation import LinkState

        head = Text.assemble(
            (f"{progress.operation or self._operation} ", "bold"),
            (self._stack, "bold cyan"),
            f": {progress.done} of {progress.planned} resources done",
            (f", {progress.failed} failed" if progress.failed else "", "red"),
        )
        bar = ProgressBar(
            total=max(progress.planned, 1), completed=progress.done + progress.failed, width=50
        )
        order = {LinkState.FAILED: 0, LinkState.WORKING: 1, LinkState.DONE: 2, LinkState.WAITING: 3}
        links = sorted(progress.links.values(), key=lambda link: (order[link.state], link.name))
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        for link in links[:_LIVE_LINK_ROWS]:
            table.add_row(escape(link.name), _state_text(link.state), link_detail(link))
        # One grid row per part: soft-wrapped consoles do not end a bar's line by themselves.
        view = Table.grid()
        view.add_column()
        view.add_row(head)
        view.add_row(bar)
        view.add_row(table)
        if len(links) > _LIVE_LINK_ROWS:
            counts: dict[str, int] = {}
            for link in links:
                counts[link.state] = counts.get(link.state, 0) + 1
            summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
            view.add_row(Text(f"{len(links)} links: {summary}", style="dim"))
        return view


def _state_text(state: str) -> Text:
    style = {"failed": "red", "working": "yellow", "done": "green", "waiting": "dim"}
    return Text(state, style=style.get(state, ""))


def link_detail(link: LinkProgress) -> str:
    """What a link's row says: its stage while working, its changes once done."""
    if link.state == "failed":
        return f"failed ({link.failed} of {link.planned} resources)"
    if link.state == "working":
        stage = f"{link.stage}, " if link.stage else ""
        return f"{stage}{link.done} of {link.planned} resources done"
    if link.state == "waiting":
        return "waiting"
    if link.unchanged:
        return "unchanged"
    changes = ", ".join(f"{n} {op}" for op, n in sorted(link.changes.items()))
    return f"done ({changes})"
