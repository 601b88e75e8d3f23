"""Created VPCs that a new topology adopts instead: hand them over without deleting them.

When a VPC moves from ``cidr:`` (created by this stack) to ``existing:`` (adopted), the
stack's program no longer registers its ``aws.ec2.Vpc``, subnets, route tables and
associations, and the engine would delete them. peerstack refuses that unless the VPC is
*released*: its resources are marked ``retainOnDelete`` in the stack's state first, so
that the next ``up`` drops them from the state and leaves them in AWS (the engine's
delete step skips the provider for a retained resource: pulumi pkg/resource/deploy
step.go, DeleteStep).

Pure: works on ``(type, name, id, parent)`` records of any state (the emulation's, or a
real stack's exported checkpoint).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from peerstack._provider import tokens
from peerstack.errors import HandoverError
from peerstack.plan import Plan, names

__all__ = ["StateRecord", "check_handovers", "released_urns"]


@dataclass(frozen=True, slots=True)
class StateRecord:
    """What a handover needs to know of one resource of a stack's state."""

    urn: str
    type: str
    name: str
    id: str
    parent: str


def _handed_over(plan: Plan, prefix: str, state: Iterable[StateRecord]) -> dict[str, StateRecord]:
    """Adopted VPC name -> the created ``aws.ec2.Vpc`` the state still holds for it."""
    created = {r.name: r for r in state if r.type == tokens.VPC}
    found: dict[str, StateRecord] = {}
    for vpc in plan.vpcs:
        if vpc.managed:
            continue
        record = created.get(names.vpc(prefix, vpc.name))
        if record is not None:
            found[vpc.name] = record
    return found


def check_handovers(
    plan: Plan, prefix: str, state: Iterable[StateRecord], *, release: Collection[str] = ()
) -> list[str]:
    """The VPCs to release before ``up``; raise HandoverError for one not released.

    ``release`` names the VPCs the user lets go; naming one that is not being handed
    over is an error too (a typo must not pass silently).
    """
    records = list(state)
    handed = _handed_over(plan, prefix, records)
    unknown = sorted(set(release) - set(handed))
    if unknown:
        raise HandoverError(
            f"cannot release {', '.join(repr(v) for v in unknown)}: only a VPC this stack "
            "created and the topology now adopts (`existing:`) can be released",
            hint="release names VPCs that moved from `cidr:` to `existing:`",
        )
    missing = sorted(set(handed) - set(release))
    if missing:
        vpc = plan.vpc(missing[0])
        record = handed[missing[0]]
        id_note = "" if record.id == vpc.vpc_id else f" (the stack created {record.id})"
        raise HandoverError(
            f"VPC {missing[0]!r} was created by this stack and is now adopted "
            f"(`existing: {{vpc_id: {vpc.vpc_id}}}`){id_note}: without a release, `up` would "
            "delete it with its subnets and route tables",
            hint=(
                f"to hand it over, run `peerstack up FILE --release {missing[0]}` (Python: "
                f"release=[{missing[0]!r}]): its VPC, subnets, route tables and associations "
                "leave the stack's state and stay in AWS. List its route tables under "
                "`existing.route_tables` with the names they have now, so that the routes "
                "over its links stay as they are"
            ),
        )
    return sorted(handed)


def released_urns(
    plan: Plan, prefix: str, state: Iterable[StateRecord], vpcs: Collection[str]
) -> set[str]:
    """URNs to mark ``retainOnDelete``: each released VPC's component and everything under it."""
    records = list(state)
    components = {
        r.urn
        for r in records
        if r.type == tokens.VPC_COMPONENT and r.name in {names.vpc(prefix, v) for v in vpcs}
    }
    children: dict[str, list[StateRecord]] = {}
    for record in records:
        children.setdefault(record.parent, []).append(record)
    found: set[str] = set(components)
    todo = list(components)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child.urn not in found:
                found.add(child.urn)
                todo.append(child.urn)
    return found
