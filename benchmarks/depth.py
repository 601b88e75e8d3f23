"""Dependency depth: the longest chain of resources that must wait for each other.

A deploy creates independent resources in parallel, so its wall time is bounded by this
chain, not by the number of resources. The chain is read from what the engine would
receive (the mock monitor keeps each RegisterResource request): a resource waits for
the resources in its ``dependencies`` and ``propertyDependencies`` (``depends_on`` and
inputs that are others' outputs; the SDK already expands a component into its custom
descendants) and for its provider. Parents are not waits: a component is only a name.

Target: for each kind of mesh the depth is the same at every size, except for the
schedule of peering requests: past an account's quota of pending requests (25), a
request waits for the acceptance of one made a window earlier (``peerstack.plan._schedule``),
so each window after the first adds one step, a request and its acceptance (two
resources), and nothing else.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from benchmarks._figures import Figure
from benchmarks._mocked import PROVIDER_TYPE, Run, run_program
from benchmarks.topologies import mesh
from peerstack import build_plan, topology_from_data
from peerstack.plan._schedule import windows

SIZES = (5, 10, 20)


def kinds() -> dict[str, Any]:
    def two_regions_dns(n: int) -> dict[str, Any]:
        data = mesh(n, regions=("us-east-1", "eu-west-1"))
        data["defaults"]["dns_resolution"] = True
        # 100 cross-region requests at 20 VPCs: four windows of AWS's default 25 pending.
        return data

    return {"mesh": mesh, "two-region mesh with DNS": two_regions_dns}


def longest_chain(run: Run) -> list[str]:
    """The type tokens along one longest chain of waits, first to last."""
    custom = {r.urn: r for r in run.custom}
    providers = {r.name: r.urn for r in run.custom if r.type == PROVIDER_TYPE}

    def waits_for(urn: str) -> list[str]:
        r = custom[urn]
        found = [u for u in r.dependencies if u in custom]
        if r.provider is not None and r.provider in providers:
            found.append(providers[r.provider])
        return found

    @cache
    def chain(urn: str) -> tuple[str, ...]:
        longest: tuple[str, ...] = ()
        for before in sorted(waits_for(urn)):
            candidate = chain(before)
            if len(candidate) > len(longest):
                longest = candidate
        return (*longest, urn)

    best: tuple[str, ...] = ()
    # URNs in sorted order: among chains of one length, the same one is found every run.
    for urn in sorted(custom):
        found = chain(urn)
        if len(found) > len(best):
            best = found
    return [
        "Provider" if custom[u].type == PROVIDER_TYPE else custom[u].type.rsplit(":", 1)[-1]
        for u in best
    ]


def depth_of(data: dict[str, Any]) -> tuple[list[str], int]:
    return depth_and_windows(data)[:2]


def depth_and_windows(data: dict[str, Any]) -> tuple[list[str], int, int]:
    """The longest chain, the number of resources, and the windows of requests."""
    from peerstack._components import PeeringTopology

    plan = build_plan(topology_from_data(data))
    run = run_program(lambda: PeeringTopology(plan.topology, plan))
    return longest_chain(run), len(run.custom), windows(plan.links)


STEP = 2
"""Resources one window adds to the chain: a request, and its acceptance."""


def run(*, quick: bool = False) -> list[Figure]:
    figures = []
    for kind, make in kinds().items():
        first: tuple[int, int] | None = None
        for n in SIZES:
            path, resources, count = depth_and_windows(make(n))
            first = (len(path), count) if first is None else first
            expected = first[0] + STEP * (count - first[1])
            figures.append(
                Figure(
                    name=f"dependency depth, {kind} of {n} VPCs",
                    value=len(path),
                    unit="res",
                    target=f"<= {expected} ({first[0]} at {SIZES[0]} VPCs, +{STEP} per window)",
                    ok=len(path) <= expected,
                    detail=f"{count} window{'s' if count != 1 else ''} of requests; "
                    f"{resources} resources; " + " > ".join(path),
                )
            )
    return figures
