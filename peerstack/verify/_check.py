"""Read what AWS has for a plan and compare it with the plan, difference by difference.

Reads are batched: per account and region, one paginated describe of the VPCs, one of
their route tables and one of the peering connections, plus the DNS attributes of the
VPCs whose links resolve remote DNS. Filters narrow what AWS returns, and every result is
matched again here, so an AWS (or an emulation) that ignores a filter reads the same.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from peerstack._components.outputs import StackOutputs
from peerstack.errors import CredentialsError
from peerstack.plan.model import DISCOVERED, MAIN, LinkPlan, Plan, RoutePlan, VpcPlan
from peerstack.verify._result import Difference, DifferenceKind, LinkStatus, VerifyResult
from peerstack.verify._sessions import SessionFactory, is_auth_error

if TYPE_CHECKING:
    from peerstack.automation import Outputs

__all__ = ["verify"]

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_CHUNK = 200  # AWS accepts at most 200 values per filter
# Which connection stands for a link when several carry its tag or join its VPCs.
# Deleted ones come last: a link whose connection was deleted and requested again is the
# new request, whatever became of it.
_STATUS_RANK = {
    "active": 0,
    "pending-acceptance": 1,
    "provisioning": 2,
    "initiating-request": 3,
    "deleting": 5,
    "deleted": 6,
}


def verify(
    plan: Plan,
    *,
    sessions: SessionFactory | None = None,
    outputs: Mapping[str, Any] | Outputs | StackOutputs | None = None,
) -> VerifyResult:
    """Read AWS and compare it with ``plan``; every difference is in the result.

    :param sessions: boto3 sessions per account and region; default :class:`AwsSessions`
        (real AWS). An emulation passes its own (``emulation.session``).
    :param outputs: the deployment's stack outputs (``vpc_ids``, ``route_table_ids``,
        ``peering_connection_ids``); without them resources are found by their tags.

    Checked: each link's connection exists between the planned VPCs and is ``active``;
    remote DNS resolution is as planned on both sides (and the VPCs have DNS support and
    hostnames); every planned route is in its table, through its link's connection, and
    not a blackhole; no other route goes through peerstack's connections; and the
    VPC-level reachability recomputed from the route tables (longest prefix wins) equals
    the plan's.
    """
    if sessions is None:
        from peerstack.verify._sessions import AwsSessions

        sessions = AwsSessions()
    ids = StackOutputs.parse(outputs)
    return _Verifier(plan, sessions, ids).run()


@dataclass
class _Vpc:
    id: str
    cidrs: list[_Network]
    tables: list[dict[str, Any]] = field(default_factory=list)


class _Verifier:
    def __init__(self, plan: Plan, sessions: SessionFactory, ids: StackOutputs) -> None:
        self.plan = plan
        self.sessions = sessions
        self.ids = ids
        self.diffs: list[Difference] = []
        self.clients: dict[tuple[str, str], Any] = {}
        self.vpcs: dict[str, _Vpc] = {}
        self.connections: dict[str, dict[str, Any]] = {}
        """Link name -> the connection found for it."""

    # -- reading -----------------------------------------------------------------------

    def ec2(self, account: str, region: str) -> Any:
        key = (account, region)
        client = self.clients.get(key)
        if client is None:
            session: Any = self.sessions(self.plan.account(account), region)
            client = session.client("ec2")
            self.clients[key] = client
        return client

    def describe(
        self, account: str, region: str, operation: str, key: str, **kwargs: Any
    ) -> list[Any]:
        from botocore.exceptions import ClientError

        client = self.ec2(account, region)
        items: list[Any] = []
        try:
            for page in client.get_paginator(operation).paginate(**kwargs):
                items.extend(page.get(key, []))
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if is_auth_error(code):
                raise CredentialsError(
                    f"cannot read {key} in account {account!r}, {region}: {code}",
                    hint="verify needs ec2:Describe* in every account of the topology",
                ) from exc
            raise
        return items

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
        by_place: dict[tuple[str, str], list[VpcPlan]] = defaultdict(list)
        for vpc in self.plan.vpcs:
            by_place[(vpc.account, vpc.region)].append(vpc)
        for (account, region), vpcs in by_place.items():
            self.read_vpcs(account, region, vpcs)
        for vpc in self.plan.vpcs:
            if vpc.name not in self.vpcs:
                self.add(
                    DifferenceKind.VPC_MISSING,
                    vpc.name,
                    f"VPC {vpc.name!r} was not found in account {vpc.account_id}, {vpc.region}",
                    expected=self.ids.vpc_ids.get(vpc.name) or vpc.vpc_id or "tagged peerstack:vpc",
                    actual="missing",
                )
        for vpc in self.plan.vpcs:
            if vpc.managed and vpc.dns_hostnames and vpc.name in self.vpcs:
                self.check_dns_attributes(vpc)
        links_by_place: dict[tuple[str, str], list[LinkPlan]] = defaultdict(list)
        for link in self.plan.links:
            requester = self.plan.vpc(link.requester)
            links_by_place[(requester.account, link.requester_region)].append(link)
        statuses = []
        for (account, region), links in links_by_place.items():
            self.read_connections(account, region, links)
        for link in self.plan.links:
            statuses.append(self.check_link(link))
        routes_checked = self.check_routes()
        reachability = self.reachability()
        self.check_reachability(reachability)
        return VerifyResult(
            topology=self.plan.topology,
            differences=tuple(self.diffs),
            links=tuple(statuses),
            reachability=reachability,
            routes_checked=routes_checked,
        )

    def read_vpcs(self, account: str, region: str, vpcs: list[VpcPlan]) -> None:
        known = {v.name: self.ids.vpc_ids.get(v.name) or v.vpc_id for v in vpcs}
        found: list[dict[str, Any]] = []
        wanted_ids = [i for i in known.values() if i]
        for chunk in _chunks(wanted_ids):
            found += self.describe(
                account,
                region,
                "describe_vpcs",
                "Vpcs",
                Filters=[{"Name": "vpc-id", "Values": chunk}],
            )
        by_tag = [name for name, vpc_id in known.items() if not vpc_id]
        for chunk in _chunks(by_tag):
            found += self.describe(
                account,
                region,
                "describe_vpcs",
                "Vpcs",
                Filters=[
                    {"Name": "tag:peerstack:topology", "Values": [self.plan.topology]},
                    {"Name": "tag:peerstack:vpc", "Values": chunk},
                ],
            )
        for vpc in vpcs:
            vpc_id = known[vpc.name]
            if vpc_id:
                match = [v for v in found if v["VpcId"] == vpc_id]
            else:
                tags = {"peerstack:topology": self.plan.topology, "peerstack:vpc": vpc.name}
                match = [v for v in found if _has_tags(v, tags)]
            if len(match) == 1:
                self.vpcs[vpc.name] = _Vpc(match[0]["VpcId"], _vpc_cidrs(match[0]))
            elif len(match) > 1:
                self.add(
                    DifferenceKind.VPC_MISSING,
                    vpc.name,
                    f"{len(match)} VPCs are tagged as {vpc.name!r}; verify cannot tell "
                    "which is peerstack's (give the stack's outputs)",
                    expected="one VPC",
                    actual=", ".join(v["VpcId"] for v in match),
                )
        vpc_ids = [v.id for name, v in self.vpcs.items() if name in known]
        tables: list[dict[str, Any]] = []
        for chunk in _chunks(vpc_ids):
            tables += self.describe(
                account,
                region,
                "describe_route_tables",
                "RouteTables",
                Filters=[{"Name": "vpc-id", "Values": chunk}],
            )
        by_vpc: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for table in tables:
            by_vpc[table.get("VpcId", "")].append(table)
        for name in known:
            if name in self.vpcs:
                self.vpcs[name].tables = by_vpc[self.vpcs[name].id]

    def read_connections(self, account: str, region: str, links: list[LinkPlan]) -> None:
        ids = [self.ids.peering_connection_ids.get(link.name) for link in links]
        found: list[dict[str, Any]] = []
        if all(ids):
            for chunk in _chunks([i for i in ids if i]):
                found += self.describe(
                    account,
                    region,
                    "describe_vpc_peering_connections",
                    "VpcPeeringConnections",
                    Filters=[{"Name": "vpc-peering-connection-id", "Values": chunk}],
                )
        else:
            requesters = sorted(
                {self.vpcs[link.requester].id for link in links if link.requester in self.vpcs}
            )
            for chunk in _chunks(requesters):
                found += self.describe(
                    account,
                    region,
                    "describe_vpc_peering_connections",
                    "VpcPeeringConnections",
                    Filters=[{"Name": "requester-vpc-info.vpc-id", "Values": chunk}],
                )
        for link, known in zip(links, ids, strict=True):
            if known:
                match = [c for c in found if c["VpcPeeringConnectionId"] == known]
            else:
                tags = {"peerstack:topology": self.plan.topology, "peerstack:link": link.name}
                match = [c for c in found if _has_tags(c, tags)]
                if not match:
                    match = [c for c in found if self.joins(c, link)]
            if match:
                self.connections[link.name] = min(match, key=_status_rank)

    def joins(self, connection: dict[str, Any], link: LinkPlan) -> bool:
        requester = self.vpcs.get(link.requester)
        accepter = self.vpcs.get(link.accepter)
        return (
            requester is not None
            and accepter is not None
            and connection.get("RequesterVpcInfo", {}).get("VpcId") == requester.id
            and connection.get("AccepterVpcInfo", {}).get("VpcId") == accepter.id
        )

    # -- checks ------------------------------------------------------------------------

    def check_dns_attributes(self, vpc: VpcPlan) -> None:
        client = self.ec2(vpc.account, vpc.region)
        vpc_id = self.vpcs[vpc.name].id
        for attribute, key in (
            ("enableDnsSupport", "EnableDnsSupport"),
            ("enableDnsHostnames", "EnableDnsHostnames"),
        ):
            value = client.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)
            if not value.get(key, {}).get("Value"):
                self.add(
                    DifferenceKind.DNS_ATTRIBUTE,
                    f"{vpc.name} {attribute}",
                    f"{attribute} is off on {vpc.name!r} ({vpc_id}): remote DNS "
                    "resolution over its links needs DNS support and hostnames",
                    expected="true",
                    actual="false",
                )

    def check_link(self, link: LinkPlan) -> LinkStatus:
        connection = self.connections.get(link.name)
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
        pcx_id = connection["VpcPeeringConnectionId"]
        status = connection.get("Status", {}).get("Code", "unknown")
        if not self.joins(connection, link):
            found = (
                f"{connection.get('RequesterVpcInfo', {}).get('VpcId')} -> "
                f"{connection.get('AccepterVpcInfo', {}).get('VpcId')}"
            )
            wanted = " -> ".join(
                self.vpcs[v].id if v in self.vpcs else v for v in (link.requester, link.accepter)
            )
            self.add(
                DifferenceKind.LINK_WRONG_VPCS,
                link.name,
                f"{pcx_id} does not join {link.requester} (requester) and {link.accepter} "
                "(accepter)",
                expected=wanted,
                actual=found,
            )
        if status != "active":
            self.add(
                DifferenceKind.LINK_NOT_ACTIVE,
                link.name,
                f"{pcx_id} is {status!r}: no traffic crosses it",
                expected="active",
                actual=status,
            )
        else:
            for side, info in (("requester", "RequesterVpcInfo"), ("accepter", "AccepterVpcInfo")):
                options = connection.get(info, {}).get("PeeringOptions") or {}
                actual = bool(options.get("AllowDnsResolutionFromRemoteVpc"))
                if actual != link.dns_resolution:
                    self.add(
                        DifferenceKind.DNS_OPTION,
                        f"{link.name} ({side})",
                        f"remote DNS resolution is {_on(actual)} on the {side} side of "
                        f"{pcx_id}; the plan has it {_on(link.dns_resolution)}",
                        expected=_on(link.dns_resolution),
                        actual=_on(actual),
                    )
        return LinkStatus(link.name, pcx_id, status)

    def tables_of(self, vpc: VpcPlan, table: str) -> list[tuple[str, str]] | None:
        """``(name, id)`` of the tables a plan route names; None when one is missing."""
        found = self.vpcs[vpc.name]
        if table == DISCOVERED:
            return [(t["RouteTableId"], t["RouteTableId"]) for t in found.tables]
        if table == MAIN:
            ids = [
                t["RouteTableId"]
                for t in found.tables
                if any(a.get("Main") for a in t.get("Associations", []))
            ]
        else:
            wanted = self.ids.route_table_ids.get(vpc.name, {}).get(
                table
            ) or vpc.route_table_ids.get(table)
            if wanted:
                ids = [t["RouteTableId"] for t in found.tables if t["RouteTableId"] == wanted]
            else:
                tags = {"peerstack:vpc": vpc.name, "peerstack:route-table": table}
                ids = [t["RouteTableId"] for t in found.tables if _has_tags(t, tags)]
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
        pcx_ids = {link: c["VpcPeeringConnectionId"] for link, c in self.connections.items()}
        ours = {pcx: link for link, pcx in pcx_ids.items()}
        ours.update({pcx: link for link, pcx in self.ids.peering_connection_ids.items()})
        status = {
            c["VpcPeeringConnectionId"]: c.get("Status", {}).get("Code")
            for c in self.connections.values()
        }
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
                for destination in self.destinations(route):
                    expected[(table_id, destination)] = (
                        where,
                        route.link,
                        pcx_ids.get(route.link, ""),
                    )
                if route.deferred and not self.destinations(route):
                    self.add(
                        DifferenceKind.ROUTE_MISSING,
                        f"{where} -> {route.destination}",
                        f"{route.ipv6_of!r} has no IPv6 block to route to",
                        expected="an IPv6 block",
                        actual="none",
                    )
        observed: dict[tuple[str, str], dict[str, Any]] = {}
        where_of: dict[str, str] = {}
        for name, vpc_found in self.vpcs.items():
            names = self.table_names(self.plan.vpc(name))
            for table in vpc_found.tables:
                table_id = table["RouteTableId"]
                where_of[table_id] = f"{name}/{names.get(table_id, table_id)}"
                for route_found in table.get("Routes", []):
                    cidr = _destination(route_found)
                    if cidr is not None:
                        observed[(table_id, cidr)] = route_found
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
            target = _target(found_route)
            if target != pcx_id:
                other = f"{target} ({ours[target]})" if target in ours else target
                self.add(
                    DifferenceKind.ROUTE_WRONG_TARGET,
                    subject,
                    f"the route to {key[1]} in {where} does not go over {link}",
                    expected=f"{pcx_id} ({link})",
                    actual=other,
                )
            elif found_route.get("State") == "blackhole" or status.get(target) != "active":
                self.add(
                    DifferenceKind.ROUTE_BLACKHOLE,
                    subject,
                    f"the route to {key[1]} in {where} is a blackhole: {pcx_id} is "
                    f"{status.get(target) or 'gone'}",
                    expected="active",
                    actual="blackhole",
                )
        for key, found_route in observed.items():
            via = found_route.get("VpcPeeringConnectionId")
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
            return [_normal(route.destination)]
        peer = self.vpcs.get(route.ipv6_of)
        if peer is None:
            return []
        return [str(c) for c in peer.cidrs if c.version == 6]

    def reachability(self) -> dict[str, tuple[str, ...]]:
        """Recompute VPC-level reachability from the route tables found."""
        routes_to: set[tuple[str, str]] = set()
        for link in self.plan.links:
            connection = self.connections.get(link.name)
            if connection is None or connection.get("Status", {}).get("Code") != "active":
                continue
            pcx_id = connection["VpcPeeringConnectionId"]
            for own, peer in ((link.requester, link.accepter), (link.accepter, link.requester)):
                if own in self.vpcs and self.routes_over(self.vpcs[own], pcx_id, peer):
                    routes_to.add((own, peer))
        reach: dict[str, list[str]] = {vpc.name: [] for vpc in self.plan.vpcs}
        for own, peer in routes_to:
            if (peer, own) in routes_to:
                reach[own].append(peer)
        return {name: tuple(sorted(peers)) for name, peers in reach.items()}

    def routes_over(self, vpc: _Vpc, pcx_id: str, peer: str) -> bool:
        """Some table of ``vpc`` sends some address of ``peer`` over ``pcx_id``."""
        found = self.vpcs.get(peer)
        peer_cidrs = (
            found.cidrs if found else [ipaddress.ip_network(c) for c in self.plan.vpc(peer).cidrs]
        )
        for table in vpc.tables:
            networks = [(_network(r), r) for r in table.get("Routes", [])]
            for network, route in networks:
                if network is None or route.get("VpcPeeringConnectionId") != pcx_id:
                    continue
                if route.get("State") == "blackhole":
                    continue
                shadows = [n for n, _ in networks if n is not None and _more_specific(n, network)]
                if any(_overlaps(part, peer_cidrs) for part in _minus(network, shadows)):
                    return True
        return False

    def check_reachability(self, found: Mapping[str, tuple[str, ...]]) -> None:
        seen: set[frozenset[str]] = set()
        for vpc in self.plan.vpcs:
            planned = set(self.plan.reachability.get(vpc.name, ()))
            actual = set(found.get(vpc.name, ()))
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


# -- helpers ----------------------------------------------------------------------------


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = list(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _has_tags(resource: Mapping[str, Any], wanted: Mapping[str, str]) -> bool:
    tags = {t.get("Key"): t.get("Value") for t in resource.get("Tags", [])}
    return all(tags.get(k) == v for k, v in wanted.items())


def _status_rank(connection: Mapping[str, Any]) -> int:
    return _STATUS_RANK.get(connection.get("Status", {}).get("Code", ""), 4)


def _vpc_cidrs(vpc: Mapping[str, Any]) -> list[_Network]:
    cidrs: list[_Network] = []
    for association in vpc.get("CidrBlockAssociationSet", []):
        if association.get("CidrBlockState", {}).get("State", "associated") == "associated":
            cidrs.append(ipaddress.ip_network(association["CidrBlock"], strict=False))
    if not cidrs and vpc.get("CidrBlock"):
        cidrs.append(ipaddress.ip_network(vpc["CidrBlock"], strict=False))
    for association in vpc.get("Ipv6CidrBlockAssociationSet", []):
        state = association.get("Ipv6CidrBlockState", {}).get("State", "associated")
        if state == "associated" and association.get("Ipv6CidrBlock"):
            cidrs.append(ipaddress.ip_network(association["Ipv6CidrBlock"], strict=False))
    return cidrs


def _normal(cidr: str) -> str:
    return str(ipaddress.ip_network(cidr, strict=False))


def _destination(route: Mapping[str, Any]) -> str | None:
    cidr = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
    return _normal(cidr) if cidr else None


def _network(route: Mapping[str, Any]) -> _Network | None:
    cidr = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
    return ipaddress.ip_network(cidr, strict=False) if cidr else None


_TARGET_KEYS = (
    "VpcPeeringConnectionId",
    "GatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "EgressOnlyInternetGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
)


def _target(route: Mapping[str, Any]) -> str:
    return next((str(route[k]) for k in _TARGET_KEYS if route.get(k)), "none")


def _more_specific(inner: _Network, outer: _Network) -> bool:
    return (
        inner.version == outer.version
        and inner.prefixlen > outer.prefixlen
        and inner.subnet_of(outer)  # type: ignore[arg-type]
    )


def _minus(network: _Network, shadows: list[_Network]) -> list[_Network]:
    """The parts of ``network`` that no more specific route takes (longest prefix wins)."""
    parts = [network]
    for shadow in shadows:
        rest: list[_Network] = []
        for part in parts:
            if part.version != shadow.version or not part.overlaps(shadow):
                rest.append(part)
            elif shadow.subnet_of(part):  # type: ignore[arg-type]
                rest.extend(part.address_exclude(shadow))  # type: ignore[arg-type]
            # else: the shadow covers the whole part
        parts = rest
    return parts


def _overlaps(network: _Network, cidrs: list[_Network]) -> bool:
    return any(network.version == c.version and network.overlaps(c) for c in cidrs)


def _on(value: bool) -> str:
    return "on" if value else "off"
