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
