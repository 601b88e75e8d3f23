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
    github_annotation,
    load_plan,
    out,
    print_problems,
    print_warnings,
    problem_dict,
    reporting_errors,
    safe,
)
from peerstack._text import plural
from peerstack.errors import TopologyError

FileArg = Annotated[
    Path,
    typer.Argument(
        help="Topology file (YAML).", dir_okay=False, show_default=False, metavar="FILE"
    ),
]


class ValidateFormat(enum.StrEnum):
    text = "text"
    json = "json"
    github = "github"


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
    output_format: Annotated[
        ValidateFormat,
        typer.Option(
            "--format",
            "-f",
            help="text for people; json for tools; github for GitHub Actions annotations.",
        ),
    ] = ValidateFormat.text,
) -> None:
    """Check topology files against every rule AWS would enforce; exit 2 if any is invalid."""
    results: list[dict[str, object]] = []
    problems: list[dict[str, object]] = []
    warnings: list[dict[str, object]] = []
    invalid = 0
    for file in files:
        with reporting_errors():
            try:
                _, plan = load_plan(file)
            except TopologyError as exc:
                invalid += 1
                results.append({"file": str(file), "valid": False, "problems": len(exc.problems)})
                problems.extend(problem_dict(p, file) for p in exc.problems)
                if output_format is ValidateFormat.text:
                    print_problems(exc)
                elif output_format is ValidateFormat.github:
                    for problem in exc.problems:
                        typer.echo(github_annotation(problem, file))
                continue
        counts = {"vpcs": len(plan.vpcs), "links": len(plan.links), "routes": len(plan.routes)}
        results.append({"file": str(file), "valid": True, **counts})
        warnings.extend(problem_dict(w, file) for w in plan.warnings)
        if output_format is not ValidateFormat.json:
            out.print(
                f"[green]valid[/]: {safe(file)}: {plural(counts['vpcs'], 'VPC')}, "
                f"{plural(counts['links'], 'link')}, {plural(counts['routes'], 'route')}"
            )
        if output_format is ValidateFormat.text:
            print_warnings(plan)
        elif output_format is ValidateFormat.github:
            for warning in plan.warnings:
                typer.echo(github_annotation(warning, file, level="warning"))
    if output_format is ValidateFormat.json:
        document = {"valid": not invalid, "files": results, "problems": problems}
        typer.echo(json.dumps({**document, "warnings": warnings}, indent=2))
    if invalid:
        if len(files) > 1 and output_format is ValidateFormat.text:
            verb = "is" if invalid == 1 else "are"
            err.print(f"[red]{invalid} of {len(files)} files {verb} invalid[/]")
        raise typer.Exit(int(Exit.INVALID))


def plan(
    file: FileArg,
    output_format: Annotated[
        PlanFormat,
        typer.Option("--format", "-f", help="table for people, json for tools, mermaid/dot."),
    ] = PlanFormat.table,
    full: Annotated[
        bool | None,
        typer.Option(
            "--full/--summary",
            help="List every link and route, or summarise them per VPC and kind of link "
            "(default: summarise above 400 links and routes).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show what peerstack would build: links, routes by route table, reachability."""
    with reporting_errors():
        try:
            _, the_plan = load_plan(file)
        except TopologyError as exc:
            if output_format is not PlanFormat.json:
                raise
            # A tool asked for JSON: it gets the problems as JSON, on stdout.
            problems = [problem_dict(p, file) for p in exc.problems]
            typer.echo(json.dumps({"valid": False, "problems": problems}, indent=2))
            raise typer.Exit(int(Exit.INVALID)) from None
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
            for renderable in plan_renderables(the_plan, full=full):
                out.print(renderable, soft_wrap=False)
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
