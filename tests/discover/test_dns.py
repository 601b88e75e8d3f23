"""Remote DNS resolution turned on in the console: on both sides, and on one side only.

A link has one ``dns_resolution``. Where both sides have it on, discover writes
``true`` and nothing changes. Where only the requester has it on, the format cannot say
so: discover keeps it off (the brief's safe value), says so in a comment and in a
finding marked ``changes_aws``, and the round trip shows exactly that one change: the
requester's option of that connection is turned off by ``up``, and nothing else in AWS
changes. ``verify`` then passes, as the report predicted.
"""

from __future__ import annotations

import json
from typing import Any

from peerstack.discover import FindingKind
from tests.discover.estates import NET, Hand, RoundTrip, changed, round_trip

R = "eu-central-1"


def build(hand: Hand) -> dict[str, Any]:
    a = hand.vpc(NET, R, "10.0.0.0/16", "a")
    b = hand.vpc(NET, R, "10.1.0.0/16", "b")
    c = hand.vpc(NET, R, "10.2.0.0/16", "c")
    one_side = hand.peer((NET, R, a), (NET, R, b))
    both = hand.peer((NET, R, a), (NET, R, c))
    ec2 = hand.ec2(NET, R)
    on = {"AllowDnsResolutionFromRemoteVpc": True}
    ec2.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=one_side, RequesterPeeringConnectionOptions=on
    )
    ec2.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=both,
        RequesterPeeringConnectionOptions=on,
        AccepterPeeringConnectionOptions=on,
    )
    return {"one_side": one_side, "both": both}


def _trip() -> tuple[RoundTrip, dict[str, Any]]:
    return round_trip(build, {"net": NET}, [R])


def check_dns_is_written_as_each_connection_has_it(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, ids = trip
    dns = {p["existing"]["peering_id"]: p["dns_resolution"] for p in done.found.data["peerings"]}
    assert dns == {ids["one_side"]: False, ids["both"]: True}
    assert (
        "    # dns_resolution differs per side in AWS (requester on, accepter off): kept off\n"
        "    dns_resolution: false\n"
    ) in done.found.yaml
    (finding,) = done.found.report.of(FindingKind.DNS_DIFFERS)
    assert finding.subject == ids["one_side"] and finding.changes_aws
    assert "turns remote DNS resolution off on the side of 'a'" in finding.message


def check_up_changes_only_the_option_the_report_names(
    trip: tuple[RoundTrip, dict[str, Any]],
) -> None:
    done, ids = trip
    assert {str(s.op) for s in done.up if s.aws} <= {"import", "create"}
    assert changed(done.before, done.after_up) == {
        (NET, R, "VpcPeeringConnections", ids["one_side"])
    }
    before = json.loads(done.before[(NET, R, "VpcPeeringConnections", ids["one_side"])])
    after = json.loads(done.after_up[(NET, R, "VpcPeeringConnections", ids["one_side"])])
    before["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] = False
    assert after == before
    assert done.found.report.verifies and done.verify.ok, done.verify.differences


def test_the_estate_round_trips() -> None:
    """One round trip, checked step by step (built once: pytest-xdist would otherwise
    build a module's estate once per worker running one of its tests)."""
    trip = _trip()
    for check in (
        check_dns_is_written_as_each_connection_has_it,
        check_up_changes_only_the_option_the_report_names,
    ):
        check(trip)
