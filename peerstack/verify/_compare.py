"""Compare a snapshot of AWS with the plan, difference by difference (pure: no AWS).

Which VPC, route table and connection stands for which name of the plan is decided here:
by the ids of the stack's outputs (or an adopted VPC's own ids) when known, else by
peerstack's tags, else (connections) by the VPCs they join.
"""

from __future__ import annotations

from peerstack._cidr import Network, aws_network, more_specific, subnet_ipv6_block
from peerstack._facts.peering import PeeringStatus, status_rank
from peerstack._reachability import (
    Endpoint,
    Link,
    Reachability,
    Route,
    VpcModel,
    external_model,
    reachability,
)
from peerstack.plan._outputs import OutputsLike, StackOutputs
from peerstack.plan.model import (
    DISCOVERED,
    MAIN,
    AcceptPlan,
    LinkPlan,
    Plan,
    RoutePlan,
    SecurityRulePlan,
    SubnetPlan,
    VpcPlan,
)
from peerstack.verify._identify import (
    TOPOLOGY_TAG,
    VPC_TAG,
    has_tags,
    known_vpc_id,
    vpc_candidates,
)
from peerstack.verify._result import Difference, DifferenceKind, LinkStatus, VerifyResult
from peerstack.verify._snapshot import (
    PeeringSnapshot,
    RouteSnapshot,
    SecurityRuleSnapshot,
    Snapshot,
    SubnetSnapshot,
    VpcSnapshot,
)

__all__ = ["compare"]

LINK_TAG = "peerstack:link"
RULE_TAG = "peerstack:rule"
GROUP_TAG = "peerstack:security-group"
TABLE_TAG = "peerstack:route-table"


def compare(
    plan: Plan,
    snapshot: Snapshot,
    *,
    outputs: OutputsLike = None,
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
        found = [(vpc, self.vpcs[vpc.name]) for vpc in self.plan.vpcs if vpc.name in self.vpcs]
        for vpc, vpc_found in found:
            self.check_blocks(vpc, vpc_found)
        for vpc, vpc_found in found:
            if vpc.managed and vpc.dns_hostnames:
                self.check_dns_attributes(vpc, vpc_found)
        for vpc, vpc_found in found:
            if vpc.managed:
                self.check_subnets(vpc, vpc_found)
        statuses = [self.check_link(link) for link in self.plan.links]
        statuses += [self.check_accept(accept) for accept in self.plan.accepts]
        self.check_other_peerings()
        routes_checked = self.check_routes()
        self.check_security_groups()
        self.check_security_rules()
        reach = self.reachability()
        self.check_reachability(reach)
        self.check_subnet_reachability(reach)
        return VerifyResult(
            topology=self.plan.topology,
            differences=tuple(self.diffs),
            links=tuple(statuses),
            reachability={
                name: reach.vpcs.get(name, ())
                for name in (
                    *(v.name for v in self.plan.vpcs),
                    *dict.fromkeys(a.peer.name for a in self.plan.accepts),
                )
            },
            routes_checked=routes_checked,
            rules_checked=len(self.plan.security_rules),
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

    def check_blocks(self, vpc: VpcPlan, found: VpcSnapshot) -> None:
        planned = [_normal(c) for c in vpc.cidrs]
        if vpc.ipv6_cidrs:
            planned += [_normal(c) for c in vpc.ipv6_cidrs]
        elif vpc.ipv6 and not found.ipv6_cidrs:
            self.add(
                DifferenceKind.VPC_BLOCK_MISSING,
                f"{vpc.name} IPv6",
                f"{vpc.name!r} ({found.id}) has no IPv6 block: peers cannot route IPv6 to it; "
                "`peerstack refresh`, then `peerstack up` assign one again",
                expected="an Amazon-provided IPv6 block",
                actual="none",
            )
        actual = list(found.cidrs)
        if vpc.ipv6_cidrs or not vpc.ipv6:  # an Amazon-provided block is any block
            actual += found.ipv6_cidrs
        for cidr in planned:
            if cidr in actual:
                continue
            if vpc.managed:
                message = (
                    f"{cidr} is no longer associated with {vpc.name!r} ({found.id}): its "
                    "subnets are gone and peers' routes to it lead nowhere; `peerstack "
                    "refresh`, then `peerstack up` associate it again"
                )
            else:
                message = (
                    f"{vpc.name!r} ({found.id}) no longer has {cidr}, which the topology "
                    f"lists: peers route to it in vain; remove it from vpcs.{vpc.name}.existing"
                )
            self.add(
                DifferenceKind.VPC_BLOCK_MISSING,
                f"{vpc.name} {cidr}",
                message,
                expected="associated",
                actual="missing",
            )
        for cidr in actual:
            if cidr in planned:
                continue
            if vpc.managed:
                where = "secondary_cidrs" if ":" not in cidr else "ipv6: true"
                message = (
                    f"{cidr} was associated with {vpc.name!r} ({found.id}) outside peerstack, "
                    f"and peers do not route to it: disassociate it, or add it to the "
                    f"topology (vpcs.{vpc.name}: {where})"
                )
            else:
                message = (
                    f"{vpc.name!r} ({found.id}) also has {cidr}, which the topology does not "
                    f"list, so peers do not route to it: add it under vpcs.{vpc.name}.existing"
                )
            self.add(
                DifferenceKind.VPC_BLOCK_UNEXPECTED,
                f"{vpc.name} {cidr}",
                message,
                expected="not associated",
                actual="associated",
            )

    def check_subnets(self, vpc: VpcPlan, found: VpcSnapshot) -> None:
        """Each planned subnet exists and uses its table; no other subnet is there."""
        subnets = {s.cidr: s for s in self.snapshot.subnets_of(found.id)}
        tables = self.snapshot.tables_of(found.id)
        main = next((t.id for t in tables if t.main), None)
        explicit = {subnet: t.id for t in tables for subnet in t.subnet_ids}
        names = self.table_names(vpc)
        planned = set()
        for subnet in vpc.subnets:
            cidr = _normal(subnet.cidr)
            planned.add(cidr)
            subject = f"{vpc.name}.{subnet.name}"
            subnet_found = subnets.get(cidr)
            if subnet_found is None:
                self.add(
                    DifferenceKind.SUBNET_MISSING,
                    subject,
                    f"subnet {subnet.name!r} ({cidr}) of {vpc.name!r} is gone: `peerstack "
                    "refresh`, then `peerstack up` create it again",
                    expected=cidr,
                    actual="missing",
                )
                continue
            self.check_subnet_ipv6(vpc, found, subnet, subnet_found)
            used = explicit.get(subnet_found.id, main)
            wanted = self.tables_of(vpc, subnet.route_table)
            wanted_id = wanted[0][1] if wanted else None
            if used == wanted_id:
                continue
            used_name = names.get(used, used) if used else "no table"
            actual = f"{used_name} ({used})" if used else used_name
            if subnet.route_table == MAIN:
                fix = f"disassociate it from {used_name!r} so that it uses the main table"
            else:
                fix = (
                    f"associate it with {subnet.route_table!r} again (`peerstack refresh`, "
                    "then `peerstack up`)"
                )
            self.add(
                DifferenceKind.SUBNET_ROUTE_TABLE,
                subject,
                f"subnet {subnet.name!r} of {vpc.name!r} uses route table {actual}, not "
                f"{subnet.route_table!r}, so it reaches what that table routes: {fix}",
                expected=f"{subnet.route_table} ({wanted_id or 'missing'})",
                actual=actual,
            )
        for cidr, subnet_found in subnets.items():
            if cidr not in planned:
                self.add(
                    DifferenceKind.SUBNET_UNEXPECTED,
                    f"{vpc.name}.{subnet_found.id}",
                    f"subnet {subnet_found.id} ({cidr}) of {vpc.name!r} is not in the "
                    "topology, and reaches whatever its route table routes: delete it, or "
                    f"add it to vpcs.{vpc.name}.subnets",
                    expected="no subnet",
                    actual=cidr,
                )

    def check_subnet_ipv6(
        self, vpc: VpcPlan, found: VpcSnapshot, subnet: SubnetPlan, subnet_found: SubnetSnapshot
    ) -> None:
        """The subnet has the /64 of its VPC's block that its ``ipv6_index`` gives, or none
        without one."""
        if subnet.ipv6_index is None:
            wanted: tuple[str, ...] = ()
        elif found.ipv6_cidrs:
            wanted = (subnet_ipv6_block(found.ipv6_cidrs[0], subnet.ipv6_index),)
        else:
            return  # the VPC's missing block is reported; its subnets follow from it
        actual = tuple(subnet_found.ipv6_cidrs)
        if actual == wanted:
            return
        subject = f"{vpc.name}.{subnet.name} IPv6"
        shown = ", ".join(actual) or "none"
        if not wanted:
            message = (
                f"subnet {subnet.name!r} of {vpc.name!r} ({subnet_found.id}) has the IPv6 "
                f"block {shown}, which the plan does not give it, so it is reached over IPv6 "
                f"wherever routes allow: disassociate it, or give the subnet `ipv6_index`"
            )
        else:
            message = (
                f"subnet {subnet.name!r} of {vpc.name!r} ({subnet_found.id}) has "
                f"{'no IPv6 block' if not actual else f'the IPv6 block {shown}'}, not {wanted[0]} "
                f"(ipv6_index {subnet.ipv6_index}), so peers' IPv6 routes to it miss: "
                "`peerstack refresh`, then `peerstack up` associate it again"
            )
        self.add(
            DifferenceKind.SUBNET_IPV6,
            subject,
            message,
            expected=", ".join(wanted) or "none",
            actual=shown,
        )

    # -- links -----------------------------------------------------------------------

    def connection_for(self, link: LinkPlan) -> PeeringSnapshot | None:
        known = self.ids.peering_connection_ids.get(link.name) or link.existing_id
        if known:
            return self.snapshot.peering(known)
        tags = {TOPOLOGY_TAG: self.plan.topology, LINK_TAG: link.name}
        match = [c for c in self.snapshot.peerings if has_tags(c.tags, tags)]
        if not match:
            match = [c for c in self.snapshot.peerings if self.joins(c, link)]
        # Which connection stands for a link when several carry its tag or join its VPCs.
        return min(match, key=lambda c: status_rank(c.status)) if match else None

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
        if connection.status != PeeringStatus.ACTIVE:
            self.add(
                DifferenceKind.LINK_NOT_ACTIVE,
                link.name,
                f"{connection.id} is {connection.status!r}: no traffic crosses it",
                expected=PeeringStatus.ACTIVE,
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

    def check_accept(self, accept: AcceptPlan) -> LinkStatus:
        """An accepted request from outside: it exists, joins our VPC as the accepter, is
        active, and our side's DNS option is as planned. The peer's side is not ours to
        check (its VPC, its routes, its options)."""
        connection = self.snapshot.peering(accept.peering_id)
        if connection is None:
            self.add(
                DifferenceKind.LINK_MISSING,
                accept.name,
                f"the request {accept.peering_id} from {accept.peer.name!r} to "
                f"{accept.vpc!r} was not found: ask {accept.peer.name!r} for the id of its "
                "current request",
                expected=accept.peering_id,
                actual="missing",
            )
            return LinkStatus(accept.name, None, "missing")
        self.connections[accept.name] = connection
        own = self.vpcs.get(accept.vpc)
        if own is not None and connection.accepter.vpc_id != own.id:
            self.add(
                DifferenceKind.LINK_WRONG_VPCS,
                accept.name,
                f"{connection.id} does not request a connection to {accept.vpc!r} ({own.id}): "
                f"it joins {connection.requester.vpc_id} (account "
                f"{connection.requester.account_id or '?'}) to {connection.accepter.vpc_id}; "
                f"check the id {accept.name!r} accepts",
                expected=f"{accept.peer.account_id} -> {own.id}",
                actual=f"{connection.requester.vpc_id} -> {connection.accepter.vpc_id}",
            )
        if connection.status != PeeringStatus.ACTIVE:
            self.add(
                DifferenceKind.LINK_NOT_ACTIVE,
                accept.name,
                f"{connection.id} is {connection.status!r}: no traffic crosses it",
                expected=PeeringStatus.ACTIVE,
                actual=connection.status,
            )
        elif connection.accepter.dns_resolution != accept.dns_resolution:
            self.add(
                DifferenceKind.DNS_OPTION,
                f"{accept.name} (accepter)",
                f"remote DNS resolution is {_on(connection.accepter.dns_resolution)} on our "
                f"(accepter) side of {connection.id}; the plan has it "
                f"{_on(accept.dns_resolution)}",
                expected=_on(accept.dns_resolution),
                actual=_on(connection.accepter.dns_resolution),
            )
        return LinkStatus(accept.name, connection.id, connection.status)

    def check_other_peerings(self) -> None:
        """Connections that stand for no link but touch a planned VPC: they carry traffic
        the plan does not know about (or will, once accepted)."""
        claimed = {c.id for c in self.connections.values()}
        by_id = {found.id: name for name, found in self.vpcs.items()}
        links = {frozenset((k.requester, k.accepter)): k.name for k in self.plan.links}
        for connection in sorted(self.snapshot.peerings, key=lambda c: c.id):
            if connection.id in claimed or connection.ended:
                continue
            sides = (connection.requester, connection.accepter)
            names = [by_id.get(side.vpc_id) for side in sides]
            if not any(names):
                continue
            shown = f"{connection.id} ({connection.status})"
            subject = " -- ".join(n or side.vpc_id for n, side in zip(names, sides, strict=True))
            left, right = names
            if left is not None and right is not None:
                link = links.get(frozenset((left, right)))
                if link is not None:
                    own = self.connections.get(link)
                    message = (
                        f"{shown} joins {left!r} and {right!r} besides "
                        f"{own.id if own else 'the missing connection'} of their link "
                        f"{link!r}: delete it"
                    )
                else:
                    message = (
                        f"{shown} joins {left!r} and {right!r}, which the plan does not peer: "
                        "traffic crosses it wherever routes allow; delete it, or declare the "
                        "link in the topology"
                    )
            else:
                known = left or right
                other = connection.accepter if left else connection.requester
                message = (
                    f"{shown} joins {known!r} with {other.vpc_id} (account "
                    f"{other.account_id or '?'}, {other.region or '?'}), which is not in the "
                    "topology: delete it, or adopt that VPC (`existing:`) and declare the link"
                )
            self.add(
                DifferenceKind.PEERING_UNEXPECTED,
                subject,
                message,
                expected="no connection",
                actual=shown,
            )

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
        planned_in: dict[str, list[tuple[str, RoutePlan]]] = {}
        """table id -> (destination, route) of the plan"""
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
                    planned_in.setdefault(table_id, []).append((destination, route))
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
            elif (
                found_route.blackhole
                or connection is None
                or connection.status != PeeringStatus.ACTIVE
            ):
                status = connection.status if connection is not None else "gone"
                self.add(
                    DifferenceKind.ROUTE_BLACKHOLE,
                    subject,
                    f"the route to {key[1]} in {where} is a blackhole: {pcx_id} is {status}",
                    expected=PeeringStatus.ACTIVE,
                    actual="blackhole",
                )
        for key, found_route in observed.items():
            if key in expected:
                continue
            via = found_route.target
            subject = f"{where_of[key[0]]} -> {key[1]}"
            if via in ours or self.snapshot.peering(via) is not None:
                over = (
                    f"{ours[via]} ({via})"
                    if via in ours
                    else f"{via}, a connection the plan does not have"
                )
                self.add(
                    DifferenceKind.ROUTE_UNEXPECTED,
                    subject,
                    f"a route the plan does not have goes over {over}: delete it",
                    expected="no route",
                    actual=f"via {via}",
                )
            elif via != "local":
                self.check_shadow(subject, found_route, planned_in.get(key[0], []))
        return len(expected)

    def check_shadow(
        self, subject: str, route: RouteSnapshot, planned: list[tuple[str, RoutePlan]]
    ) -> None:
        """A route to something else that takes part of a planned destination."""
        network = aws_network(route.destination)
        for destination, hidden in planned:
            if more_specific(network, aws_network(destination)):
                self.add(
                    DifferenceKind.ROUTE_SHADOWED,
                    subject,
                    f"{route.destination} via {route.target} is more specific than the "
                    f"planned route to {destination} over {hidden.link}: longest prefix sends "
                    f"those addresses to {route.target}, not to {hidden.peer!r}; delete it, or "
                    "leave those addresses out of the topology's routes",
                    expected="no route",
                    actual=f"via {route.target}",
                )
                return

    def destinations(self, route: RoutePlan) -> list[str]:
        if route.ipv6_of is None:
            return [str(aws_network(route.destination))]
        peer = self.vpcs.get(route.ipv6_of)
        if peer is None:
            return []
        if route.ipv6_index is not None:  # a subnet's /64 of the peer's (one) block
            return [route.deferred_block(b) for b in peer.ipv6_cidrs[:1]]
        return list(peer.ipv6_cidrs)

    # -- security groups and their rules ---------------------------------------------

    def created_group_id(self, vpc: str, group: str) -> str | None:
        """The id of the group ``group`` peerstack created in ``vpc``, as found (by its
        tags, in the VPC found for ``vpc``); None when it is not there."""
        found_vpc = self.vpcs.get(vpc)
        if found_vpc is None:
            return None
        for candidate in self.snapshot.security_groups:
            if (
                candidate.vpc_id == found_vpc.id
                and candidate.tags.get(GROUP_TAG) == group
                and candidate.tags.get(VPC_TAG) == vpc
            ):
                return candidate.id
        return None

    def check_security_groups(self) -> None:
        """Each group the plan creates is in its VPC."""
        for group in self.plan.security_groups:
            found_vpc = self.vpcs.get(group.vpc)
            if found_vpc is None:
                continue  # reported as a missing VPC
            if self.created_group_id(group.vpc, group.name) is None:
                self.add(
                    DifferenceKind.SECURITY_GROUP_MISSING,
                    f"{group.vpc}/{group.name}",
                    f"security group {group.name!r} ({group.group_name}) is not in "
                    f"{group.vpc!r} ({found_vpc.id}): it was deleted outside peerstack, and "
                    "its rules with it; `peerstack refresh`, then `peerstack up` create it again",
                    expected=group.group_name,
                    actual="missing",
                )

    # -- security group rules --------------------------------------------------------

    def check_security_rules(self) -> None:
        """Each planned rule is in its group; peerstack's rules (by tag) are all planned.

        A rule is found by what it allows (protocol, ports, source); one tagged with the
        planned rule's key that allows something else has been changed. The groups' other
        rules are not peerstack's and are never reported.
        """
        planned_keys = {rule.key for rule in self.plan.security_rules}
        matched: set[str] = set()
        for rule in self.plan.security_rules:
            if rule.vpc not in self.vpcs:
                continue  # reported as a missing VPC
            group_id = rule.group_id
            if group_id is None:
                group_id = self.created_group_id(rule.vpc, rule.group)
                if group_id is None:
                    continue  # reported as a missing group
            if rule.references_created_group and rule.peer_group is not None:
                if self.created_group_id(rule.peer, rule.peer_group) is None:
                    continue  # reported as a missing group (or VPC)
            found = self.snapshot.rules_of(group_id)
            wanted = self.rule_shapes(rule)
            subject = f"{rule.vpc}/{rule.group} <- {rule.source} {rule.protocol_name} {rule.ports}"
            if not wanted:
                self.add(
                    DifferenceKind.SECURITY_RULE_MISSING,
                    subject,
                    f"{rule.ipv6_of!r} has no IPv6 block for {rule.group!r} of {rule.vpc!r} to "
                    "allow",
                    expected="an IPv6 block",
                    actual="none",
                )
                continue
            hits = [r for r in found if _shape(r) in wanted and r.id not in matched]
            if hits:
                matched.add(hits[0].id)
                continue
            ours = [
                r
                for r in found
                if r.tags.get(RULE_TAG) == rule.key
                and r.tags.get(TOPOLOGY_TAG) == self.plan.topology
                and r.id not in matched
            ]
            expected = _describe(rule.protocol, rule.from_port, rule.to_port, rule.source)
            if ours:
                changed = ours[0]
                matched.add(changed.id)
                self.add(
                    DifferenceKind.SECURITY_RULE_CHANGED,
                    subject,
                    f"rule {changed.id} of {rule.group!r} ({group_id}) in {rule.vpc!r} was "
                    f"changed outside peerstack: it allows {_describe_found(changed)}, the plan "
                    f"{expected}; `peerstack refresh`, then `peerstack up` set it back",
                    expected=expected,
                    actual=_describe_found(changed),
                )
                continue
            self.add(
                DifferenceKind.SECURITY_RULE_MISSING,
                subject,
                f"{rule.group!r} ({group_id}) of {rule.vpc!r} has no rule that allows "
                f"{expected} over {rule.link!r}: that traffic is refused; `peerstack refresh`, "
                "then `peerstack up` add it again",
                expected=expected,
                actual="missing",
            )
        for found_rule in sorted(self.snapshot.security_rules, key=lambda r: r.id):
            key = found_rule.tags.get(RULE_TAG)
            if (
                found_rule.id in matched
                or key is None
                or key in planned_keys
                or found_rule.tags.get(TOPOLOGY_TAG) != self.plan.topology
            ):
                continue
            self.add(
                DifferenceKind.SECURITY_RULE_UNEXPECTED,
                f"{found_rule.group_id} {found_rule.id}",
                f"rule {found_rule.id} of {found_rule.group_id} is tagged as this topology's "
                f"({key}) but the plan has no such rule; it allows "
                f"{_describe_found(found_rule)}: revoke it, or add its `allow` entry back",
                expected="no rule",
                actual=_describe_found(found_rule),
            )

    def rule_shapes(self, rule: SecurityRulePlan) -> set[tuple[str, int, int, str]]:
        """What a planned rule looks like in AWS: (protocol, from, to, source); a deferred
        IPv6 source is any block of the peer as found."""
        protocol = rule.protocol
        low = -1 if rule.from_port is None else rule.from_port
        high = -1 if rule.to_port is None else rule.to_port
        if rule.peer_group is not None:
            owner = self.plan.vpc(rule.peer).account_id
            if rule.referenced_group_id is not None:
                prefix, _, group = rule.referenced_group_id.rpartition("/")
                owner = prefix or owner
            else:
                found = self.created_group_id(rule.peer, rule.peer_group)
                if found is None:
                    return set()
                group = found
            return {(protocol, low, high, f"{owner}/{group}")}
        assert rule.cidr is not None  # one of the two is set
        if rule.ipv6_of is None:
            return {(protocol, low, high, _normal(rule.cidr))}
        peer = self.vpcs.get(rule.ipv6_of)
        blocks = peer.ipv6_cidrs if peer is not None else ()
        return {(protocol, low, high, block) for block in blocks}

    # -- reachability ----------------------------------------------------------------

    def reachability(self) -> Reachability:
        """Reachability of what AWS holds, by the model the plan used."""
        by_id = {found.id: name for name, found in self.vpcs.items()}
        link_of = {c.id: link for link, c in self.connections.items()}
        active = {c.id: c for c in self.snapshot.peerings if c.status == PeeringStatus.ACTIVE}
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
        # Outside peers: assumed to route our VPC's blocks back over an active connection.
        back: dict[str, list[tuple[str, tuple[Network, ...]]]] = {}
        outside: dict[str, tuple[Network, ...]] = {}
        for accept in self.plan.accepts:
            connection = self.connections.get(accept.name)
            own = self.vpcs.get(accept.vpc)
            if connection is None or connection.id not in active or own is None:
                continue
            if connection.accepter.vpc_id != own.id:
                continue
            blocks = tuple(aws_network(c) for c in (*own.cidrs, *own.ipv6_cidrs))
            back.setdefault(accept.peer.name, []).append((accept.name, blocks))
            outside[accept.peer.name] = tuple(
                aws_network(c) for c in (*accept.peer.cidrs, *accept.peer.ipv6_cidrs)
            )
            links.append(Link(accept.name, (accept.peer.name, accept.vpc)))
        models.extend(external_model(name, outside[name], back[name]) for name in outside)
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

    def check_subnet_reachability(self, found: Reachability) -> None:
        """Subnet pairs that differ while their VPCs agree (else the VPCs' difference says
        it); only subnets both the plan and AWS have are compared."""
        planned = self.plan.subnet_reachability
        order = [e for e in planned if e in found.endpoints]
        both = set(order)
        seen: set[frozenset[str]] = set()
        for endpoint in order:
            wanted = set(planned[endpoint]) & both
            actual = set(found.endpoints[endpoint]) & both
            for other in sorted(wanted ^ actual, key=order.index):
                pair = frozenset((endpoint, other))
                if pair in seen:
                    continue
                seen.add(pair)
                a, b = _vpc_of(endpoint), _vpc_of(other)
                if (b in self.plan.reachability.get(a, ())) != (b in found.vpcs.get(a, ())):
                    continue
                if other in wanted:
                    self.add(
                        DifferenceKind.SUBNET_REACHABILITY,
                        f"{endpoint} <-> {other}",
                        f"{endpoint!r} and {other!r} should reach each other, but their "
                        f"route tables do not route both ways over the link of {a!r} and {b!r}",
                        expected="reachable",
                        actual="unreachable",
                    )
                else:
                    self.add(
                        DifferenceKind.SUBNET_REACHABILITY,
                        f"{endpoint} <-> {other}",
                        f"{endpoint!r} and {other!r} reach each other, which the plan does not "
                        "have",
                        expected="unreachable",
                        actual="reachable",
                    )


def _vpc_of(endpoint: str) -> str:
    return endpoint.partition(".")[0]


def _normal(cidr: str) -> str:
    return str(aws_network(cidr))


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


def _on(value: bool) -> str:
    return "on" if value else "off"


def _shape(rule: SecurityRuleSnapshot) -> tuple[str, int, int, str]:
    if rule.referenced_group_id is not None:
        source = f"{rule.referenced_account_id}/{rule.referenced_group_id}"
    else:
        source = rule.cidr or ""
    return (rule.protocol, rule.from_port, rule.to_port, source)


def _describe(protocol: str, low: int | None, high: int | None, source: str) -> str:
    name = "all traffic" if protocol == "-1" else protocol
    if low is None or low == -1:
        ports = ""
    elif low == high:
        ports = f" {low}"
    else:
        ports = f" {low}-{high}"
    return f"{name}{ports} from {source}"


def _describe_found(rule: SecurityRuleSnapshot) -> str:
    source = _shape(rule)[3]
    return _describe(rule.protocol, rule.from_port, rule.to_port, source)
