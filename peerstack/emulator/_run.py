"""Running a Pulumi program under mocks, isolated from any other Pulumi state."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pulumi

    from peerstack.plan import Plan

__all__ = ["OUTPUT_NAMES", "Program", "run_program", "topology_program"]

Program = Callable[[], Mapping[str, Any] | None]
"""A Pulumi program: registers resources, returns the stack outputs (Outputs or values)."""

OUTPUT_NAMES = ("vpc_ids", "route_table_ids", "peering_connection_ids", "reachability")
"""The outputs of a PeeringTopology, as exported by a peerstack stack."""


def topology_program(plan: Plan) -> Program:
    """The program every peerstack deploy runs: one PeeringTopology for the plan."""

    def program() -> dict[str, Any]:
        from peerstack._components import PeeringTopology

        topology = PeeringTopology(plan.topology, plan)
        return {name: getattr(topology, name) for name in OUTPUT_NAMES}

    return program


def run_program(
    program: Program, mocks: pulumi.runtime.Mocks, *, project: str, stack: str, preview: bool
) -> dict[str, Any]:
    """Run ``program`` under ``mocks`` until every registration is done; return its outputs.

    The run happens in a copy of the current context, so Pulumi settings of the caller
    (its own ``set_mocks``, say) are neither used nor disturbed. Values unknown in a
    preview come back as None.
    """
    result: dict[str, Any] = {}

    def run() -> None:
        import pulumi
        from pulumi.runtime import settings
        from pulumi.runtime.stack import run_pulumi_func
        from pulumi.runtime.sync_await import _sync_await

        settings.ROOT.set(None)
        pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview)

        def body() -> Any:
            outputs = program() or {}

            async def collect() -> None:
                for key, value in outputs.items():
                    result[key] = await pulumi.Output.from_input(value).future()

            return collect()

        _sync_await(run_pulumi_func(body))

    contextvars.copy_context().run(run)
    return result
