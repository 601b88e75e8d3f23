"""`peerstack discover --endpoint URL` against a moto server on loopback, as a user runs it
against AWS: accounts by role (or the ambient credentials), a file written once, JSON for
tools, and the documented exit codes."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from typer.testing import CliRunner

from peerstack._cli.app import app
from peerstack.topology import load_topology

NET, DATA = "111111111111", "222222222222"
ROLE = "arn:aws:iam::{}:role/read"
KEYS: dict[str, Any] = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, ["discover", *args], env={"COLUMNS": "200"})


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        yield url
    finally:
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))
        server.stop()


def ec2_in(url: str, account: str | None) -> Any:
    """EC2 in ``account`` (by its role), or as the dummy keys' own account (None)."""
    if account is None:
        return boto3.client("ec2", region_name="us-east-1", endpoint_url=url, **KEYS)
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=url, **KEYS)
    creds = sts.assume_role(RoleArn=ROLE.format(account), RoleSessionName="setup")["Credentials"]
    return boto3.client(
        "ec2",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def peered(url: str) -> str:
    """Two VPCs in two accounts, peered and routed both ways, made by hand."""
    net, data = ec2_in(url, NET), ec2_in(url, DATA)
    a = net.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    b = data.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    pcx = net.create_vpc_peering_connection(VpcId=a, PeerVpcId=b, PeerOwnerId=DATA)
    pcx_id = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    data.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    for client, vpc, destination in ((net, a, "10.2.0.0/16"), (data, b, "10.1.0.0/16")):
        (main,) = client.describe_route_tables(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc]},
                {"Name": "association.main", "Values": ["true"]},
            ]
        )["RouteTables"]
        client.create_route(
            RouteTableId=main["RouteTableId"],
            DestinationCidrBlock=destination,
            VpcPeeringConnectionId=pcx_id,
        )
    return str(pcx_id)


def accounts() -> list[str]:
    return [
        "--account",
        f"net={NET}:{ROLE.format(NET)}",
        "--account",
        f"data={DATA}:{ROLE.format(DATA)}",
    ]


def test_discover_writes_a_file_that_plans_and_never_overwrites_it(
    endpoint: str, tmp_path: Path
) -> None:
    pcx = peered(endpoint)
    out = tmp_path / "corp.yaml"
    result = run(*accounts(), "--region", "us-east-1", "--endpoint", endpoint, "--output", str(out))
    assert result.exit_code == 0, result.output
    topology = load_topology(out)
    assert topology.name == "corp"  # from the file's name
    assert topology.accounts["data"].role_arn == ROLE.format(DATA)
    (peering,) = topology.peerings
    assert peering.existing is not None and peering.existing.peering_id == pcx
    assert f"wrote {out}: 2 VPCs, 1 peering and 0 accepted requests adopted" in result.output
    assert "peerstack verify will pass once it is applied" in result.output
    assert "2 default VPCs not adopted (no connection joins them" in result.output
    written = out.read_text()
    again = run(*accounts(), "--region", "us-east-1", "--endpoint", endpoint, "--output", str(out))
    assert again.exit_code == 2 and "exists; pass --force" in again.output
    assert out.read_text() == written
    forced = run(
        *accounts(),
        "-r",
        "us-east-1",
        "--endpoint",
        endpoint,
        "-o",
        str(out),
        "--force",
        "-n",
        "other",
    )
    assert forced.exit_code == 0, forced.output
    assert load_topology(out).name == "other"


def test_json_carries_the_topology_and_the_report(endpoint: str) -> None:
    peered(endpoint)
    result = run(
        *accounts(),
        "--external-id",
        "data=corp-peering",
        "-r",
        "us-east-1",
        "--endpoint",
        endpoint,
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == {"topology", "report"}
    assert document["topology"]["name"] == "discovered"
    assert document["topology"]["accounts"]["data"]["external_id"] == "corp-peering"
    assert document["report"]["accounts"] == {"net": NET, "data": DATA}
    assert document["report"]["verify"] == []
    kinds = {f["kind"] for f in document["report"]["findings"]}
    assert kinds == {"default-vpc-skipped"}


def test_without_accounts_the_ambient_credentials_account_is_read(endpoint: str) -> None:
    ec2_in(endpoint, None).create_vpc(CidrBlock="10.9.0.0/16")
    result = run("--region", "us-east-1,eu-west-1", "--endpoint", endpoint)
    assert result.exit_code == 0, result.output
    assert "account-123456789012:" in result.stdout  # moto's account for the dummy keys
    assert "cidrs: [10.9.0.0/16]" in result.stdout
    # Without a terminal, progress is one line per account and region (on stderr).
    # (moto's default VPC counts among those read: it is not adopted.)
    assert "read account-123456789012 (123456789012) us-east-1: 2 VPCs" in result.output
    assert "read account-123456789012 (123456789012) eu-west-1: 1 VPC" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account", "net=12345", "-r", "us-east-1"], "is not an AWS account id"),
        (["--account", "", "-r", "us-east-1"], "is not ALIAS=ACCOUNT_ID"),
        (["--account", f"net={NET}", "-r", "us-east-9"], "is not an AWS region"),
        (["--account", f"net={NET}", "-r", "us-esat-1"], "did you mean"),
        (
            ["--account", f"net={NET}", "--external-id", "prod=x", "-r", "us-east-1"],
            "--external-id",
        ),
        (["--account", f"net={NET}"], "--region"),
        (
            ["--account", f"net={NET}", "-r", "us-east-1", "--name", "Not A Name"],
            "is not a valid name",
        ),
    ],
)
def test_an_invalid_command_line_exits_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_an_endpoint_that_does_not_answer_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    result = run("--account", f"net={NET}", "-r", "us-east-1", "--endpoint", "http://127.0.0.1:9")
    assert result.exit_code == 3, result.output
    assert "cannot reach EC2" in result.output
