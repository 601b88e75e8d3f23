"""Security group rules across peers, really created in the emulation."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from peerstack import build_plan, load_topology
from peerstack._provider.changes import Change
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
    (icmp,) = [r for r in rules_of(env, "network", "us-east-1", WEB_SG) if r.get("CidrIpv4")]
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


def created_group(env: Emulation, plan: Plan, vpc: str, name: str) -> dict[str, Any]:
    """The group peerstack created as ``vpc``'s ``name``, found by its tags."""
    where = plan.vpc(vpc)
    ec2 = env.ec2(where.account, where.region)
    found = ec2.describe_security_groups(
        Filters=[
            {"Name": "tag:peerstack:vpc", "Values": [vpc]},
            {"Name": "tag:peerstack:security-group", "Values": [name]},
        ]
    )["SecurityGroups"]
    (group,) = found
    return dict(group)


def egress_of(env: Emulation, account: str, region: str, group_id: str) -> set[str]:
    ec2 = env.ec2(account, region)
    found = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])
    return {
        f"{r['IpProtocol']} {r.get('CidrIpv4') or r.get('CidrIpv6')}"
        for r in found["SecurityGroupRules"]
        if r["IsEgress"]
    }


def test_created_groups_let_everything_out_and_peers_in(plan: Plan) -> None:
    with Emulation(plan) as env:
        deployment = env.up()
        assert deployment.counts_by_type()["SecurityGroup"] == 2
        jobs = created_group(env, plan, "analytics", "jobs")
        assert jobs["VpcId"] == env.outputs["vpc_ids"]["analytics"]
        assert jobs["GroupName"] == "shop-analytics-jobs"
        # The provider revoked AWS's own egress rules; peerstack's standalone ones are back.
        assert egress_of(env, "prod", "eu-west-1", jobs["GroupId"]) == {
            "-1 0.0.0.0/0",
            "-1 ::/0",
        }
        sources = {
            r.get("CidrIpv4") or r.get("CidrIpv6")
            for r in rules_of(env, "prod", "eu-west-1", jobs["GroupId"])
        }
        assert sources == {"10.1.0.0/16", "2600:1f18:4a2:e100::/56"}
        redis = created_group(env, plan, "cache", "redis")
        assert egress_of(env, "prod", "us-east-1", redis["GroupId"]) == {"-1 0.0.0.0/0"}
        (from_web,) = rules_of(env, "prod", "us-east-1", redis["GroupId"])
        assert from_web["ReferencedGroupInfo"]["GroupId"] == WEB_SG
        # web's adopted group references the created group, across accounts.
        (from_redis,) = [
            r for r in rules_of(env, "network", "us-east-1", WEB_SG) if r.get("ReferencedGroupInfo")
        ]
        assert (
            from_redis["ReferencedGroupInfo"]
            == {
                "GroupId": redis["GroupId"],
                "UserId": "222222222222",
            }
            or from_redis["ReferencedGroupInfo"]["GroupId"] == redis["GroupId"]
        )
        assert env.verify().ok


def test_a_group_deleted_outside_peerstack_is_reported(plan: Plan) -> None:
    with Emulation(plan) as env:
        env.up()
        jobs = created_group(env, plan, "analytics", "jobs")
        ec2 = env.ec2("prod", "eu-west-1")
        for rule in ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [jobs["GroupId"]]}]
        )["SecurityGroupRules"]:
            revoke = (
                ec2.revoke_security_group_egress
                if rule["IsEgress"]
                else ec2.revoke_security_group_ingress
            )
            revoke(GroupId=jobs["GroupId"], SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])
        ec2.delete_security_group(GroupId=jobs["GroupId"])
        result = env.verify()
        assert not result.ok
        kinds = {d.kind.value for d in result.differences}
        assert kinds == {"security-group-missing"}
        (missing,) = result.differences
        assert missing.subject == "analytics/jobs"
        assert "deleted outside peerstack" in missing.message


def test_adding_a_group_creates_only_it_and_removing_it_deletes_it_after_its_rules(
    plan: Plan,
) -> None:
    data = load_topology(example("security-groups")).model_dump(exclude_defaults=True)
    with Emulation(plan) as env:
        env.up()
        bigger = copy.deepcopy(data)
        bigger["vpcs"]["cache"]["security_groups"] = ["redis", "memcached"]
        deployment = env.up(topology_from_data(bigger))
        assert {s.name for s in deployment.of(Change.CREATE)} == {
            "shop.cache.memcached",
            "shop.cache.memcached.egress.0.0.0.0-0",
        }
        assert not deployment.of(Change.DELETE) and not deployment.of(Change.REPLACE)

        redis = created_group(env, plan, "cache", "redis")
        smaller = copy.deepcopy(data)
        smaller["vpcs"]["cache"]["security_groups"] = []
        del smaller["peerings"][2]["allow"]  # both of web -- cache's rules name redis
        deployment = env.up(topology_from_data(smaller))
        assert {s.name for s in deployment.of(Change.DELETE)} == {
            "shop.cache.redis",
            "shop.cache.redis.egress.0.0.0.0-0",
            "shop.cache.memcached",
            "shop.cache.memcached.egress.0.0.0.0-0",
            "shop.cache.redis.tcp.6379.web.app",
            "shop.web.app.tcp.443.cache.redis",
        }
        assert not deployment.of(Change.CREATE) and not deployment.of(Change.REPLACE)
        ec2 = env.ec2("prod", "us-east-1")
        left = ec2.describe_security_groups(
            Filters=[{"Name": "group-id", "Values": [redis["GroupId"]]}]
        )["SecurityGroups"]
        assert left == []
        assert env.verify().ok


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
