"""Churn: change a 20-VPC mesh by one VPC and compare what Pulumi would see, resource by resource.

Each run registers PeeringTopology under the mocks (ids derive from type and name, as
they would stay stable in a real stack); two runs are compared by (type, name):

- created: in the new run only; deleted: in the old run only;
- replaced: in both, with different inputs (a changed input of these resources is a
  replacement or an update in place; either way, not "nothing").

Which resources belong to a VPC is decided from the registered inputs, not from names:
its ``Vpc`` and everything whose inputs reference, directly or through others, an id of
it (its tables, subnets, the connections of its links, their accepters, options and the
routes over them, on both sides). So "created = exactly the new VPC's" does not trust
the naming scheme it checks.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from benchmarks._figures import Figure
from benchmarks._mocked import Key, Run, run_program
from benchmarks.topologies import mesh
from peerstack import build_plan, topology_from_data
from peerstack._facts.tags import TagKey
from peerstack._provider import tokens

SIZE = 20
VPC = tokens.VPC
# Computed outputs that stand for a VPC (its main table, its IPv6 block).
_VPC_OUTPUTS = ("mainRouteTableId", "defaultRouteTableId", "ipv6CidrBlock")
_NOT_REFERENCES = ("region", "tags", "tagsAll")


def registered(data: dict[str, Any]) -> Run:
    from peerstack._components import PeeringTopology

    plan = build_plan(topology_from_data(data))
    return run_program(lambda: PeeringTopology(plan.topology, plan))


def changes(old: Run, new: Run) -> tuple[set[Key], set[Key], set[Key]]:
    """(created, deleted, replaced) keys, components included (they have no inputs)."""
    before = {r.key: r.inputs for r in old.registrations}
    after = {r.key: r.inputs for r in new.registrations}
    created = set(after) - set(before)
    deleted = set(before) - set(after)
    replaced = {k for k in set(before) & set(after) if before[k] != after[k]}
    return created, deleted, replaced


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def owned(run: Run, vpc: str) -> set[Key]:
    """Custom resources that exist because of ``vpc``: found through input references."""
    mine = {
        r.key
        for r in run.custom
        if r.type == VPC and (r.inputs.get("tags") or {}).get(TagKey.VPC) == vpc
    }
    assert len(mine) == 1, f"no single Vpc tagged {vpc!r}"
    ids: set[str] = set()
    grew = True
    while grew:
        grew = False
        for r in run.custom:
            if r.key not in mine:
                refs = (v for k, v in r.inputs.items() if k not in _NOT_REFERENCES)
                if not ids.isdisjoint(s for v in refs for s in _strings(v)):
                    mine.add(r.key)
            if r.key in mine and r.id and r.id not in ids:
                ids.add(r.id)
                ids.update(str(r.outputs[k]) for k in _VPC_OUTPUTS if r.outputs.get(k))
                grew = True
    return mine


def components_of(run: Run, keys: set[Key]) -> set[Key]:
    """Components whose custom descendants are all in ``keys`` (and that have some)."""
    children: dict[str, list[str]] = {}
    for r in run.registrations:
        if r.parent:
            children.setdefault(r.parent, []).append(r.urn)

    def customs(urn: str) -> list[Key]:
        found = []
        for child in children.get(urn, []):
            reg = run.by_urn(child)
            found.extend([reg.key] if reg.custom else customs(child))
        return found

    result = set()
    for r in run.components:
        below = customs(r.urn)
        if below and set(below) <= keys:
            result.add(r.key)
    return result


def _names(keys: set[Key]) -> str:
    shown = sorted(f"{t.rsplit(':', 1)[-1]} {n}" for t, n in keys)
    return ", ".join(shown[:3]) + (f" (+{len(shown) - 3})" if len(shown) > 3 else "")


def run(*, quick: bool = False) -> list[Figure]:
    base = mesh(SIZE)
    names = list(base["vpcs"])
    added_name = f"vpc{SIZE:03d}"
    added = copy.deepcopy(base)
    added["vpcs"][added_name] = mesh(SIZE + 1)["vpcs"][added_name]
    added["meshes"][0]["members"].append(added_name)
    removed_name = names[SIZE // 3]  # from the middle: positions after it shift
    removed = copy.deepcopy(base)
    del removed["vpcs"][removed_name]
    removed["meshes"][0]["members"].remove(removed_name)
    reordered = copy.deepcopy(base)
    reordered["vpcs"] = dict(reversed(list(base["vpcs"].items())))
    reordered["meshes"][0]["members"] = list(reversed(names))

    runs = {
        "base": registered(base),
        "added": registered(added),
        "removed": registered(removed),
        "reordered": registered(reordered),
    }
    figures = []

    created, deleted, replaced = changes(runs["base"], runs["added"])
    expected = owned(runs["added"], added_name)
    expected |= components_of(runs["added"], expected)
    label = f"add {added_name} to a {SIZE}-VPC mesh"
    figures += [
        Figure(
            f"churn, {label}: replaced",
            len(replaced),
            "res",
            "= 0",
            not replaced,
            _names(replaced),
        ),
        Figure(
            f"churn, {label}: deleted",
            len(deleted),
            "res",
            "= 0",
            not deleted,
            _names(deleted),
        ),
        Figure(
            f"churn, {label}: created",
            len(created),
            "res",
            f"= the new VPC's ({len(expected)})",
            created == expected,
            "exactly its VPC, links, routes (both sides) and their components"
            if created == expected
            else f"not its: {_names(created - expected)}; missing: {_names(expected - created)}",
        ),
    ]

    created, deleted, replaced = changes(runs["base"], runs["removed"])
    expected = owned(runs["base"], removed_name)
    expected |= components_of(runs["base"], expected)
    label = f"remove {removed_name} from a {SIZE}-VPC mesh"
    figures += [
        Figure(
            f"churn, {label}: replaced",
            len(replaced),
            "res",
            "= 0",
            not replaced,
            _names(replaced),
        ),
        Figure(
            f"churn, {label}: deleted beyond its own",
            len(deleted - expected),
            "res",
            "= 0",
            deleted == expected and not created,
            f"deleted {len(deleted)} = exactly the removed VPC's"
            if deleted == expected
            else f"also: {_names(deleted - expected)}; kept: {_names(expected - deleted)}",
        ),
    ]

    figures += scheduled_growth()

    created, deleted, replaced = changes(runs["base"], runs["reordered"])
    churned = created | deleted | replaced
    figures.append(
        Figure(
            f"churn, list the {SIZE} VPCs in reverse order",
            len(churned),
            "res",
            "(report)",
            True,
            f"{len(created)} created, {len(deleted)} deleted, {len(replaced)} changed"
            + (f": {_names(churned)}" if churned else ""),
        )
    )
    return figures


def scheduled_growth() -> list[Figure]:
    """Add a VPC to a mesh whose requests are scheduled (past 25 pending per account).

    The new links take their place in the requests' order by name, so some existing
    requests now wait for another link's acceptance: their ``depends_on`` changes, which
    Pulumi never counts as a change of the resource. Inputs must not change.
    """
    regions = ("us-east-1", "eu-west-1")
    base = mesh(SIZE, regions=regions)
    added_name = f"vpc{SIZE:03d}"
    added = copy.deepcopy(base)
    added["vpcs"][added_name] = mesh(SIZE + 1, regions=regions)["vpcs"][added_name]
    added["meshes"][0]["members"].append(added_name)
    old, new = registered(base), registered(added)
    created, deleted, replaced = changes(old, new)
    keys_old = {r.urn: r.key for r in old.registrations}
    keys_new = {r.urn: r.key for r in new.registrations}
    before = {r.key: {keys_old[u] for u in r.dependencies} for r in old.custom}
    after = {r.key: {keys_new[u] for u in r.dependencies} for r in new.custom}
    moved = {k for k in before if k in after and before[k] != after[k]}
    label = f"add {added_name} to a {SIZE}-VPC two-region mesh (scheduled requests)"
    return [
        Figure(
            f"churn, {label}: replaced or deleted",
            len(replaced | deleted),
            "res",
            "= 0",
            not (replaced or deleted),
            f"{len(created)} created; {len(moved)} requests wait for another acceptance "
            "than before (depends_on only)"
            + (f"; changed: {_names(replaced | deleted)}" if replaced or deleted else ""),
        )
    ]
