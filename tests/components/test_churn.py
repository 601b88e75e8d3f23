"""Growing a topology creates resources and changes none: names and inputs are stable."""

from __future__ import annotations

import copy
import json
from types import ModuleType
from typing import Any

import pytest
import yaml

from peerstack import topology_from_data
from peerstack._provider import tokens
from peerstack.testing import MockRun, run_mocked
from tests.helpers.paths import EXAMPLES_DIR


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES_DIR / f"{name}.yaml").read_text())
    return data


def state(run: MockRun) -> dict[tuple[str, str], tuple[Any, ...]]:
    """(type, name) -> inputs, provider, parent and dependencies, as the engine sees them."""
    names = {r.urn: (r.type, r.name) for r in run.resources}
    return {
        (r.type, r.name): (
            json.dumps(r.inputs, sort_keys=True, default=repr),
            r.provider,
            names.get(r.parent or ""),
            sorted(names[d] for d in r.dependencies),
        )
        for r in run.resources
    }


def assert_only_additions(before: MockRun, after: MockRun) -> None:
    """Nothing deleted, nothing changed; everything added belongs to a new VPC or link."""
    old, new = state(before), state(after)
    missing = sorted(set(old) - set(new))
    assert missing == [], f"would delete or replace: {missing}"
    changed = sorted(k for k in old if old[k] != new[k])
    assert changed == [], f"would update: {changed}"
    prefix = after.plan.topology
    new_vpcs = {v.name for v in after.plan.vpcs} - {v.name for v in before.plan.vpcs}
    new_links = {link.name for link in after.plan.links} - {link.name for link in before.plan.links}
    assert new_vpcs or new_links
    owners = {(tokens.VPC_COMPONENT, f"{prefix}.{v}") for v in new_vpcs} | {
        (tokens.LINK, f"{prefix}.{link}") for link in new_links
    }
    for key in set(new) - set(old):
        parent = new[key][2]
        assert key in owners or parent in owners, f"{key} belongs to no new VPC or link"


def grown_mesh() -> tuple[dict[str, Any], dict[str, Any]]:
    before = example("mesh-two-regions")
    after = copy.deepcopy(before)
    after["vpcs"]["cache"] = {
        "region": "us-west-2",
        "cidr": "10.50.0.0/16",
        "subnets": [{"name": "private-a", "cidr": "10.50.1.0/24", "az": "a"}],
    }
    # Added in the middle of the list: the position of a member does not matter.
    after["meshes"][0]["members"].insert(1, "cache")
    return before, after


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_adding_a_vpc_to_a_mesh_changes_no_existing_resource(
    preview: bool, expect: ModuleType
) -> None:
    before, after = grown_mesh()
    first = run_mocked(topology_from_data(before), preview=preview)
    second = run_mocked(topology_from_data(after), preview=preview)
    expect.check_run(second)
    assert_only_additions(first, second)
    # The new VPC is peered with every existing member.
    assert len(second.plan.links) == len(first.plan.links) + len(first.plan.vpcs)


def test_adding_a_spoke_to_a_hub_changes_no_existing_resource(expect: ModuleType) -> None:
    before = example("hub-cross-account")
    after = copy.deepcopy(before)
    after["vpcs"]["app-ap"] = {"account": "prod", "region": "ap-southeast-2", "cidr": "10.4.0.0/16"}
    after["hubs"][0]["spokes"].append("app-ap")
    first = run_mocked(topology_from_data(before))
    second = run_mocked(topology_from_data(after))
    expect.check_run(second)
    assert_only_additions(first, second)


def test_adding_a_peering_between_existing_vpcs_only_adds(expect: ModuleType) -> None:
    before = example("specific-routes")
    after = copy.deepcopy(before)
    after["vpcs"]["tools"] = {"cidr": "172.20.0.0/16"}
    after["peerings"].append({"requester": "blue", "accepter": "tools"})
    first = run_mocked(topology_from_data(before))
    second = run_mocked(topology_from_data(after))
    expect.check_run(second)
    assert_only_additions(first, second)


def test_adding_an_allow_entry_only_adds_its_rules(expect: ModuleType) -> None:
    before = example("security-groups")
    after = copy.deepcopy(before)
    # Inserted first: an entry's position names nothing.
    after["peerings"][1]["allow"].insert(
        0, {"to": "db", "group": "postgres", "protocol": "udp", "ports": "53"}
    )
    first = run_mocked(topology_from_data(before))
    second = run_mocked(topology_from_data(after))
    expect.check_run(second)
    old, new = state(first), state(second)
    assert sorted(set(old) - set(new)) == []
    assert sorted(k for k in old if old[k] != new[k]) == []
    assert sorted(name for _, name in set(new) - set(old)) == [
        "shop.db.postgres.udp.53.10.2.0.0-16",
        "shop.db.postgres.udp.53.ipv6_analytics",
    ]


def test_growing_a_scheduled_mesh_only_moves_waits(expect: ModuleType) -> None:
    """Past the outstanding-request quota, a new link shifts the waits of the links named
    after it: a changed ``depends_on``, which Pulumi never counts as a change of the
    resource. Nothing is deleted, no input changes."""
    before = example("mesh-two-regions")
    before["quotas"] = {"outstanding_requests_per_account": 1}
    after = copy.deepcopy(before)
    after["vpcs"]["aux"] = {"region": "us-west-2", "cidr": "10.50.0.0/16"}
    after["meshes"][0]["members"].append("aux")
    first = run_mocked(topology_from_data(before))
    second = run_mocked(topology_from_data(after))
    expect.check_run(second)
    old, new = state(first), state(second)
    assert sorted(set(old) - set(new)) == []
    moved = sorted(k for k in old if old[k] != new[k])
    assert moved, "the new links come first by name: some existing request waits for another"
    for key in moved:
        assert key[0] == tokens.CONNECTION, key
        assert old[key][:3] == new[key][:3], f"{key}: more than its dependencies changed"
