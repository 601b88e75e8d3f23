"""Decisions the plan makes beyond validation: home regions, names, slugs."""

from __future__ import annotations

from collections.abc import Callable

from peerstack import build_plan, topology_from_data
from peerstack.plan import Plan
from peerstack.plan.model import slug


def _topology(vpcs: dict, *, region: str | None = None):
    data = {
        "name": "t",
        "accounts": {"a": {"id": "111111111111"}},
        "vpcs": vpcs,
    }
    if region:
        data["defaults"] = {"region": region}
    return topology_from_data(data)


def test_account_home_region_is_the_default_or_the_smallest_vpc_region() -> None:
    vpcs = {
        "x": {"cidr": "10.0.0.0/16", "region": "us-west-2"},
        "y": {"cidr": "10.1.0.0/16", "region": "eu-west-1"},
    }
    assert build_plan(_topology(vpcs)).account("a").region == "eu-west-1"
    reordered = dict(reversed(list(vpcs.items())))
    assert build_plan(_topology(reordered)).account("a").region == "eu-west-1"
    assert build_plan(_topology(vpcs, region="us-east-1")).account("a").region == "us-east-1"


def test_route_keys_cannot_run_together() -> None:
    plan = build_plan(
        topology_from_data(
            {
                "name": "t",
                "defaults": {"region": "us-east-1"},
                "accounts": {"a": {"id": "111111111111"}},
                "vpcs": {
                    "a": {
                        "cidr": "10.0.0.0/16",
                        "subnets": [
                            {"name": "s", "cidr": "10.0.0.0/24", "az": "a", "route_table": "b-main"}
                        ],
                    },
                    "a-b": {"cidr": "10.1.0.0/16"},
                    "z": {"cidr": "10.2.0.0/16"},
                },
                "peerings": [
                    {"requester": "a", "accepter": "z"},
                    {"requester": "a-b", "accepter": "z"},
                ],
            }
        )
    )
    keys = [r.key for r in plan.routes]
    assert len(keys) == len(set(keys))
    assert "a.b-main.10.2.0.0-16" in keys and "a-b.main.10.2.0.0-16" in keys


def test_slug_keeps_ipv6_blocks_apart() -> None:
    assert slug("10.1.0.0/16") == "10.1.0.0-16"
    assert slug("2600::1f18:0/112") != slug("2600:1f18:0::/112")
    assert slug("ipv6:app") == "ipv6_app"


def test_plan_queries_return_tuples_and_refuse_unknown_names(
    plan_of: Callable[[str], Plan],
) -> None:
    import pytest

    from peerstack.errors import UnknownVpcError

    plan = plan_of(
        """
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16}
        peerings:
          - {requester: a, accepter: b}
        """
    )
    assert isinstance(plan.routes_of("a"), tuple) and len(plan.routes_of("a")) == 1
    assert isinstance(plan.routes_over("a--b"), tuple) and len(plan.routes_over("a--b")) == 2
    with pytest.raises(UnknownVpcError, match="'c'"):
        plan.routes_of("c")
    with pytest.raises(KeyError, match="no link 'a--c' in the plan; its links: a--b"):
        plan.routes_over("a--c")
    with pytest.raises(KeyError, match="no account 'prd' in the plan; its accounts: net, prod"):
        plan.account("prd")
    for method in (plan.vpc, plan.link, plan.account, plan.routes_of, plan.can_reach):
        assert method.__doc__, method.__name__
