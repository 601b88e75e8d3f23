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
    """``run_mocked``: register a topology under Pulumi's mocks, get every resource back.

    Example::

        def test_every_link_has_one_connection(peerstack_mocks):
            run = peerstack_mocks(load_topology("topology.yaml"))
            assert len(run.of_type(tokens.CONNECTION)) == len(
                run.plan.links
            )
    """
    from peerstack.testing._mocks import run_mocked

    return run_mocked


@pytest.fixture
def peerstack_emulated() -> Iterator[Callable[..., Emulation]]:
    """``emulated``: deploy a topology into the in-process AWS emulation, for this test.

    Call it with a topology (or a file path); it returns the running emulation, which is
    discarded when the test ends. Example::

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
