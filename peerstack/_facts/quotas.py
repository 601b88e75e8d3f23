"""The AWS service quotas a topology is checked against: defaults, maxima, console names.

From "Amazon VPC quotas" (VPC user guide) and "Amazon EC2 security group quotas": each
is adjustable in the Service Quotas console up to its maximum. A topology may raise the
limit it is validated against (``quotas:``) after raising it in AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["QUOTAS", "Quota"]


@dataclass(frozen=True, slots=True)
class Quota:
    """One quota: the topology's key for it, AWS's default, maximum and name."""

    key: str
    """Its key under the topology's ``quotas:``."""
    default: int
    maximum: int | None
    """None: AWS names no maximum."""
    console_name: str
    """Its name in the Service Quotas console."""
    meaning: str
    """What it limits, for the schema's documentation."""

    def raise_hint(self, alternative: str) -> str:
        """``raise the AWS quota '<name>' and `quotas.<key>` (AWS maximum N), or ...``."""
        maximum = f" (AWS maximum {self.maximum})" if self.maximum is not None else ""
        return (
            f"raise the AWS quota {self.console_name!r} and `quotas.{self.key}`{maximum}, "
            f"or {alternative}"
        )


QUOTAS: Final[Mapping[str, Quota]] = MappingProxyType(
    {
        quota.key: quota
        for quota in (
            Quota(
                "peerings_per_vpc",
                50,
                125,
                "Active VPC peering connections per VPC",
                "Active peering connections per VPC",
            ),
            Quota(
                "routes_per_table",
                50,
                1000,
                "Routes per route table",
                "Routes per route table, per address family",
            ),
            Quota(
                "outstanding_requests_per_account",
                25,
                None,
                "Outstanding VPC peering connection requests",
                "Peering requests an account may have pending acceptance at once (peerstack "
                "orders its requests so that no more are pending; it never refuses more in total)",
            ),
            Quota(
                "cidrs_per_vpc",
                5,
                50,
                "IPv4 CIDR blocks per VPC",
                "IPv4 CIDR blocks per VPC",
            ),
            Quota(
                "rules_per_security_group",
                60,
                1000,
                "Inbound or outbound rules per security group",
                "Inbound rules per security group, per address family (a group reference "
                "counts in both)",
            ),
        )
    }
)
"""Every quota the plan checks, by its key under ``quotas:``."""
