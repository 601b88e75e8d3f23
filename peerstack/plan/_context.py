"""State shared by the planning passes: the topology, and the problems found so far."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from peerstack.errors import Problem, TopologyError
from peerstack.topology import FieldPath, SourceMap, Topology
from peerstack.topology._omitted import Omitted

T = TypeVar("T")

Kind = Literal["VPC", "account"]


_PARTS = ("subnet", "route table", "security group")
"""What a VPC kept without some of its invalid subnets or groups may still have."""


@dataclass
class Context:
    topology: Topology
    source: SourceMap
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    omitted: Omitted = field(init=False)
    """What field-level validation left out (nothing, for a valid topology)."""

    def __post_init__(self) -> None:
        self.omitted = self.topology._omitted or Omitted()

    def error(self, path: FieldPath, message: str, hint: str | None = None) -> None:
        self.problems.append(self.source.problem(path, message, hint))

    def warn(self, path: FieldPath, message: str, hint: str | None = None) -> None:
        """Something valid that probably does not do what was meant (the plan still builds)."""
        self.warnings.append(self.source.problem(path, message, hint))

    def line(self, path: FieldPath) -> int | None:
        return self.source.line_of(path)

    def unknown(
        self,
        path: FieldPath,
        what: str,
        name: str,
        known: Iterable[str],
        *,
        kind: Kind | None = None,
        of: str | None = None,
    ) -> None:
        """Report an unknown name, suggesting the closest known one.

        ``kind`` names a topology section: a name whose entry there is invalid is not
        reported again. ``of`` names the VPC the name was looked up in.
        """
        if kind == "VPC" and self.omitted.vpc(name):
            return
        if kind == "account" and self.omitted.account(name):
            return
        if of is not None and what in _PARTS and self.omitted.part_of(of):
            return  # may be one of the VPC's subnets or groups left out, already reported
        known = list(known)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if close:
            hint: str | None = f"did you mean {close[0]!r}?"
        elif known:
            listed = ", ".join(repr(k) for k in sorted(known)[:10])
            listed += ", ..." if len(known) > 10 else ""
            hint = f"{what}s{f' of {of!r}' if of else ''}: {listed}"
        else:
            hint = None
        self.error(path, f"unknown {what} {name!r}{f' in {of!r}' if of else ''}", hint)

    def entries(self, section: str, items: Sequence[T]) -> Iterator[tuple[int, T]]:
        """``enumerate(items)``, numbered as written (invalid entries were left out)."""
        positions = self.omitted.positions.get(section)
        if positions is None:
            yield from enumerate(items)
        else:
            yield from zip(positions, items, strict=True)

    def items_of(self, vpc: str, key: str, items: Sequence[T]) -> Iterator[tuple[int, T]]:
        """``enumerate(items)`` of a VPC's ``subnets`` or ``security_groups``, numbered as
        written (invalid items were left out)."""
        positions = self.omitted.item_positions.get((vpc, key))
        if positions is None:
            yield from enumerate(items)
        else:
            yield from zip(positions, items, strict=True)

    def raise_if_any(self) -> None:
        if self.problems:
            ordered = sorted(dict.fromkeys(self.problems), key=Problem.sort_key)
            raise TopologyError(ordered)
