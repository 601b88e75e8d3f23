"""pytest fixtures for peerstack users (registered through the `pytest11` entry point)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from peerstack.testing._mocks import MockRun


@pytest.fixture
def peerstack_mocks() -> Callable[..., MockRun]:
    """``run_mocked``: register a topology under Pulumi's mocks, get every resource back.

    Example::

        def test_every_link_has_one_connection(peerstack_mocks):
            run = peerstack_mocks(load_topology("topology.yaml"))
            assert len(run.of_type("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")) == len(
                run.plan.links
            )
    """
    from peerstack.testing._mocks import run_mocked

    return run_mocked
