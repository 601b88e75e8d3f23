"""One bad topology per rule: the message a user reads and where it points."""

from __future__ import annotations

import pytest

# HEADER (conftest) defines accounts `net` (111111111111, default) and `prod`
# (222222222222), default region us-east-1, and takes 5 lines: body line N is N + 5.
H = 5


def test_overlapping_peered_vpcs_are_rejected(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.0.128.0/17}
        peerings:
          - {requester: a, accepter: b}
        """)
    assert p.path == "peerings[0]"
    assert p.line == H + 5
    assert "overlaps" in p.message and "10.0.0.0/16" in p.message and "10.0.128.0/17" in p.message
    assert p.file == "t.yaml"


def test_secondary_block_overlap_counts(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16, secondary_cidrs: [10.1.0.0/16]}
          b: {cidr: 10.1.0.0/20}
        meshes:
          - {name: m, members: [a, b]}
        """)
    assert "10.1.0.0/16" in p.message and "10.1.0.0/20" in p.message
    assert p.path == "meshes[0].members[1]"


def test_adopted_ipv6_overlap_counts(one_problem):
    p = one_problem("""
        vpcs:
          a: {existing: {vpc_id: vpc-11111111, cidrs: [10.0.0.0/16], ipv6_cidrs: ["2600:1f18:1::/56"]}}
          b: {existing: {vpc_id: vpc-22222222, cidrs: [10.1.0.0/16], ipv6_cidrs: ["2600:1f18:1::/60"]}}
        peerings:
          - {requester: a, accepter: b}
        """)
    assert "2600:1f18:1::/56" in p.message


def test_unpeered_vpcs_may_overlap(plan_of):
    plan = plan_of("""
        vpcs:
          hub: {cidr: 10.0.0.0/16}
          x: {cidr: 192.168.0.0/16, subnets: [{name: s, cidr: 192.168.1.0/24, az: a}]}
          y: {cidr: 192.168.0.0/16, subnets: [{name: s, cidr: 192.168.2.0/24, az: a}]}
        peerings:
          - {requester: hub, accepter: x, routes: {hub: {to: [x.s]}}}
          - {requester: hub, accepter: y, routes: {hub: {to: [y.s]}}}
        """)
    assert {r.destination for r in plan.routes_of("hub")} == {"192.168.1.0/24", "192.168.2.0/24"}
    assert not plan.can_reach("x", "y")


def test_same_destination_twice_in_one_table_is_rejected(one_problem):
    p = one_problem("""
        vpcs:
          hub: {cidr: 10.0.0.0/16}
          x: {cidr: 192.168.0.0/16}
          y: {cidr: 192.168.0.0/16}
        hubs:
          - {hub: hub, spokes: [x, y]}
        """)
    assert "twice" in p.message and "192.168.0.0/16" in p.message
    assert "hub--x" in p.message and "hub--y" in p.message
    assert p.path == "hubs[0].spokes[1]"
    assert p.hint and "specific" in p.hint


def test_longest_prefix_match_is_allowed(plan_of):
    plan = plan_of("""
        vpcs:
          hub: {cidr: 10.0.0.0/16}
          wide: {cidr: 172.16.0.0/16}
          narrow: {cidr: 172.16.5.0/24}
        peerings:
          - {requester: hub, accepter: wide}
          - {requester: hub, accepter: narrow}
        """)
    assert sorted(r.destination for r in plan.routes_of("hub")) == [
        "172.16.0.0/16",
        "172.16.5.0/24",
    ]


def test_self_peering(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
        peerings:
          - {requester: a, accepter: a}
        """)
    assert "itself" in p.message and p.path == "peerings[0]"


def test_hub_listing_itself_as_spoke(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16}
        hubs:
          - {hub: a, spokes: [b, a]}
        """)
    assert "itself" in p.message and p.path == "hubs[0].spokes[1]"


def test_unknown_vpc_names_suggest_the_closest(one_problem):
    p = one_problem("""
        vpcs:
          shared: {cidr: 10.0.0.0/16}
          app: {cidr: 10.1.0.0/16}
        peerings:
          - {requester: shard, accepter: app}
        """)
    assert p.message == "unknown VPC 'shard'"
    assert p.hint == "did you mean 'shared'?"
    assert p.path == "peerings[0].requester"
    assert p.line == H + 5


def test_unknown_account(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16, account: prd}
        """)
    assert p.path == "vpcs.a.account" and "prod" in (p.hint or "")


def test_missing_region_without_default(problems_of):
    found = problems_of("""
        name: t
        accounts: {net: {id: "111111111111"}}
        vpcs:
          a: {cidr: 10.0.0.0/16}
        """)
    assert [p.path for p in found] == ["vpcs.a"]
    assert "no region" in found[0].message


def test_the_same_pair_twice_names_both_places(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16}
        peerings:
          - {requester: b, accepter: a}
        meshes:
          - {name: m, members: [a, b]}
        """)
    assert p.message == (
        f"'a' and 'b' are already peered by peerings[0] on line {H + 5}; AWS allows one "
        "peering connection per VPC pair"
    )
    assert p.path == "meshes[0].members[1]"


def test_duplicate_mesh_member(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16}
        meshes:
          - {name: m, members: [a, b, a]}
        """)
    assert p.path == "meshes[0].members[2]" and "twice" in p.message


def test_destination_outside_the_peer(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16}
        peerings:
          - requester: a
            accepter: b
            routes:
              a: {to: [10.2.0.0/24]}
        """)
    assert "not inside the peer 'b'" in p.message
    assert p.path == "peerings[0].routes.a.to[0]"
    assert p.line == H + 8


def test_destination_naming_a_third_vpc_explains_non_transitivity(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16}
          c: {cidr: 10.2.0.0/16}
        peerings:
          - {requester: a, accepter: b}
          - {requester: b, accepter: c, routes: {b: {to: [a]}}}
        """)
    assert "not the peer" in p.message and "transitive" in (p.hint or "")


def test_route_to_own_vpc(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16}
        peerings:
          - {requester: a, accepter: b, routes: {a: {to: [a]}}}
        """)
    assert "cannot route to itself" in p.message


def test_unknown_subnet_destination(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16, subnets: [{name: tools, cidr: 10.1.1.0/24, az: a}]}
        peerings:
          - {requester: a, accepter: b, routes: {a: {to: [b.tool]}}}
        """)
    assert p.message == "unknown subnet 'tool' in 'b'" and p.hint == "did you mean 'tools'?"


def test_routes_keyed_by_a_vpc_not_on_the_link(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16}
          c: {cidr: 10.2.0.0/16}
        peerings:
          - {requester: a, accepter: b, routes: {c: {to: [a]}}}
        """)
    assert p.path == "peerings[0].routes.c" and "not a side" in p.message


def test_unknown_route_table(one_problem):
    p = one_problem("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            subnets: [{name: s, cidr: 10.0.1.0/24, az: a, route_table: private}]
          b: {cidr: 10.1.0.0/16}
        peerings:
          - {requester: a, accepter: b, routes: {a: {tables: [privat]}}}
        """)
    assert p.path == "peerings[0].routes.a.tables[0]"
    assert p.hint == "did you mean 'private'?"


def test_tables_of_a_vpc_with_discovered_tables(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          old: {existing: {vpc_id: vpc-11111111, cidrs: [172.31.0.0/16]}}
        peerings:
          - {requester: a, accepter: old, routes: {old: {tables: [main]}}}
        """)
    assert "discovered at deploy time" in p.message


def test_ipv6_literal_needs_ipv6_on_both_sides(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {existing: {vpc_id: vpc-11111111, cidrs: [10.1.0.0/16], ipv6_cidrs: ["2600:1f18::/56"]}}
        peerings:
          - {requester: a, accepter: b, routes: {a: {to: ["2600:1f18::/64"]}}}
        """)
    assert "'a' has no IPv6" in p.message


def test_ipv6_literal_into_an_aws_assigned_block_cannot_be_checked(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16, ipv6: true}
          b: {cidr: 10.1.0.0/16, ipv6: true}
        peerings:
          - {requester: a, accepter: b, routes: {a: {to: ["2600:1f18::/64"]}}}
        """)
    assert "assigned by AWS" in p.message


def test_ipv6_routes_only_when_both_sides_have_ipv6(plan_of):
    plan = plan_of("""
        vpcs:
          a: {cidr: 10.0.0.0/16, ipv6: true}
          b: {cidr: 10.1.0.0/16, ipv6: true}
          c: {cidr: 10.2.0.0/16}
        hubs:
          - {hub: a, spokes: [b, c]}
        """)
    assert {r.destination for r in plan.routes_of("a")} == {"10.1.0.0/16", "ipv6:b", "10.2.0.0/16"}
    assert {r.destination for r in plan.routes_of("c")} == {"10.0.0.0/16"}


def test_vpc_cidr_size_and_host_bits(problems_of):
    found = problems_of("""
        vpcs:
          big: {cidr: 10.0.0.0/15}
          tiny: {cidr: 10.9.0.0/29}
          sloppy: {cidr: 10.1.2.3/16}
        """)
    messages = {p.path: p.message for p in found}
    assert "AWS allows /16 to /28" in messages["vpcs.big.cidr"]
    assert "AWS allows /16 to /28" in messages["vpcs.tiny.cidr"]
    assert "did you mean '10.1.0.0/16'?" in messages["vpcs.sloppy.cidr"]


def test_subnet_outside_the_vpc_and_overlapping_subnets(problems_of):
    found = problems_of("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            subnets:
              - {name: one, cidr: 10.0.1.0/24, az: a}
              - {name: two, cidr: 10.0.1.128/25, az: b}
              - {name: out, cidr: 10.5.0.0/24, az: c}
        """)
    by_path = {p.path: p for p in found}
    assert "overlaps subnets[0]" in by_path["vpcs.a.subnets[1].cidr"].message
    assert "outside the VPC's blocks" in by_path["vpcs.a.subnets[2].cidr"].message
    assert by_path["vpcs.a.subnets[2].cidr"].line == H + 7


def test_secondary_cidr_restrictions(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16, secondary_cidrs: [192.168.0.0/16]}
        """)
    assert p.path == "vpcs.a.secondary_cidrs[0]"
    assert "cannot add '192.168.0.0/16'" in p.message


def test_secondary_overlapping_primary(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16, secondary_cidrs: [10.0.128.0/17]}
        """)
    assert "overlaps '10.0.0.0/16'" in p.message


def test_role_arn_in_another_account(problems_of):
    found = problems_of("""
        name: t
        defaults: {region: us-east-1}
        accounts:
          prod: {id: "222222222222", role_arn: "arn:aws:iam::333333333333:role/peerstack"}
        vpcs:
          a: {cidr: 10.0.0.0/16}
        """)
    assert [p.path for p in found] == ["accounts.prod"]
    assert "'333333333333'" in found[0].message and "'222222222222'" in found[0].message
    assert found[0].line == 4


def test_region_shape(one_problem):
    p = one_problem("""
        vpcs:
          a:
            region: us-east1
            cidr: 10.0.0.0/16
        """)
    assert p.path == "vpcs.a.region" and "not an AWS region" in p.message


def test_az_in_another_region(one_problem):
    p = one_problem("""
        vpcs:
          b:
            cidr: 10.1.0.0/16
            subnets: [{name: s, cidr: 10.1.0.0/24, az: eu-west-1a}]
        """)
    assert p.path == "vpcs.b.subnets[0].az"
    assert "not in the VPC's region 'us-east-1'" in p.message


def test_peerings_per_vpc_quota_and_raising_it(problems_of, plan_of):
    members = ", ".join(f"v{i}" for i in range(52))
    vpcs = "\n".join(f"  v{i}: {{cidr: 10.{i}.0.0/16}}" for i in range(52))
    text = f"vpcs:\n{vpcs}\nmeshes:\n  - {{name: m, members: [{members}]}}\n"
    found = problems_of(text + "quotas: {routes_per_table: 100}\n")
    assert len(found) == 52
    assert all("51 peering connections; the quota is 50" in p.message for p in found)
    plan = plan_of(text + "quotas: {routes_per_table: 100, peerings_per_vpc: 60}\n")
    assert len(plan.links) == 52 * 51 // 2


def test_quota_above_aws_maximum(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
        quotas: {peerings_per_vpc: 200}
        """)
    assert p.message == "200 is above AWS's maximum of 125 for this quota"
    assert p.path == "quotas.peerings_per_vpc"


def test_routes_per_table_quota_is_per_address_family(problems_of, plan_of):
    vpcs = "\n".join(f"  v{i}: {{cidr: 10.{i}.0.0/16, ipv6: true}}" for i in range(1, 52))
    text = f"vpcs:\n  hub: {{cidr: 10.0.0.0/16, ipv6: true}}\n{vpcs}\nhubs:\n"
    text += "  - {hub: hub, spokes: [" + ", ".join(f"v{i}" for i in range(1, 52)) + "]}\n"
    text += "quotas: {peerings_per_vpc: 60}\n"
    found = problems_of(text)
    messages = sorted(p.message for p in found)
    assert messages == [
        "route table 'main' of 'hub' would hold 51 IPv4 peering routes; the quota is 50 per "
        "table per address family",
        "route table 'main' of 'hub' would hold 51 IPv6 peering routes; the quota is 50 per "
        "table per address family",
    ]
    plan = plan_of(
        text.replace("peerings_per_vpc: 60", "peerings_per_vpc: 60, routes_per_table: 51")
    )
    assert len(list(plan.routes_of("hub"))) == 102


def test_cidr_blocks_per_vpc_quota(one_problem):
    p = one_problem("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            secondary_cidrs: [10.1.0.0/16, 10.2.0.0/16, 10.3.0.0/16, 10.4.0.0/16, 10.5.0.0/16]
        """)
    assert "6 IPv4 CIDR blocks exceed the quota of 5" in p.message


def test_more_requests_than_the_outstanding_quota_are_scheduled_not_refused(plan_of):
    # AWS limits the requests pending at once, not the requests made: peerstack accepts
    # each one itself, so 26 cross-account requests from one account deploy in one go.
    spokes = "\n".join(f"  s{i}: {{cidr: 10.{i}.0.0/16, account: prod}}" for i in range(1, 27))
    text = f"vpcs:\n  hub: {{cidr: 10.0.0.0/16}}\n{spokes}\nhubs:\n"
    text += "  - {hub: hub, spokes: [" + ", ".join(f"s{i}" for i in range(1, 27)) + "]}\n"
    plan = plan_of(text)
    waiting = {link.name: link.waits_for for link in plan.links if link.waits_for}
    # By name, hub--s9 is the 26th request: it waits for the 1st, hub--s1.
    assert waiting == {"hub--s9": "hub--s1"}


def test_adopted_vpc_adopted_twice(one_problem):
    p = one_problem("""
        vpcs:
          a: {existing: {vpc_id: vpc-11111111, cidrs: [10.0.0.0/16]}}
          b: {existing: {vpc_id: vpc-11111111, cidrs: [10.0.0.0/16]}}
        """)
    assert "already adopted as VPC 'a'" in p.message


def test_every_problem_is_reported_at_once(problems_of):
    found = problems_of("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.0.0.0/16}
          c: {cidr: 10.2.0.0/16}
        peerings:
          - {requester: a, accepter: b}
          - {requester: a, accepter: nope}
          - {requester: c, accepter: c}
        """)
    assert len(found) == 3
    assert [p.line for p in found] == sorted(p.line for p in found)


@pytest.mark.parametrize(
    ("snippet", "path", "words"),
    [
        ("vpcs: {a: {cidr: 10.0.0.0/16, cidrs: x}}", "vpcs.a.cidrs", "did you mean 'cidr'?"),
        ("vpcs: {a: {cidr: 10.0.0.0/16, ipv6: yes please}}", "vpcs.a.ipv6", "true or false"),
        ("vpcs: {a: {cidr: [10.0.0.0/16]}}", "vpcs.a.cidr", "expected text"),
        ("vpcs: {a: {}}", "vpcs.a", "neither"),
        ("vpcs: {A: {cidr: 10.0.0.0/16}}", "vpcs.A", "not a valid name"),
        ("vpcs: {a--b: {cidr: 10.0.0.0/16}}", "vpcs.a--b", "no '--'"),
        ("vpcs: []", "vpcs", "expected a mapping"),
    ],
)
def test_field_errors(problems_of, snippet, path, words):
    found = problems_of(snippet)
    match = [p for p in found if p.path == path]
    assert match, [str(p) for p in found]
    assert words in str(match[0])


def test_peering_across_partitions(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16, region: cn-north-1}
        peerings:
          - {requester: a, accepter: b}
        """)
    assert "different AWS partitions (aws and aws-cn)" in p.message
    assert p.path == "peerings[0]"


def test_role_partition_must_match_the_region(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16, account: prod, region: us-gov-west-1}
        """)
    assert "partition 'aws-us-gov'" in p.message and "'aws'" in p.message
    assert p.path == "vpcs.a.region"


def test_one_route_table_listed_under_two_vpcs(one_problem):
    p = one_problem("""
        vpcs:
          a: {existing: {vpc_id: vpc-11111111, cidrs: [10.0.0.0/16], route_tables: {main: rtb-11111111}}}
          b: {existing: {vpc_id: vpc-22222222, cidrs: [10.1.0.0/16], route_tables: {shared: rtb-11111111}}}
        """)
    assert p.path == "vpcs.b.existing.route_tables.shared" and p.line == H + 3
    assert p.message == (
        "route table 'rtb-11111111' is already listed under VPC 'a' (as 'main'); a route "
        "table belongs to exactly one VPC"
    )


@pytest.mark.parametrize(
    ("block", "words"),
    [
        ("::/0", "'::/0' is a /0, which no VPC can have"),
        ("2600:1f18:1234::/64", "is a /64, which no VPC can have"),
        ("2600:1f18::/40", "is a /40, which no VPC can have"),
        ("fe80::/56", "neither global unicast (2000::/3) nor unique local (fc00::/7)"),
        ("ff00::/56", "neither global unicast"),
        ("10.0.0.0/16", "is not an IPv6 CIDR block"),
    ],
)
def test_ipv6_blocks_no_vpc_can_have(one_problem, block, words):
    p = one_problem(f"""
        vpcs:
          a: {{existing: {{vpc_id: vpc-11111111, cidrs: [10.0.0.0/16], ipv6_cidrs: ["{block}"]}}}}
        """)
    assert p.path == "vpcs.a.existing.ipv6_cidrs[0]"
    assert words in p.message


@pytest.mark.parametrize(
    "block", ["2600:1f18:1234:5600::/56", "2001:db8::/44", "2a05:d000::/48", "fd12:3456::/60"]
)
def test_ipv6_blocks_a_vpc_can_have(plan_of, block):
    plan = plan_of(f"""
        vpcs:
          a: {{existing: {{vpc_id: vpc-11111111, cidrs: [10.0.0.0/16], ipv6_cidrs: ["{block}"]}}}}
        """)
    assert plan.vpc("a").ipv6_cidrs == (block,)


def test_can_reach_an_unknown_vpc_raises_a_key_error_with_a_suggestion(plan_of):
    from peerstack.errors import UnknownVpcError

    plan = plan_of("""
        vpcs:
          shared: {cidr: 10.0.0.0/16}
          app: {cidr: 10.1.0.0/16}
        peerings:
          - {requester: shared, accepter: app}
        """)
    assert plan.can_reach("shared", "app")
    with pytest.raises(KeyError) as info:
        plan.can_reach("shared", "apq")
    assert isinstance(info.value, UnknownVpcError)
    assert str(info.value) == "no VPC 'apq' in this plan; did you mean 'app'?"
    with pytest.raises(UnknownVpcError) as info:
        plan.can_reach("nothing-like-it", "app")
    assert str(info.value) == "no VPC 'nothing-like-it' in this plan; its VPCs: 'app', 'shared'"


def test_an_ipv6_route_to_a_block_aws_assigns_says_why_it_cannot_be_checked(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16, ipv6: true}
          b: {cidr: 10.1.0.0/16, ipv6: true}
        peerings:
          - requester: a
            accepter: b
            routes:
              a: {to: ["2600:1f18::/64"]}
        """)
    assert p.message == (
        "the IPv6 block of 'b' is assigned by AWS at deploy time, so '2600:1f18::/64' "
        "cannot be checked against it"
    )
    assert p.hint == "route 'b' (its whole IPv4 and IPv6 space) instead"


def test_a_role_in_another_partition_is_named_without_a_possessive(one_problem):
    p = one_problem("""
        vpcs:
          a: {cidr: 10.0.0.0/16, account: prod, region: cn-north-1}
        """)
    assert p.message == (
        "region 'cn-north-1' is in partition 'aws-cn', but the role of account 'prod' is in 'aws'"
    )


# -- subnet IPv6 -------------------------------------------------------------------------


def test_a_subnet_ipv6_index_needs_a_vpc_with_ipv6(one_problem):
    p = one_problem("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            subnets:
              - {name: s, cidr: 10.0.1.0/24, az: a, ipv6_index: 3}
        """)
    assert p.path == "vpcs.a.subnets[0].ipv6_index"
    assert p.line == H + 5
    assert "'s' takes IPv6 /64 number 3" in p.message and "no IPv6 block" in p.message
    assert p.hint and "`ipv6: true`" in p.hint


def test_two_subnets_cannot_share_an_ipv6_index(one_problem):
    p = one_problem("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            ipv6: true
            subnets:
              - {name: s, cidr: 10.0.1.0/24, az: a, ipv6_index: 7}
              - {name: t, cidr: 10.0.2.0/24, az: a}
              - {name: u, cidr: 10.0.3.0/24, az: b, ipv6_index: 7}
        """)
    assert p.path == "vpcs.a.subnets[2].ipv6_index"
    assert p.line == H + 8
    assert "already taken by subnets[0] ('s')" in p.message
    assert p.hint and "0 to 255" in p.hint


@pytest.mark.parametrize(
    ("index", "words"), [(256, "must be at most 255, got 256"), (-1, "must be at least 0, got -1")]
)
def test_a_subnet_ipv6_index_is_0_to_255(problems_of, index, words):
    found = problems_of(f"""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            ipv6: true
            subnets: [{{name: s, cidr: 10.0.1.0/24, az: a, ipv6_index: {index}}}]
        """)
    (p,) = [p for p in found if p.path == "vpcs.a.subnets[0].ipv6_index"]
    assert words in p.message


def test_a_subnet_ipv6_index_is_a_number_not_text(problems_of):
    found = problems_of("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            ipv6: true
            subnets: [{name: s, cidr: 10.0.1.0/24, az: a, ipv6_index: "3"}]
        """)
    assert [p.path for p in found] == ["vpcs.a.subnets[0].ipv6_index"]


def test_a_route_to_a_subnet_with_ipv6_routes_its_64_where_both_sides_have_ipv6(plan_of):
    plan = plan_of("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            ipv6: true
            subnets:
              - {name: v6, cidr: 10.0.1.0/24, az: a, ipv6_index: 4}
              - {name: v4, cidr: 10.0.2.0/24, az: a}
          b: {cidr: 10.1.0.0/16, ipv6: true}
          c: {cidr: 10.2.0.0/16}
        peerings:
          - {requester: a, accepter: b, routes: {b: {to: [a.v6, a.v4]}}}
          - {requester: a, accepter: c, routes: {c: {to: [a.v6]}}}
        """)
    b = {(r.destination, r.ipv6_index) for r in plan.routes_of("b")}
    assert b == {("10.0.1.0/24", None), ("ipv6:a.v6", 4), ("10.0.2.0/24", None)}
    (route,) = [r for r in plan.routes_of("b") if r.deferred]
    assert (route.ipv6_of, route.ipv6_subnet) == ("a", "v6")
    assert route.deferred_block("2600:1f18:0:1200::/56") == "2600:1f18:0:1204::/64"
    # c has no IPv6: only the subnet's IPv4 block.
    assert [r.destination for r in plan.routes_of("c")] == ["10.0.1.0/24"]
    assert plan.vpc("a").subnets[0].ipv6 and not plan.vpc("a").subnets[1].ipv6


# -- routes of a hub's spokes ------------------------------------------------------------


def test_a_spoke_may_carry_routes_and_dns_like_a_peering(plan_of):
    plan = plan_of("""
        vpcs:
          hub:
            cidr: 10.0.0.0/16
            subnets:
              - {name: api, cidr: 10.0.1.0/24, az: a, route_table: api}
              - {name: db, cidr: 10.0.2.0/24, az: a}
          x: {cidr: 10.1.0.0/16}
          y: {cidr: 10.2.0.0/16}
        hubs:
          - hub: hub
            dns_resolution: true
            spokes:
              - x
              - vpc: y
                dns_resolution: false
                routes:
                  y: {to: [hub.api]}
                  hub: {tables: [api]}
        """)
    assert {(r.route_table, r.destination) for r in plan.routes_over("hub--y")} == {
        ("api", "10.2.0.0/16"),
        ("main", "10.0.1.0/24"),
    }
    assert plan.link("hub--y").dns_resolution is False
    assert plan.link("hub--x").dns_resolution is True
    assert plan.link("hub--y").origin == "hubs[0] (hub)"
    assert plan.subnet_reachability["y"] == ("hub.api",)
    assert set(plan.subnet_reachability["x"]) == {"hub.api", "hub.db"}


def test_a_spokes_routes_keyed_by_neither_side_point_at_the_key(one_problem):
    p = one_problem("""
        vpcs:
          hub: {cidr: 10.0.0.0/16}
          x: {cidr: 10.1.0.0/16}
          z: {cidr: 10.2.0.0/16}
        hubs:
          - hub: hub
            spokes:
              - vpc: x
                routes:
                  z: {to: [hub]}
        """)
    assert p.path == "hubs[0].spokes[0].routes.z"
    assert p.line == H + 10
    assert "'z' is not a side of this link ('hub' -- 'x')" in p.message
    assert p.hint == "key `routes` by 'hub' or 'x'"


def test_a_spokes_route_to_a_third_vpc_is_not_transitive(one_problem):
    p = one_problem("""
        vpcs:
          hub: {cidr: 10.0.0.0/16}
          x: {cidr: 10.1.0.0/16}
          y: {cidr: 10.2.0.0/16}
        hubs:
          - {hub: hub, spokes: [y, {vpc: x, routes: {x: {to: [y]}}}]}
        """)
    assert p.path == "hubs[0].spokes[1].routes.x.to[0]"
    assert "not the peer of this link" in p.message
    assert p.hint and "not transitive" in p.hint


def test_a_spoke_listed_by_name_and_as_a_mapping_is_listed_twice(one_problem):
    p = one_problem("""
        vpcs:
          hub: {cidr: 10.0.0.0/16}
          x: {cidr: 10.1.0.0/16}
        hubs:
          - {hub: hub, spokes: [x, {vpc: x, routes: {x: {to: [hub]}}}]}
        """)
    assert p.path == "hubs[0].spokes[1]"
    assert "'x' is listed twice" in p.message


def test_an_unknown_spoke_in_a_mapping_suggests_the_closest(one_problem):
    p = one_problem("""
        vpcs:
          hub: {cidr: 10.0.0.0/16}
          app: {cidr: 10.1.0.0/16}
        hubs:
          - {hub: hub, spokes: [{vpc: ap}]}
        """)
    assert p.path.startswith("hubs[0].spokes[0]")
    assert p.hint == "did you mean 'app'?"


def test_a_spoke_mapping_with_an_unknown_key_is_a_field_error(problems_of):
    found = problems_of("""
        vpcs:
          hub: {cidr: 10.0.0.0/16}
          app: {cidr: 10.1.0.0/16}
        hubs:
          - {hub: hub, spokes: [{vpc: app, route: {}}]}
        """)
    assert [p.path for p in found] == ["hubs[0].spokes[0].route"], [str(p) for p in found]
    assert "did you mean 'routes'?" in str(found[0])


# -- adopted peering connections -------------------------------------------------------

ADOPTED_PAIR = """
    vpcs:
      a: {existing: {vpc_id: vpc-11111111, cidrs: [10.0.0.0/16], route_tables: {main: rtb-11111111}}}
      b:
        account: prod
        existing: {vpc_id: vpc-22222222, cidrs: [10.1.0.0/16]}
    peerings:
"""


def test_an_adopted_connection_is_recorded_and_imports_its_routes(plan_of):
    plan = plan_of(
        ADOPTED_PAIR
        + """
      - {requester: a, accepter: b, existing: {peering_id: pcx-0123abcd}}
    """
    )
    link = plan.link("a--b")
    assert (link.existing_id, link.imports_routes, link.adopted) == ("pcx-0123abcd", True, True)
    # Cross-account: accepted long ago, so not an outstanding request; still an accepter
    # resource on the other side, and no auto_accept on the imported connection.
    assert link.needs_accepter and not link.sets_auto_accept
    shown = plan.to_dict()["links"][0]
    assert (shown["existing_id"], shown["imports_routes"]) == ("pcx-0123abcd", True)


def test_an_adopted_connection_may_create_its_routes(plan_of):
    plan = plan_of(
        ADOPTED_PAIR
        + """
      - {requester: a, accepter: b, existing: {peering_id: pcx-0123abcd, routes_exist: false}}
    """
    )
    assert not plan.link("a--b").imports_routes


def test_a_same_account_adopted_connection_sets_no_auto_accept(plan_of):
    plan = plan_of("""
        vpcs:
          a: {existing: {vpc_id: vpc-11111111, cidrs: [10.0.0.0/16]}}
          b: {existing: {vpc_id: vpc-22222222, cidrs: [10.1.0.0/16]}}
        peerings:
          - {requester: a, accepter: b, existing: {peering_id: pcx-0123abcd}}
        """)
    link = plan.link("a--b")
    assert link.auto_accept and not link.sets_auto_accept


def test_an_existing_connection_cannot_join_a_created_vpc(one_problem):
    p = one_problem("""
        vpcs:
          a: {existing: {vpc_id: vpc-11111111, cidrs: [10.0.0.0/16]}}
          b: {cidr: 10.1.0.0/16}
        peerings:
          - requester: a
            accepter: b
            existing: {peering_id: pcx-0123abcd}
        """)
    assert p.path == "peerings[0].existing.peering_id"
    assert p.line == H + 7
    assert "peerstack creates 'b'" in p.message and "'pcx-0123abcd'" in p.message
    assert p.hint and "adopt the VPCs too" in p.hint


def test_one_existing_connection_is_adopted_by_one_link(one_problem):
    p = one_problem("""
        vpcs:
          a: {existing: {vpc_id: vpc-11111111, cidrs: [10.0.0.0/16]}}
          b: {existing: {vpc_id: vpc-22222222, cidrs: [10.1.0.0/16]}}
          c: {existing: {vpc_id: vpc-33333333, cidrs: [10.2.0.0/16]}}
        peerings:
          - {requester: a, accepter: b, existing: {peering_id: pcx-0123abcd}}
          - {requester: a, accepter: c, existing: {peering_id: pcx-0123abcd}}
        """)
    assert p.path == "peerings[1].existing.peering_id"
    assert p.line == H + 7
    assert "already adopted by peerings[0] on line 11" in p.message


def test_adopted_connections_are_not_outstanding_requests(plan_of):
    vpcs = "\n".join(
        f"  v{i}: {{account: prod, existing: {{vpc_id: vpc-{i:08x}, cidrs: [10.{i}.0.0/16]}}}}"
        for i in range(1, 4)
    )
    peerings = "\n".join(
        f"  - {{requester: hub, accepter: v{i}, existing: {{peering_id: pcx-{i:08x}}}}}"
        for i in range(1, 4)
    )
    plan = plan_of(f"""
vpcs:
  hub: {{existing: {{vpc_id: vpc-aaaaaaaa, cidrs: [10.100.0.0/16]}}}}
{vpcs}
peerings:
{peerings}
quotas: {{outstanding_requests_per_account: 1}}
""")
    assert all(link.adopted for link in plan.links)


def test_a_hub_adopts_existing_connections_by_spoke(plan_of):
    plan = plan_of("""
        vpcs:
          hub: {existing: {vpc_id: vpc-aaaaaaaa, cidrs: [10.100.0.0/16]}}
          old: {existing: {vpc_id: vpc-11111111, cidrs: [10.1.0.0/16]}}
          new: {cidr: 10.2.0.0/16}
        hubs:
          - hub: hub
            spokes: [old, new]
            existing: {old: {peering_id: pcx-0123abcd, routes_exist: false}}
        """)
    assert plan.link("hub--old").existing_id == "pcx-0123abcd"
    assert not plan.link("hub--old").imports_routes
    assert plan.link("hub--new").existing_id is None


def test_a_mesh_adopts_existing_connections_by_link_name(plan_of):
    plan = plan_of("""
        vpcs:
          a: {existing: {vpc_id: vpc-11111111, cidrs: [10.1.0.0/16]}}
          b: {existing: {vpc_id: vpc-22222222, cidrs: [10.2.0.0/16]}}
          c: {cidr: 10.3.0.0/16}
        meshes:
          - name: m
            members: [c, b, a]
            existing: {a--b: {peering_id: pcx-0123abcd}}
        """)
    assert plan.link("a--b").existing_id == "pcx-0123abcd"
    assert [link.name for link in plan.links if link.adopted] == ["a--b"]


def test_a_group_adopting_for_a_member_it_lacks_is_refused(problems_of):
    problems = problems_of("""
        vpcs:
          a: {existing: {vpc_id: vpc-11111111, cidrs: [10.1.0.0/16]}}
          b: {existing: {vpc_id: vpc-22222222, cidrs: [10.2.0.0/16]}}
          d: {existing: {vpc_id: vpc-44444444, cidrs: [10.4.0.0/16]}}
        meshes:
          - {name: m, members: [a, b], existing: {b--a: {peering_id: pcx-0123abcd}}}
        hubs:
          - {hub: a, spokes: [d], existing: {c: {peering_id: pcx-89abcdef}}}
        """)
    assert len(problems) == 2
    mesh, hub = sorted(problems, key=lambda p: p.path, reverse=True)
    assert (mesh.path, mesh.message, mesh.line) == (
        "meshes[0].existing.b--a",
        "unknown link 'b--a'",
        H + 6,
    )
    assert mesh.hint and "named 'a--b'" in mesh.hint and "`peerings:` entry" in mesh.hint
    assert (hub.path, hub.message, hub.line) == ("hubs[0].existing.c", "unknown spoke 'c'", H + 8)
    assert hub.hint == "spokes: 'd'"


def test_a_hub_spoke_adopted_with_a_created_hub_is_refused_where_it_is_written(one_problem):
    p = one_problem("""
        vpcs:
          hub: {cidr: 10.100.0.0/16}
          old: {existing: {vpc_id: vpc-11111111, cidrs: [10.1.0.0/16]}}
        hubs:
          - hub: hub
            spokes: [old]
            existing:
              old: {peering_id: pcx-0123abcd}
        """)
    assert (p.path, p.line) == ("hubs[0].existing.old.peering_id", H + 8)
    assert "peerstack creates 'hub'" in p.message
