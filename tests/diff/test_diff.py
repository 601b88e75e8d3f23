"""``peerstack diff``: the network's changes, and the engine's steps predicted without a cloud.

The resource steps it predicts are checked against what the emulated engine really does
for the same change (tests/emulator/test_day2.py's matrix).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from peerstack._diff import diff
from peerstack._provider import tokens
from peerstack._provider.changes import Change
from peerstack.emulator import Emulation
from tests.emulator.test_day2 import BASE, changed

Data = dict[str, Any]


def _add_vpc(data: Data) -> None:
    data["vpcs"]["extra"] = {"cidr": "10.5.0.0/16"}
    data["hubs"][0]["spokes"].append("extra")


def _dns_off(data: Data) -> None:
    data["defaults"]["dns_resolution"] = False


def _drop_link(data: Data) -> None:
    data["hubs"][0]["spokes"].remove("batch")


def _dns_off_and_drop_link(data: Data) -> None:
    _dns_off(data)
    _drop_link(data)


def _move_region(data: Data) -> None:
    data["vpcs"]["batch"]["region"] = "eu-west-1"


def _move_account(data: Data) -> None:
    data["vpcs"]["batch"]["account"] = "net"


def _secondary(data: Data) -> None:
    data["vpcs"]["batch"]["secondary_cidrs"] = ["10.102.0.0/16"]


def _subnet(data: Data) -> None:
    data["vpcs"]["shared"]["subnets"].append(
        {"name": "db", "cidr": "10.0.3.0/24", "az": "a", "route_table": "db"}
    )


def _ipv6(data: Data) -> None:
    data["vpcs"]["shared"]["ipv6"] = True
    data["vpcs"]["app"]["ipv6"] = True


def _ipv6_subnets(data: Data) -> None:
    _ipv6(data)
    data["vpcs"]["shared"]["subnets"][0]["ipv6_index"] = 0
    data["vpcs"]["app"]["subnets"][0]["ipv6_index"] = 1


def _spoke_routes(data: Data) -> None:
    data["hubs"][0]["spokes"][1] = {
        "vpc": "batch",
        "routes": {"batch": {"to": ["shared.tools"]}, "shared": {"tables": ["tools"]}},
    }


def _allow(data: Data) -> None:
    data["vpcs"]["legacy"]["existing"]["security_groups"] = {"app": "sg-0123456789abcdef0"}
    data["peerings"][0]["allow"] = [
        {"to": "legacy", "group": "app", "protocol": "tcp", "ports": 443}
    ]


def _created_group(data: Data) -> None:
    data["vpcs"]["shared"]["security_groups"] = ["tools"]
    data["peerings"][0]["allow"] = [
        {"to": "shared", "group": "tools", "protocol": "tcp", "ports": 22}
    ]


CHANGES: dict[str, Callable[[Data], None]] = {
    "add a VPC": _add_vpc,
    "DNS off": _dns_off,
    "drop a link": _drop_link,
    "move a VPC to another region": _move_region,
    "move a VPC to another account": _move_account,
    "add a secondary block": _secondary,
    "add a subnet and table": _subnet,
    "IPv6 on": _ipv6,
    "IPv6 on subnets": _ipv6_subnets,
    "a spoke with routes of its own": _spoke_routes,
    "allow a peer into a security group": _allow,
    "a group peerstack creates, with a rule": _created_group,
}


@pytest.mark.parametrize("name", CHANGES)
def test_diff_predicts_what_the_engine_does(
    name: str, peerstack_emulated_shared: Callable[..., Emulation]
) -> None:
    new = changed(CHANGES[name])
    predicted = {
        (str(c.op), c.type, c.name)
        for c in diff(BASE, new).resources
        if c.type != tokens.AWS_PROVIDER
    }
    # BASE deployed once per session, reset for each change.
    done = peerstack_emulated_shared(BASE).up(new)
    actual = {
        (str(s.op), s.type, s.name)
        for s in done.steps
        if s.aws and s.op is not Change.SAME and not s.replacement
    }
    assert predicted == actual
    # Counted alike: what diff says would change is what up says it changed.
    assert diff(BASE, new).counts() == {op: n for op, n in done.changes.items() if op != "same"}


def test_the_network_view_names_what_changes() -> None:
    result = diff(BASE, changed(_dns_off_and_drop_link))
    assert result.changed
    links = {c.link: c for c in result.links}
    assert links["shared--batch"].change == "removed"
    assert links["shared--app"].what == ("dns_resolution: on -> off",)
    assert result.lost == {"batch": ("shared",), "shared": ("batch",)}
    assert not result.gained
    assert ("shared", "tools", "10.2.0.0/16", "shared--batch", "removed") in {
        (r.vpc, r.route_table, r.destination, r.link, r.change) for r in result.routes
    }
    # Options of a link whose connection stays leave DNS as it is when deleted; here the
    # link's connection goes too, so nothing is flagged.
    assert all(c.note is None for c in result.resources if c.op is Change.DELETE)


def test_unchanged_means_nothing_to_do() -> None:
    result = diff(BASE, BASE)
    assert not result.changed
    assert result.resources == () and result.counts() == {}
    assert result.to_dict()["changed"] is False


def test_replacements_name_why() -> None:
    result = diff(BASE, changed(_move_account))
    replaced = {c.name: c.keys for c in result.resources if c.op is Change.REPLACE}
    assert replaced["corp.batch"] == ("provider",)
    assert "vpcPeeringConnectionId (new id)" in replaced["corp.shared--batch.requester"]


def test_a_renamed_topology_is_called_out() -> None:
    result = diff(BASE, changed(lambda d: d.update(name="corp2")))
    assert result.renamed and result.to_dict()["renamed"] is True
    from peerstack._render.diff import diff_renderables

    first = next(iter(diff_renderables(result)))
    assert "renamed from 'corp' to 'corp2'" in str(first)
    assert "leave the old ones in place" in str(first)


def test_a_subnets_ipv6_index_shows_in_the_vpcs_changes() -> None:
    result = diff(BASE, changed(_ipv6_subnets))
    shared = dict(result.vpcs)["shared"]
    assert "tools 10.0.1.0/24 + IPv6 /64 #0 (tools)" in shared


def test_the_network_view_names_rules_added_and_removed() -> None:
    result = diff(BASE, changed(_allow))
    assert [
        (r.vpc, r.group, r.allows, r.source, r.link, r.change) for r in result.security_rules
    ] == [("legacy", "app", "tcp 443", "10.0.0.0/16", "shared--legacy", "added")]
    assert result.to_dict()["security_rules"][0]["change"] == "added"
    back = diff(changed(_allow), BASE)
    assert [r.change for r in back.security_rules] == ["removed"]
    assert [(str(c.op), c.name) for c in back.resources] == [
        ("delete", "corp.legacy.app.tcp.443.10.0.0.0-16")
    ]
    from peerstack._render.diff import diff_renderables

    titles = [getattr(r, "title", None) for r in diff_renderables(result)]
    assert "Security group rules" in titles


def test_the_network_view_names_created_groups_added_and_removed() -> None:
    result = diff(BASE, changed(_created_group))
    assert result.security_groups == (("shared", "tools", "added"),)
    assert result.to_dict()["security_groups"] == [
        {"vpc": "shared", "group": "tools", "change": "added"}
    ]
    assert {(str(c.op), c.name) for c in result.resources} == {
        ("create", "corp.shared.tools"),
        ("create", "corp.shared.tools.egress.0.0.0.0-0"),
        ("create", "corp.shared.tools.tcp.22.172.31.0.0-16"),
    }
    back = diff(changed(_created_group), BASE)
    assert back.security_groups == (("shared", "tools", "removed"),)
    assert {str(c.op) for c in back.resources} == {"delete"}
    from peerstack._render.diff import diff_renderables

    titles = [getattr(r, "title", None) for r in diff_renderables(result)]
    assert "Security groups peerstack creates" in titles


def test_adopting_a_connection_is_predicted_as_the_imports_the_engine_does() -> None:
    from tests.emulator.test_adoption import BASE as ADOPTED

    before = copy.deepcopy(ADOPTED)
    before["peerings"] = []
    result = diff(before, ADOPTED)
    imported = {c.name for c in result.resources if c.op is Change.IMPORT}
    assert imported == {
        "takeover.core--warehouse",
        "takeover.core.rtb-0b0b0b0b0b0b0b0b0.10.20.0.0-16",
        "takeover.warehouse.rtb-0c0c0c0c0c0c0c0c0.10.10.0.0-16",
    }
    predicted = {
        (str(c.op), c.type, c.name) for c in result.resources if c.type != tokens.AWS_PROVIDER
    }
    with Emulation(before) as env:
        env.up()
        done = env.up(ADOPTED)
    actual = {
        (str(s.op), s.type, s.name)
        for s in done.steps
        if s.aws and s.op is not Change.SAME and not s.replacement
    }
    assert predicted == actual
    # Counted alike: what diff says would change is what up says it changed.
    assert result.counts() == {op: n for op, n in done.changes.items() if op != "same"}


def test_accepting_a_request_is_predicted_as_the_engine_does_and_removing_it_leaves_it() -> None:
    from tests.emulator.test_accepts import BASE as ACCEPTING

    before = copy.deepcopy(ACCEPTING)
    del before["accepts"]
    added = diff(before, ACCEPTING)
    (link,) = added.links
    assert (link.link, link.change) == ("atlas--app", "added")
    assert link.what == (
        "added: accepts pcx-0f1f1f1f1f1f1f1f1 from atlas (536727724300, us-east-1) into app",
    )
    assert [(r.vpc, r.route_table, r.destination, r.change) for r in added.routes] == [
        ("app", "private", "192.168.248.0/21", "added")
    ]
    assert added.gained == {"app": ("atlas",)}
    predicted = {
        (str(c.op), c.type, c.name) for c in added.resources if c.type != tokens.AWS_PROVIDER
    }
    assert predicted == {
        ("create", tokens.ACCEPTER, "partner.atlas--app"),
        ("create", tokens.OPTIONS, "partner.atlas--app.accepter"),
        ("create", tokens.ROUTE, "partner.app.rtb-0b1b1b1b1b1b1b1b1.192.168.248.0-21"),
    }
    with Emulation(before) as env:
        env.up()
        done = env.up(ACCEPTING)
    actual = {
        (str(s.op), s.type, s.name)
        for s in done.steps
        if s.aws and s.op is not Change.SAME and not s.replacement
    }
    assert predicted == actual
    # Counted alike: what diff says would change is what up says it changed.
    assert added.counts() == {op: n for op, n in done.changes.items() if op != "same"}

    removed = diff(ACCEPTING, before)
    assert [(c.link, c.change) for c in removed.links] == [("atlas--app", "removed")]
    assert removed.lost == {"app": ("atlas",)}
    (accepter,) = [c for c in removed.resources if c.type == tokens.ACCEPTER]
    assert accepter.op is Change.DELETE
    assert accepter.note and "its requester, outside the topology, deletes it" in accepter.note


def test_letting_go_of_an_adopted_link_says_it_stays_in_aws() -> None:
    from tests.emulator.test_adoption import BASE as ADOPTED

    after = copy.deepcopy(ADOPTED)
    after["peerings"] = []
    result = diff(ADOPTED, after)
    kept = {c.name: c.note for c in result.resources if c.op is Change.DELETE and c.note}
    assert kept["takeover.core--warehouse"] == (
        "only leaves the stack: it existed before peerstack, which never deletes it"
    )
    assert (
        kept["takeover.core.rtb-0b0b0b0b0b0b0b0b0.10.20.0.0-16"] == kept["takeover.core--warehouse"]
    )


def test_importing_routes_the_stack_created_is_shown_as_refused() -> None:
    from tests.emulator.test_adoption import BASE as ADOPTED

    created = copy.deepcopy(ADOPTED)
    created["peerings"][0]["existing"]["routes_exist"] = False
    result = diff(created, ADOPTED)
    refused = [c for c in result.resources if c.note and c.note.startswith("refused")]
    assert {c.name for c in refused} == {
        "takeover.core.rtb-0b0b0b0b0b0b0b0b0.10.20.0.0-16",
        "takeover.warehouse.rtb-0c0c0c0c0c0c0c0c0.10.10.0.0-16",
    }
    assert all("the stack created it" in (c.note or "") for c in refused)
