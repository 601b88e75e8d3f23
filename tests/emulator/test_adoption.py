"""Adopting an existing peering connection in the emulation: imported with its routes,
recreating nothing, managed from then on; an id that does not fit fails the import."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from peerstack._provider import tokens
from peerstack._provider.changes import Change
from peerstack.emulator import Emulation
from peerstack.emulator._handlers import HANDLERS, Request
from peerstack.errors import EmulatorError

Data = dict[str, Any]

PCX = "pcx-0e0e0e0e0e0e0e0e0"
CORE_PRIVATE = "rtb-0b0b0b0b0b0b0b0b0"
CORE_MAIN = "rtb-0a0a0a0a0a0a0a0a0"
WAREHOUSE_MAIN = "rtb-0c0c0c0c0c0c0c0c0"

BASE: Data = {
    "name": "takeover",
    "defaults": {"account": "net", "region": "us-east-1"},
    "accounts": {
        "net": {"id": "111111111111"},
        "data": {"id": "444444444444", "role_arn": "arn:aws:iam::444444444444:role/peerstack"},
    },
    "vpcs": {
        "core": {
            "existing": {
                "vpc_id": "vpc-0a0a0a0a0a0a0a0a0",
                "cidrs": ["10.10.0.0/16"],
                "route_tables": {"main": CORE_MAIN, "private": CORE_PRIVATE},
            }
        },
        "warehouse": {
            "account": "data",
            "existing": {
                "vpc_id": "vpc-0c0c0c0c0c0c0c0c0",
                "cidrs": ["10.20.0.0/16"],
                "route_tables": {"main": WAREHOUSE_MAIN},
            },
        },
    },
    "peerings": [
        {
            "requester": "core",
            "accepter": "warehouse",
            "existing": {"peering_id": PCX},
            "routes": {"core": {"tables": ["private"]}},
        }
    ],
}


def changed(edit: Callable[[Data], None]) -> Data:
    data = copy.deepcopy(BASE)
    edit(data)
    return data


def routes_in(env: Emulation, account: str, table: str) -> list[dict[str, Any]]:
    ec2 = env.client("ec2", account=account, region="us-east-1")
    (found,) = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"]
    return [dict(r) for r in found["Routes"] if r.get("GatewayId") != "local"]


def test_adopting_imports_the_connection_and_its_routes_and_creates_neither() -> None:
    with Emulation(BASE) as env:
        first = env.up()
        assert env.verify().ok, env.verify().differences
        imported = {(s.type, s.name, s.id) for s in first.of(Change.IMPORT)}
        assert (tokens.CONNECTION, "takeover.core--warehouse", PCX) in imported
        assert {n for t, n, _ in imported if t == tokens.ROUTE} == {
            "takeover.core.private.10.20.0.0-16",
            "takeover.warehouse.main.10.10.0.0-16",
        }
        made = {s.type for s in first.of(Change.CREATE) if s.aws}
        assert tokens.CONNECTION not in made and tokens.ROUTE not in made
        # The accepter (another account) and the options act on the adopted connection.
        assert env.outputs["peering_connection_ids"]["core--warehouse"] == PCX
        # Each route is there once, over the adopted connection: nothing was recreated.
        assert [
            (r["DestinationCidrBlock"], r["VpcPeeringConnectionId"])
            for r in routes_in(env, "net", CORE_PRIVATE)
        ] == [("10.20.0.0/16", PCX)]
        assert routes_in(env, "net", CORE_MAIN) == []
        # The import id is kept: the next run compares as usual and changes nothing.
        again = env.up()
        assert set(again.changes) == {"same"}


def test_after_adoption_routes_exist_false_keeps_them_and_new_routes_are_created() -> None:
    def everywhere(data: Data) -> None:
        data["peerings"][0]["existing"]["routes_exist"] = False
        del data["peerings"][0]["routes"]

    with Emulation(BASE) as env:
        env.up()
        later = env.up(changed(everywhere))
        assert env.verify().ok, env.verify().differences
        assert {s.name for s in later.of(Change.CREATE) if s.aws} == {
            "takeover.core.main.10.20.0.0-16"
        }
        assert not later.of(Change.REPLACE) and not later.of(Change.DELETE)
        assert [r["VpcPeeringConnectionId"] for r in routes_in(env, "net", CORE_MAIN)] == [PCX]


def test_destroy_deletes_the_adopted_connection_it_now_manages() -> None:
    with Emulation(BASE) as env:
        env.up()
        env.destroy()
        ec2 = env.client("ec2", account="net", region="us-east-1")
        (pcx,) = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[PCX])[
            "VpcPeeringConnections"
        ]
        assert pcx["Status"]["Code"] == "deleted"
        assert ec2.describe_vpcs(VpcIds=["vpc-0a0a0a0a0a0a0a0a0"])["Vpcs"], "adopted VPCs stay"
        assert routes_in(env, "net", CORE_PRIVATE) == []
        assert routes_in(env, "data", WAREHOUSE_MAIN) == []


def test_a_connection_that_joins_other_vpcs_fails_the_import() -> None:
    def elsewhere(data: Data) -> None:
        data["vpcs"]["other"] = {
            "existing": {
                "vpc_id": "vpc-0f0f0f0f0f0f0f0f0",
                "cidrs": ["10.40.0.0/16"],
                "route_tables": {"main": "rtb-0f0f0f0f0f0f0f0f0"},
            }
        }
        data["peerings"][0]["accepter"] = "other"
        data["peerings"][0]["routes"] = {}

    with Emulation(BASE) as env:  # the connection exists, joining core and warehouse
        with pytest.raises(EmulatorError) as info:
            env.up(changed(elsewhere))
    message = str(info.value)
    assert "inputs to import do not match the existing resource" in message
    assert "peerVpcId: the program has 'vpc-0f0f0f0f0f0f0f0f0', AWS 'vpc-0c0c0c0c0c0c0c0c0'" in (
        message
    )
    assert PCX in message


def test_a_route_that_does_not_exist_fails_its_import() -> None:
    with Emulation(BASE) as env:
        ec2 = env.client("ec2", account="net", region="us-east-1")
        ec2.delete_route(RouteTableId=CORE_PRIVATE, DestinationCidrBlock="10.20.0.0/16")
        with pytest.raises(
            EmulatorError, match=r"no route to 10\.20\.0\.0/16 in route table"
        ) as info:
            env.up()
    assert "routes_exist: false" in str(info.value)


def test_a_route_to_another_target_fails_its_import() -> None:
    with Emulation(BASE) as env:
        ec2 = env.client("ec2", account="net", region="us-east-1")
        gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId="vpc-0a0a0a0a0a0a0a0a0")
        ec2.replace_route(
            RouteTableId=CORE_PRIVATE, DestinationCidrBlock="10.20.0.0/16", GatewayId=gateway
        )
        with pytest.raises(EmulatorError, match="inputs to import do not match") as info:
            env.up()
    assert f"vpcPeeringConnectionId: the program has {PCX!r}, AWS none" in str(info.value)


def test_a_deleted_connection_cannot_be_adopted() -> None:
    with Emulation(BASE) as env:
        ec2 = env.client("ec2", account="net", region="us-east-1")
        ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=PCX)
        with pytest.raises(EmulatorError, match=f"{PCX!r} is 'deleted'"):
            env.up()


def test_an_id_no_connection_has_fails_the_import_clearly() -> None:
    with Emulation(BASE) as env:
        read = HANDLERS[tokens.CONNECTION].read
        assert read is not None
        request = Request(
            type=tokens.CONNECTION,
            name="takeover.core--warehouse",
            inputs={"id": "pcx-0123abcd"},
            account_id="111111111111",
            region="us-east-1",
            ec2=env.ec2("net", "us-east-1"),
        )
        with pytest.raises(EmulatorError, match="there is no peering connection 'pcx-0123abcd'"):
            read(request)


def test_a_preview_shows_the_imports_and_changes_nothing() -> None:
    with Emulation(BASE) as env:
        preview = env.preview()
        assert {s.name for s in preview.of(Change.IMPORT)} == {
            "takeover.core--warehouse",
            "takeover.core.private.10.20.0.0-16",
            "takeover.warehouse.main.10.10.0.0-16",
        }
        assert env.state == ()
        assert env.up().of(Change.IMPORT)


def test_a_hub_adopts_one_spokes_connection_and_requests_the_others() -> None:
    def hub(data: Data) -> None:
        data["vpcs"]["tools"] = {"cidr": "10.30.0.0/16"}
        data["peerings"] = []
        data["hubs"] = [
            {
                "hub": "core",
                "spokes": ["warehouse", "tools"],
                "existing": {"warehouse": {"peering_id": PCX}},
            }
        ]

    with Emulation(changed(hub)) as env:
        deployment = env.up()
        assert env.verify().ok, env.verify().differences
        assert {s.name for s in deployment.of(Change.IMPORT) if s.type == tokens.CONNECTION} == {
            "takeover.core--warehouse"
        }
        assert {s.name for s in deployment.of(Change.CREATE) if s.type == tokens.CONNECTION} == {
            "takeover.core--tools"
        }
        # Every table of core routes to the warehouse: the seeded routes, imported.
        assert [r["VpcPeeringConnectionId"] for r in routes_in(env, "net", CORE_MAIN)] == [
            PCX,
            env.outputs["peering_connection_ids"]["core--tools"],
        ]
