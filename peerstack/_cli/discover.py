"""`peerstack discover`: read the live network and write the topology that adopts it.

The topology (YAML, with comments where discover chose) goes to stdout or `--output`;
with `--format json` stdout gets the topology and the report as one JSON document. The
progress and the report go to stderr.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from peerstack._cli._common import Exit, err, fail, reporting_errors
from peerstack._cli._options import EndpointOpt

if TYPE_CHECKING:
    from peerstack.discover import DiscoverResult
    from peerstack.topology import Account


class DiscoverFormat(enum.StrEnum):
    yaml = "yaml"
    json = "json"


def _accounts(written: list[str], external_ids: list[str]) -> dict[str, Account]:
    """The accounts as written (none: the ambient credentials', found later)."""
    from peerstack.discover import parse_account
    from peerstack.errors import TopologyError

    accounts: dict[str, Account] = {}
    for text in written:
        try:
            alias, account = parse_account(text)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--account") from None
        except TopologyError as exc:
            shown = "; ".join(p.message for p in exc.problems)
            raise typer.BadParameter(shown, param_hint="--account") from None
        if alias in accounts:
            raise typer.BadParameter(f"alias {alias!r} is given twice", param_hint="--account")
        accounts[alias] = account
    for text in external_ids:
        alias, sep, value = text.partition("=")
        if not sep or alias not in accounts:
            raise typer.BadParameter(
                f"{text!r} is not ALIAS=EXTERNAL_ID for an alias of --account",
                param_hint="--external-id",
            )
        accounts[alias] = accounts[alias].model_copy(update={"external_id": value})
    return accounts


def _regions(written: list[str]) -> list[str]:
    from peerstack._facts.regions import is_region, suggest_region

    regions = [r.strip() for text in written for r in text.split(",") if r.strip()]
    for region in regions:
        if not is_region(region):
            close = suggest_region(region)
            hint = f"; did you mean {close!r}?" if close else ""
            raise typer.BadParameter(
                f"{region!r} is not an AWS region{hint}", param_hint="--region"
            )
    return regions


def discover(
    regions: Annotated[
        list[str],
        typer.Option(
            "--region",
            "-r",
            metavar="REGION",
            help="A region to read in every account (repeat it, or separate with commas).",
            show_default=False,
        ),
    ],
    accounts: Annotated[
        list[str] | None,
        typer.Option(
            "--account",
            "-a",
            metavar="ALIAS=ACCOUNT_ID[:ROLE_ARN|:PROFILE]",
            help="An account to read: with a role to assume, or a named profile, or (neither) "
            "the ambient credentials. Repeat for several. [default: the ambient credentials' "
            "account]",
            show_default=False,
        ),
    ] = None,
    external_ids: Annotated[
        list[str] | None,
        typer.Option(
            "--external-id",
            metavar="ALIAS=EXTERNAL_ID",
            help="The external id an account's role requires.",
            show_default=False,
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            "-n",
            help="The topology's name (resource names and tags). [default: the output "
            "file's name, else 'discovered']",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="Write the topology file here (YAML) instead of to stdout.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the --output file if it exists.")
    ] = False,
    output_format: Annotated[
        DiscoverFormat,
        typer.Option(
            "--format",
            "-f",
            help="yaml: the topology file; json: the topology and the report, for tools "
            "(on stdout; --output still writes the YAML file).",
        ),
    ] = DiscoverFormat.yaml,
    include_default_vpcs: Annotated[
        bool,
        typer.Option(
            "--include-default-vpcs", help="Adopt default VPCs that no connection joins too."
        ),
    ] = False,
    endpoint: EndpointOpt = None,
) -> None:
    """Read VPCs, route tables, peerings and security groups; write the topology adopting them."""
    wanted = _regions(regions)
    written = _accounts(accounts or [], external_ids or [])
    with reporting_errors():
        if output is not None and output.exists() and not force:
            fail(f"{output} exists; pass --force to overwrite it", code=Exit.INVALID)
        if not written:
            from peerstack.discover import ambient_account

            alias, account = ambient_account(endpoint=endpoint)
            written[alias] = account
        found = _discover(
            written,
            wanted,
            name=name or _name_of(output),
            endpoint=endpoint,
            include_default_vpcs=include_default_vpcs,
        )
        _write(found.yaml, output, force=force)
        if output_format is DiscoverFormat.json:
            typer.echo(found.to_json())
        elif output is None:
            typer.echo(found.yaml, nl=False)
        from peerstack._render.discover import report_renderables

        for renderable in report_renderables(found.report, written=str(output) if output else None):
            err.print(renderable)
    raise typer.Exit(int(Exit.OK))


def _name_of(output: Path | None) -> str:
    from peerstack.discover._names import slug

    return (slug(output.stem) if output is not None else "") or "discovered"


def _discover(
    accounts: dict[str, Account],
    regions: list[str],
    *,
    name: str,
    endpoint: str | None,
    include_default_vpcs: bool,
) -> DiscoverResult:
    from peerstack._render.discover import DiscoverProgressView
    from peerstack.discover import discover as run_discover
    from peerstack.verify import AwsClients

    with DiscoverProgressView(err) as view:
        return run_discover(
            accounts,
            regions,
            name=name,
            clients=AwsClients(endpoint=endpoint, session_name="peerstack-discover"),
            include_default_vpcs=include_default_vpcs,
            on_progress=view.on_progress,
        )


def _write(text: str, output: Path | None, *, force: bool) -> None:
    if output is None:
        return
    try:
        with output.open("w" if force else "x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        fail(f"{output} exists; pass --force to overwrite it", code=Exit.INVALID)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", code=Exit.FAILED)


def register(app: typer.Typer) -> None:
    app.command()(discover)
