"""``aws.ec2.Subnet``, as terraform-provider-aws ``internal/service/ec2/vpc_subnet.go`` does it."""

from __future__ import annotations

from typing import Any

from peerstack.emulator._handlers._base import Outputs, Request, ResourceHandler, already_gone
from peerstack.emulator._rules import check_subnet_ipv6
from peerstack.emulator._state import ResourceState
from peerstack.errors import EmulatorError

__all__ = ["SUBNET"]

_INPUTS = frozenset(
    {
        "vpcId",
        "cidrBlock",
        "availabilityZone",
        "availabilityZoneId",
        "ipv6CidrBlock",
        "assignIpv6AddressOnCreation",
        "mapPublicIpOnLaunch",
    }
)

_GONE = frozenset({"disassociating", "disassociated", "failing", "failed"})


def _outputs(req: Request, subnet_id: str) -> dict[str, Any]:
    subnet = req.ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]
    # Gone ones by their state: moto writes an associated block's state as the text of a
    # dict ("{'State': 'associated'}"), AWS as the word.
    ipv6 = [
        a
        for a in subnet.get("Ipv6CidrBlockAssociationSet") or []
        if a.get("Ipv6CidrBlockState", {}).get("State") not in _GONE
    ] or [{}]
    return {
        "arn": req.arn("subnet", subnet_id),
        "availabilityZone": subnet["AvailabilityZone"],
        "availabilityZoneId": subnet.get("AvailabilityZoneId", ""),
        "cidrBlock": subnet["CidrBlock"],
        "ipv6CidrBlock": ipv6[0].get("Ipv6CidrBlock", ""),
        "ipv6CidrBlockAssociationId": ipv6[0].get("AssociationId", ""),
        "mapPublicIpOnLaunch": bool(subnet.get("MapPublicIpOnLaunch")),
        "assignIpv6AddressOnCreation": bool(subnet.get("AssignIpv6AddressOnCreation")),
        "ownerId": subnet.get("OwnerId", req.account_id),
        "privateDnsHostnameTypeOnLaunch": "ip-name",
        "vpcId": subnet["VpcId"],
    }


def _create(req: Request) -> Outputs:
    """vpc_subnet.go:162-228: CreateSubnet with tags, then ModifySubnetAttribute only for
    attributes that differ from AWS's defaults."""
    req.only(_INPUTS)
    kwargs: dict[str, Any] = {"VpcId": req.require("vpcId"), "CidrBlock": req.require("cidrBlock")}
    zone = req.get("availabilityZone")
    if zone:
        if not (zone.startswith(req.region) and len(zone) > len(req.region)):
            raise EmulatorError(
                f"{req.what}: InvalidParameterValue: availability zone {zone!r} is not in "
                f"region {req.region!r}"
            )
        kwargs["AvailabilityZone"] = zone
    elif req.get("availabilityZoneId"):
        kwargs["AvailabilityZoneId"] = req.get("availabilityZoneId")
    if req.get("ipv6CidrBlock"):
        check_subnet_ipv6(req, kwargs["VpcId"], req.get("ipv6CidrBlock"), subnet_id=None)
        kwargs["Ipv6CidrBlock"] = req.get("ipv6CidrBlock")
    if req.tags:
        kwargs["TagSpecifications"] = req.tag_specifications("subnet")
    subnet_id = req.ec2.create_subnet(**kwargs)["Subnet"]["SubnetId"]
    if req.get("mapPublicIpOnLaunch"):
        req.ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
    if req.get("assignIpv6AddressOnCreation"):
        req.ec2.modify_subnet_attribute(
            SubnetId=subnet_id, AssignIpv6AddressOnCreation={"Value": True}
        )
    return subnet_id, _outputs(req, subnet_id)


def _update(req: Request, old: ResourceState, changed: frozenset[str]) -> Outputs:
    """vpc_subnet.go:253-325: one ModifySubnetAttribute per attribute (AWS takes one per
    call); assign-IPv6 goes off before and on after an IPv6 block change."""
    subnet_id = old.id
    assign = bool(req.get("assignIpv6AddressOnCreation"))
    if "assignIpv6AddressOnCreation" in changed and not assign:
        req.ec2.modify_subnet_attribute(
            SubnetId=subnet_id, AssignIpv6AddressOnCreation={"Value": False}
        )
    if "ipv6CidrBlock" in changed:
        association = old.outputs.get("ipv6CidrBlockAssociationId")
        if association:
            req.ec2.disassociate_subnet_cidr_block(AssociationId=association)
        if req.get("ipv6CidrBlock"):
            check_subnet_ipv6(
                req, old.outputs["vpcId"], req.get("ipv6CidrBlock"), subnet_id=subnet_id
            )
            req.ec2.associate_subnet_cidr_block(
                SubnetId=subnet_id, Ipv6CidrBlock=req.get("ipv6CidrBlock")
            )
    if "mapPublicIpOnLaunch" in changed:
        req.ec2.modify_subnet_attribute(
            SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": bool(req.get("mapPublicIpOnLaunch"))}
        )
    if "assignIpv6AddressOnCreation" in changed and assign:
        req.ec2.modify_subnet_attribute(
            SubnetId=subnet_id, AssignIpv6AddressOnCreation={"Value": True}
        )
    if "tags" in changed:
        req.update_tags(subnet_id, old)
    return subnet_id, _outputs(req, subnet_id)


def _delete(req: Request, old: ResourceState) -> None:
    """vpc_subnet.go:327-354: DeleteSubnet (NotFound is fine)."""
    with already_gone("InvalidSubnetID.NotFound"):
        req.ec2.delete_subnet(SubnetId=old.id)


SUBNET = ResourceHandler(
    create=_create,
    update=_update,
    updatable=frozenset({"assignIpv6AddressOnCreation", "ipv6CidrBlock", "mapPublicIpOnLaunch"}),
    delete=_delete,
)
