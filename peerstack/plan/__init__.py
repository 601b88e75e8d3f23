"""The planner: a pure function from a topology to every networking decision."""

from peerstack.plan._build import TopologySource, build_plan
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
    "RoutePlan",
    "SecurityGroupPlan",
    "SecurityRulePlan",
    "StackOutputs",
    "SubnetPlan",
    "TopologySource",
    "VpcPlan",
    "build_plan",
    "window_of",
]
