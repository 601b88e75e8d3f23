"""``emulated(topology)``: a topology deployed into the in-process AWS emulation, for tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peerstack.emulator import Emulation, OnResource, Program
    from peerstack.plan import TopologySource

__all__ = ["emulated"]


@contextlib.contextmanager
def emulated(
    topology: TopologySource,
    *,
    before_up: Callable[[Emulation], None] | None = None,
    program: Program | None = None,
    on_resource: OnResource | None = None,
) -> Iterator[Emulation]:
    """Deploy ``topology`` into a fresh emulation; yield it; discard it on exit.

    ``topology`` is a Topology, a Plan or the path of a topology file. The yielded
    :class:`~peerstack.emulator.Emulation` gives boto3 clients per account and region,
    the stack outputs, and verification against the plan::

        with emulated("topology.yaml") as env:
            ec2 = env.client("ec2", account="prod", region="eu-west-1")
            assert ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
            assert env.outputs["peering_connection_ids"]
            assert env.verify().ok

    ``before_up`` runs after the adopted VPCs are seeded and before the deploy: give an
    adopted VPC the subnets, tables and routes it has in real life. ``program`` replaces
    the PeeringTopology program (any Pulumi program using pulumi-aws).
    """
    from peerstack.emulator import Emulation
    from peerstack.plan import build_plan

    with Emulation(build_plan(topology)) as emulation:
        if before_up is not None:
            before_up(emulation)
        emulation.up(program=program, on_resource=on_resource)
        yield emulation
