"""The reader turns what AWS holds into a snapshot: moto, set up with direct boto3 calls."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from peerstack.errors import CredentialsError
from peerstack.plan import AccountPlan, Plan
from peerstack.verify import (
    DifferenceKind,
    PeeringSide,
    RouteSnapshot,
    Snapshot,
    compare,
    read_snapshot,
)

PlanOf = Callable[[str], Plan]
REGION = "eu-west-1"

# moto answers every call signed with its dummy keys as account 123456789012.
TOPOLOGY = """
    name: read
    defaults: {account: main, region: eu-west-1, dns_resolution: true}
    accounts:
      main: {id: "123456789012"}
    vpcs:
      a:
        cidr: 10.0.0.0/16
        secondary_cidrs: [10.100.0.0/16]
        ipv6: true
        subnets:
          - {name: app, cidr: 10.0.1.0/24, az: a, route_table: app}
          - {name: web, cidr: 10.0.2.0/24, az: a}
      b: {cidr: 10.1.0.0/16}
    peerings:
      - {requester: a, accepter: b}
    """


def clients(account: AccountPlan, region: str) -> Any:
    return boto3.client("ec2", region_name=region)


def tags(values: dict[str, str]) -> list[dict[str, Any]]:
    return [{"Key": k, "Value": v} for k, v in values.items()]


def tagged(resource: str, vpc: str, **more: str) -> list[dict[str, Any]]:
    """peerstack's tags for ``vpc`` (``more`` keys: ``route_table`` -> peerstack:route-table)."""
    values = {"peerstack:topology": "read", "peerstack:vpc": vpc}
    values.update({f"peerstack:{k.replace('_', '-')}": v for k, v in more.items()})
    return [{"ResourceType": resource, "Tags": tags(values)}]


@pytest.fixture
def plan(plan_of: PlanOf) -> Plan:
    return plan_of(TOPOLOGY)


@pytest.fixture
def aws() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ec2", region_name=REGION)


def make_vpc(ec2: Any, cidr: str, tag_specs: list[dict[str, Any]] | None = None) -> str:
    kwargs: dict[str, Any] = {"CidrBlock": cidr}
    if tag_specs:
        kwargs["TagSpecifications"] = tag_specs
    return str(ec2.create_vpc(**kwargs)["Vpc"]["VpcId"])


def main_table(ec2: Any, vpc_id: str) -> str:
    tables = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    return str(tables[0]["RouteTableId"])


def test_a_deployed_topology_reads_into_a_snapshot(plan: Plan, aws: Any) -> None:
    ec2 = aws
    a = ec2.create_vpc(
        CidrBlock="10.0.0.0/16",
        AmazonProvidedIpv6CidrBlock=True,
        TagSpecifications=tagged("vpc", "a"),
    )["Vpc"]["VpcId"]
    ec2.associate_vpc_cidr_block(VpcId=a, CidrBlock="10.100.0.0/16")
    ec2.modify_vpc_attribute(VpcId=a, EnableDnsHostnames={"Value": True})
    b = make_vpc(ec2, "10.1.0.0/16", tagged("vpc", "b"))
    app = ec2.create_subnet(VpcId=a, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    web = ec2.create_subnet(VpcId=a, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(
        VpcId=a, TagSpecifications=tagged("route-table", "a", route_table="app")
    )["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=app)
    pcx = ec2.create_vpc_peering_connection(
        VpcId=a,
        PeerVpcId=b,
        TagSpecifications=[
            {"ResourceType": "vpc-peering-connection", "Tags": tags({"peerstack:link": "a--b"})}
        ],
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(
        RouteTableId=table, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx
    )
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=a)
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)

    snapshot = read_snapshot(plan, clients)

    (found_a,) = [v for v in snapshot.vpcs if v.id == a]
    assert found_a.cidrs == ("10.0.0.0/16", "10.100.0.0/16")
    assert len(found_a.ipv6_cidrs) == 1 and found_a.ipv6_cidrs[0].endswith("/56")
    assert (found_a.account_id, found_a.region) == ("123456789012", REGION)
    assert found_a.tags["peerstack:vpc"] == "a"
    assert (found_a.dns_support, found_a.dns_hostnames) == (True, True)
    assert {v.id for v in snapshot.vpcs} == {a, b}  # not the region's default VPC
    assert {(s.id, s.cidr) for s in snapshot.subnets_of(a)} == {
        (app, "10.0.1.0/24"),
        (web, "10.0.2.0/24"),
    }
    tables = {t.id: t for t in snapshot.tables_of(a)}
    assert tables[table].subnet_ids == (app,) and not tables[table].main
    assert tables[table].tags["peerstack:route-table"] == "app"
    assert tables[main_table(ec2, a)].main
    assert set(tables[table].routes) >= {
        RouteSnapshot("10.0.0.0/16", "local"),
        RouteSnapshot("10.1.0.0/16", pcx),
        RouteSnapshot("0.0.0.0/0", igw),
    }
    connection = snapshot.peering(pcx)
    assert connection is not None and connection.status == "active"
    assert connection.requester == PeeringSide(a, "123456789012", REGION, False)
    assert connection.accepter.vpc_id == b
    assert connection.tags["peerstack:link"] == "a--b"


def test_vpcs_come_by_the_outputs_ids_without_tags(plan: Plan, aws: Any) -> None:
    a = make_vpc(aws, "10.0.0.0/16")
    b = make_vpc(aws, "10.1.0.0/16")
    decoy = make_vpc(aws, "10.2.0.0/16", tagged("vpc", "a"))
    make_vpc(aws, "10.3.0.0/16")  # not ours: not read
    outputs = {"vpc_ids": {"a": a, "b": b}}
    snapshot = read_snapshot(plan, clients, outputs=outputs)
    # Every VPC tagged as the topology's is read too, so that a leftover is seen.
    assert {v.id for v in snapshot.vpcs} == {a, b, decoy}
    assert [v.dns_hostnames for v in snapshot.vpcs if v.id == a] == [False]
    # ids win over tags: the decoy is a leftover, a is the VPC of the outputs.
    result = compare(plan, snapshot, outputs=outputs)
    assert (DifferenceKind.VPC_UNEXPECTED, f"a {decoy}") in {
        (d.kind, d.subject) for d in result.differences
    }
    assert not [d for d in result.differences if d.kind is DifferenceKind.VPC_MISSING]


def test_connections_on_either_side_of_a_planned_vpc_and_no_others(plan: Plan, aws: Any) -> None:
    """moto ignores the peering filters: the reader matches every connection again."""
    a = make_vpc(aws, "10.0.0.0/16", tagged("vpc", "a"))
    outsider = make_vpc(aws, "192.168.0.0/16")
    other = make_vpc(aws, "172.16.0.0/16")
    requested = aws.create_vpc_peering_connection(VpcId=a, PeerVpcId=outsider)
    accepted = aws.create_vpc_peering_connection(VpcId=outsider, PeerVpcId=a)
    unrelated = aws.create_vpc_peering_connection(VpcId=outsider, PeerVpcId=other)
    snapshot = read_snapshot(plan, clients)
    ids = {p.id for p in snapshot.peerings}
    assert ids == {
        requested["VpcPeeringConnection"]["VpcPeeringConnectionId"],
        accepted["VpcPeeringConnection"]["VpcPeeringConnectionId"],
    }
    assert unrelated["VpcPeeringConnection"]["VpcPeeringConnectionId"] not in ids
    assert {v.id for v in snapshot.vpcs} == {a}


def test_a_connection_the_outputs_name_is_read_wherever_it_goes(plan: Plan, aws: Any) -> None:
    x = make_vpc(aws, "192.168.0.0/16")
    y = make_vpc(aws, "172.16.0.0/16")
    pcx = aws.create_vpc_peering_connection(VpcId=x, PeerVpcId=y)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    snapshot = read_snapshot(plan, clients, outputs={"peering_connection_ids": {"a--b": pcx}})
    assert snapshot.peering(pcx) is not None
    assert snapshot.vpcs == ()


def test_released_blocks_and_routes_to_deleted_connections(plan: Plan, aws: Any) -> None:
    a = make_vpc(aws, "10.0.0.0/16", tagged("vpc", "a"))
    b = make_vpc(aws, "10.1.0.0/16", tagged("vpc", "b"))
    association = aws.associate_vpc_cidr_block(VpcId=a, CidrBlock="10.100.0.0/16")
    aws.disassociate_vpc_cidr_block(
        AssociationId=association["CidrBlockAssociation"]["AssociationId"]
    )
    pcx = aws.create_vpc_peering_connection(VpcId=a, PeerVpcId=b)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    aws.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    main = main_table(aws, a)
    aws.create_route(
        RouteTableId=main, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx
    )
    aws.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    snapshot = read_snapshot(plan, clients)
    (found_a,) = [v for v in snapshot.vpcs if v.id == a]
    assert found_a.cidrs == ("10.0.0.0/16",)
    connection = snapshot.peering(pcx)
    assert connection is not None and connection.ended
    (table,) = [t for t in snapshot.tables_of(a) if t.id == main]
    assert [r.target for r in table.routes if r.destination == "10.1.0.0/16"] == [pcx]


def test_nothing_found_is_an_empty_snapshot(plan: Plan, aws: Any) -> None:
    assert read_snapshot(plan, clients) == Snapshot()


def test_credentials_that_may_not_describe_are_a_credentials_error(plan: Plan, aws: Any) -> None:
    client = boto3.client("ec2", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_client_error("describe_vpcs", "UnauthorizedOperation")
    with (
        stubber,
        pytest.raises(CredentialsError, match="cannot read Vpcs in account 'main'") as info,
    ):
        read_snapshot(plan, lambda account, region: client)
    assert "not authorized to perform: ec2:DescribeVpcs (UnauthorizedOperation)" in str(info.value)
