"""A dual-stack peering with IPv6 routes, and an IPv4-only peer of the same VPC.

``app`` and ``data`` have Amazon-provided IPv6 blocks: ``app`` routes all of ``data``
(IPv4 and IPv6: written as the peer's name), ``data`` routes ``app``'s IPv6 block only
(written as that literal block). ``legacy`` has no IPv6: ``app`` routes its IPv4 block,
which is all of it for a link where one side lacks IPv6. discover writes each VPC's
``ipv6_cidrs``; the round trip imports every route, changes nothing and verifies.
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

R = "us-west-2"


def build(hand: Hand) -> dict[str, Any]:
    app = hand.vpc(NET, R, "10.0.0.0/16", "app", AmazonProvidedIpv6CidrBlock=True)
    data = hand.vpc(NET, R, "10.1.0.0/16", "data", AmazonProvidedIpv6CidrBlock=True)
    legacy = hand.vpc(NET, R, "172.16.0.0/16", "legacy")
    app6, data6 = hand.ipv6_of(NET, R, app), hand.ipv6_of(NET, R, data)
    app_main, data_main = hand.main_table(NET, R, app), hand.main_table(NET, R, data)
    both = hand.peer((NET, R, app), (NET, R, data))
    hand.route(NET, R, app_main, "10.1.0.0/16", both)
    hand.route(NET, R, app_main, data6, both)
    hand.route(NET, R, data_main, app6, both)
    old = hand.peer((NET, R, legacy), (NET, R, app))
    hand.route(NET, R, app_main, "172.16.0.0/16", old)
    hand.route(NET, R, hand.main_table(NET, R, legacy), "10.0.0.0/16", old)
    return {"app6": app6, "data6": data6}


def _trip() -> tuple[RoundTrip, dict[str, Any]]:
    return round_trip(build, {"net": NET}, [R])


def check_ipv6_blocks_and_routes_are_written_as_they_are(
    trip: tuple[RoundTrip, dict[str, Any]],
) -> None:
    done, ids = trip
    vpcs = done.found.data["vpcs"]
    assert vpcs["app"]["existing"]["ipv6_cidrs"] == [ids["app6"]]
    assert "ipv6_cidrs" not in vpcs["legacy"]["existing"]
    routes = {(p["requester"], p["accepter"]): p["routes"] for p in done.found.data["peerings"]}
    assert routes[("app", "data")] == {
        "app": {"to": ["data"], "tables": ["main"]},
        "data": {"to": [ids["app6"]], "tables": ["main"]},
    }
    assert routes[("legacy", "app")] == {
        "legacy": {"to": ["app"], "tables": ["main"]},
        "app": {"to": ["legacy"], "tables": ["main"]},
    }


def check_every_route_is_imported_and_nothing_changes(
    trip: tuple[RoundTrip, dict[str, Any]],
) -> None:
    done, ids = trip
    for op, kind in done.aws_ops(done.up):
        assert op in ONLY_READS or (op == "create" and kind in NO_OP_CREATES), (op, kind)
    imported = {s.name for s in done.up if str(s.op) == "import" and s.type.endswith("Route")}
    slug6 = ids["data6"].replace("/", "-").replace(":", "_")
    app_main = next(n for n in imported if n.startswith("estate.app.rtb-"))
    table = app_main.split(".")[2]  # routes in adopted tables are named by table id
    assert f"estate.app.{table}.{slug6}" in imported and len(imported) == 5
    assert changed(done.before, done.after_up) == set()
    assert done.found.report.verifies and done.verify.ok, done.verify.differences


def test_the_estate_round_trips() -> None:
    """One round trip, checked step by step (built once: pytest-xdist would otherwise
    build a module's estate once per worker running one of its tests)."""
    trip = _trip()
    for check in (
        check_ipv6_blocks_and_routes_are_written_as_they_are,
        check_every_route_is_imported_and_nothing_changes,
    ):
        check(trip)
