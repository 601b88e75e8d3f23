"""The states of a VPC peering connection, as AWS reports them and the provider reads them.

AWS (EC2 API, ``VpcPeeringConnectionStateReasonCode``): ``initiating-request``,
``pending-acceptance``, ``provisioning``, ``active``, ``deleting``, ``deleted``,
``rejected``, ``failed``, ``expired``. An unaccepted request expires after 7 days; a
deleted, rejected or failed one stays visible for a while, then disappears.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["ADOPTABLE", "ENDED", "NOT_FOUND", "PeeringStatus", "status_rank"]


class PeeringStatus(enum.StrEnum):
    """A peering connection's status code."""

    INITIATING_REQUEST = "initiating-request"
    PENDING_ACCEPTANCE = "pending-acceptance"
    PROVISIONING = "provisioning"
    ACTIVE = "active"
    DELETING = "deleting"
    DELETED = "deleted"
    REJECTED = "rejected"
    FAILED = "failed"
    EXPIRED = "expired"


ENDED: Final = frozenset(
    {
        PeeringStatus.DELETING,
        PeeringStatus.DELETED,
        PeeringStatus.REJECTED,
        PeeringStatus.FAILED,
        PeeringStatus.EXPIRED,
    }
)
"""It will never carry traffic again."""

NOT_FOUND: Final = frozenset(
    {PeeringStatus.DELETED, PeeringStatus.EXPIRED, PeeringStatus.FAILED, PeeringStatus.REJECTED}
)
"""What terraform-provider-aws treats as not found (``internal/service/ec2/find.go``,
FindVPCPeeringConnectionByID): an accepter, a route or an options resource over such a
connection fails as if it did not exist, and AWS refuses routes over it
(``InvalidVpcPeeringConnectionID.NotFound``)."""

ADOPTABLE: Final = frozenset(
    {PeeringStatus.ACTIVE, PeeringStatus.PENDING_ACCEPTANCE, PeeringStatus.PROVISIONING}
)
"""What an existing connection may be in to be taken over (imported) or accepted."""

_RANK: Final = {
    PeeringStatus.ACTIVE: 0,
    PeeringStatus.PENDING_ACCEPTANCE: 1,
    PeeringStatus.PROVISIONING: 2,
    PeeringStatus.INITIATING_REQUEST: 3,
    PeeringStatus.DELETING: 5,
    PeeringStatus.DELETED: 6,
}


def status_rank(status: str) -> int:
    """Which of several connections stands for one link: the lowest rank. Live ones come
    first and ended ones last, so a link whose connection was deleted and requested again
    is the new request, whatever became of it."""
    try:
        return _RANK.get(PeeringStatus(status), 4)
    except ValueError:
        return 4
