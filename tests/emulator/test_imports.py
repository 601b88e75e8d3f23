"""The emulated engine imports the way Pulumi does since v3.174 (pulumi/pulumi#19339):
read, save, then diff; an import id names its region; aliases move state; tags are diffed
against what the provider read back."""

from __future__ import annotations

import copy
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from peerstack._provider import tokens
from peerstack._provider.changes import Change
from peerstack.emulator import Emulation
from peerstack.errors import EmulatorError
from tests.emulator.test_adoption import BASE, PCX, Data, changed

NET = "111111111111"


def _net() -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(
        provider=aws.Provider("net", region="us-east-1", allowed_account_ids=[NET])
    )


def _connection(name: str, pcx: str, peer_vpc: str, **more: Any) -> None:
    aws.ec2.VpcPeeringConnection(
        name,
        vpc_id="vpc-0a0a0a0a0a0a0a0a0",
        peer_vpc_id=peer_vpc,
        peer_owner_id="444444444444",
        region="us-east-1",
        opts=pulumi.ResourceOptions.merge(_net(), pulumi.ResourceOptions(import_=pcx, **more)),
    )


def test_an_import_is_saved_then_a_replace_it_needs_fails_the_update() -> None:
    with Emulation(BASE) as env:
        # The connection joins core and warehouse; the program says core and another VPC.
        wrong = "vpc-0d0d0d0d0d0d0d0d0"
        preview = env.preview(program=lambda: _connection("c", PCX, wrong))
        assert [s.op for s in preview.steps if s.aws] == [Change.IMPORT, Change.REPLACE]
        assert preview.warnings and "may not be replaced" in preview.warnings[0]
        with pytest.raises(EmulatorError, match="previously-imported resources that still"):
            env.up(program=lambda: _connection("c", PCX, wrong))
        (held,) = [r for r in env.state if r.type == tokens.CONNECTION]
        assert (held.id, held.import_id) == (PCX, PCX), "the import was saved before the error"


@pytest.mark.parametrize(("retained", "status"), [(False, "deleted"), (True, "active")])
def test_an_import_replacement_deletes_the_original_unless_it_is_retained(
    retained: bool, status: str
) -> None:
    warehouse = "vpc-0c0c0c0c0c0c0c0c0"
    with Emulation(BASE) as env:
        ec2 = env.client("ec2", account="net", region="us-east-1")
        other = ec2.create_vpc_peering_connection(
            VpcId="vpc-0a0a0a0a0a0a0a0a0", PeerVpcId=warehouse, PeerOwnerId="444444444444"
        )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        env.up(program=lambda: _connection("c", PCX, warehouse, retain_on_delete=retained))
        later = env.up(program=lambda: _connection("c", other, warehouse))
        assert [s.op for s in later.steps if s.aws] == [Change.IMPORT, Change.DELETE]
        (found,) = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[PCX])[
            "VpcPeeringConnections"
        ]
        assert found["Status"]["Code"] == status


def test_an_alias_moves_a_resource_to_its_new_name_without_replacing_it() -> None:
    def table(name: str, **more: Any) -> None:
        aws.ec2.RouteTable(
            name,
            vpc_id="vpc-0a0a0a0a0a0a0a0a0",
            region="us-east-1",
            opts=pulumi.ResourceOptions.merge(_net(), pulumi.ResourceOptions(**more)),
        )

    with Emulation(BASE) as env:
        first = env.up(program=lambda: table("old"))
        later = env.up(program=lambda: table("new", aliases=[pulumi.Alias(name="old")]))
        assert [(s.op, s.name) for s in later.steps if s.aws] == [(Change.SAME, "new")]
        assert [r.id for r in env.state if r.type == tokens.ROUTE_TABLE] == [
            s.id for s in first.steps if s.type == tokens.ROUTE_TABLE
        ]


def _in(region: str, requester_region: str | None = None) -> Data:
    """BASE with its VPCs in ``region`` (the requester in ``requester_region``), while
    the accounts' providers act in us-east-1."""

    def move(data: Data) -> None:
        data["vpcs"]["core"]["region"] = requester_region or region
        data["vpcs"]["warehouse"]["region"] = region

    return changed(move)


@pytest.mark.parametrize(
    ("requester", "accepter"), [("eu-west-1", "eu-west-1"), ("us-west-2", "eu-west-1")]
)
def test_an_adopted_link_outside_the_providers_region_imports_there(
    requester: str, accepter: str
) -> None:
    data = _in(accepter, requester)
    with Emulation(data) as env:
        deployment = env.up()
        assert env.verify().ok, env.verify().differences
        assert not deployment.of(Change.REPLACE) and not deployment.of(Change.UPDATE)
        held = {(r.type, r.name): r for r in env.state}
        connection = held[(tokens.CONNECTION, "takeover.core--warehouse")]
        assert connection.import_id == f"{PCX}@{requester}"
        assert connection.region == requester
        assert set(env.up().changes) == {"same"}


def test_without_its_region_an_import_reads_in_the_providers_region_and_finds_nothing() -> None:
    with Emulation(_in("eu-west-1")) as env:

        def program() -> None:
            aws.ec2.VpcPeeringConnection(
                "c",
                vpc_id="vpc-0a0a0a0a0a0a0a0a0",
                peer_vpc_id="vpc-0c0c0c0c0c0c0c0c0",
                peer_owner_id="444444444444",
                region="eu-west-1",
                opts=pulumi.ResourceOptions.merge(_net(), pulumi.ResourceOptions(import_=PCX)),
            )

        with pytest.raises(EmulatorError, match=r"there is no peering connection .* us-east-1"):
            env.up(program=program)


def test_an_adopted_connections_owner_tags_survive_every_up() -> None:
    with Emulation(BASE) as env:  # the connection exists, tagged by its accepter's owner
        data = env.client("ec2", account="data", region="us-east-1")
        data.create_tags(Resources=[PCX], Tags=[{"Key": "team", "Value": "warehouse"}])
        env.up()  # the accepter reads them back
        env.up()
        env.up()
        assert _tags(data) == {"team": "warehouse"}


def test_an_accepter_that_sends_no_tags_removes_those_it_read_without_ignore_changes() -> None:
    """What the real provider does, and why peerstack's accepter of an adopted link
    ignores tag changes."""
    with Emulation(copy.deepcopy(BASE)) as env:
        data = env.client("ec2", account="data", region="us-east-1")
        data.create_tags(Resources=[PCX], Tags=[{"Key": "team", "Value": "warehouse"}])

        def accepter() -> None:
            aws.ec2.VpcPeeringConnectionAccepter(
                "a",
                vpc_peering_connection_id=PCX,
                auto_accept=True,
                region="us-east-1",
                opts=pulumi.ResourceOptions(
                    provider=aws.Provider(
                        "data",
                        region="us-east-1",
                        assume_roles=[
                            aws.ProviderAssumeRoleArgs(
                                role_arn="arn:aws:iam::444444444444:role/peerstack"
                            )
                        ],
                    )
                ),
            )

        env.up(program=accepter)
        later = env.up(program=accepter)
        assert [(s.op, sorted(s.changed)) for s in later.steps if s.aws] == [
            (Change.UPDATE, ["tags"])
        ]
        assert _tags(data) == {}


def _tags(ec2: Any) -> dict[str, str]:
    """The connection's tags as one account sees them."""
    found = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [PCX]}])["Tags"]
    return {t["Key"]: t["Value"] for t in found}
