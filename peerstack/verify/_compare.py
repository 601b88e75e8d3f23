"""Compare a snapshot of AWS with the plan, difference by difference (pure: no AWS).

Which VPC, route table and connection stands for which name of the plan is decided here:
by the ids of the stack's outputs (or an adopted VPC's own ids) when known, else by
peerstack's tags, else (connections) by the VPCs they join.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from peerstack._cidr import aws_network
from peerstack._components.outputs import StackOutputs
from peerstack._reachability import Endpoint, Link, Reachability, Route, VpcModel, reachability
from peerstack.plan.model import DISCOVERED, MAIN, LinkPlan, Plan, RoutePlan, VpcPlan
from peerstack.verify._identify import TOPOLOGY_TAG, has_tags, known_vpc_id, vpc_candidates
from peerstack.verify._result import Difference, DifferenceKind, LinkStatus, VerifyResult
from peerstack.verify._snapshot import PeeringSnapshot, RouteSnapshot, Snapshot, VpcSnapshot

if TYPE_CHECKING:
    from peerstack.automation import Outputs

__all__ = ["compare"]

LINK_TAG = "peerstack:link"
TABLE_TAG = "peerstack:route-table"
# Which connection stands for a link when several carry its tag or join its VPCs.
# Ended ones come last: a link whose connection was deleted and requested again is the
# new request, whatever became of it.
_STATUS_RANK = {
    "active": 0,
    "pending-acceptance": 1,
    "provisioning": 2,
    "initiating-request": 3,
    "deleting": 5,
    "deleted": 6,
}


def compare(
    plan: Plan,
    snapshot: Snapshot,
    *,
    outputs: Mapping[str, Any] | Outputs | StackOutputs | None = None,
) -> VerifyResult:
    """Every way ``snapshot`` differs from ``plan``; pure, so it needs no AWS.

    :param outputs: the deployment's stack outputs (``vpc_ids``, ``route_table_ids``,
        ``peering_connection_ids``); without them resources are recognised by tags.
    """
    return _Comparison(plan, snapshot, StackOutputs.parse(outputs)).run()


class _Comparison:
    def __init__(self, plan: Plan, snapshot: Snapshot, ids: StackOutputs) -> None:
        self.plan = plan
        self.snapshot = snapshot
        self.ids = ids
        self.diffs: list[Difference] = []
        self.vpcs: dict[str, VpcSnapshot] = {}
        """VPC name -> the VPC that stands for it."""
        self.connections: dict[str, PeeringSnapshot] = {}
        """Link name -> the connection that stands for it."""

    def add(
        self,
        kind: DifferenceKind,
        subject: str,
        message: str,
        *,
        expected: str | None = None,
        actual: str | None = None,
    ) -> None:
        self.diffs.append(Difference(kind, subject, message, expected, actual))

    def run(self) -> VerifyResult:
        for vpc in self.plan.vpcs:
            self.find_vpc(vpc)
        for vpc in self.plan.vpcs:
            if vpc.managed and vpc.dns_hostnames and vpc.name in self.vpcs:
                self.check_dns_attributes(vpc, self.vpcs[vpc.name])
        statuses = [self.check_link(link) for link in self.plan.links]
        routes_checked = self.check_routes()
        reach = self.reachability()
        self.check_reachability(reach)
        return VerifyResult(
            topology=self.plan.topology,
            differences=tuple(self.diffs),
            links=tuple(statuses),
            reachability={v.name: reach.vpcs.get(v.name, ()) for v in self.plan.vpcs},
            routes_checked=routes_checked,
            subnet_reachability=reach.endpoints,
        )

    # -- VPCs ------------------------------------------------------------------------

    def find_vpc(self, vpc: VpcPlan) -> None:
        match = vpc_candidates(self.plan.topology, vpc, self.snapshot.vpcs, self.ids)
        if len(match) == 1:
            self.vpcs[vpc.name] = match[0]
        elif match:
            self.add(
                DifferenceKind.VPC_MISSING,
                vpc.name,
                f"{len(match)} VPCs are tagged as {vpc.name!r}; verify cannot tell which is "
                "peerstack's (give the stack's outputs)",
                expected="one VPC",
                actual=", ".join(v.id for v in match),
            )
        else:
            self.add(
                DifferenceKind.VPC_MISSING,
                vpc.name,
                f"VPC {vpc.name!r} was not found in account {vpc.account_id}, {vpc.region}",
                expected=known_vpc_id(vpc, self.ids) or "tagged peerstack:vpc",
                actual="missing",
            )

    def check_dns_attributes(self, vpc: VpcPlan, found: VpcSnapshot) -> None:
        for attribute, value in (
            ("enableDnsSupport", found.dns_support),
            ("enableDnsHostnames", found.dns_hostnames),
        ):
            if not value:
                self.add(
                    DifferenceKind.DNS_ATTRIBUTE,
                    f"{vpc.name} {attribute}",
                    f"{attribute} is off on {vpc.name!r} ({found.id}): remote DNS "
                    "resolution over its links needs DNS support and hostnames",
                    expected="true",
                    actual="false" if value is False else "not read",
                )

    # -- links -----------------------------------------------------------------------

    def connection_for(self, link: LinkPlan) -> PeeringSnapshot | None:
        known = self.ids.peering_connection_ids.get(link.name)
        if known:
            return self.snapshot.peering(known)
        tags = {TOPOLOGY_TAG: self.plan.topology, LINK_TAG: link.name}
        match = [c for c in self.snapshot.peerings if has_tags(c.tags, tags)]
        if not match:
            match = [c for c in self.snapshot.peerings if self.joins(c, link)]
        return min(match, key=_status_rank) if match else None

    def joins(self, connection: PeeringSnapshot, link: LinkPlan) -> bool:
        requester = self.vpcs.get(link.requester)
        accepter = self.vpcs.get(link.accepter)
        return (
            requester is not None
            and accepter is not None
            and connection.requester.vpc_id == requester.id
            and connection.accepter.vpc_id == accepter.id
        )

    def check_link(self, link: LinkPlan) -> LinkStatus:
        connection = self.connection_for(link)
        if connection is None:
            self.add(
                DifferenceKind.LINK_MISSING,
                link.name,
                f"no peering connection found for link {link.name!r} "
                f"({link.requester} -> {link.accepter})",
                expected=self.ids.peering_connection_ids.get(link.name) or "a connection",
                actual="missing",
            )
            return LinkStatus(link.name, None, "missing")
        self.connections[link.name] = connection
        if not self.joins(connection, link):
            wanted = " -> ".join(
                self.vpcs[v].id if v in self.vpcs else v for v in (link.requester, link.accepter)
            )
            self.add(
                DifferenceKind.LINK_WRONG_VPCS,
                link.name,
                f"{connection.id} does not join {link.requester} (requester) and "
                f"{link.accepter} (accepter)",
                expected=wanted,
                actual=f"{connection.requester.vpc_id} -> {connection.accepter.vpc_id}",
            )
        if connection.status != "active":
            self.add(
                DifferenceKind.LINK_NOT_ACTIVE,
                link.name,
                f"{connection.id} is {connection.status!r}: no traffic crosses it",
                expected="active",
                actual=connection.status,
            )
        else:
            for side, info in (
                ("requester", connection.requester),
                ("accepter", connection.accepter),
            ):
                if info.dns_resolution != link.dns_resolution:
                    self.add(
                        DifferenceKind.DNS_OPTION,
                        f"{link.name} ({side})",
                        f"remote DNS resolution is {_on(info.dns_resolution)} on the {side} "
                        f"side of {connection.id}; the plan has it {_on(link.dns_resolution)}",
                        expected=_on(link.dns_resolution),
                        actual=_on(info.dns_resolution),
                    )
        return LinkStatus(link.name, connection.id, connection.status)

    # -- routes ----------------------------------------------------------------------

    def tables_of(self, vpc: VpcPlan, table: str) -> list[tuple[str, str]] | None:
        """``(name, id)`` of the tables a plan route names; None when one is missing."""
        found = self.snapshot.tables_of(self.vpcs[vpc.name].id)
        if table == DISCOVERED:
            return [(t.id, t.id) for t in found]
        if table == MAIN:
            ids = [t.id for t in found if t.main]
        else:
            wanted = self.ids.route_table_ids.get(vpc.name, {}).get(
                table
            ) or vpc.route_table_ids.get(table)
            if wanted:
                ids = [t.id for t in found if t.id == wanted]
            else:
                tags = {"peerstack:vpc": vpc.name, TABLE_TAG: table}
                ids = [t.id for t in found if has_tags(t.tags, tags)]
        if len(ids) != 1:
            return None
        return [(table, ids[0])]

    def table_names(self, vpc: VpcPlan) -> dict[str, str]:
        """Route table id -> the plan's name for it (for readable messages)."""
        names: dict[str, str] = {}
        for table in vpc.route_tables:
            if table != DISCOVERED:
                for name, table_id in self.tables_of(vpc, table) or ():
                    names[table_id] = name
        return names

    def check_routes(self) -> int:
        pcx_ids = {link: c.id for link, c in self.connections.items()}
        ours = {pcx: link for link, pcx in pcx_ids.items()}
        ours.update({pcx: link for link, pcx in self.ids.peering_connection_ids.items()})
        expected: dict[tuple[str, str], tuple[str, str, str]] = {}
        """(table id, destination) -> (where, link, pcx id)"""
        reported: set[tuple[str, str]] = set()
        for route in self.plan.routes:
            vpc = self.plan.vpc(route.vpc)
            if route.vpc not in self.vpcs:
                continue  # reported as a missing VPC
            tables = self.tables_of(vpc, route.route_table)
            if tables is None:
                if (route.vpc, route.route_table) not in reported:
                    reported.add((route.vpc, route.route_table))
                    self.add(
                        DifferenceKind.ROUTE_TABLE_MISSING,
                        f"{route.vpc}/{route.route_table}",
                        f"route table {route.route_table!r} of {route.vpc!r} was not found",
                        expected="one table",
                        actual="missing",
                    )
                continue
            for name, table_id in tables:
                where = f"{route.vpc}/{name}"
                destinations = self.destinations(route)
                for destination in destinations:
                    expected[(table_id, destination)] = (
                        where,
                        route.link,
                        pcx_ids.get(route.link, ""),
                    )
                if route.deferred and not destinations:
                    self.add(
                        DifferenceKind.ROUTE_MISSING,
                        f"{where} -> {route.destination}",
                        f"{route.ipv6_of!r} has no IPv6 block to route to",
                        expected="an IPv6 block",
                        actual="none",
                    )
        observed: dict[tuple[str, str], RouteSnapshot] = {}
        where_of: dict[str, str] = {}
        for name, vpc_found in self.vpcs.items():
            names = self.table_names(self.plan.vpc(name))
            for table in self.snapshot.tables_of(vpc_found.id):
                where_of[table.id] = f"{name}/{names.get(table.id, table.id)}"
                for route_found in table.routes:
                    observed[(table.id, route_found.destination)] = route_found
        for key, (where, link, pcx_id) in expected.items():
            subject = f"{where} -> {key[1]}"
            found_route = observed.get(key)
            if found_route is None:
                self.add(
                    DifferenceKind.ROUTE_MISSING,
                    subject,
                    f"no route to {key[1]} in {where} ({key[0]})",
                    expected=f"via {link} ({pcx_id or 'missing'})",
                    actual="missing",
                )
                continue
            target = found_route.target
            connection = self.snapshot.peering(target)
            if target != pcx_id:
                other = f"{target} ({ours[target]})" if target in ours else target
                self.add(
                    DifferenceKind.ROUTE_WRONG_TARGET,
                    subject,
                    f"the route to {key[1]} in {where} does not go over {link}",
                    expected=f"{pcx_id} ({link})",
                    actual=other,
                )
            elif found_route.blackhole or connection is None or connection.status != "active":
                status = connection.status if connection is not None else "gone"
                self.add(
                    DifferenceKind.ROUTE_BLACKHOLE,
                    subject,
                    f"the route to {key[1]} in {where} is a blackhole: {pcx_id} is {status}",
                    expected="active",
                    actual="blackhole",
                )
        for key, found_route in observed.items():
            via = found_route.target
            if via in ours and key not in expected:
                self.add(
                    DifferenceKind.ROUTE_UNEXPECTED,
                    f"{where_of[key[0]]} -> {key[1]}",
                    f"a route the plan does not have goes over {ours[via]} ({via})",
                    expected="no route",
                    actual=f"via {via}",
                )
        return len(expected)

    def destinations(self, route: RoutePlan) -> list[str]:
        if route.ipv6_of is None:
            return [str(aws_network(route.destination))]
        peer = self.vpcs.get(route.ipv6_of)
        return list(peer.ipv6_cidrs) if peer is not None else []

    # -- reachability ----------------------------------------------------------------

    def reachability(self) -> Reachability:
        """Reachability of what AWS holds, by the model the plan used."""
        by_id = {found.id: name for name, found in self.vpcs.items()}
        link_of = {c.id: link for link, c in self.connections.items()}
        active = {c.id: c for c in self.snapshot.peerings if c.status == "active"}
        links = [
            Link(link_of.get(c.id, c.id), (by_id[c.requester.vpc_id], by_id[c.accepter.vpc_id]))
            for c in active.values()
            if c.requester.vpc_id in by_id and c.accepter.vpc_id in by_id
        ]

        def over(route: RouteSnapshot) -> str | None:
            if route.blackhole or route.target not in active:
                return None
            return link_of.get(route.target, route.target)

        models: list[VpcModel] = []
        for name, found in self.vpcs.items():
            planned = self.plan.vpc(name)
            tables = self.snapshot.tables_of(found.id)
            main = next((t.id for t in tables if t.main), None)
            explicit = {subnet: t.id for t in tables for subnet in t.subnet_ids}
            subnets = self.snapshot.subnets_of(found.id)
            if subnets:
                named = _subnet_names(planned)
                endpoints = tuple(
                    Endpoint(
                        _label(name, named, s.cidr, s.id),
                        tuple(aws_network(c) for c in (s.cidr, *s.ipv6_cidrs)),
                        explicit.get(s.id, main),
                    )
                    for s in subnets
                )
            else:
                blocks = tuple(aws_network(c) for c in (*found.cidrs, *found.ipv6_cidrs))
                endpoints = tuple(Endpoint(name, blocks, t.id) for t in tables)
            models.append(
                VpcModel(
                    name,
                    endpoints,
                    {
                        t.id: tuple(Route(aws_network(r.destination), over(r)) for r in t.routes)
                        for t in tables
                    },
                )
            )
        return reachability(models, links)

    def check_reachability(self, found: Reachability) -> None:
        seen: set[frozenset[str]] = set()
        for vpc in self.plan.vpcs:
            planned = set(self.plan.reachability.get(vpc.name, ()))
            actual = set(found.vpcs.get(vpc.name, ()))
            for peer in sorted(planned ^ actual):
                pair = frozenset((vpc.name, peer))
                if pair in seen:
                    continue
                seen.add(pair)
                if peer in planned:
                    self.add(
                        DifferenceKind.REACHABILITY,
                        f"{vpc.name} <-> {peer}",
                        f"{vpc.name!r} and {peer!r} should reach each other but the "
                        "route tables do not route both ways over their link",
                        expected="reachable",
                        actual="unreachable",
                    )
                else:
                    self.add(
                        DifferenceKind.REACHABILITY,
                        f"{vpc.name} <-> {peer}",
                        f"{vpc.name!r} and {peer!r} reach each other, which the plan does not have",
                        expected="unreachable",
                        actual="reachable",
                    )


def _subnet_names(vpc: VpcPlan) -> dict[str, str] | None:
    """CIDR -> subnet name for a VPC whose subnets the plan knows; None: a VPC taken whole."""
    if not (vpc.managed and vpc.subnets):
        return None
    return {str(aws_network(s.cidr)): s.name for s in vpc.subnets}


def _label(vpc: str, named: dict[str, str] | None, cidr: str, subnet_id: str) -> str:
    """A found subnet's endpoint name, as the plan names it (by its block)."""
    if named is None:
        return vpc
    return f"{vpc}.{named.get(cidr, subnet_id)}"


def _status_rank(connection: PeeringSnapshot) -> int:
    return _STATUS_RANK.get(connection.status, 4)


def _on(value: bool) -> str:
    return "on" if value else "off"
