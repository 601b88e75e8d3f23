"""Fixtures for the Automation API tests: a fake `pulumi`, a plan, a passphrase."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from peerstack.plan import Plan, build_plan
from peerstack.topology import load_topology

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def _load_fake_cli() -> ModuleType:
    # Tests import with --import-mode=importlib, so helpers are not on sys.path: register
    # the fake CLI helpers once, under the name the test modules import.
    if "fake_cli" not in sys.modules:
        path = Path(__file__).resolve().parent / "fake_cli.py"
        spec = importlib.util.spec_from_file_location("fake_cli", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["fake_cli"] = module
        spec.loader.exec_module(module)
    return sys.modules["fake_cli"]


FakePulumi = _load_fake_cli().FakePulumi


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def fake(tmp_path: Path) -> FakePulumi:
    return FakePulumi.install(tmp_path / "fake-pulumi")


@pytest.fixture
def mesh() -> Plan:
    """Four VPCs in two regions of one account, all peered (six links)."""
    return build_plan(load_topology(EXAMPLES / "mesh-two-regions.yaml"))


@pytest.fixture
def hub() -> Plan:
    """Cross-account links: each needs an accepter."""
    return build_plan(load_topology(EXAMPLES / "hub-cross-account.yaml"))


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> str:
    value = "correct horse battery staple"
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", value)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    return value
