"""The emulation of each resource type peerstack registers: create, update, delete, read.

One module per resource family; each handler does to moto what terraform-provider-aws
(which pulumi-aws bridges) does to AWS, and cites the provider's source where it does.
"""

from __future__ import annotations

from peerstack._provider import tokens
from peerstack.emulator._handlers._base import Outputs, Request, ResourceHandler
from peerstack.emulator._handlers.invokes import INVOKES, Invoke
from peerstack.emulator._handlers.peering import ACCEPTER, CONNECTION, OPTIONS
from peerstack.emulator._handlers.route import ROUTE
from peerstack.emulator._handlers.route_table import ASSOCIATION, ROUTE_TABLE
from peerstack.emulator._handlers.security_group import SECURITY_GROUP
from peerstack.emulator._handlers.security_rule import SECURITY_EGRESS_RULE, SECURITY_RULE
from peerstack.emulator._handlers.subnet import SUBNET
from peerstack.emulator._handlers.vpc import CIDR_ASSOCIATION, IPV6_CIDR_ASSOCIATION, VPC

__all__ = ["HANDLERS", "INVOKES", "Invoke", "Outputs", "Request", "ResourceHandler"]

HANDLERS: dict[str, ResourceHandler] = {
    tokens.VPC: VPC,
    tokens.CIDR_ASSOCIATION: CIDR_ASSOCIATION,
    tokens.IPV6_CIDR_ASSOCIATION: IPV6_CIDR_ASSOCIATION,
    tokens.SUBNET: SUBNET,
    tokens.ROUTE_TABLE: ROUTE_TABLE,
    tokens.ASSOCIATION: ASSOCIATION,
    tokens.CONNECTION: CONNECTION,
    tokens.ACCEPTER: ACCEPTER,
    tokens.OPTIONS: OPTIONS,
    tokens.ROUTE: ROUTE,
    tokens.SECURITY_RULE: SECURITY_RULE,
    tokens.SECURITY_GROUP: SECURITY_GROUP,
    tokens.SECURITY_EGRESS_RULE: SECURITY_EGRESS_RULE,
}
"""Handlers by Pulumi type token."""
