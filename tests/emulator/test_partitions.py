"""The emulation enters each account the way a deploy does, in the account's partition."""

from __future__ import annotations

import pytest

from peerstack.emulator import Emulation
from tests.helpers.partitions import CHINA, sts_regions


def test_an_aws_cn_topology_deploys_and_verifies(plan_of, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plan_of(CHINA)
    with sts_regions(monkeypatch) as seen, Emulation(plan) as env:
        env.up()
        assert env.verify().ok
    assert seen and set(seen) == {"cn-north-1"}
