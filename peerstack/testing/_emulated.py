"""``emulated(topology)``: a topology deployed into the in-process AWS emulation, for tests;
``SharedEmulations``: deployed once, reset before each test that uses it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Hashable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peerstack.emulator import Emulation, OnResource, Program
    from peerstack.plan import TopologySource

__all__ = ["SharedEmulations", "emulated"]


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


class SharedEmulations:
    """Emulations deployed once each and reset to their deploy for every test.

    :meth:`get` deploys a topology the first time it is asked for, takes a checkpoint
    right after the deploy, and from then on restores that checkpoint the first time it
    is asked for in each test (:meth:`next_test` starts a test): ~2 ms instead of a deploy.
    The ``peerstack_emulated_shared`` fixture holds one for the whole session.

    moto is one per process, so one test works with one emulation at a time: another
    one started in the test (``peerstack_emulated``, ``emulated()``, a second shared
    topology) takes moto's EC2 over, and the shared one then raises EmulatorError when
    used, until the next test resets it.
    """

    def __init__(self) -> None:
        self._emulations: dict[Hashable, Emulation] = {}
        self._fresh: set[Hashable] = set()

    def next_test(self) -> None:
        """A new test starts: each emulation is reset the first time it is asked for."""
        self._fresh.clear()

    def park(self) -> None:
        """A test ends: moto stops until the next :meth:`get`, so tests that do not use
        these emulations see no moto of theirs (no patched boto3, no fake credentials)."""
        from peerstack.emulator._cloud import EmulatedAws

        self._fresh.clear()
        EmulatedAws.park_keepers()

    def get(
        self,
        topology: TopologySource,
        *,
        before_up: Callable[[Emulation], None] | None = None,
        program: Program | None = None,
    ) -> Emulation:
        """``topology`` deployed (once) and, in this test, exactly as right after its
        deploy; ``before_up`` and ``program`` as for :func:`emulated` (part of the key:
        pass the same function objects to share a deploy)."""
        from peerstack.emulator import Emulation
        from peerstack.plan import build_plan

        key = (_key(topology), before_up, program)
        emulation = self._emulations.get(key)
        if emulation is None:
            from peerstack.emulator._cloud import unkept_running
            from peerstack.errors import EmulatorError

            if unkept_running():
                raise EmulatorError(
                    "a shared emulation would be deployed beside an emulation this test "
                    "started (moto is one per process, and the deploy would keep its "
                    "resources): ask for shared environments before starting others"
                )
            emulation = Emulation(build_plan(topology)).start()
            try:
                if before_up is not None:
                    before_up(emulation)
                emulation.up(program=program)
                emulation.checkpoint()
            except BaseException:
                emulation.close()
                raise
            self._emulations[key] = emulation
        elif key not in self._fresh:
            emulation.reset()
        self._fresh.add(key)
        return emulation

    def close(self) -> None:
        """Discard every emulation."""
        emulations, self._emulations = list(self._emulations.values()), {}
        self._fresh.clear()
        for emulation in reversed(emulations):
            emulation.close()


def _key(topology: TopologySource) -> Hashable:
    if isinstance(topology, str | os.PathLike):
        return ("file", os.path.realpath(topology))
    from peerstack.plan import build_plan

    return ("plan", repr(build_plan(topology)))
