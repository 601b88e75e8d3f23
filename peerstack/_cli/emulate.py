"""`peerstack preview|up FILE --emulate [--from OLD]`: run against an emulated AWS.

`deploy.py` hands `--emulate` here. A thin shell over :func:`peerstack.emulator.up` and
:func:`peerstack.emulator.preview`: `up` brings a fresh emulated stack to the topology
(with `--from OLD`, first to OLD, then to FILE: day 2), verifies it and prints what it
did and the verification; it exits 0 only when the emulated network matches the plan.
`preview` lists what `up` would do. Progress goes to stderr, through the same view as a
real deploy's; `--format json` prints the result's ``to_dict()``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer

from peerstack._cli._common import Exit, err, load_plan, out, print_verification, reporting_errors

if TYPE_CHECKING:
    from peerstack.emulator import EngineChoice

__all__ = ["preview_emulated", "up_emulated"]


def up_emulated(
    file: Path,
    *,
    output_format: str,
    previous: Path | None = None,
    release: Sequence[str] = (),
    engine: str = "auto",
) -> int:
    """Deploy ``file`` into a fresh emulation (after ``previous``) and verify it.

    ``engine``: ``pulumi`` runs the real Pulumi engine (the Automation API against the
    emulation served on loopback), ``mocks`` the in-process engine; ``auto`` takes the
    real one when a ``pulumi`` is on PATH and its aws plugin can be installed.
    """
    with reporting_errors():
        _, plan = load_plan(file)
        old = load_plan(previous)[1] if previous is not None else None
        from peerstack import emulator
        from peerstack._render.progress import ProgressView

        with ProgressView(err, "up", f"{plan.topology} (emulated)") as view:
            result = emulator.up(
                plan,
                previous=old,
                release=release,
                engine=cast("EngineChoice", engine),  # the option allows no other
                on_event=view.on_event,
            )
        if output_format == "json":
            typer.echo(json.dumps(result.to_dict(), indent=2))
        else:
            from peerstack._render.emulate import up_report

            shown = str(previous) if previous is not None else None
            for renderable in up_report(plan, result, source=str(file), previous=shown):
                out.print(renderable)
            if result.verification is not None:
                print_verification(result.verification)
        return int(Exit.OK if result.ok else Exit.FAILED)


def preview_emulated(
    file: Path, *, output_format: str, previous: Path | None = None, release: Sequence[str] = ()
) -> int:
    """List what ``up --emulate`` would do (after ``previous``, when given)."""
    with reporting_errors():
        _, plan = load_plan(file)
        old = load_plan(previous)[1] if previous is not None else None
        from peerstack import emulator
        from peerstack._render.progress import ProgressView

        with ProgressView(err, "preview", f"{plan.topology} (emulated)") as view:
            result = emulator.preview(
                plan, previous=old, release=release, engine="mocks", on_event=view.on_event
            )
        if output_format == "json":
            typer.echo(json.dumps(result.to_dict(), indent=2))
            return int(Exit.OK)
        from peerstack._render.emulate import preview_report

        shown = str(previous) if previous is not None else None
        for renderable in preview_report(plan, result, source=str(file), previous=shown):
            out.print(renderable)
        return int(Exit.OK)
