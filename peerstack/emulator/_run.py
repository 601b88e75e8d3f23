"""Running a Pulumi program under mocks, isolated from any other Pulumi state."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from peerstack._gc import long_lived_objects_frozen

if TYPE_CHECKING:
    import pulumi

    from peerstack.plan import Plan

__all__ = ["Program", "run_program", "topology_program"]

log = logging.getLogger("peerstack")

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

    The run happens on its own thread and event loop, in a copy of the current context,
    so Pulumi settings of the caller (its own ``set_mocks``, say) are neither used nor
    disturbed. Values unknown in a preview come back as None.
    """
    result: dict[str, Any] = {}

    def run() -> None:
        import pulumi
        from pulumi.runtime import settings
        from pulumi.runtime.stack import run_pulumi_func

        def body() -> Any:
            returned = program() or {}
            root = settings.get_root_resource()
            exported = dict(getattr(root, "outputs", None) or {})

            async def collect() -> None:
                for key, value in {**exported, **returned}.items():
                    result[key] = await pulumi.Output.from_input(value).future()

            return collect()

        loop = asyncio.new_event_loop()
        failed: list[BaseException] = []

        def on_loop_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            # Once a registration fails, every output waiting on it fails the same way and
            # asyncio reports each as "never retrieved": the one error raised says it all.
            if failed:
                log.debug("after a failed run: %s", context.get("message"))
            else:
                loop.default_exception_handler(context)

        loop.set_exception_handler(on_loop_error)
        asyncio.set_event_loop(loop)
        try:
            # Fresh settings (outputs, lock, root): set_mocks alone keeps the caller's.
            settings.reset_options(project=project, stack=stack, preview=preview)
            pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview)
            loop.run_until_complete(run_pulumi_func(body))
        except BaseException as exc:
            failed.append(exc)
            raise
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
            asyncio.set_event_loop(None)

    # Its own thread and event loop: callable from anywhere, an async test included.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="peerstack-emulator")
    try:
        with long_lived_objects_frozen():
            pool.submit(contextvars.copy_context().run, run).result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return result
