"""Running a Pulumi program under mocks, isolated from any other Pulumi state."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc
import logging
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pulumi

    from peerstack.plan import Plan

__all__ = ["Program", "run_program", "topology_program"]

log = logging.getLogger("peerstack")

_RARE_FULL_COLLECTIONS = 1000
"""Young-generation collections between two full ones during a run (CPython's default: 10)."""

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
        with _long_lived_objects_frozen():
            pool.submit(contextvars.copy_context().run, run).result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return result


@contextlib.contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Spare the run full garbage collections; collect normally once it is over.

    A run allocates Pulumi's and moto's objects by the hundred thousand. Each full
    collection walks every object alive, the modules, service models and moto catalogues
    loaded before the run included, and frees next to nothing: in a 20-VPC mesh they took
    a fifth of the run. For the run's length, ``gc.freeze`` sets the objects that existed
    before aside and the oldest generation is collected only rarely; young garbage is
    still collected as usual. Both are undone afterwards (a caller's own freeze is left
    alone), so anything the run left for the collector is collected then.
    """
    if gc.get_freeze_count():
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], _RARE_FULL_COLLECTIONS))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
