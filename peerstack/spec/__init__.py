"""The topology format: Pydantic models, and loading them from YAML with line numbers."""

from peerstack.spec.loader import load_topology, topology_from_data, topology_from_text
from peerstack.spec.models import (
    Account,
    Defaults,
    ExistingVpc,
    Hub,
    Mesh,
    Peering,
    Quotas,
    RouteSpec,
    Subnet,
    Topology,
    Vpc,
)

__all__ = [
    "Account",
    "Defaults",
    "ExistingVpc",
    "Hub",
    "Mesh",
    "Peering",
    "Quotas",
    "RouteSpec",
    "Subnet",
    "Topology",
    "Vpc",
    "load_topology",
    "topology_from_data",
    "topology_from_text",
]
