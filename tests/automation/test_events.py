"""Engine events (parsed by the SDK's own EngineEvent.from_json) -> progress and link states."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from pulumi.automation import EngineEvent

from peerstack.automation import Event, EventKind, LinkState, Operation, ProgressTracker
from peerstack.automation._events import LinkMatcher, parse_urn
from peerstack.plan import DISCOVERED, Plan
from peerstack.plan.model import slug
from tests.helpers.fake_cli import ACCEPTER, PEERING, ROUTE, VPC, events_for, step, urn

STACK, PROJECT = "dev", "peerstack-corp"


def feed(tracker: ProgressTracker, *events: dict[str, Any]) -> list[Event]:
    out = []
    for number, data in enumerate(events, 1):
        event = tracker.handle(EngineEvent.from_json({"sequence": number, **data}))
        if event is not None:
            out.append(event)
    return out


def test_parse_urn() -> None:
    assert parse_urn(urn(STACK, PROJECT, ROUTE, "corp.shared.main.10.1.0.0-16")) == (
        ROUTE,
        "corp.shared.main.10.1.0.0-16",
    )
    assert parse_urn("not-a-urn") == ("", "not-a-urn")


def test_resources_are_matched_to_links_by_their_topology_names(hub: Plan) -> None:
    matcher = LinkMatcher(hub)
    link = hub.links[0]
    route = next(hub.routes_over(link.name))
    table, destination = slug(route.route_table), slug(route.destination)

    assert matcher.link_of(f"corp.{link.name}") == link.name  # connection, accepter
    assert matcher.link_of(f"corp.{link.name}.requester") == link.name  # options
    assert matcher.link_of(f"corp.{route.vpc}.{table}.{destination}") == link.name
    assert matcher.link_of("corp.shared") is None  # a VPC belongs to no link
    assert matcher.link_of("corp.shared.tools") is None  # nor does a route table
    assert matcher.link_of(f"corp.{link.name}x") is None


def test_routes_in_discovered_tables_are_matched(plan_of: Callable[[str], Plan]) -> None:
    plan = plan_of(
        """
        vpcs:
          a: {cidr: 10.0.0.0/16}
          legacy: {existing: {vpc_id: vpc-0123456789abcdef0, cidrs: [172.31.0.0/16]}}
        peerings:
          - {requester: a, accepter: legacy}
        """
    )
    route = next(r for r in plan.routes if r.route_table == DISCOVERED)
    name = f"t.{route.vpc}.rtb-0123456789abcdef0.{slug(route.destination)}"
    assert LinkMatcher(plan).link_of(name) == route.link == "a--legacy"


def test_progress_counts_resources_done_of_planned(mesh: Plan) -> None:
    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK)
    vpc = urn(STACK, PROJECT, VPC, "mesh.web")
    link = mesh.links[0]
    pcx = urn(STACK, PROJECT, PEERING, f"mesh.{link.name}")

    started, *_ = feed(tracker, {"preludeEvent": {"config": {}}})
    assert started.kind is EventKind.STARTED
    assert started.progress.planned == 0 and started.progress.fraction == 0.0

    pre_vpc, pre_pcx = feed(
        tracker,
        step("resourcePreEvent", "create", vpc, VPC),
        step("resourcePreEvent", "create", pcx, PEERING),
    )
    assert pre_vpc.kind is EventKind.STEP_STARTED
    assert pre_vpc.step is not None and pre_vpc.step.link is None
    assert pre_pcx.step is not None and pre_pcx.step.link == link.name
    assert pre_pcx.step.stage == "peering connection"
    progress = pre_pcx.progress
    assert (progress.planned, progress.done) == (2, 0)
    assert progress.links[link.name].state is LinkState.WORKING
    assert progress.links[link.name].stage == "peering connection"
    assert progress.links[mesh.links[1].name].state is LinkState.WAITING

    (done,) = feed(tracker, step("resOutputsEvent", "create", vpc, VPC))
    assert done.kind is EventKind.STEP_DONE
    assert (done.progress.planned, done.progress.done, done.progress.fraction) == (2, 1, 0.5)
    assert done.progress.changes == {"create": 2}


def test_a_link_is_done_only_when_its_connection_accepter_and_routes_are(hub: Plan) -> None:
    link = next(link for link in hub.links if link.needs_accepter)
    routes = list(hub.routes_over(link.name))
    tracker = ProgressTracker(hub, Operation.UP, stack=STACK)
    pcx = urn(STACK, PROJECT, PEERING, f"corp.{link.name}")
    accepter = urn(STACK, PROJECT, ACCEPTER, f"corp.{link.name}")

    *_, event = feed(
        tracker,
        step("resourcePreEvent", "create", pcx, PEERING),
        step("resOutputsEvent", "create", pcx, PEERING),
    )
    # The connection exists, but the accepter and the routes have not been announced yet.
    assert event.progress.links[link.name].state is LinkState.WORKING

    *_, event = feed(
        tracker,
        step("resourcePreEvent", "create", accepter, ACCEPTER),
        step("resOutputsEvent", "create", accepter, ACCEPTER),
    )
    assert event.progress.links[link.name].state is LinkState.WORKING

    for route in routes:
        name = f"corp.{route.vpc}.{slug(route.route_table)}.{slug(route.destination)}"
        route_urn = urn(STACK, PROJECT, ROUTE, name)
        *_, event = feed(
            tracker,
            step("resourcePreEvent", "create", route_urn, ROUTE),
            step("resOutputsEvent", "create", route_urn, ROUTE),
        )
    state = event.progress.links[link.name]
    assert state.state is LinkState.DONE
    assert (state.planned, state.done, state.failed) == (2 + len(routes), 2 + len(routes), 0)
    assert state.changes == {"create": 2 + len(routes)}


def test_a_failed_resource_fails_its_link(mesh: Plan) -> None:
    link = mesh.links[0]
    pcx = urn(STACK, PROJECT, PEERING, f"mesh.{link.name}")
    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK)

    *_, failed = feed(
        tracker,
        step("resourcePreEvent", "create", pcx, PEERING),
        {
            "diagnosticEvent": {
                "message": (
                    "<{%fg 1%}>error: creating EC2 VPC Peering Connection: boom<{%reset%}>\n"
                ),
                "color": "raw",
                "severity": "error",
                "urn": pcx,
            }
        },
        step("resOpFailedEvent", "create", pcx, PEERING),
    )
    assert failed.kind is EventKind.STEP_FAILED
    assert failed.progress.failed == 1
    assert failed.progress.links[link.name].state is LinkState.FAILED
    assert tracker.diagnostics == [("error", "error: creating EC2 VPC Peering Connection: boom")]


def test_diagnostics_are_events_without_color_codes(mesh: Plan) -> None:
    tracker = ProgressTracker(mesh, Operation.PREVIEW, stack=STACK)
    (event,) = feed(
        tracker,
        {
            "diagnosticEvent": {
                "message": "\x1b[33mwarning: hm\x1b[0m",
                "color": "raw",
                "severity": "warning",
            }
        },
        {"diagnosticEvent": {"message": "noise", "color": "raw", "severity": "debug"}},
    )
    assert event.kind is EventKind.DIAGNOSTIC
    assert (event.severity, event.message) == ("warning", "warning: hm")


def test_the_replace_family_counts_as_one_replace(mesh: Plan) -> None:
    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK)
    pcx = urn(STACK, PROJECT, PEERING, f"mesh.{mesh.links[0].name}")
    *_, event = feed(
        tracker,
        step("resourcePreEvent", "create-replacement", pcx, PEERING),
        step("resOutputsEvent", "create-replacement", pcx, PEERING),
        step("resourcePreEvent", "replace", pcx, PEERING),
        step("resOutputsEvent", "replace", pcx, PEERING),
        step("resourcePreEvent", "delete-replaced", pcx, PEERING),
        step("resOutputsEvent", "delete-replaced", pcx, PEERING),
    )
    assert event.progress.changes == {"replace": 1}
    assert (event.progress.planned, event.progress.done) == (1, 1)


def test_a_whole_operation_ends_with_every_link_done_and_the_summary(mesh: Plan) -> None:
    tracker = ProgressTracker(mesh, Operation.DESTROY, stack=STACK)
    events = feed(
        tracker, *events_for(mesh, stack=STACK, project=PROJECT, op="delete"), {"cancelEvent": {}}
    )

    assert events[-2].kind is EventKind.SUMMARY and events[-1].kind is EventKind.FINISHED
    final = events[-1].progress
    assert final.finished and final.fraction == 1.0
    assert final.operation is Operation.DESTROY
    assert {state.state for state in final.links.values()} == {LinkState.DONE}
    assert tracker.summary == {"delete": final.planned}


def test_unchanged_links(mesh: Plan) -> None:
    tracker = ProgressTracker(mesh, Operation.UP, stack=STACK)
    *_, event = feed(
        tracker, *events_for(mesh, stack=STACK, project=PROJECT, op="same"), {"cancelEvent": {}}
    )
    assert all(state.unchanged for state in event.progress.links.values())


def test_when_the_engine_stops_nothing_is_left_working(mesh: Plan) -> None:
    tracker = ProgressTracker(mesh, Operation.PREVIEW, stack=STACK)
    *_, event = feed(
        tracker,
        *events_for(mesh, stack=STACK, project=PROJECT, finish=False),
        {"cancelEvent": {}},
    )
    assert {state.state for state in event.progress.links.values()} == {LinkState.DONE}


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
        for data in events_for(mesh, stack=STACK, project=PROJECT):
            tracker(EngineEvent.from_json(data))

    assert seen[0] is EventKind.STARTED and seen[-1] is EventKind.SUMMARY
    assert tracker.callback_errors == 1
    assert "on_event callback raised" in caplog.text
