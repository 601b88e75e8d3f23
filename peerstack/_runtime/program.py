"""Running a Pulumi program in this process under mocks, isolated from any other run.

The emulator (mocks that create in moto) and ``peerstack.testing.run_mocked`` (mocks
that record) both run programs this way; so can a user's own test.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from pulumi.runtime.mocks import MockMonitor

from peerstack._gc import long_lived_objects_frozen

if TYPE_CHECKING:
    from pulumi.runtime.mocks import Mocks

__all__ = ["Monitor", "Program", "run_program"]

log = logging.getLogger("peerstack")

Program = Callable[[], Mapping[str, Any] | None]
"""A Pulumi program: registers resources, exports (or returns) the stack outputs."""


class Monitor(MockMonitor):
    """The SDK's mock monitor, closing the event loops it opens in its worker threads.

    The SDK's MockMonitor gives each thread that serves it an event loop and never closes
    it; left to the interpreter's exit (a failed run's traceback keeps them alive), their
    finalizers print "Invalid file descriptor" tracebacks. peerstack's monitors derive
    from this one, and :func:`run_program` closes what it noted once the run is over.
    """

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self._loops: set[asyncio.AbstractEventLoop] = set()
        self._loops_lock = threading.Lock()

    def _note_loop(self) -> None:
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:  # this thread never needed one
            return
        with self._loops_lock:
            self._loops.add(loop)

    def RegisterResource(self, request: Any) -> Any:  # gRPC method names
        try:
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]
        finally:
            self._note_loop()

    def ReadResource(self, request: Any) -> Any:
        try:
            return super().ReadResource(request)  # type: ignore[no-untyped-call]
        finally:
            self._note_loop()

    def Invoke(self, request: Any) -> Any:
        try:
            return super().Invoke(request)  # type: ignore[no-untyped-call]
        finally:
            self._note_loop()

    def RegisterResourceOutputs(self, request: Any) -> Any:
        try:
            return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]
        finally:
            self._note_loop()

    def alias_urns(self, request: Any) -> list[str]:
        """The URNs a registration's aliases stand for (the SDK sends alias specs to a
        monitor that supports them): a spec's missing parts are the registration's own
        name, type and parent, as the engine fills them in."""
        found: list[str] = []
        for alias in getattr(request, "aliases", ()) or ():
            if alias.urn:
                found.append(alias.urn)
                continue
            spec = alias.spec
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            found.append(
                self.make_urn(parent, spec.type or request.type, spec.name or request.name)
            )
        return found

    def close_loops(self) -> None:
        with self._loops_lock:
            loops, self._loops = self._loops, set()
        for loop in loops:
            if not loop.is_running() and not loop.is_closed():
                loop.close()


def _cancel_pending(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel and reap what a failed run left scheduled on ``loop``.

    A failure ends the run while outputs that wait on the failed resource are still
    queued as tasks that never started; closing the loop over them makes each coroutine
    warn "was never awaited" when it is collected, far from the failure.
    """
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


def run_program(
    program: Program,
    mocks: Mocks,
    *,
    monitor: Monitor | None = None,
    project: str,
    stack: str,
    preview: bool,
) -> dict[str, Any]:
    """Run ``program`` under ``mocks`` until every registration is done; return its outputs.

    The outputs are those the program exports (``pulumi.export``) and those it returns;
    values unknown in a preview come back as None. ``monitor`` (to record what the engine
    would receive) must wrap ``mocks``.

    The run happens on its own thread and event loop, in a copy of the current context,
    with fresh runtime settings, so runs repeat in one process, an async caller
    included, and the caller's own Pulumi settings are neither used nor disturbed.
    Registrations that wait on other resources' outputs are waited for too.
    """
    result: dict[str, Any] = {}
    monitor = monitor if monitor is not None else Monitor(mocks)

    def run() -> None:
        import pulumi
        from pulumi.runtime import settings
        from pulumi.runtime.mocks import set_mocks
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
            set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)
            # run_pulumi_func waits for every outstanding RPC and output, repeatedly,
            # until none is left.
            loop.run_until_complete(run_pulumi_func(body))
        except BaseException as exc:
            failed.append(exc)
            raise
        finally:
            if failed:
                _cancel_pending(loop)
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
            asyncio.set_event_loop(None)
            monitor.close_loops()

    # The thread is waited for: nothing of the run may still execute (or import) while
    # the caller goes on.
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="peerstack-mocks") as pool,
        long_lived_objects_frozen(),
    ):
        pool.submit(contextvars.copy_context().run, run).result()
    return result
