"""`peerstack verify FILE`: read AWS and compare it with the plan; exit 1 on any difference.

With `--stack` the ids come from that stack's outputs (the Pulumi CLI reads them);
without it, peerstack's resources are found by their tags, and no Pulumi is needed.
With `--endpoint` every AWS call goes to that URL (LocalStack, a moto server) with dummy
credentials, as the deploy commands do.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from peerstack._cli._common import Exit, load_plan, print_verification, reporting_errors


class VerifyFormat(enum.StrEnum):
    table = "table"
    json = "json"


def verify(
    file: Annotated[
        Path, typer.Argument(help="Topology file (YAML).", dir_okay=False, show_default=False)
    ],
    stack: Annotated[
        str | None,
        typer.Option(
            "--stack",
            "-s",
            help="Take the ids from this stack's outputs (default: find resources by tags).",
            show_default=False,
        ),
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend",
            metavar="URL",
            help="Where the stack's state is kept (with --stack): file://DIR, s3://BUCKET ...",
            show_default=False,
        ),
    ] = None,
    work_dir: Annotated[
        Path | None,
        typer.Option(
            "--work-dir",
            file_okay=False,
            help="The stack's work dir (with --stack; default: .peerstack/<topology>).",
            show_default=False,
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            metavar="URL",
            help="Send every AWS call to this endpoint (LocalStack, a moto server), with "
            "dummy credentials and AWS's account checks skipped.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        VerifyFormat,
        typer.Option("--format", "-f", help="table for people, json for tools (on stdout)."),
    ] = VerifyFormat.table,
) -> None:
    """Check that AWS matches the plan: links active, DNS options, routes, reachability."""
    with reporting_errors():
        _, plan = load_plan(file)
        outputs: Any = None
        if stack is not None:
            from peerstack.automation import Deployment

            outputs = Deployment(
                plan, stack=stack, backend_url=backend, work_dir=work_dir
            ).outputs()
        elif backend is not None or work_dir is not None:
            from peerstack._cli._common import fail

            fail("--backend and --work-dir need --stack", code=Exit.INVALID)
        from peerstack.verify import AwsClients
        from peerstack.verify import verify as run_verify

        result = run_verify(plan, clients=AwsClients(endpoint=endpoint), outputs=outputs)
        if output_format is VerifyFormat.json:
            typer.echo(json.dumps(result.to_dict(), indent=2))
        else:
            print_verification(result)
    raise typer.Exit(int(Exit.OK if result.ok else Exit.FAILED))


def register(app: typer.Typer) -> None:
    app.command()(verify)
