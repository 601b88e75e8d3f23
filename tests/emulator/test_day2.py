"""Day 2 in the emulation: every kind of change the topology format allows, applied to a
deployed stack with the real engine's and provider's semantics, verified after the change
and again after destroy; nothing the new version keeps may be replaced."""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Callable
from typing import Any

import pytest

from peerstack._cidr import subnet_ipv6_block
from peerstack._provider import tokens
from peerstack._provider.changes import Change
from peerstack.emulator import Emulation, UpResult
from peerstack.errors import HandoverError

Data = dict[str, Any]

BASE: Data = {
    "name": "corp",
    "defaults": {"account": "net", "region": "us-east-1", "dns_resolution": True},
    "accounts": {
        "net": {"id": "111111111111"},
        "prod": {"id": "222222222222", "role_arn": "arn:aws:iam::222222222222:role/peerstack"},
    },
    "vpcs": {
        "shared": {
            "cidr": "10.0.0.0/16",
            "subnets": [
                {"name": "tools", "cidr": "10.0.1.0/24", "az": "a", "route_table": "tools"},
                {"name": "dns", "cidr": "10.0.2.0/24", "az": "b"},
            ],
        },
        "app": {
            "account": "prod",
            "region": "eu-west-1",
            "cidr": "10.1.0.0/16",
            "subnets": [{"name": "app-a", "cidr": "10.1.1.0/24", "az": "a"}],
        },
        "batch": {"account": "prod", "cidr": "10.2.0.0/16"},
        "legacy": {
            "account": "prod",
            "existing": {
                "vpc_id": "vpc-0123456789abcdef0",
                "cidrs": ["172.31.0.0/16"],
                "route_tables": {"main": "rtb-0123456789abcdef0"},
            },
        },
    },
    "hubs": [{"hub": "shared", "spokes": ["app", "batch"]}],
    "peerings": [{"requester": "shared", "accepter": "legacy", "dns_resolution": False}],
}


def changed(edit: Callable[[Data], None]) -> Data:
    data = copy.deepcopy(BASE)
    edit(data)
    return data


def replaced(deployment: UpResult) -> set[str]:
    return {s.name for s in deployment.of(Change.REPLACE)}


def deleted(deployment: UpResult) -> set[str]:
    return {s.name for s in deployment.of(Change.DELETE)}


def created(deployment: UpResult) -> set[str]:
    return {s.name for s in deployment.of(Change.CREATE)}


def updated(deployment: UpResult) -> set[str]:
    return {s.name for s in deployment.of(Change.UPDATE)}


def aws_names(deployment: UpResult, op: Change) -> set[str]:
    return {s.name for s in deployment.of(op) if s.aws}


@pytest.fixture
def env(peerstack_emulated_shared: Callable[..., Emulation]) -> Emulation:
    """BASE deployed once per session and reset for each test: a day-2 ``up`` on it does
    what it does right after the deploy (tests/emulator/test_reset.py proves it)."""
    emulation = peerstack_emulated_shared(BASE)
    assert emulation.verify().ok, emulation.verify().differences
    first = emulation.deployment
    assert not replaced(first) and not deleted(first)
    return emulation


def up_and_verify(env: Emulation, data: Data) -> UpResult:
    deployment = env.up(data)
    result = env.verify()
    assert result.ok, [str(d) for d in result.differences]
    return deployment


def destroy_and_check(env: Emulation) -> None:
    """After destroy: no VPC or connection of the stack is left; adopted VPCs are."""
    env.destroy()
    assert env.state == ()
    for account, region in {("net", "us-east-1"), ("prod", "us-east-1"), ("prod", "eu-west-1")}:
        ec2 = env.client("ec2", account=account, region=region)
        tagged = ec2.describe_vpcs(Filters=[{"Name": "tag:peerstack:topology", "Values": ["corp"]}])
        assert tagged["Vpcs"] == [], (account, region)
        connections = ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
        assert {c["Status"]["Code"] for c in connections} <= {"deleted"}, connections
    legacy = env.client("ec2", account="prod", region="us-east-1")
    assert legacy.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])["Vpcs"]
    (table,) = legacy.describe_route_tables(RouteTableIds=["rtb-0123456789abcdef0"])["RouteTables"]
    assert all("VpcPeeringConnectionId" not in r for r in table["Routes"])


def test_the_same_topology_again_changes_nothing(env: Emulation) -> None:
    again = up_and_verify(env, BASE)
    assert set(again.changes) == {"same"}
    destroy_and_check(env)


def test_add_and_remove_a_vpc(env: Emulation) -> None:
    def add(data: Data) -> None:
        data["vpcs"]["extra"] = {"cidr": "10.5.0.0/16"}
        data["hubs"][0]["spokes"].append("extra")

    grown = up_and_verify(env, changed(add))
    assert not replaced(grown) and not deleted(grown)
    assert {"corp.extra", "corp.shared--extra"} <= created(grown)
    shrunk = up_and_verify(env, BASE)
    assert not replaced(shrunk) and not created(shrunk)
    assert {"corp.extra", "corp.shared--extra"} <= deleted(shrunk)
    ec2 = env.client("ec2", account="net", region="us-east-1")
    (extra,) = [s for s in grown.steps if s.name == "corp.extra" and s.type == tokens.VPC]
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [extra.id or ""]}])["Vpcs"] == []
    destroy_and_check(env)


def test_scheduled_requests_reorder_nothing_that_exists(env: Emulation) -> None:
    """At a quota of one pending request, shared's requests wait for each other: a
    changed depends_on only, so the deployed stack stays as it is; a new spoke's request
    joins the chain and deploys."""

    def tighten(data: Data) -> None:
        data["quotas"] = {"outstanding_requests_per_account": 1}

    def grow(data: Data) -> None:
        tighten(data)
        data["vpcs"]["extra"] = {"account": "prod", "region": "eu-west-1", "cidr": "10.5.0.0/16"}
        data["hubs"][0]["spokes"].append("extra")

    assert set(up_and_verify(env, changed(tighten)).changes) == {"same"}
    grown = up_and_verify(env, changed(grow))
    assert not replaced(grown) and not deleted(grown) and not updated(grown)
    assert {"corp.extra", "corp.shared--extra"} <= created(grown)
    destroy_and_check(env)


def test_remove_and_add_back_a_link(env: Emulation) -> None:
    without = up_and_verify(env, changed(lambda d: d["hubs"][0]["spokes"].remove("batch")))
    assert not replaced(without) and not created(without)
    gone = deleted(without)
    assert "corp.shared--batch" in gone
    # Its routes went before its connection, and the connection is deleted in AWS.
    order = [
        s.name for s in without.of(Change.DELETE) if s.type in (tokens.ROUTE, tokens.CONNECTION)
    ]
    assert order.index("corp.shared--batch") == len(order) - 1
    back = up_and_verify(env, BASE)
    assert not replaced(back) and "corp.shared--batch" in created(back)
    destroy_and_check(env)


def test_dns_off_then_on_again(env: Emulation) -> None:
    def off(data: Data) -> None:
        data["defaults"]["dns_resolution"] = False

    turned_off = up_and_verify(env, changed(off))
    # An update of the options (deleting them would leave DNS on in AWS), and of the VPCs'
    # hostnames; nothing replaced, nothing deleted.
    assert not replaced(turned_off) and not deleted(turned_off) and not created(turned_off)
    assert {"corp.shared--app.requester", "corp.shared--app.accepter"} <= updated(turned_off)
    pcx = env.outputs["peering_connection_ids"]["shared--app"]
    ec2 = env.client("ec2", account="net", region="us-east-1")
    (connection,) = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])[
        "VpcPeeringConnections"
    ]
    assert (
        connection["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is False
    )
    turned_on = up_and_verify(env, BASE)
    assert not replaced(turned_on) and not deleted(turned_on)
    destroy_and_check(env)


def test_add_and_remove_a_subnet_and_a_route_table(env: Emulation) -> None:
    def add(data: Data) -> None:
        data["vpcs"]["shared"]["subnets"].append(
            {"name": "db", "cidr": "10.0.3.0/24", "az": "a", "route_table": "db"}
        )

    grown = up_and_verify(env, changed(add))
    assert not replaced(grown) and not deleted(grown)
    assert {"corp.shared.db"} <= created(grown)
    # The new table gets the routes of every link of shared (it routes to every peer).
    assert any(n.startswith("corp.shared.db.") for n in created(grown))
    shrunk = up_and_verify(env, BASE)
    assert not replaced(shrunk) and not created(shrunk)
    destroy_and_check(env)


def test_move_a_subnet_to_another_table(env: Emulation) -> None:
    def move(data: Data) -> None:
        data["vpcs"]["shared"]["subnets"][1]["route_table"] = "tools"

    moved = up_and_verify(env, changed(move))
    assert not replaced(moved) and not deleted(moved)
    assert "corp.shared.dns" in created(moved)  # an association, where the main table was
    back = up_and_verify(env, BASE)
    assert "corp.shared.dns" in deleted(back) and not replaced(back)
    destroy_and_check(env)


def test_change_a_route_destination(env: Emulation) -> None:
    def specific(data: Data) -> None:
        data["peerings"][0]["routes"] = {"legacy": {"to": ["shared.tools"]}}

    narrowed = up_and_verify(env, changed(specific))
    # The route to the whole VPC is replaced by one to the subnet: a new resource, and
    # the old one deleted (a destination is ForceNew, and the names differ anyway).
    assert "corp.legacy.rtb-0123456789abcdef0.10.0.1.0-24" in created(narrowed)
    assert "corp.legacy.rtb-0123456789abcdef0.10.0.0.0-16" in deleted(narrowed)
    assert not replaced(narrowed)
    destroy_and_check(env)


def test_add_and_remove_a_secondary_block(env: Emulation) -> None:
    def add(data: Data) -> None:
        data["vpcs"]["batch"]["secondary_cidrs"] = ["10.102.0.0/16"]

    grown = up_and_verify(env, changed(add))
    assert not replaced(grown) and not deleted(grown)
    assert "corp.batch.10.102.0.0-16" in created(grown)
    # The hub routes the new block too.
    assert any(n.endswith("10.102.0.0-16") and n.startswith("corp.shared.") for n in created(grown))
    shrunk = up_and_verify(env, BASE)
    assert not replaced(shrunk) and "corp.batch.10.102.0.0-16" in deleted(shrunk)
    destroy_and_check(env)


def test_turn_ipv6_on(env: Emulation) -> None:
    def ipv6(data: Data) -> None:
        data["vpcs"]["shared"]["ipv6"] = True
        data["vpcs"]["app"]["ipv6"] = True

    with_v6 = up_and_verify(env, changed(ipv6))
    # The VPCs update in place (an Amazon-provided block is associated); IPv6 routes added.
    assert not replaced(with_v6) and not deleted(with_v6)
    assert {"corp.shared", "corp.app"} <= updated(with_v6)
    assert "corp.shared.main.ipv6_app" in created(with_v6)
    destroy_and_check(env)


def test_change_tags(env: Emulation) -> None:
    def tag(data: Data) -> None:
        data["defaults"]["tags"] = {"team": "network"}

    tagged = up_and_verify(env, changed(tag))
    assert not replaced(tagged) and not deleted(tagged) and not created(tagged)
    assert "corp.shared" in updated(tagged)
    ec2 = env.client("ec2", account="net", region="us-east-1")
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "tag:peerstack:vpc", "Values": ["shared"]}])[
        "Vpcs"
    ]
    assert {"Key": "team", "Value": "network"} in vpc["Tags"]
    destroy_and_check(env)


def test_move_a_vpc_to_another_region(env: Emulation) -> None:
    def move(data: Data) -> None:
        data["vpcs"]["batch"]["region"] = "eu-west-1"

    moved = up_and_verify(env, changed(move))
    # The VPC is replaced (region is ForceNew), and with it what depends on its id; the
    # rest of the stack is untouched.
    assert "corp.batch" in replaced(moved)
    untouched = {"corp.shared", "corp.app", "corp.shared--app", "corp.shared--legacy"}
    assert not untouched & (replaced(moved) | deleted(moved))
    destroy_and_check(env)


def test_move_a_vpc_to_another_account(env: Emulation) -> None:
    def move(data: Data) -> None:
        data["vpcs"]["batch"]["account"] = "net"

    moved = up_and_verify(env, changed(move))
    assert "corp.batch" in replaced(moved)
    # Same account and region as the hub now: auto-accepted, no accepter.
    assert "corp.shared--batch" in replaced(moved)
    destroy_and_check(env)


def test_created_to_adopted_needs_a_release_and_keeps_the_vpc(env: Emulation) -> None:
    vpc_id = env.outputs["vpc_ids"]["batch"]
    main = env.outputs["route_table_ids"]["batch"]["main"]

    def adopt(data: Data) -> None:
        data["vpcs"]["batch"] = {
            "account": "prod",
            "existing": {
                "vpc_id": vpc_id,
                "cidrs": ["10.2.0.0/16"],
                "route_tables": {"main": main},
            },
        }

    with pytest.raises(HandoverError, match="'batch' was created by this stack") as info:
        env.up(changed(adopt))
    assert info.value.hint is not None and "--release batch" in info.value.hint
    handed = env.up(changed(adopt), release=["batch"])
    assert env.verify().ok, env.verify().differences
    assert "corp.batch" in deleted(handed)  # from the state only
    ec2 = env.client("ec2", account="prod", region="us-east-1")
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"], "the handed-over VPC must survive"
    # The link's routes in the handed-over table stay as they were: same names, same table.
    assert not any(n.startswith("corp.batch.main.") for n in deleted(handed) | created(handed))
    destroy_and_check_handed_over(env, vpc_id)


def destroy_and_check_handed_over(env: Emulation, vpc_id: str) -> None:
    env.destroy()
    ec2 = env.client("ec2", account="prod", region="us-east-1")
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"], "destroy leaves an adopted VPC alone"


def test_releasing_a_vpc_that_is_not_handed_over_is_refused(env: Emulation) -> None:
    with pytest.raises(HandoverError, match="cannot release 'app'"):
        env.up(BASE, release=["app"])


def test_destroy_leaves_adopted_vpcs_and_removes_every_route(env: Emulation) -> None:
    destroy_and_check(env)


def _subnet(env: Emulation, account: str, region: str, subnet_id: str) -> Any:
    ec2 = env.client("ec2", account=account, region=region)
    (subnet,) = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"]
    return subnet


def _ipv6_of(subnet: Any) -> list[str]:
    """The subnet's associated IPv6 blocks, as ``ipaddress`` writes them."""
    return [
        str(ipaddress.ip_network(a["Ipv6CidrBlock"]))
        for a in subnet.get("Ipv6CidrBlockAssociationSet") or []
        if "disassociat" not in str(a.get("Ipv6CidrBlockState"))
    ]


def test_ipv6_on_subnets_added_renumbered_and_removed(env: Emulation) -> None:
    def dual(data: Data) -> None:
        data["vpcs"]["shared"]["ipv6"] = True
        data["vpcs"]["app"]["ipv6"] = True
        data["vpcs"]["shared"]["subnets"][0]["ipv6_index"] = 0
        data["vpcs"]["app"]["subnets"][0]["ipv6_index"] = 5

    ids = {s.name: s.id for s in env.state if s.type == tokens.SUBNET}
    on = up_and_verify(env, changed(dual))
    # The subnets keep their ids: a block is associated, nothing is replaced.
    assert not replaced(on) and not deleted(on)
    assert {"corp.shared.tools", "corp.app.app-a"} <= updated(on)
    tools = _subnet(env, "net", "us-east-1", ids["corp.shared.tools"] or "")
    (vpc,) = env.client("ec2", account="net", region="us-east-1").describe_vpcs(
        VpcIds=[env.outputs["vpc_ids"]["shared"]]
    )["Vpcs"]
    vpc_block = vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    assert _ipv6_of(tools) == [subnet_ipv6_block(vpc_block, 0)]
    assert tools["AssignIpv6AddressOnCreation"] is True
    app = _subnet(env, "prod", "eu-west-1", ids["corp.app.app-a"] or "")
    assert int(ipaddress.ip_network(_ipv6_of(app)[0]).network_address) >> 64 & 0xFF == 5
    assert app["AssignIpv6AddressOnCreation"] is True

    def inserted(data: Data) -> None:
        dual(data)
        data["vpcs"]["shared"]["subnets"].insert(
            0, {"name": "new", "cidr": "10.0.9.0/24", "az": "a", "ipv6_index": 1}
        )

    grown = up_and_verify(env, changed(inserted))
    # A subnet inserted first renumbers nobody: only it is created.
    assert created(grown) == {"corp.shared.new"} and not updated(grown) and not replaced(grown)

    def renumbered(data: Data) -> None:
        inserted(data)
        data["vpcs"]["shared"]["subnets"][1]["ipv6_index"] = 3

    moved = up_and_verify(env, changed(renumbered))
    assert updated(moved) >= {"corp.shared.tools"} and not replaced(moved)
    tools = _subnet(env, "net", "us-east-1", ids["corp.shared.tools"] or "")
    assert _ipv6_of(tools) == [subnet_ipv6_block(vpc_block, 3)]

    off = up_and_verify(env, BASE)
    assert not replaced(off) and "corp.shared.new" in deleted(off)
    tools = _subnet(env, "net", "us-east-1", ids["corp.shared.tools"] or "")
    assert _ipv6_of(tools) == [] and tools["AssignIpv6AddressOnCreation"] is False
    destroy_and_check(env)


def test_a_spoke_gets_routes_of_its_own_and_loses_them_again(env: Emulation) -> None:
    def narrowed(data: Data) -> None:
        data["hubs"][0]["spokes"][1] = {
            "vpc": "batch",
            "dns_resolution": False,
            "routes": {"batch": {"to": ["shared.tools"]}, "shared": {"tables": ["tools"]}},
        }

    narrow = up_and_verify(env, changed(narrowed))
    # The same link (same name): only its routes and DNS options change.
    assert not replaced(narrow)
    assert created(narrow) == {"corp.batch.main.10.0.1.0-24"}
    assert deleted(narrow) == {"corp.batch.main.10.0.0.0-16", "corp.shared.main.10.2.0.0-16"}
    assert {"corp.shared--batch.requester", "corp.shared--batch.accepter"} <= updated(narrow)
    wide = up_and_verify(env, BASE)
    assert not replaced(wide)
    assert created(wide) == deleted(narrow) and deleted(wide) == created(narrow)
    destroy_and_check(env)
