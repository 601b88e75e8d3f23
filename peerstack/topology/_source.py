"""Reading YAML while remembering where every value came from.

PyYAML's node graph carries a start mark per node; walking it ourselves gives plain
Python data plus a map from field path to line, and lets us reject duplicate keys
(PyYAML silently keeps the last one).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml

from peerstack.errors import Problem

try:  # the C loader is several times faster when libyaml is present
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathPart = str | int
FieldPath = tuple[PathPart, ...]
"""Where a value sits in a topology: ("vpcs", "a", "subnets", 0, "cidr")."""


def format_path(path: FieldPath) -> str:
    """``('vpcs', 'a', 'subnets', 0, 'cidr')`` -> ``vpcs.a.subnets[0].cidr``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass
class SourceMap:
    """Where each field of a topology was written: the file and a line per path."""

    file: str | None = None
    lines: dict[FieldPath, int] = field(default_factory=dict)
    key_lines: dict[FieldPath, int] = field(default_factory=dict)
    raw: dict[FieldPath, str] = field(default_factory=dict)
    """The text as written, for scalars YAML turned into something other than a string."""

    def line_of(self, path: FieldPath, *, key: bool = False) -> int | None:
        """The line of ``path``, or of its nearest ancestor that was written down."""
        if key and path in self.key_lines:
            return self.key_lines[path]
        probe = path
        while True:
            if probe in self.lines:
                return self.lines[probe]
            if not probe:
                return None
            probe = probe[:-1]

    def problem(self, path: FieldPath, message: str, hint: str | None = None) -> Problem:
        return Problem(
            path=format_path(path),
            message=message,
            hint=hint,
            file=self.file,
            line=self.line_of(path),
        )


class YamlError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def load_yaml(text: str, file: str | None) -> tuple[Any, SourceMap]:
    """Parse YAML text into plain data and its source map; raise YamlError on bad YAML."""
    source = SourceMap(file=file)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or "invalid YAML"
        hint = None
        if "\t" in text and "tab" in str(what).lower():
            hint = "YAML indentation must use spaces, not tabs"
        raise YamlError(
            [
                Problem(
                    path="", message=f"YAML syntax error: {what}", hint=hint, file=file, line=line
                )
            ]
        ) from exc
    except yaml.YAMLError as exc:
        raise YamlError([Problem(path="", message=f"YAML error: {exc}", file=file)]) from exc
    if node is None:
        return None, source
    problems: list[Problem] = []
    constructor = _Loader("")  # only used to turn scalar nodes into Python values
    try:
        data = _build(node, (), source, problems, constructor)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(
            [
                Problem(
                    path="",
                    message=f"unsupported YAML: {exc.problem or exc}",
                    hint="topology files hold plain mappings, lists, strings, numbers and "
                    "booleans (no tags)",
                    file=file,
                    line=mark.line + 1 if mark is not None else None,
                )
            ]
        ) from exc
    except RecursionError:
        raise YamlError(
            [Problem(path="", message="the YAML is nested too deeply to be a topology", file=file)]
        ) from None
    if problems:
        raise YamlError(problems)
    return data, source


def _build(
    node: yaml.Node,
    path: FieldPath,
    source: SourceMap,
    problems: list[Problem],
    constructor: Any,
) -> Any:
    source.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        constructor.flatten_mapping(node)  # resolve `<<` merge keys like PyYAML does
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build_key(key_node, path, source, problems, constructor)
            if key is _BAD_KEY:
                continue
            key_path = (*path, key)
            if key in result:
                first = source.key_lines.get(key_path)
                problems.append(
                    Problem(
                        path=format_path(key_path),
                        message=f"duplicate key {key!r}"
                        + (f" (first written on line {first})" if first else ""),
                        hint="YAML keeps only the last value; merge the two entries",
                        file=source.file,
                        line=key_node.start_mark.line + 1,
                    )
                )
                continue
            source.key_lines[key_path] = key_node.start_mark.line + 1
            source.lines[key_path] = value_node.start_mark.line + 1
            result[key] = _build(value_node, key_path, source, problems, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*path, index), source, problems, constructor)
            for index, item in enumerate(node.value)
        ]
    value = constructor.construct_object(node, deep=True)
    if not isinstance(value, str):
        source.raw[path] = str(node.value)
    return value


_BAD_KEY = object()


def _build_key(
    node: yaml.Node, path: FieldPath, source: SourceMap, problems: list[Problem], constructor: Any
) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        problems.append(
            Problem(
                path=format_path(path),
                message="a mapping key must be a plain value, not a list or mapping",
                file=source.file,
                line=node.start_mark.line + 1,
            )
        )
        return _BAD_KEY
    key = constructor.construct_object(node, deep=True)
    if not isinstance(key, Hashable):  # pragma: no cover - scalars are hashable
        return _BAD_KEY
    if not isinstance(key, str):
        # `yes:` or `1:` as a name is almost always a YAML surprise; keep the text as written
        key = str(node.value)
    return key
