"""``verify``: read AWS into a snapshot, then compare it with the plan."""

from __future__ import annotations

from peerstack.plan._outputs import OutputsLike, StackOutputs
from peerstack.plan.model import Plan
from peerstack.verify._aws import AwsClients, ClientFactory
from peerstack.verify._compare import compare
from peerstack.verify._read import read_snapshot
from peerstack.verify._result import VerifyResult

__all__ = ["verify"]


def verify(
    plan: Plan,
    *,
    clients: ClientFactory | None = None,
    outputs: OutputsLike = None,
) -> VerifyResult:
    """Read AWS and compare it with ``plan``; every difference is in the result.

    :param clients: EC2 clients per account and region; default :class:`AwsClients`
        (real AWS; ``AwsClients(endpoint=URL)`` for LocalStack or a moto server). An
        emulation passes its own.
    :param outputs: the deployment's stack outputs (``vpc_ids``, ``route_table_ids``,
        ``peering_connection_ids``); without them resources are found by their tags.

    Checked, against what AWS holds (not only what peerstack created): each planned VPC
    exists with exactly its planned blocks (and DNS support and hostnames where links
    resolve remote DNS); each subnet of a created VPC exists and uses its planned route
    table, and no other subnet is there; each link's connection joins the planned VPCs,
    is ``active`` and resolves remote DNS as planned on both sides; no other connection
    touches a planned VPC, and no other VPC is tagged as the topology's; every planned
    route is in its table, through its link's connection, and not a blackhole; no other
    route goes over a peering connection, and none to another target hides part of a
    planned destination; each planned security group rule (inbound, and the allow-all
    egress of the groups peerstack creates) is there, matched by what it allows, and no
    other rule carries the topology's tags; and reachability, recomputed by the plan's
    model (each subnet's effective table, longest prefix over every route), equals the
    plan's, VPC by VPC and subnet by subnet.

    Error messages are scrubbed of secrets, credentials in an endpoint URL included.
    """
    ids = StackOutputs.parse(outputs)
    snapshot = read_snapshot(plan, clients if clients is not None else AwsClients(), outputs=ids)
    return compare(plan, snapshot, outputs=ids)
