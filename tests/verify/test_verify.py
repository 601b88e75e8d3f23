"""Verify catches every fault injected after a deploy, and nothing when there is none."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from moto import mock_aws

from peerstack._render.verify import render_table
from peerstack.automation import Outputs
from peerstack.emulator import Emulation
from peerstack.errors import CredentialsError, VerificationError
from peerstack.plan import Plan, StackOutputs, build_plan
from peerstack.testing import emulated
from peerstack.topology import load_topology
from peerstack.verify import AwsClients, ClientFactory, DifferenceKind, VerifyResult, verify
from tests.helpers.paths import EXAMPLES_DIR

PlanOf = Callable[[str], Plan]


def example(name: str) -> Plan:
    return build_plan(load_topology(EXAMPLES_DIR / f"{name}.yaml"))


def kinds(result: VerifyResult) -> set[DifferenceKind]:
    return {d.kind for d in result.differences}


def subjects(result: VerifyResult, kind: DifferenceKind) -> set[str]:
    return {d.subject for d in result.differences if d.kind is kind}


@pytest.fixture(scope="module")
def hub_plan() -> Plan:
    return example("hub-cross-account")


@pytest.fixture
def hub(hub_plan: Plan, peerstack_emulated_shared: Callable[..., Emulation]) -> Emulation:
    """The hub deployed once per session, as right after its deploy in every test (the
    faults a test injects are undone before the next)."""
    return peerstack_emulated_shared(hub_plan)


def _ids(env: Emulation) -> dict[str, Any]:
    return env.outputs


def clients_of(env: Emulation) -> ClientFactory:
    """The emulation's EC2 clients, as verify asks for them."""
    return lambda account, region: env.client("ec2", account=account, region=region)


def test_a_faithful_deploy_has_no_differences(hub: Emulation, hub_plan: Plan) -> None:
    result = hub.verify()
    assert result.ok and result.differences == ()
    assert result.routes_checked == 17
    assert [(s.link, s.status) for s in result.links] == [
        (link.name, "active") for link in hub_plan.links
    ]
    assert result.reachability == {k: tuple(v) for k, v in hub_plan.reachability.items()}
    result.raise_for_differences()  # does not raise
    assert "verified: 4 links, 17 routes match the plan of 'corp'" == result.summary()


def test_resources_are_found_by_tags_without_outputs(hub: Emulation, hub_plan: Plan) -> None:
    by_tags = verify(hub_plan, clients=clients_of(hub))
    assert by_tags.ok
    assert [s.connection_id for s in by_tags.links] == [
        hub.outputs["peering_connection_ids"][link.name] for link in hub_plan.links
    ]


def test_a_deleted_route_is_missing(hub: Emulation) -> None:
    ids = _ids(hub)
    ec2 = hub.client("ec2", account="prod", region="eu-west-1")
    ec2.delete_route(
        RouteTableId=ids["route_table_ids"]["app-eu"]["main"], DestinationCidrBlock="10.0.0.0/16"
    )
    result = hub.verify()
    assert subjects(result, DifferenceKind.ROUTE_MISSING) == {"app-eu/main -> 10.0.0.0/16"}
    # app-eu still routes 10.100.0.0/16 back to shared, but no subnet of shared is in
    # that block: nothing in shared can talk to app-eu any more.
    assert kinds(result) == {DifferenceKind.ROUTE_MISSING, DifferenceKind.REACHABILITY}
    assert subjects(result, DifferenceKind.REACHABILITY) == {"shared <-> app-eu"}
    with pytest.raises(
        VerificationError, match=re.escape("route-missing: app-eu/main -> 10.0.0.0/16")
    ):
        result.raise_for_differences()


def test_deleting_every_route_back_breaks_reachability(hub: Emulation) -> None:
    ids = _ids(hub)
    ec2 = hub.client("ec2", account="prod", region="us-east-1")
    for cidr in ("10.0.0.0/16", "10.100.0.0/16"):
        ec2.delete_route(
            RouteTableId=ids["route_table_ids"]["app-us"]["main"], DestinationCidrBlock=cidr
        )
    result = hub.verify()
    assert subjects(result, DifferenceKind.REACHABILITY) == {"shared <-> app-us"}
    assert result.reachability["app-us"] == ()


def test_a_route_pointing_at_the_wrong_connection(hub: Emulation) -> None:
    ids = _ids(hub)
    ec2 = hub.client("ec2", account="network", region="us-east-1")
    ec2.replace_route(
        RouteTableId=ids["route_table_ids"]["shared"]["tools"],
        DestinationCidrBlock="10.3.0.0/16",
        VpcPeeringConnectionId=ids["peering_connection_ids"]["shared--app-us"],
    )
    result = hub.verify()
    (wrong,) = [d for d in result.differences if d.kind is DifferenceKind.ROUTE_WRONG_TARGET]
    assert wrong.subject == "shared/tools -> 10.3.0.0/16"
    assert wrong.actual is not None and "(shared--app-us)" in wrong.actual
    assert wrong.expected is not None and "(shared--sandbox)" in wrong.expected


def test_a_deleted_peering_connection(hub: Emulation) -> None:
    ids = _ids(hub)
    ec2 = hub.client("ec2", account="network", region="us-east-1")
    ec2.delete_vpc_peering_connection(
        VpcPeeringConnectionId=ids["peering_connection_ids"]["shared--sandbox"]
    )
    result = hub.verify()
    (link,) = [d for d in result.differences if d.kind is DifferenceKind.LINK_NOT_ACTIVE]
    assert (link.subject, link.actual) == ("shared--sandbox", "deleted")
    assert subjects(result, DifferenceKind.ROUTE_BLACKHOLE) == {
        "shared/main -> 10.3.0.0/16",
        "shared/tools -> 10.3.0.0/16",
        "sandbox/main -> 10.0.0.0/16",
        "sandbox/main -> 10.100.0.0/16",
    }
    assert subjects(result, DifferenceKind.REACHABILITY) == {"shared <-> sandbox"}
    assert {s.link: s.status for s in result.links}["shared--sandbox"] == "deleted"


def test_a_rejected_peering_connection(hub: Emulation, hub_plan: Plan) -> None:
    """The link's connection was replaced by a request the accepter rejected."""
    ids = _ids(hub)
    requester = hub.client("ec2", account="network", region="us-east-1")
    old = ids["peering_connection_ids"]["shared--app-us"]
    (found,) = requester.describe_vpc_peering_connections(VpcPeeringConnectionIds=[old])[
        "VpcPeeringConnections"
    ]
    requester.delete_vpc_peering_connection(VpcPeeringConnectionId=old)
    new = requester.create_vpc_peering_connection(
        VpcId=ids["vpc_ids"]["shared"],
        PeerVpcId=ids["vpc_ids"]["app-us"],
        PeerOwnerId="222222222222",
        TagSpecifications=[{"ResourceType": "vpc-peering-connection", "Tags": found["Tags"]}],
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    hub.client("ec2", account="prod", region="us-east-1").reject_vpc_peering_connection(
        VpcPeeringConnectionId=new
    )
    result = verify(hub_plan, clients=clients_of(hub))  # by tags: finds the new one
    statuses = {s.link: (s.connection_id, s.status) for s in result.links}
    assert statuses["shared--app-us"] == (new, "rejected")
    (link,) = [d for d in result.differences if d.kind is DifferenceKind.LINK_NOT_ACTIVE]
    assert (link.subject, link.actual) == ("shared--app-us", "rejected")
    assert "shared <-> app-us" in subjects(result, DifferenceKind.REACHABILITY)


def test_dns_resolution_switched_off_on_one_side(hub: Emulation) -> None:
    ids = _ids(hub)
    hub.client("ec2", account="prod", region="eu-west-1").modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=ids["peering_connection_ids"]["shared--app-eu"],
        AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": False},
    )
    result = hub.verify()
    (dns,) = result.differences
    assert (dns.kind, dns.subject, dns.expected, dns.actual) == (
        DifferenceKind.DNS_OPTION,
        "shared--app-eu (accepter)",
        "on",
        "off",
    )


def test_dns_resolution_switched_on_where_the_plan_has_it_off(hub: Emulation) -> None:
    ids = _ids(hub)
    hub.client("ec2", account="network", region="us-east-1").modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=ids["peering_connection_ids"]["shared--legacy"],
        RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
    )
    assert subjects(hub.verify(), DifferenceKind.DNS_OPTION) == {"shared--legacy (requester)"}


def test_dns_hostnames_switched_off_on_a_vpc(hub: Emulation) -> None:
    ids = _ids(hub)
    hub.client("ec2", account="prod", region="us-east-1").modify_vpc_attribute(
        VpcId=ids["vpc_ids"]["app-us"], EnableDnsHostnames={"Value": False}
    )
    assert subjects(hub.verify(), DifferenceKind.DNS_ATTRIBUTE) == {"app-us enableDnsHostnames"}


def test_an_extra_route_through_a_peerstack_connection(hub: Emulation) -> None:
    ids = _ids(hub)
    hub.client("ec2", account="network", region="us-east-1").create_route(
        RouteTableId=ids["route_table_ids"]["shared"]["tools"],
        DestinationCidrBlock="192.168.0.0/24",
        VpcPeeringConnectionId=ids["peering_connection_ids"]["shared--app-us"],
    )
    result = hub.verify()
    (extra,) = result.differences
    assert extra.kind is DifferenceKind.ROUTE_UNEXPECTED
    assert extra.subject == "shared/tools -> 192.168.0.0/24"
    assert "shared--app-us" in extra.message


def test_routes_of_other_targets_are_not_peerstacks_business(hub: Emulation) -> None:
    ec2 = hub.client("ec2", account="prod", region="us-east-1")
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId="vpc-0123456789abcdef0")
    ec2.create_route(
        RouteTableId="rtb-0123456789abcdef0", DestinationCidrBlock="0.0.0.0/0", GatewayId=igw
    )
    assert hub.verify().ok


def test_a_route_shadowed_by_more_specific_ones_does_not_reach(
    plan_of: PlanOf, peerstack_emulated_shared: Callable[..., Emulation]
) -> None:
    """Longest prefix wins: a /16 fully covered by two /17s elsewhere carries nothing."""
    plan = example("specific-routes")
    env = peerstack_emulated_shared(plan)
    ids = env.outputs
    ec2 = env.client("ec2", account="main", region="eu-central-1")
    blue_table = ids["route_table_ids"]["central"]["blue"]
    for half in ("192.168.0.0/17", "192.168.128.0/17"):
        ec2.create_route(
            RouteTableId=blue_table,
            DestinationCidrBlock=half,
            VpcPeeringConnectionId=ids["peering_connection_ids"]["central--green"],
        )
    result = env.verify()
    assert subjects(result, DifferenceKind.ROUTE_UNEXPECTED) == {
        "central/blue -> 192.168.0.0/17",
        "central/blue -> 192.168.128.0/17",
    }
    assert subjects(result, DifferenceKind.REACHABILITY) == {"central <-> blue"}


def test_longest_prefix_routes_to_overlapping_peers_both_reach(
    peerstack_emulated_shared: Callable[..., Emulation],
) -> None:
    plan = example("longest-prefix-ipv6")
    env = peerstack_emulated_shared(plan)
    result = env.verify()
    assert result.ok
    assert result.reachability["central"] == ("narrow", "wide")


def test_nothing_deployed_means_everything_missing(hub_plan: Plan) -> None:
    with Emulation(hub_plan) as env:  # adopted VPCs seeded, nothing deployed
        result = verify(hub_plan, clients=clients_of(env))
    missing = subjects(result, DifferenceKind.VPC_MISSING)
    assert missing == {"shared", "app-eu", "app-us", "sandbox"}
    assert subjects(result, DifferenceKind.LINK_MISSING) == {link.name for link in hub_plan.links}
    assert {s.status for s in result.links} == {"missing"}
    assert all(peers == () for peers in result.reachability.values())


def test_outputs_naming_a_connection_that_is_gone(hub: Emulation, hub_plan: Plan) -> None:
    outputs = {
        **hub.outputs,
        "peering_connection_ids": {
            **hub.outputs["peering_connection_ids"],
            "shared--app-us": "pcx-00000000000000000",
        },
    }
    result = verify(hub_plan, clients=clients_of(hub), outputs=outputs)
    assert subjects(result, DifferenceKind.LINK_MISSING) == {"shared--app-us"}


def test_ids_come_from_automation_outputs_too(hub: Emulation, hub_plan: Plan) -> None:
    outputs = Outputs(dict(hub.outputs))
    ids = StackOutputs.parse(outputs)
    assert ids.vpc_ids == hub.outputs["vpc_ids"]
    assert (
        ids.route_table_ids["shared"]["tools"] == hub.outputs["route_table_ids"]["shared"]["tools"]
    )
    assert verify(hub_plan, clients=clients_of(hub), outputs=outputs).ok


def test_result_as_json_and_as_a_table(hub: Emulation) -> None:
    ids = _ids(hub)
    hub.client("ec2", account="network", region="us-east-1").delete_route(
        RouteTableId=ids["route_table_ids"]["shared"]["main"], DestinationCidrBlock="10.2.0.0/16"
    )
    result = hub.verify()
    data = json.loads(json.dumps(result.to_dict()))
    assert data["ok"] is False
    assert data["differences"] == [
        {
            "kind": "route-missing",
            "subject": "shared/main -> 10.2.0.0/16",
            "message": data["differences"][0]["message"],
            "expected": f"via shared--app-us ({ids['peering_connection_ids']['shared--app-us']})",
            "actual": "missing",
        },
        # shared's tools subnet still reaches app-us; its dns subnet (main table) does not.
        {
            "kind": "subnet-reachability",
            "subject": "shared.dns <-> app-us.app-a",
            "message": data["differences"][1]["message"],
            "expected": "reachable",
            "actual": "unreachable",
        },
    ]
    assert {link["status"] for link in data["links"]} == {"active"}
    assert data["reachability"]["shared"] == ["app-eu", "app-us", "legacy", "sandbox"]
    assert "app-us.app-a" not in data["subnet_reachability"]["shared.dns"]
    from rich.console import Console

    console = Console(record=True, width=200)
    console.print(render_table(result))
    text = console.export_text()
    assert "route-missing" in text and "shared/main -> 10.2.0.0/16" in text
    assert "subnet-reachability" in text and "shared.dns <-> app-us.app-a" in text


# -- real-AWS sessions (against moto) ----------------------------------------------------


def test_aws_clients_assume_each_accounts_role(plan_of: PlanOf) -> None:
    plan = plan_of(
        """
        name: roles
        defaults: {account: net, region: us-east-1}
        accounts:
          net: {id: "123456789012"}
          prod: {id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/p", external_id: xy}
        vpcs:
          a: {cidr: 10.1.0.0/16}
          b: {cidr: 10.2.0.0/16, account: prod}
        peerings:
          - {requester: a, accepter: b}
        """
    )
    with mock_aws():
        clients = AwsClients()
        prod = clients(plan.account("prod"), "us-east-1")
        assert {v["OwnerId"] for v in prod.describe_vpcs()["Vpcs"]} == {"222222222222"}
        assert clients(plan.account("prod"), "us-east-1") is prod
        net = clients(plan.account("net"), "eu-west-1")
        assert net.meta.region_name == "eu-west-1"
        assert {v["OwnerId"] for v in net.describe_vpcs()["Vpcs"]} == {"123456789012"}


def test_aws_clients_refuse_credentials_of_another_account(plan_of: PlanOf) -> None:
    plan = plan_of("vpcs: {a: {cidr: 10.1.0.0/16}}\n")
    with mock_aws(), pytest.raises(CredentialsError, match="are for account 123456789012"):
        AwsClients()(plan.account("net"), "us-east-1")


def test_verify_reads_real_aws_the_same_way(plan_of: PlanOf) -> None:
    """Deployed in the emulation, read back with the real-AWS sessions (moto answers)."""
    plan = plan_of(
        """
        name: real
        defaults: {account: net, region: us-east-1, dns_resolution: true}
        accounts:
          net: {id: "123456789012"}
          prod: {id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/p"}
        vpcs:
          a: {cidr: 10.1.0.0/16}
          b: {cidr: 10.2.0.0/16, account: prod, region: eu-west-1}
        peerings:
          - {requester: a, accepter: b}
        """
    )
    with mock_aws(), emulated(plan) as env:
        assert verify(plan).ok  # AwsClients: ambient credentials, then the role
        env.client("ec2", account="prod", region="eu-west-1").delete_route(
            RouteTableId=env.outputs["route_table_ids"]["b"]["main"],
            DestinationCidrBlock="10.1.0.0/16",
        )
        assert not verify(plan).ok


# -- what AWS holds beyond what peerstack created ------------------------------------------


def test_two_spokes_peered_and_routed_to_each_other(hub: Emulation) -> None:
    ids = _ids(hub)
    us = hub.client("ec2", account="prod", region="us-east-1")
    eu = hub.client("ec2", account="prod", region="eu-west-1")
    pcx = us.create_vpc_peering_connection(
        VpcId=ids["vpc_ids"]["app-us"], PeerVpcId=ids["vpc_ids"]["app-eu"], PeerRegion="eu-west-1"
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    eu.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    us.create_route(
        RouteTableId=ids["route_table_ids"]["app-us"]["main"],
        DestinationCidrBlock="10.1.0.0/16",
        VpcPeeringConnectionId=pcx,
    )
    eu.create_route(
        RouteTableId=ids["route_table_ids"]["app-eu"]["main"],
        DestinationCidrBlock="10.2.0.0/16",
        VpcPeeringConnectionId=pcx,
    )
    result = hub.verify()
    (extra,) = [d for d in result.differences if d.kind is DifferenceKind.PEERING_UNEXPECTED]
    assert extra.subject == "app-us -- app-eu"
    assert extra.actual == f"{pcx} (active)"
    assert "which the plan does not peer" in extra.message and "delete it" in extra.message
    assert subjects(result, DifferenceKind.ROUTE_UNEXPECTED) == {
        "app-us/main -> 10.1.0.0/16",
        "app-eu/main -> 10.2.0.0/16",
    }
    (reach,) = [d for d in result.differences if d.kind is DifferenceKind.REACHABILITY]
    assert (reach.subject, reach.actual) == ("app-eu <-> app-us", "reachable")
    assert result.reachability["app-us"] == ("app-eu", "shared")


def test_a_planned_vpc_peered_with_an_unknown_one(hub: Emulation) -> None:
    ec2 = hub.client("ec2", account="network", region="us-east-1")
    stranger = ec2.create_vpc(CidrBlock="192.168.0.0/16")["Vpc"]["VpcId"]
    pcx = ec2.create_vpc_peering_connection(
        VpcId=stranger, PeerVpcId=_ids(hub)["vpc_ids"]["shared"]
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    result = hub.verify()
    (extra,) = result.differences
    assert extra.kind is DifferenceKind.PEERING_UNEXPECTED
    assert extra.subject == f"{stranger} -- shared"
    assert "not in the topology" in extra.message and "111111111111" in extra.message


def test_a_subnet_disassociated_from_its_table(hub: Emulation) -> None:
    ec2 = hub.client("ec2", account="network", region="us-east-1")
    tools_table = _ids(hub)["route_table_ids"]["shared"]["tools"]
    (table,) = ec2.describe_route_tables(RouteTableIds=[tools_table])["RouteTables"]
    (association,) = [a for a in table["Associations"] if a.get("SubnetId")]
    ec2.disassociate_route_table(AssociationId=association["RouteTableAssociationId"])
    result = hub.verify()
    (moved,) = [d for d in result.differences if d.kind is DifferenceKind.SUBNET_ROUTE_TABLE]
    assert (moved.subject, moved.expected, moved.actual) == (
        "shared.tools",
        f"tools ({tools_table})",
        f"main ({_ids(hub)['route_table_ids']['shared']['main']})",
    )
    # legacy routes back only to the tools subnet, which no longer routes to legacy.
    assert subjects(result, DifferenceKind.REACHABILITY) == {"shared <-> legacy"}


def test_a_subnet_moved_to_another_table(hub: Emulation) -> None:
    ids = _ids(hub)
    ec2 = hub.client("ec2", account="network", region="us-east-1")
    (dns,) = ec2.describe_subnets(
        Filters=[
            {"Name": "vpc-id", "Values": [ids["vpc_ids"]["shared"]]},
            {"Name": "cidr-block", "Values": ["10.0.2.0/24"]},
        ]
    )["Subnets"]
    ec2.associate_route_table(
        RouteTableId=ids["route_table_ids"]["shared"]["tools"], SubnetId=dns["SubnetId"]
    )
    result = hub.verify()
    (moved,) = result.differences  # both tables route every spoke: reachability holds
    assert (moved.kind, moved.subject) == (DifferenceKind.SUBNET_ROUTE_TABLE, "shared.dns")
    assert moved.actual is not None and moved.actual.startswith("tools (")
    assert "disassociate it from 'tools'" in moved.message


def test_a_deleted_subnet(hub: Emulation) -> None:
    ids = _ids(hub)
    ec2 = hub.client("ec2", account="prod", region="us-east-1")
    (subnet,) = ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [ids["vpc_ids"]["app-us"]]}]
    )["Subnets"]
    ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    result = hub.verify()
    (missing,) = result.differences
    assert (missing.kind, missing.subject, missing.expected, missing.actual) == (
        DifferenceKind.SUBNET_MISSING,
        "app-us.app-a",
        "10.2.1.0/24",
        "missing",
    )


def test_a_subnet_the_plan_does_not_have(hub: Emulation) -> None:
    ec2 = hub.client("ec2", account="dev", region="us-west-2")
    made = ec2.create_subnet(VpcId=_ids(hub)["vpc_ids"]["sandbox"], CidrBlock="10.3.9.0/24")
    result = hub.verify()
    (extra,) = result.differences
    assert (extra.kind, extra.subject) == (
        DifferenceKind.SUBNET_UNEXPECTED,
        f"sandbox.{made['Subnet']['SubnetId']}",
    )
    assert "vpcs.sandbox.subnets" in extra.message


def test_vpc_blocks_added_and_removed(hub: Emulation) -> None:
    ids = _ids(hub)
    prod = hub.client("ec2", account="prod", region="us-east-1")
    prod.associate_vpc_cidr_block(VpcId=ids["vpc_ids"]["app-us"], CidrBlock="10.200.0.0/16")
    network = hub.client("ec2", account="network", region="us-east-1")
    (vpc,) = network.describe_vpcs(VpcIds=[ids["vpc_ids"]["shared"]])["Vpcs"]
    (secondary,) = [a for a in vpc["CidrBlockAssociationSet"] if a["CidrBlock"] == "10.100.0.0/16"]
    network.disassociate_vpc_cidr_block(AssociationId=secondary["AssociationId"])
    result = hub.verify()
    assert subjects(result, DifferenceKind.VPC_BLOCK_UNEXPECTED) == {"app-us 10.200.0.0/16"}
    assert subjects(result, DifferenceKind.VPC_BLOCK_MISSING) == {"shared 10.100.0.0/16"}
    assert kinds(result) == {DifferenceKind.VPC_BLOCK_UNEXPECTED, DifferenceKind.VPC_BLOCK_MISSING}


def test_a_more_specific_route_to_a_gateway_hides_part_of_a_peer(hub: Emulation) -> None:
    ids = _ids(hub)
    ec2 = hub.client("ec2", account="network", region="us-east-1")
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=ids["vpc_ids"]["shared"])
    ec2.create_route(
        RouteTableId=ids["route_table_ids"]["shared"]["main"],
        DestinationCidrBlock="10.2.1.0/24",
        GatewayId=igw,
    )
    result = hub.verify()
    (hidden,) = [d for d in result.differences if d.kind is DifferenceKind.ROUTE_SHADOWED]
    assert (hidden.subject, hidden.actual) == ("shared/main -> 10.2.1.0/24", f"via {igw}")
    assert "10.2.0.0/16" in hidden.message and "shared--app-us" in hidden.message
    # shared's tools subnet still reaches app-us; its dns subnet (main table) no longer does.
    assert subjects(result, DifferenceKind.SUBNET_REACHABILITY) == {"shared.dns <-> app-us.app-a"}
    assert result.reachability["shared"] == hub.plan.reachability["shared"]
    assert "app-us.app-a" not in result.subnet_reachability["shared.dns"]


def test_an_adopted_connection_is_found_by_its_id_before_any_deploy() -> None:
    """What exists already is what the adopting topology describes: verify finds the
    connection by the id the plan adopts (no outputs, no peerstack tag) and its routes."""
    from tests.emulator.test_adoption import BASE as ADOPTED
    from tests.emulator.test_adoption import PCX

    plan = build_plan(ADOPTED)
    with Emulation(plan) as env:  # seeds the adopted VPCs, connection and routes
        result = verify(plan, clients=env.ec2)
        assert result.ok, [str(d) for d in result.differences]
        assert [(s.link, s.connection_id) for s in result.links] == [("core--warehouse", PCX)]
        env.ec2("net", "us-east-1").delete_vpc_peering_connection(VpcPeeringConnectionId=PCX)
        gone = verify(plan, clients=env.ec2)
    (link,) = [d for d in gone.differences if d.kind is DifferenceKind.LINK_NOT_ACTIVE]
    assert (link.subject, link.actual) == ("core--warehouse", "deleted")


# -- a leftover VPC tagged as one of ours (issue 19, item 3) ------------------------------


def leave_a_vpc_tagged_as(env: Emulation, name: str, cidr: str) -> str:
    """A VPC tagged as the topology's ``name``, as an interrupted run would leave it."""
    vpc = env.plan.vpc(name)
    return str(
        env.ec2(vpc.account, vpc.region).create_vpc(
            CidrBlock=cidr,
            TagSpecifications=[
                {
                    "ResourceType": "vpc",
                    "Tags": [
                        {"Key": "peerstack:topology", "Value": env.plan.topology},
                        {"Key": "peerstack:vpc", "Value": name},
                    ],
                }
            ],
        )["Vpc"]["VpcId"]
    )


def test_a_leftover_vpc_is_reported_once_by_outputs_and_by_tags(hub: Emulation) -> None:
    leftover = leave_a_vpc_tagged_as(hub, "shared", "10.0.0.0/16")
    shared = hub.outputs["vpc_ids"]["shared"]
    for result in (hub.verify(), verify(hub.plan, clients=hub.ec2)):
        (extra,) = result.differences
        assert (extra.kind, extra.subject, extra.actual) == (
            DifferenceKind.VPC_UNEXPECTED,
            f"shared {leftover}",
            leftover,
        )
        assert extra.expected == shared
        assert "if nothing runs in it, delete it" in extra.message
        assert result.reachability == {k: tuple(v) for k, v in hub.plan.reachability.items()}
        assert [s.status for s in result.links] == ["active"] * len(hub.plan.links)


def test_a_leftover_vpc_of_a_name_the_plan_no_longer_has(hub: Emulation) -> None:
    vpc = hub.plan.vpc("shared")
    leftover = hub.ec2(vpc.account, vpc.region).create_vpc(
        CidrBlock="10.50.0.0/16",
        TagSpecifications=[
            {
                "ResourceType": "vpc",
                "Tags": [
                    {"Key": "peerstack:topology", "Value": "corp"},
                    {"Key": "peerstack:vpc", "Value": "retired"},
                ],
            }
        ],
    )["Vpc"]["VpcId"]
    (extra,) = hub.verify().differences
    assert (extra.kind, extra.subject) == (DifferenceKind.VPC_UNEXPECTED, f"retired {leftover}")
    assert "which the plan does not have" in extra.message


# -- verify's messages are scrubbed (issue 19, item 4) ----------------------------------


def test_credentials_in_an_endpoint_url_are_never_shown(hub_plan: Plan) -> None:
    clients = AwsClients(endpoint="http://peer:s3cret-Passw0rd@127.0.0.1:9")
    with pytest.raises(CredentialsError) as info:
        verify(hub_plan, clients=clients)
    shown = f"{info.value} {info.value.hint}"
    assert "s3cret-Passw0rd" not in shown and "peer:" not in shown
    assert "http://[secret]@127.0.0.1:9" in shown


# -- adopted VPCs are taken whole, whatever subnets AWS shows --------------------------


def test_an_adopted_vpcs_own_subnets_leave_its_reachability_as_planned(hub: Emulation) -> None:
    """legacy is adopted: its subnets are not the topology's, so it is taken whole on both
    sides (one endpoint per route table), even where AWS shows one on a bare table."""
    ec2 = hub.ec2("prod", "us-east-1")
    legacy = hub.plan.vpc("legacy")
    assert legacy.vpc_id is not None
    bare = ec2.create_route_table(VpcId=legacy.vpc_id)["RouteTable"]["RouteTableId"]
    subnet = ec2.create_subnet(VpcId=legacy.vpc_id, CidrBlock=legacy.cidrs[0].replace("/16", "/24"))
    ec2.associate_route_table(RouteTableId=bare, SubnetId=subnet["Subnet"]["SubnetId"])
    result = hub.verify()
    assert result.ok, [str(d) for d in result.differences]
    assert result.subnet_reachability == hub.plan.subnet_reachability
    assert result.reachability == {k: tuple(v) for k, v in hub.plan.reachability.items()}
