"""What verify found: each difference from the plan, each link's state, the reachability."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from peerstack._text import plural
from peerstack.errors import VerificationError

__all__ = ["Difference", "DifferenceKind", "LinkStatus", "VerifyResult"]


class DifferenceKind(enum.StrEnum):
    """What kind of thing differs from the plan."""

    VPC_MISSING = "vpc-missing"
    VPC_AMBIGUOUS = "vpc-ambiguous"
    """Several VPCs are tagged as one planned VPC and nothing tells which is in use: the
    checks that depend on that VPC are skipped."""
    VPC_UNEXPECTED = "vpc-unexpected"
    """A VPC tagged as this topology's that stands for none of its VPCs (a leftover)."""
    VPC_BLOCK_MISSING = "vpc-block-missing"
    """A block the plan gives a VPC is not associated with it."""
    VPC_BLOCK_UNEXPECTED = "vpc-block-unexpected"
    """A VPC has a block the plan does not give it."""
    DNS_ATTRIBUTE = "dns-attribute"
    SUBNET_MISSING = "subnet-missing"
    """A planned subnet is gone."""
    SUBNET_ROUTE_TABLE = "subnet-route-table"
    """A subnet uses another route table than planned (disassociated, or moved)."""
    SUBNET_UNEXPECTED = "subnet-unexpected"
    """A created VPC has a subnet the plan does not have."""
    SUBNET_IPV6 = "subnet-ipv6"
    """A subnet's IPv6 block is not the /64 its ``ipv6_index`` gives (or it has one it
    should not)."""
    ROUTE_TABLE_MISSING = "route-table-missing"
    LINK_MISSING = "link-missing"
    LINK_WRONG_VPCS = "link-wrong-vpcs"
    LINK_NOT_ACTIVE = "link-not-active"
    DNS_OPTION = "dns-option"
    PEERING_UNEXPECTED = "peering-unexpected"
    """A peering connection the plan does not have touches one of its VPCs."""
    ROUTE_MISSING = "route-missing"
    ROUTE_WRONG_TARGET = "route-wrong-target"
    ROUTE_BLACKHOLE = "route-blackhole"
    ROUTE_UNEXPECTED = "route-unexpected"
    ROUTE_SHADOWED = "route-shadowed"
    """A more specific route, not over a peering, takes part of a planned destination."""
    REACHABILITY = "reachability"
    """Two VPCs reach each other, or not, unlike the plan."""
    SUBNET_REACHABILITY = "subnet-reachability"
    """Two subnets reach each other, or not, unlike the plan, while their VPCs agree."""
    SECURITY_RULE_MISSING = "security-rule-missing"
    """A planned rule (inbound, or the egress of a group peerstack creates) is not in its
    security group."""
    SECURITY_RULE_CHANGED = "security-rule-changed"
    """peerstack's rule is there with another protocol, port range, source or
    destination."""
    SECURITY_RULE_UNEXPECTED = "security-rule-unexpected"
    """A rule tagged as this topology's that is no planned rule (whatever its tags say)."""
    SECURITY_GROUP_MISSING = "security-group-missing"
    """A security group the plan creates is not in its VPC."""


@dataclass(frozen=True, slots=True)
class Difference:
    """One way AWS differs from the plan."""

    kind: DifferenceKind
    subject: str
    """What differs: a link name, ``vpc/table -> destination``, ``a -> b`` ..."""
    message: str
    """A sentence for people."""
    expected: str | None = None
    actual: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "subject": self.subject,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
        }


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """The peering connection found for one link of the plan."""

    link: str
    connection_id: str | None
    """None when no connection was found."""
    status: str
    """AWS's status code (``active``, ``pending-acceptance``, ``deleted`` ...) or ``missing``."""

    def to_dict(self) -> dict[str, Any]:
        return {"link": self.link, "connection_id": self.connection_id, "status": self.status}


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of comparing AWS with a plan: ``ok`` when nothing differs."""

    topology: str
    differences: tuple[Difference, ...]
    links: tuple[LinkStatus, ...] = ()
    reachability: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """VPC-level reachability recomputed from the route tables found."""
    routes_checked: int = 0
    rules_checked: int = 0
    """Security group rules of the plan looked for: inbound ones, and the egress rules of
    the groups peerstack creates."""
    subnet_reachability: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Subnet-level reachability recomputed from the subnets and tables found, named as in
    :attr:`Plan.subnet_reachability <peerstack.plan.Plan.subnet_reachability>` (a subnet the
    plan does not have is named by its id)."""

    @property
    def ok(self) -> bool:
        return not self.differences

    def raise_for_differences(self) -> None:
        """Raise :class:`~peerstack.errors.VerificationError` unless ``ok``."""
        if self.ok:
            return
        count = len(self.differences)
        shown = "\n".join(f"  {d}" for d in self.differences[:10])
        more = f"\n  ... and {count - 10} more" if count > 10 else ""
        raise VerificationError(
            f"{count} difference{'s' if count != 1 else ''} between AWS and the plan of "
            f"{self.topology!r}:\n{shown}{more}"
        )

    def summary(self) -> str:
        """One line: what was checked and how it went."""
        checked = f"{plural(len(self.links), 'link')}, {plural(self.routes_checked, 'route')}"
        if self.rules_checked:
            checked += f", {plural(self.rules_checked, 'security group rule')}"
        if self.ok:
            return f"verified: {checked} match the plan of {self.topology!r}"
        count = len(self.differences)
        return f"{count} difference{'s' if count != 1 else ''} from the plan ({checked} checked)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "topology": self.topology,
            "ok": self.ok,
            "differences": [d.to_dict() for d in self.differences],
            "links": [link.to_dict() for link in self.links],
            "reachability": {vpc: list(peers) for vpc, peers in self.reachability.items()},
            "routes_checked": self.routes_checked,
            "rules_checked": self.rules_checked,
            "subnet_reachability": {k: list(v) for k, v in self.subnet_reachability.items()},
        }
