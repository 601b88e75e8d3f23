"""One result type per operation, whichever engine ran it: the real Pulumi engine (through
the Automation API, against AWS or against the emulation) or the emulation's own.

Each result has the stack, the changes counted by one rule (:class:`ChangeSummary`), the
duration, every step (:class:`~peerstack._results.steps.ResourceStep`), which engine ran
it and whether AWS was emulated; ``to_dict()`` is what ``--format json`` prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from peerstack._provider.tokens import short_type
from peerstack._results.outputs import Outputs
from peerstack._results.steps import ResourceStep, normalize_op

if TYPE_CHECKING:
    from peerstack.plan import Plan
    from peerstack.verify import VerifyResult

__all__ = [
    "ChangeSummary",
    "DestroyResult",
    "Engine",
    "PreviewResult",
    "RefreshResult",
    "UpResult",
    "warnings_of",
]

Engine = Literal["pulumi", "mocks"]
"""Who ran the program: ``pulumi``, the real engine (the Automation API and the Pulumi
CLI); ``mocks``, the emulation's engine inside peerstack (Pulumi's mocks)."""

_ORDER = ("create", "import", "update", "replace", "delete", "same")
_SYMBOLS = {
    "create": "+",
    "import": "=>",
    "update": "~",
    "replace": "+-",
    "delete": "-",
    "same": "=",
}
_UNCHANGED = ("same", "read", "refresh")


@dataclass(frozen=True, slots=True)
class ChangeSummary(Mapping[str, int]):
    """Resources by operation (``create``, ``update``, ``replace``, ``delete``, ``same`` ...).

    Counted by one rule, whichever engine ran (:meth:`count`): each resource in AWS (a
    Pulumi type of the ``aws`` package) once, under what the operation did to it; a
    replaced resource counts once, as ``replace`` (not also as a create and a delete);
    the ``aws`` providers, components and the stack are not counted. ``peerstack diff``
    counts by the same rule (it lists changes only, so it has no ``same``).
    """

    counts: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def count(cls, steps: Iterable[ResourceStep]) -> ChangeSummary:
        """The counting rule: the :attr:`~ResourceStep.counted` steps, by operation."""
        found = Counter(normalize_op(step.op) for step in steps if step.counted)
        ordered = [op for op in _ORDER if op in found] + sorted(set(found) - set(_ORDER))
        return cls(MappingProxyType({op: found[op] for op in ordered}))

    @classmethod
    def from_op_map(cls, op_map: Mapping[Any, int] | None) -> ChangeSummary:
        """From the SDK's ``OpMap`` (keys are ``OpType`` or plain strings), as given: the
        engine's own summary counts every resource, providers and components included."""
        counts: dict[str, int] = {}
        for op, count in (op_map or {}).items():
            key = normalize_op(op)
            counts[key] = counts.get(key, 0) + int(count)
        return cls(MappingProxyType(counts))

    def __getitem__(self, op: str) -> int:
        """How many resources this operation concerns (0 for one it does not)."""
        return self.counts.get(op, 0)

    def __contains__(self, op: object) -> bool:
        return op in self.counts

    def __iter__(self) -> Iterator[str]:
        return iter(self.counts)

    def __len__(self) -> int:
        return len(self.counts)

    @property
    def changed(self) -> int:
        """Resources that are created, imported, updated, replaced or deleted."""
        return sum(n for op, n in self.counts.items() if op not in _UNCHANGED)

    def __str__(self) -> str:
        if not self.counts:
            return "no resources"
        ops = [op for op in _ORDER if self.counts.get(op)]
        ops += sorted(op for op in self.counts if op not in _ORDER and self.counts[op])
        return ", ".join(f"{_SYMBOLS.get(op, '')}{self.counts[op]} {op}" for op in ops)

    def __repr__(self) -> str:
        return f"ChangeSummary({dict(self.counts)!r})"

    def to_dict(self) -> dict[str, int]:
        return dict(self.counts)


def warnings_of(plan: Plan, engine: Iterable[str] = ()) -> tuple[str, ...]:
    """A result's warnings: the plan's (``file:line: path: message`` and its hint), then
    the engine's."""
    return (*(str(problem) for problem in plan.warnings), *engine)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Result:
    stack: str
    changes: ChangeSummary
    """AWS resources by operation, counted by :class:`ChangeSummary`'s rule."""
    duration: timedelta
    topology: str = ""
    """The name of the topology the stack was brought to."""
    steps: tuple[ResourceStep, ...] = field(default=(), repr=False)
    """Every step, in the order the engine announced it (unchanged resources, providers
    and components included)."""
    engine: Engine = "pulumi"
    emulated: bool = False
    """The run went to the in-process AWS emulation, not to AWS."""
    warnings: tuple[str, ...] = ()
    """The plan's warnings (valid, but probably not what was meant; each with its place in
    the file and a hint), then what the engine warned about."""

    _OPERATION: ClassVar[str] = ""
    _MADE: ClassVar[tuple[str, ...]] = ("create", "replace")

    @property
    def operation(self) -> str:
        """``preview``, ``up``, ``refresh`` or ``destroy``."""
        return self._OPERATION

    @property
    def resources(self) -> tuple[ResourceStep, ...]:
        """Every resource the program registered (deletes and reads left out)."""
        return tuple(s for s in self.steps if str(s.op) not in ("delete", "read"))

    def of(self, op: str) -> list[ResourceStep]:
        """The steps of one operation (``"create"``, ``Change.DELETE`` ...), the deletes
        that replacements imply left out."""
        return [s for s in self.steps if str(s.op) == str(op) and not s.replacement]

    def counts_by_type(self) -> dict[str, int]:
        """AWS resources created or replaced (deleted, for a destroy), by short type:
        ``{"Route": 26, "Vpc": 4, ...}``."""
        counts = Counter(
            short_type(s.type) for s in self.steps if s.counted and str(s.op) in self._MADE
        )
        return dict(sorted(counts.items()))

    @property
    def changes_anything(self) -> bool:
        """Any resource is (or, in a preview, would be) created, imported, updated,
        replaced or deleted, providers included: a change to a provider's settings alone
        changes the stack while :attr:`changes` counts nothing."""
        return any(s.custom and str(s.op) not in _UNCHANGED for s in self.steps)

    def changed_steps(self) -> tuple[ResourceStep, ...]:
        """The counted steps that change something (unchanged ones and reads left out):
        what :attr:`changes` counts apart from ``same``."""
        return tuple(s for s in self.steps if s.counted and str(s.op) not in _UNCHANGED)

    def _base_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "topology": self.topology,
            "stack": self.stack,
            "engine": self.engine,
            "emulated": self.emulated,
            "changes": self.changes.to_dict(),
            "duration_seconds": round(self.duration.total_seconds(), 3),
            "steps": [step.to_dict() for step in self.changed_steps()],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class UpResult(_Result):
    """What ``up`` changed, the stack's outputs afterwards and, when it was verified (an
    emulated ``up`` always is), how AWS compares with the plan.

    ``previous`` is, for an emulated day 2 (``emulator.up(new, previous=old)``), the
    result of deploying the previous version first.
    """

    outputs: Outputs = field(default_factory=Outputs)
    verification: VerifyResult | None = None
    previous: UpResult | None = None

    _OPERATION: ClassVar[str] = "up"

    @property
    def ok(self) -> bool:
        """False when a verification found AWS different from the plan. An ``up`` that
        was not verified is ok: the engine reported no failure (failures raise)."""
        return self.verification is None or self.verification.ok

    def to_dict(self, *, show_secrets: bool = False) -> dict[str, Any]:
        return {
            **self._base_dict(),
            "resources": self.counts_by_type(),
            "outputs": self.outputs.to_dict(show_secrets=show_secrets),
            "verification": self.verification.to_dict() if self.verification else None,
            "previous": self.previous.to_dict(show_secrets=show_secrets)
            if self.previous is not None
            else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviewResult(_Result):
    """What ``up`` would change: ``changes`` counts the AWS resources by operation,
    ``steps`` names each resource and what would happen to it (``same`` ones included).

    ``previous`` is, for an emulated day 2, the result of deploying the previous version
    the preview starts from.
    """

    previous: UpResult | None = None

    _OPERATION: ClassVar[str] = "preview"

    def to_dict(self, *, show_secrets: bool = False) -> dict[str, Any]:
        return {
            **self._base_dict(),
            "resources": self.counts_by_type(),
            "previous": self.previous.to_dict(show_secrets=show_secrets)
            if self.previous is not None
            else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RefreshResult(_Result):
    """What ``refresh`` found different in the cloud and took into the stack's state."""

    _OPERATION: ClassVar[str] = "refresh"

    def to_dict(self) -> dict[str, Any]:
        return self._base_dict()


@dataclass(frozen=True, slots=True, kw_only=True)
class DestroyResult(_Result):
    """What ``destroy`` deleted (adopted VPCs are never among them)."""

    _OPERATION: ClassVar[str] = "destroy"
    _MADE: ClassVar[tuple[str, ...]] = ("delete",)

    def to_dict(self) -> dict[str, Any]:
        return {**self._base_dict(), "resources": self.counts_by_type()}
