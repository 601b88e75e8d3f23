"""Security group rules across peers: what the plan decides, and what it refuses."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from peerstack.errors import Problem
from peerstack.plan import Plan

# HEADER (conftest) defines accounts `net` (111111111111, default) and `prod`
# (222222222222), default region us-east-1, and takes 5 lines: body line N is N + 5.
H = 5

PlanOf = Callable[[str], Plan]
OneProblem = Callable[[str], Problem]

VPCS = """
vpcs:
  web:
    existing:
      vpc_id: vpc-0a000000000000001
      cidrs: [10.0.0.0/16]
      security_groups: {app: sg-0a000000000000001}
  db:
    account: prod
    existing:
      vpc_id: vpc-0b000000000000001
      cidrs: [10.1.0.0/16, 10.9.0.0/16]
      ipv6_cidrs: ["2600:1f18:1:100::/56"]
      security_groups: {postgres: sg-0b000000000000001}
  eu:
    region: eu-west-1
    existing:
      vpc_id: vpc-0c000000000000001
      cidrs: [10.2.0.0/16]
      ipv6_cidrs: ["2a05:d018:1:200::/56"]
      security_groups: {app: sg-0c000000000000001}
  made: {cidr: 10.3.0.0/16, ipv6: true}
"""
"""Body lines 3-22: web and db in one region, different accounts; eu in another region."""


def rules(plan: Plan) -> set[tuple[str, str, str, str, str]]:
    return {(r.vpc, r.group, r.protocol, r.ports, r.source) for r in plan.security_rules}


# -- decisions ---------------------------------------------------------------------------


def test_peer_blocks_become_one_rule_each_ipv6_where_both_sides_have_it(plan_of: PlanOf) -> None:
    plan = plan_of(
        VPCS
        + """
peerings:
  - requester: web
    accepter: db
    allow: [{to: web, group: app, protocol: tcp, ports: 443}]
  - requester: db
    accepter: eu
    allow: [{to: eu, group: app, protocol: udp, ports: "8000-8100"}]
"""
    )
    assert rules(plan) == {
        # web has no IPv6: db's IPv4 blocks only
        ("web", "app", "tcp", "443", "10.1.0.0/16"),
        ("web", "app", "tcp", "443", "10.9.0.0/16"),
        ("eu", "app", "udp", "8000-8100", "10.1.0.0/16"),
        ("eu", "app", "udp", "8000-8100", "10.9.0.0/16"),
        ("eu", "app", "udp", "8000-8100", "2600:1f18:1:100::/56"),
    }
    (first, *_) = plan.rules_over("web--db")
    assert (first.group_id, first.peer, first.from_port, first.to_port) == (
        "sg-0a000000000000001",
        "db",
        443,
        443,
    )
    assert plan.to_dict()["security_rules"][0] == {
        "vpc": "web",
        "group": "app",
        "group_id": "sg-0a000000000000001",
        "direction": "ingress",
        "protocol": "tcp",
        "from_port": 443,
        "to_port": 443,
        "cidr": "10.1.0.0/16",
        "peer_group": None,
        "referenced_group_id": None,
        "referenced_account_id": None,
        "peer": "db",
        "link": "web--db",
    }


def test_a_peer_group_is_referenced_as_account_and_id_across_accounts(plan_of: PlanOf) -> None:
    plan = plan_of(
        VPCS
        + """
peerings:
  - requester: web
    accepter: db
    allow:
      - {to: db, group: postgres, protocol: tcp, ports: 5432, peer_group: app}
      - {to: web, group: app, protocol: all, peer_group: postgres}
"""
    )
    db, web = plan.security_rules
    assert db.referenced_group_id == "111111111111/sg-0a000000000000001"
    assert db.key == "db.postgres.tcp.5432.web.app"
    assert (web.protocol, web.from_port, web.to_port, web.ports) == ("-1", None, None, "all")
    assert web.referenced_group_id == "222222222222/sg-0b000000000000001"


def test_icmp_allows_ipv4_blocks_and_icmpv6_the_deferred_ipv6_block(plan_of: PlanOf) -> None:
    plan = plan_of(
        VPCS
        + """
peerings:
  - requester: made
    accepter: db
    allow:
      - {to: db, group: postgres, protocol: icmp}
      - {to: db, group: postgres, protocol: icmpv6}
"""
    )
    assert rules(plan) == {
        ("db", "postgres", "icmp", "all", "10.3.0.0/16"),
        ("db", "postgres", "icmpv6", "all", "ipv6:made"),
    }
    deferred = next(r for r in plan.security_rules if r.deferred)
    assert (deferred.ipv6_of, deferred.from_port, deferred.key) == (
        "made",
        -1,
        "db.postgres.icmpv6.all.ipv6_made",
    )


def test_hub_rules_go_to_each_spoke_link_and_mesh_rules_to_each_members_links(
    plan_of: PlanOf,
) -> None:
    plan = plan_of(
        VPCS
        + """
hubs:
  - hub: web
    spokes: [db, made]
    allow: [{to: web, group: app, protocol: tcp, ports: 22}]
"""
    )
    assert {(r.link, r.source) for r in plan.security_rules} == {
        ("web--db", "10.1.0.0/16"),
        ("web--db", "10.9.0.0/16"),
        ("web--made", "10.3.0.0/16"),
    }
    mesh = plan_of(
        VPCS
        + """
meshes:
  - name: m
    members: [web, db, made]
    allow: [{to: db, group: postgres, protocol: tcp, ports: 5432}]
"""
    )
    assert {(r.link, r.source) for r in mesh.security_rules} == {
        ("db--web", "10.0.0.0/16"),
        ("db--made", "10.3.0.0/16"),
        ("db--made", "ipv6:made"),
    }


def test_without_allow_entries_the_plan_has_no_rules(plan_of: PlanOf) -> None:
    plan = plan_of(VPCS + "peerings: [{requester: web, accepter: db}]\n")
    assert plan.security_rules == () and plan.to_dict()["security_rules"] == []
    assert plan.to_dict()["vpcs"][0]["security_groups"] == {"app": "sg-0a000000000000001"}


# -- refused -----------------------------------------------------------------------------


def test_a_reference_across_regions_is_refused(one_problem: OneProblem) -> None:
    p = one_problem(
        VPCS
        + """
peerings:
  - requester: db
    accepter: eu
    allow: [{to: eu, group: app, protocol: tcp, ports: 443, peer_group: postgres}]
"""
    )
    assert p.path == "peerings[0].allow[0].peer_group"
    assert p.line == H + 26  # the `allow` line
    assert p.message.startswith(
        "cannot reference security group 'postgres' of 'db' from 'eu': they are in different "
        "regions (eu-west-1 and us-east-1)"
    )
    assert p.hint == "allow the peer's CIDR blocks instead: remove `peer_group`"


def test_to_must_be_a_side_of_the_peering(one_problem: OneProblem) -> None:
    p = one_problem(
        VPCS
        + """
peerings:
  - requester: web
    accepter: db
    allow: [{to: eu, group: app, protocol: tcp, ports: 443}]
"""
    )
    assert p.path == "peerings[0].allow[0].to"
    assert p.message == "'eu' is not a side of this link ('web' -- 'db')"


def test_an_unknown_group_is_refused_with_the_close_name(one_problem: OneProblem) -> None:
    p = one_problem(
        VPCS
        + """
peerings:
  - requester: web
    accepter: db
    allow: [{to: db, group: postgre, protocol: tcp, ports: 5432}]
"""
    )
    assert p.path == "peerings[0].allow[0].group"
    assert p.message == "unknown security group 'postgre' in 'db'"
    assert p.hint == "did you mean 'postgres'?"


def test_a_created_vpc_that_declares_no_groups(one_problem: OneProblem) -> None:
    p = one_problem(
        VPCS
        + """
peerings:
  - requester: made
    accepter: db
    allow: [{to: made, group: app, protocol: tcp, ports: 443}]
"""
    )
    assert p.path == "peerings[0].allow[0].group"
    assert "'made' (`to`) is created by peerstack and declares no security groups" in p.message
    assert p.hint is not None and "`security_groups: [app]` under `vpcs.made`" in p.hint


# -- groups peerstack creates ------------------------------------------------------------

CREATED = """
  jobs: {cidr: 10.4.0.0/16, ipv6: true, security_groups: [web, batch]}
  cache: {account: prod, cidr: 10.5.0.0/16, security_groups: [redis]}
"""
"""Two more created VPCs: jobs (IPv6, net account) and cache (prod account)."""


def test_created_groups_are_planned_with_allow_all_egress(plan_of: PlanOf) -> None:
    plan = plan_of(VPCS + CREATED)
    assert [(g.vpc, g.name, g.group_name, g.egress) for g in plan.security_groups] == [
        ("jobs", "web", "t-jobs-web", ("0.0.0.0/0", "::/0")),
        ("jobs", "batch", "t-jobs-batch", ("0.0.0.0/0", "::/0")),
        ("cache", "redis", "t-cache-redis", ("0.0.0.0/0",)),
    ]
    assert [g.key for g in plan.groups_of("jobs")] == ["jobs.web", "jobs.batch"]
    assert plan.to_dict()["security_groups"][2] == {
        "vpc": "cache",
        "name": "redis",
        "group_name": "t-cache-redis",
        "description": "peerstack t: redis of cache",
        "egress": ["0.0.0.0/0"],
    }


def test_rules_into_and_from_created_groups_carry_no_ids(plan_of: PlanOf) -> None:
    plan = plan_of(
        VPCS
        + CREATED
        + """
peerings:
  - requester: jobs
    accepter: cache
    allow:
      - {to: cache, group: redis, protocol: tcp, ports: 6379, peer_group: web}
      - {to: jobs, group: batch, protocol: tcp, ports: 443}
  - requester: web
    accepter: jobs
    allow:
      - {to: web, group: app, protocol: tcp, ports: 22, peer_group: batch}
"""
    )
    by_key = {r.key: r for r in plan.security_rules}
    into_cache = by_key["cache.redis.tcp.6379.jobs.web"]
    # Into a created group, referencing a created group in another account.
    assert into_cache.group_id is None and into_cache.creates_group
    assert into_cache.referenced_group_id is None and into_cache.references_created_group
    assert into_cache.referenced_account_id == "111111111111"
    # From cache's IPv4 block (cache has no IPv6) into jobs' created group.
    assert rules(plan) >= {("jobs", "batch", "tcp", "443", "10.5.0.0/16")}
    # An adopted group referencing a created group in its own account: no prefix.
    into_web = by_key["web.app.tcp.22.jobs.batch"]
    assert into_web.group_id == "sg-0a000000000000001"
    assert into_web.references_created_group and into_web.referenced_account_id is None


def test_unknown_created_group_suggests_the_declared_one(one_problem: OneProblem) -> None:
    p = one_problem(
        VPCS
        + CREATED
        + """
peerings:
  - requester: jobs
    accepter: db
    allow: [{to: jobs, group: webb, protocol: tcp, ports: 443}]
"""
    )
    assert p.path == "peerings[0].allow[0].group"
    assert p.message == "unknown security group 'webb' in 'jobs'"
    assert p.hint == "did you mean 'web'?"


def test_a_group_listed_twice(one_problem: OneProblem) -> None:
    p = one_problem(
        VPCS
        + """
  jobs:
    cidr: 10.4.0.0/16
    security_groups:
      - web
      - web
"""
    )
    assert p.path == "vpcs.jobs.security_groups[1]"
    assert p.line == H + 27
    assert "'web' of 'jobs' is listed twice (first on line" in p.message
    assert p.hint == "name each security group of the VPC once"


def test_a_group_name_that_reads_as_an_id(one_problem: OneProblem) -> None:
    p = one_problem(VPCS + "  jobs: {cidr: 10.4.0.0/16, security_groups: [sg-web]}\n")
    assert p.path == "vpcs.jobs.security_groups[0]"
    assert "starts with 'sg-'" in p.message
    assert p.hint is not None and "'web'" in p.hint


def test_an_adopted_vpc_declares_groups_under_existing(one_problem: OneProblem) -> None:
    p = one_problem(
        VPCS
        + """
  old:
    security_groups: [web]
    existing: {vpc_id: vpc-0d000000000000001, cidrs: [10.6.0.0/16]}
"""
    )
    assert p.path == "vpcs.old"
    assert "cannot also set security_groups" in p.message
    assert "existing.security_groups" in p.message


def test_icmpv6_needs_ipv6_on_both_sides(one_problem: OneProblem) -> None:
    p = one_problem(
        VPCS
        + """
peerings:
  - requester: web
    accepter: db
    allow: [{to: db, group: postgres, protocol: icmpv6}]
"""
    )
    assert p.path == "peerings[0].allow[0].protocol"
    assert p.message == "icmpv6 from 'web''s blocks allows nothing: 'web' has no IPv6"


def test_the_same_rule_twice_in_a_group_is_refused(one_problem: OneProblem) -> None:
    p = one_problem(
        VPCS
        + """
peerings:
  - requester: web
    accepter: db
    allow:
      - {to: db, group: postgres, protocol: tcp, ports: 5432}
      - {to: db, group: postgres, protocol: tcp, ports: "5432"}
"""
    )
    assert p.path == "peerings[0].allow[1]"
    assert "would get the rule tcp 5432 from 10.0.0.0/16 twice" in p.message
    assert p.hint is not None and "InvalidPermission.Duplicate" in p.hint


def test_members_of_meshes_and_hubs_only(problems_of: Callable[[str], list[Problem]]) -> None:
    problems = problems_of(
        VPCS
        + """
meshes:
  - {name: m, members: [web, made], allow: [{to: db, group: postgres, protocol: all}]}
hubs:
  - {hub: web, spokes: [db], allow: [{to: eu, group: app, protocol: all}]}
"""
    )
    assert [(p.path, p.message) for p in problems] == [
        ("meshes[0].allow[0].to", "'db' is not a member of mesh 'm'"),
        ("hubs[0].allow[0].to", "'eu' is neither the hub 'web' nor one of its spokes"),
    ]


def test_a_group_id_named_twice_is_refused(one_problem: OneProblem) -> None:
    p = one_problem("""
        vpcs:
          a: {existing: {vpc_id: vpc-11111111, cidrs: [10.0.0.0/16], security_groups: {x: sg-11111111, y: sg-11111111}}}
        """)
    assert p.path == "vpcs.a.existing.security_groups.y"
    assert p.message == (
        "'sg-11111111' is already named 'x'; a security group belongs to one VPC and needs one name"
    )


def test_the_rule_quota_counts_per_group_and_address_family(one_problem: OneProblem) -> None:
    p = one_problem(
        VPCS
        + """
peerings:
  - requester: web
    accepter: db
    allow:
      - {to: web, group: app, protocol: tcp, ports: 1}
      - {to: web, group: app, protocol: tcp, ports: 2, peer_group: postgres}
quotas: {rules_per_security_group: 2}
"""
    )
    # two blocks of db for port 1, and the reference, which counts for IPv4 too
    assert p.path == "vpcs.web.existing.security_groups.app"
    assert p.message == (
        "security group 'app' of 'web' would get 3 IPv4 inbound rules from peerstack alone; "
        "the quota is 2 per group per address family"
    )


def test_the_rule_quota_points_at_a_created_group_where_it_is_listed(
    one_problem: OneProblem,
) -> None:
    p = one_problem(
        VPCS
        + CREATED
        + """
peerings:
  - requester: db
    accepter: jobs
    allow:
      - {to: jobs, group: batch, protocol: tcp, ports: 1}
      - {to: jobs, group: batch, protocol: tcp, ports: 2}
quotas: {rules_per_security_group: 3}
"""
    )
    # db's two IPv4 blocks per port: 4 rules into jobs' created group `batch`
    assert p.path == "vpcs.jobs.security_groups[1]"
    assert p.message.startswith("security group 'batch' of 'jobs' would get 4 IPv4 inbound")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{to: db, group: postgres, protocol: tcp}", "protocol 'tcp' needs `ports`"),
        (
            "{to: db, group: postgres, protocol: icmp, ports: 8}",
            "protocol 'icmp' takes no `ports` (only tcp and udp have ports); remove `ports`",
        ),
        (
            "{to: db, group: postgres, protocol: all, ports: 80}",
            "protocol 'all' takes no `ports`",
        ),
        ('{to: db, group: postgres, protocol: tcp, ports: "9000-8000"}', "ends before it starts"),
        ("{to: db, group: postgres, protocol: tcp, ports: 70000}", "port 70000 is out of range"),
        ('{to: db, group: postgres, protocol: tcp, ports: "http"}', "is not a port"),
        (
            "{to: db, group: postgres, protocol: sctp, ports: 80}",
            "Input should be 'tcp', 'udp', 'icmp', 'icmpv6' or 'all'",
        ),
    ],
)
def test_entries_aws_would_refuse_are_refused_where_written(
    one_problem: OneProblem, entry: str, message: str
) -> None:
    p = one_problem(
        VPCS
        + f"""
peerings:
  - requester: web
    accepter: db
    allow: [{entry}]
"""
    )
    assert p.path.startswith("peerings[0].allow[0]")
    assert p.line == H + 26  # the `allow` line
    assert message in p.message


def test_a_malformed_group_id_is_refused(one_problem: OneProblem) -> None:
    p = one_problem("""
        vpcs:
          a: {existing: {vpc_id: vpc-11111111, cidrs: [10.0.0.0/16], security_groups: {x: sg-nope}}}
        """)
    assert p.path == "vpcs.a.existing.security_groups.x"
    assert p.message == "'sg-nope' is not a security group id"


def test_a_hub_rule_may_go_to_a_spoke_written_as_a_mapping(plan_of: PlanOf) -> None:
    # A spoke that chooses its routes is still a spoke `allow.to` may name.
    plan = plan_of(
        """
        vpcs:
          hub: {cidr: 10.0.0.0/16}
          app: {cidr: 10.1.0.0/16, security_groups: [api]}
          batch: {cidr: 10.2.0.0/16}
        hubs:
          - hub: hub
            spokes:
              - vpc: app
                routes: {app: {to: [hub]}}
              - batch
            allow:
              - {to: app, group: api, protocol: tcp, ports: 443}
        """
    )
    (rule,) = plan.security_rules
    assert (rule.vpc, rule.group, rule.link, rule.cidr) == ("app", "api", "hub--app", "10.0.0.0/16")
