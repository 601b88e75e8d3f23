"""The request schedule: no account ever has more requests pending than its quota."""

from __future__ import annotations

import dataclasses
import math
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerstack.plan import LinkPlan, Plan, build_plan
from peerstack.plan._schedule import schedule, window_of, windows
from peerstack.topology import topology_from_data

PlanOf = Callable[[str], Plan]
ACCOUNTS = {"a": {"id": "111111111111"}, "b": {"id": "222222222222"}, "c": {"id": "333333333333"}}
REGIONS = ["us-east-1", "eu-west-1"]


def two_region_mesh(count: int, quota: int | None = None) -> dict[str, Any]:
    """The issue's topology: one account, VPCs alternating between two regions."""
    data: dict[str, Any] = {
        "name": "m",
        "defaults": {"account": "a", "region": "us-east-1"},
        "accounts": {"a": ACCOUNTS["a"]},
        "vpcs": {
            f"v{i:02d}": {"cidr": f"10.{i}.0.0/16", "region": REGIONS[i % 2]} for i in range(count)
        },
        "meshes": [{"name": "all", "members": [f"v{i:02d}" for i in range(count)]}],
    }
    if quota is not None:
        data["quotas"] = {"outstanding_requests_per_account": quota}
    return data


def plan(data: dict[str, Any]) -> Plan:
    return build_plan(topology_from_data(data))


def test_a_20_vpc_mesh_over_two_regions_plans_at_the_default_quota() -> None:
    found = plan(two_region_mesh(20))
    requests = [link for link in found.links if link.needs_accepter]
    assert len(requests) == 100  # 10 x 10 pairs across the regions
    assert windows(found.links) == 4  # 25 + 25 + 25 + 25
    ordered = sorted(link.name for link in requests)
    for i, name in enumerate(ordered):
        expected = ordered[i - 25] if i >= 25 else None
        assert found.link(name).waits_for == expected, name


def test_auto_accepted_links_never_wait_nor_are_waited_for(plan_of: PlanOf) -> None:
    found = plan_of(
        """
        vpcs:
          a: {cidr: 10.1.0.0/16}
          b: {cidr: 10.2.0.0/16}
          c: {cidr: 10.3.0.0/16, region: eu-west-1}
          d: {cidr: 10.4.0.0/16, region: eu-west-1}
        meshes:
          - {name: m, members: [a, b, c, d]}
        quotas: {outstanding_requests_per_account: 1}
        """
    )
    assert {link.name: link.waits_for for link in found.links} == {
        "a--b": None,  # same account and region: auto-accepted
        "a--c": None,
        "a--d": "a--c",
        "b--c": "a--d",
        "b--d": "b--c",
        "c--d": None,
    }


def test_each_requesting_account_has_its_own_quota(plan_of: PlanOf) -> None:
    found = plan_of(
        """
        vpcs:
          n1: {cidr: 10.1.0.0/16}
          n2: {cidr: 10.2.0.0/16}
          p1: {cidr: 10.3.0.0/16, account: prod}
          p2: {cidr: 10.4.0.0/16, account: prod}
          x: {cidr: 10.5.0.0/16, region: eu-west-1, account: prod}
        peerings:
          - {requester: n1, accepter: x}
          - {requester: n2, accepter: x}
          - {requester: p1, accepter: x}
          - {requester: p2, accepter: x}
        quotas: {outstanding_requests_per_account: 1}
        """
    )
    assert {link.name: link.waits_for for link in found.links} == {
        "n1--x": None,
        "n2--x": "n1--x",
        "p1--x": None,
        "p2--x": "p1--x",
    }


def test_the_schedule_does_not_depend_on_declaration_order() -> None:
    data = two_region_mesh(12, quota=4)
    shuffled = two_region_mesh(12, quota=4)
    members = shuffled["meshes"][0]["members"]
    random.Random(7).shuffle(members)
    shuffled["vpcs"] = dict(reversed(list(shuffled["vpcs"].items())))
    first = {link.name: link.waits_for for link in plan(data).links}
    assert first == {link.name: link.waits_for for link in plan(shuffled).links}
    assert any(first.values())


def test_the_plan_json_says_what_each_request_waits_for() -> None:
    links = plan(two_region_mesh(4, quota=1)).to_dict()["links"]
    assert [(link["name"], link["waits_for"]) for link in links] == [
        ("v00--v01", None),
        ("v00--v02", None),  # same region
        ("v00--v03", "v00--v01"),
        ("v01--v02", "v00--v03"),
        ("v01--v03", None),
        ("v02--v03", "v01--v02"),
    ]


def test_windows_of_links_without_waits() -> None:
    assert windows(()) == 0
    found = plan(two_region_mesh(4))
    assert windows(found.links) == 1
    assert set(window_of(found.links).values()) == {0}
    one_region = two_region_mesh(4)
    for vpc in one_region["vpcs"].values():
        vpc["region"] = "us-east-1"
    assert windows(plan(one_region).links) == 0  # all auto-accepted: nothing pending


# -- property: any order the engine may run them in ---------------------------------------


@st.composite
def topologies(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(min_value=2, max_value=11))
    names = [f"v{i:02d}" for i in range(count)]
    vpcs = {
        name: {
            "cidr": f"10.{i}.0.0/16",
            "account": draw(st.sampled_from(sorted(ACCOUNTS))),
            "region": draw(st.sampled_from(REGIONS)),
        }
        for i, name in enumerate(names)
    }
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1))
    return {
        "name": "prop",
        "defaults": {"account": "a", "region": "us-east-1"},
        "accounts": ACCOUNTS,
        "vpcs": vpcs,
        "peerings": [{"requester": a, "accepter": b} for a, b in chosen],
        "quotas": {"outstanding_requests_per_account": draw(st.integers(1, 5))},
    }


def run_in_any_order(links: tuple[LinkPlan, ...], quota: int, data: st.DataObject) -> None:
    """Request and accept in an order the dependencies allow, chosen by hypothesis.

    A request may be made once the acceptance it waits for is done; a pending request
    may be accepted at any time. Never more than ``quota`` pending per account, and
    every link ends up accepted (the schedule never deadlocks).
    """
    by_name = {link.name: link for link in links}
    waiting = [link.name for link in links if link.needs_accepter]
    pending: list[str] = []
    accepted: set[str] = set()
    while waiting or pending:
        ready = [
            name
            for name in waiting
            if by_name[name].waits_for is None or by_name[name].waits_for in accepted
        ]
        moves = [("request", name) for name in ready] + [("accept", name) for name in pending]
        assert moves, f"deadlock: {waiting} wait, nothing pending"
        move, name = data.draw(st.sampled_from(moves))
        if move == "request":
            waiting.remove(name)
            pending.append(name)
            per_account = Counter(by_name[n].requester_account_id for n in pending)
            assert max(per_account.values()) <= quota, per_account
        else:
            pending.remove(name)
            accepted.add(name)
    assert accepted == {link.name for link in links if link.needs_accepter}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topologies(), st.data())
def test_no_account_ever_has_more_pending_than_its_quota(
    topology: dict[str, Any], data: st.DataObject
) -> None:
    found = plan(topology)
    quota = found.quotas["outstanding_requests_per_account"]
    run_in_any_order(found.links, quota, data)


@settings(max_examples=200, deadline=None)
@given(topologies())
def test_depth_grows_by_one_step_per_window(topology: dict[str, Any]) -> None:
    found = plan(topology)
    quota = found.quotas["outstanding_requests_per_account"]
    window = window_of(found.links)
    per_account: dict[str, list[str]] = {}
    for link in found.links:
        if link.needs_accepter:
            per_account.setdefault(link.requester_account_id, []).append(link.name)
        else:
            assert link.waits_for is None and window[link.name] == 0
    for names in per_account.values():
        for i, name in enumerate(sorted(names)):
            # The i-th request of its account (by name) is in window i // q: a chain of
            # waits one request-and-acceptance longer for each window, never more.
            assert window[name] == i // quota
        assert max(window[n] for n in names) + 1 == math.ceil(len(names) / quota)
    # Never waits on another account's request: each account's chains are its own.
    for link in found.links:
        if link.waits_for is not None:
            earlier = found.link(link.waits_for)
            assert earlier.requester_account_id == link.requester_account_id
            assert earlier.needs_accepter


def test_schedule_refuses_a_quota_below_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        schedule(plan(two_region_mesh(3)).links, 0)


def test_windows_refuse_links_that_wait_for_each_other() -> None:
    links = plan(two_region_mesh(4, quota=1)).links
    looped = [dataclasses.replace(link, waits_for="v02--v03") for link in links]
    with pytest.raises(ValueError, match="cycle"):
        window_of(looped)
