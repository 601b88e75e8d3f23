"""The topology format: Pydantic models, and loading them from YAML with line numbers.

Also where a value was written (:class:`SourceMap`, :data:`FieldPath`), which the
planner uses to point its own problems at ``file:line``.
"""

from peerstack.topology._source import FieldPath, SourceMap, format_path
from peerstack.topology.loader import load_topology, topology_from_data, topology_from_text
from peerstack.topology.models import (
    Accept,
    Account,
    Allow,
    Defaults,
    ExistingPeering,
    ExistingVpc,
    ExternalPeer,
    Hub,
    Mesh,
    Peering,
    Quotas,
    RouteSpec,
    Spoke,
    Subnet,
    Topology,
    Vpc,
)

__all__ = [
    "Accept",
    "Account",
    "Allow",
    "Defaults",
    "ExistingPeering",
    "ExistingVpc",
    "ExternalPeer",
    "FieldPath",
    "Hub",
    "Mesh",
    "Peering",
    "Quotas",
    "RouteSpec",
    "SourceMap",
    "Spoke",
    "Subnet",
    "Topology",
    "Vpc",
    "format_path",
    "load_topology",
    "topology_from_data",
    "topology_from_text",
]
