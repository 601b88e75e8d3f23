"""`peerstack iam FILE`: per account, the least-privilege policy and the trust policy."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from peerstack._cli._common import Exit, fail, load_plan, out, print_warnings, reporting_errors
from peerstack._cli._options import FileArg


class IamFormat(enum.StrEnum):
    table = "table"
    json = "json"
    pulumi = "pulumi"


def iam(
    file: FileArg,
    output_format: Annotated[
        IamFormat,
        typer.Option(
            "--format",
            "-f",
            help="table for people; json for tools (a policy and a trust policy per "
            "account); pulumi for a Python Pulumi program that creates the roles.",
        ),
    ] = IamFormat.table,
    principal: Annotated[
        str | None,
        typer.Option(
            "--principal",
            metavar="ARN",
            help="Who deploys: the principal the roles trust (an ARN, or an account id). "
            "[default: the root of the one account on ambient credentials]",
            show_default=False,
        ),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="OLD",
            dir_okay=False,
            help="The topology deployed now: the policies also cover the change from it "
            "(what only it has must be deleted).",
            show_default=False,
        ),
    ] = None,
    with_verify: Annotated[
        bool,
        typer.Option("--verify", help="Add a statement for what `peerstack verify` reads."),
    ] = False,
) -> None:
    """Print the IAM each account needs for exactly what the topology deploys there."""
    from peerstack.iam import iam_plan

    with reporting_errors():
        _, the_plan = load_plan(file)
        print_warnings(the_plan)
        old = load_plan(previous)[1] if previous is not None else None
        try:
            result = iam_plan(the_plan, previous=old, principal=principal, verify=with_verify)
        except ValueError as exc:
            fail(
                str(exc),
                hint="pass --principal ARN (or an account id) for the trust policies",
                code=Exit.INVALID,
            )
        if output_format is IamFormat.json:
            typer.echo(result.to_json())
        elif output_format is IamFormat.pulumi:
            from peerstack.iam._pulumi import pulumi_program

            typer.echo(pulumi_program(result, the_plan), nl=False)
        else:
            from peerstack._render.iam import iam_renderables

            for renderable in iam_renderables(result):
                out.print(renderable)
                out.print()


def register(app: typer.Typer) -> None:
    app.command()(iam)
