"""Engine events (parsed by the SDK's own EngineEvent.from_json) -> progress and link states.

The streams have the real engine's shape (see tests/helpers/engine_events.py): components
get their own events, resources name their parent, and a link is done when its component
reports its outputs. When the recorded streams of Pulumi's display tests are available
(PEERSTACK_PULUMI_EVENTS=<dir of *.json>), they are replayed too.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from pulumi.automation import EngineEvent

from peerstack._provider import tokens
from peerstack.automation import Event, EventKind, LinkState, Operation, ProgressTracker
from peerstack.automation._events import parse_urn
from peerstack.plan import Plan
from peerstack.testing import run_mocked
from tests.helpers.engine_events import engine_events

STACK, PROJECT = "dev", "peerstack-corp"


def feed(tracker: ProgressTracker, *events: dict[str, Any]) -> list[Event]:
    out = []
    for number, data in enumerate(events, 1):
        event = tracker.handle(EngineEvent.from_json({"sequence": number, **data}))
        if event is not None:
            out.append(event)
    return out


def test_parse_urn() -> None:
    urn = f"urn:pulumi:dev::p::{tokens.TOPOLOGY}${tokens.LINK}${tokens.ROUTE}::corp.a.main.10-16"
    assert parse_urn(urn) == (tokens.ROUTE, "corp.a.main.10-16")
    assert parse_urn("not-a-urn") == ("", "not-a-urn")


def test_resources_belong_to_the_link_whose_component_is_their_parent(hub: Plan) -> None:
    tracker = ProgressTracker(hub, Operation.UP, stack=STACK)
    events = feed(tracker, *engine_events(hub, stack=STACK, project=PROJECT))
    steps = [e.step for e in events if e.step is not None]
    run = run_mocked(hub)
    links = {r.urn for r in run.of_type(tokens.LINK)}
    link_children = {r.name for r in run.resources if r.parent in links}
    for step in steps:
        if step.type == tokens.LINK:
            assert step.link is not None and step.name == f"corp.{step.link}"
        elif step.name in link_children:
            assert step.link is not None
        else:  # VPCs, subnets, route tables, providers belong to no link
            assert step.link is None, step
    assert {s.link for s in steps if s.link} == {link.name for link in hub.links}


def test_a_link_is_working_until_its_component_reports_its_outputs(hub: Plan) -> None:
    link = next(link for link in hub.links if link.needs_accepter)
    tracker = ProgressTracker(hub, Operation.UP, stack=STACK)
    states = []
    for event in feed(tracker, *engine_events(hub, stack=STACK, project=PROJECT)):
        if event.step is not None and event.step.link == link.name:
            states.append((event.kind, event.step.type, event.progress.links[link.name].state))
    # The component starts the link; its connection, accepter, options and routes follow;
    # only the component's own outputs event, after all of them, makes the link done.
    assert states[0] == (EventKind.STEP_STARTED, tokens.LINK, LinkState.WORKING)
    assert states[-1] == (EventKind.STEP_DONE, tokens.LINK, LinkState.DONE)
    assert all(state is LinkState.WORKING for _, _, state in states[:-1])
    assert {t for _, t, _ in states} >= {tokens.CONNECTION, tokens.ACCEPTER, tokens.ROUTE}


def test_progress_reaches_one_when_every_component_reports(mesh: Plan) -> None:
    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK)
    events = feed(tracker, *engine_events(mesh, stack=STACK, project=PROJECT))
    assert events[0].kind is EventKind.STARTED
    before_end = events[-3].progress  # the stack's outputs, before the summary
    assert before_end.fraction == 1.0 and before_end.done == before_end.planned
    assert {link.state for link in before_end.links.values()} == {LinkState.DONE}
    assert events[-2].kind is EventKind.SUMMARY and events[-1].kind is EventKind.FINISHED
    assert tracker.summary is not None and tracker.summary["create"] == before_end.planned


def test_without_component_outputs_a_link_never_finishes_before_the_end(mesh: Plan) -> None:
    """What a component that never calls register_outputs looks like to the engine."""
    run = run_mocked(mesh)
    bare = type(run)(
        plan=run.plan,
        preview=False,
        resources=run.resources,
        invokes=run.invokes,
        outputs=run.outputs,
        registered_outputs={},
    )
    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK)
    events = feed(tracker, *engine_events(mesh, stack=STACK, project=PROJECT, run=bare))
    before_end = events[-3].progress
    assert before_end.fraction < 1.0
    assert {link.state for link in before_end.links.values()} == {LinkState.WORKING}
    assert events[-1].progress.fraction == 1.0  # the engine finished: nothing is left working


def test_destroy_deletes_children_first_and_ends_with_every_link_done(mesh: Plan) -> None:
    tracker = ProgressTracker(mesh, Operation.DESTROY, stack=STACK)
    events = feed(tracker, *engine_events(mesh, stack=STACK, project=PROJECT, op="delete"))
    link_events = [e for e in events if e.step is not None and e.step.link == mesh.links[0].name]
    assert link_events[-1].step is not None and link_events[-1].step.type == tokens.LINK
    final = events[-1].progress
    assert final.finished and final.fraction == 1.0
    assert final.operation is Operation.DESTROY
    assert {state.state for state in final.links.values()} == {LinkState.DONE}
    assert tracker.summary is not None and tracker.summary["delete"] == len(run_mocked(mesh))


def test_a_failed_resource_fails_its_link(mesh: Plan) -> None:
    link = mesh.links[0]
    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK)
    events = feed(
        tracker,
        *engine_events(mesh, stack=STACK, project=PROJECT, fail=f"mesh.{link.name}"),
    )
    failed = next(e for e in events if e.kind is EventKind.STEP_FAILED)
    assert failed.step is not None and failed.step.link == link.name
    assert failed.progress.failed == 1
    assert failed.progress.links[link.name].state is LinkState.FAILED
    assert events[-1].progress.links[link.name].state is LinkState.FAILED


def test_diagnostics_are_events_without_color_codes(mesh: Plan) -> None:
    tracker = ProgressTracker(mesh, Operation.PREVIEW, stack=STACK)
    (event, _error) = feed(
        tracker,
        {
            "diagnosticEvent": {
                "message": "\x1b[33mwarning: hm\x1b[0m",
                "color": "raw",
                "severity": "warning",
            }
        },
        {"diagnosticEvent": {"message": "noise", "color": "raw", "severity": "debug"}},
        {
            "diagnosticEvent": {
                "message": "<{%fg 1%}>error: creating EC2 VPC Peering Connection: boom<{%reset%}>\n",
                "color": "raw",
                "severity": "error",
            }
        },
    )
    assert event.kind is EventKind.DIAGNOSTIC
    assert (event.severity, event.message) == ("warning", "warning: hm")
    assert tracker.diagnostics[-1] == ("error", "error: creating EC2 VPC Peering Connection: boom")


def test_the_replace_family_counts_as_one_replace(mesh: Plan) -> None:
    events = engine_events(mesh, stack=STACK, project=PROJECT, op="same")
    pcx = next(
        e["resourcePreEvent"]["metadata"]
        for e in events
        if "resourcePreEvent" in e
        and e["resourcePreEvent"]["metadata"]["type"] == tokens.CONNECTION
    )
    replace = []
    for op in ("create-replacement", "replace", "delete-replaced"):
        for kind in ("resourcePreEvent", "resOutputsEvent"):
            replace.append({kind: {"metadata": {**pcx, "op": op}}})
    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK)
    *_, event = feed(tracker, *replace)
    assert event.progress.changes == {"replace": 1}
    assert (event.progress.planned, event.progress.done) == (1, 1)


def test_unchanged_links(mesh: Plan) -> None:
    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK)
    *_, event = feed(tracker, *engine_events(mesh, stack=STACK, project=PROJECT, op="same"))
    assert all(state.unchanged for state in event.progress.links.values())


def test_an_interrupted_run_leaves_nothing_working_once_the_engine_stops(mesh: Plan) -> None:
    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK)
    events = feed(tracker, *engine_events(mesh, stack=STACK, project=PROJECT, finish=False))
    assert events[-2].progress.done == 0
    assert {state.state for state in events[-1].progress.links.values()} == {LinkState.DONE}


def test_a_failing_callback_does_not_stop_later_events(
    mesh: Plan, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[EventKind] = []

    def callback(event: Event) -> None:
        seen.append(event.kind)
        if event.kind is EventKind.STARTED:
            raise ValueError("callback bug")

    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK, on_event=callback)
    with caplog.at_level(logging.ERROR, logger="peerstack"):
        for data in engine_events(mesh, stack=STACK, project=PROJECT):
            tracker(EngineEvent.from_json(data))

    assert seen[0] is EventKind.STARTED and seen[-1] is EventKind.FINISHED
    assert tracker.callback_errors == 1
    assert "on_event callback raised" in caplog.text


RECORDED = os.environ.get("PEERSTACK_PULUMI_EVENTS")


@pytest.mark.skipif(
    not RECORDED,
    reason="set PEERSTACK_PULUMI_EVENTS to a copy of pulumi's pkg/backend/display/testdata/"
    "not-truncated (recorded engine event streams) to replay them",
)
@pytest.mark.parametrize(
    "name",
    [
        "destroy-with-components",
        "destroy-with-deep-hierarchy",
        "up-3",
        "up-4",
        "up-interrupted",
        "webserver-userdata",
        "stack-output-resource-diff",
    ],
)
def test_recorded_engine_streams(name: str, mesh: Plan) -> None:
    path = Path(RECORDED or ".") / f"{name}.json"
    if not path.exists():
        pytest.skip(f"{path} is not there")
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if "cancelEvent" not in lines[-1]:
        lines.append({"cancelEvent": {}})  # as pulumi's own display tests do
    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK)
    events = [tracker.handle(EngineEvent.from_json(line)) for line in lines]
    final = [e for e in events if e is not None][-1]
    assert final.kind is EventKind.FINISHED
    assert final.progress.fraction == 1.0
    assert final.progress.failed == 0
    if name.startswith("destroy"):
        # Components report their outputs when deleted: every resource is done.
        assert final.progress.done == final.progress.planned
