"""The `peerstack` application: each command lives in its own module and registers here."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from peerstack._cli import _common

app = typer.Typer(
    name="peerstack",
    help="Validate, plan, deploy and verify AWS VPC peering topologies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        _common.out.print(f"peerstack {version('peerstack')}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show full tracebacks for unexpected errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    if debug:
        os.environ["PEERSTACK_DEBUG"] = "1"
    _common.size_consoles()


def _register() -> None:
    # Each module adds its commands; heavy imports stay inside the command functions.
    from peerstack._cli import deploy, diff, discover, iam, plan_commands, verify

    for module in (plan_commands, deploy, diff, verify, iam, discover):
        module.register(app)


_register()


def main() -> None:
    app()
