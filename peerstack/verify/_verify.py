"""``verify``: read AWS into a snapshot, then compare it with the plan."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from peerstack._components.outputs import StackOutputs
from peerstack.plan.model import Plan
from peerstack.verify._aws import AwsClients, ClientFactory
from peerstack.verify._compare import compare
from peerstack.verify._read import read_snapshot
from peerstack.verify._result import VerifyResult

if TYPE_CHECKING:
    from peerstack.automation import Outputs

__all__ = ["verify"]


def verify(
    plan: Plan,
    *,
    clients: ClientFactory | None = None,
    outputs: Mapping[str, Any] | Outputs | StackOutputs | None = None,
) -> VerifyResult:
    """Read AWS and compare it with ``plan``; every difference is in the result.

    :param clients: EC2 clients per account and region; default :class:`AwsClients`
        (real AWS; ``AwsClients(endpoint=URL)`` for LocalStack or a moto server). An
        emulation passes its own.
    :param outputs: the deployment's stack outputs (``vpc_ids``, ``route_table_ids``,
        ``peering_connection_ids``); without them resources are found by their tags.

    Checked: each planned VPC exists; each link's connection joins the planned VPCs and
    is ``active``; remote DNS resolution is as planned on both sides (and the VPCs have
    DNS support and hostnames); every planned route is in its table, through its link's
    connection, and not a blackhole; no other route goes through peerstack's
    connections; and reachability recomputed from the route tables by the plan's model
    equals the plan's.
    """
    ids = StackOutputs.parse(outputs)
    snapshot = read_snapshot(plan, clients if clients is not None else AwsClients(), outputs=ids)
    return compare(plan, snapshot, outputs=ids)
