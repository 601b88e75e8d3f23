"""Read what AWS has for a plan into a :class:`~peerstack.verify.Snapshot`.

Reads are batched per account and region where the plan has VPCs: the VPCs (by id, else
by peerstack's tags), then every subnet and route table of the VPCs found, and the
peering connections on either side of them (two describes: as requester, as accepter),
plus the DNS attributes of the created VPCs whose links resolve remote DNS, and any
connection the stack's outputs name that those reads did not return. Filters narrow what
AWS returns, and every result is matched again here, so an AWS (or an emulation) that
ignores a filter reads the same.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from peerstack._cidr import aws_network
from peerstack._facts.credentials import UNREACHABLE_HINT
from peerstack.errors import CredentialsError
from peerstack.plan._outputs import OutputsLike, StackOutputs
from peerstack.plan.model import Plan, VpcPlan
from peerstack.verify._aws import ClientFactory, is_auth_error
from peerstack.verify._identify import TOPOLOGY_TAG, VPC_TAG, known_vpc_id, vpc_candidates
from peerstack.verify._snapshot import (
    PeeringSide,
    PeeringSnapshot,
    RouteSnapshot,
    RouteTableSnapshot,
    SecurityGroupSnapshot,
    SecurityRuleSnapshot,
    Snapshot,
    SubnetSnapshot,
    VpcSnapshot,
)

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client


__all__ = ["read_snapshot"]

_CHUNK = 200  # AWS accepts at most 200 values per filter
_GONE = frozenset({"disassociating", "disassociated", "failing", "failed"})
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


def read_snapshot(
    plan: Plan,
    clients: ClientFactory,
    *,
    outputs: OutputsLike = None,
) -> Snapshot:
    """Read, in every account and region of ``plan``, what exists for it.

    :param clients: EC2 clients per account and region (:class:`AwsClients` for AWS).
    :param outputs: the deployment's stack outputs; without them VPCs are found by tags.
    :raises CredentialsError: the credentials of an account may not describe EC2.
    """
    return _Reader(plan, clients, StackOutputs.parse(outputs)).read()


Place = tuple[str, str]
"""(account alias, region)"""


class _Reader:
    def __init__(self, plan: Plan, clients: ClientFactory, ids: StackOutputs) -> None:
        self.plan = plan
        self.clients = clients
        self.ids = ids
        self.ec2s: dict[Place, EC2Client] = {}

    def ec2(self, place: Place) -> EC2Client:
        client = self.ec2s.get(place)
        if client is None:
            client = self.clients(self.plan.account(place[0]), place[1])
            self.ec2s[place] = client
        return client

    def describe(self, place: Place, operation: str, key: str, **kwargs: Any) -> list[Any]:
        client: Any = self.ec2(place)
        items: list[Any] = []
        action = "ec2:" + "".join(part.title() for part in operation.split("_"))
        with self.reporting(place, key, action):
            for page in client.get_paginator(operation).paginate(**kwargs):
                items.extend(page.get(key, []))
        return items

    @contextlib.contextmanager
    def reporting(self, place: Place, what: str, action: str = "") -> Iterator[None]:
        """Credentials that may not read, or an AWS that does not answer: CredentialsError."""
        from botocore.exceptions import ClientError, EndpointConnectionError

        account, region = place
        try:
            yield
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if is_auth_error(code):
                denied = f"not authorized to perform: {action} ({code})" if action else code
                raise CredentialsError(
                    f"cannot read {what} in account {account!r} "
                    f"({self.plan.account(account).id}), {region}: {denied}",
                    hint="verify, and the pre-flight of an adopting preview or up, need "
                    "ec2:Describe* in every account of what they read (`peerstack iam` "
                    "lists the actions)",
                ) from exc
            raise
        except EndpointConnectionError as exc:
            raise CredentialsError(
                f"cannot reach EC2 for account {account!r} in {region}: {exc}",
                hint=UNREACHABLE_HINT,
            ) from exc

    def describe_by(
        self, place: Place, operation: str, key: str, name: str, values: Iterable[str]
    ) -> list[Any]:
        """Describe with one filter, in chunks of values AWS accepts."""
        items: list[Any] = []
        for chunk in _chunks(values):
            items += self.describe(place, operation, key, Filters=[{"Name": name, "Values": chunk}])
        return items

    def read(self) -> Snapshot:
        places: dict[Place, list[VpcPlan]] = defaultdict(list)
        for vpc in self.plan.vpcs:
            places[(vpc.account, vpc.region)].append(vpc)
        vpcs: dict[str, VpcSnapshot] = {}
        in_place: dict[Place, list[str]] = {}
        for place, planned in places.items():
            found = self.read_vpcs(place, planned)
            vpcs.update((v.id, v) for v in found)
            in_place[place] = [v.id for v in found]
        for vpc in self.plan.vpcs:
            if vpc.managed and vpc.dns_hostnames:
                for found_vpc in vpc_candidates(self.plan.topology, vpc, vpcs.values(), self.ids):
                    vpcs[found_vpc.id] = self.read_dns_attributes(
                        (vpc.account, vpc.region), found_vpc
                    )
        subnets: dict[str, SubnetSnapshot] = {}
        tables: dict[str, RouteTableSnapshot] = {}
        peerings: dict[str, PeeringSnapshot] = {}
        for place, vpc_ids in in_place.items():
            wanted = set(vpc_ids)
            for item in self.describe_by(place, "describe_subnets", "Subnets", "vpc-id", vpc_ids):
                if item.get("VpcId") in wanted:
                    subnets[item["SubnetId"]] = _subnet(item)
            for item in self.describe_by(
                place, "describe_route_tables", "RouteTables", "vpc-id", vpc_ids
            ):
                if item.get("VpcId") in wanted:
                    tables[item["RouteTableId"]] = _route_table(item)
            for side in ("requester", "accepter"):
                for item in self.describe_by(
                    place,
                    "describe_vpc_peering_connections",
                    "VpcPeeringConnections",
                    f"{side}-vpc-info.vpc-id",
                    vpc_ids,
                ):
                    connection = _peering(item)
                    if any(connection.joins(v) for v in wanted):
                        peerings.setdefault(connection.id, connection)
        for connection in self.read_named_connections(peerings):
            peerings.setdefault(connection.id, connection)
        groups = list(self.read_security_groups(in_place))
        return Snapshot(
            vpcs=tuple(vpcs.values()),
            subnets=tuple(subnets.values()),
            route_tables=tuple(tables.values()),
            peerings=tuple(peerings.values()),
            security_rules=tuple(self.read_security_rules(groups)),
            security_groups=tuple(groups),
        )

    def read_security_groups(
        self, in_place: Mapping[Place, list[str]]
    ) -> Iterator[SecurityGroupSnapshot]:
        """The groups tagged as this topology's in the VPCs found, where the plan creates
        groups."""
        places = {
            (vpc.account, vpc.region)
            for vpc in (self.plan.vpc(g.vpc) for g in self.plan.security_groups)
        }
        for place in sorted(places):
            vpc_ids = in_place.get(place, [])
            for item in self.describe_by(
                place, "describe_security_groups", "SecurityGroups", "vpc-id", vpc_ids
            ):
                tags = _tags(item)
                if tags.get(TOPOLOGY_TAG) == self.plan.topology and item.get("VpcId") in vpc_ids:
                    yield SecurityGroupSnapshot(
                        id=item["GroupId"],
                        vpc_id=item["VpcId"],
                        name=str(item.get("GroupName", "")),
                        tags=tags,
                    )

    def read_security_rules(
        self, created: Iterable[SecurityGroupSnapshot] = ()
    ) -> Iterator[SecurityRuleSnapshot]:
        """The inbound rules of every group the plan adds rules to (adopted groups by id,
        created groups as found)."""
        groups: dict[Place, set[str]] = defaultdict(set)
        for rule in self.plan.security_rules:
            vpc = self.plan.vpc(rule.vpc)
            if rule.group_id is not None:
                groups[(vpc.account, vpc.region)].add(rule.group_id)
        for group in created:
            vpc_name = group.tags.get(VPC_TAG)
            if vpc_name is not None and vpc_name in {v.name for v in self.plan.vpcs}:
                vpc = self.plan.vpc(vpc_name)
                groups[(vpc.account, vpc.region)].add(group.id)
        for place, ids in groups.items():
            for item in self.describe_by(
                place,
                "describe_security_group_rules",
                "SecurityGroupRules",
                "group-id",
                sorted(ids),
            ):
                if item.get("GroupId") in ids and not item.get("IsEgress"):
                    yield _security_rule(item)

    def read_vpcs(self, place: Place, planned: list[VpcPlan]) -> list[VpcSnapshot]:
        known = [i for i in (known_vpc_id(v, self.ids) for v in planned) if i]
        items = self.describe_by(place, "describe_vpcs", "Vpcs", "vpc-id", known)
        by_tag = [v.name for v in planned if not known_vpc_id(v, self.ids)]
        for chunk in _chunks(by_tag):
            items += self.describe(
                place,
                "describe_vpcs",
                "Vpcs",
                Filters=[
                    {"Name": f"tag:{TOPOLOGY_TAG}", "Values": [self.plan.topology]},
                    {"Name": f"tag:{VPC_TAG}", "Values": chunk},
                ],
            )
        account = self.plan.account(place[0])
        found = {item["VpcId"]: _vpc(item, account.id, place[1]) for item in items}
        # Only what could stand for a planned VPC (an emulation may ignore the filters).
        return [
            v
            for v in found.values()
            if any(vpc_candidates(self.plan.topology, p, [v], self.ids) for p in planned)
        ]

    def read_dns_attributes(self, place: Place, vpc: VpcSnapshot) -> VpcSnapshot:
        client = self.ec2(place)
        with self.reporting(place, "VPC attributes"):
            support = client.describe_vpc_attribute(VpcId=vpc.id, Attribute="enableDnsSupport")
            hostnames = client.describe_vpc_attribute(VpcId=vpc.id, Attribute="enableDnsHostnames")
        return dataclasses.replace(
            vpc,
            dns_support=bool(support.get("EnableDnsSupport", {}).get("Value")),
            dns_hostnames=bool(hostnames.get("EnableDnsHostnames", {}).get("Value")),
        )

    def read_named_connections(
        self, already: Mapping[str, PeeringSnapshot]
    ) -> Iterator[PeeringSnapshot]:
        """Connections the outputs (or the plan, for adopted links and accepted requests)
        name that the reads by VPC did not return."""
        by_place: dict[Place, list[str]] = defaultdict(list)
        for link in self.plan.links:
            pcx_id = self.ids.peering_connection_ids.get(link.name) or link.existing_id
            if pcx_id and pcx_id not in already:
                place = (self.plan.vpc(link.requester).account, link.requester_region)
                by_place[place].append(pcx_id)
        for accept in self.plan.accepts:
            if accept.peering_id not in already:
                place = (self.plan.vpc(accept.vpc).account, accept.region)
                by_place[place].append(accept.peering_id)
        for place, pcx_ids in by_place.items():
            for item in self.describe_by(
                place,
                "describe_vpc_peering_connections",
                "VpcPeeringConnections",
                "vpc-peering-connection-id",
                pcx_ids,
            ):
                if item["VpcPeeringConnectionId"] in pcx_ids:
                    yield _peering(item)


# -- from AWS's shapes -------------------------------------------------------------------


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = list(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _tags(item: Mapping[str, Any]) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value", "")) for t in item.get("Tags") or []}


def _normal(cidr: str) -> str:
    return str(aws_network(cidr))


def _vpc(item: Mapping[str, Any], account_id: str, region: str) -> VpcSnapshot:
    ipv4: list[str] = []
    for association in item.get("CidrBlockAssociationSet") or []:
        if association.get("CidrBlockState", {}).get("State") not in _GONE:
            ipv4.append(_normal(association["CidrBlock"]))
    primary = item.get("CidrBlock")
    if primary and _normal(primary) in ipv4:  # primary first
        ipv4.remove(_normal(primary))
        ipv4.insert(0, _normal(primary))
    elif primary and not item.get("CidrBlockAssociationSet"):
        ipv4.append(_normal(primary))
    ipv6 = [
        _normal(a["Ipv6CidrBlock"])
        for a in item.get("Ipv6CidrBlockAssociationSet") or []
        if a.get("Ipv6CidrBlock") and a.get("Ipv6CidrBlockState", {}).get("State") not in _GONE
    ]
    return VpcSnapshot(
        id=item["VpcId"],
        account_id=item.get("OwnerId") or account_id,
        region=region,
        cidrs=tuple(ipv4),
        ipv6_cidrs=tuple(ipv6),
        tags=_tags(item),
    )


def _subnet(item: Mapping[str, Any]) -> SubnetSnapshot:
    ipv6 = [
        _normal(a["Ipv6CidrBlock"])
        for a in item.get("Ipv6CidrBlockAssociationSet") or []
        if a.get("Ipv6CidrBlock") and a.get("Ipv6CidrBlockState", {}).get("State") not in _GONE
    ]
    return SubnetSnapshot(
        id=item["SubnetId"],
        vpc_id=item["VpcId"],
        cidr=_normal(item["CidrBlock"]),
        ipv6_cidrs=tuple(ipv6),
        tags=_tags(item),
    )


def _route_table(item: Mapping[str, Any]) -> RouteTableSnapshot:
    routes: list[RouteSnapshot] = []
    for route in item.get("Routes") or []:
        cidr = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        if not cidr:
            continue  # a prefix-list destination: not an address range verify can place
        target = next((str(route[k]) for k in _TARGET_KEYS if route.get(k)), "none")
        routes.append(RouteSnapshot(_normal(cidr), target, route.get("State") == "blackhole"))
    associations = [
        a
        for a in item.get("Associations") or []
        if a.get("AssociationState", {}).get("State") not in _GONE
    ]
    return RouteTableSnapshot(
        id=item["RouteTableId"],
        vpc_id=item["VpcId"],
        routes=tuple(routes),
        main=any(a.get("Main") for a in associations),
        subnet_ids=tuple(a["SubnetId"] for a in associations if a.get("SubnetId")),
        tags=_tags(item),
    )


def _side(info: Mapping[str, Any]) -> PeeringSide:
    options = info.get("PeeringOptions") or {}
    return PeeringSide(
        vpc_id=str(info.get("VpcId", "")),
        account_id=str(info.get("OwnerId", "")),
        region=str(info.get("Region", "")),
        dns_resolution=bool(options.get("AllowDnsResolutionFromRemoteVpc")),
    )


def _peering(item: Mapping[str, Any]) -> PeeringSnapshot:
    return PeeringSnapshot(
        id=item["VpcPeeringConnectionId"],
        status=str((item.get("Status") or {}).get("Code", "unknown")),
        requester=_side(item.get("RequesterVpcInfo") or {}),
        accepter=_side(item.get("AccepterVpcInfo") or {}),
        tags=_tags(item),
    )


def _security_rule(item: Mapping[str, Any]) -> SecurityRuleSnapshot:
    cidr = item.get("CidrIpv4") or item.get("CidrIpv6")
    referenced = item.get("ReferencedGroupInfo") or {}
    return SecurityRuleSnapshot(
        id=item["SecurityGroupRuleId"],
        group_id=item["GroupId"],
        protocol=str(item.get("IpProtocol", "-1")),
        from_port=int(item.get("FromPort", -1)),
        to_port=int(item.get("ToPort", -1)),
        cidr=_normal(cidr) if cidr else None,
        referenced_group_id=referenced.get("GroupId"),
        referenced_account_id=referenced.get("UserId"),
        tags=_tags(item),
    )
