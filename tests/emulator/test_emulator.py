"""The emulator really creates every resource, in its account and region, or fails loudly."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pulumi
import pulumi_aws as aws
import pytest
from moto import mock_aws

from peerstack import emulator
from peerstack._cidr import subnet_ipv6_block
from peerstack._provider import tokens
from peerstack.emulator import Emulation
from peerstack.errors import EmulatorError
from peerstack.plan import Plan, build_plan
from peerstack.testing import emulated
from peerstack.topology import load_topology
from tests.helpers.paths import EXAMPLES, EXAMPLES_DIR

HUB = EXAMPLES_DIR / "hub-cross-account.yaml"

PlanOf = Callable[[str], Plan]


def example(name: str) -> Plan:
    return build_plan(load_topology(EXAMPLES_DIR / f"{name}.yaml"))


def vpc_ids_in(env: Emulation, account: str, region: str) -> set[str]:
    ec2 = env.client("ec2", account=account, region=region)
    return {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_deploys_and_verifies(path: Path) -> None:
    plan = build_plan(load_topology(path))
    result = emulator.up(plan)
    verification = result.verification
    assert verification is not None and result.engine == "mocks" and result.emulated
    assert result.ok, [str(d) for d in verification.differences]
    counts = result.counts_by_type()
    adopted = [link for link in plan.links if link.adopted]
    assert counts["VpcPeeringConnection"] == len(plan.links) - len(adopted)
    imported = [s for s in result.of("import") if s.type == tokens.CONNECTION]
    assert sorted(s.id or "" for s in imported) == sorted(str(k.existing_id) for k in adopted)
    assert counts.get("VpcPeeringConnectionAccepter", 0) == sum(
        link.needs_accepter for link in plan.links
    ) + len(plan.accepts)
    assert counts["Vpc"] == sum(v.managed for v in plan.vpcs)
    assert counts.get("Route", 0) + len(
        [s for s in result.of("import") if s.type == tokens.ROUTE]
    ) >= len(plan.routes)
    assert counts.get("SecurityGroupIngressRule", 0) == len(plan.security_rules)
    assert {s.status for s in verification.links} == {"active"}
    # One reachability model on both sides: verify's, of what was deployed, is the plan's.
    assert verification.reachability == {k: tuple(v) for k, v in plan.reachability.items()}
    assert verification.subnet_reachability == plan.subnet_reachability


def test_each_vpc_lives_in_its_own_account_and_region(
    peerstack_emulated_shared: Callable[..., Emulation],
) -> None:
    plan = example("hub-cross-account")
    env = peerstack_emulated_shared(plan)
    ids = env.outputs["vpc_ids"]
    for vpc in plan.vpcs:
        assert ids[vpc.name] in vpc_ids_in(env, vpc.account, vpc.region), vpc.name
        for other in plan.accounts:
            if other.id != vpc.account_id:
                assert ids[vpc.name] not in vpc_ids_in(env, other.alias, vpc.region)
    owner = {
        v["VpcId"]: v["OwnerId"]
        for v in env.client("ec2", account="prod", region="eu-west-1").describe_vpcs()["Vpcs"]
    }
    assert owner[ids["app-eu"]] == "222222222222"


def test_cross_account_and_region_links_are_accepted_by_the_accepter(
    peerstack_emulated_shared: Callable[..., Emulation],
) -> None:
    plan = example("hub-cross-account")
    env = peerstack_emulated_shared(plan)
    pcx_id = env.outputs["peering_connection_ids"]["shared--app-eu"]
    # The accepter's account sees the connection in its own region, active.
    ec2 = env.client("ec2", account="prod", region="eu-west-1")
    (pcx,) = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx_id])[
        "VpcPeeringConnections"
    ]
    assert pcx["Status"]["Code"] == "active"
    assert pcx["RequesterVpcInfo"]["OwnerId"] == "111111111111"
    assert pcx["RequesterVpcInfo"]["Region"] == "us-east-1"
    assert pcx["AccepterVpcInfo"]["OwnerId"] == "222222222222"
    assert pcx["AccepterVpcInfo"]["Region"] == "eu-west-1"
    # Each side set its own DNS option.
    assert pcx["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"]
    assert pcx["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"]


def test_outputs_are_the_emulations_own_ids_and_attributes() -> None:
    plan = example("hub-cross-account")
    seen: dict[str, Any] = {}

    def program() -> dict[str, Any]:
        from peerstack._components import PeeringTopology

        topology = PeeringTopology(plan.topology, plan)
        shared = topology.vpcs["shared"].resource
        assert shared is not None
        link = topology.links["shared--app-eu"]
        assert link.accepter is not None
        return {
            "main": shared.main_route_table_id,
            "default": shared.default_route_table_id,
            "ipv6": shared.ipv6_cidr_block,
            "arn": shared.arn,
            "owner": shared.owner_id,
            "accept_status": link.accepter.accept_status,
            "requested_status": link.connection.accept_status,
        }

    with emulated(plan, program=program) as env:
        seen = env.outputs
        ec2 = env.client("ec2", account="network", region="us-east-1")
        (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "tag:peerstack:vpc", "Values": ["shared"]}])[
            "Vpcs"
        ]
        (main,) = ec2.describe_route_tables(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
                {"Name": "association.main", "Values": ["true"]},
            ]
        )["RouteTables"]
    assert seen["main"] == seen["default"] == main["RouteTableId"]
    assert seen["ipv6"] == vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    assert seen["arn"] == f"arn:aws:ec2:us-east-1:111111111111:vpc/{vpc['VpcId']}"
    assert seen["owner"] == "111111111111"
    assert seen["accept_status"] == "active"
    assert seen["requested_status"] == "pending-acceptance"


def test_deferred_ipv6_routes_use_the_block_aws_assigned(
    peerstack_emulated_shared: Callable[..., Emulation],
) -> None:
    plan = example("longest-prefix-ipv6")
    env = peerstack_emulated_shared(plan)
    ec2 = env.client("ec2", account="main", region="us-east-2")
    vpcs = {
        t["Value"]: v
        for v in ec2.describe_vpcs()["Vpcs"]
        for t in v.get("Tags", [])
        if t["Key"] == "peerstack:vpc"
    }
    wide_v6 = vpcs["wide"]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    table = env.outputs["route_table_ids"]["central"]["main"]
    (found,) = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"]
    over_peering = {
        r.get("DestinationIpv6CidrBlock")
        for r in found["Routes"]
        if r.get("VpcPeeringConnectionId")
    }
    assert wide_v6 in over_peering


def test_adopted_vpc_keeps_the_ids_its_topology_gives(
    peerstack_emulated_shared: Callable[..., Emulation],
) -> None:
    plan = example("hub-cross-account")
    env = peerstack_emulated_shared(plan)
    ec2 = env.client("ec2", account="prod", region="us-east-1")
    (vpc,) = ec2.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])["Vpcs"]
    assert vpc["CidrBlock"] == "172.31.0.0/16"
    (table,) = ec2.describe_route_tables(RouteTableIds=["rtb-0123456789abcdef0"])["RouteTables"]
    assert table["VpcId"] == "vpc-0123456789abcdef0"
    assert any(a.get("Main") for a in table["Associations"])
    pcx = env.outputs["peering_connection_ids"]["shared--legacy"]
    assert {
        (r.get("DestinationCidrBlock"), r.get("VpcPeeringConnectionId"))
        for r in table["Routes"]
        if r.get("VpcPeeringConnectionId")
    } == {("10.0.1.0/24", pcx)}


def test_adopted_vpc_keeps_what_it_had_before_up() -> None:
    plan = example("hub-cross-account")
    before: dict[str, Any] = {}

    def legacy_as_it_is(env: Emulation) -> None:
        ec2 = env.client("ec2", account="prod", region="us-east-1")
        subnet = ec2.create_subnet(
            VpcId="vpc-0123456789abcdef0", CidrBlock="172.31.1.0/24", AvailabilityZone="us-east-1a"
        )["Subnet"]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId="vpc-0123456789abcdef0")
        ec2.create_route(
            RouteTableId="rtb-0123456789abcdef0", DestinationCidrBlock="0.0.0.0/0", GatewayId=igw
        )
        other = ec2.create_route_table(VpcId="vpc-0123456789abcdef0")["RouteTable"]
        ec2.create_route(
            RouteTableId=other["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw
        )
        before.update(
            subnet=subnet["SubnetId"],
            igw=igw,
            other=other["RouteTableId"],
            tables=ec2.describe_route_tables(
                Filters=[{"Name": "vpc-id", "Values": ["vpc-0123456789abcdef0"]}]
            )["RouteTables"],
        )

    with emulated(plan, before_up=legacy_as_it_is) as env:
        assert env.verify().ok
        ec2 = env.client("ec2", account="prod", region="us-east-1")
        after = {
            t["RouteTableId"]: t
            for t in ec2.describe_route_tables(
                Filters=[{"Name": "vpc-id", "Values": ["vpc-0123456789abcdef0"]}]
            )["RouteTables"]
        }
        assert set(after) == {t["RouteTableId"] for t in before["tables"]}
        for table in before["tables"]:
            new = [r for r in after[table["RouteTableId"]]["Routes"] if r not in table["Routes"]]
            assert all(r in after[table["RouteTableId"]]["Routes"] for r in table["Routes"])
            if table["RouteTableId"] == "rtb-0123456789abcdef0":
                assert [r["DestinationCidrBlock"] for r in new] == ["10.0.1.0/24"]
            else:
                assert new == []  # a table the plan does not name is not touched
            assert table["Associations"] == after[table["RouteTableId"]]["Associations"]
        (vpc,) = ec2.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])["Vpcs"]
        assert ec2.describe_subnets(SubnetIds=[before["subnet"]])["Subnets"]
        assert ec2.describe_internet_gateways(InternetGatewayIds=[before["igw"]])[
            "InternetGateways"
        ][0]["Attachments"]
        assert vpc["CidrBlock"] == "172.31.0.0/16"
        no_dns = ec2.describe_vpc_attribute(
            VpcId="vpc-0123456789abcdef0", Attribute="enableDnsHostnames"
        )
        assert not no_dns["EnableDnsHostnames"]["Value"]


def test_route_tables_of_an_adopted_vpc_are_discovered_at_deploy_time(plan_of: PlanOf) -> None:
    plan = plan_of(
        """
        vpcs:
          app: {cidr: 10.1.0.0/16}
          old:
            existing: {vpc_id: vpc-0aaaaaaaaaaaaaaa1, cidrs: [172.20.0.0/16]}
        peerings:
          - {requester: app, accepter: old}
        """
    )
    extra: list[str] = []

    def another_table(env: Emulation) -> None:
        ec2 = env.client("ec2", account="net", region="us-east-1")
        extra.append(
            ec2.create_route_table(VpcId="vpc-0aaaaaaaaaaaaaaa1")["RouteTable"]["RouteTableId"]
        )

    with emulated(plan, before_up=another_table) as env:
        assert env.verify().ok
        ec2 = env.client("ec2", account="net", region="us-east-1")
        tables = ec2.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": ["vpc-0aaaaaaaaaaaaaaa1"]}]
        )["RouteTables"]
        assert len(tables) == 2 and extra[0] in {t["RouteTableId"] for t in tables}
        for table in tables:
            assert [
                r["DestinationCidrBlock"]
                for r in table["Routes"]
                if r.get("VpcPeeringConnectionId")
            ] == ["10.1.0.0/16"]


def test_preview_lists_resources_and_creates_none() -> None:
    plan = example("hub-cross-account")
    with Emulation(plan) as env:
        preview = env.preview()
        assert preview.counts_by_type() == {
            "PeeringConnectionOptions": 8,
            "Route": 17,
            "RouteTable": 1,
            "RouteTableAssociation": 1,
            "Subnet": 4,
            "Vpc": 4,
            "VpcIpv4CidrBlockAssociation": 1,
            "VpcPeeringConnection": 4,
            "VpcPeeringConnectionAccepter": 4,
        }
        assert all(r.id is None for r in preview.resources if r.account_id is not None)
        assert vpc_ids_in(env, "network", "us-east-1") == set()
        assert vpc_ids_in(env, "prod", "us-east-1") == {"vpc-0123456789abcdef0"}
        assert not env.client(
            "ec2", account="network", region="us-east-1"
        ).describe_vpc_peering_connections()["VpcPeeringConnections"]
    assert emulator.preview(plan).counts_by_type() == preview.counts_by_type()


def test_progress_is_reported_per_resource() -> None:
    seen: list[str] = []
    result = emulator.up(example("specific-routes"), on_resource=lambda r: seen.append(r.type))
    assert seen.count(tokens.ROUTE) == result.counts_by_type()["Route"]


def test_the_emulation_is_discarded_and_fresh_each_time() -> None:
    plan = example("specific-routes")
    with emulated(plan) as env:
        first = env.outputs["vpc_ids"]["central"]
    with emulated(plan) as env:
        assert first not in vpc_ids_in(env, "main", "eu-central-1")
        assert len(vpc_ids_in(env, "main", "eu-central-1")) == 3


def test_an_active_moto_is_joined_not_reset() -> None:
    plan = example("specific-routes")
    with mock_aws():
        with emulated(plan) as env:
            central = env.outputs["vpc_ids"]["central"]
        # The caller's moto keeps what the emulation created.
        sts = boto3.client("sts", region_name="us-east-1")
        creds = sts.assume_role(RoleArn="arn:aws:iam::444444444444:role/x", RoleSessionName="test")[
            "Credentials"
        ]
        ec2 = boto3.client(
            "ec2",
            region_name="eu-central-1",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        assert ec2.describe_vpcs(VpcIds=[central])["Vpcs"]


def test_clients_are_cached_per_account_and_region() -> None:
    with Emulation(example("specific-routes")) as env:
        a = env.client("ec2", account="main", region="eu-central-1")
        assert env.client("ec2", account="444444444444", region="eu-central-1") is a
        assert env.client("ec2", account="main", region="us-east-1") is not a
        with pytest.raises(EmulatorError, match="unknown account 'nope'"):
            env.client("ec2", account="nope", region="us-east-1")
    with pytest.raises(EmulatorError, match="not running"):
        env.client("ec2", account="main", region="eu-central-1")


def test_moto_account_id_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "999999999999")
    with pytest.raises(EmulatorError, match="MOTO_ACCOUNT_ID"):
        emulator.up(example("specific-routes"))


# -- failing loudly -----------------------------------------------------------------------


def _run(plan: Plan, program: Callable[[], Any]) -> None:
    with Emulation(plan) as env:
        env.up(program=program)


def _provider() -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(provider=aws.Provider("net", region="us-east-1"))


@pytest.fixture
def two_vpcs(plan_of: PlanOf) -> Plan:
    return plan_of(
        """
        vpcs:
          a: {cidr: 10.1.0.0/16}
          b: {cidr: 10.2.0.0/16, account: prod, region: eu-west-1}
        peerings:
          - {requester: a, accepter: b}
        """
    )


def test_an_unsupported_resource_type_fails_naming_it(two_vpcs: Plan) -> None:
    def program() -> None:
        opts = _provider()
        vpc = aws.ec2.Vpc("v", cidr_block="10.9.0.0/16", region="us-east-1", opts=opts)
        aws.ec2.InternetGateway("igw", vpc_id=vpc.id, region="us-east-1", opts=opts)

    with pytest.raises(EmulatorError, match=r"aws:ec2/internetGateway:InternetGateway.*'igw'"):
        _run(two_vpcs, program)


def test_an_unsupported_invoke_fails_naming_it(two_vpcs: Plan) -> None:
    def program() -> None:
        aws.get_caller_identity(opts=pulumi.InvokeOptions(provider=aws.Provider("net")))

    with pytest.raises(EmulatorError, match="aws:index/getCallerIdentity:getCallerIdentity"):
        _run(two_vpcs, program)


def test_an_input_the_emulator_would_ignore_fails_naming_it(two_vpcs: Plan) -> None:
    def program() -> None:
        aws.ec2.Vpc(
            "v",
            cidr_block="10.9.0.0/16",
            enable_network_address_usage_metrics=True,
            region="us-east-1",
            opts=_provider(),
        )

    with pytest.raises(EmulatorError, match="enableNetworkAddressUsageMetrics"):
        _run(two_vpcs, program)


def test_a_resource_without_region_fails(two_vpcs: Plan) -> None:
    def program() -> None:
        aws.ec2.Vpc("v", cidr_block="10.9.0.0/16", opts=_provider_without_region())

    with pytest.raises(EmulatorError, match="has no `region`"):
        _run(two_vpcs, program)


def _provider_without_region() -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(provider=aws.Provider("net"))


def test_aws_errors_from_the_emulation_fail_the_deploy(two_vpcs: Plan) -> None:
    def program() -> None:
        aws.ec2.Vpc("v", cidr_block="10.9.0.0/8", region="us-east-1", opts=_provider())

    with pytest.raises(EmulatorError, match=r"creating Vpc 'v'.*InvalidVpc\.Range"):
        _run(two_vpcs, program)


def _cross_account_pair(*, accept: bool, options_from: str | None = None) -> Callable[[], None]:
    def program() -> None:
        net = aws.Provider("net", region="us-east-1")
        prod = aws.Provider(
            "prod",
            region="eu-west-1",
            assume_roles=[
                aws.ProviderAssumeRoleArgs(role_arn="arn:aws:iam::222222222222:role/peerstack")
            ],
        )
        a = aws.ec2.Vpc(
            "a",
            cidr_block="10.1.0.0/16",
            region="us-east-1",
            opts=pulumi.ResourceOptions(provider=net),
        )
        b = aws.ec2.Vpc(
            "b",
            cidr_block="10.2.0.0/16",
            region="eu-west-1",
            opts=pulumi.ResourceOptions(provider=prod),
        )
        pcx = aws.ec2.VpcPeeringConnection(
            "a-b",
            vpc_id=a.id,
            peer_vpc_id=b.id,
            peer_owner_id="222222222222",
            peer_region="eu-west-1",
            region="us-east-1",
            opts=pulumi.ResourceOptions(provider=net),
        )
        pcx_id = pcx.id
        if accept:
            accepter = aws.ec2.VpcPeeringConnectionAccepter(
                "a-b",
                vpc_peering_connection_id=pcx.id,
                auto_accept=True,
                region="eu-west-1",
                opts=pulumi.ResourceOptions(provider=prod),
            )
            pcx_id = accepter.vpc_peering_connection_id
        if options_from == "requester-account-for-accepter":
            aws.ec2.PeeringConnectionOptions(
                "a-b.accepter",
                vpc_peering_connection_id=pcx_id,
                accepter=aws.ec2.PeeringConnectionOptionsAccepterArgs(
                    allow_remote_vpc_dns_resolution=True
                ),
                region="us-east-1",
                opts=pulumi.ResourceOptions(provider=net),
            )
        elif options_from == "requester":
            aws.ec2.PeeringConnectionOptions(
                "a-b.requester",
                vpc_peering_connection_id=pcx_id,
                requester=aws.ec2.PeeringConnectionOptionsRequesterArgs(
                    allow_remote_vpc_dns_resolution=True
                ),
                region="us-east-1",
                opts=pulumi.ResourceOptions(provider=net),
            )

    return program


def test_peering_options_need_an_active_connection(two_vpcs: Plan) -> None:
    with pytest.raises(EmulatorError, match=r"OperationNotPermitted.*'pending-acceptance'"):
        _run(two_vpcs, _cross_account_pair(accept=False, options_from="requester"))


def test_each_side_sets_its_own_peering_options(two_vpcs: Plan) -> None:
    with pytest.raises(
        EmulatorError, match=r"accepter options .* only by account 222222222222 in eu-west-1"
    ):
        _run(
            two_vpcs,
            _cross_account_pair(accept=True, options_from="requester-account-for-accepter"),
        )


def test_auto_accept_across_accounts_is_refused(two_vpcs: Plan) -> None:
    def program() -> None:
        net = pulumi.ResourceOptions(provider=aws.Provider("net", region="us-east-1"))
        a = aws.ec2.Vpc("a", cidr_block="10.1.0.0/16", region="us-east-1", opts=net)
        b = aws.ec2.Vpc("b", cidr_block="10.2.0.0/16", region="us-east-1", opts=net)
        aws.ec2.VpcPeeringConnection(
            "a-b",
            vpc_id=a.id,
            peer_vpc_id=b.id,
            peer_owner_id="222222222222",
            auto_accept=True,
            region="us-east-1",
            opts=net,
        )

    with pytest.raises(EmulatorError, match="auto_accept works only within one account"):
        _run(two_vpcs, program)


# -- the outstanding-request quota -------------------------------------------------------

SIX_REQUESTS = """
vpcs:
  hub: {cidr: 10.0.0.0/16}
  s1: {cidr: 10.1.0.0/16, region: eu-west-1}
  s2: {cidr: 10.2.0.0/16, region: eu-west-1}
  s3: {cidr: 10.3.0.0/16, region: eu-west-1, account: prod}
  s4: {cidr: 10.4.0.0/16, account: prod}
  s5: {cidr: 10.5.0.0/16, region: us-west-2}
  s6: {cidr: 10.6.0.0/16, region: us-west-2}
hubs:
  - {hub: hub, spokes: [s1, s2, s3, s4, s5, s6]}
quotas: {outstanding_requests_per_account: 2}
"""


def test_the_plans_schedule_deploys_more_requests_than_the_quota(plan_of: PlanOf) -> None:
    plan = plan_of(SIX_REQUESTS)
    assert sum(link.waits_for is not None for link in plan.links) == 4
    verification = emulator.up(plan).verification
    assert verification is not None
    assert verification.ok, [str(d) for d in verification.differences]
    assert {s.status for s in verification.links} == {"active"}


def test_without_the_schedule_the_same_requests_exceed_the_quota(plan_of: PlanOf) -> None:
    plan = plan_of(SIX_REQUESTS)
    unscheduled = dataclasses.replace(
        plan, links=tuple(dataclasses.replace(link, waits_for=None) for link in plan.links)
    )
    with pytest.raises(
        EmulatorError,
        match=r"PendingVpcPeeringConnectionLimitExceeded: Vpc peering connection request "
        r"limit exceeded \(account 111111111111 has 2 requests pending acceptance, the limit "
        r"of 2 outstanding requests\)",
    ):
        emulator.up(unscheduled)


@pytest.mark.parametrize("accept_first", [False, True], ids=["pending", "accepted"])
def test_outstanding_requests_are_counted_when_each_is_made(
    plan_of: PlanOf, accept_first: bool
) -> None:
    """Two requests across regions pending (each counted once, though moto files it in
    both regions): a third fails; once one is accepted, it no longer counts."""
    quota_of_two = plan_of(SIX_REQUESTS)

    def program() -> None:
        net = aws.Provider("net", region="us-east-1")
        here = pulumi.ResourceOptions(provider=net)
        a = aws.ec2.Vpc("a", cidr_block="10.1.0.0/16", region="us-east-1", opts=here)
        peers = [
            aws.ec2.Vpc(f"b{i}", cidr_block=f"10.2.{i}.0/24", region="eu-west-1", opts=here)
            for i in range(3)
        ]
        first, second = (
            aws.ec2.VpcPeeringConnection(
                f"a-b{i}",
                vpc_id=a.id,
                peer_vpc_id=peers[i].id,
                peer_region="eu-west-1",
                region="us-east-1",
                opts=here,
            )
            for i in range(2)
        )
        waits: list[pulumi.Resource] = [first, second]
        if accept_first:
            waits.append(
                aws.ec2.VpcPeeringConnectionAccepter(
                    "a-b0",
                    vpc_peering_connection_id=first.id,
                    auto_accept=True,
                    region="eu-west-1",
                    opts=here,
                )
            )
        aws.ec2.VpcPeeringConnection(
            "a-b2",
            vpc_id=a.id,
            peer_vpc_id=peers[2].id,
            peer_region="eu-west-1",
            region="us-east-1",
            opts=pulumi.ResourceOptions(provider=net, depends_on=waits),
        )

    with Emulation(quota_of_two) as env:
        if not accept_first:
            with pytest.raises(
                EmulatorError, match=r"'a-b2'.*account 111111111111 has 2 requests pending"
            ):
                env.up(program=program)
            return
        env.up(program=program)
        ec2 = env.client("ec2", account="net", region="us-east-1")
        found = ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
        codes = sorted(pcx["Status"]["Code"] for pcx in found)
        assert codes == ["active", "pending-acceptance", "pending-acceptance"]


def test_a_route_to_another_vpcs_connection_is_refused(two_vpcs: Plan) -> None:
    def program() -> None:
        net = pulumi.ResourceOptions(provider=aws.Provider("net", region="us-east-1"))
        a = aws.ec2.Vpc("a", cidr_block="10.1.0.0/16", region="us-east-1", opts=net)
        b = aws.ec2.Vpc("b", cidr_block="10.2.0.0/16", region="us-east-1", opts=net)
        c = aws.ec2.Vpc("c", cidr_block="10.3.0.0/16", region="us-east-1", opts=net)
        pcx = aws.ec2.VpcPeeringConnection(
            "a-b", vpc_id=a.id, peer_vpc_id=b.id, auto_accept=True, region="us-east-1", opts=net
        )
        aws.ec2.Route(
            "c-to-a",
            route_table_id=c.main_route_table_id,
            destination_cidr_block="10.1.0.0/16",
            vpc_peering_connection_id=pcx.id,
            region="us-east-1",
            opts=net,
        )

    with pytest.raises(EmulatorError, match="not a side of peering connection"):
        _run(two_vpcs, program)


def test_a_subnet_in_another_regions_zone_is_refused(two_vpcs: Plan) -> None:
    def program() -> None:
        net = pulumi.ResourceOptions(provider=aws.Provider("net", region="us-east-1"))
        a = aws.ec2.Vpc("a", cidr_block="10.1.0.0/16", region="us-east-1", opts=net)
        aws.ec2.Subnet(
            "s",
            vpc_id=a.id,
            cidr_block="10.1.1.0/24",
            availability_zone="eu-west-1a",
            region="us-east-1",
            opts=net,
        )

    with pytest.raises(EmulatorError, match="'eu-west-1a' is not in region 'us-east-1'"):
        _run(two_vpcs, program)


def test_a_provider_whose_account_cannot_be_told_fails(plan_of: PlanOf) -> None:
    plan = plan_of(
        """
        name: two-ambient
        defaults: {account: a, region: us-east-1}
        accounts:
          a: {id: "111111111111"}
          b: {id: "222222222222"}
        vpcs:
          x: {cidr: 10.1.0.0/16}
          y: {cidr: 10.2.0.0/16, account: b}
        peerings:
          - {requester: x, accepter: y}
        """
    )

    # peerstack pins each provider to its account; a provider that names neither a role
    # nor an allowed account, with two accounts on ambient credentials, is ambiguous.
    def program() -> None:
        provider = aws.Provider("bare", region="us-east-1")
        aws.ec2.Vpc(
            "v",
            cidr_block="10.9.0.0/16",
            region="us-east-1",
            opts=pulumi.ResourceOptions(provider=provider),
        )

    with pytest.raises(EmulatorError, match="cannot tell which account provider"):
        emulator.up(plan, program=program)


def test_runs_from_inside_a_running_event_loop() -> None:
    import asyncio

    async def deploy() -> bool:
        return emulator.up(example("specific-routes")).ok

    assert asyncio.run(deploy())


def test_the_pytest_fixture_deploys_and_discards(peerstack_emulated: Any) -> None:
    env = peerstack_emulated(EXAMPLES_DIR / "specific-routes.yaml")
    assert env.verify().ok
    assert set(env.outputs["peering_connection_ids"]) == {"central--blue", "central--green"}


def test_reads_and_less_common_resources_are_real_too(two_vpcs: Plan) -> None:
    def program() -> dict[str, Any]:
        net = pulumi.ResourceOptions(provider=aws.Provider("net", region="us-east-1"))
        vpc = aws.ec2.Vpc("a", cidr_block="10.1.0.0/16", region="us-east-1", opts=net)
        v6 = aws.ec2.VpcIpv6CidrBlockAssociation(
            "a.v6",
            vpc_id=vpc.id,
            assign_generated_ipv6_cidr_block=True,
            region="us-east-1",
            opts=net,
        )
        subnet = aws.ec2.Subnet(
            "a.s",
            vpc_id=vpc.id,
            cidr_block="10.1.1.0/24",
            availability_zone_id="use1-az1",
            map_public_ip_on_launch=True,
            region="us-east-1",
            opts=net,
        )
        read = aws.ec2.Vpc.get("a.read", vpc.id, region="us-east-1", opts=net)
        return {
            "vpc": vpc.id,
            "v6": v6.ipv6_cidr_block,
            "zone": subnet.availability_zone,
            "subnet": subnet.id,
            "read_cidr": read.cidr_block,
            "read_main": read.main_route_table_id,
            "main": vpc.main_route_table_id,
        }

    with Emulation(two_vpcs) as env:
        deployment = env.up(program=program)
        out = deployment.outputs
        ec2 = env.client("ec2", account="net", region="us-east-1")
        (vpc,) = ec2.describe_vpcs(VpcIds=[out["vpc"]])["Vpcs"]
        (subnet,) = ec2.describe_subnets(SubnetIds=[out["subnet"]])["Subnets"]
    assert out["v6"] == vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    assert out["zone"] == subnet["AvailabilityZone"] and subnet["AvailabilityZoneId"] == "use1-az1"
    assert subnet["MapPublicIpOnLaunch"] is True
    assert (out["read_cidr"], out["read_main"]) == ("10.1.0.0/16", out["main"])
    # A read creates nothing: it is not among the resources created.
    assert "a.read" not in {r.name for r in deployment.resources}


def test_the_garbage_collector_is_as_it_was_after_a_run() -> None:
    import gc

    before = gc.get_threshold()
    emulator.up(example("specific-routes"))
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a caller's own freeze is left alone
    try:
        emulator.up(example("specific-routes"))
        assert gc.get_freeze_count() > 0  # still frozen: not undone by the run
        assert gc.get_threshold() == before
    finally:
        gc.unfreeze()


def _subnets_with_ipv6(*blocks: Callable[[str], str]) -> Callable[[], None]:
    """A VPC with IPv6 and one subnet per function of the VPC's block (its /64)."""

    def program() -> None:
        opts = _provider()
        vpc = aws.ec2.Vpc(
            "v",
            cidr_block="10.9.0.0/16",
            assign_generated_ipv6_cidr_block=True,
            region="us-east-1",
            opts=opts,
        )
        for index, block in enumerate(blocks):
            aws.ec2.Subnet(
                f"s{index}",
                vpc_id=vpc.id,
                cidr_block=f"10.9.{index}.0/24",
                ipv6_cidr_block=vpc.ipv6_cidr_block.apply(block),
                region="us-east-1",
                opts=opts,
            )

    return program


def test_a_subnet_ipv6_block_outside_its_vpcs_block_is_refused(two_vpcs: Plan) -> None:
    # moto takes any block; AWS answers InvalidSubnet.Range.
    program = _subnets_with_ipv6(lambda _: "2001:db8::/64")
    with pytest.raises(EmulatorError, match=r"'s0'.*InvalidSubnet\.Range.*a /64 of its VPC"):
        _run(two_vpcs, program)


def test_a_subnet_ipv6_block_that_is_not_a_64_is_refused(two_vpcs: Plan) -> None:
    program = _subnets_with_ipv6(lambda b: subnet_ipv6_block(b, 0).replace("/64", "/72"))
    with pytest.raises(EmulatorError, match=r"InvalidSubnet\.Range"):
        _run(two_vpcs, program)


def test_two_subnets_with_one_ipv6_block_are_refused(two_vpcs: Plan) -> None:
    def same(block: str) -> str:
        return subnet_ipv6_block(block, 7)

    with pytest.raises(EmulatorError, match=r"InvalidSubnet\.Conflict"):
        _run(two_vpcs, _subnets_with_ipv6(same, same))
