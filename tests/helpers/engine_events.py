"""Engine event streams in the shape the real Pulumi engine writes them, for a topology.

The stream is derived from what PeeringTopology registers (a mocked run), following the
engine's rules (github.com/pulumi/pulumi, pkg/engine/update.go, OnResourceStepPre/Post):

- every step gets a ``resourcePreEvent``; custom resources get a ``resOutputsEvent`` when
  their step is done;
- a component gets a ``resOutputsEvent`` for create/same/update only when the program
  registers its outputs (``register_outputs``), after every output it names resolved,
  so after its children; on delete it always gets one;
- deletes run children before parents; the stack's outputs come last, then the summary
  and a ``cancelEvent``;
- step metadata names the parent URN in ``new`` (or ``old`` for deletes);
- a refresh step is announced as ``refresh`` and done as what the refresh found
  (update.go: ``RefreshStep.ResultOp``, ``same`` here: nothing drifted).

The recorded streams of pulumi's display tests (pkg/backend/display/testdata) have this
shape; tests/automation/test_events.py also replays those when they are available.
"""

from __future__ import annotations

from typing import Any

from peerstack._provider import tokens
from peerstack.plan import Plan
from peerstack.testing import MockRun, run_mocked

_STACK = "pulumi:pulumi:Stack"


def stack_urn(stack: str, project: str) -> str:
    return f"urn:pulumi:{stack}::{project}::{_STACK}::{project}-{stack}"


def _with_stack(urn: str, stack: str, project: str) -> str:
    """A mocked run's URN, moved into ``stack`` and ``project``."""
    rest = urn.split("::", 2)[2]
    return f"urn:pulumi:{stack}::{project}::{rest}"


def _state(resource: Any, urn: str, parent: str, stack: str, project: str) -> dict[str, Any]:
    return {
        "type": resource.type,
        "urn": urn,
        "custom": resource.custom,
        "id": resource.id or "",
        "parent": parent,
        "inputs": {},
        "outputs": {},
        "provider": "",
    }


def _step(
    kind: str, op: str, urn: str, type_: str, state: dict[str, Any], *, delete: bool
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "op": op,
        "urn": urn,
        "type": type_,
        "provider": "",
        "old": state if delete or op != "create" else None,
        "new": None if delete else state,
        "detailedDiff": None,
    }
    if kind == "resOpFailedEvent":
        return {kind: {"metadata": metadata, "status": 1, "steps": 0}}
    return {kind: {"metadata": metadata}}


def engine_events(
    plan: Plan,
    *,
    stack: str,
    project: str,
    op: str = "create",
    finish: bool = True,
    run: MockRun | None = None,
    fail: str | None = None,
) -> list[dict[str, Any]]:
    """The events of an operation that does ``op`` (create, same, update, delete) to every
    resource PeeringTopology registers for ``plan``.

    ``finish=False`` stops before any step completes (an interrupted run); ``fail`` names a
    resource whose step fails (its link's later resources are then not reached).
    """
    run = run or run_mocked(plan)
    delete = op == "delete"
    root = stack_urn(stack, project)
    resources = list(run.resources)
    urns = {r.urn: _with_stack(r.urn, stack, project) for r in resources}
    events: list[dict[str, Any]] = [{"preludeEvent": {"config": {}}}]
    stack_state = {"type": _STACK, "urn": root, "custom": False, "parent": ""}
    stack_op = "same" if op != "create" else "create"
    events.append(_step("resourcePreEvent", stack_op, root, _STACK, stack_state, delete=False))
    changes: dict[str, int] = {stack_op: 1}
    order = list(reversed(resources)) if delete else resources
    done_children: dict[str, int] = {}
    children: dict[str, int] = {}
    for resource in resources:
        if resource.parent:
            children[resource.parent] = children.get(resource.parent, 0) + 1
    pending_components: list[Any] = []
    failed = False
    for resource in order:
        urn = urns[resource.urn]
        parent = urns.get(resource.parent or "", root)
        state = _state(resource, urn, parent, stack, project)
        step_op = op
        events.append(_step("resourcePreEvent", step_op, urn, resource.type, state, delete=delete))
        if not finish or failed:
            continue
        if fail is not None and resource.name == fail and resource.custom:
            events.append(
                _step("resOpFailedEvent", step_op, urn, resource.type, state, delete=delete)
            )
            failed = True
            continue
        if resource.custom or delete:
            done_op = "same" if op == "refresh" else step_op
            events.append(
                _step("resOutputsEvent", done_op, urn, resource.type, state, delete=delete)
            )
            changes[done_op] = changes.get(done_op, 0) + 1
            if resource.parent:
                done_children[resource.parent] = done_children.get(resource.parent, 0) + 1
        else:
            pending_components.append(resource)
        if not delete:
            # Components report their outputs once all their children are done.
            for component in list(reversed(pending_components)):
                if done_children.get(component.urn, 0) >= children.get(component.urn, 0):
                    if component.urn in run.registered_outputs:
                        c_urn = urns[component.urn]
                        c_parent = urns.get(component.parent or "", root)
                        c_state = _state(component, c_urn, c_parent, stack, project)
                        events.append(
                            _step(
                                "resOutputsEvent", op, c_urn, component.type, c_state, delete=False
                            )
                        )
                        changes[op] = changes.get(op, 0) + 1
                    if component.parent:
                        done_children[component.parent] = done_children.get(component.parent, 0) + 1
                    pending_components.remove(component)
    if finish:
        events.append(_step("resOutputsEvent", stack_op, root, _STACK, stack_state, delete=False))
        events.append(
            {
                "summaryEvent": {
                    "maybeCorrupt": failed,
                    "durationSeconds": 3,
                    "resourceChanges": changes,
                    "PolicyPacks": {},
                }
            }
        )
    events.append({"cancelEvent": {}})
    return events


def link_component_urn(plan: Plan, link: str, *, stack: str, project: str) -> str:
    """The URN of a link's peerstack:index:Link component, as the engine names it."""
    topology = f"{tokens.TOPOLOGY}${tokens.LINK}"
    return f"urn:pulumi:{stack}::{project}::{topology}::{plan.topology}.{link}"
