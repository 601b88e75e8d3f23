"""What `peerstack discover` shows a person: its progress, and its report.

Both go to stderr: stdout carries the topology (or the JSON), so it pipes cleanly.
"""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from peerstack._render.fitted import Column, FittedTable
from peerstack._render.progress import LiveView
from peerstack._text import plural, printable
from peerstack.discover import DiscoverProgress, DiscoveryReport, FindingKind

__all__ = ["DiscoverProgressView", "report_renderables"]


class DiscoverProgressView(LiveView):
    """Accounts and regions read so far: a bar redrawn in place on a terminal; otherwise
    (CI logs, pipes) one line per account and region."""

    def __init__(self, console: Console) -> None:
        super().__init__(console, "discover: starting...")
        self._vpcs = 0

    def on_progress(self, progress: DiscoverProgress) -> None:
        with self._lock:
            self._vpcs += progress.vpcs
            if self._live is not None:
                self._live.update(self._render(progress))
                return
            self._console.print(
                f"read {escape(progress.account)} ({progress.account_id}) {progress.region}: "
                f"{plural(progress.vpcs, 'VPC')}, {plural(progress.connections, 'connection')} "
                f"({progress.done}/{progress.total})"
            )

    def _render(self, progress: DiscoverProgress) -> RenderableType:
        view = Table.grid()
        view.add_column()
        view.add_row(
            Text.assemble(
                ("discover", "bold"),
                f": {progress.done} of {plural(progress.total, 'account and region')} read, "
                f"{plural(self._vpcs, 'VPC')} found",
            )
        )
        view.add_row(ProgressBar(total=progress.total, completed=progress.done, width=50))
        view.add_row(Text(f"last: {progress.account} {progress.region}", style="dim"))
        return view


def report_renderables(report: DiscoveryReport, *, written: str | None) -> list[RenderableType]:
    """The summary, the findings as a table, and what verify will say after `up`."""
    where = f"wrote {written}: " if written else ""
    shown: list[RenderableType] = [
        Text(
            f"{where}{plural(report.vpcs, 'VPC')}, {plural(report.peerings, 'peering')} and "
            f"{plural(report.accepts, 'accepted request')} adopted from "
            f"{plural(len(report.accounts), 'account')} in "
            f"{plural(len(report.regions), 'region')}",
            style="bold green",
        )
    ]
    defaults = report.of(FindingKind.DEFAULT_VPC_SKIPPED)
    if defaults:  # one line: every account and region has one
        shown.append(
            Text(
                f"{plural(len(defaults), 'default VPC')} not adopted (no connection joins "
                "them; --include-default-vpcs adopts them)",
                style="dim",
            )
        )
    findings = [f for f in report.findings if f.kind != FindingKind.DEFAULT_VPC_SKIPPED]
    if findings:
        rows = [
            (str(f.kind), printable(f.subject), printable(f.message), printable(f.hint or ""))
            for f in findings
        ]
        columns = (Column("finding", style="bold yellow"), "about", "what discover did", "hint")
        shown.append(FittedTable("discover findings", columns, rows))
    changes = [f for f in report.findings if f.changes_aws]
    if changes:
        shown.append(
            Text(
                f"applying it changes AWS: {plural(len(changes), 'finding')} say how",
                style="bold yellow",
            )
        )
    if report.verifies:
        shown.append(Text("peerstack verify will pass once it is applied", style="green"))
    else:
        shown.append(
            Text(
                f"peerstack verify will report {plural(len(report.verify), 'difference')} once "
                "it is applied:",
                style="yellow",
            )
        )
        for difference in report.verify:
            shown.append(Text(printable(f"  {difference.kind}: {difference.subject}")))
    return shown
