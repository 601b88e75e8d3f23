"""`peerstack preview|up|refresh|destroy|outputs`: drive a Pulumi stack of a topology.

A thin shell over :class:`peerstack.automation.Deployment`: parse the options, call one
method, show live progress on stderr and the result on stdout. ``--emulate`` hands the
command to ``emulate.py``. Pulumi is imported only inside the commands, so `peerstack
validate` stays fast.
"""

from __future__ import annotations

import enum
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from peerstack._cli import _common
from peerstack._cli._common import (
    Exit,
    debug_enabled,
    err,
    fail,
    load_plan,
    out,
    reporting_errors,
)
from peerstack._cli._options import (
    BackendOpt,
    EmulateOpt,
    EndpointOpt,
    FileArg,
    FormatOpt,
    OutputFormat,
    ParallelOpt,
    ReleaseOpt,
    StackOpt,
    WorkDirOpt,
    YesOpt,
)

if TYPE_CHECKING:
    from peerstack.automation import (
        Deployment,
        DestroyResult,
        PreviewResult,
        RefreshResult,
        UpResult,
    )
    from peerstack.plan import Plan

FromOpt = Annotated[
    Path | None,
    typer.Option(
        "--from",
        dir_okay=False,
        metavar="OLD",
        help="With --emulate: deploy this topology first, then bring it to FILE (day 2).",
        show_default=False,
    ),
]


class Engine(enum.StrEnum):
    auto = "auto"
    pulumi = "pulumi"
    mocks = "mocks"


EngineOpt = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help="With --emulate: `pulumi` runs the real Pulumi engine against the emulation "
        "served on loopback, `mocks` the in-process one; `auto` takes pulumi when it is on "
        "PATH and its aws plugin can be installed.",
    ),
]
ClearPendingOpt = Annotated[
    bool,
    typer.Option(
        "--clear-pending-creates",
        help="Drop the creates a killed run left unfinished from the state (see the README).",
    ),
]


@dataclass(frozen=True, slots=True)
class _Where:
    """The stack a command works on: the options every deploy command takes."""

    file: Path
    stack: str
    backend: str | None
    endpoint: str | None
    work_dir: Path | None
    parallel: int | None

    def deployment(self) -> tuple[Plan, Deployment]:
        _, plan = load_plan(self.file)
        from peerstack.automation import Deployment

        try:
            deployment = Deployment(
                plan,
                stack=self.stack,
                backend_url=self.backend,
                endpoint=self.endpoint,
                work_dir=self.work_dir,
                parallel=self.parallel,
            )
        except ValueError as exc:
            fail(str(exc), code=Exit.INVALID)
        return plan, deployment


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
    previous: FromOpt = None,
    release: ReleaseOpt = None,
) -> None:
    """Show what `up` would change in the stack, per link and per VPC; change nothing."""
    where = _Where(file, stack, backend, endpoint, work_dir, parallel)
    if emulate:
        _emulated("preview", where, output_format, previous, release or [])
    _no_from(previous)
    with reporting_errors(), _debug_logging():
        plan, deployment = where.deployment()
        result = _previewed(plan, deployment, release or [])
        _show_preview(plan, result, output_format)


def up(
    file: FileArg,
    stack: StackOpt = "dev",
    backend: BackendOpt = None,
    endpoint: EndpointOpt = None,
    work_dir: WorkDirOpt = None,
    parallel: ParallelOpt = None,
    output_format: FormatOpt = OutputFormat.table,
    emulate: EmulateOpt = False,
    previous: FromOpt = None,
    release: ReleaseOpt = None,
    yes: YesOpt = False,
    engine: EngineOpt = Engine.auto,
) -> None:
    """Bring the stack to the topology: create, update, replace or delete what differs.

    Shows what would change and asks first, unless --yes (or --emulate).
    """
    where = _Where(file, stack, backend, endpoint, work_dir, parallel)
    if emulate:
        _emulated("up", where, output_format, previous, release or [], engine=engine.value)
    _no_from(previous)
    with reporting_errors(), _debug_logging():
        plan, deployment = where.deployment()
        if not yes:
            _require_terminal("up")
            preview_result = _previewed(plan, deployment, release or [])
            _show_preview(plan, preview_result, OutputFormat.table, asking=True)
            if not preview_result.changes_anything:
                raise typer.Exit(int(Exit.OK))
            _confirm("Deploy these changes?", "nothing was changed")
        from peerstack._render.progress import ProgressView

        with ProgressView(err, "up", stack) as view:
            result = deployment.up(on_event=view.on_event, release=release or [])
        _show_result(plan, result, output_format)


def refresh(
    file: FileArg,
    stack: StackOpt = "dev",
    backend: BackendOpt = None,
    endpoint: EndpointOpt = None,
    work_dir: WorkDirOpt = None,
    parallel: ParallelOpt = None,
    output_format: FormatOpt = OutputFormat.table,
    clear_pending_creates: ClearPendingOpt = False,
    yes: YesOpt = False,
) -> None:
    """Read every resource of the stack back from AWS and record what drifted."""
    where = _Where(file, stack, backend, endpoint, work_dir, parallel)
    with reporting_errors(), _debug_logging():
        plan, deployment = where.deployment()
        from peerstack._render.progress import ProgressView

        with ProgressView(err, "refresh", stack) as view:
            result = deployment.refresh(
                on_event=view.on_event, clear_pending_creates=clear_pending_creates
            )
        _show_result(plan, result, output_format)
        if clear_pending_creates and output_format is OutputFormat.table:
            out.print(
                "creates a killed run left unfinished were dropped from the state; any that "
                "AWS did create are outside the stack now: `peerstack verify FILE` lists "
                "what AWS holds beyond the plan"
            )


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
    """Delete everything the stack holds; adopted VPCs are not among it."""
    where = _Where(file, stack, backend, endpoint, work_dir, parallel)
    with reporting_errors(), _debug_logging():
        plan, deployment = where.deployment()
        if not yes:
            deployment.pulumi_version()  # no Pulumi CLI: say so before asking anything
            _require_terminal("destroy")
            from peerstack._render.deploy import state_summary

            records = deployment.state()
            err.print(
                f"This deletes what stack [bold]{escape(stack)}[/] of topology "
                f"[bold]{escape(plan.topology)}[/] holds: {escape(state_summary(records))}."
                + _adopted_note(plan)
            )
            _confirm("Destroy?", "nothing was destroyed")
        from peerstack._render.progress import ProgressView

        with ProgressView(err, "destroy", stack) as view:
            result = deployment.destroy(on_event=view.on_event)
        _show_result(plan, result, output_format)


def outputs(
    file: FileArg,
    stack: StackOpt = "dev",
    backend: BackendOpt = None,
    work_dir: WorkDirOpt = None,
    output_format: FormatOpt = OutputFormat.table,
) -> None:
    """Print the stack's outputs: VPC, route table and peering connection ids."""
    where = _Where(file, stack, backend, None, work_dir, None)
    with reporting_errors(), _debug_logging():
        plan, deployment = where.deployment()
        result = deployment.outputs()
        if output_format is OutputFormat.json:
            typer.echo(json.dumps(result.to_dict(), indent=2))
            return
        if not result:
            out.print(f"stack {stack!r} has no outputs: it has not been deployed yet")
            return
        from peerstack._render.deploy import output_tables

        for renderable in output_tables(plan, result):
            out.print(renderable)


def register(app: typer.Typer) -> None:
    app.command()(preview)
    app.command()(up)
    app.command()(refresh)
    app.command()(destroy)
    app.command()(outputs)


# -- plumbing ----------------------------------------------------------------------------


def _previewed(plan: Plan, deployment: Deployment, release: list[str]) -> PreviewResult:
    from peerstack._render.progress import ProgressView

    with ProgressView(err, "preview", deployment.stack_name) as view:
        return deployment.preview(on_event=view.on_event, release=release)


def _emulated(
    operation: str,
    where: _Where,
    output_format: OutputFormat,
    previous: Path | None,
    release: list[str],
    *,
    engine: str = "mocks",
) -> None:
    """Hand the command to the emulation; never returns."""
    if where.backend is not None or where.endpoint is not None:
        fail(
            "--emulate runs in this process against an emulated AWS: "
            "--backend and --endpoint do not apply",
            code=Exit.INVALID,
        )
    from peerstack._cli import emulate

    if operation == "preview":
        code = emulate.preview_emulated(
            where.file, output_format=output_format.value, previous=previous, release=release
        )
    else:
        code = emulate.up_emulated(
            where.file,
            output_format=output_format.value,
            previous=previous,
            release=release,
            engine=engine,
        )
    raise typer.Exit(code)


def _no_from(previous: Path | None) -> None:
    if previous is not None:
        fail(
            "--from applies with --emulate: it deploys OLD into the emulation first",
            hint="a real stack already holds the previous version; drop --from",
            code=Exit.INVALID,
        )


def _require_terminal(command: str) -> None:
    if not _common.has_terminal():
        fail(
            f"{command} asks for confirmation, and there is no terminal to answer from",
            hint=f"run `peerstack {command}` with --yes to go ahead without asking",
            code=Exit.INVALID,
        )


def _confirm(question: str, declined: str) -> None:
    try:
        confirmed = typer.confirm(question, default=False, err=True)
    except typer.Abort:
        err.print(f"\n[yellow]interrupted[/]: {declined}")
        raise typer.Exit(int(Exit.INTERRUPTED)) from None
    if not confirmed:
        err.print(declined)
        raise typer.Exit(int(Exit.FAILED))


def _adopted_note(plan: Plan) -> str:
    adopted = [v.name for v in plan.vpcs if not v.managed]
    if not adopted:
        return ""
    return f" The adopted VPCs ({', '.join(adopted)}) are left as they are."


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


def _show_preview(
    plan: Plan, result: PreviewResult, output_format: OutputFormat, *, asking: bool = False
) -> None:
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    from peerstack._render.deploy import preview_report

    console = err if asking else out
    for renderable in preview_report(plan, result, asking=asking):
        console.print(renderable)


def _show_result(
    plan: Plan, result: UpResult | RefreshResult | DestroyResult, output_format: OutputFormat
) -> None:
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    from peerstack._render.deploy import result_report

    for renderable in result_report(plan, result):
        out.print(renderable)
