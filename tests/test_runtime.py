"""Running a program under mocks: a failed run leaves nothing behind to warn about."""

from __future__ import annotations

import asyncio
import gc
import warnings

from peerstack._runtime.program import _cancel_pending


async def _waits_on_an_output() -> None:
    await asyncio.sleep(0)


def _close_with_queued_tasks(*, cancel: bool) -> list[str]:
    """What a failed run's loop is left with: tasks queued that never started."""
    loop = asyncio.new_event_loop()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        queued = [loop.create_task(_waits_on_an_output()) for _ in range(3)]
        if cancel:
            _cancel_pending(loop)
        loop.close()
        del queued
        gc.collect()
    return [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]


def test_queued_tasks_left_on_a_closed_loop_warn_they_were_never_awaited() -> None:
    # The symptom _cancel_pending exists for; if asyncio stops warning, it can go.
    assert any("never awaited" in message for message in _close_with_queued_tasks(cancel=False))


def test_a_failed_run_cancels_its_queued_tasks_before_closing_the_loop() -> None:
    assert _close_with_queued_tasks(cancel=True) == []
