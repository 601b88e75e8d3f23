"""Options the commands share, declared once."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "BackendOpt",
    "EmulateOpt",
    "EndpointOpt",
    "FileArg",
    "FormatOpt",
    "OutputFormat",
    "ParallelOpt",
    "ReleaseOpt",
    "StackOpt",
    "WorkDirOpt",
    "YesOpt",
]


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"


FileArg = Annotated[
    Path,
    typer.Argument(
        help="Topology file (YAML).", dir_okay=False, show_default=False, metavar="FILE"
    ),
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
YesOpt = Annotated[
    bool, typer.Option("--yes", "-y", help="Do it without asking (for scripts and CI).")
]
ReleaseOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--release",
        metavar="VPC",
        help="Hand over a VPC this stack created that the topology now adopts (`existing:`): "
        "it leaves the stack's state and stays in AWS. Repeat for several.",
        show_default=False,
    ),
]
