"""When each peering request may be made: never more pending per account than its quota.

AWS limits how many peering requests one account may have *pending acceptance* at once
("Outstanding VPC peering connection requests", 25 by default; a request past it fails
with ``PendingVpcPeeringConnectionLimitExceeded``). It does not limit how many an
account requests in total: peerstack accepts every request itself, in the same deploy,
so a request stops counting as soon as its accepter has run. Pulumi, though, creates
independent resources in parallel: left alone, every request of a large topology would
be pending at once, and the deploy would fail halfway.

So the plan orders the requests. For each requesting account, its links that must be
accepted by another account or region (:attr:`LinkPlan.needs_accepter`; auto-accepted
links are never pending, nor are adopted ones, accepted already) are taken in order of
link name; with quota ``q``, link ``i``
(``i >= q``) waits for the acceptance of link ``i - q`` (:attr:`LinkPlan.waits_for`).
The links of an account fall into ``q`` chains (``i mod q``), each strictly
sequential: a chain has at most one request pending at any moment, so the account
has at most ``q``, whatever order the engine runs the rest in. Link ``i`` is in window
``i // q``: the first ``q`` requests start at once, each later window one
request-and-acceptance after the one before, so the dependency depth grows by exactly
one such step per window and a topology within its other quotas deploys in one ``up``.

Link names, not declaration order, make the order: reordering a topology's entries
never changes the schedule. Adding a link can shift the wait of the links named after it
in its account; that changes a ``depends_on``, which Pulumi never counts as a change of
the resource (no update, no replacement), and on a deployed stack the links it shifts
are already active, so their waits are already met.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence

from peerstack.plan.model import LinkPlan

__all__ = ["schedule", "window_of", "windows"]


def schedule(links: Sequence[LinkPlan], quota: int) -> tuple[LinkPlan, ...]:
    """``links``, in their order, each with :attr:`~LinkPlan.waits_for` decided."""
    if quota < 1:
        raise ValueError(f"the outstanding-request quota must be at least 1, not {quota}")
    by_account: dict[str, list[str]] = defaultdict(list)
    for link in links:
        if _requested(link):
            by_account[link.requester_account_id].append(link.name)
    waits: dict[str, str] = {}
    for names in by_account.values():
        ordered = sorted(names)
        for i in range(quota, len(ordered)):
            waits[ordered[i]] = ordered[i - quota]
    return tuple(dataclasses.replace(link, waits_for=waits.get(link.name)) for link in links)


def window_of(links: Iterable[LinkPlan]) -> dict[str, int]:
    """Link name -> its window: how many requests of its chain come before it."""
    waits = {link.name: link.waits_for for link in links}
    found: dict[str, int] = {}
    for name in waits:
        chain: list[str] = []
        current: str | None = name
        while current is not None and current in waits and current not in found:
            if current in chain:
                raise ValueError(f"links wait for each other in a cycle: {' > '.join(chain)}")
            chain.append(current)
            current = waits[current]
        window = found.get(current, -1) if current is not None else -1
        for earlier in reversed(chain):
            window += 1
            found[earlier] = window
    return found


def windows(links: Iterable[LinkPlan]) -> int:
    """How many windows the requests take: 0 when no link needs accepting (none is ever
    pending), 1 when none waits."""
    links = list(links)
    found = window_of(links)
    return max((found[link.name] + 1 for link in links if _requested(link)), default=0)


def _requested(link: LinkPlan) -> bool:
    """The link's request is pending until accepted: neither auto-accepted nor adopted
    (an existing connection is imported, accepted already)."""
    return link.needs_accepter and not link.adopted
