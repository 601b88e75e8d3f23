"""Deploy a topology into an in-process AWS emulation (moto), where it really exists.

The topology's program runs under Pulumi's mocks, with an emulated engine behind them:
every resource it registers is created, updated, replaced or deleted in moto's EC2 as
the real engine and AWS provider would, in the account of its provider (reached by
assuming a role there) and its own region. Adopted VPCs are seeded first, with the ids
their topology gives. Nothing leaves the process.

>>> from peerstack import emulator                      # doctest: +SKIP
>>> result = emulator.up("corp.yaml")
>>> result.ok, result.deployment.counts_by_type()

For a stack that lives on (day 2: ``env.up(new)``, ``env.destroy()``) use
:class:`Emulation`; for tests, :func:`peerstack.testing.emulated`. A deploy many tests
share is taken back to its state with ``env.checkpoint()`` and ``env.reset()`` (the
``peerstack_emulated_shared`` fixture does it for each test).
"""

from __future__ import annotations

from peerstack._runtime import Program, run_program
from peerstack.emulator._cloud import EMULATION_ROLE
from peerstack.emulator._emulation import Checkpoint, Emulation, with_emulation_roles
from peerstack.emulator._handlers import HANDLERS, INVOKES
from peerstack.emulator._iam import Enforcement, RecordedCall, enforce_iam
from peerstack.emulator._results import (
    EmulatedDeployment,
    EmulatedDestroy,
    EmulatedPreview,
    EmulatedResource,
    EmulatedStep,
    EmulatedUp,
    OnResource,
)
from peerstack.emulator._state import ResourceState
from peerstack.plan import TopologySource

__all__ = [
    "EMULATION_ROLE",
    "SUPPORTED_INVOKES",
    "SUPPORTED_RESOURCE_TYPES",
    "Checkpoint",
    "EmulatedDeployment",
    "EmulatedDestroy",
    "EmulatedPreview",
    "EmulatedResource",
    "EmulatedStep",
    "EmulatedUp",
    "Emulation",
    "Enforcement",
    "OnResource",
    "Program",
    "RecordedCall",
    "ResourceState",
    "enforce_iam",
    "preview",
    "run_program",
    "up",
    "with_emulation_roles",
]

SUPPORTED_RESOURCE_TYPES: frozenset[str] = frozenset(HANDLERS)
"""Pulumi types the emulator creates (plus ``pulumi:providers:aws`` and components)."""

SUPPORTED_INVOKES: frozenset[str] = frozenset(INVOKES)
"""Invokes the emulator answers from the emulated AWS."""


def up(
    topology: TopologySource,
    *,
    program: Program | None = None,
    on_resource: OnResource | None = None,
) -> EmulatedUp:
    """Deploy into a fresh emulation, verify the result against the plan, discard it.

    Raises TopologyError before anything runs when the topology is invalid, and
    EmulatorError when the emulation cannot do what the program asks. Differences from
    the plan are not raised: they are in ``result.verification``.
    """
    with Emulation(topology) as emulation:
        deployment = emulation.up(program=program, on_step=on_resource)
        verification = emulation.verify()
    return EmulatedUp(deployment=deployment, verification=verification)


def preview(topology: TopologySource, *, program: Program | None = None) -> EmulatedPreview:
    """What ``up`` would create, without creating anything."""
    with Emulation(topology) as emulation:
        return emulation.preview(program=program)
