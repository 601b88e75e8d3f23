"""peerstack: AWS VPC peering topologies, validated before deploy, deployed with Pulumi.

The front door: everything a user needs is importable from here. Importing peerstack
is cheap; Pulumi, boto3 and moto load only when a name that needs them is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from peerstack.errors import PeerstackError, Problem, TopologyError
from peerstack.plan import (
    AcceptPlan,
    LinkPlan,
    Plan,
    RoutePlan,
    SecurityGroupPlan,
    SecurityRulePlan,
    VpcPlan,
    build_plan,
)
from peerstack.topology import (
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
    load_topology,
    topology_from_data,
)

if TYPE_CHECKING:
    from peerstack._components import PeeringTopology, ProviderSettings
    from peerstack._diff import TopologyDiff, diff
    from peerstack.automation import (
        Deployment,
        DestroyResult,
        Outputs,
        PreviewResult,
        RefreshResult,
        UpResult,
    )
    from peerstack.discover import DiscoverResult, discover
    from peerstack.verify import VerifyResult, verify

# Names whose modules import Pulumi or boto3: loaded on first use.
_LAZY: dict[str, str] = {
    "PeeringTopology": "peerstack._components",
    "ProviderSettings": "peerstack._components",
    "Deployment": "peerstack.automation",
    "PreviewResult": "peerstack.automation",
    "UpResult": "peerstack.automation",
    "RefreshResult": "peerstack.automation",
    "DestroyResult": "peerstack.automation",
    "Outputs": "peerstack.automation",
    "VerifyResult": "peerstack.verify",
    "verify": "peerstack.verify",
    "TopologyDiff": "peerstack._diff",
    "diff": "peerstack._diff",
    "DiscoverResult": "peerstack.discover",
    "discover": "peerstack.discover",
}

__all__ = [
    "Accept",
    "AcceptPlan",
    "Account",
    "Allow",
    "Defaults",
    "Deployment",
    "DestroyResult",
    "DiscoverResult",
    "ExistingPeering",
    "ExistingVpc",
    "ExternalPeer",
    "Hub",
    "LinkPlan",
    "Mesh",
    "Outputs",
    "Peering",
    "PeeringTopology",
    "PeerstackError",
    "Plan",
    "PreviewResult",
    "Problem",
    "ProviderSettings",
    "Quotas",
    "RefreshResult",
    "RoutePlan",
    "RouteSpec",
    "SecurityGroupPlan",
    "SecurityRulePlan",
    "Spoke",
    "Subnet",
    "Topology",
    "TopologyDiff",
    "TopologyError",
    "UpResult",
    "VerifyResult",
    "Vpc",
    "VpcPlan",
    "build_plan",
    "diff",
    "discover",
    "load_topology",
    "topology_from_data",
    "verify",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'peerstack' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
