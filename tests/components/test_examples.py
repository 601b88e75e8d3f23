"""Every example, under Pulumi's mocks: registered resources checked against the plan."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from peerstack import build_plan, load_topology
from peerstack._provider import tokens
from peerstack.plan import LinkPlan
from peerstack.testing import UNKNOWN, run_mocked
from tests.helpers.paths import EXAMPLES, EXAMPLES_DIR


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_registers_what_its_plan_says(
    path: Path, preview: bool, expect: ModuleType
) -> None:
    run = run_mocked(load_topology(path), preview=preview)
    expect.check_run(run)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_preview_registers_the_same_resources_as_up(path: Path) -> None:
    plan = build_plan(load_topology(path))
    up = run_mocked(plan)
    preview = run_mocked(plan, preview=True)
    assert {(r.type, r.name) for r in preview} == {(r.type, r.name) for r in up}
    # Ids are unknown in a preview, never silently missing.
    assert all(r.id is None for r in preview)
    routes = preview.of_type(tokens.ROUTE)
    # A requested connection's id is unknown; an accepted request's is the topology's.
    accepted = {f"{plan.topology}.{a.name}": a.peering_id for a in plan.accepts}
    assert routes and all(
        r.inputs["vpcPeeringConnectionId"]
        in (UNKNOWN, accepted.get(preview.by_urn(r.parent or "").name))
        for r in routes
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_dependency_chains_stay_short(path: Path, expect: ModuleType) -> None:
    """Vpc -> connection -> accepter -> route/options; one more for a secondary block."""
    run = run_mocked(load_topology(path))
    plan = run.plan

    def chain(link: LinkPlan) -> int:
        created = [plan.vpc(v).managed for v in (link.requester, link.accepter)]
        return (
            any(created)  # a created VPC (adopted ones register nothing)
            + 1  # the connection
            + link.needs_accepter
            + bool(plan.vpc(link.requester).secondary_cidrs)  # associated before the request
            + 1  # routes and options, in parallel
        )

    depth = max(chain(link) for link in plan.links)
    assert expect.dependency_depth(run) == depth


def test_hub_example_in_detail() -> None:
    """The hub example, spelled out: the decisions of the plan reach AWS unchanged."""
    run = run_mocked(load_topology(EXAMPLES_DIR / "hub-cross-account.yaml"))
    eu = run.get(tokens.CONNECTION, "corp.shared--app-eu")
    assert eu.provider == "network"
    assert (eu.inputs["peerOwnerId"], eu.inputs["peerRegion"]) == ("222222222222", "eu-west-1")
    assert "autoAccept" not in eu.inputs
    accepter = run.get(tokens.ACCEPTER, "corp.shared--app-eu")
    assert (accepter.provider, accepter.inputs["region"]) == ("prod", "eu-west-1")
    # Same account as the requester's peer but another account than the requester: no
    # region, but an owner.
    us = run.get(tokens.CONNECTION, "corp.shared--app-us")
    assert us.inputs["peerOwnerId"] == "222222222222"
    assert "peerRegion" not in us.inputs
    # legacy routes only to the tools subnet, from its one listed table.
    legacy = [r for r in run.of_type(tokens.ROUTE) if r.name.startswith("corp.legacy.")]
    assert [(r.inputs["routeTableId"], r.inputs["destinationCidrBlock"]) for r in legacy] == [
        ("rtb-0123456789abcdef0", "10.0.1.0/24")
    ]
    # shared reaches app-eu over IPv6 too: its Amazon-provided block, once assigned.
    ipv6 = run.get(tokens.ROUTE, "corp.shared.main.ipv6_app-eu")
    app_eu = run.get(tokens.VPC, "corp.app-eu")
    assert run.depends_on(ipv6, app_eu)
    assert ipv6.inputs["destinationIpv6CidrBlock"].endswith("::/56")
    # Options on both sides of every link; off on the legacy link (dns_resolution: false).
    options = {o.name: o for o in run.of_type(tokens.OPTIONS)}
    assert sorted(options) == sorted(
        f"corp.shared--{spoke}.{side}"
        for spoke in ("app-eu", "app-us", "legacy", "sandbox")
        for side in ("requester", "accepter")
    )
    assert options["corp.shared--legacy.accepter"].inputs["accepter"] == {
        "allowRemoteVpcDnsResolution": False
    }
    assert options["corp.shared--app-eu.requester"].inputs["requester"] == {
        "allowRemoteVpcDnsResolution": True
    }


def test_mesh_example_auto_accepts_within_a_region_only() -> None:
    run = run_mocked(load_topology(EXAMPLES_DIR / "mesh-two-regions.yaml"))
    connections = {r.name.removeprefix("mesh."): r for r in run.of_type(tokens.CONNECTION)}
    accepted = {r.name.removeprefix("mesh.") for r in run.of_type(tokens.ACCEPTER)}
    same_region = {"api--web", "batch--data"}
    assert {n for n, c in connections.items() if c.inputs.get("autoAccept")} == same_region
    assert accepted == set(connections) - same_region
    assert all("peerOwnerId" not in c.inputs for c in connections.values())


def test_ipv6_subnets_example_numbers_each_64_by_its_index() -> None:
    run = run_mocked(load_topology(EXAMPLES_DIR / "ipv6-subnets.yaml"))
    subnets = {r.name.removeprefix("dual."): r for r in run.of_type(tokens.SUBNET)}
    api = subnets["hub.api"].inputs
    db = subnets["hub.db"].inputs
    assert api["assignIpv6AddressOnCreation"] is True
    assert db["assignIpv6AddressOnCreation"] is True
    # The 2nd and 3rd /64 of one /56: only the index differs.
    assert api["ipv6CidrBlock"].endswith("01::/64") and db["ipv6CidrBlock"].endswith("02::/64")
    assert api["ipv6CidrBlock"][:-7] == db["ipv6CidrBlock"][:-7]
    assert "ipv6CidrBlock" not in subnets["hub.ops"].inputs
    assert subnets["app.web"].inputs["ipv6CidrBlock"].endswith("00::/64")
    # batch routes the api subnet's /64, nothing else of the hub's IPv6.
    batch_routes = {
        r.name.removeprefix("dual.batch.main."): r.inputs
        for r in run.of_type(tokens.ROUTE)
        if r.name.startswith("dual.batch.")
    }
    assert batch_routes["ipv6_hub.api"]["destinationIpv6CidrBlock"] == api["ipv6CidrBlock"]
    assert batch_routes["10.10.1.0-24"]["destinationCidrBlock"] == "10.10.1.0/24"
    assert set(batch_routes) == {"ipv6_hub.api", "10.10.1.0-24"}


def test_adopt_example_imports_the_connection_and_its_routes() -> None:
    """The adopted link imports its connection (inputs as the provider reads them back)
    and its routes by ROUTETABLEID_DESTINATION; the requested link imports nothing."""
    run = run_mocked(load_topology(EXAMPLES_DIR / "adopt-peering.yaml"))
    adopted = run.get(tokens.CONNECTION, "takeover.core--warehouse")
    assert adopted.import_id == adopted.id == "pcx-0e0e0e0e0e0e0e0e0"
    assert (adopted.inputs["vpcId"], adopted.inputs["peerVpcId"]) == (
        "vpc-0a0a0a0a0a0a0a0a0",
        "vpc-0c0c0c0c0c0c0c0c0",
    )
    assert adopted.inputs["peerOwnerId"] == "444444444444"
    assert "autoAccept" not in adopted.inputs and "tags" not in adopted.inputs
    assert adopted.retain_on_delete, "peerstack never deletes what it did not create"
    routes = {r.name: r.import_id for r in run.of_type(tokens.ROUTE)}
    # Routes in adopted VPCs' tables are named by table id; created tables by name.
    core_main, core_private = "rtb-0a0a0a0a0a0a0a0a0", "rtb-0b0b0b0b0b0b0b0b0"
    assert routes == {
        f"takeover.core.{core_private}.10.20.0.0-16": f"{core_private}_10.20.0.0/16",
        "takeover.warehouse.rtb-0c0c0c0c0c0c0c0c0.10.10.0.0-16": (
            "rtb-0c0c0c0c0c0c0c0c0_10.10.0.0/16"
        ),
        "takeover.tools.main.10.10.0.0-16": None,
        f"takeover.core.{core_main}.10.30.0.0-16": None,
        f"takeover.core.{core_private}.10.30.0.0-16": None,
    }
    imported = [r for r in run.of_type(tokens.ROUTE) if r.import_id]
    assert all(r.retain_on_delete for r in imported)
    created = [r for r in run.of_type(tokens.ROUTE) if not r.import_id]
    assert not any(r.retain_on_delete for r in created)
    # A state that named them by the tables' keys (before 0.2) moves to the new names.
    private = run.get(tokens.ROUTE, f"takeover.core.{core_private}.10.20.0.0-16")
    assert [a.rsplit("::", 1)[1] for a in private.aliases] == ["takeover.core.private.10.20.0.0-16"]
    requested = run.get(tokens.CONNECTION, "takeover.tools--core")
    assert requested.import_id is None and requested.inputs["autoAccept"] is True
