"""What an invalid topology's cross-object checks had to go without."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Omitted"]


@dataclass(frozen=True, slots=True)
class Omitted:
    """Entries of an invalid topology that were left out, each already reported.

    When some fields fail validation, the entries that did validate are still planned so
    that every problem is found in one round. The planner reads this to stay quiet about
    what follows from a left-out entry: a link to a VPC whose own entry is invalid is
    not a link to an "unknown VPC".
    """

    vpcs: frozenset[str] = frozenset()
    """Names of VPCs whose entries are invalid."""
    accounts: frozenset[str] = frozenset()
    """Aliases of accounts whose entries are invalid."""
    every_vpc: bool = False
    """`vpcs` itself is missing or invalid: any VPC name may be meant."""
    every_account: bool = False
    """`accounts` itself is missing or invalid: any alias may be meant."""
    defaults: frozenset[str] = frozenset()
    """Fields of `defaults` that are invalid (`account`, `region`, ...)."""
    accounts_written: int = 0
    """How many accounts the file lists, valid or not (one account is the default)."""
    partial_vpcs: frozenset[str] = frozenset()
    """VPCs kept without some invalid subnets or security groups: names of subnets, route
    tables and groups may be among the left-out ones."""
    item_positions: Mapping[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)
    """For a partial VPC's trimmed list, ``(vpc, "subnets")`` say: the position each kept
    item was written at."""
    positions: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    """For `peerings`, `meshes`, `hubs` and `accepts`: the position each kept entry was
    written at."""

    def vpc(self, name: str) -> bool:
        """The VPC ``name`` may exist: it was written, but its entry is invalid."""
        return self.every_vpc or name in self.vpcs

    def part_of(self, vpc: str) -> bool:
        """A subnet, route table or group name of ``vpc`` may exist in a left-out item."""
        return vpc in self.partial_vpcs

    def account(self, alias: str) -> bool:
        """The account ``alias`` may exist: it was written, but its entry is invalid."""
        return self.every_account or alias in self.accounts
