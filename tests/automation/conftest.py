"""Fixtures for the Automation API tests: a fake `pulumi`, a plan, a passphrase."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerstack.plan import Plan, build_plan
from peerstack.topology import load_topology
from tests.helpers.fake_cli import FakePulumi
from tests.helpers.paths import EXAMPLES_DIR


@pytest.fixture
def examples() -> Path:
    return EXAMPLES_DIR


@pytest.fixture
def fake(tmp_path: Path) -> FakePulumi:
    return FakePulumi.install(tmp_path / "fake-pulumi")


@pytest.fixture
def mesh() -> Plan:
    """Four VPCs in two regions of one account, all peered (six links)."""
    return build_plan(load_topology(EXAMPLES_DIR / "mesh-two-regions.yaml"))


@pytest.fixture
def hub() -> Plan:
    """Cross-account links: each needs an accepter."""
    return build_plan(load_topology(EXAMPLES_DIR / "hub-cross-account.yaml"))


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> str:
    value = "correct horse battery staple"
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", value)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    return value
