"""Overhead over the SDK: PeeringTopology under mocks vs a hand-written pulumi_aws program.

Both programs run in the same harness (``benchmarks._mocked``), in the same process,
interleaved, after checking that they register the same custom resources: types, names,
inputs, providers and dependencies. Only the program differs.

Two more programs are timed as diagnostics, not baselines: the raw program parented under
a bare copy of PeeringTopology's component tree (components that only register
themselves), and the same without the per-link components. They tell what the SDK
charges for the component tree apart from what peerstack's own code costs, and how much
of it the per-link components are.

The ratio is a diagnostic, not a target: per-VPC and per-link components, each with its
outputs, are worth more to users than the milliseconds they cost under mocks. Wall time
is reported (best of the rounds); process CPU time is reported beside
it because it is less disturbed by other processes on a busy machine, and so are runs
with the cyclic GC paused: its full collections walk every object of the SDK's
registrations (and of pulumi_aws), so they take a growing share of a growing program,
and a program that allocates a little more can cross one more collection threshold.
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Callable

from benchmarks._figures import Figure, Timing, fastest, measure
from benchmarks._mocked import Run, run_program
from benchmarks.raw_program import raw_program
from benchmarks.topologies import mesh
from peerstack import Plan, build_plan, topology_from_data

SIZES = {10: 9, 30: 3}
"""Mesh size -> rounds (each round runs every program once, interleaved)."""
PAUSED = {"peerstack, GC paused": "peerstack", "raw, GC paused": "raw"}
"""Runs with the cyclic GC paused (diagnostic): label -> program."""


def programs(plan: Plan) -> dict[str, Callable[[], object]]:
    from peerstack._components import PeeringTopology

    return {
        "peerstack": lambda: PeeringTopology(plan.topology, plan),
        "raw": lambda: raw_program(plan),
        "tree": lambda: raw_program(plan, component_tree=True),
        "vpc tree": lambda: raw_program(plan, component_tree=True, link_components=False),
    }


def check_same_resources(runs: dict[str, Run]) -> None:
    """Refuse to time programs that do not register the same resources."""
    ours, raw, tree = runs["peerstack"], runs["raw"], runs["tree"]
    mine, theirs = ours.comparable(), raw.comparable()
    if mine != theirs:
        differ = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
        raise AssertionError(f"the raw program registers other resources: {differ[:3]}")
    if ours.comparable(tree=True) != tree.comparable(tree=True):
        raise AssertionError("the bare component tree differs from PeeringTopology's")


def refused(name: str, why: str) -> Figure:
    """A comparison that is not made (and so not met): its baseline is not honest."""
    return Figure(
        name=name, value=float("nan"), unit="x", target="(not timed)", ok=False, detail=why
    )


def run(*, quick: bool = False) -> list[Figure]:
    figures = []
    for n, rounds in SIZES.items():
        plan = build_plan(topology_from_data(mesh(n)))
        progs = programs(plan)
        # The first run of each also warms imports and caches; it is not timed.
        runs = {label: run_program(program) for label, program in progs.items()}
        try:
            check_same_resources(runs)
        except AssertionError as exc:
            figures.append(refused(f"overhead over the SDK, mesh of {n} VPCs", str(exc)))
            continue
        resources = len(runs["raw"].custom)
        components = len(runs["peerstack"].components)
        times: dict[str, list[Timing]] = {label: [] for label in [*progs, *PAUSED]}
        for _ in range(1 if quick else rounds):
            for label, program in progs.items():
                times[label].append(measure(functools.partial(run_program, program)))
            for label, of in PAUSED.items():
                times[label].append(
                    measure(functools.partial(run_program, progs[of]), pause_gc=True)
                )
        best = {label: fastest(values) for label, values in times.items()}
        median = {
            label: statistics.median(t.wall for t in values) for label, values in times.items()
        }
        cpu = {label: min(t.cpu for t in values) for label, values in times.items()}
        ratio = best["peerstack"].wall / best["raw"].wall
        label = f"mesh of {n} VPCs"
        for who, name in (("peerstack", "PeeringTopology"), ("raw", "raw pulumi_aws")):
            fast = best[who]
            figures.append(
                Figure(
                    name=f"mocked {name}, {label}",
                    value=fast.wall * 1000 / resources,
                    unit="ms/res",
                    target="(report)",
                    ok=True,
                    detail=f"best of {len(times[who])}: {fast.wall * 1000:.0f} ms for "
                    f"{resources} resources, {fast.gc / fast.wall:.0%} in GC; median "
                    f"{median[who] * 1000:.0f} ms; CPU {cpu[who] * 1000:.0f} ms",
                )
            )
        paused = best["peerstack, GC paused"].wall / best["raw, GC paused"].wall
        figures.append(
            Figure(
                name=f"overhead over the SDK, {label}",
                value=ratio,
                unit="x",
                target="(diagnostic)",
                ok=True,
                detail=f"median {median['peerstack'] / median['raw']:.2f}, CPU "
                f"{cpu['peerstack'] / cpu['raw']:.2f}; GC paused {paused:.2f}, CPU "
                f"{cpu['peerstack, GC paused'] / cpu['raw, GC paused']:.2f}",
            )
        )
        figures.append(
            Figure(
                name=f"  bare component tree ({components}) / raw, {label}",
                value=cpu["tree"] / cpu["raw"],
                unit="x CPU",
                target="(diagnostic)",
                ok=True,
                detail=f"PeeringTopology / bare tree {cpu['peerstack'] / cpu['tree']:.2f}; "
                f"bare tree without per-link components / raw "
                f"{cpu['vpc tree'] / cpu['raw']:.2f}",
            )
        )
    return figures
