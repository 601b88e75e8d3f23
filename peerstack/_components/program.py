"""The Pulumi program every peerstack deployment runs: one PeeringTopology, its outputs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peerstack._components.settings import ProviderSettings
    from peerstack.plan import Plan

__all__ = ["topology_program"]


def topology_program(
    plan: Plan,
    provider_settings: ProviderSettings | None = None,
    *,
    kept_imports: Mapping[str, str] | None = None,
) -> Callable[[], None]:
    """The program for ``plan``: the whole topology as one component, its outputs exported.

    The Automation API runs it inline, the emulator under its mocks. ``kept_imports`` are
    the import ids the stack's state holds (found by the pre-flight).
    """

    def peerstack_program() -> None:
        from peerstack._components._topology import PeeringTopology

        PeeringTopology(
            plan.topology, plan, provider_settings=provider_settings, kept_imports=kept_imports
        ).export()

    return peerstack_program
