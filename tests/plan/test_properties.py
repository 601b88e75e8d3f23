"""Properties every plan has, over generated topologies (valid or not)."""

from __future__ import annotations

import ipaddress
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerstack.errors import TopologyError
from peerstack.plan import IPV6_PREFIX, Plan, build_plan
from peerstack.topology import topology_from_data

REGIONS = ["us-east-1", "eu-west-1"]
ACCOUNTS = {"a": {"id": "111111111111"}, "b": {"id": "222222222222"}}


@st.composite
def topologies(draw: st.DrawFn) -> dict:
    count = draw(st.integers(min_value=2, max_value=7))
    names = [f"v{i}" for i in range(count)]
    vpcs = {}
    for name in names:
        octet = draw(st.integers(min_value=0, max_value=count + 1))  # collisions happen
        vpc: dict = {
            "cidr": f"10.{octet}.0.0/16",
            "account": draw(st.sampled_from(sorted(ACCOUNTS))),
            "region": draw(st.sampled_from(REGIONS)),
            "ipv6": draw(st.booleans()),
        }
        subnets = []
        for index in range(draw(st.integers(min_value=0, max_value=2))):
            subnets.append(
                {
                    "name": f"s{index}",
                    "cidr": f"10.{octet}.{index}.0/24",
                    "az": "a",
                    "route_table": draw(st.sampled_from([None, "t1", "t2"])),
                }
            )
        vpc["subnets"] = [{k: v for k, v in s.items() if v is not None} for s in subnets]
        vpcs[name] = vpc
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    peerings = []
    for requester, accepter in chosen:
        peering: dict = {"requester": requester, "accepter": accepter}
        if draw(st.booleans()):
            side = draw(st.sampled_from([requester, accepter]))
            peer = accepter if side == requester else requester
            targets = [peer] + [f"{peer}.{s['name']}" for s in vpcs[peer]["subnets"]]
            to = draw(st.lists(st.sampled_from(targets), unique=True, max_size=2))
            peering["routes"] = {side: {"to": to}}
        peerings.append(peering)
    return {
        "name": "prop",
        "accounts": ACCOUNTS,
        "vpcs": vpcs,
        "peerings": peerings,
    }


def _plan_or_none(data: dict) -> Plan | None:
    try:
        return build_plan(topology_from_data(data))
    except TopologyError as exc:
        assert exc.problems, "a TopologyError always lists its problems"  # noqa: PT017
        return None


common = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(topologies())
def test_no_route_table_routes_one_destination_twice(data: dict) -> None:
    plan = _plan_or_none(data)
    if plan is None:
        return
    keys = Counter(
        (r.vpc, r.route_table, str(ipaddress.ip_network(r.destination)))
        if "/" in r.destination
        else (r.vpc, r.route_table, r.destination)
        for r in plan.routes
    )
    assert all(n == 1 for n in keys.values())


@common
@given(topologies())
def test_reachability_is_symmetric_and_never_transitive(data: dict) -> None:
    plan = _plan_or_none(data)
    if plan is None:
        return
    linked = {frozenset((link.requester, link.accepter)) for link in plan.links}
    for a, peers in plan.reachability.items():
        for b in peers:
            assert a in plan.reachability[b], "reachability must be symmetric"
            assert frozenset((a, b)) in linked, "only directly peered VPCs reach each other"


@common
@given(topologies())
def test_every_destination_lies_inside_its_peer(data: dict) -> None:
    plan = _plan_or_none(data)
    if plan is None:
        return
    for route in plan.routes:
        link = plan.link(route.link)
        assert {route.vpc, route.peer} == {link.requester, link.accepter}
        peer = plan.vpc(route.peer)
        if route.destination.startswith(IPV6_PREFIX):
            assert route.destination == f"{IPV6_PREFIX}{peer.name}"
            assert peer.ipv6 and plan.vpc(route.vpc).ipv6
            continue
        net = ipaddress.ip_network(route.destination)
        assert any(net.subnet_of(ipaddress.ip_network(block)) for block in peer.cidrs)  # type: ignore[arg-type]


@common
@given(topologies())
def test_peered_vpcs_never_overlap_and_links_are_decided_consistently(data: dict) -> None:
    plan = _plan_or_none(data)
    if plan is None:
        return
    for link in plan.links:
        req, acc = plan.vpc(link.requester), plan.vpc(link.accepter)
        for x in req.cidrs:
            for y in acc.cidrs:
                assert not ipaddress.ip_network(x).overlaps(ipaddress.ip_network(y))
        assert link.auto_accept == (req.account_id == acc.account_id and req.region == acc.region)
        assert (link.peer_owner_id is not None) == link.cross_account
        assert (link.peer_region is not None) == link.cross_region


@common
@given(topologies())
def test_overlapping_peers_are_always_rejected(data: dict) -> None:
    vpcs = data["vpcs"]
    overlapping = any(
        vpcs[p["requester"]]["cidr"] == vpcs[p["accepter"]]["cidr"] for p in data["peerings"]
    )
    if overlapping:
        assert _plan_or_none(data) is None
