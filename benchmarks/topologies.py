"""Generated topologies at AWS scale, shared by the benchmarks."""

from __future__ import annotations

from typing import Any

RAISED = {"peerings_per_vpc": 125, "routes_per_table": 1000}


def _vpcs(count: int, *, regions: tuple[str, ...] = ("us-east-1",)) -> dict[str, Any]:
    return {
        f"vpc{i:03d}": {
            "cidr": f"10.{i // 2}.{(i % 2) * 128}.0/17",
            "region": regions[i % len(regions)],
        }
        for i in range(count)
    }


def mesh(count: int, *, regions: tuple[str, ...] = ("us-east-1",)) -> dict[str, Any]:
    """A full mesh of ``count`` VPCs in one account (count*(count-1)/2 links)."""
    vpcs = _vpcs(count, regions=regions)
    return {
        "name": f"mesh{count}",
        "defaults": {"account": "main", "region": "us-east-1"},
        "accounts": {"main": {"id": "111111111111"}},
        "vpcs": vpcs,
        "meshes": [{"name": "all", "members": list(vpcs)}],
        "quotas": RAISED,
    }


def hub(spokes: int) -> dict[str, Any]:
    """One hub peered with ``spokes`` spokes, all in one account and region."""
    vpcs = _vpcs(spokes + 1)
    names = list(vpcs)
    return {
        "name": f"hub{spokes}",
        "defaults": {"account": "main", "region": "us-east-1"},
        "accounts": {"main": {"id": "111111111111"}},
        "vpcs": vpcs,
        "hubs": [{"hub": names[0], "spokes": names[1:]}],
        "quotas": RAISED,
    }


def mesh_over_accounts(
    count: int,
    *,
    accounts: int = 2,
    regions: tuple[str, ...] = ("us-east-1", "eu-west-1"),
) -> dict[str, Any]:
    """A full mesh of ``count`` VPCs spread over ``accounts`` accounts and ``regions``,
    every (account, region) pair used, at AWS's default quotas: most links need an
    accepter, so each account requests far more than it may have pending at once."""
    vpcs = _vpcs(count, regions=regions)
    aliases = [f"acct{a}" for a in range(accounts)]
    for i, vpc in enumerate(vpcs.values()):
        vpc["account"] = aliases[i % accounts]
        vpc["region"] = regions[(i // accounts) % len(regions)]
    return {
        "name": f"mesh{count}x{accounts}",
        "defaults": {"account": aliases[0], "region": regions[0]},
        "accounts": {
            alias: {
                "id": f"{a + 1}" * 12,
                # One account on ambient credentials, the others through a role.
                **({"role_arn": f"arn:aws:iam::{f'{a + 1}' * 12}:role/peerstack"} if a else {}),
            }
            for a, alias in enumerate(aliases)
        },
        "vpcs": vpcs,
        "meshes": [{"name": "all", "members": list(vpcs)}],
    }
