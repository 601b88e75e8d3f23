"""Pulumi components that turn a plan into AWS resources (private: use ``peerstack``).

``PeeringTopology`` is the entry point; ``ProviderSettings`` tunes how its account
providers reach AWS (an emulator's endpoint, static credentials). The pure modules
(``names``, ``settings``, ``program``) import no Pulumi, so verify and
the CLI can read them cheaply; the components load Pulumi on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from peerstack._components.program import topology_program
from peerstack._components.settings import ProviderSettings, endpoint_settings

if TYPE_CHECKING:
    from peerstack._components._topology import PeeringTopology

__all__ = [
    "PeeringTopology",
    "ProviderSettings",
    "endpoint_settings",
    "topology_program",
]


def __getattr__(name: str) -> Any:
    if name == "PeeringTopology":
        value = importlib.import_module("peerstack._components._topology").PeeringTopology
        globals()[name] = value
        return value
    raise AttributeError(f"module 'peerstack._components' has no attribute {name!r}")
