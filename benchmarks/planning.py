"""Planning at AWS scale: validate + build_plan for full meshes and a 125-spoke hub."""

from __future__ import annotations

from benchmarks._figures import Figure, best_of, peak_memory
from benchmarks.topologies import hub, mesh
from peerstack import build_plan, topology_from_data

TARGET_SECONDS = 1.0


def run(*, quick: bool = False) -> list[Figure]:
    figures = []
    cases = [("mesh", 10), ("mesh", 50), ("mesh", 125), ("hub", 125)]
    for kind, n in cases:
        data = mesh(n) if kind == "mesh" else hub(n)

        def plan(data=data):
            return build_plan(topology_from_data(data))

        seconds, result = best_of(1 if quick else 3, plan)
        peak, _ = peak_memory(plan)
        label = f"plan {kind} of {n} VPCs" if kind == "mesh" else f"plan hub with {n} spokes"
        gated = (kind, n) in (("mesh", 125), ("hub", 125))
        figures.append(
            Figure(
                name=label,
                value=seconds,
                unit="s",
                target=f"< {TARGET_SECONDS:.0f} s" if gated else "(report)",
                ok=seconds < TARGET_SECONDS or not gated,
                detail=f"{len(result.links)} links, {len(result.routes)} routes, "
                f"peak {peak / 1e6:.1f} MB",
            )
        )
    return figures
