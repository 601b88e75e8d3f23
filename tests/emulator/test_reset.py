"""Checkpoints: a deployed emulation put back exactly as it was right after its deploy,
whatever a test did to it since, with the same ids; and the shared deploy built on them."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from peerstack.emulator import Emulation
from peerstack.errors import EmulatorError
from peerstack.plan import build_plan
from peerstack.testing._emulated import SharedEmulations
from tests.emulator.test_day2 import BASE, changed, deleted

World = dict[tuple[str, str, str], Any]

_READS = (
    ("describe_vpcs", "Vpcs"),
    ("describe_subnets", "Subnets"),
    ("describe_route_tables", "RouteTables"),
    ("describe_vpc_peering_connections", "VpcPeeringConnections"),
    ("describe_security_groups", "SecurityGroups"),
    ("describe_security_group_rules", "SecurityGroupRules"),
    ("describe_network_acls", "NetworkAcls"),
    ("describe_tags", "Tags"),
)
_PLACES = (
    ("111111111111", "us-east-1"),
    ("222222222222", "us-east-1"),
    ("222222222222", "eu-west-1"),
)
_NEW_REGION = "ap-southeast-2"


def world(env: Emulation) -> World:
    """Everything EC2 answers in the topology's accounts and regions, in full."""
    found: World = {}
    for account, region in _PLACES:
        ec2 = env.ec2(account, region)
        for operation, key in _READS:
            found[(account, region, operation)] = getattr(ec2, operation)()[key]
    return found


@pytest.fixture(scope="module")
def deployed() -> Iterator[tuple[Emulation, World, dict[str, Any]]]:
    """BASE deployed once (cross-account, cross-region, an adopted VPC), checkpointed."""
    with Emulation(build_plan(BASE)) as env:
        env.up()
        env.checkpoint()
        yield env, world(env), copy.deepcopy(env.outputs)


@pytest.fixture
def env(deployed: tuple[Emulation, World, dict[str, Any]]) -> Iterator[Emulation]:
    emulation, _, _ = deployed
    emulation.reset()
    yield emulation
    emulation.reset()


def assert_as_deployed(env: Emulation, deployed: tuple[Emulation, World, dict[str, Any]]) -> None:
    _, before, outputs = deployed
    env.reset()
    assert world(env) == before
    assert env.outputs == outputs
    assert env.verify().ok


def _peer_route(env: Emulation) -> tuple[str, str]:
    ec2 = env.ec2("111111111111", "us-east-1")
    for table in ec2.describe_route_tables()["RouteTables"]:
        for route in table["Routes"]:
            if route.get("VpcPeeringConnectionId"):
                return table["RouteTableId"], route["DestinationCidrBlock"]
    raise AssertionError("no route over a peering connection")


def test_a_deleted_route_is_back(env: Emulation, deployed: Any) -> None:
    table, destination = _peer_route(env)
    env.ec2("111111111111", "us-east-1").delete_route(
        RouteTableId=table, DestinationCidrBlock=destination
    )
    assert not env.verify().ok
    assert_as_deployed(env, deployed)


def test_a_deleted_connection_is_back_active(env: Emulation, deployed: Any) -> None:
    ec2 = env.ec2("111111111111", "us-east-1")
    pcx = ec2.describe_vpc_peering_connections()["VpcPeeringConnections"][0]
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])
    assert not env.verify().ok
    assert_as_deployed(env, deployed)
    again = ec2.describe_vpc_peering_connections(
        VpcPeeringConnectionIds=[pcx["VpcPeeringConnectionId"]]
    )["VpcPeeringConnections"]
    assert again[0]["Status"]["Code"] == "active"


def test_extra_vpcs_connections_and_routes_are_gone(env: Emulation, deployed: Any) -> None:
    net = env.ec2("111111111111", "us-east-1")
    extra = net.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    shared = env.outputs["vpc_ids"]["shared"]
    pcx = net.create_vpc_peering_connection(VpcId=shared, PeerVpcId=extra)
    pcx_id = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    net.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    table, _ = _peer_route(env)
    net.create_route(
        RouteTableId=table, DestinationCidrBlock="10.50.0.0/16", VpcPeeringConnectionId=pcx_id
    )
    rejected = net.create_vpc_peering_connection(VpcId=extra, PeerVpcId=shared)
    net.reject_vpc_peering_connection(
        VpcPeeringConnectionId=rejected["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    )
    assert_as_deployed(env, deployed)
    assert extra not in {v["VpcId"] for v in net.describe_vpcs()["Vpcs"]}


def test_a_region_first_used_after_the_checkpoint_is_dropped(env: Emulation, deployed: Any) -> None:
    from moto.ec2.models import ec2_backends

    far = env.ec2("111111111111", _NEW_REGION)
    made = far.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    assert _NEW_REGION in dict.keys(ec2_backends["111111111111"])
    assert_as_deployed(env, deployed)
    assert _NEW_REGION not in dict.keys(ec2_backends["111111111111"])
    assert made not in {v["VpcId"] for v in far.describe_vpcs()["Vpcs"]}


def test_changed_tags_are_back(env: Emulation, deployed: Any) -> None:
    vpc_id = env.outputs["vpc_ids"]["app"]
    ec2 = env.ec2("222222222222", "eu-west-1")
    ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "owner", "Value": "someone-else"}])
    ec2.delete_tags(Resources=[vpc_id], Tags=[{"Key": "Name"}])
    assert_as_deployed(env, deployed)


def _drop_batch(data: dict[str, Any]) -> None:
    del data["vpcs"]["batch"]
    data["hubs"][0]["spokes"] = ["app"]


def test_a_day2_up_is_undone_and_behaves_as_on_a_fresh_deploy(
    env: Emulation, deployed: Any
) -> None:
    state = env.state
    first = env.up(changed(_drop_batch))
    assert deleted(first)
    assert env.state != state
    assert_as_deployed(env, deployed)
    assert env.state == state
    again = env.up(changed(_drop_batch))
    assert env.verify().ok
    with Emulation(build_plan(BASE)) as fresh:
        fresh.up()
        on_fresh = fresh.up(changed(_drop_batch))
    # The same changes (their order follows the engine's parallel steps).
    assert sorted((s.name, s.op) for s in again.steps) == sorted(
        (s.name, s.op) for s in on_fresh.steps
    )


def test_a_destroy_is_undone(env: Emulation, deployed: Any) -> None:
    env.destroy()
    assert_as_deployed(env, deployed)


def test_another_emulation_gets_an_empty_ec2_and_the_checkpointed_one_refuses_meanwhile(
    env: Emulation, deployed: Any
) -> None:
    with Emulation(build_plan(changed(_drop_batch))) as other:
        ec2 = other.ec2("111111111111", "us-east-1")
        assert [v["IsDefault"] for v in ec2.describe_vpcs()["Vpcs"]] == [True]
        other.up()
        with pytest.raises(EmulatorError, match=r"call restore\(\)"):
            env.verify()
        with pytest.raises(EmulatorError, match="close them first"):
            env.reset()
    assert_as_deployed(env, deployed)
    with Emulation(build_plan(changed(_drop_batch))) as third:
        ec2 = third.ec2("111111111111", "us-east-1")
        assert [v["IsDefault"] for v in ec2.describe_vpcs()["Vpcs"]] == [True]


def test_a_checkpoint_belongs_to_its_emulation(deployed: Any) -> None:
    env, _, _ = deployed
    with Emulation(build_plan(BASE)) as other:
        with pytest.raises(EmulatorError, match="reset to: call checkpoint"):
            other.reset()
        with pytest.raises(EmulatorError, match="another emulation"):
            other.restore(env.checkpoint())
    env.reset()


# -- the shared deploy ----------------------------------------------------------------------


@pytest.fixture
def shared() -> Iterator[SharedEmulations]:
    emulations = SharedEmulations()
    try:
        yield emulations
    finally:
        emulations.close()


def test_a_shared_topology_is_deployed_once_and_reset_for_each_test(
    shared: SharedEmulations,
) -> None:
    env = shared.get(BASE)
    before, ids = world(env), dict(env.outputs["vpc_ids"])
    table, destination = _peer_route(env)
    env.ec2("111111111111", "us-east-1").delete_route(
        RouteTableId=table, DestinationCidrBlock=destination
    )
    assert shared.get(BASE) is env  # the same test: not reset
    assert not env.verify().ok
    shared.park()
    shared.next_test()
    assert shared.get(build_plan(BASE)) is env  # the next test: reset
    assert world(env) == before
    assert env.outputs["vpc_ids"] == ids
    assert env.verify().ok


def test_a_parked_shared_deploy_leaves_no_moto_behind(shared: SharedEmulations) -> None:
    import os

    key = os.environ.get("AWS_ACCESS_KEY_ID")
    env = shared.get(BASE)
    shared.park()
    assert os.environ.get("AWS_ACCESS_KEY_ID") == key
    with pytest.raises(EmulatorError, match=r"call restore\(\)"):
        env.verify()
    with Emulation(build_plan(BASE)) as fresh:  # a fresh moto: BASE is not there yet
        ec2 = fresh.ec2("111111111111", "us-east-1")
        assert [v["IsDefault"] for v in ec2.describe_vpcs()["Vpcs"]] == [True]
    shared.next_test()
    assert shared.get(BASE).verify().ok


def test_parking_waits_for_emulations_without_checkpoints(shared: SharedEmulations) -> None:
    import os

    key = os.environ.get("AWS_ACCESS_KEY_ID")
    env = shared.get(BASE)
    with Emulation(build_plan(changed(_drop_batch))) as own:
        own.up()
        shared.park()  # own still runs: nothing is parked, own's world stays whole
        assert own.verify().ok
    shared.park()
    assert os.environ.get("AWS_ACCESS_KEY_ID") == key
    shared.next_test()
    assert shared.get(BASE) is env
    assert env.verify().ok


def test_two_shared_topologies_take_turns(shared: SharedEmulations) -> None:
    base = shared.get(BASE)
    base_world = world(base)
    smaller = shared.get(changed(_drop_batch))
    assert smaller is not base
    assert "batch" not in smaller.outputs["vpc_ids"]
    with pytest.raises(EmulatorError, match=r"call restore\(\)"):
        base.verify()
    shared.park()
    shared.next_test()
    assert world(shared.get(BASE)) == base_world
    assert base.verify().ok
    shared.park()
    shared.next_test()
    assert shared.get(changed(_drop_batch)).verify().ok


def test_a_shared_deploy_beside_a_running_emulation_is_refused(
    shared: SharedEmulations,
) -> None:
    with Emulation(build_plan(BASE)) as own:
        own.up()
        with pytest.raises(EmulatorError, match="ask for shared environments before"):
            shared.get(changed(_drop_batch))


def test_the_fixture_gives_the_deploy_reset(
    peerstack_emulated_shared: Callable[..., Emulation],
) -> None:
    env = peerstack_emulated_shared(BASE)
    assert env.verify().ok
    assert set(env.outputs["vpc_ids"]) == {"shared", "app", "batch", "legacy"}
