"""Pulumi components that turn a plan into AWS resources (private: use ``peerstack``).

``PeeringTopology`` is the only entry point; ``ProviderSettings`` tunes how its account
providers reach AWS (an emulator's endpoint, static credentials).
"""

from peerstack._components._providers import ProviderSettings
from peerstack._components._topology import PeeringTopology

__all__ = ["PeeringTopology", "ProviderSettings"]
