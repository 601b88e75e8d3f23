"""What discover says besides the topology: what it chose, and what it could not express.

Every finding names the AWS object it is about and says whether applying the file
changes AWS because of it (``changes_aws``). The report also carries the differences
``peerstack verify`` will find after ``up``, computed before anything is written by
verify's own comparison (:func:`peerstack.verify.compare`) on what discover read.
"""

from __future__ import annotations

import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DiscoveryReport", "Finding", "FindingKind", "PredictedDifference"]


class FindingKind(enum.StrEnum):
    """What a finding is about."""

    CONNECTION_ENDED = "connection-ended"
    """Deleted, rejected, failed or expired: skipped, it carries no traffic."""
    CONNECTION_PENDING = "connection-pending"
    """A request not accepted yet, made by one of the VPCs discovered: not adopted."""
    REQUEST_FROM_OUTSIDE = "request-from-outside"
    """A pending request from an account not discovered to one of ours: accepting it is
    a decision, so its `accepts` entry is written as a comment."""
    REQUEST_TO_OUTSIDE = "request-to-outside"
    """A connection one of ours requested to an account not discovered: the format
    adopts connections between VPCs it has, and accepts requests from outside only."""
    PEER_NOT_DISCOVERED = "peer-not-discovered"
    """The other VPC is in an account discovered, but was not read (another region)."""
    DNS_DIFFERS = "dns-differs"
    """The two sides resolve remote DNS differently; a link has one setting."""
    ROUTES_DIFFER_PER_TABLE = "routes-differ-per-table"
    """A side's tables route different destinations over one connection; a side of a
    link routes one set of destinations from one set of tables."""
    ROUTE_NOT_EXPRESSIBLE = "route-not-expressible"
    """A route over an adopted connection to addresses outside the peer's blocks."""
    ACCEPTED_ROUTES_NOT_IMPORTED = "accepted-routes-not-imported"
    """Routes over an accepted request exist; peerstack creates an accepted request's
    routes and cannot import them, so they are left out."""
    SECURITY_RULE_NOT_IMPORTED = "security-rule-not-imported"
    """A rule that an `allow` entry describes exactly; written as a comment, since
    peerstack creates rules and cannot import them (AWS refuses a duplicate)."""
    SECURITY_RULE_NOT_EXPRESSIBLE = "security-rule-not-expressible"
    """A rule that lets a peer in but that no `allow` entry describes."""
    NAME_COLLISION = "name-collision"
    """Two objects would get one name; each got its id appended."""
    DEFAULT_VPC_SKIPPED = "default-vpc-skipped"
    """A default VPC that no connection joins: not adopted."""
    REFUSED_BY_PLANNER = "refused-by-planner"
    """Something AWS holds that the topology format or the planner refuses: left out."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Finding(_Model):
    """One thing discover chose, skipped or could not express."""

    kind: FindingKind = Field(description="What the finding is about.")
    subject: str = Field(
        description="The AWS object it concerns: a connection, route table, VPC or rule id."
    )
    message: str = Field(description="What was found and what discover did about it.")
    hint: str | None = Field(default=None, description="What to do about it, if anything.")
    account_id: str | None = Field(
        default=None, description="The account the object was read in, when one."
    )
    region: str | None = Field(default=None, description="The region it was read in, when one.")
    changes_aws: bool = Field(
        default=False,
        description="Applying the written file changes AWS because of this choice.",
    )
    entry: dict[str, Any] | None = Field(
        default=None,
        description="A topology entry written as a comment (for example an `allow` or "
        "`accepts` entry) that would declare it.",
    )


class PredictedDifference(_Model):
    """A difference `peerstack verify` will report once the file is applied."""

    kind: str = Field(description="verify's difference kind, e.g. `peering-unexpected`.")
    subject: str = Field(description="What it is about, as verify names it.")
    message: str = Field(description="verify's message.")


class DiscoveryReport(_Model):
    """Everything discover has to say besides the topology itself."""

    accounts: dict[str, str] = Field(description="The accounts read: alias -> account id.")
    regions: list[str] = Field(description="The regions read in every account.")
    vpcs: int = Field(description="VPCs adopted (`existing:`).")
    peerings: int = Field(description="Connections adopted as `peerings` entries.")
    accepts: int = Field(description="Requests from outside adopted as `accepts` entries.")
    findings: list[Finding] = Field(
        default_factory=list, description="What was chosen, skipped or not expressed."
    )
    verify: list[PredictedDifference] = Field(
        default_factory=list,
        description="What `peerstack verify` will report after `up` (empty: it passes).",
    )

    @property
    def changes_aws(self) -> bool:
        """Applying the file changes something in AWS (see the findings that say so)."""
        return any(f.changes_aws for f in self.findings)

    @property
    def verifies(self) -> bool:
        """`peerstack verify` passes once the file is applied."""
        return not self.verify

    def of(self, kind: FindingKind | str) -> list[Finding]:
        """The findings of one kind."""
        return [f for f in self.findings if f.kind == kind]
