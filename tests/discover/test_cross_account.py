"""A cross-account peering made in the console, routed from some tables only, round-trips.

The estate: ``web`` (two blocks; a public subnet on the main table, a private subnet on
table ``Private`` that routes to ``db``, a batch subnet on table ``Batch`` that does
not) in account NET, ``db`` in account DATA (its main table routes to all of ``web``),
a third VPC ``tools`` peered with nothing, and security groups that let the peer in:
one rule an ``allow`` entry describes, one it cannot (it allows one of ``web``'s two
blocks).

What the round trip proves, per the README's brownfield flow:

- discover writes each VPC as ``existing:`` with every table by name, and the
  connection as an adopted peering with each side's routes exactly as they are;
- ``preview`` and ``up`` import the connection and every route; the only other AWS
  resources they register are the accepter and the two DNS options, whose create on an
  active connection with the options AWS holds changes nothing (peerstack registers
  them for every link; importing them is not something the topology can ask for). No
  update, replace or delete; and the whole estate, described before and after ``up``,
  is the same;
- ``verify`` passes, as the report predicted; a second ``up`` changes nothing;
- ``destroy`` leaves every object as it was: the connection and the routes existed
  before peerstack, which imported them with ``retain_on_delete`` and never deletes
  what it did not create (docs/topology.md); the stack only forgets them.
"""

from __future__ import annotations

from typing import Any

from peerstack import build_plan
from peerstack.discover import FindingKind
from peerstack.topology import topology_from_text
from tests.discover.estates import (
    DATA,
    NET,
    NO_OP_CREATES,
    ONLY_READS,
    Hand,
    RoundTrip,
    changed,
    round_trip,
)

R = "us-east-1"


def build(hand: Hand) -> dict[str, Any]:
    web = hand.vpc(NET, R, "10.10.0.0/16", "Web (prod)")
    hand.ec2(NET, R).associate_vpc_cidr_block(VpcId=web, CidrBlock="10.11.0.0/16")
    hand.subnet(NET, R, web, "10.10.0.0/24")  # public: the main table
    private = hand.subnet(NET, R, web, "10.10.1.0/24")
    batch = hand.subnet(NET, R, web, "10.11.0.0/24")
    private_table = hand.table(NET, R, web, "Private", private)
    batch_table = hand.table(NET, R, web, "Batch", batch)
    db = hand.vpc(DATA, R, "10.20.0.0/16", "db")
    hand.subnet(DATA, R, db, "10.20.0.0/24")
    hand.vpc(NET, R, "10.30.0.0/16", "tools")
    pcx = hand.peer((NET, R, web), (DATA, R, db), name="web-to-db")
    hand.route(NET, R, private_table, "10.20.0.0/16", pcx)
    db_main = hand.main_table(DATA, R, db)
    hand.route(DATA, R, db_main, "10.10.0.0/16", pcx)
    hand.route(DATA, R, db_main, "10.11.0.0/16", pcx)
    app = hand.ec2(NET, R).create_security_group(GroupName="app", Description="app", VpcId=web)
    hand.ec2(NET, R).authorize_security_group_ingress(
        GroupId=app["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.20.0.0/16"}],
            }
        ],
    )
    pg = hand.ec2(DATA, R).create_security_group(GroupName="postgres", Description="pg", VpcId=db)
    hand.ec2(DATA, R).authorize_security_group_ingress(
        GroupId=pg["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "IpRanges": [{"CidrIp": "10.10.0.0/16"}],
            }
        ],
    )
    return {
        "web": web,
        "db": db,
        "pcx": pcx,
        "private": private_table,
        "batch": batch_table,
        "db_main": db_main,
        "app": app["GroupId"],
    }


def _trip() -> tuple[RoundTrip, dict[str, Any]]:
    return round_trip(build, {"net": NET, "data": DATA}, [R], name="corp", every_step=True)


def check_each_vpc_is_adopted_with_every_table_by_name(
    trip: tuple[RoundTrip, dict[str, Any]],
) -> None:
    done, ids = trip
    vpcs = done.found.data["vpcs"]
    assert set(vpcs) == {"web-prod", "db", "tools"}
    web = vpcs["web-prod"]["existing"]
    assert web["vpc_id"] == ids["web"]
    assert web["cidrs"] == ["10.10.0.0/16", "10.11.0.0/16"]
    assert web["route_tables"] == {
        "main": done.found.plan.vpc("web-prod").route_table_ids["main"],
        "batch": ids["batch"],
        "private": ids["private"],
    }
    assert vpcs["db"] == {
        "account": "data",
        "existing": {
            "vpc_id": ids["db"],
            "cidrs": ["10.20.0.0/16"],
            "route_tables": {"main": ids["db_main"]},
        },
    }
    assert done.found.data["defaults"] == {"account": "net", "region": R}


def check_the_connection_is_adopted_with_its_routes_as_they_are(
    trip: tuple[RoundTrip, dict[str, Any]],
) -> None:
    done, ids = trip
    (peering,) = done.found.data["peerings"]
    assert peering == {
        "requester": "web-prod",
        "accepter": "db",
        "existing": {"peering_id": ids["pcx"], "routes_exist": True},
        "dns_resolution": False,
        "routes": {
            "web-prod": {"to": ["db"], "tables": ["private"]},
            "db": {"to": ["web-prod"], "tables": ["main"]},
        },
    }
    link = done.found.plan.link("web-prod--db")
    assert link.cross_account and link.imports_routes and link.existing_id == ids["pcx"]


def check_the_file_plans_and_says_why(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, ids = trip
    text = done.found.yaml
    assert build_plan(topology_from_text(text)).links == done.found.plan.links
    assert f"# {ids['pcx']} (Name 'web-to-db'): active; requested in net us-east-1" in text
    assert "# used by 1 subnet(s); Name 'Private'" in text
    # The rule an `allow` entry describes is there, commented, and its group named.
    assert "    # allow:  # rules that exist in AWS" in text
    assert "    #   - {to: web-prod, group: app, protocol: tcp, ports: 443}" in text
    assert done.found.data["vpcs"]["web-prod"]["existing"]["security_groups"] == {"app": ids["app"]}


def check_rules_are_reported_not_written(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, _ = trip
    report = done.found.report
    (imported,) = report.of(FindingKind.SECURITY_RULE_NOT_IMPORTED)
    assert imported.entry == {"to": "web-prod", "group": "app", "protocol": "tcp", "ports": 443}
    (partial,) = report.of(FindingKind.SECURITY_RULE_NOT_EXPRESSIBLE)
    assert "tcp 5432 from 10.10.0.0/16" in partial.message
    assert "allows part of 'web-prod'" in partial.message
    assert not report.changes_aws and report.verifies


def check_up_imports_and_changes_nothing_in_aws(trip: tuple[RoundTrip, dict[str, Any]]) -> None:
    done, _ = trip
    for steps in (done.preview, done.up):
        for op, kind in done.aws_ops(steps):
            assert op in ONLY_READS or (op == "create" and kind in NO_OP_CREATES), (op, kind)
    imported = {s.type.rsplit(":", 1)[1] for s in done.up if str(s.op) == "import"}
    assert imported == {"VpcPeeringConnection", "Route"}
    assert len([s for s in done.up if str(s.op) == "import"]) == 1 + 3  # 3 routes
    assert changed(done.before, done.after_up) == set()


def check_verify_passes_and_a_second_up_changes_nothing(
    trip: tuple[RoundTrip, dict[str, Any]],
) -> None:
    done, _ = trip
    assert done.verify.ok, done.verify.differences
    assert done.ops(done.again) == {"same"}


def check_destroy_leaves_every_object_as_it_was(
    trip: tuple[RoundTrip, dict[str, Any]],
) -> None:
    done, _ = trip
    assert changed(done.before, done.after_destroy) == set()
    assert {str(s.op) for s in done.destroy if s.aws} == {"delete"}, "only from the state"


def test_the_estate_round_trips() -> None:
    """One round trip, checked step by step (built once: pytest-xdist would otherwise
    build a module's estate once per worker running one of its tests)."""
    trip = _trip()
    for check in (
        check_each_vpc_is_adopted_with_every_table_by_name,
        check_the_connection_is_adopted_with_its_routes_as_they_are,
        check_the_file_plans_and_says_why,
        check_rules_are_reported_not_written,
        check_up_imports_and_changes_nothing_in_aws,
        check_verify_passes_and_a_second_up_changes_nothing,
        check_destroy_leaves_every_object_as_it_was,
    ):
        check(trip)
