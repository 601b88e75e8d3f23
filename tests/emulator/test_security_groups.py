"""Security group rules across peers, really created in the emulation."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from peerstack import build_plan, load_topology
from peerstack._components.changes import Change
from peerstack.emulator import Emulation
from peerstack.errors import EmulatorError
from peerstack.plan import Plan
from peerstack.topology import topology_from_data
from tests.helpers.paths import example

WEB_SG = "sg-0a1b2c3d4e5f60718"
DB_SG = "sg-0f1e2d3c4b5a69788"


@pytest.fixture
def plan() -> Plan:
    return build_plan(load_topology(example("security-groups")))


def rules_of(env: Emulation, account: str, region: str, group_id: str) -> list[dict[str, Any]]:
    ec2 = env.ec2(account, region)
    found = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])
    return [dict(r) for r in found["SecurityGroupRules"] if not r["IsEgress"]]


def test_adopted_groups_are_seeded_with_their_ids(plan: Plan) -> None:
    with Emulation(plan) as env:
        ec2 = env.ec2("prod", "us-east-1")
        (group,) = ec2.describe_security_groups(GroupIds=[DB_SG])["SecurityGroups"]
        assert group["VpcId"] == plan.vpc("db").vpc_id
        assert rules_of(env, "prod", "us-east-1", DB_SG) == []


def test_rules_are_created_as_planned(
    plan: Plan, peerstack_emulated_shared: Callable[..., Emulation]
) -> None:
    env = peerstack_emulated_shared(plan)  # deployed once, as right after the deploy
    deployment = env.deployment
    assert deployment.counts_by_type()["SecurityGroupIngressRule"] == len(plan.security_rules)
    db = rules_of(env, "prod", "us-east-1", DB_SG)
    by_source = {
        r.get("CidrIpv4")
        or r.get("CidrIpv6")
        or f"{r['ReferencedGroupInfo']['UserId']}/{r['ReferencedGroupInfo']['GroupId']}": r
        for r in db
    }
    # web's group, across accounts, by reference
    web = by_source[f"111111111111/{WEB_SG}"]
    assert (web["IpProtocol"], web["FromPort"], web["ToPort"]) == ("tcp", 5432, 5432)
    # analytics, across regions: its CIDR blocks, IPv6 as AWS assigned it
    analytics = env.ec2("prod", "eu-west-1").describe_vpcs(
        VpcIds=[env.outputs["vpc_ids"]["analytics"]]
    )["Vpcs"][0]
    ipv6 = analytics["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    assert by_source["10.2.0.0/16"]["FromPort"] == 5432
    assert {by_source[ipv6]["IpProtocol"]} <= {"tcp", "icmpv6"}
    assert len(db) == 4  # tcp 5432 from web's group, 10.2.0.0/16 and IPv6; icmpv6
    tags = {t["Key"]: t["Value"] for t in web["Tags"]}
    assert tags["peerstack:rule"] == "db.postgres.tcp.5432.web.app"
    (icmp,) = rules_of(env, "network", "us-east-1", WEB_SG)
    assert (icmp["IpProtocol"], icmp["CidrIpv4"]) == ("icmp", "10.1.0.0/16")


def test_destroy_revokes_the_rules_and_leaves_the_groups(
    plan: Plan, peerstack_emulated_shared: Callable[..., Emulation]
) -> None:
    env = peerstack_emulated_shared(plan)
    env.destroy()
    ec2 = env.ec2("prod", "us-east-1")
    assert ec2.describe_security_groups(GroupIds=[DB_SG])["SecurityGroups"]
    assert rules_of(env, "prod", "us-east-1", DB_SG) == []
    assert rules_of(env, "network", "us-east-1", WEB_SG) == []


def test_removing_an_entry_revokes_only_its_rule(
    plan: Plan, peerstack_emulated_shared: Callable[..., Emulation]
) -> None:
    data = load_topology(example("security-groups")).model_dump(exclude_defaults=True)
    env = peerstack_emulated_shared(plan)
    smaller = copy.deepcopy(data)
    del smaller["peerings"][0]["allow"][0]  # db's rule for web's group
    deployment = env.up(topology_from_data(smaller))
    gone = {s.name for s in deployment.of(Change.DELETE)}
    assert gone == {"shop.db.postgres.tcp.5432.web.app"}
    assert not deployment.of(Change.REPLACE)
    sources = {
        r.get("ReferencedGroupInfo", {}).get("GroupId")
        for r in rules_of(env, "prod", "us-east-1", DB_SG)
    }
    assert WEB_SG not in sources
    assert env.verify().ok


def test_a_reference_to_an_unpeered_vpcs_group_is_refused(plan: Plan) -> None:
    """db's group may reference web's only over their active connection."""

    def program() -> None:
        prod = aws.Provider(
            "prod",
            region="us-east-1",
            assume_roles=[
                aws.ProviderAssumeRoleArgs(role_arn="arn:aws:iam::222222222222:role/peerstack")
            ],
        )
        aws.vpc.SecurityGroupIngressRule(
            "db-from-web",
            security_group_id=DB_SG,
            referenced_security_group_id=f"111111111111/{WEB_SG}",
            ip_protocol="tcp",
            from_port=5432,
            to_port=5432,
            region="us-east-1",
            opts=pulumi.ResourceOptions(provider=prod),
        )

    with (
        Emulation(plan) as env,
        pytest.raises(EmulatorError, match="no active peering connection"),
    ):
        env.up(program=program)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"ip_protocol": "-1", "from_port": 80, "to_port": 80}, "takes no from_port"),
        ({"ip_protocol": "tcp"}, "need from_port and to_port"),
    ],
)
def test_rules_aws_refuses_are_refused(plan: Plan, inputs: dict[str, Any], message: str) -> None:
    def program() -> None:
        net = pulumi.ResourceOptions(provider=aws.Provider("net", region="us-east-1"))
        aws.vpc.SecurityGroupIngressRule(
            "web-rule",
            security_group_id=WEB_SG,
            cidr_ipv4="10.2.0.0/16",
            region="us-east-1",
            opts=net,
            **inputs,
        )

    with Emulation(plan) as env, pytest.raises(EmulatorError, match=message):
        env.up(program=program)
