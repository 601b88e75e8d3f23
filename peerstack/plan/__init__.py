"""The planner: a pure function from a topology to every networking decision.

Public on purpose: :mod:`peerstack.plan.names` gives the Pulumi name of every resource a
plan registers (for tests of programs that use ``PeeringTopology``).
"""

from peerstack.plan import names
from peerstack.plan._build import TopologySource, build_plan
from peerstack.plan._imports import (
    PlannedImport,
    connection_import_id,
    planned_imports,
    route_import,
    route_tables_of,
)
from peerstack.plan._outputs import OUTPUT_NAMES, OutputsLike, StackOutputs
from peerstack.plan._schedule import window_of
from peerstack.plan.model import (
    DISCOVERED,
    IPV6_PREFIX,
    MAIN,
    AcceptPlan,
    AccountPlan,
    ExternalPeerPlan,
    LinkPlan,
    Plan,
    RoutePlan,
    SecurityGroupPlan,
    SecurityRulePlan,
    SubnetPlan,
    VpcPlan,
)

__all__ = [
    "DISCOVERED",
    "IPV6_PREFIX",
    "MAIN",
    "OUTPUT_NAMES",
    "AcceptPlan",
    "AccountPlan",
    "ExternalPeerPlan",
    "LinkPlan",
    "OutputsLike",
    "Plan",
    "PlannedImport",
    "RoutePlan",
    "SecurityGroupPlan",
    "SecurityRulePlan",
    "StackOutputs",
    "SubnetPlan",
    "TopologySource",
    "VpcPlan",
    "build_plan",
    "connection_import_id",
    "names",
    "planned_imports",
    "route_import",
    "route_tables_of",
    "window_of",
]
