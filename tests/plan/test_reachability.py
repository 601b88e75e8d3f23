"""The plan's reachability is the model verify applies to AWS: subnets, their tables,
longest prefix over every route; and warnings for routes that make nothing reachable."""

from __future__ import annotations

from collections.abc import Callable

from peerstack.plan import Plan

PlanOf = Callable[[str], Plan]

COVERED_HUB = """
    vpcs:
      hub: {cidr: 10.0.0.0/16, subnets: [{name: s, cidr: 10.0.1.0/24, az: a}]}
      x: {cidr: 192.168.0.0/16, subnets: [{name: s, cidr: 192.168.1.0/24, az: a}]}
      y: {cidr: 192.168.0.0/17, subnets: [{name: s, cidr: 192.168.2.0/24, az: a}]}
      z: {cidr: 192.168.128.0/17, subnets: [{name: s, cidr: 192.168.200.0/24, az: a}]}
    hubs:
      - {hub: hub, spokes: [x, y, z]}
    """


def test_a_hub_route_covered_by_more_specific_ones_does_not_reach(plan_of: PlanOf) -> None:
    """The hub's /16 to x is split between the /17s to y and z: nothing goes to x."""
    plan = plan_of(COVERED_HUB)
    assert plan.reachability["hub"] == ("y", "z")
    assert plan.reachability["x"] == ()
    assert not plan.can_reach("hub", "x")
    assert plan.subnet_reachability["hub.s"] == ("y.s", "z.s")
    (warning,) = plan.warnings
    assert warning.path == "vpcs.hub"
    assert warning.location == "t.yaml:7"  # the hub's line
    assert warning.message == (
        "in route table 'main' of 'hub', the route to 192.168.0.0/16 over 'hub--x' carries "
        "nothing: more specific routes take all of it (192.168.0.0/17 over hub--y, "
        "192.168.128.0/17 over hub--z), so 'hub' does not reach 'x' there"
    )


def test_routes_in_a_table_no_subnet_uses_reach_nothing_and_are_warned(plan_of: PlanOf) -> None:
    plan = plan_of("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            subnets: [{name: s, cidr: 10.0.1.0/24, az: a, route_table: app}]
          b: {cidr: 10.1.0.0/16, subnets: [{name: s, cidr: 10.1.1.0/24, az: a}]}
        peerings:
          - {requester: a, accepter: b, routes: {a: {tables: [main]}}}
        """)
    assert plan.reachability == {"a": (), "b": ()}
    (warning,) = plan.warnings
    assert warning.path == "vpcs.a"
    assert "route table 'main' of 'a' gets 1 peering route (to b) but no subnet uses it" in (
        warning.message
    )
    assert warning.hint is not None and "`route_table`" in warning.hint


def test_a_plan_without_surprises_has_no_warnings(plan_of: PlanOf) -> None:
    plan = plan_of("""
        vpcs:
          a: {cidr: 10.0.0.0/16, subnets: [{name: s, cidr: 10.0.1.0/24, az: a}]}
          b: {cidr: 10.1.0.0/16}
        peerings:
          - {requester: a, accepter: b}
        """)
    assert plan.warnings == ()
    assert plan.subnet_reachability == {"a.s": ("b",), "b": ("a.s",)}
    assert plan.to_dict()["warnings"] == []


def test_each_subnet_reaches_what_its_own_table_routes(plan_of: PlanOf) -> None:
    plan = plan_of("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            subnets:
              - {name: app, cidr: 10.0.1.0/24, az: a, route_table: app}
              - {name: web, cidr: 10.0.2.0/24, az: a}
          b: {cidr: 10.1.0.0/16, subnets: [{name: s, cidr: 10.1.1.0/24, az: a}]}
        peerings:
          - requester: a
            accepter: b
            routes: {a: {tables: [app]}, b: {to: [a.app, a.web]}}
        """)
    assert plan.subnet_reachability == {"a.app": ("b.s",), "a.web": (), "b.s": ("a.app",)}
    assert plan.reachability == {"a": ("b",), "b": ("a",)}


def test_the_route_back_must_reach_the_subnet_that_routes_out(plan_of: PlanOf) -> None:
    """a.web routes to b, but b only routes back to a.app (which has no route out)."""
    plan = plan_of("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            subnets:
              - {name: app, cidr: 10.0.1.0/24, az: a, route_table: app}
              - {name: web, cidr: 10.0.2.0/24, az: a}
          b: {cidr: 10.1.0.0/16, subnets: [{name: s, cidr: 10.1.1.0/24, az: a}]}
        peerings:
          - requester: a
            accepter: b
            routes: {a: {tables: [main]}, b: {to: [a.app]}}
        """)
    assert plan.reachability == {"a": (), "b": ()}


def test_an_adopted_vpc_counts_every_listed_table_as_used(plan_of: PlanOf) -> None:
    plan = plan_of("""
        vpcs:
          a: {cidr: 10.0.0.0/16}
          old:
            existing:
              vpc_id: vpc-0123456789abcdef0
              cidrs: [172.31.0.0/16]
              route_tables: {main: rtb-0123456789abcdef0, edge: rtb-0123456789abcdef1}
        peerings:
          - {requester: a, accepter: old, routes: {old: {tables: [edge]}}}
        """)
    assert plan.warnings == ()
    assert plan.subnet_reachability == {"a": ("old",), "old": ("a",)}


def test_ipv6_assigned_at_deploy_reaches_over_ipv6_only_routes(plan_of: PlanOf) -> None:
    """a's block is unknown until deploy; old routes it back as ``ipv6:a``."""
    plan = plan_of("""
        vpcs:
          a: {cidr: 10.0.0.0/16, ipv6: true}
          old:
            existing:
              vpc_id: vpc-0123456789abcdef0
              cidrs: [172.31.0.0/16]
              ipv6_cidrs: ["2600:1f18:1::/56"]
        peerings:
          - {requester: a, accepter: old, routes: {a: {to: ["2600:1f18:1::/56"]}}}
        """)
    assert {r.destination for r in plan.routes_of("old")} == {"10.0.0.0/16", "ipv6:a"}
    assert plan.reachability == {"a": ("old",), "old": ("a",)}


def test_a_subnet_reaches_over_ipv6_only_with_its_own_64(plan_of: PlanOf) -> None:
    """a routes only an IPv6 block of the adopted b; b routes back all of a (IPv4 and
    ipv6:a). Only a's subnet with an ipv6_index has an address b's route carries back
    over the same family, so only it reaches b."""
    plan = plan_of("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            ipv6: true
            subnets:
              - {name: six, cidr: 10.0.1.0/24, az: a, ipv6_index: 9}
              - {name: four, cidr: 10.0.2.0/24, az: a}
          b:
            existing:
              vpc_id: vpc-11111111
              cidrs: [10.1.0.0/16]
              ipv6_cidrs: ["2600:1f18:7:100::/56"]
        peerings:
          - {requester: a, accepter: b, routes: {a: {to: ["2600:1f18:7:100::/56"]}}}
        """)
    assert plan.subnet_reachability["a.six"] == ("b",)
    assert plan.subnet_reachability["a.four"] == ()
    assert plan.reachability["a"] == ("b",)


def test_a_route_to_a_subnet_reaches_it_and_none_of_its_neighbours(plan_of: PlanOf) -> None:
    plan = plan_of("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            ipv6: true
            subnets:
              - {name: api, cidr: 10.0.1.0/24, az: a, route_table: api, ipv6_index: 1}
              - {name: db, cidr: 10.0.2.0/24, az: a, ipv6_index: 2}
          b: {cidr: 10.1.0.0/16, ipv6: true, subnets: [{name: s, cidr: 10.1.1.0/24, az: a}]}
        hubs:
          - {hub: a, spokes: [{vpc: b, routes: {b: {to: [a.api]}, a: {tables: [api]}}}]}
        """)
    assert {r.destination for r in plan.routes_of("b")} == {"10.0.1.0/24", "ipv6:a.api"}
    assert plan.subnet_reachability["b.s"] == ("a.api",)
    assert plan.subnet_reachability["a.db"] == ()
    assert plan.warnings == ()


def test_an_unused_table_a_mesh_routes_gets_a_hint_a_mesh_can_follow(plan_of) -> None:
    plan = plan_of(
        """
        vpcs:
          a:
            cidr: 10.0.0.0/16
            subnets: [{name: s, cidr: 10.0.1.0/24, az: a, route_table: private}]
          b: {cidr: 10.1.0.0/16}
          c: {cidr: 10.2.0.0/16}
        meshes: [{name: core, members: [a, b, c]}]
        """
    )
    (warning,) = plan.warnings
    assert "route table 'main' of 'a' gets 2 peering routes" in warning.message
    assert warning.hint == (
        "give a subnet of 'a' no `route_table`, so that it uses the main table; or a mesh "
        "(meshes[0] (core)) routes every table of its members: to choose the tables of 'a', "
        "declare its links as `peerings` with `routes: {a: {tables: [private]}}`"
    )


def test_an_unused_table_a_peering_routes_points_at_that_peering(plan_of) -> None:
    plan = plan_of(
        """
        vpcs:
          a:
            cidr: 10.0.0.0/16
            subnets: [{name: s, cidr: 10.0.1.0/24, az: a, route_table: private}]
          b: {cidr: 10.1.0.0/16}
        peerings: [{requester: a, accepter: b}]
        """
    )
    (warning,) = plan.warnings
    assert warning.hint is not None and warning.hint.endswith(
        "or add `routes: {a: {tables: [private]}}` to peerings[0] to route only the tables in use"
    )
