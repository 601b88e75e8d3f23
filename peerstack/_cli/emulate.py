"""`peerstack preview|up FILE --emulate`: run in this process against an emulated AWS.

`deploy.py` hands `--emulate` here. `up` creates every resource in a fresh moto
emulation, verifies the result against the plan and prints what it created (counts by
type, each link's status) and the verification; it exits 0 only when the emulated network
matches the plan. `preview` lists what `up` would create. Progress goes to stderr.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from peerstack._cli._common import Exit, err, load_plan, out, print_verification, reporting_errors

if TYPE_CHECKING:
    from peerstack.emulator import EmulatedResource
    from peerstack.plan import Plan
    from peerstack.verify import VerifyResult

__all__ = ["preview_emulated", "up_emulated"]


def up_emulated(file: Path, *, output_format: str) -> int:
    """Deploy ``file`` into a fresh emulation and verify it; the exit code."""
    with reporting_errors():
        _, plan = load_plan(file)
        from peerstack.emulator import Emulation

        started = time.perf_counter()
        with _Progress(plan, "up") as progress, Emulation(plan) as emulation:
            progress.phase("creating resources")
            deployment = emulation.up(on_resource=progress.on_resource)
            progress.phase("verifying")
            verification = emulation.verify()
        seconds = time.perf_counter() - started
        counts = deployment.counts_by_type()
        if output_format == "json":
            typer.echo(
                json.dumps(
                    {
                        "topology": plan.topology,
                        "emulated": True,
                        "operation": "up",
                        "duration_seconds": round(seconds, 3),
                        "resources": counts,
                        "outputs": deployment.outputs,
                        "verification": verification.to_dict(),
                    },
                    indent=2,
                )
            )
        else:
            total = sum(counts.values())
            out.print(
                f"[green]created[/] {total} resources of topology [bold]"
                f"{escape(plan.topology)}[/] in the emulated AWS (moto) in {seconds:.1f}s"
            )
            out.print(_counts_table(counts, "Created"))
            out.print(_links_table(plan, verification))
            print_verification(verification)
        return int(Exit.OK if verification.ok else Exit.FAILED)


def preview_emulated(file: Path, *, output_format: str) -> int:
    """List the resources ``up --emulate`` would create; the exit code."""
    with reporting_errors():
        _, plan = load_plan(file)
        from peerstack.emulator import Emulation

        with _Progress(plan, "preview") as progress, Emulation(plan) as emulation:
            progress.phase("running the program")
            preview = emulation.preview()
        resources = [r for r in preview.resources if r.account_id is not None]
        counts = preview.counts_by_type()
        if output_format == "json":
            typer.echo(
                json.dumps(
                    {
                        "topology": plan.topology,
                        "emulated": True,
                        "operation": "preview",
                        "resources": counts,
                        "create": [
                            {
                                "type": r.type,
                                "name": r.name,
                                "account_id": r.account_id,
                                "region": r.region,
                            }
                            for r in resources
                        ],
                    },
                    indent=2,
                )
            )
        else:
            out.print(
                f"[green]previewed[/] topology [bold]{escape(plan.topology)}[/] in the "
                f"emulated AWS: {sum(counts.values())} resources would be created"
            )
            out.print(_counts_table(counts, "To create"))
            out.print(_resources_table(resources))
            out.print("nothing was created; `peerstack up FILE --emulate` creates and verifies")
        return int(Exit.OK)


def _counts_table(counts: dict[str, int], title: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("resource type")
    table.add_column("count", justify="right")
    for kind, count in counts.items():
        table.add_row(escape(kind), str(count))
    return table


def _links_table(plan: Plan, verification: VerifyResult) -> Table:
    table = Table(title="Peering connections", title_justify="left", title_style="bold")
    from peerstack._render.tables import link_kind

    for column in ("link", "requester", "accepter", "kind", "peering connection", "status"):
        table.add_column(column)
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


def _resources_table(resources: list[EmulatedResource]) -> Table:
    from peerstack._tokens import short_type

    table = Table(title="Resources", title_justify="left", title_style="bold")
    for column in ("type", "name", "account", "region"):
        table.add_column(column)
    for resource in resources:
        table.add_row(
            escape(short_type(resource.type)),
            escape(resource.name),
            resource.account_id or "-",
            resource.region or "-",
        )
    return table


class _Progress:
    """Progress on stderr: a live line on a terminal, one line per phase otherwise."""

    def __init__(self, plan: Plan, operation: str) -> None:
        self._label = f"{operation} {plan.topology} (emulated)"
        self._live: Any = None
        self._count = 0
        self._phase = "starting the emulation"
        self._lock = threading.Lock()

    def __enter__(self) -> _Progress:
        if err.is_terminal:
            self._live = err.status(self._text(), spinner="dots")
            self._live.start()
        else:
            err.print(f"{escape(self._label)}: {self._phase}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()

    def phase(self, name: str) -> None:
        with self._lock:
            self._phase = name
            if self._live is not None:
                self._live.update(self._text())
            else:
                err.print(f"{escape(self._label)}: {name}")

    def on_resource(self, resource: EmulatedResource) -> None:
        if resource.account_id is None:
            return
        with self._lock:
            self._count += 1
            if self._live is not None:
                self._live.update(self._text(f"{resource.type.rsplit(':', 1)[-1]} {resource.name}"))

    def _text(self, last: str = "") -> str:
        done = f", {self._count} created" if self._count else ""
        tail = f" [dim]({escape(last)})[/]" if last else ""
        return f"{escape(self._label)}: {self._phase}{done}{tail}"
