"""Deploy a topology into an in-process AWS emulation (moto), where it really exists.

The PeeringTopology program runs under Pulumi's mocks; every resource it registers is
created through boto3 in moto's EC2, in the account of its provider (reached by
assuming a role there) and in its own region. The ids and attributes handed back to the
program are the emulation's. Adopted VPCs are seeded first, with the ids their topology
gives. Nothing leaves the process.

>>> from peerstack import emulator                      # doctest: +SKIP
>>> result = emulator.up(plan)
>>> result.ok, result.deployment.counts_by_type()

For tests that inspect the emulated AWS, see :func:`peerstack.testing.emulated`.
"""

from __future__ import annotations

from peerstack._runtime import Program, run_program
from peerstack.emulator._aws import EMULATION_ROLE, Emulation
from peerstack.emulator._mocks import SUPPORTED_INVOKES, SUPPORTED_RESOURCE_TYPES, EmulatorMocks
from peerstack.emulator._results import (
    EmulatedDeployment,
    EmulatedPreview,
    EmulatedResource,
    EmulatedUp,
    OnResource,
)
from peerstack.plan import TopologySource, build_plan

__all__ = [
    "EMULATION_ROLE",
    "SUPPORTED_INVOKES",
    "SUPPORTED_RESOURCE_TYPES",
    "EmulatedDeployment",
    "EmulatedPreview",
    "EmulatedResource",
    "EmulatedUp",
    "Emulation",
    "EmulatorMocks",
    "OnResource",
    "Program",
    "preview",
    "run_program",
    "up",
]


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
    plan = build_plan(topology)
    with Emulation(plan) as emulation:
        deployment = emulation.up(program=program, on_resource=on_resource)
        verification = emulation.verify()
    return EmulatedUp(deployment=deployment, verification=verification)


def preview(topology: TopologySource, *, program: Program | None = None) -> EmulatedPreview:
    """List the resources ``up`` would create, without creating any."""
    plan = build_plan(topology)
    with Emulation(plan) as emulation:
        return emulation.preview(program=program)
