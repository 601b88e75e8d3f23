"""A cross-region peering in one account, made by another tool, round-trips.

``hub`` (us-east-1) requested a connection to ``eu`` (eu-west-1), accepted in eu-west-1;
both main tables route the whole peer. discover reads both regions, writes ``eu`` with
its own region and the link with both sides' routes; the link is cross-region, so the
connection carries ``peer_region`` and needs an accepter in eu-west-1. ``up`` imports the
connection (in the requester's region) and both routes and changes nothing in AWS;
``verify`` passes; ``destroy`` leaves the connection and its routes as they were (they
existed before peerstack, which never deletes what it did not create).
"""

from __future__ import annotations

from typing import Any

from tests.discover.estates import (
    NET,
    NO_OP_CREATES,
    ONLY_READS,
    Hand,
    RoundTrip,
    changed,
    round_trip,
)

US, EU = "us-east-1", "eu-west-1"


def build(hand: Hand) -> dict[str, Any]:
    hub = hand.vpc(NET, US, "10.0.0.0/16", "hub")
    eu = hand.vpc(NET, EU, "10.1.0.0/16", "eu")
    pcx = hand.peer((NET, US, hub), (NET, EU, eu))
    hub_main, eu_main = hand.main_table(NET, US, hub), hand.main_table(NET, EU, eu)
    hand.route(NET, US, hub_main, "10.1.0.0/16", pcx)
    hand.route(NET, EU, eu_main, "10.0.0.0/16", pcx)
    return {"pcx": pcx, "hub_main": hub_main, "eu_main": eu_main}


def _trip() -> tuple[RoundTrip, dict[str, Any]]:
    return round_trip(build, {"net": NET}, [US, EU])


def check_the_link_is_adopted_across_regions(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, ids = trip
    assert done.found.data["vpcs"]["eu"]["region"] == EU
    assert "region" not in done.found.data["vpcs"]["hub"]
    (peering,) = done.found.data["peerings"]
    assert peering["requester"] == "hub" and peering["accepter"] == "eu"
    assert peering["routes"] == {
        "hub": {"to": ["eu"], "tables": ["main"]},
        "eu": {"to": ["hub"], "tables": ["main"]},
    }
    link = done.found.plan.link("hub--eu")
    assert link.cross_region and not link.cross_account
    assert (link.peer_region, link.existing_id) == (EU, ids["pcx"])


def check_up_imports_changes_nothing_and_verifies(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, _ = trip
    for op, kind in done.aws_ops(done.up):
        assert op in ONLY_READS or (op == "create" and kind in NO_OP_CREATES), (op, kind)
    assert [s.region for s in done.up if str(s.op) == "import" and "Connection" in s.type] == [US]
    assert changed(done.before, done.after_up) == set()
    assert done.found.report.verifies and done.verify.ok, done.verify.differences


def check_destroy_leaves_the_connection_and_its_routes(
    trip: tuple[RoundTrip, dict[str, Any]],
) -> None:
    done, _ = trip
    assert changed(done.before, done.after_destroy) == set()


def test_the_estate_round_trips() -> None:
    """One round trip, checked step by step (built once: pytest-xdist would otherwise
    build a module's estate once per worker running one of its tests)."""
    trip = _trip()
    for check in (
        check_the_link_is_adopted_across_regions,
        check_up_imports_changes_nothing_and_verifies,
        check_destroy_leaves_the_connection_and_its_routes,
    ):
        check(trip)
