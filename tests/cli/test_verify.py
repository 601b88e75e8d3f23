"""`peerstack verify --endpoint URL` against a moto server on loopback, as CI runs it."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from typer.testing import CliRunner

from peerstack._cli.app import app

# Signed with the dummy keys, moto's server acts as 123456789012; prod is reached through
# its role, which the server lets anyone assume.
TOPOLOGY = """\
name: ep
defaults: {account: net, region: us-east-1}
accounts:
  net: {id: "123456789012"}
  prod: {id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/verify"}
vpcs:
  a: {cidr: 10.1.0.0/16}
  b: {cidr: 10.2.0.0/16, account: prod, region: eu-west-1}
peerings:
  - {requester: a, accepter: b}
"""
runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        yield url
    finally:
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))
        server.stop()


@pytest.fixture
def topology(tmp_path: Path) -> Path:
    path = tmp_path / "ep.yaml"
    path.write_text(TOPOLOGY)
    return path


def deploy_by_hand(url: str) -> tuple[Any, str]:
    """What `peerstack up --endpoint` would leave on the server; returns b's client."""
    keys: dict[str, Any] = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    net = boto3.client("ec2", region_name="us-east-1", endpoint_url=url, **keys)
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=url, **keys)
    creds = sts.assume_role(
        RoleArn="arn:aws:iam::222222222222:role/verify", RoleSessionName="setup"
    )["Credentials"]
    prod = boto3.client(
        "ec2",
        region_name="eu-west-1",
        endpoint_url=url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )

    def tags(resource: str, **values: str) -> Any:
        return [
            {
                "ResourceType": resource,
                "Tags": [{"Key": f"peerstack:{k}", "Value": v} for k, v in values.items()],
            }
        ]

    a = net.create_vpc(
        CidrBlock="10.1.0.0/16", TagSpecifications=tags("vpc", topology="ep", vpc="a")
    )
    b = prod.create_vpc(
        CidrBlock="10.2.0.0/16", TagSpecifications=tags("vpc", topology="ep", vpc="b")
    )
    a_id, b_id = a["Vpc"]["VpcId"], b["Vpc"]["VpcId"]
    pcx = net.create_vpc_peering_connection(
        VpcId=a_id,
        PeerVpcId=b_id,
        PeerOwnerId="222222222222",
        PeerRegion="eu-west-1",
        TagSpecifications=tags("vpc-peering-connection", topology="ep", link="a--b"),
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    prod.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    for client, vpc_id, destination in ((net, a_id, "10.2.0.0/16"), (prod, b_id, "10.1.0.0/16")):
        (main,) = client.describe_route_tables(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "association.main", "Values": ["true"]},
            ]
        )["RouteTables"]
        client.create_route(
            RouteTableId=main["RouteTableId"],
            DestinationCidrBlock=destination,
            VpcPeeringConnectionId=pcx,
        )
    return prod, b_id


def test_verify_reads_a_local_endpoint_and_exits_zero(endpoint: str, topology: Path) -> None:
    deploy_by_hand(endpoint)
    result = run("verify", str(topology), "--endpoint", endpoint)
    assert result.exit_code == 0, result.output
    assert "verified: 1 link, 2 routes match the plan of 'ep'" in result.stdout


def test_verify_at_an_endpoint_reports_each_difference(endpoint: str, topology: Path) -> None:
    prod, b_id = deploy_by_hand(endpoint)
    (main,) = prod.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [b_id]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    prod.delete_route(RouteTableId=main["RouteTableId"], DestinationCidrBlock="10.1.0.0/16")
    result = run("verify", str(topology), "--endpoint", endpoint)
    assert result.exit_code == 1, result.output
    assert "route-missing" in result.stdout and "b/main -> 10.1.0.0/16" in result.stdout
    assert "reachability" in result.stdout and "a <-> b" in result.stdout


def test_verify_at_an_endpoint_that_holds_nothing(endpoint: str, topology: Path) -> None:
    result = run("verify", str(topology), "--endpoint", endpoint, "--format", "json")
    assert result.exit_code == 1, result.output
    assert '"kind": "vpc-missing"' in result.stdout


def test_verify_at_an_endpoint_nobody_answers(topology: Path) -> None:
    result = run("verify", str(topology), "--endpoint", "http://127.0.0.1:9")
    assert result.exit_code == 3, result.output
    assert "cannot reach EC2 for account 'net' in us-east-1" in result.stderr
    assert "http://127.0.0.1:9" in result.stderr and "the endpoint is up" in result.stderr
    assert "unexpected" not in result.stderr and "Traceback" not in result.output
