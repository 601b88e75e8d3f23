"""What an emulated run hands back: the resources it created and the stack's outputs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from peerstack._tokens import short_type

if TYPE_CHECKING:
    from peerstack.plan import Plan
    from peerstack.verify import VerifyResult

__all__ = [
    "EmulatedDeployment",
    "EmulatedPreview",
    "EmulatedResource",
    "EmulatedUp",
    "OnResource",
]


@dataclass(frozen=True, slots=True)
class EmulatedResource:
    """One resource the program registered, and where the emulation put it."""

    type: str
    """The Pulumi type token, e.g. ``aws:ec2/vpc:Vpc``."""
    name: str
    """The Pulumi resource name."""
    id: str | None
    """The emulation's id (``vpc-...``); None in a preview, or for component resources."""
    account_id: str | None
    """The account the resource lives in (None for components and providers)."""
    region: str | None


OnResource = Callable[[EmulatedResource], None]
"""Called once per registered resource, as soon as the emulation has handled it."""


def _counts(resources: tuple[EmulatedResource, ...]) -> dict[str, int]:
    counts = Counter(short_type(r.type) for r in resources if r.account_id is not None)
    return dict(sorted(counts.items()))


@dataclass(frozen=True, slots=True)
class EmulatedPreview:
    """The resources ``up`` would create, found by running the program without creating."""

    plan: Plan
    resources: tuple[EmulatedResource, ...]

    def counts_by_type(self) -> dict[str, int]:
        """How many AWS resources of each type would be created (``{"Route": 26, ...}``)."""
        return _counts(self.resources)


@dataclass(frozen=True, slots=True)
class EmulatedDeployment:
    """The resources created in the emulation, and the stack outputs of the program."""

    plan: Plan
    resources: tuple[EmulatedResource, ...]
    outputs: Mapping[str, Any] = field(default_factory=dict)

    def counts_by_type(self) -> dict[str, int]:
        """How many AWS resources of each type were created (``{"Route": 26, ...}``)."""
        return _counts(self.resources)


@dataclass(frozen=True, slots=True)
class EmulatedUp:
    """A deploy into a fresh emulation, and its verification against the plan."""

    deployment: EmulatedDeployment
    verification: VerifyResult

    @property
    def ok(self) -> bool:
        """True when the emulated network matches the plan."""
        return self.verification.ok
