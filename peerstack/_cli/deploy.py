"""`peerstack preview|up|refresh|destroy|outputs`: drive a Pulumi stack of a topology.

A thin shell over :class:`peerstack.automation.Deployment`: parse the options, call one
method, show live progress on stderr and the result on stdout. Pulumi is imported only
inside the commands, so `peerstack validate` stays fast.
"""

from __future__ import annotations

import enum
import json
import logging
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import RenderableType
from rich.markup import escape
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from peerstack._cli._common import (
    Exit,
    debug_enabled,
    err,
    fail,
    load_plan,
    out,
    reporting_errors,
)

if TYPE_CHECKING:
    from peerstack.automation import (
        Deployment,
        DestroyResult,
        Event,
        Outputs,
        PreviewResult,
        Progress,
        RefreshResult,
        UpResult,
    )
    from peerstack.plan import Plan


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"


FileArg = Annotated[
    Path, typer.Argument(help="Topology file (YAML).", dir_okay=False, show_default=False)
]
StackOpt = Annotated[
    str, typer.Option("--stack", "-s", help="Stack name: one per environment (dev, prod...).")
]
BackendOpt = Annotated[
    str | None,
    typer.Option(
        "--backend",
        metavar="URL",
        help="Where state is kept: file://DIR, s3://BUCKET, https://api.pulumi.com ... "
        "[default: file://<work dir>/.pulumi-state]",
        show_default=False,
    ),
]
EndpointOpt = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        metavar="URL",
        help="Send every AWS call to this endpoint (LocalStack, a moto server), with "
        "dummy credentials and AWS's account checks skipped.",
        show_default=False,
    ),
]
WorkDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--work-dir",
        file_okay=False,
        help="Where Pulumi.yaml and the stack settings live "
        "(default: .peerstack/<topology> in the current directory).",
        show_default=False,
    ),
]
ParallelOpt = Annotated[
    int | None,
    typer.Option("--parallel", "-p", min=1, help="At most N resource operations at once."),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table for people, json for tools (on stdout)."),
]
EmulateOpt = Annotated[
    bool,
    typer.Option(
        "--emulate",
        help="Run in-process against an emulated AWS (moto): no Pulumi CLI, no AWS account.",
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Destroy without asking.")]

_LIVE_LINK_ROWS = 15


# -- commands ----------------------------------------------------------------------------


def preview(
    file: FileArg,
    stack: StackOpt = "dev",
    backend: BackendOpt = None,
    endpoint: EndpointOpt = None,
    work_dir: WorkDirOpt = None,
    parallel: ParallelOpt = None,
    output_format: FormatOpt = OutputFormat.table,
    emulate: EmulateOpt = False,
) -> None:
    """Show what `up` would change in the stack, changing nothing."""
    if emulate:
        _emulated("preview", file, output_format, backend=backend, endpoint=endpoint)
    with reporting_errors(), _debug_logging():
        plan, deployment = _deployment(file, stack, backend, endpoint, work_dir, parallel)
        with _ProgressView(plan, "preview", stack) as view:
            result = deployment.preview(on_event=view.on_event)
        _show_result(plan, "preview", result, output_format)


def up(
    file: FileArg,
    stack: StackOpt = "dev",
    backend: BackendOpt = None,
    endpoint: EndpointOpt = None,
    work_dir: WorkDirOpt = None,
    parallel: ParallelOpt = None,
    output_format: FormatOpt = OutputFormat.table,
    emulate: EmulateOpt = False,
) -> None:
    """Create or update every VPC, peering connection and route of the topology."""
    if emulate:
        _emulated("up", file, output_format, backend=backend, endpoint=endpoint)
    with reporting_errors(), _debug_logging():
        plan, deployment = _deployment(file, stack, backend, endpoint, work_dir, parallel)
        with _ProgressView(plan, "up", stack) as view:
            result = deployment.up(on_event=view.on_event)
        _show_result(plan, "up", result, output_format)


def refresh(
    file: FileArg,
    stack: StackOpt = "dev",
    backend: BackendOpt = None,
    endpoint: EndpointOpt = None,
    work_dir: WorkDirOpt = None,
    parallel: ParallelOpt = None,
    output_format: FormatOpt = OutputFormat.table,
) -> None:
    """Read every resource of the stack back from AWS and record what drifted."""
    with reporting_errors(), _debug_logging():
        plan, deployment = _deployment(file, stack, backend, endpoint, work_dir, parallel)
        with _ProgressView(plan, "refresh", stack) as view:
            result = deployment.refresh(on_event=view.on_event)
        _show_result(plan, "refresh", result, output_format)


def destroy(
    file: FileArg,
    stack: StackOpt = "dev",
    backend: BackendOpt = None,
    endpoint: EndpointOpt = None,
    work_dir: WorkDirOpt = None,
    parallel: ParallelOpt = None,
    output_format: FormatOpt = OutputFormat.table,
    yes: YesOpt = False,
) -> None:
    """Delete everything peerstack created in the stack; adopted VPCs are left alone."""
    with reporting_errors(), _debug_logging():
        plan, deployment = _deployment(file, stack, backend, endpoint, work_dir, parallel)
        if not yes:
            deployment.pulumi_version()  # no Pulumi CLI: say so before asking anything
            _confirm_destroy(plan, stack)
        with _ProgressView(plan, "destroy", stack) as view:
            result = deployment.destroy(on_event=view.on_event)
        _show_result(plan, "destroy", result, output_format)


def outputs(
    file: FileArg,
    stack: StackOpt = "dev",
    backend: BackendOpt = None,
    work_dir: WorkDirOpt = None,
    output_format: FormatOpt = OutputFormat.table,
) -> None:
    """Print the stack's outputs: VPC, route table and peering connection ids."""
    with reporting_errors(), _debug_logging():
        plan, deployment = _deployment(file, stack, backend, None, work_dir, None)
        result = deployment.outputs()
        if output_format is OutputFormat.json:
            typer.echo(json.dumps(result.to_dict(), indent=2))
            return
        if not result:
            out.print(f"stack {stack!r} has no outputs: it has not been deployed yet")
            return
        for renderable in _output_tables(plan, result):
            out.print(renderable)


def register(app: typer.Typer) -> None:
    app.command()(preview)
    app.command()(up)
    app.command()(refresh)
    app.command()(destroy)
    app.command()(outputs)


# -- plumbing ----------------------------------------------------------------------------


def _deployment(
    file: Path,
    stack: str,
    backend: str | None,
    endpoint: str | None,
    work_dir: Path | None,
    parallel: int | None,
) -> tuple[Plan, Deployment]:
    _, plan = load_plan(file)
    from peerstack.automation import Deployment

    try:
        deployment = Deployment(
            plan,
            stack=stack,
            backend_url=backend,
            endpoint=endpoint,
            work_dir=work_dir,
            parallel=parallel,
        )
    except ValueError as exc:
        fail(str(exc), code=Exit.INVALID)
    return plan, deployment


def _emulated(
    operation: str,
    file: Path,
    output_format: OutputFormat,
    *,
    backend: str | None,
    endpoint: str | None,
) -> None:
    """Hand the command to the in-process emulation; never returns."""
    if backend is not None or endpoint is not None:
        fail(
            "--emulate runs in this process against an emulated AWS: "
            "--backend and --endpoint do not apply",
            code=Exit.INVALID,
        )
    from peerstack._cli import emulate

    run = emulate.preview_emulated if operation == "preview" else emulate.up_emulated
    raise typer.Exit(run(file, output_format=output_format.value))


def _confirm_destroy(plan: Plan, stack: str) -> None:
    managed = sum(1 for vpc in plan.vpcs if vpc.managed)
    adopted = len(plan.vpcs) - managed
    err.print(
        f"This deletes every resource peerstack created for topology "
        f"[bold]{escape(plan.topology)}[/] in stack [bold]{escape(stack)}[/]: "
        f"{managed} VPCs, {len(plan.links)} peering connections, {len(plan.routes)} routes."
        + (f" The {adopted} adopted VPCs are left as they are." if adopted else "")
    )
    try:
        confirmed = typer.confirm("Destroy?", default=False, err=True)
    except typer.Abort:
        err.print()
        if sys.stdin is None or not sys.stdin.isatty():
            fail(
                "destroy asks for confirmation, and there is no input to read an answer from",
                hint="run with --yes to destroy without asking",
                code=Exit.INVALID,
            )
        err.print("[yellow]interrupted[/]: nothing was destroyed")
        raise typer.Exit(int(Exit.INTERRUPTED)) from None
    if not confirmed:
        err.print("nothing was destroyed")
        raise typer.Exit(int(Exit.FAILED))


@contextmanager
def _debug_logging() -> Iterator[None]:
    """With --debug, peerstack's log (Pulumi's full output on failures) goes to stderr."""
    if not debug_enabled():
        yield
        return
    logger = logging.getLogger("peerstack")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


class _ProgressView:
    """Live progress on stderr: resources done of planned, and each link's state.

    On a terminal it redraws in place; otherwise (CI logs, pipes) it prints one line per
    link as it finishes, and warnings as they come.
    """

    def __init__(self, plan: Plan, operation: str, stack: str) -> None:
        self._plan = plan
        self._operation = operation
        self._stack = stack
        self._live_enabled = err.is_terminal
        self._live: Any = None
        self._reported: dict[str, str] = {}
        self._drawn = 0.0
        self._lock = threading.Lock()

    def __enter__(self) -> _ProgressView:
        if self._live_enabled:
            from rich.live import Live

            self._live = Live(
                Text(f"{self._operation} {self._stack}: starting Pulumi..."),
                console=err,
                transient=True,
                refresh_per_second=8,
            )
            self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()

    def on_event(self, event: Event) -> None:
        from peerstack.automation import EventKind, LinkState

        with self._lock:
            if event.kind is EventKind.DIAGNOSTIC and event.severity == "warning":
                err.print(f"[yellow]warning[/]: {escape(event.message or '')}")
            if self._live is not None:
                # Redraw at most ten times a second: a big topology sends many events.
                now = time.monotonic()
                if now - self._drawn >= 0.1 or event.kind is EventKind.FINISHED:
                    self._drawn = now
                    self._live.update(self._render(event.progress))
                return
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
                    err.print(f"link {escape(name)}: {_link_detail(link)}")

    def _render(self, progress: Progress) -> RenderableType:
        from peerstack.automation import LinkState

        head = Text.assemble(
            (f"{self._operation} ", "bold"),
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
            table.add_row(link.name, _state_text(link.state), _link_detail(link))
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


def _link_detail(link: Any) -> str:
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


def _show_result(
    plan: Plan,
    operation: str,
    result: PreviewResult | UpResult | RefreshResult | DestroyResult,
    output_format: OutputFormat,
) -> None:
    from peerstack.automation import UpResult

    if output_format is OutputFormat.json:
        typer.echo(json.dumps({"topology": plan.topology, **result.to_dict()}, indent=2))
        return
    seconds = result.duration.total_seconds()
    verb = {"preview": "previewed", "up": "updated", "refresh": "refreshed"}
    out.print(
        f"[green]{verb.get(operation, 'destroyed')}[/] stack [bold]{escape(result.stack)}[/] "
        f"of topology [bold]{escape(plan.topology)}[/] in {seconds:.1f}s"
    )
    out.print(f"resources: {escape(str(result.changes))}")
    if operation == "preview":
        out.print("nothing was changed; `peerstack up` applies these changes")
    if isinstance(result, UpResult):
        for renderable in _output_tables(plan, result.outputs):
            out.print(renderable)


def _output_tables(plan: Plan, outputs: Outputs) -> Iterator[RenderableType]:
    from peerstack.automation import SECRET

    def shown(name: str, value: Any) -> str:
        return SECRET if name in outputs.secret_names else str(value)

    links = Table(title="Peering connections", title_justify="left", title_style="bold")
    for column in ("link", "requester", "accepter", "peering connection"):
        links.add_column(column)
    ids = outputs.peering_connection_ids
    for link in plan.links:
        links.add_row(
            link.name,
            link.requester,
            link.accepter,
            shown("peering_connection_ids", ids.get(link.name, "-")),
        )
    yield links
    vpcs = Table(title="VPCs", title_justify="left", title_style="bold")
    for column in ("VPC", "VPC id", "route tables"):
        vpcs.add_column(column)
    tables = outputs.route_table_ids
    for vpc in plan.vpcs:
        route_tables = ", ".join(f"{n}={i}" for n, i in sorted(tables.get(vpc.name, {}).items()))
        vpcs.add_row(
            vpc.name,
            shown("vpc_ids", outputs.vpc_ids.get(vpc.name, "-")),
            shown("route_table_ids", route_tables or "-"),
        )
    yield vpcs
