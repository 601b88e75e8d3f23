"""What the AWS provider does when the inputs of a resource peerstack registers change.

Pure data about pulumi-aws v7 (which bridges terraform-provider-aws v6; read in
``internal/service/ec2``, v6.28.0): which inputs force a replacement (``ForceNew``), and
what a delete does in AWS. The emulator applies changes with it and ``peerstack diff``
classifies them with it, so both agree with the real provider.

Cited per type below as ``file:line`` of terraform-provider-aws ``internal/service/ec2``.
Every regional resource also replaces when its ``region`` changes
(``internal/provider/sdkv2/region.go:96-118``; pulumi-aws v7 always sends a region).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peerstack._provider import tokens

__all__ = ["RULES", "Change", "DeleteEffect", "ResourceRules", "changed_keys", "classify"]


class DeleteEffect(enum.StrEnum):
    """What deleting a resource does in AWS."""

    DELETES = "deletes"
    """The AWS object is deleted (or disassociated)."""
    NOTHING = "nothing"
    """The provider's delete makes no API call: the AWS object stays as it is."""


@dataclass(frozen=True, slots=True)
class ResourceRules:
    """How the provider treats one resource type."""

    replace_on: frozenset[str]
    """Inputs (Pulumi's camelCase names) whose change replaces the resource."""
    delete: DeleteEffect = DeleteEffect.DELETES
    citation: str = ""


def _rules(
    *replace_on: str, delete: DeleteEffect = DeleteEffect.DELETES, cite: str
) -> ResourceRules:
    return ResourceRules(frozenset({"region", *replace_on}), delete, cite)


RULES: Mapping[str, ResourceRules] = {
    # vpc_.go:88-145 (cidr_block, ipv4_ipam_pool_id, ipv4_netmask_length ForceNew;
    # instance_tenancy ForceNew unless dedicated -> default, 437-442); DNS attributes and
    # the Amazon-provided IPv6 block update in place (293-354).
    tokens.VPC: _rules(
        "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength", "instanceTenancy", cite="vpc_.go:59-188"
    ),
    # vpc_ipv4_cidr_block_association.go:65-89: every argument ForceNew, no Update.
    tokens.CIDR_ASSOCIATION: _rules(
        "cidrBlock",
        "vpcId",
        "ipv4IpamPoolId",
        "ipv4NetmaskLength",
        cite="vpc_ipv4_cidr_block_association.go:65-89",
    ),
    # vpc_ipv6_cidr_block_association.go:64-112: everything user-settable ForceNew.
    tokens.IPV6_CIDR_ASSOCIATION: _rules(
        "assignGeneratedIpv6CidrBlock",
        "ipv6CidrBlock",
        "ipv6IpamPoolId",
        "ipv6NetmaskLength",
        "ipv6Pool",
        "vpcId",
        cite="vpc_ipv6_cidr_block_association.go:64-112",
    ),
    # vpc_subnet.go:55-158: zone, zone id, CIDR, ipv6_native, outpost, VPC ForceNew;
    # ipv6_cidr_block and the launch attributes update in place (253-325).
    tokens.SUBNET: _rules(
        "availabilityZone",
        "availabilityZoneId",
        "cidrBlock",
        "ipv6Native",
        "outpostArn",
        "vpcId",
        cite="vpc_subnet.go:55-158",
    ),
    # vpc_route_table.go:158-162: vpc_id ForceNew.
    tokens.ROUTE_TABLE: _rules("vpcId", cite="vpc_route_table.go:70-163"),
    # vpc_route_table_association.go:43-60: subnet_id, gateway_id ForceNew; route_table_id
    # updates with ReplaceRouteTableAssociation (126-160), which changes the id.
    tokens.ASSOCIATION: _rules(
        "subnetId", "gatewayId", cite="vpc_route_table_association.go:43-60"
    ),
    # vpc_peering_connection.go:48-83: vpc_id, peer_vpc_id, peer_owner_id, peer_region ForceNew.
    tokens.CONNECTION: _rules(
        "vpcId", "peerVpcId", "peerOwnerId", "peerRegion", cite="vpc_peering_connection.go:48-83"
    ),
    # vpc_peering_connection_accepter.go:78-82 ForceNew; Delete is schema.NoopContext (27):
    # the connection stays as it is.
    tokens.ACCEPTER: _rules(
        "vpcPeeringConnectionId",
        delete=DeleteEffect.NOTHING,
        cite="vpc_peering_connection_accepter.go:27,78-82",
    ),
    # vpc_peering_connection_options.go:28-36 ForceNew id; Delete (114-120) does nothing:
    # "Don't do anything with the underlying VPC Peering Connection".
    tokens.OPTIONS: _rules(
        "vpcPeeringConnectionId",
        delete=DeleteEffect.NOTHING,
        cite="vpc_peering_connection_options.go:28-36,114-120",
    ),
    # vpc_route.go:76-106: table and destinations ForceNew; targets update with ReplaceRoute.
    tokens.ROUTE: _rules(
        "routeTableId",
        "destinationCidrBlock",
        "destinationIpv6CidrBlock",
        "destinationPrefixListId",
        cite="vpc_route.go:76-187",
    ),
    # vpc_security_group_ingress_rule.go: security_group_id RequiresReplace; protocol,
    # ports and source update with ModifySecurityGroupRules (a change of the source's
    # kind replaces: ModifyPlan); Delete revokes the rule.
    tokens.SECURITY_RULE: _rules(
        "securityGroupId", cite="vpc_security_group_ingress_rule.go (schema, Update, ModifyPlan)"
    ),
    # vpc_security_group.go schema: name, name_prefix, description and vpc_id ForceNew;
    # tags (and inline rules, which peerstack never sets) update in place.
    tokens.SECURITY_GROUP: _rules(
        "name", "namePrefix", "description", "vpcId", cite="vpc_security_group.go (schema)"
    ),
    # vpc_security_group_egress_rule.go: as the ingress rule.
    tokens.SECURITY_EGRESS_RULE: _rules(
        "securityGroupId", cite="vpc_security_group_egress_rule.go (schema, Update, ModifyPlan)"
    ),
}
"""Rules per Pulumi type token, for every AWS resource type peerstack registers."""

_IGNORED = frozenset({"tagsAll", "__defaults"})
"""Inputs that are not the user's (the provider's computed merge of tags, SDK markers)."""


class Change(enum.StrEnum):
    """What the engine does with one registered resource, as ``pulumi preview`` says it."""

    CREATE = "create"
    SAME = "same"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    READ = "read"
    """An existing resource read (``Resource.get``): never created nor deleted."""
    IMPORT = "import"
    """An existing resource taken over (the ``import_`` option): managed from then on."""


def changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> frozenset[str]:
    """Inputs whose value differs (absent, None, empty and false count as unset)."""
    keys = (set(old) | set(new)) - _IGNORED
    return frozenset(k for k in keys if _normal(old.get(k)) != _normal(new.get(k)))


def classify(
    type_: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[Change, frozenset[str]]:
    """``(change, keys)`` for a resource registered again with ``new`` inputs.

    ``keys`` are the inputs that changed. Types without rules (components, providers)
    update in place.
    """
    keys = changed_keys(old, new)
    if not keys:
        return Change.SAME, keys
    rules = RULES.get(type_)
    if rules is not None and keys & rules.replace_on:
        if type_ == tokens.VPC and keys & rules.replace_on == {"instanceTenancy"}:
            # vpc_.go:437-442: dedicated -> default is the one tenancy change in place.
            if old.get("instanceTenancy") == "dedicated" and new.get("instanceTenancy") in (
                None,
                "default",
            ):
                return Change.UPDATE, keys
        return Change.REPLACE, keys
    return Change.UPDATE, keys


def _normal(value: Any) -> Any:
    if value in (None, "", False, [], {}):
        return None
    if isinstance(value, Mapping):
        normal = {k: _normal(v) for k, v in value.items()}
        return {k: v for k, v in normal.items() if v is not None} or None
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value
