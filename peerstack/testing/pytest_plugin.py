"""pytest fixtures for peerstack users (registered through the `pytest11` entry point)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from peerstack.emulator import Emulation
    from peerstack.testing._mocks import MockRun


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
    from peerstack.testing._mocks import run_mocked

    return run_mocked


@pytest.fixture
def peerstack_emulated() -> Iterator[Callable[..., Emulation]]:
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
