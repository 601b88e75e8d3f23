"""Fixtures for the component tests: the plan checks, and topologies to run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent.parent / "examples").glob("*.yaml"))


def _load_checks() -> ModuleType:
    # Tests import with --import-mode=importlib, so helpers are not on sys.path: load the
    # checks once, under a name no other test directory uses.
    name = "peerstack_component_checks"
    if name not in sys.modules:
        path = Path(__file__).resolve().parent / "_expect.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def expect() -> ModuleType:
    """``tests/components/_expect.py``: what a run must register, derived from its plan."""
    return _load_checks()
