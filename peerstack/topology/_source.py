"""Reading YAML while remembering where every value came from.

PyYAML's node graph carries a start mark per node; walking it ourselves gives plain
Python data plus a map from field path to line, and lets us reject duplicate keys
(PyYAML silently keeps the last one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from peerstack._text import shown
from peerstack.errors import Problem

try:  # the C loader is several times faster when libyaml is present
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathPart = str | int
FieldPath = tuple[PathPart, ...]
"""Where a value sits in a topology: ("vpcs", "a", "subnets", 0, "cidr")."""


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def format_path(path: FieldPath) -> str:
    """``('vpcs', 'a', 'subnets', 0, 'cidr')`` -> ``vpcs.a.subnets[0].cidr``.

    A key that is not a plain word is quoted, ``defaults.tags['team:owner']``, so that a
    path stays unambiguous and a key's control characters are shown escaped.
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{shown(part)}]"
    return text


@dataclass
class SourceMap:
    """Where each field of a topology was written: the file and a line per path."""

    file: str | None = None
    lines: dict[FieldPath, int] = field(default_factory=dict)
    key_lines: dict[FieldPath, int] = field(default_factory=dict)
    raw: dict[FieldPath, str] = field(default_factory=dict)
    """The text as written, for scalars YAML turned into something other than a string."""
    unreadable: set[str] = field(default_factory=set)
    """Paths (formatted) of scalars YAML could not read; their text stands in, unchecked."""

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
    """The text cannot be read as YAML at all (nothing to validate)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


MAX_DEPTH = 64
"""Deepest nesting accepted; a topology's deepest field is 6 levels down."""

MAX_ALIAS_VALUES = 100_000
"""Values that aliases may repeat, in all: far beyond any topology's use of anchors, far
below what a "billion laughs" file asks for."""

_MAP_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:set"})
_SEQ_TAGS = frozenset(
    {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs"}
)
_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_DATA = "topology files hold plain mappings, lists, strings, numbers and booleans (no tags)"


def load_yaml(text: str, file: str | None) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse YAML text into plain data, its source map, and the problems found on the way.

    Raises :class:`YamlError` when the text cannot be read as YAML at all; problems that
    leave the rest readable (a duplicate key, an unsupported tag) are returned with the
    data, so validation can go on and report everything at once.
    """
    source = SourceMap(file=file)
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        raise YamlError([_control_character(text, bad, file)])
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlError([_syntax_error(exc, text, file)]) from None
    except yaml.YAMLError as exc:
        message = f"YAML error: {exc}".replace("\n", " ")
        raise YamlError([Problem(path="", message=message, file=file)]) from None
    except RecursionError:
        raise YamlError([_too_deep(file, None)]) from None
    if node is None:
        source.lines[()] = 1  # an empty file: its problem is on line 1
        return None, source, []
    builder = _Builder(file)
    try:
        data = builder.build(node, (), source, depth=0)
    except _Refused as exc:
        raise YamlError([exc.problem]) from None
    source.unreadable = builder.unreadable
    return data, source, builder.problems


_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""What YAML forbids in a stream (PyYAML's reader refuses these without a line)."""


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _control_character(text: str, match: re.Match[str], file: str | None) -> Problem:
    char = match.group()
    line, column = _position(text, match.start())
    others = len(_NON_PRINTABLE.findall(text)) - 1
    message = f"control character {char!r} (U+{ord(char):04X}) is not allowed in YAML"
    if others:
        message += f"; the file has {others} more"
    if char == "\x00":
        hint = "is this a binary file, or text saved as UTF-16? Save the topology as UTF-8 text"
    else:
        hint = "delete it; YAML text cannot contain control characters"
    return Problem(path="", message=message, hint=hint, file=file, line=line, column=column)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, file: str | None) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    what = str(exc.problem or exc.context or "invalid YAML")
    if "nesting depth" in what:  # libyaml's own limit
        return _too_deep(file, line)
    at_tab = mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t"
    if at_tab or "tab" in what.lower():
        return Problem(
            path="",
            message="a tab in the indentation: YAML indents with spaces only",
            hint="replace the tab with spaces",
            file=file,
            line=line,
            column=column,
        )
    return Problem(
        path="", message=f"YAML syntax error: {what}", file=file, line=line, column=column
    )


def _too_deep(file: str | None, line: int | None) -> Problem:
    return Problem(
        path="",
        message=f"the YAML is nested more than {MAX_DEPTH} levels deep, which no topology is",
        file=file,
        line=line,
    )


class _Refused(Exception):
    """Building stops: going on would cost without bound (aliases, depth, cycles)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_BAD_KEY = object()


class _Builder:
    """Walks PyYAML's node graph into plain data, recording where each value was written.

    Aliases share nodes in the graph; walking expands them, so the expansion is counted
    and bounded, and a node that contains itself is refused.
    """

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self._reported: set[tuple[int | None, int | None, str]] = set()
        self._constructor: Any = _Loader("")  # only used to turn scalars into Python values
        self._seen: set[int] = set()
        self._open: set[int] = set()
        self._repeated = 0
        self.unreadable: set[str] = set()

    def report(
        self, message: str, node: yaml.Node, path: FieldPath, hint: str | None = None
    ) -> None:
        line = node.start_mark.line + 1
        column = node.start_mark.column + 1
        if (line, column, message) in self._reported:  # an anchor's problem, once
            return
        self._reported.add((line, column, message))
        self.problems.append(
            Problem(
                path=format_path(path),
                message=message,
                hint=hint,
                file=self.file,
                line=line,
                column=column,
            )
        )

    def build(self, node: yaml.Node, path: FieldPath, source: SourceMap, *, depth: int) -> Any:
        ident = id(node)
        if ident in self._open:
            raise _Refused(
                Problem(
                    path=format_path(path),
                    message="an alias refers to a value that contains it, which would never end",
                    hint="an anchor can only be used outside the value it names",
                    file=self.file,
                    line=node.start_mark.line + 1,
                )
            )
        if ident in self._seen:
            self._repeated += 1
            if self._repeated > MAX_ALIAS_VALUES:
                top = path[:1]
                raise _Refused(
                    Problem(
                        path=format_path(top),
                        message=f"aliases repeat more than {MAX_ALIAS_VALUES:,} values here, "
                        "which no topology needs (a 'billion laughs' file?)",
                        hint="use fewer nested aliases",
                        file=self.file,
                        line=source.key_lines.get(top) or source.line_of(top),
                    )
                )
        else:
            self._seen.add(ident)
        if depth > MAX_DEPTH:
            raise _Refused(_too_deep(self.file, node.start_mark.line + 1))
        source.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            value = self._scalar(node, path)
            if not isinstance(value, str):
                source.raw.setdefault(path, str(node.value))
            return value
        self._open.add(ident)
        try:
            if isinstance(node, yaml.MappingNode):
                if node.tag not in _MAP_TAGS:
                    self.report(f"unsupported YAML tag {shown(node.tag)}", node, path, _PLAIN_DATA)
                return self._mapping(node, path, source, depth)
            if node.tag not in _SEQ_TAGS:
                self.report(f"unsupported YAML tag {shown(node.tag)}", node, path, _PLAIN_DATA)
            return [
                self.build(item, (*path, index), source, depth=depth + 1)
                for index, item in enumerate(node.value)
            ]
        finally:
            self._open.discard(ident)

    def _mapping(
        self, node: yaml.MappingNode, path: FieldPath, source: SourceMap, depth: int
    ) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            key = self._key(key_node, path)
            if key is _BAD_KEY:
                continue
            key_path = (*path, key)
            if key in result:
                first = source.key_lines.get(key_path)
                self.report(
                    f"duplicate key {shown(key)}"
                    + (f" (first written on line {first})" if first else ""),
                    key_node,
                    key_path,
                    "YAML keeps only one of the values; merge the two entries",
                )
                continue
            source.key_lines[key_path] = key_node.start_mark.line + 1
            source.lines[key_path] = value_node.start_mark.line + 1
            result[key] = self.build(value_node, key_path, source, depth=depth + 1)
        # `<<: *base` (or `<<: [*a, *b]`) fills in the keys the mapping does not write
        # itself: its own keys override, and of the merged mappings the first one wins.
        for merge in merges:
            sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
            for merged in sources:
                if not isinstance(merged, yaml.MappingNode):
                    self.report(
                        "`<<` merges mappings only (write `<<: *anchor` or `<<: [*a, *b]`)",
                        merged,
                        path,
                    )
                    continue
                scratch = SourceMap(file=source.file)
                values = self.build(merged, path, scratch, depth=depth)
                for key, value in values.items():
                    if key in result:
                        continue
                    result[key] = value
                    _copy_under(scratch, source, (*path, key))
        return result

    def _key(self, node: yaml.Node, path: FieldPath) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            self.report("a mapping key must be a plain value, not a list or mapping", node, path)
            return _BAD_KEY
        key = self._scalar(node, path)
        if not isinstance(key, str):
            # `yes:` or `1:` as a name is almost always a YAML surprise; keep the text
            key = str(node.value)
        return key

    def _scalar(self, node: yaml.ScalarNode, path: FieldPath) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError:
            self.report(f"unsupported YAML tag {shown(node.tag)}", node, path, _PLAIN_DATA)
        except Exception:  # e.g. an integer of 100,000 digits, a 31st of February
            self.report(f"YAML cannot read {shown(node.value)} as a value", node, path)
            self.unreadable.add(format_path(path))
        return str(node.value)


def _copy_under(scratch: SourceMap, source: SourceMap, prefix: FieldPath) -> None:
    size = len(prefix)
    for path, line in scratch.lines.items():
        if path[:size] == prefix:
            source.lines.setdefault(path, line)
    for path, line in scratch.key_lines.items():
        if path[:size] == prefix:
            source.key_lines.setdefault(path, line)
    for path, text in scratch.raw.items():
        if path[:size] == prefix:
            source.raw.setdefault(path, text)
