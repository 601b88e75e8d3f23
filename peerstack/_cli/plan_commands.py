"""`peerstack validate`, `peerstack plan` and `peerstack schema`: no cloud is touched."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer

from peerstack._cli._common import (
    Exit,
    err,
    load_plan,
    out,
    print_problems,
    print_warnings,
    reporting_errors,
)
from peerstack.errors import TopologyError

FileArg = Annotated[
    Path,
    typer.Argument(
        help="Topology file (YAML).", dir_okay=False, show_default=False, metavar="FILE"
    ),
]


class PlanFormat(enum.StrEnum):
    table = "table"
    json = "json"
    mermaid = "mermaid"
    dot = "dot"


def validate(
    files: Annotated[
        list[Path],
        typer.Argument(help="Topology files to check.", show_default=False, metavar="FILE"),
    ],
) -> None:
    """Check topology files against every rule AWS would enforce; exit 2 if any is invalid."""
    invalid = 0
    for file in files:
        with reporting_errors():
            try:
                _, plan = load_plan(file)
            except TopologyError as exc:
                invalid += 1
                print_problems(exc)
                continue
        out.print(
            f"[green]valid[/]: {file}: {len(plan.vpcs)} VPCs, {len(plan.links)} links, "
            f"{len(plan.routes)} routes"
        )
        print_warnings(plan)
    if invalid:
        if len(files) > 1:
            err.print(f"[red]{invalid} of {len(files)} files are invalid[/]")
        raise typer.Exit(int(Exit.INVALID))


def plan(
    file: FileArg,
    output_format: Annotated[
        PlanFormat,
        typer.Option("--format", "-f", help="table for people, json for tools, mermaid/dot."),
    ] = PlanFormat.table,
) -> None:
    """Show what peerstack would build: links, routes by route table, reachability."""
    with reporting_errors():
        _, the_plan = load_plan(file)
        print_warnings(the_plan)
        if output_format is PlanFormat.json:
            typer.echo(the_plan.to_json())
            return
        from peerstack._render import plan_renderables, to_dot, to_mermaid

        if output_format is PlanFormat.mermaid:
            typer.echo(to_mermaid(the_plan), nl=False)
        elif output_format is PlanFormat.dot:
            typer.echo(to_dot(the_plan), nl=False)
        else:
            for renderable in plan_renderables(the_plan):
                out.print(renderable)
                out.print()


def schema() -> None:
    """Print the JSON Schema of the topology format (for editor completion and checks)."""
    from peerstack.topology import Topology

    document = Topology.model_json_schema()
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://peerstack.dev/schema/topology.json",
        **document,
    }
    typer.echo(json.dumps(document, indent=2))


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(plan)
    app.command()(schema)
