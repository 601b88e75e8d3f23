"""`peerstack.iam`: what each account's policy holds, from the plan alone (no cloud)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from peerstack import build_plan
from peerstack._provider import tokens
from peerstack._provider.calls import AUTHORIZED_ON, INVOKE_CALLS, RESOURCE_CALLS
from peerstack.emulator import SUPPORTED_INVOKES, SUPPORTED_RESOURCE_TYPES
from peerstack.iam import FEATURES, AccountIam, Op, iam_plan, principal_for
from tests.helpers.paths import EXAMPLES, example

Data = dict[str, Any]

CROSS: Data = {
    "name": "corp",
    "defaults": {"account": "net", "region": "us-east-1", "dns_resolution": True},
    "accounts": {
        "net": {"id": "111111111111"},
        "prod": {
            "id": "222222222222",
            "role_arn": "arn:aws:iam::222222222222:role/infra/peerstack",
            "external_id": "corp-peering",
        },
    },
    "vpcs": {
        "shared": {
            "cidr": "10.0.0.0/16",
            "subnets": [
                {"name": "tools", "cidr": "10.0.1.0/24", "az": "a", "route_table": "tools"}
            ],
        },
        "app": {"account": "prod", "region": "eu-west-1", "cidr": "10.1.0.0/16"},
    },
    "peerings": [{"requester": "shared", "accepter": "app"}],
}


def statements(account: AccountIam) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in account.policy["Statement"]}


def allowed(account: AccountIam, action: str) -> list[dict[str, Any]]:
    return [s for s in account.policy["Statement"] if action in s["Action"]]


# -- the data ----------------------------------------------------------------------------


def test_every_resource_type_the_emulator_knows_has_its_calls_for_every_operation() -> None:
    # A resource type added to peerstack (and so to the emulator) without IAM data fails here.
    assert set(RESOURCE_CALLS) == set(SUPPORTED_RESOURCE_TYPES)
    assert set(INVOKE_CALLS) == set(SUPPORTED_INVOKES)
    for token, by_op in RESOURCE_CALLS.items():
        assert set(by_op) == set(Op), token


def test_every_action_has_its_authorization_and_every_call_a_source() -> None:
    calls = [c for by_op in RESOURCE_CALLS.values() for cs in by_op.values() for c in cs]
    calls += [c for cs in INVOKE_CALLS.values() for c in cs]
    for call in calls:
        assert call.action in AUTHORIZED_ON, call
        assert call.source, call
        assert call.when is None or call.when in FEATURES, call


# -- who needs what ----------------------------------------------------------------------


def test_requester_creates_accepter_accepts_and_tags_both_set_options() -> None:
    iam = iam_plan(build_plan(CROSS))
    net, prod = iam.account("net"), iam.account("prod")
    assert "ec2:CreateVpcPeeringConnection" in net.actions
    assert "ec2:AcceptVpcPeeringConnection" not in net.actions
    assert "ec2:AcceptVpcPeeringConnection" in prod.actions
    assert "ec2:CreateVpcPeeringConnection" not in prod.actions
    assert "ec2:DeleteVpcPeeringConnection" in net.actions
    # The accepter's delete does nothing in AWS (vpc_peering_connection_accepter.go:27).
    assert "ec2:DeleteVpcPeeringConnection" not in prod.actions
    for account in (net, prod):
        assert "ec2:ModifyVpcPeeringConnectionOptions" in account.actions
    # The accepter tags the connection itself: by request tag, on connections only.
    (tag,) = [s for s in allowed(prod, "ec2:CreateTags") if s["Sid"] == "TagAcceptedPeerings"]
    assert tag["Resource"] == ["arn:aws:ec2:eu-west-1:222222222222:vpc-peering-connection/*"]
    assert tag["Condition"]["StringEquals"]["aws:RequestTag/peerstack:topology"] == "corp"


def test_acceptance_is_scoped_by_the_vpcs_it_joins() -> None:
    prod = iam_plan(build_plan(CROSS)).account("prod")
    accept = statements(prod)["AcceptPeerings"]
    assert accept["Resource"] == ["arn:aws:ec2:eu-west-1:222222222222:vpc-peering-connection/*"]
    assert accept["Condition"]["ArnLike"] == {
        "ec2:RequesterVpc": ["arn:aws:ec2:us-east-1:111111111111:vpc/*"],
        "ec2:AccepterVpc": ["arn:aws:ec2:eu-west-1:222222222222:vpc/*"],
    }
    net = iam_plan(build_plan(CROSS)).account("net")
    request = statements(net)["RequestPeerings"]
    assert request["Condition"]["ArnLike"] == {
        "ec2:AccepterVpc": ["arn:aws:ec2:eu-west-1:222222222222:vpc/*"]
    }


def test_auto_accepted_links_are_accepted_by_the_requester() -> None:
    plan = build_plan(example("mesh-two-regions"))
    (platform,) = iam_plan(plan).accounts
    assert "ec2:AcceptVpcPeeringConnection" in platform.actions
    # Cross-region links: the requester polls its own region (getVpcPeeringConnections).
    assert any(g.type == tokens.GET_PEERING_CONNECTIONS for g in platform.grants)


def test_describe_actions_are_allowed_on_star_only_and_everything_by_region() -> None:
    for path in EXAMPLES:
        for account in iam_plan(build_plan(path), principal="999999999999").accounts:
            for statement in account.policy["Statement"]:
                regions = statement["Condition"]["StringEquals"]["aws:RequestedRegion"]
                assert regions == list(account.regions)
                for action in statement["Action"]:
                    kinds = AUTHORIZED_ON[action]
                    assert (statement["Resource"] == ["*"]) == (kinds == ()), (action, statement)
                for resource in statement["Resource"]:
                    if resource != "*":
                        _, _, _, region, owner, _ = resource.split(":", 5)
                        assert region in account.regions and owner == account.id, resource


def test_changes_and_deletes_need_the_peerstack_tag() -> None:
    net = iam_plan(build_plan(CROSS)).account("net")
    for action in ("ec2:DeleteVpc", "ec2:DeleteSubnet", "ec2:DeleteRouteTable"):
        for statement in allowed(net, action):
            assert statement["Condition"]["StringEquals"]["aws:ResourceTag/peerstack:topology"] == (
                "corp"
            )
    for statement in allowed(net, "ec2:CreateVpc"):
        assert statement["Condition"]["StringEquals"]["aws:RequestTag/peerstack:topology"] == "corp"
    (on_create,) = [s for s in allowed(net, "ec2:CreateTags") if s["Sid"] == "TagOnCreate"]
    assert on_create["Condition"]["StringEquals"]["ec2:CreateAction"] == [
        "CreateRouteTable",
        "CreateSubnet",
        "CreateVpc",
        "CreateVpcPeeringConnection",
    ]


def test_routes_into_adopted_tables_name_them() -> None:
    data = copy.deepcopy(CROSS)
    data["vpcs"]["legacy"] = {
        "account": "prod",
        "region": "us-west-2",
        "existing": {
            "vpc_id": "vpc-0123456789abcdef0",
            "cidrs": ["172.31.0.0/16"],
            "route_tables": {"main": "rtb-0123456789abcdef0"},
        },
    }
    data["vpcs"]["found"] = {
        "account": "prod",
        "region": "ap-south-1",
        "existing": {"vpc_id": "vpc-0fedcba9876543210", "cidrs": ["172.16.0.0/16"]},
    }
    data["peerings"] += [
        {"requester": "shared", "accepter": "legacy"},
        {"requester": "found", "accepter": "shared"},
    ]
    prod = iam_plan(build_plan(data)).account("prod")
    by_sid = statements(prod)
    assert by_sid["RoutesInAdoptedTables"]["Resource"] == [
        "arn:aws:ec2:us-west-2:222222222222:route-table/rtb-0123456789abcdef0"
    ]
    discovered = by_sid["RoutesInAdoptedVpcs"]
    assert discovered["Resource"] == ["arn:aws:ec2:ap-south-1:222222222222:route-table/*"]
    assert discovered["Condition"]["ArnEquals"] == {
        "ec2:Vpc": ["arn:aws:ec2:ap-south-1:222222222222:vpc/vpc-0fedcba9876543210"]
    }
    assert by_sid["RequestFromAdoptedVpcs"]["Resource"] == [
        "arn:aws:ec2:ap-south-1:222222222222:vpc/vpc-0fedcba9876543210"
    ]
    assert by_sid["AcceptIntoAdoptedVpcs"]["Resource"] == [
        "arn:aws:ec2:us-west-2:222222222222:vpc/vpc-0123456789abcdef0"
    ]
    # Adopted VPCs are never modified or deleted, and never tagged.
    for statement in prod.policy["Statement"]:
        if "vpc-0123456789abcdef0" in str(statement["Resource"]):
            assert statement["Action"] == ["ec2:AcceptVpcPeeringConnection"]


def test_an_account_that_only_accepts_into_an_adopted_vpc_gets_nothing_else() -> None:
    data: Data = {
        "name": "t",
        "defaults": {"account": "a", "region": "us-east-1"},
        "accounts": {
            "a": {"id": "111111111111"},
            "b": {"id": "222222222222", "role_arn": "arn:aws:iam::222222222222:role/p"},
        },
        "vpcs": {
            "x": {"cidr": "10.0.0.0/16"},
            "y": {
                "account": "b",
                "existing": {
                    "vpc_id": "vpc-0123456789abcdef0",
                    "cidrs": ["172.31.0.0/16"],
                    "route_tables": {"main": "rtb-0123456789abcdef0"},
                },
            },
        },
        "peerings": [{"requester": "x", "accepter": "y"}],
    }
    b = iam_plan(build_plan(data)).account("b")
    assert set(b.actions) == {
        "ec2:AcceptVpcPeeringConnection",
        "ec2:CreateRoute",
        "ec2:CreateTags",
        "ec2:DeleteRoute",
        "ec2:DeleteTags",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSubnets",  # the pre-flight reads the adopted VPC
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeVpcs",
        "ec2:ModifyVpcPeeringConnectionOptions",
        "ec2:ReplaceRoute",
    }


def test_accepting_a_request_from_outside_allows_only_that_peer_into_that_vpc() -> None:
    data: Data = {
        "name": "t",
        "defaults": {"account": "a", "region": "us-east-1"},
        "accounts": {"a": {"id": "111111111111"}},
        "vpcs": {
            "app": {
                "existing": {
                    "vpc_id": "vpc-0123456789abcdef0",
                    "cidrs": ["10.40.0.0/16"],
                    "route_tables": {"main": "rtb-0123456789abcdef0"},
                }
            }
        },
        "accepts": [
            {
                "vpc": "app",
                "peering_id": "pcx-0123456789abcdef0",
                "peer": {
                    "name": "atlas",
                    "account_id": "536727724300",
                    "region": "eu-west-1",
                    "cidrs": ["192.168.248.0/21"],
                },
            }
        ],
    }
    a = iam_plan(build_plan(data)).account("a")
    # Nothing is requested or created; the connection is the partner's to delete.
    assert set(a.actions) == {
        "ec2:AcceptVpcPeeringConnection",
        "ec2:CreateRoute",
        "ec2:CreateTags",
        "ec2:DeleteRoute",
        "ec2:DeleteTags",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSubnets",  # the pre-flight reads the adopted VPC
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeVpcs",
        "ec2:ModifyVpcPeeringConnectionOptions",
        "ec2:ReplaceRoute",
    }
    accept = statements(a)["AcceptPeerings"]
    assert accept["Resource"] == ["arn:aws:ec2:us-east-1:111111111111:vpc-peering-connection/*"]
    assert accept["Condition"]["ArnLike"] == {
        "ec2:RequesterVpc": ["arn:aws:ec2:eu-west-1:536727724300:vpc/*"],
        "ec2:AccepterVpc": ["arn:aws:ec2:us-east-1:111111111111:vpc/vpc-0123456789abcdef0"],
    }
    assert statements(a)["AcceptIntoAdoptedVpcs"]["Resource"] == [
        "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-0123456789abcdef0"
    ]
    assert statements(a)["RoutesInAdoptedTables"]["Resource"] == [
        "arn:aws:ec2:us-east-1:111111111111:route-table/rtb-0123456789abcdef0"
    ]


def test_features_peerstack_does_not_use_are_left_out() -> None:
    iam = iam_plan(build_plan(example("hub-cross-account")))
    every = {a for account in iam.accounts for a in account.actions}
    for action in (
        "ec2:ModifyVpcTenancy",
        "ec2:GetIpamPoolAllocations",
        "ec2:EnableVgwRoutePropagation",
        "ec2:DescribeTags",
        "ec2:DeleteNetworkInterface",
        "sts:GetCallerIdentity",  # needs no permission
    ):
        assert action not in every


def test_subnet_attributes_are_granted_only_to_accounts_with_ipv6_subnets() -> None:
    data = copy.deepcopy(CROSS)
    data["vpcs"]["shared"]["ipv6"] = True
    data["vpcs"]["shared"]["subnets"][0]["ipv6_index"] = 0
    by_alias = {a.alias: a for a in iam_plan(build_plan(data)).accounts}
    subnet_calls = {
        "ec2:ModifySubnetAttribute",
        "ec2:AssociateSubnetCidrBlock",
        "ec2:DisassociateSubnetCidrBlock",
    }
    assert subnet_calls <= set(by_alias["net"].actions)
    assert not subnet_calls & set(by_alias["prod"].actions)
    # Without an ipv6_index, the same VPC with IPv6 needs none of them.
    del data["vpcs"]["shared"]["subnets"][0]["ipv6_index"]
    before = {a.alias: a for a in iam_plan(build_plan(data)).accounts}
    assert not subnet_calls & set(before["net"].actions)
    assert "subnet_attributes" in FEATURES


# -- trust -------------------------------------------------------------------------------


def test_trust_policy_names_the_principal_and_the_external_id() -> None:
    iam = iam_plan(build_plan(CROSS))
    assert iam.principal == "arn:aws:iam::111111111111:root"  # the one ambient account
    prod = iam.account("prod")
    assert prod.role_name == "peerstack" and prod.role_path == "/infra/"
    (statement,) = prod.trust_policy["Statement"]  # type: ignore[index]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111111111111:root"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "corp-peering"}}
    assert iam.account("net").trust_policy is None
    assert iam.deployer_policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AssumePeerstackRoles",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": ["arn:aws:iam::222222222222:role/infra/peerstack"],
            }
        ],
    }


def test_a_principal_can_be_named() -> None:
    plan = build_plan(CROSS)
    role = "arn:aws:iam::999999999999:role/ci"
    assert iam_plan(plan, principal=role).account("prod").trust_policy["Statement"][0][  # type: ignore[index]
        "Principal"
    ] == {"AWS": role}
    assert principal_for(plan, "999999999999") == "arn:aws:iam::999999999999:root"
    with pytest.raises(ValueError, match="not an IAM principal"):
        principal_for(plan, "ci-user")


def test_no_principal_can_be_told_when_every_account_has_a_role() -> None:
    data = copy.deepcopy(CROSS)
    data["accounts"]["net"]["role_arn"] = "arn:aws:iam::111111111111:role/peerstack"
    with pytest.raises(ValueError, match="name the principal"):
        iam_plan(build_plan(data))


# -- day 2 -------------------------------------------------------------------------------


def test_a_change_also_covers_what_only_the_old_plan_has() -> None:
    old = build_plan(CROSS)
    data = copy.deepcopy(CROSS)
    data["vpcs"]["shared"]["subnets"] = []
    data["vpcs"]["app"]["region"] = "us-east-1"
    new = build_plan(data)
    alone = iam_plan(new).account("net")
    assert "ec2:DeleteSubnet" not in alone.actions
    change = iam_plan(new, previous=old)
    net, prod = change.account("net"), change.account("prod")
    assert "ec2:DeleteSubnet" in net.actions and "ec2:DeleteRouteTable" in net.actions
    assert prod.regions == ("eu-west-1", "us-east-1")


def test_verify_reads_are_an_extra_statement() -> None:
    plan = build_plan(CROSS)
    plain, verify = iam_plan(plan).account("net"), iam_plan(plan, verify=True).account("net")
    extra = [s for s in verify.policy["Statement"] if s not in plain.policy["Statement"]]
    assert [s["Sid"] for s in extra] == ["VerifyReads", "VerifyVpcAttributes"]
    assert extra[0]["Resource"] == ["*"]


def test_rules_go_only_into_the_groups_the_topology_names() -> None:
    plan = build_plan(example("security-groups"))
    prod = iam_plan(plan).account("prod")
    rules = statements(prod)["RulesInAdoptedGroups"]
    assert rules["Action"] == [
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:ModifySecurityGroupRules",
        "ec2:RevokeSecurityGroupIngress",
    ]
    assert rules["Resource"] == [
        "arn:aws:ec2:us-east-1:222222222222:security-group-rule/*",
        "arn:aws:ec2:us-east-1:222222222222:security-group/sg-0f1e2d3c4b5a69788",
    ]
    # The adopted group is not peerstack's: a statement scoped by the tag holds these
    # actions only for the groups peerstack creates (and tags), in their regions.
    for statement in prod.policy["Statement"]:
        if "aws:ResourceTag/peerstack:topology" in statement["Condition"]["StringEquals"] and (
            set(statement["Action"])
            & {"ec2:RevokeSecurityGroupIngress", "ec2:ModifySecurityGroupRules"}
        ):
            assert statement["Sid"] == "RulesInPeerstackGroups"
            assert statement["Resource"] == [
                "arn:aws:ec2:eu-west-1:222222222222:security-group/*",
                "arn:aws:ec2:us-east-1:222222222222:security-group/*",
            ]
    # New rules carry the topology tag as they are created.
    (on_create,) = [s for s in allowed(prod, "ec2:CreateTags") if s["Sid"] == "TagOnCreate"]
    assert (
        "AuthorizeSecurityGroupIngress"
        in on_create["Condition"]["StringEquals"]["ec2:CreateAction"]
    )
    # Groups peerstack creates: made in its VPCs (by their tag), tagged as they are made,
    # and managed (egress revoked on create, deleted) by their tag.
    assert "CreateSecurityGroup" in on_create["Condition"]["StringEquals"]["ec2:CreateAction"]
    assert "ec2:CreateSecurityGroup" in statements(prod)["PeerstackVpcs"]["Action"]
    managed = statements(prod)["ManagePeerstackResources"]
    assert {"ec2:DeleteSecurityGroup", "ec2:RevokeSecurityGroupEgress"} <= set(managed["Action"])
    assert "arn:aws:ec2:eu-west-1:222222222222:security-group/*" in managed["Resource"]
    network = iam_plan(plan).account("network")
    assert "ec2:CreateSecurityGroup" not in network.actions
    # Without allow entries, nothing of security groups is asked for.
    hub = iam_plan(build_plan(example("hub-cross-account")))
    for account in hub.accounts:
        assert not set(account.actions) & {
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:DescribeSecurityGroupRules",
        }


def test_verify_reads_the_rules_where_there_are_rules() -> None:
    plan = build_plan(example("security-groups"))
    prod = iam_plan(plan, verify=True).account("prod")
    assert "ec2:DescribeSecurityGroupRules" in statements(prod)["VerifyReads"]["Action"]
    hub = iam_plan(build_plan(example("hub-cross-account")), principal="999999999999", verify=True)
    for account in hub.accounts:
        assert "ec2:DescribeSecurityGroupRules" not in statements(account)["VerifyReads"]["Action"]
