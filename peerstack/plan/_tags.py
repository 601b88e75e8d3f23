"""Tags per resource: AWS allows 50, and peerstack adds its own to the topology's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from peerstack.plan._context import Context
from peerstack.plan._links import Declared
from peerstack.plan.model import AcceptPlan, LinkPlan, VpcPlan
from peerstack.topology import FieldPath
from peerstack.topology.models import MAX_TAGS

__all__ = ["LINK_OWN_TAGS", "VPC_OWN_TAGS", "check_tag_quota"]

VPC_OWN_TAGS = ("peerstack:topology", "peerstack:vpc", "Name")
"""What peerstack tags a created VPC and each of its subnets with."""
ROUTE_TABLE_OWN_TAGS = (*VPC_OWN_TAGS, "peerstack:route-table")
"""What peerstack tags a route table it creates with: the most of a VPC's resources."""
LINK_OWN_TAGS = ("peerstack:topology", "peerstack:link", "peerstack:side", "Name")
"""What peerstack tags a peering connection and its accepter with."""

_MOST_OWN = max(len(ROUTE_TABLE_OWN_TAGS), len(LINK_OWN_TAGS))


def check_tag_quota(
    ctx: Context,
    vpcs: Mapping[str, VpcPlan],
    links: list[tuple[Declared, LinkPlan]],
    accepts: Sequence[tuple[FieldPath, AcceptPlan]] = (),
) -> None:
    """Every resource peerstack creates stays within AWS's 50 tags, its own included."""
    defaults = ctx.topology.defaults.tags
    if len(defaults) + _MOST_OWN > MAX_TAGS:
        ctx.error(
            ("defaults", "tags"),
            f"{_count(len(defaults))} here and the {_MOST_OWN} peerstack adds make "
            f"{len(defaults) + _MOST_OWN}; AWS allows {MAX_TAGS} per resource",
            hint=f"keep at most {MAX_TAGS - _MOST_OWN} tags in `defaults.tags`",
        )
        return  # every resource would be over; one problem says it
    for vpc in vpcs.values():
        if not vpc.managed or len(vpc.tags) == len(defaults):
            continue  # adopted VPCs get no tags from peerstack; defaults alone fit
        own = ROUTE_TABLE_OWN_TAGS if vpc.named_route_tables else VPC_OWN_TAGS
        what = "route tables" if vpc.named_route_tables else "resources"
        _check(
            ctx, ("vpcs", vpc.name, "tags"), f"the {what} of VPC {vpc.name!r}", len(vpc.tags), own
        )
    reported: set[FieldPath] = set()
    for declared, link in links:
        if len(link.tags) == len(defaults):
            continue
        # A mesh or hub's tags go on each of its links: one problem for the declaration.
        path: FieldPath = (*declared.path[:2], "tags")
        if path in reported:
            continue
        reported.add(path)
        _check(ctx, path, f"link {link.name!r}", len(link.tags), LINK_OWN_TAGS)
    for where, accept in accepts:
        # The accepter tags the accepted connection in our account.
        if len(accept.tags) != len(defaults):
            what = f"the acceptance {accept.name!r}"
            _check(ctx, (*where, "tags"), what, len(accept.tags), LINK_OWN_TAGS)


def _check(ctx: Context, path: FieldPath, what: str, count: int, own: tuple[str, ...]) -> None:
    if count + len(own) <= MAX_TAGS:
        return
    ctx.error(
        path,
        f"{what} would carry {count + len(own)} tags: {count} from the topology and "
        f"the {len(own)} peerstack adds ({', '.join(own)}); AWS allows {MAX_TAGS} per resource",
        hint=f"remove {_count(count + len(own) - MAX_TAGS)} here or from `defaults.tags`",
    )


def _count(n: int) -> str:
    return f"{n} tag{'s' if n != 1 else ''}"
