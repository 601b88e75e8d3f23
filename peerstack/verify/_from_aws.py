"""AWS's describe results as snapshot types: one function per kind of object.

Only what AWS still holds counts: a block or an association being released (or failed)
is gone, and a route whose destination is a prefix list is not an address range verify
can place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peerstack._cidr import aws_network
from peerstack.verify._snapshot import (
    PeeringSide,
    PeeringSnapshot,
    RouteSnapshot,
    RouteTableSnapshot,
    SecurityRuleSnapshot,
    SubnetSnapshot,
    VpcSnapshot,
)

__all__ = ["peering", "route_table", "security_rule", "subnet", "tags", "vpc"]

_GONE = frozenset({"disassociating", "disassociated", "failing", "failed"})
_TARGET_KEYS = (
    "VpcPeeringConnectionId",
    "GatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "EgressOnlyInternetGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
)


def tags(item: Mapping[str, Any]) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value", "")) for t in item.get("Tags") or []}


def _normal(cidr: str) -> str:
    return str(aws_network(cidr))


def vpc(item: Mapping[str, Any], account_id: str, region: str) -> VpcSnapshot:
    ipv4: list[str] = []
    for association in item.get("CidrBlockAssociationSet") or []:
        if association.get("CidrBlockState", {}).get("State") not in _GONE:
            ipv4.append(_normal(association["CidrBlock"]))
    primary = item.get("CidrBlock")
    if primary and _normal(primary) in ipv4:  # primary first
        ipv4.remove(_normal(primary))
        ipv4.insert(0, _normal(primary))
    elif primary and not item.get("CidrBlockAssociationSet"):
        ipv4.append(_normal(primary))
    ipv6 = [
        _normal(a["Ipv6CidrBlock"])
        for a in item.get("Ipv6CidrBlockAssociationSet") or []
        if a.get("Ipv6CidrBlock") and a.get("Ipv6CidrBlockState", {}).get("State") not in _GONE
    ]
    return VpcSnapshot(
        id=item["VpcId"],
        account_id=item.get("OwnerId") or account_id,
        region=region,
        cidrs=tuple(ipv4),
        ipv6_cidrs=tuple(ipv6),
        tags=tags(item),
    )


def subnet(item: Mapping[str, Any]) -> SubnetSnapshot:
    ipv6 = [
        _normal(a["Ipv6CidrBlock"])
        for a in item.get("Ipv6CidrBlockAssociationSet") or []
        if a.get("Ipv6CidrBlock") and a.get("Ipv6CidrBlockState", {}).get("State") not in _GONE
    ]
    return SubnetSnapshot(
        id=item["SubnetId"],
        vpc_id=item["VpcId"],
        cidr=_normal(item["CidrBlock"]),
        ipv6_cidrs=tuple(ipv6),
        tags=tags(item),
    )


def route_table(item: Mapping[str, Any]) -> RouteTableSnapshot:
    routes: list[RouteSnapshot] = []
    for route in item.get("Routes") or []:
        cidr = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        if not cidr:
            continue  # a prefix-list destination: not an address range verify can place
        target = next((str(route[k]) for k in _TARGET_KEYS if route.get(k)), "none")
        routes.append(RouteSnapshot(_normal(cidr), target, route.get("State") == "blackhole"))
    associations = [
        a
        for a in item.get("Associations") or []
        if a.get("AssociationState", {}).get("State") not in _GONE
    ]
    return RouteTableSnapshot(
        id=item["RouteTableId"],
        vpc_id=item["VpcId"],
        routes=tuple(routes),
        main=any(a.get("Main") for a in associations),
        subnet_ids=tuple(a["SubnetId"] for a in associations if a.get("SubnetId")),
        tags=tags(item),
    )


def _side(info: Mapping[str, Any]) -> PeeringSide:
    options = info.get("PeeringOptions") or {}
    return PeeringSide(
        vpc_id=str(info.get("VpcId", "")),
        account_id=str(info.get("OwnerId", "")),
        region=str(info.get("Region", "")),
        dns_resolution=bool(options.get("AllowDnsResolutionFromRemoteVpc")),
    )


def peering(item: Mapping[str, Any]) -> PeeringSnapshot:
    return PeeringSnapshot(
        id=item["VpcPeeringConnectionId"],
        status=str((item.get("Status") or {}).get("Code", "unknown")),
        requester=_side(item.get("RequesterVpcInfo") or {}),
        accepter=_side(item.get("AccepterVpcInfo") or {}),
        tags=tags(item),
    )


def security_rule(item: Mapping[str, Any]) -> SecurityRuleSnapshot:
    cidr = item.get("CidrIpv4") or item.get("CidrIpv6")
    referenced = item.get("ReferencedGroupInfo") or {}
    return SecurityRuleSnapshot(
        id=item["SecurityGroupRuleId"],
        group_id=item["GroupId"],
        protocol=str(item.get("IpProtocol", "-1")),
        from_port=int(item.get("FromPort", -1)),
        to_port=int(item.get("ToPort", -1)),
        cidr=_normal(cidr) if cidr else None,
        referenced_group_id=referenced.get("GroupId"),
        referenced_account_id=referenced.get("UserId"),
        tags=tags(item),
        egress=bool(item.get("IsEgress")),
    )
