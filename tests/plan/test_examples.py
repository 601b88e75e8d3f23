"""Every example validates, and its plan matches the reviewed golden JSON.

Regenerate the golden files after a deliberate change with:
    PEERSTACK_UPDATE_GOLDEN=1 pytest tests/test_examples.py
and review the diff like any other change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from peerstack import build_plan, load_topology
from peerstack.topology import topology_from_text
from tests.helpers.paths import EXAMPLES, EXAMPLES_DIR, ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"


def test_there_are_examples_for_each_configuration() -> None:
    names = {p.stem for p in EXAMPLES}
    assert {"mesh-two-regions", "hub-cross-account", "specific-routes", "ipv6-subnets"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_plan_matches_golden(path: Path) -> None:
    # Named as from the repository's root, so warnings point at the same file everywhere.
    topology = topology_from_text(path.read_text(), file=str(path.relative_to(ROOT)))
    plan = build_plan(topology).to_dict()
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("PEERSTACK_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(plan, indent=2) + "\n")
    assert plan == json.loads(golden.read_text())


def test_hub_example_decides_cross_account_and_region() -> None:
    plan = build_plan(load_topology(EXAMPLES_DIR / "hub-cross-account.yaml"))
    eu = plan.link("shared--app-eu")
    assert (eu.cross_account, eu.cross_region, eu.auto_accept) == (True, True, False)
    assert (eu.peer_owner_id, eu.peer_region) == ("222222222222", "eu-west-1")
    us = plan.link("shared--app-us")
    assert (us.cross_account, us.cross_region, us.peer_region) == (True, False, None)
    legacy = plan.link("shared--legacy")
    assert legacy.dns_resolution is False
    assert [(r.vpc, r.route_table, r.destination) for r in plan.routes_over("shared--legacy")] == [
        ("shared", "tools", "172.31.0.0/16"),
        ("legacy", "main", "10.0.1.0/24"),
    ]
    assert plan.vpc("shared").dns_hostnames and not plan.vpc("legacy").managed


def test_specific_routes_example_sends_one_range_two_ways_by_table() -> None:
    plan = build_plan(load_topology(EXAMPLES_DIR / "specific-routes.yaml"))
    central = {(r.route_table, r.destination, r.peer) for r in plan.routes_of("central")}
    assert central == {("blue", "192.168.0.0/16", "blue"), ("green", "192.168.0.0/16", "green")}
    assert plan.reachability["blue"] == ("central",)


def test_ipv6_subnets_example_gives_one_spoke_one_hub_subnet_in_both_families() -> None:
    plan = build_plan(load_topology(EXAMPLES_DIR / "ipv6-subnets.yaml"))
    hub = plan.vpc("hub")
    assert [(s.name, s.ipv6_index) for s in hub.subnets] == [("api", 1), ("db", 2), ("ops", None)]
    assert [(r.destination, r.ipv6_index) for r in plan.routes_of("batch")] == [
        ("10.10.1.0/24", None),
        ("ipv6:hub.api", 1),
    ]
    assert {r.route_table for r in plan.routes_over("hub--batch") if r.vpc == "hub"} == {"api"}
    assert plan.subnet_reachability["batch.jobs"] == ("hub.api",)
    assert plan.subnet_reachability["app.web"] == ("hub.api", "hub.db", "hub.ops")
    assert not plan.can_reach("app", "batch")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_validates_clean(path: Path) -> None:
    """What a new user tries first plans without a warning."""
    assert build_plan(load_topology(path)).warnings == ()
