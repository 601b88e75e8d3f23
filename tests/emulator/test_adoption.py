"""Adopting an existing peering connection in the emulation: imported with its routes,
recreating nothing, and never deleted (peerstack did not create it); what does not fit is
refused by the pre-flight, before anything registers."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from peerstack._provider import tokens
from peerstack._provider.changes import Change
from peerstack.emulator import Emulation
from peerstack.emulator._handlers import HANDLERS, Request
from peerstack.errors import EmulatorError, PreflightError

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


CORE_PRIVATE_ROUTE = f"takeover.core.{CORE_PRIVATE}.10.20.0.0-16"
WAREHOUSE_MAIN_ROUTE = f"takeover.warehouse.{WAREHOUSE_MAIN}.10.10.0.0-16"
"""Routes in an adopted VPC's tables are named by table id (renaming a key renames none)."""


def test_adopting_imports_the_connection_and_its_routes_and_creates_neither() -> None:
    with Emulation(BASE) as env:
        first = env.up()
        assert env.verify().ok, env.verify().differences
        imported = {(s.type, s.name, s.id) for s in first.of(Change.IMPORT)}
        assert (tokens.CONNECTION, "takeover.core--warehouse", PCX) in imported
        assert {n for t, n, _ in imported if t == tokens.ROUTE} == {
            CORE_PRIVATE_ROUTE,
            WAREHOUSE_MAIN_ROUTE,
        }
        made = {s.type for s in first.of(Change.CREATE) if s.aws}
        assert tokens.CONNECTION not in made and tokens.ROUTE not in made
        assert not first.of(Change.UPDATE) and not first.of(Change.REPLACE)
        # The accepter (another account) and the options act on the adopted connection.
        assert env.outputs["peering_connection_ids"]["core--warehouse"] == PCX
        # Each route is there once, over the adopted connection: nothing was recreated.
        assert [
            (r["DestinationCidrBlock"], r["VpcPeeringConnectionId"])
            for r in routes_in(env, "net", CORE_PRIVATE)
        ] == [("10.20.0.0/16", PCX)]
        assert routes_in(env, "net", CORE_MAIN) == []
        # What was imported is kept in AWS whatever Pulumi deletes, and keeps its import id.
        held = {(r.type, r.name): r for r in env.state}
        connection = held[(tokens.CONNECTION, "takeover.core--warehouse")]
        assert connection.retain_on_delete
        assert connection.import_id == PCX  # in the provider's own region: no suffix
        route = held[(tokens.ROUTE, CORE_PRIVATE_ROUTE)]
        assert route.import_id == f"{CORE_PRIVATE}_10.20.0.0/16"
        assert route.retain_on_delete
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
            f"takeover.core.{CORE_MAIN}.10.20.0.0-16"
        }
        assert not later.of(Change.REPLACE) and not later.of(Change.DELETE)
        assert not later.of(Change.IMPORT), "what was imported stays imported, once"
        assert [r["VpcPeeringConnectionId"] for r in routes_in(env, "net", CORE_MAIN)] == [PCX]
        # The routes that existed before stay AWS's whatever happens to the stack.
        assert {r.name for r in env.state if r.retain_on_delete} >= {CORE_PRIVATE_ROUTE}


def test_destroy_leaves_what_existed_before_and_deletes_what_peerstack_made() -> None:
    def also_main(data: Data) -> None:
        data["peerings"][0]["existing"]["routes_exist"] = False
        del data["peerings"][0]["routes"]

    with Emulation(BASE) as env:
        env.up()
        env.up(changed(also_main))  # adds a route peerstack creates, in core's main table
        destroyed = env.destroy()
        ec2 = env.client("ec2", account="net", region="us-east-1")
        (pcx,) = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[PCX])[
            "VpcPeeringConnections"
        ]
        assert pcx["Status"]["Code"] == "active"
        assert [r["DestinationCidrBlock"] for r in routes_in(env, "net", CORE_PRIVATE)] == [
            "10.20.0.0/16"
        ]
        assert [r["DestinationCidrBlock"] for r in routes_in(env, "data", WAREHOUSE_MAIN)] == [
            "10.10.0.0/16"
        ]
        assert routes_in(env, "net", CORE_MAIN) == [], "the route peerstack created is gone"
        assert env.state == ()
        assert {s.name for s in destroyed.steps if s.type == tokens.CONNECTION} == {
            "takeover.core--warehouse"
        }


def _other_vpc(data: Data) -> None:
    data["vpcs"]["other"] = {
        "existing": {
            "vpc_id": "vpc-0f0f0f0f0f0f0f0f0",
            "cidrs": ["10.40.0.0/16"],
            "route_tables": {"main": "rtb-0f0f0f0f0f0f0f0f0"},
        }
    }


def _write(tmp_path: Any, data: Data) -> Any:
    import yaml

    path = tmp_path / "takeover.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_an_id_of_a_connection_between_other_vpcs_is_refused_before_anything(tmp_path) -> None:
    def elsewhere(data: Data) -> None:
        _other_vpc(data)
        data["peerings"][0]["accepter"] = "other"
        data["peerings"][0]["routes"] = {}

    with Emulation(BASE) as env:  # the connection exists, joining core and warehouse
        with pytest.raises(PreflightError) as info:
            env.up(_write(tmp_path, changed(elsewhere)))
        assert env.state == (), "nothing was registered"
        ec2 = env.client("ec2", account="net", region="us-east-1")
        (pcx,) = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[PCX])[
            "VpcPeeringConnections"
        ]
        assert pcx["Status"]["Code"] == "active"
    (problem,) = info.value.problems
    assert problem.path == "peerings[0].existing.peering_id"
    assert problem.file is not None and problem.file.endswith("takeover.yaml")
    assert problem.line is not None
    assert problem.message == (
        f"{PCX} joins vpc-0a0a0a0a0a0a0a0a0 (account 111111111111, us-east-1) (requester) "
        "and vpc-0c0c0c0c0c0c0c0c0 (account 444444444444, us-east-1) (accepter), not 'core' "
        "(vpc-0a0a0a0a0a0a0a0a0, account 111111111111, us-east-1) and 'other' "
        "(vpc-0f0f0f0f0f0f0f0f0, account 111111111111, us-east-1)"
    )
    assert problem.hint is not None and "use the id of the one between" in problem.hint


def test_requester_and_accepter_swapped_are_refused_with_the_right_order() -> None:
    def swapped(data: Data) -> None:
        peering = data["peerings"][0]
        peering["requester"], peering["accepter"] = "warehouse", "core"

    with Emulation(BASE) as env:
        env.up()  # seeds the connection as core -> warehouse
        with pytest.raises(PreflightError) as info:
            env.up(changed(swapped))
        assert {r.name for r in env.state} >= {"takeover.core--warehouse"}, "state untouched"
    (problem,) = info.value.problems
    assert "was requested by 'core'" in problem.message
    assert problem.hint == "write `requester: core` and `accepter: warehouse`"


def test_a_route_to_another_target_is_refused_and_left_as_it_is() -> None:
    with Emulation(BASE) as env:
        ec2 = env.client("ec2", account="net", region="us-east-1")
        gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId="vpc-0a0a0a0a0a0a0a0a0")
        ec2.replace_route(
            RouteTableId=CORE_PRIVATE, DestinationCidrBlock="10.20.0.0/16", GatewayId=gateway
        )
        with pytest.raises(PreflightError) as info:
            env.up()
        assert [r["GatewayId"] for r in routes_in(env, "net", CORE_PRIVATE)] == [gateway]
    (problem,) = info.value.problems
    assert problem.path == "peerings[0].existing.routes_exist"
    assert problem.message == (
        f"the route to 10.20.0.0/16 in {CORE_PRIVATE} goes to {gateway}, not over {PCX}: "
        "importing it would re-point it to the peering"
    )


def test_a_route_that_does_not_exist_is_refused_with_the_fix() -> None:
    with Emulation(BASE) as env:
        ec2 = env.client("ec2", account="net", region="us-east-1")
        ec2.delete_route(RouteTableId=CORE_PRIVATE, DestinationCidrBlock="10.20.0.0/16")
        with pytest.raises(PreflightError) as info:
            env.up()
    (problem,) = info.value.problems
    assert "there is no route to 10.20.0.0/16" in problem.message
    assert problem.hint == "set `routes_exist: false` so that peerstack creates the link's routes"


def test_routes_exist_switched_on_for_routes_the_stack_created_is_refused() -> None:
    def created(data: Data) -> None:
        data["peerings"][0]["existing"]["routes_exist"] = False

    with Emulation(changed(created)) as env:
        env.up()  # the stack creates both routes
        with pytest.raises(PreflightError) as info:
            env.up(BASE)
        assert routes_in(env, "data", WAREHOUSE_MAIN), "the routes the stack made are there"
        assert routes_in(env, "net", CORE_PRIVATE)
    assert sorted(p.message.split(" (r-")[0] for p in info.value.problems) == [
        f"the stack created the route {CORE_PRIVATE_ROUTE!r}",
        f"the stack created the route {WAREHOUSE_MAIN_ROUTE!r}",
    ]
    for problem in info.value.problems:
        assert problem.path == "peerings[0].existing.routes_exist"
        assert problem.hint is not None and "routes_exist: false" in problem.hint


def test_a_deleted_connection_cannot_be_adopted() -> None:
    with Emulation(BASE) as env:
        ec2 = env.client("ec2", account="net", region="us-east-1")
        ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=PCX)
        with pytest.raises(PreflightError, match=f"{PCX} is 'deleted'"):
            env.up()


def test_an_id_no_connection_has_fails_the_read_clearly() -> None:
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
            CORE_PRIVATE_ROUTE,
            WAREHOUSE_MAIN_ROUTE,
        }
        assert env.state == ()
        assert env.up().of(Change.IMPORT)


def test_renaming_a_tables_key_or_naming_discovered_tables_renames_no_route() -> None:
    def renamed(data: Data) -> None:
        data["vpcs"]["core"]["existing"]["route_tables"] = {
            "main": CORE_MAIN,
            "apps": CORE_PRIVATE,
        }
        data["peerings"][0]["routes"] = {"core": {"tables": ["apps"]}}

    def discovered(data: Data) -> None:
        del data["vpcs"]["warehouse"]["existing"]["route_tables"]

    def both(data: Data) -> None:
        renamed(data)
        discovered(data)

    with Emulation(BASE) as env:
        env.up()
        for version in (changed(renamed), changed(both)):
            later = env.up(version)
            assert set(later.changes) == {"same"}, later.changes
            assert env.verify().ok


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


def test_another_id_for_a_connection_the_stack_holds_is_refused(tmp_path: Any) -> None:
    with Emulation(BASE) as env:
        env.up()
        ec2 = env.client("ec2", account="net", region="us-east-1")
        other = ec2.create_vpc_peering_connection(
            VpcId="vpc-0a0a0a0a0a0a0a0a0",
            PeerVpcId="vpc-0c0c0c0c0c0c0c0c0",
            PeerOwnerId="444444444444",
        )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        env.client("ec2", account="data", region="us-east-1").accept_vpc_peering_connection(
            VpcPeeringConnectionId=other
        )

        def elsewhere(data: Data) -> None:
            data["peerings"][0]["existing"] = {"peering_id": other, "routes_exist": False}

        with pytest.raises(PreflightError) as info:
            env.up(_write(tmp_path, changed(elsewhere)))
        for pcx in (PCX, other):
            (found,) = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])[
                "VpcPeeringConnections"
            ]
            assert found["Status"]["Code"] == "active"
    (problem,) = info.value.problems
    assert problem.line is not None and problem.path == "peerings[0].existing.peering_id"
    assert problem.message.startswith(f"the stack holds {PCX} for 'takeover.core--warehouse'")
    assert problem.hint is not None and "remove the link 'core--warehouse'" in problem.hint
