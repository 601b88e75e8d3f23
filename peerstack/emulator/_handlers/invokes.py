"""Provider functions (invokes) the components call, answered from the emulated AWS."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from peerstack._provider import tokens
from peerstack.emulator._handlers._base import str_map

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

__all__ = ["INVOKES", "Invoke"]

Invoke = Callable[["EC2Client", str, dict[str, Any]], dict[str, Any]]


def _get_route_tables(ec2: EC2Client, region: str, args: dict[str, Any]) -> dict[str, Any]:
    filters: list[Any] = []
    if args.get("vpcId"):
        filters.append({"Name": "vpc-id", "Values": [args["vpcId"]]})
    for item in args.get("filters") or []:
        filters.append({"Name": item["name"], "Values": list(item["values"])})
    for key, value in str_map(args.get("tags")).items():
        filters.append({"Name": f"tag:{key}", "Values": [value]})
    tables = ec2.describe_route_tables(Filters=filters)
    ids = [t["RouteTableId"] for t in tables["RouteTables"]]
    return {**args, "id": region, "ids": ids, "region": region}


def _get_peering_connections(ec2: EC2Client, region: str, args: dict[str, Any]) -> dict[str, Any]:
    filters = [
        {"Name": item["name"], "Values": list(item["values"])} for item in args.get("filters") or []
    ]
    for key, value in str_map(args.get("tags")).items():
        filters.append({"Name": f"tag:{key}", "Values": [value]})
    found = ec2.describe_vpc_peering_connections(Filters=filters)  # type: ignore[arg-type]
    ids = [c["VpcPeeringConnectionId"] for c in found["VpcPeeringConnections"]]
    return {**args, "id": region, "ids": ids, "region": region}


INVOKES: dict[str, Invoke] = {
    tokens.GET_ROUTE_TABLES: _get_route_tables,
    tokens.GET_PEERING_CONNECTIONS: _get_peering_connections,
}
