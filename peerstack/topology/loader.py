"""Loading a topology from a file, YAML text or plain data, with every error located."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from peerstack.errors import Problem, TopologyError
from peerstack.topology._problems import problems_from_validation_error
from peerstack.topology._salvage import salvage
from peerstack.topology._source import SourceMap, YamlError, load_yaml
from peerstack.topology.models import Topology, without_extensions

__all__ = [
    "MAX_FILE_BYTES",
    "Checked",
    "check_data",
    "check_file",
    "check_text",
    "load_topology",
    "topology_from_data",
    "topology_from_text",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest topology file read (10 MiB: a thousand VPCs take well under 1 MiB)."""


@dataclass(frozen=True, slots=True)
class Checked:
    """A topology checked field by field; valid when there are no problems."""

    topology: Topology | None
    """The topology. With problems: only its entries that validated (what was left out is
    recorded for the planner), for the planner to check as well; None when nothing
    could be read."""
    problems: tuple[Problem, ...]


def load_topology(path: str | os.PathLike[str]) -> Topology:
    """Read and validate a topology file; raise :class:`TopologyError` listing every problem.

    Field-level problems only: ``build_plan(path)`` reports the planner's as well, in
    the same round.
    """
    return _valid(check_file(path))


def topology_from_text(text: str, *, file: str | None = None) -> Topology:
    """Validate a topology written as YAML text."""
    return _valid(check_text(text, file=file))


def topology_from_data(data: Any, *, source: SourceMap | None = None) -> Topology:
    """Validate a topology given as plain data (dicts and lists), e.g. from JSON or code."""
    return _valid(check_data(data, source=source))


def _valid(checked: Checked) -> Topology:
    if checked.problems or checked.topology is None:
        raise TopologyError(checked.problems)
    return checked.topology


def check_file(path: str | os.PathLike[str]) -> Checked:
    """Read a topology file (a regular file of at most :data:`MAX_FILE_BYTES`) and check it."""
    file = os.fspath(path)
    try:
        text = _read(file)
    except TopologyError as exc:
        return Checked(None, exc.problems)
    return check_text(text, file=file)


def check_text(text: str, *, file: str | None = None) -> Checked:
    try:
        data, source, problems = load_yaml(text, file)
    except YamlError as exc:
        return Checked(None, tuple(exc.problems))
    checked = check_data(data, source=source)
    if not problems:
        return checked
    # A value YAML could not read has its problem; what validation says of it is noise.
    rest = [p for p in checked.problems if p.path not in source.unreadable]
    return Checked(checked.topology, _ordered([*problems, *rest]))


def check_data(data: Any, *, source: SourceMap | None = None) -> Checked:
    source = source or SourceMap()
    if data is None:
        return Checked(
            None,
            (source.problem((), "the topology is empty", hint="start with `name:` and `vpcs:`"),),
        )
    if not isinstance(data, Mapping):
        return Checked(
            None,
            (
                source.problem(
                    (),
                    f"the topology must be a mapping of fields, not a {_kind(data)}",
                    hint="start with `name:`, `accounts:` and `vpcs:` at the left margin",
                ),
            ),
        )
    data = without_extensions(data)
    try:
        topology = Topology.__pydantic_validator__.validate_python(data)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, source, root=Topology)
        return Checked(salvage(data, exc, source), tuple(problems))
    topology._source = source
    return Checked(topology, ())


def _ordered(problems: list[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(dict.fromkeys(problems), key=Problem.sort_key))


def _read(file: str) -> str:
    """The file's text; refuses at once what is not a regular file or is too large."""

    def refuse(message: str, hint: str | None = None, line: int | None = None) -> TopologyError:
        return TopologyError([Problem(path="", message=message, hint=hint, file=file, line=line)])

    try:
        # Non-blocking, so that opening a FIFO with no writer returns at once.
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise refuse("file not found") from None
    except IsADirectoryError:
        raise refuse("is a directory, not a topology file") from None
    except OSError as exc:
        raise refuse(f"cannot read: {exc.strerror or exc}") from None
    try:
        status = os.fstat(fd)
    except OSError as exc:  # pragma: no cover - fstat of an open descriptor
        os.close(fd)
        raise refuse(f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise refuse(f"is {_file_kind(status.st_mode)}, not a topology file")
    limit = f"topology files are read up to {MAX_FILE_BYTES // (1024 * 1024)} MiB"
    if status.st_size > MAX_FILE_BYTES:
        os.close(fd)
        raise refuse(f"is too large: {limit}")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise refuse(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:  # it grew while being read
        raise refuse(f"is too large: {limit}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise refuse(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})",
            hint="save the topology as UTF-8",
            line=line,
        ) from None


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return type(value).__name__
