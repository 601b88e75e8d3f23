"""Every problem in one round: field-level and planner problems together, sorted by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerstack.errors import Problem, TopologyError
from peerstack.plan import build_plan
from peerstack.topology import load_topology


def _all(tmp_path: Path, text: str) -> list[Problem]:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    with pytest.raises(TopologyError) as info:
        build_plan(path)
    found = list(info.value.problems)
    assert found == sorted(found, key=Problem.sort_key)
    return found


def _where(found: list[Problem]) -> list[tuple[int | None, str]]:
    return [(p.line, p.path) for p in found]


def test_typos_do_not_hide_what_the_planner_finds(tmp_path: Path) -> None:
    found = _all(
        tmp_path,
        """\
name: t
defaults: {region: us-east-1}
accounts:
  net: {id: 111111111111}
vpcs:
  a: {cidr: 10.0.0.0/16, regoin: eu-west-1}
  b: {cidr: 10.1.0.0/16, account: net, subnets: [{name: s, cidr: 10.9.0.0/24, az: a}]}
  c: {cidr: 10.1.0.0/16, account: net}
  d: {cidr: 10.3.0.0/16, account: net, region: eu-west-1, subnets: [{name: s, cidr: 10.3.0.0/24, az: us-east-1a}]}
peerings:
  - {requester: b, accepter: c}
  - {requester: a, accepter: b}
  - {requester: b, accepter: e}
  - {requester: c, acceptor: d}
meshes:
  - {name: m, members: [d]}
hubs:
  - {hub: d, spokes: [c, c]}
""",
    )
    assert _where(found) == [
        (4, "accounts.net.id"),  # field: unquoted id
        (6, "vpcs.a.regoin"),  # field: misspelt field
        (7, "vpcs.b.subnets[0].cidr"),  # planner: outside the VPC
        (9, "vpcs.d.subnets[0].az"),  # planner: zone of another region
        (11, "peerings[0]"),  # planner: overlap
        (13, "peerings[2].accepter"),  # planner: unknown VPC
        (14, "peerings[3].accepter"),  # field: so the accepter is missing
        (14, "peerings[3].acceptor"),  # field: misspelt field
        (16, "meshes[0].members"),  # field: one member
        (18, "hubs[0].spokes[1]"),  # planner: listed twice
    ]
    # `a` is invalid, so the link to it is not reported again as a link to an unknown VPC
    assert not [p for p in found if "'a'" in p.message and "unknown" in p.message]


def test_load_topology_alone_reports_the_field_problems(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        'name: t\ndefaults: {region: us-east-1}\naccounts: {n: {id: "111111111111"}}\n'
        "vpcs: {a: {cidr: 10.0.0.0/16}, b: {cidr: 10.0.0.0/16}}\n"
        "peerings: [{requester: a, accepter: b}]\nmeshes: [{name: m, members: [a]}]\n"
    )
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    assert [p.path for p in info.value.problems] == ["meshes[0].members"]
    with pytest.raises(TopologyError) as info:
        build_plan(path)
    assert [p.path for p in info.value.problems] == ["peerings[0]", "meshes[0].members"]


def test_a_duplicate_key_does_not_hide_the_rest(tmp_path: Path) -> None:
    found = _all(
        tmp_path,
        'name: t\nname: u\ndefaults: {region: us-east-1}\naccounts: {n: {id: "111111111111"}}\n'
        "vpcs: {a: {cidr: 10.0.0.0/16}, b: {cidr: 10.0.0.0/16}}\n"
        "peerings: [{requester: a, accepter: b}]\n",
    )
    assert _where(found) == [(2, "name"), (6, "peerings[0]")]


def test_an_invalid_default_region_does_not_make_every_vpc_regionless(tmp_path: Path) -> None:
    found = _all(
        tmp_path,
        'name: t\ndefaults: {region: us-easst-1}\naccounts: {n: {id: "111111111111"}}\n'
        "vpcs:\n  a: {cidr: 10.0.0.0/16, subnets: [{name: s, cidr: 10.0.0.0/24, az: b}]}\n"
        "  b: {cidr: 10.0.0.0/16}\n"
        "peerings: [{requester: a, accepter: b}]\n",
    )
    assert _where(found) == [(2, "defaults.region"), (7, "peerings[0]")]
    assert found[0].hint == "did you mean 'us-east-1'?"


def test_an_invalid_account_still_has_its_vpcs_checked(tmp_path: Path) -> None:
    found = _all(
        tmp_path,
        "name: t\ndefaults: {region: us-east-1, account: prod}\n"
        'accounts: {net: {id: "111111111111"}, prod: {id: "2222"}}\n'
        "vpcs: {a: {cidr: 10.0.0.0/16}, b: {cidr: 10.0.0.0/16, account: net}}\n"
        "peerings: [{requester: a, accepter: b}]\n",
    )
    assert _where(found) == [(3, "accounts.prod.id"), (5, "peerings[0]")]


def test_an_invalid_quota_is_not_replaced_by_the_default(tmp_path: Path) -> None:
    members = ", ".join(f"v{i}" for i in range(52))
    vpcs = "\n".join(f"  v{i}: {{cidr: 10.{i}.0.0/16}}" for i in range(52))
    found = _all(
        tmp_path,
        'name: t\ndefaults: {region: us-east-1}\naccounts: {n: {id: "111111111111"}}\n'
        f"vpcs:\n{vpcs}\nmeshes:\n  - {{name: m, members: [{members}]}}\n"
        "quotas: {peerings_per_vpc: 200, routes_per_table: 100}\n",
    )
    assert _where(found) == [(59, "quotas.peerings_per_vpc")]


def test_entries_after_an_invalid_one_keep_their_positions(tmp_path: Path) -> None:
    found = _all(
        tmp_path,
        'name: t\ndefaults: {region: us-east-1}\naccounts: {n: {id: "111111111111"}}\n'
        "vpcs: {a: {cidr: 10.0.0.0/16}, b: {cidr: 10.0.0.0/16}}\n"
        "meshes:\n  - {name: M, members: [a, b]}\n  - {name: m, members: [a, b]}\n",
    )
    assert _where(found) == [(6, "meshes[0].name"), (7, "meshes[1].members[1]")]
    assert found[1].message.startswith("cannot peer 'a' and 'b'")


def test_a_vpcs_section_that_is_not_a_mapping_silences_references_to_vpcs(tmp_path) -> None:
    found = _all(
        tmp_path,
        'name: t\ndefaults: {region: us-east-1}\naccounts: {n: {id: "111111111111"}}\n'
        "vpcs: [a, b]\npeerings: [{requester: a, accepter: b}]\n",
    )
    assert _where(found) == [(4, "vpcs")]


def test_an_invalid_subnet_leaves_the_rest_of_its_vpc_checked(tmp_path: Path) -> None:
    found = _all(
        tmp_path,
        """\
name: t
defaults: {account: net, region: us-east-1}
accounts:
  net: {id: "111111111111"}
vpcs:
  web:
    cidr: 10.0.0.0/16
    security_groups: [front, front]
    subnets:
      - {name: a, cidr: 10.0.1.0/24, az: a, route_table: tools, ipv6_index: 300}
      - {name: b, cidr: 10.9.0.0/24, az: b}
  app: {cidr: 10.0.0.0/16}
peerings:
  - requester: web
    accepter: app
    routes: {app: {to: [web.a]}, web: {tables: [tools]}}
""",
    )
    assert _where(found) == [
        (8, "vpcs.web.security_groups[1]"),  # planner: a group named twice
        (10, "vpcs.web.subnets[0].ipv6_index"),  # field: out of range
        (11, "vpcs.web.subnets[1].cidr"),  # planner: outside the VPC
        (14, "peerings[0]"),  # planner: web and app overlap
    ]
    # Subnet `a` and its table `tools` were left out with their problem: routes to them
    # are not called unknown.


def test_kept_subnets_are_named_by_their_written_positions(tmp_path: Path) -> None:
    found = _all(
        tmp_path,
        """\
name: t
defaults: {account: net, region: us-east-1}
accounts:
  net: {id: "111111111111"}
vpcs:
  web:
    cidr: 10.0.0.0/16
    ipv6: true
    subnets:
      - {name: a, cidr: 10.0.1.0/24, az: a, ipv6_index: 300}
      - {name: b, cidr: 10.0.2.0/24, az: a, ipv6_index: 1}
      - {name: c, cidr: 10.0.2.0/25, az: b, ipv6_index: 1}
""",
    )
    messages = {(p.line, p.path): p.message for p in found}
    assert messages[(12, "vpcs.web.subnets[2].cidr")] == (
        "subnet '10.0.2.0/25' overlaps subnets[1] ('10.0.2.0/24')"
    )
    assert messages[(12, "vpcs.web.subnets[2].ipv6_index")] == (
        "ipv6_index 1 is already taken by subnets[1] ('b'): two subnets cannot share a /64"
    )
    assert (10, "vpcs.web.subnets[0].ipv6_index") in messages
