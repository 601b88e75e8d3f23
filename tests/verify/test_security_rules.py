"""Verify checks the security group rules of a deploy: faults injected after it are found,
and the groups' other rules are none of its business."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from peerstack.emulator import Emulation
from peerstack.plan import Plan, build_plan
from peerstack.topology import load_topology
from peerstack.verify import DifferenceKind, VerifyResult
from tests.helpers.paths import example

DB_SG = "sg-0f1e2d3c4b5a69788"
WEB_SG = "sg-0a1b2c3d4e5f60718"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return build_plan(load_topology(example("security-groups")))


@pytest.fixture
def env(plan: Plan, peerstack_emulated_shared: Callable[..., Emulation]) -> Emulation:
    """Deployed once per session, reset for each test."""
    return peerstack_emulated_shared(plan)


def db_rule(env: Emulation, key: str) -> dict[str, Any]:
    ec2 = env.ec2("prod", "us-east-1")
    found = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [DB_SG]}])
    (rule,) = [
        r
        for r in found["SecurityGroupRules"]
        if {"Key": "peerstack:rule", "Value": key} in r.get("Tags", [])
    ]
    return dict(rule)


def differences(result: VerifyResult, kind: DifferenceKind) -> list[Any]:
    return [d for d in result.differences if d.kind is kind]


def test_the_deployed_rules_match_the_plan(env: Emulation) -> None:
    result = env.verify()
    assert result.ok, [str(d) for d in result.differences]
    # 9 inbound rules, and the egress rules of jobs (IPv4 and IPv6) and of redis (IPv4)
    assert result.rules_checked == len(env.plan.security_rules) + 3 == 12
    assert result.summary() == (
        "verified: 3 links, 8 routes, 12 security group rules match the plan of 'shop'"
    )


def test_a_revoked_rule_is_missing(env: Emulation) -> None:
    rule = db_rule(env, "db.postgres.tcp.5432.web.app")
    env.ec2("prod", "us-east-1").revoke_security_group_ingress(
        GroupId=DB_SG, SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]]
    )
    result = env.verify()
    (missing,) = differences(result, DifferenceKind.SECURITY_RULE_MISSING)
    assert missing.subject == "db/postgres <- web.app tcp 5432"
    assert missing.expected == "tcp 5432 from web.app"
    assert "that traffic is refused" in missing.message
    assert not result.ok


def test_a_changed_port_range_is_reported(env: Emulation) -> None:
    rule = db_rule(env, "db.postgres.tcp.5432.10.2.0.0-16")
    env.ec2("prod", "us-east-1").modify_security_group_rules(
        GroupId=DB_SG,
        SecurityGroupRules=[
            {
                "SecurityGroupRuleId": rule["SecurityGroupRuleId"],
                "SecurityGroupRule": {
                    "IpProtocol": "tcp",
                    "FromPort": 5432,
                    "ToPort": 5440,
                    "CidrIpv4": "10.2.0.0/16",
                },
            }
        ],
    )
    result = env.verify()
    (changed,) = differences(result, DifferenceKind.SECURITY_RULE_CHANGED)
    assert changed.subject == "db/postgres <- 10.2.0.0/16 tcp 5432"
    assert (changed.expected, changed.actual) == (
        "tcp 5432 from 10.2.0.0/16",
        "tcp 5432-5440 from 10.2.0.0/16",
    )
    assert not differences(result, DifferenceKind.SECURITY_RULE_MISSING)


def test_a_leftover_rule_of_the_topology_is_unexpected(env: Emulation) -> None:
    made = env.ec2("prod", "us-east-1").authorize_security_group_ingress(
        GroupId=DB_SG,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "10.2.0.0/16"}],
            }
        ],
        TagSpecifications=[
            {
                "ResourceType": "security-group-rule",
                "Tags": [
                    {"Key": "peerstack:topology", "Value": "shop"},
                    {"Key": "peerstack:rule", "Value": "db.postgres.tcp.22.10.2.0.0-16"},
                ],
            }
        ],
    )
    rule_id = made["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    result = env.verify()
    (extra,) = differences(result, DifferenceKind.SECURITY_RULE_UNEXPECTED)
    assert extra.subject == f"{DB_SG} {rule_id}"
    assert extra.actual == "tcp 22 from 10.2.0.0/16"


def test_rules_other_tools_manage_are_not_reported(env: Emulation) -> None:
    env.ec2("network", "us-east-1").authorize_security_group_ingress(
        GroupId=WEB_SG,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    assert env.verify().ok


# -- rules matched by what they are (issue 19, item 1) -----------------------------------


def tagged_like(env: Emulation, key: str) -> list[dict[str, str]]:
    """The tags of peerstack's rule ``key`` in db's group, copied as they are."""
    return [dict(t) for t in db_rule(env, key)["Tags"]]


def allow(env: Emulation, port: int, cidr: str, tags: list[dict[str, str]] | None = None) -> str:
    """Add an inbound TCP rule to db's group (with ``tags``, if any); its id."""
    specs: Any = [{"ResourceType": "security-group-rule", "Tags": tags}] if tags else []
    made = env.ec2("prod", "us-east-1").authorize_security_group_ingress(
        GroupId=DB_SG,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}
        ],
        TagSpecifications=specs,
    )
    return str(made["SecurityGroupRules"][0]["SecurityGroupRuleId"])


def test_a_rogue_rule_with_a_copy_of_a_planned_rules_tags_is_unexpected(env: Emulation) -> None:
    """Tags never make a stranger look planned: RDP from anywhere is reported, though it
    carries the tags of a planned rule that is there too."""
    key = "db.postgres.tcp.5432.10.2.0.0-16"
    rogue = allow(env, 3389, "0.0.0.0/0", tagged_like(env, key))
    result = env.verify()
    (extra,) = result.differences
    assert (extra.kind, extra.subject) == (
        DifferenceKind.SECURITY_RULE_UNEXPECTED,
        f"{DB_SG} {rogue}",
    )
    assert extra.actual == "tcp 3389 from 0.0.0.0/0"
    assert "revoke it" in extra.message


def test_a_rule_changed_in_place_is_reported_though_another_has_its_shape(
    env: Emulation,
) -> None:
    """peerstack's rule now lets RDP in from anywhere; someone else's rule allows what the
    planned one did. The planned rule is there (by what it allows), and the changed one is
    not any planned rule: unexpected."""
    rule = db_rule(env, "db.postgres.tcp.5432.10.2.0.0-16")
    ec2 = env.ec2("prod", "us-east-1")
    ec2.modify_security_group_rules(
        GroupId=DB_SG,
        SecurityGroupRules=[
            {
                "SecurityGroupRuleId": rule["SecurityGroupRuleId"],
                "SecurityGroupRule": {
                    "IpProtocol": "tcp",
                    "FromPort": 3389,
                    "ToPort": 3389,
                    "CidrIpv4": "0.0.0.0/0",
                },
            }
        ],
    )
    allow(env, 5432, "10.2.0.0/16")  # untagged: someone else's, and a planned shape
    result = env.verify()
    (extra,) = result.differences
    assert (extra.kind, extra.subject) == (
        DifferenceKind.SECURITY_RULE_UNEXPECTED,
        f"{DB_SG} {rule['SecurityGroupRuleId']}",
    )
    assert extra.actual == "tcp 3389 from 0.0.0.0/0"


def test_a_changed_rule_beside_a_tagged_copy_of_its_plan_is_reported(env: Emulation) -> None:
    """Two rules carry one planned rule's tags, one as planned and one changed: the
    changed one is reported, whichever of them was made first."""
    key = "db.postgres.tcp.5432.10.2.0.0-16"
    rogue = allow(env, 22, "10.2.0.0/16", tagged_like(env, key))
    result = env.verify()
    assert [(d.kind, d.subject, d.actual) for d in result.differences] == [
        (DifferenceKind.SECURITY_RULE_UNEXPECTED, f"{DB_SG} {rogue}", "tcp 22 from 10.2.0.0/16")
    ]


# -- egress rules of the groups peerstack creates (issue 19, item 2) ----------------------


def created_group_id(env: Emulation, vpc: str, name: str) -> str:
    where = env.plan.vpc(vpc)
    (group,) = env.ec2(where.account, where.region).describe_security_groups(
        Filters=[
            {"Name": "tag:peerstack:vpc", "Values": [vpc]},
            {"Name": "tag:peerstack:security-group", "Values": [name]},
        ]
    )["SecurityGroups"]
    return str(group["GroupId"])


def egress_rule(env: Emulation, vpc: str, group_id: str, destination: str) -> dict[str, Any]:
    where = env.plan.vpc(vpc)
    found = env.ec2(where.account, where.region).describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}]
    )["SecurityGroupRules"]
    (rule,) = [
        r for r in found if r["IsEgress"] and destination in (r.get("CidrIpv4"), r.get("CidrIpv6"))
    ]
    return dict(rule)


def test_a_revoked_egress_rule_is_missing(env: Emulation) -> None:
    redis = created_group_id(env, "cache", "redis")
    rule = egress_rule(env, "cache", redis, "0.0.0.0/0")
    env.ec2("prod", "us-east-1").revoke_security_group_egress(
        GroupId=redis, SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]]
    )
    result = env.verify()
    (missing,) = result.differences
    assert (missing.kind, missing.subject) == (
        DifferenceKind.SECURITY_RULE_MISSING,
        "cache/redis -> 0.0.0.0/0 all (egress)",
    )
    assert (missing.expected, missing.actual) == ("all traffic to 0.0.0.0/0", "missing")
    assert "`peerstack up` add it again" in missing.message


def test_a_narrowed_egress_rule_is_changed(env: Emulation) -> None:
    jobs = created_group_id(env, "analytics", "jobs")
    rule = egress_rule(env, "analytics", jobs, "0.0.0.0/0")
    env.ec2("prod", "eu-west-1").modify_security_group_rules(
        GroupId=jobs,
        SecurityGroupRules=[
            {
                "SecurityGroupRuleId": rule["SecurityGroupRuleId"],
                "SecurityGroupRule": {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "CidrIpv4": "10.0.0.0/8",
                },
            }
        ],
    )
    result = env.verify()
    (changed,) = result.differences
    assert (changed.kind, changed.subject) == (
        DifferenceKind.SECURITY_RULE_CHANGED,
        "analytics/jobs -> 0.0.0.0/0 all (egress)",
    )
    assert (changed.expected, changed.actual) == (
        "all traffic to 0.0.0.0/0",
        "tcp 443 to 10.0.0.0/8",
    )


def test_someone_elses_egress_rule_in_a_created_group_is_not_reported(env: Emulation) -> None:
    jobs = created_group_id(env, "analytics", "jobs")
    env.ec2("prod", "eu-west-1").authorize_security_group_egress(
        GroupId=jobs,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 25,
                "ToPort": 25,
                "IpRanges": [{"CidrIp": "10.9.0.0/16"}],
            }
        ],
    )
    assert env.verify().ok
