"""Connections that are not (or no longer) carrying traffic: a pending request, a
rejected one, and a deleted one that a table still routes over.

None of them is adopted: accepting a request is a decision, and an ended connection
carries nothing. discover says so (findings, and a comment for the pending request),
writes the two VPCs, and predicts what ``verify`` will say: the pending request touches
a VPC of the topology without standing for a link, and the route over the deleted
connection is one the plan does not have. The round trip shows the prediction is
exactly what verify finds, that ``up`` registers no AWS resource at all, and that
nothing in AWS changes, through ``destroy`` too.
"""

from __future__ import annotations

from typing import Any

from peerstack.discover import FindingKind
from tests.discover.estates import DATA, NET, Hand, RoundTrip, changed, round_trip

R = "us-east-1"


def build(hand: Hand) -> dict[str, Any]:
    a = hand.vpc(NET, R, "10.0.0.0/16", "a")
    b = hand.vpc(DATA, R, "10.1.0.0/16", "b")
    pending = hand.peer((NET, R, a), (DATA, R, b), accept=False)
    rejected = hand.peer((NET, R, a), (DATA, R, b), accept=False)
    hand.ec2(DATA, R).reject_vpc_peering_connection(VpcPeeringConnectionId=rejected)
    deleted = hand.peer((NET, R, a), (DATA, R, b))
    hand.route(NET, R, hand.main_table(NET, R, a), "10.1.0.0/16", deleted)
    hand.ec2(NET, R).delete_vpc_peering_connection(VpcPeeringConnectionId=deleted)
    return {"pending": pending, "rejected": rejected, "deleted": deleted}


def _trip() -> tuple[RoundTrip, dict[str, Any]]:
    return round_trip(build, {"net": NET, "data": DATA}, [R])


def check_nothing_is_adopted_and_each_is_reported(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, ids = trip
    assert set(done.found.data["vpcs"]) == {"a", "b"} and "peerings" not in done.found.data
    report = done.found.report
    (pending,) = report.of(FindingKind.CONNECTION_PENDING)
    assert pending.subject == ids["pending"] and "accepting it is a decision" in pending.message
    ended = {f.subject: f.message for f in report.of(FindingKind.CONNECTION_ENDED)}
    assert set(ended) == {ids["rejected"], ids["deleted"]}
    assert "'rejected': skipped" in ended[ids["rejected"]]
    assert "still routes over it (main: 10.1.0.0/16)" in ended[ids["deleted"]]
    assert f"# {ids['pending']}: pending-acceptance from a to b (not adopted" in done.found.yaml


def check_verify_finds_what_the_report_predicted(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, _ = trip
    predicted = {(d.kind, d.subject) for d in done.found.report.verify}
    assert predicted == {(str(d.kind), d.subject) for d in done.verify.differences}
    assert ("peering-unexpected", "a -- b") in predicted
    assert ("route-unexpected", "a/main -> 10.1.0.0/16") in predicted


def check_nothing_in_aws_changes(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, _ = trip
    assert done.ops(done.up) == set() and done.ops(done.destroy) == set()
    assert changed(done.before, done.after_up) == set()
    assert changed(done.before, done.after_destroy) == set()


def test_the_estate_round_trips() -> None:
    """One round trip, checked step by step (built once: pytest-xdist would otherwise
    build a module's estate once per worker running one of its tests)."""
    trip = _trip()
    for check in (
        check_nothing_is_adopted_and_each_is_reported,
        check_verify_finds_what_the_report_predicted,
        check_nothing_in_aws_changes,
    ):
        check(trip)
