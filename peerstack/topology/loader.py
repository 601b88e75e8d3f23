"""Loading a topology from YAML or plain data, with every error located."""

from __future__ import annotations

import os
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from peerstack.errors import TopologyError
from peerstack.topology._problems import problems_from_validation_error
from peerstack.topology._source import SourceMap, YamlError, load_yaml
from peerstack.topology.models import _VALIDATING, Topology

__all__ = [
    "load_topology",
    "topology_from_data",
    "topology_from_text",
]


def load_topology(path: str | os.PathLike[str]) -> Topology:
    """Read and validate a topology file; raise :class:`TopologyError` listing every problem."""
    file = os.fspath(path)
    try:
        with open(file, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise TopologyError.single("", "file not found", file=file) from None
    except IsADirectoryError:
        raise TopologyError.single("", "is a directory, not a topology file", file=file) from None
    except UnicodeDecodeError as exc:
        raise TopologyError.single("", f"not UTF-8 text ({exc.reason})", file=file) from None
    except OSError as exc:
        raise TopologyError.single("", f"cannot read: {exc.strerror}", file=file) from None
    return topology_from_text(text, file=file)


def topology_from_text(text: str, *, file: str | None = None) -> Topology:
    """Validate a topology written as YAML text."""
    try:
        data, source = load_yaml(text, file)
    except YamlError as exc:
        raise TopologyError(exc.problems) from None
    return topology_from_data(data, source=source)


def topology_from_data(data: Any, *, source: SourceMap | None = None) -> Topology:
    """Validate a topology given as plain data (dicts and lists), e.g. from JSON or code."""
    source = source or SourceMap()
    if data is None:
        raise TopologyError(
            [source.problem((), "the topology is empty", hint="start with `name:` and `vpcs:`")]
        )
    if not isinstance(data, Mapping):
        raise TopologyError(
            [
                source.problem(
                    (),
                    f"the topology must be a mapping of fields, not a {_kind(data)}",
                    hint="start with `name:`, `accounts:` and `vpcs:` at the left margin",
                )
            ]
        )
    token = _VALIDATING.set(True)
    try:
        topology = Topology.__pydantic_validator__.validate_python(dict(data))
    except ValidationError as exc:
        raise TopologyError(problems_from_validation_error(exc, source, root=Topology)) from None
    finally:
        _VALIDATING.reset(token)
    topology._source = source
    return typing.cast(Topology, topology)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return type(value).__name__
