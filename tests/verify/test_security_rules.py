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
    assert result.rules_checked == len(env.plan.security_rules) == 9
    assert result.summary() == (
        "verified: 3 links, 8 routes, 9 security group rules match the plan of 'shop'"
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
