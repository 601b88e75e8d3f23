"""State shared by the planning passes: the topology, and the problems found so far."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from peerstack.errors import Problem, TopologyError
from peerstack.topology import FieldPath, SourceMap, Topology


@dataclass
class Context:
    topology: Topology
    source: SourceMap
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, path: FieldPath, message: str, hint: str | None = None) -> None:
        self.problems.append(self.source.problem(path, message, hint))

    def warn(self, path: FieldPath, message: str, hint: str | None = None) -> None:
        """Something valid that probably does not do what was meant (the plan still builds)."""
        self.warnings.append(self.source.problem(path, message, hint))

    def unknown(self, path: FieldPath, what: str, name: str, known: Iterable[str]) -> None:
        """Report an unknown name, suggesting the closest known one."""
        known = list(known)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if close:
            hint = f"did you mean {close[0]!r}?"
        elif known:
            hint = f"known {what}s: {', '.join(sorted(known)[:10])}"
        else:
            hint = None
        self.error(path, f"unknown {what} {name!r}", hint)

    def raise_if_any(self) -> None:
        if self.problems:
            ordered = sorted(self.problems, key=lambda p: (p.line or 0, p.path))
            raise TopologyError(ordered)
