"""``aws.ec2.Vpc`` and its address block associations, as terraform-provider-aws does them.

Cited: terraform-provider-aws ``internal/service/ec2`` (v6.28.0), ``vpc_.go`` and
``vpc_ipv{4,6}_cidr_block_association.go``.
"""

from __future__ import annotations

from typing import Any

from peerstack.emulator._handlers._base import Outputs, Request, ResourceHandler, already_gone
from peerstack.emulator._state import ResourceState
from peerstack.errors import EmulatorError

__all__ = ["CIDR_ASSOCIATION", "IPV6_CIDR_ASSOCIATION", "VPC"]


def _main_table(req: Request, vpc_id: str) -> str:
    main = req.ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    if len(main) != 1:
        raise EmulatorError(f"VPC {req.name!r} ({vpc_id}) has {len(main)} main route tables")
    return main[0]["RouteTableId"]


def _outputs(req: Request, vpc_id: str) -> dict[str, Any]:
    """What the provider's Read sets (vpc_.go:644-744)."""
    vpc = req.ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    ipv6 = [
        a
        for a in vpc.get("Ipv6CidrBlockAssociationSet") or []
        if a.get("Ipv6CidrBlockState", {}).get("State", "associated") == "associated"
    ] or [{}]
    attributes = {
        name: req.ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=name)
        for name in ("enableDnsSupport", "enableDnsHostnames")
    }
    main = _main_table(req, vpc_id)
    return {
        "arn": req.arn("vpc", vpc_id),
        "cidrBlock": vpc["CidrBlock"],
        "defaultRouteTableId": main,
        "mainRouteTableId": main,
        "dhcpOptionsId": vpc.get("DhcpOptionsId", ""),
        "enableDnsSupport": bool(attributes["enableDnsSupport"]["EnableDnsSupport"]["Value"]),
        "enableDnsHostnames": bool(attributes["enableDnsHostnames"]["EnableDnsHostnames"]["Value"]),
        "enableNetworkAddressUsageMetrics": False,
        "instanceTenancy": vpc.get("InstanceTenancy", "default"),
        "ipv6CidrBlock": ipv6[0].get("Ipv6CidrBlock", ""),
        "ipv6AssociationId": ipv6[0].get("AssociationId", ""),
        "ipv6CidrBlockNetworkBorderGroup": ipv6[0].get("NetworkBorderGroup", ""),
        "ownerId": vpc["OwnerId"],
    }


_VPC_INPUTS = frozenset(
    {
        "cidrBlock",
        "assignGeneratedIpv6CidrBlock",
        "enableDnsSupport",
        "enableDnsHostnames",
        "instanceTenancy",
    }
)


def _create_vpc(req: Request) -> Outputs:
    """vpc_.go:190-265: CreateVpc with tags, then the attributes that differ from AWS's
    defaults (DNS support on, hostnames off)."""
    req.only(_VPC_INPUTS)
    kwargs: dict[str, Any] = {"CidrBlock": req.require("cidrBlock")}
    if req.get("assignGeneratedIpv6CidrBlock"):
        kwargs["AmazonProvidedIpv6CidrBlock"] = True
    if req.get("instanceTenancy"):
        kwargs["InstanceTenancy"] = req.get("instanceTenancy")
    if req.tags:
        kwargs["TagSpecifications"] = req.tag_specifications("vpc")
    vpc_id = req.ec2.create_vpc(**kwargs)["Vpc"]["VpcId"]
    if not req.get("enableDnsSupport", True):
        req.ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": False})
    if req.get("enableDnsHostnames", False):
        req.ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    return vpc_id, _outputs(req, vpc_id)


def _update_vpc(req: Request, old: ResourceState, changed: frozenset[str]) -> Outputs:
    """vpc_.go:293-354: ModifyVpcAttribute per DNS attribute; the Amazon-provided IPv6
    block is disassociated or associated; tags through the tags interceptor."""
    vpc_id = old.id
    if "enableDnsSupport" in changed:
        value = bool(req.get("enableDnsSupport", True))
        req.ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": value})
    if "enableDnsHostnames" in changed:
        value = bool(req.get("enableDnsHostnames", False))
        req.ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": value})
    if "assignGeneratedIpv6CidrBlock" in changed:
        association = old.outputs.get("ipv6AssociationId")
        if association:
            req.ec2.disassociate_vpc_cidr_block(AssociationId=association)
        if req.get("assignGeneratedIpv6CidrBlock"):
            req.ec2.associate_vpc_cidr_block(VpcId=vpc_id, AmazonProvidedIpv6CidrBlock=True)
    if "tags" in changed:
        req.update_tags(vpc_id, old)
    return vpc_id, _outputs(req, vpc_id)


def _delete_vpc(req: Request, old: ResourceState) -> None:
    """vpc_.go:356-414: DeleteVpc (NotFound is fine). AWS refuses while anything is left in
    the VPC (DependencyViolation), which the emulation reports."""
    with already_gone("InvalidVpcID.NotFound"):
        req.ec2.delete_vpc(VpcId=old.id)


def _read_vpc(req: Request) -> Outputs:
    vpc_id = req.require("id")
    outputs = _outputs(req, vpc_id)
    vpc = req.ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    outputs["tags"] = {t["Key"]: t["Value"] for t in vpc.get("Tags", [])}
    return vpc_id, outputs


VPC = ResourceHandler(
    create=_create_vpc,
    update=_update_vpc,
    updatable=frozenset({"enableDnsSupport", "enableDnsHostnames", "assignGeneratedIpv6CidrBlock"}),
    delete=_delete_vpc,
    read=_read_vpc,
)


def _associate_ipv4(req: Request) -> Outputs:
    """vpc_ipv4_cidr_block_association.go:98-132: AssociateVpcCidrBlock; the id is the
    association's."""
    req.only({"vpcId", "cidrBlock"})
    association = req.ec2.associate_vpc_cidr_block(
        VpcId=req.require("vpcId"), CidrBlock=req.require("cidrBlock")
    )["CidrBlockAssociation"]
    return association["AssociationId"], {"cidrBlock": association["CidrBlock"]}


def _disassociate(req: Request, old: ResourceState) -> None:
    """vpc_ipv{4,6}_cidr_block_association.go Delete: DisassociateVpcCidrBlock (NotFound
    is fine)."""
    with already_gone("InvalidVpcCidrBlockAssociationID.NotFound", "InvalidVpcID.NotFound"):
        req.ec2.disassociate_vpc_cidr_block(AssociationId=old.id)


CIDR_ASSOCIATION = ResourceHandler(create=_associate_ipv4, delete=_disassociate)


def _associate_ipv6(req: Request) -> Outputs:
    """vpc_ipv6_cidr_block_association.go:121-163 (Amazon-provided blocks only)."""
    req.only({"vpcId", "assignGeneratedIpv6CidrBlock"})
    if not req.get("assignGeneratedIpv6CidrBlock", True):
        raise EmulatorError(f"{req.what}: only Amazon-provided IPv6 blocks are emulated")
    response = req.ec2.associate_vpc_cidr_block(
        VpcId=req.require("vpcId"), AmazonProvidedIpv6CidrBlock=True
    )
    association = response["Ipv6CidrBlockAssociation"]
    return association["AssociationId"], {
        "ipv6CidrBlock": association["Ipv6CidrBlock"],
        "assignGeneratedIpv6CidrBlock": True,
    }


IPV6_CIDR_ASSOCIATION = ResourceHandler(create=_associate_ipv6, delete=_disassociate)
