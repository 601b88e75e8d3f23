"""One step of an operation: what the engine did (or would do) to one resource.

A real engine's events (``peerstack.automation.ProgressTracker``) and the emulation's
engine both describe their steps with :class:`ResourceStep`; :class:`Places` says which
link or VPC of a plan a resource belongs to, for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peerstack._provider import tokens
from peerstack.plan import names

if TYPE_CHECKING:
    from peerstack.plan import Plan

__all__ = ["Places", "ResourceStep", "is_aws", "normalize_op", "parse_urn"]

_REPLACE_OPS = frozenset({"replace", "create-replacement", "delete-replaced"})

_STAGES: Mapping[str, str] = {
    tokens.CONNECTION: "peering connection",
    tokens.ACCEPTER: "accepter",
    tokens.OPTIONS: "peering options",
    tokens.ROUTE: "route",
    tokens.SECURITY_RULE: "security group rule",
}
"""Resource types that make up a link, and what a person calls them."""


def normalize_op(op: object) -> str:
    """``OpType.CREATE`` or ``"create"`` -> ``"create"``; the replace family -> ``"replace"``."""
    text = str(getattr(op, "value", op))
    if text in _REPLACE_OPS:
        return "replace"
    return text


def is_aws(type_: str) -> bool:
    """A resource in AWS: its Pulumi type is of the ``aws`` package (``aws:ec2/vpc:Vpc``).

    Providers (``pulumi:providers:aws``), components (``peerstack:index:Link``, or a
    program's own) and the stack (``pulumi:pulumi:Stack``) are not.
    """
    return type_.split(":", 1)[0] == "aws"


def parse_urn(urn: str) -> tuple[str, str]:
    """``(type, name)`` of a URN ``urn:pulumi:STACK::PROJECT::PARENT$TYPE::NAME``."""
    parts = urn.split("::", 3)
    if len(parts) < 4:
        return "", urn
    return parts[2].rsplit("$", 1)[-1], parts[3]


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceStep:
    """One resource and what an operation did (or, in a preview, would do) to it.

    The same type for the real engine and the emulation; what one of them does not know
    is None (the real engine's events carry no account or region).
    """

    op: str
    """``create``, ``import``, ``update``, ``replace``, ``delete``, ``same``, ``read``,
    ``refresh`` ...; the emulation's steps hold a :class:`~peerstack._provider.changes.Change`
    (a ``str``)."""
    type: str
    """The Pulumi type token, e.g. ``aws:ec2/route:Route``."""
    name: str
    """The resource's logical name (the last part of its URN)."""
    urn: str = ""
    link: str | None = None
    """The peering link this resource belongs to, when it belongs to one."""
    vpc: str | None = None
    """The VPC this resource belongs to (its VPC, subnets, tables), when it belongs to one."""
    account_id: str | None = None
    """The account the resource lives in, when known (never for providers and components)."""
    region: str | None = None
    id: str | None = None
    """The resource's id (``vpc-...``) when known; None in a preview, or for components."""
    changed: frozenset[str] = frozenset()
    """For ``update`` and ``replace``: the inputs that changed, when known."""
    custom: bool = True
    """False for component resources (and the stack)."""
    parent: str = ""
    """The URN of the resource's parent (its VPC's or link's component), when known."""
    replacement: bool = False
    """The ``delete`` of the old resource a ``replace`` superseded (the emulation records
    it as a step of its own; the real engine's events fold it into the ``replace``)."""

    @property
    def aws(self) -> bool:
        """The step concerns a resource in AWS (not a provider, a component or the stack)."""
        return is_aws(self.type)

    @property
    def counted(self) -> bool:
        """Counted in a :class:`~peerstack.automation.ChangeSummary`: an AWS resource, and
        not the delete a replacement implies (a replacement counts once)."""
        return self.aws and not self.replacement

    @property
    def stage(self) -> str | None:
        """``peering connection``, ``accepter``, ``peering options`` or ``route``."""
        return _STAGES.get(self.type)

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": str(self.op),
            "type": self.type,
            "name": self.name,
            "link": self.link,
            "vpc": self.vpc,
            "account_id": self.account_id,
            "region": self.region,
            "id": self.id,
            "changed": sorted(self.changed),
        }


class Places:
    """Which link or VPC of a plan a resource belongs to.

    A resource belongs to the link whose ``peerstack:index:Link`` component is its parent
    (or is that component), and likewise to a VPC through its ``peerstack:index:Vpc``;
    the components are named by the one function that names them.
    """

    def __init__(self, plan: Plan, prefix: str | None = None) -> None:
        """``prefix`` is the PeeringTopology's name (default: the topology's name, which
        is what every peerstack deployment uses)."""
        prefix = plan.topology if prefix is None else prefix
        # An accepted request from outside is a link too (its component is a Link).
        self.link_names = tuple([link.name for link in plan.links] + [a.name for a in plan.accepts])
        self._links = {names.link(prefix, name): name for name in self.link_names}
        self._vpcs = {names.vpc(prefix, vpc.name): vpc.name for vpc in plan.vpcs}

    def of(self, type_: str, name: str, parent: str) -> tuple[str | None, str | None]:
        """``(link, vpc)`` of a resource, from its type, its name and its parent's URN."""
        parent_type, parent_name = parse_urn(parent) if parent else ("", "")
        if type_ == tokens.LINK:
            return self._links.get(name), None
        if parent_type == tokens.LINK:
            return self._links.get(parent_name), None
        if type_ == tokens.VPC_COMPONENT:
            return None, self._vpcs.get(name)
        if parent_type == tokens.VPC_COMPONENT:
            return None, self._vpcs.get(parent_name)
        return None, None
