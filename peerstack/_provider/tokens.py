"""Pulumi type tokens of every resource and invoke peerstack registers, in one place.

Pure data (no Pulumi import): the components register these types, the emulator
implements them, progress and the test helpers recognise them.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ACCEPTER",
    "ASSOCIATION",
    "AWS_PROVIDER",
    "CIDR_ASSOCIATION",
    "CONNECTION",
    "GET_PEERING_CONNECTIONS",
    "GET_ROUTE_TABLES",
    "IPV6_CIDR_ASSOCIATION",
    "LINK",
    "OPTIONS",
    "ROUTE",
    "ROUTE_TABLE",
    "SECURITY_EGRESS_RULE",
    "SECURITY_GROUP",
    "SECURITY_RULE",
    "STACK",
    "SUBNET",
    "TOPOLOGY",
    "VPC",
    "VPC_COMPONENT",
    "short_type",
]

# peerstack's own components
TOPOLOGY: Final = "peerstack:index:PeeringTopology"
VPC_COMPONENT: Final = "peerstack:index:Vpc"
LINK: Final = "peerstack:index:Link"

# Pulumi
STACK: Final = "pulumi:pulumi:Stack"
AWS_PROVIDER: Final = "pulumi:providers:aws"

# pulumi-aws resources
VPC: Final = "aws:ec2/vpc:Vpc"
CIDR_ASSOCIATION: Final = "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation"
IPV6_CIDR_ASSOCIATION: Final = "aws:ec2/vpcIpv6CidrBlockAssociation:VpcIpv6CidrBlockAssociation"
SUBNET: Final = "aws:ec2/subnet:Subnet"
ROUTE_TABLE: Final = "aws:ec2/routeTable:RouteTable"
ASSOCIATION: Final = "aws:ec2/routeTableAssociation:RouteTableAssociation"
CONNECTION: Final = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
ACCEPTER: Final = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"
OPTIONS: Final = "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions"
ROUTE: Final = "aws:ec2/route:Route"
SECURITY_RULE: Final = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP: Final = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_EGRESS_RULE: Final = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"

# pulumi-aws invokes
GET_ROUTE_TABLES: Final = "aws:ec2/getRouteTables:getRouteTables"
GET_PEERING_CONNECTIONS: Final = "aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections"


def short_type(token: str) -> str:
    """``aws:ec2/vpc:Vpc`` -> ``Vpc``; ``pulumi:providers:aws`` -> ``Provider (aws)``."""
    if token.startswith("pulumi:providers:"):
        return f"Provider ({token.rsplit(':', 1)[1]})"
    return token.rsplit(":", 1)[-1]
