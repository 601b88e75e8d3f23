"""What every command shares: consoles, exit codes, error reporting, topology loading."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from peerstack._text import plural, printable
from peerstack.errors import DeployError, PeerstackError, PreflightError, Problem, TopologyError

if TYPE_CHECKING:
    from peerstack.plan import Plan
    from peerstack.topology import Topology
    from peerstack.verify import VerifyResult


class Exit(IntEnum):
    """Documented exit codes of the `peerstack` command."""

    OK = 0
    FAILED = 1
    """The operation ran and failed: verification differs from the plan, a deploy failed."""
    INVALID = 2
    """The topology (or the command line) is invalid; nothing was touched."""
    ENVIRONMENT = 3
    """Something peerstack needs is missing: the Pulumi CLI, credentials, a plugin."""
    INTERRUPTED = 130


def _width(stream: object) -> int:
    """``COLUMNS`` if set, else the terminal's width, else 160.

    Piped output (CI logs, `| less`) would otherwise be squeezed to rich's 80 columns.
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return 160


# Results go to stdout (so `--format json` pipes cleanly), diagnostics to stderr.
out = Console(highlight=False, soft_wrap=True, width=_width(sys.stdout))
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_width(sys.stderr))


def size_consoles() -> None:
    """Size both consoles for this command's streams (a test or an embedder swaps them)."""
    out.width = _width(sys.stdout)
    err.width = _width(sys.stderr)


def has_terminal() -> bool:
    """A person can answer a question: standard input is a terminal."""
    return sys.stdin is not None and sys.stdin.isatty()


def debug_enabled() -> bool:
    return os.environ.get("PEERSTACK_DEBUG", "") not in ("", "0", "false")


def safe(text: object) -> str:
    """Text from a topology (or anything that quotes it) as it may reach a terminal: control
    characters escaped, and no rich markup."""
    return escape(printable(str(text)))


def print_problems(error: TopologyError) -> None:
    for problem in error.problems:
        where = f"{problem.location}: " + (f"{problem.path}: " if problem.path else "")
        err.print(f"[bold red]error[/]: {safe(where + problem.message)}")
        if problem.hint:
            err.print(f"       [cyan]hint[/]: {safe(problem.hint)}")
    found = plural(len(error.problems), "problem")
    if isinstance(error, PreflightError):
        err.print(f"[red]{found} found reading AWS before the deploy; nothing was changed.[/]")
    else:
        err.print(f"[red]{found} found; nothing was deployed.[/]")


def problem_dict(problem: Problem, file: object = None) -> dict[str, object]:
    """A problem for ``--format json`` (the file it was found in, if it names none)."""
    data = problem.to_dict()
    if data["file"] is None and file is not None:
        data["file"] = str(file)
    return data


def github_annotation(problem: Problem, file: object = None, *, level: str = "error") -> str:
    """A GitHub Actions workflow command that annotates the problem's file and line
    (``level``: ``error``, or ``warning`` for a plan's warnings).

    Escaped as the Actions runner unescapes them: ``%``, CR and LF in the message, and
    also ``:`` and ``,`` in the properties. Control characters are escaped first, since
    the log viewer would render escape sequences.
    """
    properties = {
        "file": problem.file or (str(file) if file is not None else None),
        "line": problem.line,
        "col": problem.column,
        "title": f"peerstack: {problem.path}" if problem.path else "peerstack",
    }
    written = ",".join(
        f"{key}={_github_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    message = printable(problem.message)
    if problem.hint:
        message += f"\nhint: {printable(problem.hint)}"
    return f"::{level} {written}::{_github_data(message)}"


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(printable(text)).replace(":", "%3A").replace(",", "%2C")


def print_warnings(plan: Plan) -> None:
    """The plan's warnings (valid, but probably not what was meant), on stderr."""
    for warning in plan.warnings:
        where = f"{warning.location}: " + (f"{warning.path}: " if warning.path else "")
        err.print(f"[bold yellow]warning[/]: {safe(where + warning.message)}")
        if warning.hint:
            err.print(f"         [cyan]hint[/]: {safe(warning.hint)}")


def fail(message: str, *, hint: str | None = None, code: Exit = Exit.FAILED) -> NoReturn:
    err.print(f"[bold red]error[/]: {safe(message)}")
    if hint:
        err.print(f"       [cyan]hint[/]: {safe(hint)}")
    raise typer.Exit(int(code))


@contextlib.contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn every failure into one clear message and a documented exit code.

    The full traceback of an unexpected error is shown only with --debug or
    PEERSTACK_DEBUG=1.
    """
    from peerstack.errors import (
        CredentialsError,
        HandoverError,
        PluginInstallError,
        PulumiNotInstalledError,
        PulumiVersionError,
    )

    try:
        yield
    except typer.Exit:
        raise
    except TopologyError as exc:
        print_problems(exc)
        raise typer.Exit(int(Exit.INVALID)) from None
    except (
        PulumiNotInstalledError,
        PulumiVersionError,
        CredentialsError,
        PluginInstallError,
    ) as exc:
        fail(str(exc), hint=exc.hint, code=Exit.ENVIRONMENT)
    except HandoverError as exc:
        # Refused before anything changed: the command needs --release (or a right one).
        fail(str(exc), hint=exc.hint, code=Exit.INVALID)
    except DeployError as exc:
        fail(str(exc), hint=exc.hint, code=Exit.FAILED)
    except PeerstackError as exc:
        fail(str(exc), code=Exit.FAILED)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]")
        raise typer.Exit(int(Exit.INTERRUPTED)) from None
    except Exception as exc:
        if debug_enabled():
            err.print_exception()
        fail(
            f"unexpected {type(exc).__name__}: {exc}",
            hint="run again with --debug for the full traceback, and please report it",
        )


def load(file: Path) -> Topology:
    from peerstack.topology import load_topology

    return load_topology(file)


def load_plan(file: Path) -> tuple[Topology, Plan]:
    """The topology and its plan; every problem, field-level and planner's, at once."""
    from peerstack.plan._build import plan_file

    return plan_file(file)


def print_verification(result: VerifyResult) -> None:
    """The verification's summary; the differences as a table when there are any."""
    from peerstack._render.verify import render_table

    if result.ok:
        out.print(f"[bold green]{escape(result.summary())}[/]")
        return
    out.print(render_table(result))
    out.print(f"[bold red]{escape(result.summary())}[/]")
