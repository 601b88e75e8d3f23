"""Topology data as YAML a person reviews: comments where discover chose, short entries
on one line.

PyYAML writes no comments, so this writes the small subset of YAML a topology needs:
block mappings and lists, flow mappings and lists that fit on a line, and scalars that
are plain when YAML 1.1 reads them back as the same string, double-quoted (JSON
escapes) otherwise. Comments are written before the key or list
item they are about, made printable (no control characters, one line each). What this
writes is read back and compared before discover returns it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import yaml

from peerstack._text import printable

__all__ = ["Path", "comment", "flow", "render", "scalar"]

Path = tuple[str | int, ...]
"""Where a value is: keys of mappings and indexes of lists, from the top."""

_WIDTH = 100
_RESOLVER = yaml.resolver.Resolver()
_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")


def scalar(value: Any) -> str:
    """A string, number or boolean as YAML that reads back as exactly it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and _resolves_to_str(text):
        return text
    return '"' + "".join(_quoted(c) for c in text) + '"'


@functools.lru_cache(maxsize=4096)
def _resolves_to_str(text: str) -> bool:
    """YAML 1.1 reads ``text``, written plain, as a string (not a number, boolean, null or
    date): PyYAML's own implicit resolvers decide, without parsing a document."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == "tag:yaml.org,2002:str")


def _quoted(char: str) -> str:
    """One character of a double-quoted scalar: printable ASCII as it is, the rest as
    YAML's escapes (``\\uXXXX``, ``\\UXXXXXXXX`` beyond the BMP, which JSON lacks)."""
    if char in '"\\':
        return "\\" + char
    code = ord(char)
    if 0x20 <= code < 0x7F:
        return char
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list | tuple)


def flow(value: Any) -> str:
    """``value`` on one line: ``{a: 1, b: [x, y]}``."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def comment(text: str) -> str:
    """One comment line's text: printable, so on one line (its indentation is kept)."""
    return printable(text.rstrip())


def render(
    data: Mapping[str, Any],
    *,
    notes: Mapping[Path, Sequence[str]] | None = None,
    after: Mapping[Path, Sequence[str]] | None = None,
    header: Sequence[str] = (),
    footer: Sequence[str] = (),
) -> str:
    """``data`` as YAML; ``notes`` are comment lines before the value at a path,
    ``after`` comment lines closing the (block) value at a path."""
    writer = _Writer(notes or {}, after or {})
    lines = [f"# {comment(line)}" if line else "#" for line in header]
    lines += writer.mapping(data, 0, ())
    if footer:
        lines += ["", *(f"# {comment(line)}" if line else "#" for line in footer)]
    return "\n".join(lines) + "\n"


class _Writer:
    def __init__(
        self, notes: Mapping[Path, Sequence[str]], after: Mapping[Path, Sequence[str]]
    ) -> None:
        self.notes = notes
        self.after = after
        self.around = {p[:size] for p in (*notes, *after) for size in range(len(p))}
        """Every path some comment is inside of."""

    def commented(self, path: Path) -> bool:
        """Some comment is inside the value at ``path`` (it cannot be written in flow)."""
        return path in self.around or path in self.after

    def fits(self, value: Any, path: Path, used: int) -> bool:
        if _is_scalar(value):
            return True
        if len(path) == 1 or self.commented(path):  # top-level sections are blocks
            return False
        return used + len(flow(value)) <= _WIDTH

    def comments(self, path: Path, indent: int) -> Iterator[str]:
        for line in self.notes.get(path, ()):
            yield " " * indent + f"# {comment(line)}"

    def closing(self, path: Path, indent: int) -> Iterator[str]:
        for line in self.after.get(path, ()):
            yield " " * indent + f"# {comment(line)}" if line else " " * indent + "#"

    def mapping(self, data: Mapping[str, Any], indent: int, path: Path) -> list[str]:
        lines: list[str] = []
        for key, value in data.items():
            here = (*path, key)
            lines += self.comments(here, indent)
            lines += self.value(f"{' ' * indent}{scalar(key)}:", value, indent, here)
        return lines

    def value(self, prefix: str, value: Any, indent: int, path: Path) -> list[str]:
        if self.fits(value, path, len(prefix) + 1):
            return [f"{prefix} {flow(value)}"]
        if isinstance(value, Mapping):
            lines = [prefix, *self.mapping(value, indent + 2, path)]
        else:
            lines = [prefix, *self.items(value, indent + 2, path)]
        return lines + list(self.closing(path, indent + 2))

    def items(self, values: Sequence[Any], indent: int, path: Path) -> list[str]:
        lines: list[str] = []
        for index, item in enumerate(values):
            here = (*path, index)
            lines += self.comments(here, indent)
            dash = f"{' ' * indent}- "
            if self.fits(item, here, len(dash)) or not isinstance(item, Mapping):
                lines += self.value(dash.rstrip(), item, indent, here)
                continue
            inner = self.mapping(item, indent + 2, here)
            first = next(i for i, line in enumerate(inner) if not line.lstrip().startswith("#"))
            inner[first] = dash + inner[first][indent + 2 :]
            lines += inner + list(self.closing(here, indent + 2))
        return lines
