"""Engine events, turned into progress a person can read: resources done of planned, and
the state of every peering link.

The Pulumi engine reports one step per resource (``ResourcePreEvent`` when it starts,
``ResOutputsEvent`` when it is done, ``ResOpFailedEvent`` when it fails). A
:class:`ProgressTracker` folds those into an immutable :class:`Progress` snapshot and hands
the caller one typed :class:`Event` per engine event.

A resource belongs to a link when its parent (named in the step's metadata) is that
link's ``peerstack:index:Link`` component. The engine reports a component's outputs only
when the component registers them (pulumi ``pkg/engine/update.go``, OnResourceStepPost):
every peerstack component does, once all of its resources exist, so a link is done when
its component's outputs event arrives.
"""

from __future__ import annotations

import enum
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from peerstack._provider import tokens
from peerstack._results.steps import Places, ResourceStep, normalize_op, parse_urn

if TYPE_CHECKING:
    from pulumi.automation import EngineEvent

    from peerstack.plan import Plan

__all__ = [
    "Event",
    "EventKind",
    "LinkProgress",
    "LinkState",
    "OnEvent",
    "Operation",
    "Progress",
    "ProgressTracker",
    "ResourceStep",
    "normalize_op",
    "parse_urn",
]

logger = logging.getLogger("peerstack")


class Operation(enum.StrEnum):
    """A Pulumi operation peerstack runs."""

    PREVIEW = "preview"
    UP = "up"
    REFRESH = "refresh"
    DESTROY = "destroy"


class EventKind(enum.StrEnum):
    """What an :class:`Event` reports."""

    STARTED = "started"
    """The engine began the operation."""
    STEP_STARTED = "step-started"
    """The engine started working on one resource."""
    STEP_DONE = "step-done"
    """One resource is done."""
    STEP_FAILED = "step-failed"
    """One resource failed."""
    DIAGNOSTIC = "diagnostic"
    """A message from the engine, a provider or the program (see ``severity``)."""
    SUMMARY = "summary"
    """The operation's change summary (its last event before ``FINISHED``)."""
    FINISHED = "finished"
    """The engine stopped sending events."""


class LinkState(enum.StrEnum):
    """Where one peering link stands during an operation."""

    WAITING = "waiting"
    """The engine has not reached any resource of this link yet."""
    WORKING = "working"
    """Some of the link's resources are being changed."""
    DONE = "done"
    """The link's component reported its outputs: every resource of the link exists (or,
    in a destroy, is gone); or the engine stopped without a failure in the link."""
    FAILED = "failed"
    """A resource of the link failed."""


@dataclass(frozen=True, slots=True)
class LinkProgress:
    """Progress of the resources that make up one peering link."""

    name: str
    state: LinkState
    planned: int = 0
    done: int = 0
    failed: int = 0
    changes: Mapping[str, int] = field(default_factory=dict)
    """Resources of this link by operation (``create``, ``same`` ...), as announced."""
    stage: str | None = None
    """What is being worked on (``accepter``, ``route`` ...) while ``WORKING``."""

    @property
    def unchanged(self) -> bool:
        """Every announced resource of this link is kept as it is."""
        return self.planned > 0 and set(self.changes) <= {"same", "read", "refresh"}


@dataclass(frozen=True, slots=True)
class Progress:
    """A snapshot of an operation: resources done of planned, and each link's state."""

    operation: Operation
    stack: str
    planned: int = 0
    """Resources the engine has announced so far (grows while the program registers them)."""
    done: int = 0
    failed: int = 0
    changes: Mapping[str, int] = field(default_factory=dict)
    """Announced resources by operation (``create``, ``update``, ``delete``, ``same`` ...)."""
    links: Mapping[str, LinkProgress] = field(default_factory=dict)
    finished: bool = False

    @property
    def fraction(self) -> float:
        """Done (or failed) of planned, between 0 and 1; 1 once the engine has stopped."""
        if self.finished:
            return 1.0
        if not self.planned:
            return 0.0
        return min(1.0, (self.done + self.failed) / self.planned)


@dataclass(frozen=True, slots=True)
class Event:
    """One engine event, typed, with the progress it leads to."""

    kind: EventKind
    progress: Progress
    step: ResourceStep | None = None
    """The resource concerned (``STEP_*`` events, and diagnostics about a resource)."""
    message: str | None = None
    """Diagnostic text (``DIAGNOSTIC`` events). Pulumi masks secret values in it."""
    severity: str | None = None
    """``info``, ``warning`` or ``error`` (``DIAGNOSTIC`` events)."""
    sequence: int = 0


OnEvent = Callable[[Event], None]
"""A callback receiving each :class:`Event` of an operation, in order."""


@dataclass(slots=True)
class _Resource:
    step: ResourceStep
    done: bool = False
    failed: bool = False


class ProgressTracker:
    """Folds engine events into :class:`Progress` and typed :class:`Event` objects.

    Engine events arrive on the SDK's watcher thread; :meth:`handle` is safe to call from
    any thread and callbacks run in the order events arrive. Each event updates counters
    and the one link it concerns, so a topology of thousands of links stays cheap.
    """

    def __init__(
        self,
        plan: Plan,
        operation: Operation,
        *,
        stack: str,
        prefix: str | None = None,
        on_event: OnEvent | None = None,
    ) -> None:
        """``prefix`` is the PeeringTopology's name (default: the topology's name, which
        is what every peerstack deployment uses)."""
        self.operation = operation
        self.stack = stack
        self._places = Places(plan, prefix)
        link_names = self._places.link_names
        self._on_event = on_event
        self._resources: dict[str, _Resource] = {}
        self._by_link: dict[str, dict[str, _Resource]] = {name: {} for name in link_names}
        self._components: dict[str, _Resource] = {}
        """Link name -> its peerstack:index:Link component, once the engine announced it."""
        self._links: dict[str, LinkProgress] = {
            name: LinkProgress(name=name, state=LinkState.WAITING) for name in link_names
        }
        self._changes: dict[str, int] = {}
        self._done = 0
        self._failed = 0
        self._finished = False
        self._lock = threading.Lock()
        self.diagnostics: list[tuple[str, str]] = []
        """Every diagnostic as ``(severity, message)``, kept to explain a failure."""
        self.summary: Mapping[str, int] | None = None
        self.callback_errors = 0

    # -- the SDK's callback ---------------------------------------------------------

    def __call__(self, engine_event: EngineEvent) -> None:
        event = self.handle(engine_event)
        if event is None or self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:
            # The SDK calls us on its watcher thread; an exception there would silently
            # stop every later event. Report it and keep the operation going.
            self.callback_errors += 1
            logger.exception("the on_event callback raised; later events are still delivered")

    def handle(self, engine_event: EngineEvent) -> Event | None:
        with self._lock:
            return self._handle(engine_event)

    def _handle(self, ev: EngineEvent) -> Event | None:
        sequence = int(getattr(ev, "sequence", 0) or 0)
        if ev.prelude_event is not None:
            return Event(EventKind.STARTED, self._snapshot(), sequence=sequence)
        if ev.resource_pre_event is not None:
            step = self._step(ev.resource_pre_event.metadata)
            self._record(step, done=False, failed=False)
            return Event(EventKind.STEP_STARTED, self._snapshot(), step=step, sequence=sequence)
        if ev.res_outputs_event is not None:
            step = self._step(ev.res_outputs_event.metadata)
            self._record(step, done=True, failed=False)
            return Event(EventKind.STEP_DONE, self._snapshot(), step=step, sequence=sequence)
        if ev.res_op_failed_event is not None:
            step = self._step(ev.res_op_failed_event.metadata)
            self._record(step, done=False, failed=True)
            return Event(EventKind.STEP_FAILED, self._snapshot(), step=step, sequence=sequence)
        if ev.diagnostic_event is not None:
            diag = ev.diagnostic_event
            severity = str(diag.severity or "info")
            message = _strip_color(str(diag.message or "")).strip()
            if severity == "debug" or not message:
                return None
            self.diagnostics.append((severity, message))
            known = self._resources.get(diag.urn) if diag.urn else None
            return Event(
                EventKind.DIAGNOSTIC,
                self._snapshot(),
                step=known.step if known else None,
                message=message,
                severity=severity,
                sequence=sequence,
            )
        if ev.summary_event is not None:
            changes = ev.summary_event.resource_changes or {}
            self.summary = {normalize_op(op): int(count) for op, count in changes.items()}
            return Event(EventKind.SUMMARY, self._snapshot(), sequence=sequence)
        if ev.cancel_event is not None:
            self._finished = True
            for name in self._links:
                self._update_link(name)
            return Event(EventKind.FINISHED, self._snapshot(), sequence=sequence)
        return None

    def _step(self, metadata: object) -> ResourceStep:
        urn = str(getattr(metadata, "urn", "") or "")
        type_, name = parse_urn(urn)
        type_ = str(getattr(metadata, "type", "") or type_)
        op = normalize_op(getattr(metadata, "op", "same"))
        # The engine's step metadata carries the parent URN (new state, or old for deletes).
        state = getattr(metadata, "new", None) or getattr(metadata, "old", None)
        parent = str(getattr(state, "parent", "") or "")
        link, vpc = self._places.of(type_, name, parent)
        custom = bool(getattr(state, "custom", False)) if state is not None else True
        return ResourceStep(
            urn=urn,
            type=type_,
            name=name,
            op=op,
            link=link,
            vpc=vpc,
            custom=custom,
            parent=parent,
            id=str(getattr(state, "id", "") or "") or None,
            changed=frozenset(getattr(metadata, "diffs", None) or ()),
        )

    def _record(self, step: ResourceStep, *, done: bool, failed: bool) -> None:
        """Set one resource's state, keeping every counter in step."""
        resource = self._resources.get(step.urn)
        if resource is None:
            resource = self._resources[step.urn] = _Resource(step)
            self._changes[step.op] = self._changes.get(step.op, 0) + 1
        else:
            if resource.step.op != step.op:
                self._changes[resource.step.op] -= 1
                if not self._changes[resource.step.op]:
                    del self._changes[resource.step.op]
                self._changes[step.op] = self._changes.get(step.op, 0) + 1
            self._done -= int(resource.done and not resource.failed)
            self._failed -= int(resource.failed)
            resource.step = step
        resource.done, resource.failed = done, failed
        self._done += int(done and not failed)
        self._failed += int(failed)
        if step.link is not None and step.link in self._by_link:
            if step.type == tokens.LINK:
                self._components[step.link] = resource
            else:
                self._by_link[step.link][step.urn] = resource
            self._update_link(step.link)

    def _update_link(self, name: str) -> None:
        self._links[name] = _link_progress(
            name,
            self._by_link[name].values(),
            component=self._components.get(name),
            finished=self._finished,
        )

    def steps(self) -> tuple[ResourceStep, ...]:
        """The last step announced for each resource, in the order they were announced."""
        with self._lock:
            return tuple(resource.step for resource in self._resources.values())

    # -- snapshots --------------------------------------------------------------------

    def snapshot(self) -> Progress:
        with self._lock:
            return self._snapshot()

    def _snapshot(self) -> Progress:
        return Progress(
            operation=self.operation,
            stack=self.stack,
            planned=len(self._resources),
            done=self._done,
            failed=self._failed,
            changes=MappingProxyType(dict(self._changes)),
            links=MappingProxyType(dict(self._links)),
            finished=self._finished,
        )


def _link_progress(
    name: str, resources: Iterable[_Resource], *, component: _Resource | None, finished: bool
) -> LinkProgress:
    items = list(resources)
    if not items and component is None:
        return LinkProgress(name=name, state=LinkState.WAITING)
    # The engine reports a component's outputs once it registers them, after every
    # resource they come from exists (or when it is deleted): only then is the link done.
    component_done = component is not None and component.done
    changes: dict[str, int] = {}
    for item in items:
        changes[item.step.op] = changes.get(item.step.op, 0) + 1
    failed = sum(1 for item in items if item.failed)
    done = sum(1 for item in items if item.done and not item.failed)
    # Once the engine has finished, nothing is still being worked on.
    working = [] if finished else [i for i in items if not i.done and not i.failed]
    if failed:
        state = LinkState.FAILED
    elif working or not (component_done or finished):
        state = LinkState.WORKING
    else:
        state = LinkState.DONE
    stage = next((item.step.stage for item in reversed(working) if item.step.stage), None)
    return LinkProgress(
        name=name,
        state=state,
        planned=len(items),
        done=done,
        failed=failed,
        changes=MappingProxyType(changes),
        stage=stage,
    )


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|<\{%[^%]*%\}>")


def _strip_color(text: str) -> str:
    """Drop ANSI escapes and Pulumi's ``<{%reset%}>`` color tags."""
    return _ANSI.sub("", text)
