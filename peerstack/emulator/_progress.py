"""The emulation's steps as the engine events a real run sends, so that a caller's
``on_event`` gets the same :class:`~peerstack.automation.Event`s, with the same progress,
whichever engine runs.

Each step becomes the events the Pulumi engine writes for it (pulumi
``pkg/engine/update.go``, OnResourceStepPre/Post): a ``resourcePreEvent``, then a
``resOutputsEvent`` once done; a component's outputs come once its resources are done
(here: at the end of the run), the delete a replacement implies is a ``delete-replaced``
step, and a ``cancelEvent`` ends the stream. A
:class:`~peerstack.automation.ProgressTracker` folds them, as it does a real engine's.
"""

from __future__ import annotations

import threading
from typing import Any

from pulumi.automation import EngineEvent

from peerstack._provider.changes import Change
from peerstack._results import ResourceStep
from peerstack.automation import OnEvent, Operation, ProgressTracker
from peerstack.plan import Plan

__all__ = ["EngineEvents"]


class EngineEvents:
    """Called with each step of an emulated run; :meth:`finish` once it is done."""

    def __init__(self, plan: Plan, operation: Operation, *, stack: str, on_event: OnEvent) -> None:
        self._tracker = ProgressTracker(plan, operation, stack=stack, on_event=on_event)
        self._lock = threading.Lock()
        self._sequence = 0
        self._components: list[dict[str, Any]] = []
        self._feed({"preludeEvent": {"config": {}}})

    def __call__(self, step: ResourceStep) -> None:
        delete = step.op == Change.DELETE
        state = {
            "type": step.type,
            "urn": step.urn,
            "id": step.id or "",
            "custom": step.custom,
            "parent": step.parent,
        }
        metadata = {
            "op": "delete-replaced" if step.replacement else str(step.op),
            "urn": step.urn,
            "type": step.type,
            "provider": "",
            "old": state if delete else None,
            "new": None if delete else state,
            "diffs": sorted(step.changed),
        }
        with self._lock:
            self._feed({"resourcePreEvent": {"metadata": metadata}})
            if step.custom or delete:
                self._feed({"resOutputsEvent": {"metadata": metadata}})
            else:
                # A component is done once its resources are: at the end of the run.
                self._components.append(metadata)

    def finish(self) -> None:
        """The run is done: the components report their outputs, and the stream ends."""
        with self._lock:
            for metadata in self._components:
                self._feed({"resOutputsEvent": {"metadata": metadata}})
            changes = dict(self._tracker.snapshot().changes)
            self._feed({"summaryEvent": {"maybeCorrupt": False, "resourceChanges": changes}})
            self._feed({"cancelEvent": {}})

    def _feed(self, data: dict[str, Any]) -> None:
        self._sequence += 1
        self._tracker(EngineEvent.from_json({"sequence": self._sequence, **data}))
