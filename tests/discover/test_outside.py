"""Peerings with an account outside the organisation (never discovered).

- A partner requested a connection to our ``app``, which accepted it; ``app`` routes
  the partner's block over it and resolves its DNS. discover writes an ``accepts``
  entry (the partner's account, region and blocks, as the connection shows them; our
  side's DNS option), with ``routes: {to: []}``: peerstack creates an accepted
  request's routes and cannot import them (AWS would refuse a duplicate), so they are
  left as they are and reported; verify will report them, as predicted.
- The partner's second request, to ``api``, is pending: accepting it is a decision, so
  its ``accepts`` entry is written as a comment and reported.
- ``api`` requested a connection to another outside account: the format adopts
  connections between its own VPCs only; reported.

The round trip: ``up`` registers the acceptance and our side's options (each a read or
a write of what AWS holds) and changes nothing; verify finds exactly what was
predicted; ``destroy`` leaves everything, the accepted connection included (docs: the
requester deletes it).
"""

from __future__ import annotations

from typing import Any

from peerstack.discover import FindingKind
from tests.discover.estates import NET, PARTNER, Hand, RoundTrip, changed, round_trip

R = "us-east-1"
OTHER = "888888888888"


def build(hand: Hand) -> dict[str, Any]:
    app = hand.vpc(NET, R, "10.40.0.0/16", "app")
    api = hand.vpc(NET, R, "10.41.0.0/16", "api")
    atlas = hand.vpc(PARTNER, R, "192.168.248.0/21")
    accepted = hand.peer((PARTNER, R, atlas), (NET, R, app), name="atlas")
    hand.route(NET, R, hand.main_table(NET, R, app), "192.168.248.0/21", accepted)
    hand.ec2(NET, R).modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=accepted,
        AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
    )
    pending = hand.peer((PARTNER, R, atlas), (NET, R, api), accept=False, name="atlas")
    vendor = hand.vpc(OTHER, R, "172.20.0.0/16")
    ours = hand.peer((NET, R, api), (OTHER, R, vendor))
    return {"accepted": accepted, "pending": pending, "ours": ours}


def _trip() -> tuple[RoundTrip, dict[str, Any]]:
    return round_trip(build, {"net": NET}, [R], seen=[PARTNER, OTHER])


def check_the_accepted_request_is_an_accepts_entry(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, ids = trip
    assert done.found.data["accepts"] == [
        {
            "vpc": "app",
            "peering_id": ids["accepted"],
            "peer": {
                "name": "atlas",
                "account_id": PARTNER,
                "region": R,
                "cidrs": ["192.168.248.0/21"],
            },
            "routes": {"to": []},
            "dns_resolution": True,
        }
    ]
    (left,) = done.found.report.of(FindingKind.ACCEPTED_ROUTES_NOT_IMPORTED)
    assert left.subject == ids["accepted"] and "main: 192.168.248.0/21" in left.message


def check_the_pending_request_is_a_commented_entry(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, ids = trip
    (pending,) = done.found.report.of(FindingKind.REQUEST_FROM_OUTSIDE)
    assert pending.entry is not None and pending.entry["peering_id"] == ids["pending"]
    assert pending.entry["peer"]["name"] == "atlas"  # one name for one outside VPC
    assert f"#   - {{vpc: api, peering_id: {ids['pending']}, peer: {{name: atlas" in (
        done.found.yaml
    )
    (ours,) = done.found.report.of(FindingKind.REQUEST_TO_OUTSIDE)
    assert ours.subject == ids["ours"] and OTHER in ours.message


def check_verify_finds_what_the_report_predicted(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, _ = trip
    predicted = {(d.kind, d.subject) for d in done.found.report.verify}
    assert predicted == {(str(d.kind), d.subject) for d in done.verify.differences}
    assert ("route-unexpected", "app/main -> 192.168.248.0/21") in predicted


def check_nothing_in_aws_changes(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, _ = trip
    assert done.ops(done.up) <= {"create"}
    assert {s.type.rsplit(":", 1)[1] for s in done.up if s.aws} == {
        "VpcPeeringConnectionAccepter",
        "PeeringConnectionOptions",
    }
    assert changed(done.before, done.after_up) == set()
    assert changed(done.before, done.after_destroy) == set()


def test_the_estate_round_trips() -> None:
    """One round trip, checked step by step (built once: pytest-xdist would otherwise
    build a module's estate once per worker running one of its tests)."""
    trip = _trip()
    for check in (
        check_the_accepted_request_is_an_accepts_entry,
        check_the_pending_request_is_a_commented_entry,
        check_verify_finds_what_the_report_predicted,
        check_nothing_in_aws_changes,
    ):
        check(trip)
