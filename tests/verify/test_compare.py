"""The comparison alone: hand-built snapshots against a plan, no AWS anywhere."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings

from peerstack.errors import TopologyError
from peerstack.plan import Plan, build_plan
from peerstack.topology import topology_from_data, topology_from_text
from peerstack.verify import (
    DifferenceKind,
    PeeringSide,
    PeeringSnapshot,
    RouteSnapshot,
    Snapshot,
    SubnetSnapshot,
    VerifyResult,
    compare,
)
from tests.helpers.snapshots import (
    edit_peering,
    edit_table,
    edit_vpc,
    faithful,
    with_route,
    without_route,
)
from tests.plan.test_properties import topologies

# h is a hub with two subnets on two tables; x has a subnet, y none; old is adopted and
# talks only to h's app subnet, from its edge table.
TOPOLOGY = """
    name: cmp
    defaults: {account: net, region: us-east-1, dns_resolution: true}
    accounts:
      net: {id: "111111111111"}
      prod: {id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/p"}
    vpcs:
      h:
        cidr: 10.0.0.0/16
        ipv6: true
        subnets:
          - {name: app, cidr: 10.0.1.0/24, az: a, route_table: app}
          - {name: web, cidr: 10.0.2.0/24, az: a}
      x:
        cidr: 10.1.0.0/16
        account: prod
        region: eu-west-1
        ipv6: true
        subnets: [{name: s, cidr: 10.1.1.0/24, az: a}]
      y: {cidr: 10.2.0.0/16, account: prod}
      old:
        existing:
          vpc_id: vpc-0123456789abcdef0
          cidrs: [172.31.0.0/16]
          route_tables: {main: rtb-0123456789abcdef0, edge: rtb-0123456789abcdef1}
    hubs:
      - {hub: h, spokes: [x, y]}
    peerings:
      - requester: h
        accepter: old
        dns_resolution: false
        routes:
          old: {to: [h.app], tables: [edge]}
          h: {to: [old], tables: [app]}
    """


def kinds(result: VerifyResult) -> set[DifferenceKind]:
    return {d.kind for d in result.differences}


def subjects(result: VerifyResult, kind: DifferenceKind) -> set[str]:
    return {d.subject for d in result.differences if d.kind is kind}


@pytest.fixture(scope="module")
def plan() -> Plan:

    return build_plan(topology_from_text(textwrap.dedent(TOPOLOGY), file="cmp.yaml"))


@pytest.fixture
def snapshot(plan: Plan) -> Snapshot:
    return faithful(plan)


def test_a_faithful_snapshot_has_no_differences(plan: Plan, snapshot: Snapshot) -> None:
    result = compare(plan, snapshot)
    assert result.ok, [str(d) for d in result.differences]
    assert result.reachability == plan.reachability
    assert result.reachability["old"] == ("h",)
    assert result.subnet_reachability == plan.subnet_reachability
    assert result.subnet_reachability["old"] == ("h.app",)
    assert result.routes_checked == len(plan.routes)
    assert [(s.link, s.connection_id, s.status) for s in result.links] == [
        (link.name, f"pcx-{link.name}", "active") for link in plan.links
    ]


def test_the_outputs_ids_stand_in_for_tags(plan: Plan, snapshot: Snapshot) -> None:
    untagged = dataclasses.replace(
        snapshot,
        vpcs=tuple(dataclasses.replace(v, tags={}) for v in snapshot.vpcs),
        peerings=tuple(dataclasses.replace(p, tags={}) for p in snapshot.peerings),
    )
    outputs = {
        "vpc_ids": {v.name: v.vpc_id or f"vpc-{v.name}" for v in plan.vpcs},
        "peering_connection_ids": {link.name: f"pcx-{link.name}" for link in plan.links},
    }
    assert compare(plan, untagged, outputs=outputs).ok
    assert subjects(compare(plan, untagged), DifferenceKind.VPC_MISSING) == {"h", "x", "y"}


def twice(snapshot: Snapshot, vpc: str, copy: str) -> Snapshot:
    """``snapshot`` with a second VPC tagged as ``vpc``'s, as an interrupted run leaves."""
    (found,) = [v for v in snapshot.vpcs if v.id == vpc]
    return dataclasses.replace(snapshot, vpcs=(*snapshot.vpcs, dataclasses.replace(found, id=copy)))


def test_a_vpc_tagged_twice_is_the_one_its_connections_join(plan: Plan, snapshot: Snapshot) -> None:
    result = compare(plan, twice(snapshot, "vpc-y", "vpc-y2"))
    (extra,) = result.differences
    assert (extra.kind, extra.subject, extra.expected, extra.actual) == (
        DifferenceKind.VPC_UNEXPECTED,
        "y vpc-y2",
        "vpc-y",
        "vpc-y2",
    )
    assert "the links' connections join" in extra.message
    assert result.reachability == plan.reachability


def test_a_vpc_nothing_tells_apart_skips_what_depends_on_it(plan: Plan, snapshot: Snapshot) -> None:
    """No connection of y's link is left to tell vpc-y from vpc-y2: verify says so, and
    reports nothing whose advice would follow from a guess."""
    changed = dataclasses.replace(
        twice(snapshot, "vpc-y", "vpc-y2"),
        peerings=tuple(p for p in snapshot.peerings if p.id != "pcx-h--y"),
    )
    for table in ("rtb-h-main", "rtb-h-app"):
        changed = without_route(changed, table, "10.2.0.0/16")
    result = compare(plan, changed)
    (ambiguous,) = [d for d in result.differences if d.kind is DifferenceKind.VPC_AMBIGUOUS]
    assert (ambiguous.subject, ambiguous.actual) == ("y", "vpc-y, vpc-y2")
    assert "give the stack's outputs" in ambiguous.message
    assert kinds(result) == {
        DifferenceKind.VPC_AMBIGUOUS,
        DifferenceKind.LINK_MISSING,
        DifferenceKind.ROUTE_MISSING,
    }
    assert subjects(result, DifferenceKind.ROUTE_MISSING) == {
        "h/main -> 10.2.0.0/16",
        "h/app -> 10.2.0.0/16",
    }


def test_dns_attributes_off_or_unread(plan: Plan, snapshot: Snapshot) -> None:
    off = edit_vpc(snapshot, "vpc-h", lambda v: dataclasses.replace(v, dns_hostnames=False))
    assert subjects(compare(plan, off), DifferenceKind.DNS_ATTRIBUTE) == {"h enableDnsHostnames"}
    unread = edit_vpc(snapshot, "vpc-x", lambda v: dataclasses.replace(v, dns_support=None))
    (diff,) = compare(plan, unread).differences
    assert (diff.subject, diff.actual) == ("x enableDnsSupport", "not read")


def test_a_pending_connection_carries_nothing(plan: Plan, snapshot: Snapshot) -> None:
    pending = edit_peering(
        snapshot, "pcx-h--y", lambda p: dataclasses.replace(p, status="pending-acceptance")
    )
    result = compare(plan, pending)
    (link,) = [d for d in result.differences if d.kind is DifferenceKind.LINK_NOT_ACTIVE]
    assert (link.subject, link.actual) == ("h--y", "pending-acceptance")
    assert subjects(result, DifferenceKind.ROUTE_BLACKHOLE) == {
        "h/main -> 10.2.0.0/16",
        "h/app -> 10.2.0.0/16",
        "y/main -> 10.0.0.0/16",
    }
    assert subjects(result, DifferenceKind.REACHABILITY) == {"h <-> y"}


def test_a_connection_between_other_vpcs(plan: Plan, snapshot: Snapshot) -> None:
    elsewhere = edit_peering(
        snapshot,
        "pcx-h--x",
        lambda p: dataclasses.replace(p, accepter=dataclasses.replace(p.accepter, vpc_id="vpc-9")),
    )
    (wrong,) = [
        d for d in compare(plan, elsewhere).differences if d.kind is DifferenceKind.LINK_WRONG_VPCS
    ]
    assert (wrong.expected, wrong.actual) == ("vpc-h -> vpc-x", "vpc-h -> vpc-9")


def test_dns_resolution_differs_on_one_side(plan: Plan, snapshot: Snapshot) -> None:
    off = edit_peering(
        snapshot,
        "pcx-h--x",
        lambda p: dataclasses.replace(
            p, accepter=dataclasses.replace(p.accepter, dns_resolution=False)
        ),
    )
    (diff,) = compare(plan, off).differences
    assert (diff.kind, diff.subject, diff.expected, diff.actual) == (
        DifferenceKind.DNS_OPTION,
        "h--x (accepter)",
        "on",
        "off",
    )


def test_routes_missing_elsewhere_and_unexpected(plan: Plan, snapshot: Snapshot) -> None:
    changed = without_route(snapshot, "rtb-y-main", "10.0.0.0/16")
    changed = with_route(changed, "rtb-h-app", RouteSnapshot("10.2.0.0/16", "pcx-h--x"))
    changed = with_route(changed, "rtb-h-main", RouteSnapshot("192.168.0.0/24", "pcx-h--y"))
    result = compare(plan, changed)
    assert subjects(result, DifferenceKind.ROUTE_MISSING) == {"y/main -> 10.0.0.0/16"}
    (wrong,) = [d for d in result.differences if d.kind is DifferenceKind.ROUTE_WRONG_TARGET]
    assert (wrong.subject, wrong.expected, wrong.actual) == (
        "h/app -> 10.2.0.0/16",
        "pcx-h--y (h--y)",
        "pcx-h--x (h--x)",
    )
    assert subjects(result, DifferenceKind.ROUTE_UNEXPECTED) == {"h/main -> 192.168.0.0/24"}
    assert subjects(result, DifferenceKind.REACHABILITY) == {"h <-> y"}


def test_a_blackhole_route(plan: Plan, snapshot: Snapshot) -> None:
    changed = with_route(snapshot, "rtb-y-main", RouteSnapshot("10.0.0.0/16", "pcx-h--y", True))
    result = compare(plan, changed)
    assert subjects(result, DifferenceKind.ROUTE_BLACKHOLE) == {"y/main -> 10.0.0.0/16"}
    assert subjects(result, DifferenceKind.REACHABILITY) == {"h <-> y"}


def test_a_named_route_table_that_is_gone(plan: Plan, snapshot: Snapshot) -> None:
    gone = dataclasses.replace(
        snapshot, route_tables=tuple(t for t in snapshot.route_tables if t.id != "rtb-h-app")
    )
    result = compare(plan, gone)
    assert subjects(result, DifferenceKind.ROUTE_TABLE_MISSING) == {"h/app"}
    assert subjects(result, DifferenceKind.REACHABILITY) == {"h <-> old"}


def test_longest_prefix_over_the_link_to_another_peer(plan: Plan, snapshot: Snapshot) -> None:
    """Two /17s over h--x in h's tables take all of y's /16 away from h--y."""
    changed = snapshot
    for table in ("rtb-h-main", "rtb-h-app"):
        for half in ("10.2.0.0/17", "10.2.128.0/17"):
            changed = with_route(changed, table, RouteSnapshot(half, "pcx-h--x"))
    result = compare(plan, changed)
    assert len(subjects(result, DifferenceKind.ROUTE_UNEXPECTED)) == 4
    assert subjects(result, DifferenceKind.REACHABILITY) == {"h <-> y"}
    assert result.reachability["h"] == ("old", "x")


def test_edits_leave_the_rest_alone(snapshot: Snapshot) -> None:
    changed = edit_table(snapshot, "rtb-h-main", lambda t: dataclasses.replace(t, routes=()))
    assert [t for t in changed.route_tables if t.id != "rtb-h-main"] == [
        t for t in snapshot.route_tables if t.id != "rtb-h-main"
    ]


def test_verify_imports_neither_rich_nor_boto3() -> None:
    """The comparison is pure; rendering lives in peerstack._render."""
    code = (
        "import sys, peerstack.verify; "
        "print(sorted(m for m in ('rich', 'boto3', 'botocore') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- what AWS holds beyond what peerstack created ------------------------------------------


def add_peering(snapshot: Snapshot, peering: PeeringSnapshot) -> Snapshot:
    return dataclasses.replace(snapshot, peerings=(*snapshot.peerings, peering))


def side(vpc: str, account: str = "222222222222", region: str = "us-east-1") -> PeeringSide:
    return PeeringSide(vpc, account, region)


def test_spokes_peered_with_each_other(plan: Plan, snapshot: Snapshot) -> None:
    changed = add_peering(
        snapshot,
        PeeringSnapshot("pcx-xy", "active", side("vpc-x", region="eu-west-1"), side("vpc-y")),
    )
    changed = with_route(changed, "rtb-x-main", RouteSnapshot("10.2.0.0/16", "pcx-xy"))
    changed = with_route(changed, "rtb-y-main", RouteSnapshot("10.1.0.0/16", "pcx-xy"))
    result = compare(plan, changed)
    (extra,) = [d for d in result.differences if d.kind is DifferenceKind.PEERING_UNEXPECTED]
    assert (extra.subject, extra.expected, extra.actual) == (
        "x -- y",
        "no connection",
        "pcx-xy (active)",
    )
    (route,) = [d for d in result.differences if d.subject == "x/main -> 10.2.0.0/16"]
    assert route.kind is DifferenceKind.ROUTE_UNEXPECTED
    assert "pcx-xy, a connection the plan does not have" in route.message
    assert subjects(result, DifferenceKind.REACHABILITY) == {"x <-> y"}
    assert result.subnet_reachability["y"] == ("h.app", "h.web", "x.s")


def test_a_pending_request_to_a_stranger_is_reported_an_ended_one_is_not(
    plan: Plan, snapshot: Snapshot
) -> None:
    changed = add_peering(
        snapshot,
        PeeringSnapshot(
            "pcx-new", "pending-acceptance", side("vpc-h"), side("vpc-9", "999999999999")
        ),
    )
    changed = add_peering(
        changed, PeeringSnapshot("pcx-old", "deleted", side("vpc-9", "999999999999"), side("vpc-h"))
    )
    (extra,) = compare(plan, changed).differences
    assert (extra.kind, extra.subject) == (DifferenceKind.PEERING_UNEXPECTED, "h -- vpc-9")
    assert "account 999999999999" in extra.message and "not in the topology" in extra.message


def test_a_second_connection_for_a_planned_pair(plan: Plan, snapshot: Snapshot) -> None:
    changed = add_peering(
        snapshot, PeeringSnapshot("pcx-again", "pending-acceptance", side("vpc-y"), side("vpc-h"))
    )
    (extra,) = compare(plan, changed).differences
    assert extra.subject == "y -- h"
    assert "besides pcx-h--y of their link 'h--y'" in extra.message


def test_blocks_of_created_and_adopted_vpcs(plan: Plan, snapshot: Snapshot) -> None:
    changed = edit_vpc(
        snapshot, "vpc-y", lambda v: dataclasses.replace(v, cidrs=(*v.cidrs, "10.20.0.0/16"))
    )
    changed = edit_vpc(
        changed,
        "vpc-0123456789abcdef0",
        lambda v: dataclasses.replace(v, cidrs=("172.30.0.0/16",), ipv6_cidrs=("2600:9::/56",)),
    )
    changed = edit_vpc(changed, "vpc-x", lambda v: dataclasses.replace(v, ipv6_cidrs=()))
    result = compare(plan, changed)
    found = {(d.kind, d.subject): d.message for d in result.differences}
    assert (
        "add it to the topology (vpcs.y: secondary_cidrs)"
        in found[(DifferenceKind.VPC_BLOCK_UNEXPECTED, "y 10.20.0.0/16")]
    )
    assert (
        "remove it from vpcs.old.existing"
        in found[(DifferenceKind.VPC_BLOCK_MISSING, "old 172.31.0.0/16")]
    )
    assert (
        "add it under vpcs.old.existing"
        in found[(DifferenceKind.VPC_BLOCK_UNEXPECTED, "old 172.30.0.0/16")]
    )
    assert (DifferenceKind.VPC_BLOCK_UNEXPECTED, "old 2600:9::/56") in found
    assert (DifferenceKind.VPC_BLOCK_MISSING, "x IPv6") in found


def test_an_amazon_provided_block_is_whatever_aws_assigned(plan: Plan, snapshot: Snapshot) -> None:
    other = edit_vpc(
        snapshot, "vpc-h", lambda v: dataclasses.replace(v, ipv6_cidrs=("2600:7::/56",))
    )
    assert not subjects(compare(plan, other), DifferenceKind.VPC_BLOCK_UNEXPECTED)


def test_subnets_gone_moved_and_added(plan: Plan, snapshot: Snapshot) -> None:
    changed = dataclasses.replace(
        snapshot,
        subnets=(
            *(s for s in snapshot.subnets if s.id != "subnet-x-s"),
            SubnetSnapshot("subnet-extra", "vpc-y", "10.2.9.0/24"),
        ),
    )
    # h's app subnet loses its association: it falls back to the main table.
    changed = edit_table(changed, "rtb-h-app", lambda t: dataclasses.replace(t, subnet_ids=()))
    result = compare(plan, changed)
    assert subjects(result, DifferenceKind.SUBNET_MISSING) == {"x.s"}
    (moved,) = [d for d in result.differences if d.kind is DifferenceKind.SUBNET_ROUTE_TABLE]
    assert (moved.subject, moved.expected, moved.actual) == (
        "h.app",
        "app (rtb-h-app)",
        "main (rtb-h-main)",
    )
    assert "associate it with 'app' again" in moved.message
    (extra,) = [d for d in result.differences if d.kind is DifferenceKind.SUBNET_UNEXPECTED]
    assert extra.subject == "y.subnet-extra" and "vpcs.y.subnets" in extra.message
    # old routes back only to h.app, whose table now is main, which has no route to old.
    assert subjects(result, DifferenceKind.REACHABILITY) == {"h <-> old"}
    assert result.subnet_reachability["y"] == ("h.app", "h.web")  # y is still taken whole


def test_a_route_to_a_gateway_inside_a_planned_destination(plan: Plan, snapshot: Snapshot) -> None:
    changed = with_route(snapshot, "rtb-h-main", RouteSnapshot("10.1.1.0/24", "nat-1"))
    changed = with_route(changed, "rtb-h-main", RouteSnapshot("0.0.0.0/0", "igw-1"))
    result = compare(plan, changed)
    (hidden,) = [d for d in result.differences if d.kind is DifferenceKind.ROUTE_SHADOWED]
    assert (hidden.subject, hidden.actual) == ("h/main -> 10.1.1.0/24", "via nat-1")
    assert "not to 'x'" in hidden.message
    (pair,) = [d for d in result.differences if d.kind is DifferenceKind.SUBNET_REACHABILITY]
    assert (pair.subject, pair.actual) == ("h.web <-> x.s", "unreachable")
    assert len(result.differences) == 2


def test_subnet_pairs_are_not_repeated_when_their_vpcs_differ(
    plan: Plan, snapshot: Snapshot
) -> None:
    changed = without_route(snapshot, "rtb-x-main", "10.0.0.0/16")
    result = compare(plan, changed)
    assert kinds(result) == {DifferenceKind.ROUTE_MISSING, DifferenceKind.REACHABILITY}


def test_an_adopted_vpc_is_taken_whole_whatever_subnets_aws_shows(
    plan: Plan, snapshot: Snapshot
) -> None:
    """The plan cannot know an adopted VPC's subnets, so both sides take it whole: one
    endpoint per route table, each covering every block, named after the VPC."""
    with_subnets = dataclasses.replace(
        snapshot,
        subnets=(
            *snapshot.subnets,
            SubnetSnapshot("subnet-o1", "vpc-0123456789abcdef0", "172.31.1.0/24"),
        ),
    )
    # the subnet uses main, and only the edge table routes back to h: the edge table
    # still reaches h.app for whatever subnets use it.
    result = compare(plan, with_subnets)
    assert result.ok, [str(d) for d in result.differences]
    assert result.subnet_reachability == plan.subnet_reachability
    assert result.subnet_reachability["old"] == ("h.app",)
    without_edge_routes = edit_table(
        with_subnets, "rtb-0123456789abcdef1", lambda t: dataclasses.replace(t, routes=t.routes[:1])
    )
    result = compare(plan, without_edge_routes)
    assert subjects(result, DifferenceKind.REACHABILITY) == {"h <-> old"}


# -- plan and verify agree by construction -------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topologies())
def test_a_faithful_deploy_of_any_plan_verifies(data: dict) -> None:
    """Whatever the plan decides, AWS holding exactly that verifies, with the same
    reachability VPC by VPC and subnet by subnet (one model on both sides)."""
    try:
        plan = build_plan(topology_from_data(data))
    except TopologyError:
        return
    result = compare(plan, faithful(plan))
    assert result.ok, [str(d) for d in result.differences]
    assert result.reachability == plan.reachability
    assert result.subnet_reachability == plan.subnet_reachability


# h's subnets a and b have IPv6 (/64 number 1 and 2), c does not. x reaches all of h; z,
# a spoke written as a mapping, routes only h.a (IPv4 and its /64) and only h's table a
# routes back.
IPV6_TOPOLOGY = """
    name: six
    defaults: {account: net, region: us-east-1}
    accounts: {net: {id: "111111111111"}}
    vpcs:
      h:
        cidr: 10.0.0.0/16
        ipv6: true
        subnets:
          - {name: a, cidr: 10.0.1.0/24, az: a, route_table: a, ipv6_index: 1}
          - {name: b, cidr: 10.0.2.0/24, az: a, ipv6_index: 2}
          - {name: c, cidr: 10.0.3.0/24, az: b}
      x:
        cidr: 10.1.0.0/16
        ipv6: true
        subnets: [{name: s, cidr: 10.1.1.0/24, az: a, ipv6_index: 0}]
      z:
        cidr: 10.2.0.0/16
        ipv6: true
        subnets: [{name: s, cidr: 10.2.1.0/24, az: a, ipv6_index: 0}]
    hubs:
      - hub: h
        spokes:
          - x
          - {vpc: z, routes: {z: {to: [h.a]}, h: {to: [z], tables: [a]}}}
    """
H_A = "2600:1f00:100:1::/64"  # /64 number 1 of h's block in the faithful snapshot


@pytest.fixture(scope="module")
def plan6() -> Plan:
    return build_plan(topology_from_text(textwrap.dedent(IPV6_TOPOLOGY), file="six.yaml"))


def _subnet(snapshot: Snapshot, subnet_id: str, **change: object) -> Snapshot:
    subnets = tuple(
        dataclasses.replace(s, **change) if s.id == subnet_id else s  # type: ignore[arg-type]
        for s in snapshot.subnets
    )
    return dataclasses.replace(snapshot, subnets=subnets)


def test_subnets_ipv6_blocks_and_routes_to_them_verify(plan6: Plan) -> None:
    snapshot = faithful(plan6)
    (h_a,) = [s for s in snapshot.subnets if s.id == "subnet-h-a"]
    assert h_a.ipv6_cidrs == (H_A,)
    result = compare(plan6, snapshot)
    assert result.ok, [str(d) for d in result.differences]
    assert result.subnet_reachability == plan6.subnet_reachability
    assert result.subnet_reachability["z.s"] == ("h.a",)
    assert set(result.subnet_reachability["x.s"]) == {"h.a", "h.b", "h.c"}


def test_a_subnet_without_its_64_or_with_another_is_reported(plan6: Plan) -> None:
    snapshot = _subnet(faithful(plan6), "subnet-h-a", ipv6_cidrs=())
    snapshot = _subnet(snapshot, "subnet-h-b", ipv6_cidrs=("2600:1f00:100:9::/64",))
    result = compare(plan6, snapshot)
    found = {d.subject: d for d in result.differences if d.kind is DifferenceKind.SUBNET_IPV6}
    assert set(found) == {"h.a IPv6", "h.b IPv6"}
    assert (found["h.a IPv6"].expected, found["h.a IPv6"].actual) == (H_A, "none")
    assert "has no IPv6 block, not 2600:1f00:100:1::/64 (ipv6_index 1)" in found["h.a IPv6"].message
    assert found["h.b IPv6"].expected == "2600:1f00:100:2::/64"
    assert found["h.b IPv6"].actual == "2600:1f00:100:9::/64"


def test_an_ipv6_block_on_an_ipv4_only_subnet_is_reported(plan6: Plan) -> None:
    snapshot = _subnet(faithful(plan6), "subnet-h-c", ipv6_cidrs=("2600:1f00:100:3::/64",))
    result = compare(plan6, snapshot)
    (extra,) = [d for d in result.differences if d.kind is DifferenceKind.SUBNET_IPV6]
    assert (extra.subject, extra.expected) == ("h.c IPv6", "none")
    assert "give the subnet `ipv6_index`" in extra.message


def test_a_subnet_reached_over_ipv6_alone_is_still_reached(plan6: Plan) -> None:
    """Reachability covers IPv6: without z's IPv4 route to h.a, its /64 route still
    connects them; without both, they are cut off."""
    snapshot = without_route(faithful(plan6), "rtb-z-main", "10.0.1.0/24")
    result = compare(plan6, snapshot)
    assert kinds(result) == {DifferenceKind.ROUTE_MISSING}
    assert result.subnet_reachability["z.s"] == ("h.a",)
    snapshot = without_route(snapshot, "rtb-z-main", H_A)
    result = compare(plan6, snapshot)
    assert subjects(result, DifferenceKind.ROUTE_MISSING) == {
        "z/main -> 10.0.1.0/24",
        f"z/main -> {H_A}",
    }
    assert subjects(result, DifferenceKind.REACHABILITY) == {"h <-> z"}
