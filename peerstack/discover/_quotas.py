"""The quotas an estate shows were raised: what the topology's ``quotas`` must say.

AWS refuses what exceeds a quota, so an estate that holds more than a default (more
blocks in a VPC, more connections on a VPC, more peering routes in a table) has had that
quota raised. The plan is checked against ``quotas``, so discover writes each such count
there (capped at AWS's maximum: past it, the planner refuses and says so).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from peerstack._facts.quotas import QUOTAS

__all__ = ["raised_quotas"]


def raised_quotas(data: Mapping[str, Any]) -> dict[str, int]:
    """``quotas`` entries for the counts of ``data`` above AWS's defaults."""
    counts = {
        "cidrs_per_vpc": max(
            (len(v["existing"]["cidrs"]) for v in data["vpcs"].values()), default=0
        ),
        "peerings_per_vpc": max(_links(data).values(), default=0),
        "routes_per_table": max(_routes(data).values(), default=0),
    }
    raised: dict[str, int] = {}
    for key, count in counts.items():
        quota = QUOTAS[key]
        if count > quota.default:
            raised[key] = min(count, quota.maximum) if quota.maximum is not None else count
    return raised


def _links(data: Mapping[str, Any]) -> Counter[str]:
    links: Counter[str] = Counter()
    for peering in data.get("peerings", []):
        links.update((peering["requester"], peering["accepter"]))
    links.update(accept["vpc"] for accept in data.get("accepts", []))
    return links


def _routes(data: Mapping[str, Any]) -> Counter[tuple[str, str, bool]]:
    """Peering routes per (VPC, table, IPv6?): the plan counts the families apart."""
    vpcs = {name: vpc["existing"] for name, vpc in data["vpcs"].items()}
    routes: Counter[tuple[str, str, bool]] = Counter()
    for peering in data.get("peerings", []):
        for side, spec in peering["routes"].items():
            peer = peering["accepter"] if side == peering["requester"] else peering["requester"]
            both_ipv6 = bool(vpcs[side].get("ipv6_cidrs")) and bool(vpcs[peer].get("ipv6_cidrs"))
            to: list[str] = spec["to"]
            if to == [peer]:
                ipv4 = len(vpcs[peer]["cidrs"])
                ipv6 = len(vpcs[peer].get("ipv6_cidrs", [])) if both_ipv6 else 0
            else:
                ipv6 = sum(":" in d for d in to)
                ipv4 = len(to) - ipv6
            for table in spec.get("tables", []):
                routes[(side, table, False)] += ipv4
                routes[(side, table, True)] += ipv6
    return routes
