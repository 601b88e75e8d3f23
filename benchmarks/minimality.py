"""Minimality: the AWS resources PeeringTopology registers against the minimum AWS needs.

The minimum is computed here from the plan alone, never from the components:

- one provider per account that owns a VPC of the topology;
- per created VPC: a ``Vpc``, one CIDR association per secondary block, one ``Subnet``
  per subnet, one ``RouteTable`` per named table, one association per subnet that
  uses a named table (adopted VPCs: nothing);
- per link: one connection; an accepter only when AWS cannot auto-accept (two accounts,
  or two regions); one ``PeeringConnectionOptions`` per side only with DNS resolution;
- per request accepted from outside: one accepter and our side's options;
- one ``Route`` per (route table, destination);
- one ``SecurityGroupIngressRule`` per (group, protocol, ports, source) that a topology
  allows: AWS keeps one rule per permission;
- per group a created VPC declares: a ``SecurityGroup`` and one allow-all
  ``SecurityGroupEgressRule`` per address family of the VPC (the provider revokes the
  rule AWS gives a new group; the group is to let out what AWS's own groups do).

Target: exactly 1.00 for every example, type by type (a missing resource and an extra
one elsewhere do not cancel out).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks._figures import Figure
from benchmarks._mocked import PROVIDER_TYPE, run_program
from benchmarks.topologies import mesh
from peerstack import Plan, build_plan, load_topology, topology_from_data
from peerstack._provider import tokens
from peerstack.plan import DISCOVERED, MAIN

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

VPC = tokens.VPC
CIDR = tokens.CIDR_ASSOCIATION
SUBNET = tokens.SUBNET
TABLE = tokens.ROUTE_TABLE
ASSOCIATION = tokens.ASSOCIATION
CONNECTION = tokens.CONNECTION
ACCEPTER = tokens.ACCEPTER
OPTIONS = tokens.OPTIONS
ROUTE = tokens.ROUTE
RULE = tokens.SECURITY_RULE
GROUP = tokens.SECURITY_GROUP
EGRESS = tokens.SECURITY_EGRESS_RULE

DISCOVERED_TABLES = ("rtb-0a0a0a0a0a0a0a0a1", "rtb-0a0a0a0a0a0a0a0a2")
"""What the mocked ``getRouteTables`` finds for an adopted VPC that discovers its tables."""


def minimum(plan: Plan, discovered: Mapping[str, Sequence[str]] | None = None) -> Counter[str]:
    """The fewest AWS resources, by type token, that build ``plan``'s network.

    ``discovered`` maps the VPC id of an adopted VPC to the route tables found for it at
    deploy time.
    """
    need: Counter[str] = Counter()
    need[PROVIDER_TYPE] = len({vpc.account for vpc in plan.vpcs})
    tables_of: dict[str, set[str]] = {}
    for vpc in plan.vpcs:
        if vpc.managed:
            named = {table for table in vpc.route_tables if table != MAIN}
            need[VPC] += 1
            need[CIDR] += len(vpc.cidrs) - 1
            need[SUBNET] += len(vpc.subnets)
            need[TABLE] += len(named)
            need[ASSOCIATION] += sum(1 for s in vpc.subnets if s.route_table != MAIN)
            tables_of[vpc.name] = {MAIN, *named}
        elif vpc.route_tables == (DISCOVERED,):
            assert vpc.vpc_id is not None
            tables_of[vpc.name] = set((discovered or {}).get(vpc.vpc_id, ()))
        else:
            tables_of[vpc.name] = set(vpc.route_tables)
    for link in plan.links:
        same_place = (link.requester_account_id, link.requester_region) == (
            link.accepter_account_id,
            link.accepter_region,
        )
        need[CONNECTION] += 1
        need[ACCEPTER] += 0 if same_place else 1
        # Both sides, DNS on or off: the provider's delete of options does nothing in AWS,
        # so turning DNS off needs them to exist (an update to false), never a removal.
        need[OPTIONS] += 2
    for _ in plan.accepts:
        # A request from outside: accepted, and options set on our side only.
        need[ACCEPTER] += 1
        need[OPTIONS] += 1
    routes: set[tuple[str, ...]] = set()
    for route in plan.routes:
        tables = tables_of[route.vpc] if route.route_table == DISCOVERED else {route.route_table}
        routes.update((route.vpc, table, route.destination) for table in tables)
    need[ROUTE] = len(routes)
    need[RULE] = len(
        {
            (r.vpc, r.group, r.protocol, r.from_port, r.to_port, r.source)
            for r in plan.security_rules
        }
    )
    for vpc in plan.vpcs:
        if vpc.managed:
            declared = [g for g in plan.security_groups if g.vpc == vpc.name]
            need[GROUP] += len(declared)
            need[EGRESS] += len(declared) * (2 if vpc.ipv6 else 1)
    return +need


def discovering() -> dict[str, Any]:
    """A case no example covers: an adopted VPC whose route tables are found at deploy."""
    return {
        "name": "discover",
        "defaults": {"account": "net", "region": "us-east-1", "dns_resolution": True},
        "accounts": {
            "net": {"id": "111111111111"},
            "old": {"id": "222222222222", "role_arn": "arn:aws:iam::222222222222:role/peer"},
        },
        "vpcs": {
            "hub": {
                "cidr": "10.0.0.0/16",
                "subnets": [{"name": "a", "cidr": "10.0.1.0/24", "az": "a"}],
            },
            "legacy": {
                "account": "old",
                "existing": {"vpc_id": "vpc-0b0b0b0b0b0b0b0b0", "cidrs": ["172.31.0.0/16"]},
            },
        },
        "peerings": [{"requester": "hub", "accepter": "legacy"}],
    }


def cases() -> list[tuple[str, Plan]]:
    found = [
        (path.name, build_plan(load_topology(path))) for path in sorted(EXAMPLES.glob("*.yaml"))
    ]
    found.append(("mesh of 10 VPCs", build_plan(topology_from_data(mesh(10)))))
    found.append(("adopted VPC, discovered tables", build_plan(topology_from_data(discovering()))))
    return found


def registered(plan: Plan, discovered: Mapping[str, Sequence[str]]) -> Counter[str]:
    """AWS resources (and providers) PeeringTopology registers for ``plan``, by type."""
    from peerstack._components import PeeringTopology

    run = run_program(lambda: PeeringTopology(plan.topology, plan), route_tables=discovered)
    return run.counts()


def compare(plan: Plan) -> tuple[Counter[str], Counter[str]]:
    discovered = {v.vpc_id: DISCOVERED_TABLES for v in plan.vpcs if v.vpc_id is not None}
    return registered(plan, discovered), minimum(plan, discovered)


def run(*, quick: bool = False) -> list[Figure]:
    figures = []
    for label, plan in cases():
        got, need = compare(plan)
        ratio = sum(got.values()) / sum(need.values())
        off = {
            t.rsplit(":", 1)[-1]: f"{got[t]} vs {need[t]}"
            for t in sorted(set(got) | set(need))
            if got[t] != need[t]
        }
        detail = (
            f"{sum(got.values())} resources, each type at its minimum"
            if not off
            else "registered vs minimum: " + ", ".join(f"{t} {v}" for t, v in off.items())
        )
        figures.append(
            Figure(
                name=f"minimality, {label}",
                value=ratio,
                unit="x",
                target="= 1.00 per type",
                ok=not off,
                detail=detail,
            )
        )
    return figures
