"""The Pulumi name of every resource peerstack registers, made from topology names only.

One place builds them, so nothing else needs to parse a name back. Names are joined
with ``.``, which no topology name contains, and a link's name is ``a--b`` (or the name
the topology gives it): adding a VPC or a link never renames an existing resource, and
two topologies (two prefixes) in one stack never collide.
"""

from __future__ import annotations

from peerstack.plan.model import RoutePlan, SecurityGroupPlan, SecurityRulePlan, slug

__all__ = [
    "association",
    "cidr_association",
    "link",
    "options",
    "provider",
    "route",
    "route_table",
    "security_egress_rule",
    "security_group",
    "security_rule",
    "subnet",
    "vpc",
]


def provider(prefix: str, account: str) -> str:
    """The ``aws`` provider of one account."""
    return f"{prefix}.{account}"


def vpc(prefix: str, vpc_name: str) -> str:
    """A VPC's component, and its ``aws.ec2.Vpc`` when peerstack creates it."""
    return f"{prefix}.{vpc_name}"


def cidr_association(prefix: str, vpc_name: str, cidr: str) -> str:
    """The association of one secondary IPv4 block with its VPC."""
    return f"{prefix}.{vpc_name}.{slug(cidr)}"


def subnet(prefix: str, vpc_name: str, subnet_name: str) -> str:
    """A subnet, and its route table association when it uses a named table."""
    return f"{prefix}.{vpc_name}.{subnet_name}"


association = subnet


def route_table(prefix: str, vpc_name: str, table: str) -> str:
    """A route table peerstack creates (every table but the main one)."""
    return f"{prefix}.{vpc_name}.{table}"


def link(prefix: str, link_name: str) -> str:
    """A link's component, its peering connection and (when needed) its accepter."""
    return f"{prefix}.{link_name}"


def options(prefix: str, link_name: str, side: str) -> str:
    """The peering options of one side (``requester`` or ``accepter``) of a link."""
    return f"{prefix}.{link_name}.{side}"


def route(prefix: str, route_plan: RoutePlan, table: str) -> str:
    """One route, in one concrete table (a discovered table's id for ``*``)."""
    return f"{prefix}.{route_plan.key_in(table)}"


def security_rule(prefix: str, rule: SecurityRulePlan) -> str:
    """One inbound security group rule (its group, protocol, ports and source)."""
    return f"{prefix}.{rule.key}"


def security_group(prefix: str, group: SecurityGroupPlan) -> str:
    """A security group peerstack creates in a created VPC."""
    return f"{prefix}.{group.key}"


def security_egress_rule(prefix: str, group: SecurityGroupPlan, destination: str) -> str:
    """The allow-all egress rule of a created group, to one destination."""
    return f"{prefix}.{group.key}.egress.{slug(destination)}"
