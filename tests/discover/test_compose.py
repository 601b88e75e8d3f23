"""What discover writes for estates AWS could hold, built as snapshots (no AWS needed):
choices, collisions, what the planner refuses, and text from AWS that must stay text."""

from __future__ import annotations

from dataclasses import replace

from peerstack.discover import DiscoverResult, FindingKind
from peerstack.discover._compose import compose
from peerstack.discover._discover import _result
from peerstack.discover._estate import Estate
from peerstack.plan import AccountPlan, build_plan
from peerstack.topology import topology_from_text
from peerstack.verify import (
    PeeringSide,
    PeeringSnapshot,
    RouteSnapshot,
    RouteTableSnapshot,
    Snapshot,
    SubnetSnapshot,
    VpcSnapshot,
)

NET = AccountPlan("net", "111111111111")
DATA = AccountPlan("data", "222222222222")
R = "us-east-1"


def vpc(n: int, cidr: str, name: str | None = None, account: AccountPlan = NET) -> VpcSnapshot:
    tags = {"Name": name} if name is not None else {}
    return VpcSnapshot(f"vpc-{n:017x}", account.id, R, (cidr,), tags=tags)


def table(
    n: int, of: VpcSnapshot, *routes: RouteSnapshot, main: bool = False, name: str | None = None
) -> RouteTableSnapshot:
    tags = {"Name": name} if name else {}
    return RouteTableSnapshot(
        f"rtb-{n:017x}", of.id, (RouteSnapshot(of.cidrs[0], "local"), *routes), main=main, tags=tags
    )


def pcx(
    n: int, requester: VpcSnapshot, accepter: VpcSnapshot, status: str = "active"
) -> PeeringSnapshot:
    return PeeringSnapshot(
        f"pcx-{n:017x}",
        status,
        PeeringSide(requester.id, requester.account_id, requester.region),
        PeeringSide(accepter.id, accepter.account_id, accepter.region),
    )


def found(*parts: object, accounts: tuple[AccountPlan, ...] = (NET,)) -> DiscoverResult:
    snapshot = Snapshot(
        vpcs=tuple(p for p in parts if isinstance(p, VpcSnapshot)),
        subnets=tuple(p for p in parts if isinstance(p, SubnetSnapshot)),
        route_tables=tuple(p for p in parts if isinstance(p, RouteTableSnapshot)),
        peerings=tuple(p for p in parts if isinstance(p, PeeringSnapshot)),
    )
    estate = Estate(accounts, (R,), snapshot)
    return _result(estate, compose(estate, "t"))


A, B = vpc(1, "10.0.0.0/16", "a"), vpc(2, "10.1.0.0/16", "b")
LINK = pcx(9, A, B)
TO_B = RouteSnapshot("10.1.0.0/16", LINK.id)


def test_tables_that_route_differently_keep_the_largest_group_and_report_the_rest() -> None:
    part = RouteSnapshot("10.1.5.0/24", LINK.id)
    result = found(
        A,
        B,
        LINK,
        table(1, A, TO_B, main=True),
        table(2, A, TO_B, name="blue"),
        table(3, A, part, name="green"),
        table(4, B, main=True),
    )
    (peering,) = result.data["peerings"]
    assert peering["routes"] == {"a": {"to": ["b"], "tables": ["main", "blue"]}, "b": {"to": []}}
    (left,) = result.report.of(FindingKind.ROUTES_DIFFER_PER_TABLE)
    assert "10.1.5.0/24" in left.message and "'green'" in left.message
    assert [(d.kind, d.subject) for d in result.report.verify] == [
        ("route-unexpected", "a/green -> 10.1.5.0/24")
    ]
    assert "# also routes over it, not described here: green: 10.1.5.0/24" in result.yaml


def test_a_route_over_the_connection_outside_the_peer_is_reported() -> None:
    everything = RouteSnapshot("0.0.0.0/0", LINK.id)
    result = found(A, B, LINK, table(1, A, TO_B, everything, main=True), table(2, B, main=True))
    assert result.data["peerings"][0]["routes"]["a"] == {"to": ["b"], "tables": ["main"]}
    (finding,) = result.report.of(FindingKind.ROUTE_NOT_EXPRESSIBLE)
    assert "0.0.0.0/0" in finding.message and "not inside a block of 'b'" in finding.message


def test_what_the_planner_refuses_is_left_out_and_the_rest_written() -> None:
    overlapping = vpc(3, "10.0.0.0/20", "c")
    result = found(A, B, overlapping, LINK, pcx(8, A, overlapping), table(1, A, main=True))
    assert [p["accepter"] for p in result.data["peerings"]] == ["b"]
    (refused,) = result.report.of(FindingKind.REFUSED_BY_PLANNER)
    assert refused.subject == "pcx-00000000000000008"
    assert "overlaps" in refused.message
    assert build_plan(topology_from_text(result.yaml)).links == result.plan.links


def test_names_that_collide_get_their_ids_and_main_stays_the_main_table() -> None:
    twin = vpc(3, "10.2.0.0/16", "a")
    result = found(A, twin, table(1, A, main=True), table(2, A, name="Main"))
    assert set(result.data["vpcs"]) == {"a-00000000000000001", "a-00000000000000003"}
    tables = result.data["vpcs"]["a-00000000000000001"]["existing"]["route_tables"]
    assert tables == {
        "main": "rtb-00000000000000001",
        "main-00000000000000002": "rtb-00000000000000002",
    }
    assert len(result.report.of(FindingKind.NAME_COLLISION)) == 2


def test_text_from_aws_stays_text() -> None:
    hostile = vpc(1, "10.0.0.0/16", "x\nname: pwned\x1b[31m #")
    result = found(hostile, table(1, hostile, main=True), table(2, hostile, name="a\u202eb"))
    existing = result.data["vpcs"]["x-name-pwned-31m"]["existing"]
    assert existing["route_tables"] == {
        "main": "rtb-00000000000000001",
        "a-b": "rtb-00000000000000002",
    }
    assert "\x1b" not in result.yaml and "\u202e" not in result.yaml
    assert "# vpc-00000000000000001, Name 'x\\nname: pwned\\x1b[31m #'" in result.yaml
    assert topology_from_text(result.yaml).model_dump() == result.topology.model_dump()


def test_a_default_vpc_is_adopted_only_when_a_connection_joins_it() -> None:
    lone, joined = vpc(3, "172.31.0.0/16"), vpc(4, "172.30.0.0/16")
    snapshot = Snapshot(
        vpcs=(A, lone, joined),
        route_tables=(table(1, A, main=True),),
        peerings=(pcx(7, A, joined),),
    )
    estate = Estate((NET,), (R,), snapshot, default_vpcs=frozenset({lone.id, joined.id}))
    result = _result(estate, compose(estate, "t"))
    assert {v["existing"]["vpc_id"] for v in result.data["vpcs"].values()} == {A.id, joined.id}
    (skipped,) = result.report.of(FindingKind.DEFAULT_VPC_SKIPPED)
    assert skipped.subject == lone.id
    every = _result(estate, compose(estate, "t", include_default_vpcs=True))
    assert len(every.data["vpcs"]) == 3 and not every.report.findings


def test_a_peer_in_a_region_not_read_is_reported_with_the_region_to_add() -> None:
    far = replace(vpc(5, "10.9.0.0/16", account=DATA), region="ap-south-1")
    result = found(A, pcx(6, A, far), table(1, A, main=True), accounts=(NET, DATA))
    (finding,) = result.report.of(FindingKind.PEER_NOT_DISCOVERED)
    assert finding.hint == "discover again with --region ap-south-1"
    assert "peerings" not in result.data


def test_counts_above_aws_defaults_raise_the_quotas() -> None:
    blocks = tuple(f"10.{n}.0.0/16" for n in range(7))
    wide = replace(A, cidrs=blocks)
    peers = [vpc(100 + n, f"172.{16 + n}.0.0/16") for n in range(51)]
    links = [pcx(200 + n, wide, peer) for n, peer in enumerate(peers)]
    routes = [
        RouteSnapshot(peer.cidrs[0], link.id) for peer, link in zip(peers, links, strict=True)
    ]
    result = found(wide, *peers, *links, table(1, wide, *routes, main=True))
    assert result.data["quotas"] == {
        "cidrs_per_vpc": 7,
        "peerings_per_vpc": 51,
        "routes_per_table": 51,
    }
    assert "# AWS holds more than these defaults: the quotas were raised" in result.yaml
    assert len(result.plan.links) == 51


def test_blocks_are_written_as_aws_spells_them() -> None:
    """An import id must name a route's destination as AWS does (leading zeros too)."""
    written, normal = "2600:1f18:0abc:1200::/56", "2600:1f18:abc:1200::/56"
    a6 = replace(A, ipv6_cidrs=("2600:1f18:1:100::/56",))
    b6 = replace(B, ipv6_cidrs=(normal,))
    route = RouteSnapshot(normal, LINK.id)
    snapshot = Snapshot(
        vpcs=(a6, b6), route_tables=(table(1, a6, route, main=True),), peerings=(LINK,)
    )
    estate = Estate((NET,), (R,), snapshot, spelled={normal: written})
    result = _result(estate, compose(estate, "t"))
    assert result.data["vpcs"]["b"]["existing"]["ipv6_cidrs"] == [written]
    assert result.data["peerings"][0]["routes"]["a"] == {"to": [written], "tables": ["main"]}
    assert result.report.verifies
