"""Running a Pulumi program under mocks, isolated from any other Pulumi state."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pulumi

    from peerstack.plan import Plan

__all__ = ["Program", "run_program", "topology_program"]

Program = Callable[[], Mapping[str, Any] | None]
"""A Pulumi program: registers resources, exports (or returns) the stack outputs."""


def topology_program(plan: Plan) -> Program:
    """The program every peerstack deploy runs (the automation's): one PeeringTopology."""
    from peerstack.automation._program import make_program

    return make_program(plan, None)


def run_program(
    program: Program, mocks: pulumi.runtime.Mocks, *, project: str, stack: str, preview: bool
) -> dict[str, Any]:
    """Run ``program`` under ``mocks`` until every registration is done; return its outputs.

    The outputs are those the program exports (``pulumi.export``) and those it returns.

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
            returned = program() or {}
            root = settings.get_root_resource()
            exported = dict(getattr(root, "outputs", None) or {})

            async def collect() -> None:
                for key, value in {**exported, **returned}.items():
                    result[key] = await pulumi.Output.from_input(value).future()

            return collect()

        _sync_await(run_pulumi_func(body))

    contextvars.copy_context().run(run)
    return result
