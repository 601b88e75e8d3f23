"""Fixtures for the component tests: the plan checks."""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.helpers import expect as expect_module


@pytest.fixture(scope="session")
def expect() -> ModuleType:
    """``tests/helpers/expect.py``: what a run must register, derived from its plan."""
    return expect_module
