"""What an emulated run hands back: its steps, the resources, the stack's outputs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from peerstack._provider.changes import Change
from peerstack._provider.tokens import short_type

if TYPE_CHECKING:
    from peerstack.plan import Plan
    from peerstack.verify import VerifyResult

__all__ = [
    "EmulatedDeployment",
    "EmulatedDestroy",
    "EmulatedPreview",
    "EmulatedResource",
    "EmulatedStep",
    "EmulatedUp",
    "OnResource",
]


@dataclass(frozen=True, slots=True)
class EmulatedStep:
    """One step of an emulated run: what the engine did to one resource."""

    op: Change
    """``create``, ``same``, ``update``, ``replace`` or ``delete``."""
    type: str
    """The Pulumi type token, e.g. ``aws:ec2/vpc:Vpc``."""
    name: str
    urn: str
    id: str | None
    """The emulation's id (``vpc-...``); None in a preview, or for components."""
    account_id: str | None
    """The account the resource lives in (None for components and providers)."""
    region: str | None
    changed: frozenset[str] = frozenset()
    """For ``update`` and ``replace``: the inputs that changed."""
    replacement: bool = False
    """A ``delete`` of the old resource a ``replace`` superseded."""
    parent: str = ""
    """The URN of the resource's parent (its VPC's or link's component)."""

    @property
    def aws(self) -> bool:
        """The step concerns an AWS resource (not a component or a provider)."""
        return self.account_id is not None


EmulatedResource = EmulatedStep
"""A resource the program registered (kept for callers of ``on_resource``)."""

OnResource = Callable[[EmulatedStep], None]
"""Called once per step, as soon as the emulation has done it."""


def _counts(steps: tuple[EmulatedStep, ...], ops: tuple[Change, ...]) -> dict[str, int]:
    counts = Counter(short_type(s.type) for s in steps if s.aws and s.op in ops)
    return dict(sorted(counts.items()))


def _changes(steps: tuple[EmulatedStep, ...]) -> dict[str, int]:
    counts = Counter(str(s.op) for s in steps if s.aws and not s.replacement)
    return dict(sorted(counts.items()))


@dataclass(frozen=True, slots=True)
class _Run:
    """What one run of a program did, step by step."""

    plan: Plan
    steps: tuple[EmulatedStep, ...]
    warnings: tuple[str, ...] = ()
    """What the engine warned about (a preview's replace of an imported resource)."""

    @property
    def resources(self) -> tuple[EmulatedStep, ...]:
        """Every resource the program registered (deletes and reads excluded)."""
        return tuple(s for s in self.steps if s.op not in (Change.DELETE, Change.READ))

    def counts_by_type(self) -> dict[str, int]:
        """AWS resources created (or replaced), by type (``{"Route": 26, ...}``)."""
        return _counts(self.steps, (Change.CREATE, Change.REPLACE))

    def changes(self) -> dict[str, int]:
        """AWS resources by operation, each counted once (``{"create": 40, ...}``)."""
        return _changes(self.steps)

    def of(self, op: Change | str) -> list[EmulatedStep]:
        """The steps of one operation (replaced resources' deletes excluded)."""
        return [s for s in self.steps if s.op == op and not s.replacement]


@dataclass(frozen=True, slots=True)
class EmulatedPreview(_Run):
    """What ``up`` would do, found by running the program without changing anything."""


@dataclass(frozen=True, slots=True)
class EmulatedDeployment(_Run):
    """What one ``up`` did in the emulation, and the stack outputs of the program."""

    outputs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EmulatedDestroy:
    """What ``destroy`` deleted (resources marked to be retained left only the state)."""

    steps: tuple[EmulatedStep, ...]

    def counts_by_type(self) -> dict[str, int]:
        return _counts(self.steps, (Change.DELETE,))


@dataclass(frozen=True, slots=True)
class EmulatedUp:
    """A deploy into the emulation, and its verification against the plan."""

    deployment: EmulatedDeployment
    verification: VerifyResult

    @property
    def ok(self) -> bool:
        """True when the emulated network matches the plan."""
        return self.verification.ok
