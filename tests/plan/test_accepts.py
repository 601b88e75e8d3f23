"""Accepting a request from outside the organisation: decisions and every rule."""

from __future__ import annotations

# HEADER (conftest) defines accounts `net` (111111111111, default) and `prod`
# (222222222222), default region us-east-1, and takes 5 lines: body line N is N + 5.
H = 5

APP = """
vpcs:
  app:
    existing:
      vpc_id: vpc-0a1a1a1a1a1a1a1a1
      cidrs: [10.40.0.0/16]
      route_tables: {main: rtb-0a1a1a1a1a1a1a1a1, private: rtb-0b1b1b1b1b1b1b1b1}
"""
ATLAS = '{name: atlas, account_id: "536727724300", region: us-east-1, cidrs: [192.168.248.0/21]}'


def test_accept_plans_our_side_only(plan_of):
    plan = plan_of(
        APP
        + f"""
accepts:
  - vpc: app
    peering_id: pcx-0f1f1f1f1f1f1f1f1
    peer: {ATLAS}
    routes: {{to: [atlas], tables: [private]}}
    dns_resolution: false
"""
    )
    (accept,) = plan.accepts
    assert accept.name == "atlas--app"
    assert accept.vpc == "app" and accept.peering_id == "pcx-0f1f1f1f1f1f1f1f1"
    assert accept.account_id == "111111111111" and accept.region == "us-east-1"
    assert accept.cross_account and not accept.cross_region
    assert accept.peer.cidrs == ("192.168.248.0/21",)
    assert not accept.dns_resolution
    assert plan.links == ()
    (route,) = plan.routes
    assert (route.vpc, route.route_table, route.destination) == (
        "app",
        "private",
        "192.168.248.0/21",
    )
    assert (route.peer, route.link) == ("atlas", "atlas--app")
    assert plan.routes_over("atlas--app") == (route,)
    assert plan.accept("atlas--app") is accept
    # Our side routes to the peer, which is assumed to route back.
    assert plan.reachability == {"app": ("atlas",), "atlas": ("app",)}
    assert plan.can_reach("app", "atlas")
    data = plan.to_dict()
    assert data["accepts"][0]["peer"]["name"] == "atlas"
    assert data["accepts"][0]["peering_id"] == "pcx-0f1f1f1f1f1f1f1f1"


def test_accept_routes_every_table_by_default_and_takes_default_dns(plan_of):
    plan = plan_of(
        APP
        + f"""
accepts:
  - {{vpc: app, peering_id: pcx-0f1f1f1f, peer: {ATLAS}}}
"""
    )
    assert {(r.route_table, r.destination) for r in plan.routes} == {
        ("main", "192.168.248.0/21"),
        ("private", "192.168.248.0/21"),
    }
    assert plan.accepts[0].dns_resolution is False  # defaults.dns_resolution (unset: off)


def test_no_route_means_not_reached(plan_of):
    plan = plan_of(
        APP
        + f"""
accepts:
  - {{vpc: app, peering_id: pcx-0f1f1f1f, peer: {ATLAS}, routes: {{to: []}}}}
"""
    )
    assert plan.routes == ()
    assert not plan.can_reach("app", "atlas")


def test_literal_destination_inside_the_peer(plan_of, one_problem):
    plan = plan_of(
        APP
        + f"""
accepts:
  - {{vpc: app, peering_id: pcx-0f1f1f1f, peer: {ATLAS}, routes: {{to: [192.168.250.0/24]}}}}
"""
    )
    assert {r.destination for r in plan.routes} == {"192.168.250.0/24"}
    p = one_problem(
        APP
        + f"""
accepts:
  - vpc: app
    peering_id: pcx-0f1f1f1f
    peer: {ATLAS}
    routes: {{to: [192.168.0.0/24]}}
"""
    )
    assert p.path == "accepts[0].routes.to[0]"
    assert p.line == H + 12  # APP starts with an empty line
    assert "not inside the outside peer 'atlas'" in p.message
    assert p.hint and "peer.cidrs" in p.hint


def test_destination_naming_one_of_our_vpcs(one_problem):
    p = one_problem(
        APP
        + f"""
accepts:
  - {{vpc: app, peering_id: pcx-0f1f1f1f, peer: {ATLAS}, routes: {{to: [app]}}}}
"""
    )
    assert p.path == "accepts[0].routes.to[0]"
    assert "not the outside peer" in p.message
    assert p.hint and "not transitive" in p.hint


def test_a_created_vpc_cannot_accept(one_problem):
    p = one_problem(f"""
        vpcs:
          app: {{cidr: 10.40.0.0/16}}
        accepts:
          - {{vpc: app, peering_id: pcx-0f1f1f1f, peer: {ATLAS}}}
        """)
    assert p.path == "accepts[0].vpc"
    assert p.line == H + 4
    assert "peerstack creates 'app'" in p.message
    assert p.hint and "existing" in p.hint


def test_unknown_vpc_suggests_the_closest(one_problem):
    p = one_problem(
        APP
        + f"""
accepts:
  - {{vpc: apq, peering_id: pcx-0f1f1f1f, peer: {ATLAS}}}
"""
    )
    assert p.path == "accepts[0].vpc"
    assert p.hint == "did you mean 'app'?"


def test_peer_overlapping_our_vpc(one_problem):
    p = one_problem(
        APP
        + """
accepts:
  - vpc: app
    peering_id: pcx-0f1f1f1f
    peer: {name: atlas, account_id: "536727724300", region: us-east-1, cidrs: [10.40.8.0/21]}
"""
    )
    assert p.path == "accepts[0].peer.cidrs"
    assert "10.40.8.0/21 (of 'atlas') overlaps 10.40.0.0/16 (of 'app')" in p.message
    assert p.hint and "partner" in p.hint


def test_peer_named_like_a_vpc(one_problem):
    p = one_problem(
        APP
        + """
accepts:
  - vpc: app
    peering_id: pcx-0f1f1f1f
    peer: {name: app, account_id: "536727724300", region: us-east-1, cidrs: [192.168.0.0/21]}
"""
    )
    assert p.path == "accepts[0].peer.name"
    assert "like a VPC of this topology" in p.message


def test_one_connection_per_pair_and_one_acceptance_per_id(problems_of):
    problems = problems_of(
        APP
        + f"""
accepts:
  - {{vpc: app, peering_id: pcx-0f1f1f1f, peer: {ATLAS}}}
  - {{vpc: app, peering_id: pcx-0f1f1f1f, peer: {ATLAS}}}
"""
    )
    by_path = {p.path: p for p in problems}
    assert "one peering connection per VPC pair" in by_path["accepts[1]"].message
    assert "already accepted by accepts[0]" in by_path["accepts[1].peering_id"].message


def test_one_peer_name_is_one_vpc(one_problem):
    p = one_problem(
        APP
        + """
  db:
    existing: {vpc_id: vpc-0c1c1c1c1c1c1c1c1, cidrs: [10.50.0.0/16]}
accepts:
  - vpc: app
    peering_id: pcx-0f1f1f1f
    peer: {name: atlas, account_id: "536727724300", region: us-east-1, cidrs: [192.168.0.0/21]}
  - vpc: db
    peering_id: pcx-0e1e1e1e
    peer: {name: atlas, account_id: "536727724300", region: us-east-1, cidrs: [192.168.8.0/21]}
"""
    )
    assert p.path == "accepts[1].peer"
    assert "described differently in accepts[0]" in p.message


def test_the_same_destination_twice_in_a_table_counts_links_too(one_problem):
    p = one_problem(
        APP
        + f"""
  other:
    existing: {{vpc_id: vpc-0c1c1c1c1c1c1c1c1, cidrs: [192.168.248.0/21]}}
peerings:
  - {{requester: app, accepter: other}}
accepts:
  - {{vpc: app, peering_id: pcx-0f1f1f1f, peer: {ATLAS}, routes: {{tables: [private]}}}}
"""
    )
    assert "route table 'private' of 'app' would route 192.168.248.0/21 twice" in p.message
    assert "'app--other'" in p.message and "'atlas--app'" in p.message
    assert p.path == "accepts[0].routes"


def test_accepts_count_against_the_peering_and_route_quotas(problems_of):
    problems = problems_of(
        APP
        + f"""
  b:
    existing: {{vpc_id: vpc-0c1c1c1c1c1c1c1c1, cidrs: [10.50.0.0/16]}}
peerings:
  - {{requester: app, accepter: b}}
accepts:
  - {{vpc: app, peering_id: pcx-0f1f1f1f, peer: {ATLAS}}}
quotas: {{peerings_per_vpc: 1, routes_per_table: 1}}
"""
    )
    messages = [p.message for p in problems]
    assert any("'app' has 2 peering connections; the quota is 1" in m for m in messages)
    assert any("route table 'main' of 'app' would hold 2 IPv4" in m for m in messages)


def test_field_rules_point_at_the_field(problems_of):
    problems = problems_of(
        APP
        + """
accepts:
  - vpc: app
    peering_id: pcx-nope
    peer: {name: atlas, account_id: "5367", region: us-esat-1, cidrs: [192.168.248.0/33]}
"""
    )
    paths = {p.path for p in problems}
    assert {
        "accepts[0].peering_id",
        "accepts[0].peer.account_id",
        "accepts[0].peer.region",
        "accepts[0].peer.cidrs[0]",
    } <= paths
    region = next(p for p in problems if p.path == "accepts[0].peer.region")
    assert region.hint and "did you mean" in region.hint


def test_the_acceptance_tags_count_against_aws_limit(one_problem):
    tags = ", ".join(f"k{i}: v" for i in range(47))
    p = one_problem(
        APP
        + f"""
accepts:
  - {{vpc: app, peering_id: pcx-0f1f1f1f, peer: {ATLAS}, tags: {{{tags}}}}}
"""
    )
    assert p.path == "accepts[0].tags"
    assert "the acceptance 'atlas--app' would carry 51 tags" in p.message
