"""A plan's warnings reach the results of preview and up (and their JSON), real or
emulated: valid, but probably not what was meant, each with its place and a hint."""

from __future__ import annotations

from peerstack import emulator

WARNS = {
    "name": "w",
    "defaults": {"account": "net", "region": "us-east-1"},
    "accounts": {"net": {"id": "111111111111"}},
    "vpcs": {
        "a": {
            "cidr": "10.0.0.0/16",
            "subnets": [{"name": "s", "cidr": "10.0.1.0/24", "az": "a", "route_table": "private"}],
        },
        "b": {"cidr": "10.1.0.0/16"},
    },
    "peerings": [{"requester": "a", "accepter": "b"}],
}


def test_preview_and_up_carry_the_plans_warnings() -> None:
    preview = emulator.preview(WARNS)
    up = emulator.up(WARNS)
    for result in (preview, up):
        (warning,) = result.warnings
        assert "vpcs.a: route table 'main' of 'a' gets 1 peering route" in warning
        assert "hint: give a subnet of 'a' no `route_table`" in warning
        assert result.to_dict()["warnings"] == [warning]
    assert up.ok  # a warning is not a failure
