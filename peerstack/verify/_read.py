"""Read what AWS has for a plan into a :class:`~peerstack.verify.Snapshot`.

Reads are batched per account and region where the plan has VPCs: the VPCs (by id, and
every VPC tagged as the topology's: the plan's VPCs without a known id, and any leftover
of an interrupted run), then every subnet and route table of the VPCs found, and the
peering connections on either side of them (two describes: as requester, as accepter),
plus the DNS attributes of the created VPCs whose links resolve remote DNS, any
connection the stack's outputs name that those reads did not return, and the security
groups and rules peerstack manages. Filters narrow what AWS returns, and every result is
matched again here, so an AWS (or an emulation) that ignores a filter reads the same.
AWS's shapes become snapshot types in :mod:`~peerstack.verify._from_aws`.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from peerstack._facts.credentials import UNREACHABLE_HINT
from peerstack._facts.tags import TagKey
from peerstack._text import scrub
from peerstack.errors import CredentialsError
from peerstack.plan._outputs import OutputsLike, StackOutputs
from peerstack.plan.model import Plan, VpcPlan
from peerstack.verify import _from_aws as from_aws
from peerstack.verify._aws import ClientFactory, is_auth_error
from peerstack.verify._match import known_vpc_id, vpc_candidates
from peerstack.verify._snapshot import (
    PeeringSnapshot,
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
        """Credentials that may not read, or an AWS that does not answer: CredentialsError,
        its message scrubbed (botocore quotes the endpoint URL whole, credentials too)."""
        from botocore.exceptions import ClientError, HTTPClientError
        from botocore.exceptions import ConnectionError as Unreachable

        account, region = place
        try:
            yield
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if is_auth_error(code):
                denied = f"not authorized to perform: {action} ({code})" if action else code
                raise CredentialsError(
                    scrub(
                        f"cannot read {what} in account {account!r} "
                        f"({self.plan.account(account).id}), {region}: {denied}"
                    ),
                    hint="verify, and the pre-flight of an adopting preview or up, need "
                    "ec2:Describe* in every account of what they read (`peerstack iam` "
                    "lists the actions)",
                ) from exc
            raise
        except (Unreachable, HTTPClientError) as exc:
            raise CredentialsError(
                scrub(f"cannot reach EC2 for account {account!r} in {region}: {exc}"),
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
        vpcs = self.read_vpcs()
        in_place = {place: [v.id for v in found] for place, found in vpcs.items()}
        subnets: dict[str, SubnetSnapshot] = {}
        tables: dict[str, RouteTableSnapshot] = {}
        peerings: dict[str, PeeringSnapshot] = {}
        for place, vpc_ids in in_place.items():
            subnets.update((s.id, s) for s in self.read_subnets(place, vpc_ids))
            tables.update((t.id, t) for t in self.read_route_tables(place, vpc_ids))
            for connection in self.read_peerings(place, vpc_ids):
                peerings.setdefault(connection.id, connection)
        for connection in self.read_named_connections(peerings):
            peerings.setdefault(connection.id, connection)
        groups = list(self.read_security_groups(in_place))
        return Snapshot(
            vpcs=tuple(v for found in vpcs.values() for v in found),
            subnets=tuple(subnets.values()),
            route_tables=tuple(tables.values()),
            peerings=tuple(peerings.values()),
            security_rules=tuple(self.read_security_rules(groups)),
            security_groups=tuple(groups),
        )

    def read_vpcs(self) -> dict[Place, list[VpcSnapshot]]:
        """The VPCs found in each place of the plan, with the DNS attributes of those
        that may stand for a created VPC whose links resolve remote DNS."""
        places: dict[Place, list[VpcPlan]] = defaultdict(list)
        for vpc in self.plan.vpcs:
            places[(vpc.account, vpc.region)].append(vpc)
        found = {place: self.read_vpcs_in(place, planned) for place, planned in places.items()}
        for vpc in self.plan.vpcs:
            if not (vpc.managed and vpc.dns_hostnames):
                continue
            place = (vpc.account, vpc.region)
            candidates = {
                v.id for v in vpc_candidates(self.plan.topology, vpc, found[place], self.ids)
            }
            found[place] = [
                self.read_dns_attributes(place, v) if v.id in candidates else v
                for v in found[place]
            ]
        return found

    def read_subnets(self, place: Place, vpc_ids: list[str]) -> Iterator[SubnetSnapshot]:
        wanted = set(vpc_ids)
        for item in self.describe_by(place, "describe_subnets", "Subnets", "vpc-id", vpc_ids):
            if item.get("VpcId") in wanted:
                yield from_aws.subnet(item)

    def read_route_tables(self, place: Place, vpc_ids: list[str]) -> Iterator[RouteTableSnapshot]:
        wanted = set(vpc_ids)
        for item in self.describe_by(
            place, "describe_route_tables", "RouteTables", "vpc-id", vpc_ids
        ):
            if item.get("VpcId") in wanted:
                yield from_aws.route_table(item)

    def read_peerings(self, place: Place, vpc_ids: list[str]) -> Iterator[PeeringSnapshot]:
        """The connections on either side of the VPCs (two describes: as requester, as
        accepter)."""
        for side in ("requester", "accepter"):
            for item in self.describe_by(
                place,
                "describe_vpc_peering_connections",
                "VpcPeeringConnections",
                f"{side}-vpc-info.vpc-id",
                vpc_ids,
            ):
                connection = from_aws.peering(item)
                if any(connection.joins(v) for v in vpc_ids):
                    yield connection

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
                tags = from_aws.tags(item)
                if tags.get(TagKey.TOPOLOGY) == self.plan.topology and item.get("VpcId") in vpc_ids:
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
        created groups as found), and the outbound rules of the groups peerstack creates
        (its allow-all egress rules)."""
        groups: dict[Place, set[str]] = defaultdict(set)
        for rule in self.plan.security_rules:
            vpc = self.plan.vpc(rule.vpc)
            if rule.group_id is not None:
                groups[(vpc.account, vpc.region)].add(rule.group_id)
        ours: set[str] = set()
        names = {v.name for v in self.plan.vpcs}
        for group in created:
            vpc_name = group.tags.get(TagKey.VPC)
            if vpc_name is not None and vpc_name in names:
                vpc = self.plan.vpc(vpc_name)
                groups[(vpc.account, vpc.region)].add(group.id)
                ours.add(group.id)
        for place, ids in groups.items():
            for item in self.describe_by(
                place,
                "describe_security_group_rules",
                "SecurityGroupRules",
                "group-id",
                sorted(ids),
            ):
                group_id = item.get("GroupId")
                if group_id in ids and (group_id in ours or not item.get("IsEgress")):
                    yield from_aws.security_rule(item)

    def read_vpcs_in(self, place: Place, planned: list[VpcPlan]) -> list[VpcSnapshot]:
        """The VPCs of one place: the plan's by their ids, and every VPC tagged as the
        topology's (the plan's VPCs without a known id, and any leftover)."""
        known = [i for i in (known_vpc_id(v, self.ids) for v in planned) if i]
        items = self.describe_by(place, "describe_vpcs", "Vpcs", "vpc-id", known)
        items += self.describe(
            place,
            "describe_vpcs",
            "Vpcs",
            Filters=[{"Name": f"tag:{TagKey.TOPOLOGY}", "Values": [self.plan.topology]}],
        )
        account = self.plan.account(place[0])
        found = {item["VpcId"]: from_aws.vpc(item, account.id, place[1]) for item in items}
        # Only what is ours or stands for a planned VPC (an emulation may ignore filters).
        return [
            v
            for v in found.values()
            if v.tags.get(TagKey.TOPOLOGY) == self.plan.topology
            or any(vpc_candidates(self.plan.topology, p, [v], self.ids) for p in planned)
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
                    yield from_aws.peering(item)


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = list(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
