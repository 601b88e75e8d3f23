"""`peerstack diff OLD NEW`: what a change does, before anything is deployed.

Exit codes as `git diff --exit-code`: 0 when nothing changes, 1 when something does, 2
when either file is invalid. Computed from the two plans and what their programs
register: no cloud, no Pulumi CLI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from peerstack._cli._common import Exit, load_plan, out, reporting_errors
from peerstack._cli._options import FormatOpt, OutputFormat


def diff(
    old: Annotated[
        Path,
        typer.Argument(
            help="The topology as it is (deployed).",
            dir_okay=False,
            show_default=False,
            metavar="OLD",
        ),
    ],
    new: Annotated[
        Path,
        typer.Argument(
            help="The topology as it will be.", dir_okay=False, show_default=False, metavar="NEW"
        ),
    ],
    output_format: FormatOpt = OutputFormat.table,
) -> None:
    """Show what changes from OLD to NEW: links, routes, DNS, reachability, resources."""
    with reporting_errors():
        _, old_plan = load_plan(old)
        _, new_plan = load_plan(new)
        from peerstack._diff import diff as compare

        result = compare(old_plan, new_plan)
        if output_format is OutputFormat.json:
            typer.echo(json.dumps(result.to_dict(), indent=2))
        else:
            from peerstack._render.diff import diff_renderables

            for renderable in diff_renderables(result):
                out.print(renderable)
    raise typer.Exit(int(Exit.FAILED if result.changed else Exit.OK))


def register(app: typer.Typer) -> None:
    app.command()(diff)
