"""The reachability model: endpoints, effective tables, longest prefix over every route."""

from __future__ import annotations

import ipaddress

from peerstack._reachability import (
    AcceptedConnection,
    Endpoint,
    Link,
    Route,
    SubnetEndpoint,
    VpcModel,
    carried,
    outside_peers,
    reachability,
    vpc_model,
)


def net(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(text)


def route(destination: str, link: str | None = None) -> Route:
    return Route(net(destination), link)


def vpc(
    name: str, block: str, tables: dict[str, list[Route]], *endpoints: tuple[str, str, str]
) -> VpcModel:
    """A VPC with a local route in every table; endpoints as (subnet, cidr, table)."""
    local = [route(block)]
    return VpcModel(
        name,
        tuple(Endpoint(f"{name}.{s}", (net(cidr),), table) for s, cidr, table in endpoints),
        {table: [*local, *routes] for table, routes in tables.items()},
    )


def test_both_ways_over_the_same_link() -> None:
    a = vpc(
        "a", "10.0.0.0/16", {"main": [route("10.1.0.0/16", "ab")]}, ("s", "10.0.1.0/24", "main")
    )
    b = vpc(
        "b", "10.1.0.0/16", {"main": [route("10.0.0.0/16", "ab")]}, ("s", "10.1.1.0/24", "main")
    )
    found = reachability([a, b], [Link("ab", ("a", "b"))])
    assert found.vpcs == {"a": ("b",), "b": ("a",)}
    assert found.endpoints == {"a.s": ("b.s",), "b.s": ("a.s",)}


def test_one_way_is_no_way() -> None:
    a = vpc(
        "a", "10.0.0.0/16", {"main": [route("10.1.0.0/16", "ab")]}, ("s", "10.0.1.0/24", "main")
    )
    b = vpc("b", "10.1.0.0/16", {"main": []}, ("s", "10.1.1.0/24", "main"))
    assert reachability([a, b], [Link("ab", ("a", "b"))]).vpcs == {"a": (), "b": ()}


def test_only_the_subnet_whose_table_routes_reaches() -> None:
    a = vpc(
        "a",
        "10.0.0.0/16",
        {"main": [], "peer": [route("10.1.0.0/16", "ab")]},
        ("routed", "10.0.1.0/24", "peer"),
        ("other", "10.0.2.0/24", "main"),
    )
    b = vpc(
        "b", "10.1.0.0/16", {"main": [route("10.0.0.0/16", "ab")]}, ("s", "10.1.1.0/24", "main")
    )
    found = reachability([a, b], [Link("ab", ("a", "b"))])
    assert found.endpoints["a.routed"] == ("b.s",)
    assert found.endpoints["a.other"] == ()


def test_the_route_back_must_cover_the_subnet() -> None:
    a = vpc(
        "a",
        "10.0.0.0/16",
        {"main": [route("10.1.0.0/16", "ab")]},
        ("one", "10.0.1.0/24", "main"),
        ("two", "10.0.2.0/24", "main"),
    )
    b = vpc(
        "b", "10.1.0.0/16", {"main": [route("10.0.2.0/24", "ab")]}, ("s", "10.1.1.0/24", "main")
    )
    found = reachability([a, b], [Link("ab", ("a", "b"))])
    assert found.endpoints["b.s"] == ("a.two",)


def test_a_route_covered_by_more_specific_ones_carries_nothing() -> None:
    """The hub routes spoke x's /16 over its link, but two /17s to other spokes take it all."""
    hub = vpc(
        "hub",
        "10.0.0.0/16",
        {
            "main": [
                route("192.168.0.0/16", "hub--x"),
                route("192.168.0.0/17", "hub--y"),
                route("192.168.128.0/17", "hub--z"),
            ]
        },
        ("s", "10.0.1.0/24", "main"),
    )
    spokes = [
        vpc(
            name,
            "192.168.0.0/16",
            {"main": [route("10.0.0.0/16", f"hub--{name}")]},
            ("s", cidr, "main"),
        )
        for name, cidr in (
            ("x", "192.168.1.0/24"),
            ("y", "192.168.2.0/24"),
            ("z", "192.168.200.0/24"),
        )
    ]
    links = [Link(f"hub--{n}", ("hub", n)) for n in "xyz"]
    found = reachability([hub, *spokes], links)
    assert found.vpcs["hub"] == ("y", "z")
    assert found.vpcs["x"] == ()


def test_longest_prefix_counts_routes_to_any_target() -> None:
    """A /24 to a gateway (or a blackhole) hides that part of a peering route."""
    a = vpc(
        "a",
        "10.0.0.0/16",
        {"main": [route("10.1.0.0/16", "ab"), route("10.1.1.0/24")]},
        ("s", "10.0.1.0/24", "main"),
    )
    b = vpc(
        "b",
        "10.1.0.0/16",
        {"main": [route("10.0.0.0/16", "ab")]},
        ("hidden", "10.1.1.0/24", "main"),
        ("seen", "10.1.2.0/24", "main"),
    )
    found = reachability([a, b], [Link("ab", ("a", "b"))])
    assert found.endpoints["a.s"] == ("b.seen",)


def test_families_are_separate() -> None:
    """IPv4 out and IPv6 back is no connection."""
    a = VpcModel(
        "a",
        (Endpoint("a", (net("10.0.0.0/16"), net("2600:1::/56")), "main"),),
        {"main": [route("10.1.0.0/16", "ab")]},
    )
    b = VpcModel(
        "b",
        (Endpoint("b", (net("10.1.0.0/16"), net("2600:2::/56")), "main"),),
        {"main": [route("2600:1::/56", "ab")]},
    )
    assert reachability([a, b], [Link("ab", ("a", "b"))]).vpcs == {"a": (), "b": ()}


def test_an_endpoint_without_a_table_reaches_nothing() -> None:
    a = VpcModel("a", (Endpoint("a", (net("10.0.0.0/16"),), None),), {})
    b = vpc(
        "b", "10.1.0.0/16", {"main": [route("10.0.0.0/16", "ab")]}, ("s", "10.1.1.0/24", "main")
    )
    assert reachability([a, b], [Link("ab", ("a", "b"))]).endpoints == {"a": (), "b.s": ()}


def test_links_to_vpcs_outside_the_model_are_ignored() -> None:
    a = vpc(
        "a", "10.0.0.0/16", {"main": [route("10.1.0.0/16", "ab")]}, ("s", "10.0.1.0/24", "main")
    )
    assert reachability([a], [Link("ab", ("a", "b"))]).vpcs == {"a": ()}


def test_carried_parts_of_each_route() -> None:
    routes = [route("10.0.0.0/8"), route("10.1.0.0/16", "x"), route("10.1.0.0/17"), route("::/0")]
    parts = carried(routes)
    assert [len(p) for p in parts] == [2, 1, 1, 1]
    only = parts[1][0]
    assert (ipaddress.IPv4Address(only.first), ipaddress.IPv4Address(only.last)) == (
        ipaddress.IPv4Address("10.1.128.0"),
        ipaddress.IPv4Address("10.1.255.255"),
    )


def test_a_wide_route_keeps_what_a_thousand_narrow_ones_leave() -> None:
    """A table of 1,000 disjoint /24s and one /8 over them all."""
    routes = [route(f"10.{i // 256}.{i % 256}.0/24", f"l{i}") for i in range(1000)]
    routes.append(route("10.0.0.0/8", "wide"))
    parts = carried(routes)
    assert all(len(p) == 1 for p in parts[:-1])
    assert len(parts[-1]) == 1  # 10.3.232.0 .. 10.255.255.255


# -- the builders both sides describe their VPCs with --------------------------------------


def test_a_vpc_taken_whole_is_one_endpoint_per_table_covering_every_block() -> None:
    blocks = (net("10.0.0.0/16"), net("10.100.0.0/16"))
    model = vpc_model("old", blocks, {"main": [], "edge": [route("10.1.0.0/16", "ab")]}, None)
    assert model.endpoints == (
        Endpoint("old", blocks, "main"),
        Endpoint("old", blocks, "edge"),
    )
    b = vpc(
        "b", "10.1.0.0/16", {"main": [route("10.100.0.0/16", "ab")]}, ("s", "10.1.1.0/24", "main")
    )
    # one table reaches, through the secondary block: the VPC does, named as a whole.
    found = reachability([model, b], [Link("ab", ("old", "b"))])
    assert found.endpoints == {"old": ("b.s",), "b.s": ("old",)}


def test_a_vpcs_subnets_are_its_endpoints_named_after_it() -> None:
    model = vpc_model(
        "a",
        (net("10.0.0.0/16"),),
        {"main": [], "app": []},
        [
            SubnetEndpoint("app", (net("10.0.1.0/24"),), "app"),
            SubnetEndpoint("subnet-0abc", (net("10.0.9.0/24"),), "main"),
        ],
    )
    assert [(e.name, e.table) for e in model.endpoints] == [
        ("a.app", "app"),
        ("a.subnet-0abc", "main"),
    ]
    assert vpc_model("a", (net("10.0.0.0/16"),), {"main": []}, []).endpoints == ()


def test_an_outside_peer_routes_back_every_block_of_each_vpc_that_accepted_it() -> None:
    a_blocks = (net("10.0.0.0/16"),)
    b_blocks = (net("10.1.0.0/16"), net("2600:1::/56"))
    models, links = outside_peers(
        [
            AcceptedConnection("a<-atlas", "atlas", (net("172.16.0.0/16"),), "a", a_blocks),
            AcceptedConnection("b<-atlas", "atlas", (net("172.16.0.0/16"),), "b", b_blocks),
        ]
    )
    (atlas,) = models
    assert links == [Link("a<-atlas", ("atlas", "a")), Link("b<-atlas", ("atlas", "b"))]
    assert atlas.endpoints == (Endpoint("atlas", (net("172.16.0.0/16"),), "assumed"),)
    assert [(r.destination, r.link) for r in atlas.tables["assumed"]] == [
        (net("172.16.0.0/16"), None),
        (net("10.0.0.0/16"), "a<-atlas"),
        (net("10.1.0.0/16"), "b<-atlas"),
        (net("2600:1::/56"), "b<-atlas"),
    ]
    # reached exactly where our side routes some of its addresses over the connection
    a = vpc(
        "a",
        "10.0.0.0/16",
        {"main": [route("172.16.0.0/24", "a<-atlas")]},
        ("s", "10.0.1.0/24", "main"),
    )
    b = vpc("b", "10.1.0.0/16", {"main": []}, ("s", "10.1.1.0/24", "main"))
    found = reachability([a, b, *models], links)
    assert found.vpcs == {"a": ("atlas",), "b": (), "atlas": ("a",)}
