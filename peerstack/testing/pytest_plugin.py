"""pytest fixtures for peerstack users (registered through the `pytest11` entry point)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from peerstack._runtime.recording import MockRun
    from peerstack.emulator import Emulation
    from peerstack.testing._emulated import SharedEmulations


@pytest.fixture
def peerstack_mocks() -> Callable[..., MockRun]:
    """A factory: ``run = peerstack_mocks("topology.yaml")`` registers it under Pulumi's mocks.

    It is :func:`peerstack.testing.run_mocked`: pass a file path, a Topology or a Plan
    (``preview=True`` for a preview); the run holds every resource registered, with its
    inputs, provider and parent. No cloud, no Pulumi CLI. Example::

        def test_every_link_has_one_connection(peerstack_mocks):
            run = peerstack_mocks("topology.yaml")
            connections = run.of_type("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")
            assert len(connections) == len(run.plan.links)
    """
    from peerstack._runtime.recording import run_mocked

    return run_mocked


@pytest.fixture
def peerstack_emulated(
    peerstack_shared_emulations: SharedEmulations,
) -> Iterator[Callable[..., Emulation]]:
    """A factory: ``env = peerstack_emulated("topology.yaml")`` deploys it into emulated AWS.

    It is :func:`peerstack.testing.emulated` as a fixture: pass a file path, a Topology or
    a Plan; you get the running :class:`~peerstack.emulator.Emulation` (``verify()``,
    ``client()``, ``up(new_topology)`` for day 2), discarded when the test ends. Each call
    deploys another topology into its own emulation. Example::

        def test_app_reaches_shared(peerstack_emulated):
            env = peerstack_emulated("topology.yaml")
            assert env.verify().ok
            ec2 = env.client("ec2", account="prod", region="eu-west-1")
            assert ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
    """
    from contextlib import ExitStack

    from peerstack.testing._emulated import emulated

    with ExitStack() as stack:

        def deploy(topology: Any, **kwargs: Any) -> Emulation:
            return stack.enter_context(emulated(topology, **kwargs))

        yield deploy
    # Shared deploys the test also used could not park beside these: they park now.
    peerstack_shared_emulations.park()


@pytest.fixture(scope="session")
def peerstack_shared_emulations() -> Iterator[SharedEmulations]:
    """``shared = peerstack_shared_emulations``: every shared deploy of the session.

    Use :func:`peerstack_emulated_shared` in tests; this session fixture holds what it
    deployed (one emulation per topology) and discards it all when the session ends.
    """
    from peerstack.testing._emulated import SharedEmulations

    shared = SharedEmulations()
    try:
        yield shared
    finally:
        shared.close()


@pytest.fixture
def peerstack_emulated_shared(
    peerstack_shared_emulations: SharedEmulations,
) -> Iterator[Callable[..., Emulation]]:
    """A factory: ``env = peerstack_emulated_shared("topology.yaml")`` gives it deployed,
    exactly as right after its deploy.

    The topology is deployed once per session (per pytest-xdist worker); each test that
    asks for it gets the same :class:`~peerstack.emulator.Emulation` reset to its
    checkpoint: whatever an earlier test created, changed or deleted is undone, ids stay
    those of the deploy, and a day-2 ``up`` behaves as on a fresh deploy. A reset costs
    milliseconds where a deploy costs a quarter of a second or more. Example::

        def test_app_reaches_shared(peerstack_emulated_shared):
            env = peerstack_emulated_shared("topology.yaml")
            assert env.verify().ok

    One emulation at a time in a test: another one started in it (``peerstack_emulated``,
    a second shared topology) takes moto over, and using this one then raises
    EmulatorError; it is whole again in the next test.
    """
    peerstack_shared_emulations.next_test()
    try:
        yield peerstack_shared_emulations.get
    finally:
        peerstack_shared_emulations.park()
