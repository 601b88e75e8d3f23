"""``aws.ec2.RouteTable`` and ``RouteTableAssociation``, as terraform-provider-aws does them.

Cited: ``internal/service/ec2/vpc_route_table.go`` and ``vpc_route_table_association.go``.
"""

from __future__ import annotations

from typing import Any

from peerstack.emulator._handlers._base import Outputs, Request, ResourceHandler, already_gone
from peerstack.emulator._state import ResourceState
from peerstack.errors import EmulatorError

__all__ = ["ASSOCIATION", "ROUTE_TABLE"]


def _create_table(req: Request) -> Outputs:
    """vpc_route_table.go:167-210: CreateRouteTable with tags."""
    req.only({"vpcId"})
    kwargs: dict[str, Any] = {"VpcId": req.require("vpcId")}
    if req.tags:
        kwargs["TagSpecifications"] = req.tag_specifications("route-table")
    table = req.ec2.create_route_table(**kwargs)["RouteTable"]
    table_id = table["RouteTableId"]
    return table_id, {
        "arn": req.arn("route-table", table_id),
        "ownerId": table.get("OwnerId", req.account_id),
        "propagatingVgws": [],
        "routes": [],
        "vpcId": table["VpcId"],
    }


def _update_table(req: Request, old: ResourceState, changed: frozenset[str]) -> Outputs:
    if "tags" in changed:
        req.update_tags(old.id, old)
    return old.id, dict(old.outputs)


def _delete_table(req: Request, old: ResourceState) -> None:
    """vpc_route_table.go:343-385: disassociate every association (those of separate
    association resources included), then DeleteRouteTable."""

    found = req.ec2.describe_route_tables(Filters=[{"Name": "route-table-id", "Values": [old.id]}])[
        "RouteTables"
    ]
    for table in found:
        for association in table.get("Associations", []):
            if not association.get("Main") and association.get("RouteTableAssociationId"):
                req.ec2.disassociate_route_table(
                    AssociationId=association["RouteTableAssociationId"]
                )
    with already_gone("InvalidRouteTableID.NotFound"):
        req.ec2.delete_route_table(RouteTableId=old.id)


def _read_table(req: Request) -> Outputs:
    table_id = req.require("id")
    table = req.ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0]
    return table_id, {
        "arn": req.arn("route-table", table_id),
        "ownerId": table.get("OwnerId", req.account_id),
        "vpcId": table["VpcId"],
        "tags": {t["Key"]: t["Value"] for t in table.get("Tags", [])},
    }


ROUTE_TABLE = ResourceHandler(
    create=_create_table, update=_update_table, delete=_delete_table, read=_read_table
)


def _associate(req: Request) -> Outputs:
    """vpc_route_table_association.go:64-99: AssociateRouteTable; the id is the
    association's."""
    req.only({"routeTableId", "subnetId", "gatewayId"})
    kwargs: dict[str, Any] = {"RouteTableId": req.require("routeTableId")}
    if req.get("subnetId"):
        kwargs["SubnetId"] = req.get("subnetId")
    elif req.get("gatewayId"):
        kwargs["GatewayId"] = req.get("gatewayId")
    else:
        raise EmulatorError(f"{req.what} has no subnetId or gatewayId")
    return req.ec2.associate_route_table(**kwargs)["AssociationId"], {}


def _reassociate(req: Request, old: ResourceState, changed: frozenset[str]) -> Outputs:
    """vpc_route_table_association.go:126-160: ReplaceRouteTableAssociation, and the
    resource's id becomes the new association's id."""
    response = req.ec2.replace_route_table_association(
        AssociationId=old.id, RouteTableId=req.require("routeTableId")
    )
    return response["NewAssociationId"], {}


def _disassociate(req: Request, old: ResourceState) -> None:
    """vpc_route_table_association.go:162-240: DisassociateRouteTable (NotFound is fine)."""
    with already_gone("InvalidAssociationID.NotFound"):
        req.ec2.disassociate_route_table(AssociationId=old.id)


ASSOCIATION = ResourceHandler(
    create=_associate,
    update=_reassociate,
    updatable=frozenset({"routeTableId"}),
    delete=_disassociate,
)
