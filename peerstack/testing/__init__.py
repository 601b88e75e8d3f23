"""Helpers for testing topologies: under Pulumi's mocks, or deployed into an emulation.

Public on purpose: users import this in their own test suites.

Names load on first use, so the pytest plugin (imported by every pytest run) stays
cheap: Pulumi, boto3 and moto are imported only by the helper that needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from peerstack._runtime.recording import (
        UNKNOWN,
        MockRun,
        RegisteredInvoke,
        RegisteredResource,
        run_mocked,
    )
    from peerstack.testing._emulated import emulated

# Public name -> module that defines it (loaded on first use).
_LAZY: dict[str, str] = {
    "UNKNOWN": "peerstack._runtime.recording",
    "MockRun": "peerstack._runtime.recording",
    "RegisteredInvoke": "peerstack._runtime.recording",
    "RegisteredResource": "peerstack._runtime.recording",
    "run_mocked": "peerstack._runtime.recording",
    "emulated": "peerstack.testing._emulated",
}

__all__ = [
    "UNKNOWN",
    "MockRun",
    "RegisteredInvoke",
    "RegisteredResource",
    "emulated",
    "run_mocked",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'peerstack.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
