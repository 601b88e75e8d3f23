"""The benchmarks work, and measure what they claim to (nothing here is timed)."""

from __future__ import annotations

import copy
import importlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from peerstack import build_plan, load_topology, topology_from_data
from peerstack._provider import tokens
from peerstack.plan import Plan
from tests.helpers.paths import EXAMPLES, EXAMPLES_DIR, ROOT


def bench(module: str) -> ModuleType:
    """``benchmarks.<module>``: the benchmarks live at the repository root, not in the package."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(f"benchmarks.{module}")


def small_mesh(n: int, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = bench("topologies").mesh(n)
    data.update(changes)
    return data


def plan_of(data: dict[str, Any]) -> Plan:
    return build_plan(topology_from_data(data))


def peering_topology(plan: Plan) -> Any:
    from peerstack._components import PeeringTopology

    return bench("_mocked").run_program(lambda: PeeringTopology(plan.topology, plan))


# -- the command -------------------------------------------------------------------------


def test_command_prints_figures_as_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--only", "planning", "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    figures = json.loads(result.stdout)
    # The exit code says whether every target was met: a timing, which a busy machine
    # decides, so it is checked against the figures rather than expected to be 0.
    missed = [f["name"] for f in figures if not f["ok"]]
    assert result.returncode == (1 if missed else 0), result.stderr
    assert [f["name"] for f in figures] == [
        "plan mesh of 10 VPCs",
        "plan mesh of 50 VPCs",
        "plan mesh of 125 VPCs",
        "plan hub with 125 spokes",
    ]
    for figure in figures:
        assert set(figure) == {"name", "value", "unit", "target", "ok", "detail"}
        assert figure["value"] > 0


def test_command_refuses_an_unknown_suite() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--only", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown suite(s): nope" in result.stderr


def test_a_missed_target_is_marked_and_fails_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    figures = bench("_figures")
    main = bench("__main__")
    missed = figures.Figure("x", 2.0, "s", "< 1 s", ok=False)
    fake = ModuleType("benchmarks.planning")
    fake.run = lambda *, quick=False: [missed]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "benchmarks.planning", fake)
    assert main.main(["--only", "planning"]) == 1
    assert missed.line().startswith("MISS x")


# -- overhead: the baseline is honest ---------------------------------------------------


def scheduled_mesh(n: int, quota: int) -> dict[str, Any]:
    """A mesh over two accounts and two regions, past a small outstanding-request quota."""
    data: dict[str, Any] = bench("topologies").mesh_over_accounts(n)
    data["quotas"] = {"outstanding_requests_per_account": quota}
    return data


@pytest.mark.parametrize(
    "source", [*EXAMPLES, "mesh", "scheduled"], ids=lambda s: getattr(s, "name", s)
)
def test_raw_program_registers_what_peering_topology_registers(source: Path | str) -> None:
    if source == "mesh":
        plan = plan_of(small_mesh(4))
    elif source == "scheduled":
        plan = plan_of(scheduled_mesh(6, quota=2))
        assert any(link.waits_for for link in plan.links)
    else:
        plan = build_plan(load_topology(source))
    raw_program = bench("raw_program").raw_program
    run_program = bench("_mocked").run_program
    ours = peering_topology(plan)
    raw = run_program(lambda: raw_program(plan))
    tree = run_program(lambda: raw_program(plan, component_tree=True))
    assert raw.comparable() == ours.comparable()
    assert tree.comparable(tree=True) == ours.comparable(tree=True)
    assert not raw.components
    assert len(ours.custom) > 0


def test_overhead_refuses_a_baseline_that_differs() -> None:
    overhead = bench("overhead")
    plan = plan_of(small_mesh(3))
    runs = {label: bench("_mocked").run_program(p) for label, p in overhead.programs(plan).items()}
    overhead.check_same_resources(runs)
    runs["raw"] = bench("_mocked").run_program(lambda: None)
    with pytest.raises(AssertionError, match="raw program registers other resources"):
        overhead.check_same_resources(runs)


def test_a_refused_comparison_is_a_miss_without_a_number() -> None:
    figure = bench("overhead").refused("overhead over the SDK, mesh of 3 VPCs", "differs")
    assert not figure.ok
    assert figure.line().startswith("MISS")
    assert json.loads(json.dumps(figure.to_dict()))["value"] is None


def test_harness_sees_what_run_mocked_sees() -> None:
    from peerstack.testing import run_mocked

    plan = build_plan(load_topology(EXAMPLES_DIR / "hub-cross-account.yaml"))
    ours = peering_topology(plan)
    theirs = run_mocked(plan)
    keys = {r.urn: (r.type, r.name) for r in theirs.resources}
    assert {r.key for r in ours.registrations} == set(keys.values())
    mine = {r.key: {ours.by_urn(u).key for u in r.dependencies} for r in ours.registrations}
    assert mine == {keys[r.urn]: {keys[u] for u in r.dependencies} for r in theirs.resources}


# -- minimality ---------------------------------------------------------------------------


def test_minimum_of_the_hub_example_counted_by_hand() -> None:
    minimality = bench("minimality")
    plan = build_plan(load_topology(EXAMPLES_DIR / "hub-cross-account.yaml"))
    expected = Counter(
        {
            tokens.AWS_PROVIDER: 3,  # network, prod, dev
            minimality.VPC: 4,  # shared, app-eu, app-us, sandbox (legacy is adopted)
            minimality.CIDR: 1,  # shared's 10.100.0.0/16
            minimality.SUBNET: 4,  # tools, dns, app-eu's and app-us's app-a
            minimality.TABLE: 1,  # shared's `tools`
            minimality.ASSOCIATION: 1,  # tools -> tools
            minimality.CONNECTION: 4,  # the hub's three spokes, and legacy
            minimality.ACCEPTER: 4,  # each is across accounts
            minimality.OPTIONS: 8,  # both sides of every link (legacy's set DNS off)
            # shared main+tools to app-eu (v4 + v6), app-us, sandbox: 8; tools to legacy: 1;
            # app-eu to shared (2 blocks + v6): 3; app-us, sandbox (2 blocks): 4; legacy: 1
            minimality.ROUTE: 17,
        }
    )
    assert minimality.minimum(plan) == expected
    got, need = minimality.compare(plan)
    assert got == need == expected


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_registers_exactly_its_minimum(path: Path) -> None:
    """Not timed: the minimality figure of each example is 1.00, type by type."""
    minimality = bench("minimality")
    got, need = minimality.compare(build_plan(load_topology(path)))
    assert got == need


def test_minimum_counts_discovered_route_tables() -> None:
    minimality = bench("minimality")
    plan = plan_of(minimality.discovering())
    need = minimality.minimum(plan, {"vpc-0b0b0b0b0b0b0b0b0": ["rtb-1", "rtb-2", "rtb-3"]})
    # hub's main table to legacy, and each of legacy's three tables to hub
    assert need[minimality.ROUTE] == 4
    got, need = minimality.compare(plan)
    assert got == need


def test_minimality_flags_an_extra_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    minimality = bench("minimality")
    real = minimality.registered

    def one_more(plan: Plan, discovered: Any) -> Counter[str]:
        return real(plan, discovered) + Counter({minimality.ROUTE: 1})

    monkeypatch.setattr(minimality, "registered", one_more)
    monkeypatch.setattr(minimality, "cases", lambda: [("m", plan_of(small_mesh(3)))])
    [figure] = minimality.run()
    assert not figure.ok
    assert "Route 7 vs 6" in figure.detail


# -- churn and depth ---------------------------------------------------------------------


def test_owned_follows_references_not_names() -> None:
    churn = bench("churn")
    run = peering_topology(plan_of(small_mesh(4)))
    owned = churn.owned(run, "vpc001")
    kinds = Counter(t.rsplit(":", 1)[-1] for t, _ in owned)
    # its VPC; its 3 links; a route each way over each; both sides' options of each
    assert kinds == Counter(
        {"Vpc": 1, "VpcPeeringConnection": 3, "Route": 6, "PeeringConnectionOptions": 6}
    )


def test_churn_sees_a_changed_input() -> None:
    churn = bench("churn")
    base = small_mesh(3)
    changed = copy.deepcopy(base)
    changed["defaults"]["tags"] = {"team": "x"}
    created, deleted, replaced = churn.changes(churn.registered(base), churn.registered(changed))
    assert not created and not deleted
    assert (tokens.VPC, "mesh3.vpc000") in replaced


def test_depth_of_a_small_mesh() -> None:
    depth = bench("depth")
    chain, resources = depth.depth_of(small_mesh(3))
    assert chain == ["Provider", "Vpc", "VpcPeeringConnection", "PeeringConnectionOptions"]
    assert resources == 1 + 3 + 3 + 6 + 6  # ... and both sides' options of each link


def test_depth_grows_by_one_request_and_acceptance_per_window() -> None:
    depth = bench("depth")
    chain, _, windows = depth.depth_and_windows(scheduled_mesh(6, quota=1))
    # 13 of the 15 links need accepting (vpc000--vpc004 and vpc001--vpc005 do not);
    # the requesters (first by name) of 8 are in acct0, one pending at a time.
    assert windows == 8
    assert chain == [
        "Provider",
        "Vpc",
        *["VpcPeeringConnection", "VpcPeeringConnectionAccepter"] * windows,
        "PeeringConnectionOptions",
    ]
    assert len(chain) == bench("scheduled").BASE_DEPTH + depth.STEP * (windows - 1)


def test_the_scheduled_mesh_spans_two_accounts_and_two_regions() -> None:
    plan = plan_of(bench("topologies").mesh_over_accounts(8))
    assert Counter((v.account, v.region) for v in plan.vpcs) == {
        ("acct0", "us-east-1"): 2,
        ("acct1", "us-east-1"): 2,
        ("acct0", "eu-west-1"): 2,
        ("acct1", "eu-west-1"): 2,
    }
    assert plan.quotas["outstanding_requests_per_account"] == 25  # AWS's default


def test_scheduled_deploys_where_unscheduled_exceeds_the_quota() -> None:
    from peerstack.errors import EmulatorError

    emulated, scheduled = bench("emulated"), bench("scheduled")
    plan = plan_of(scheduled_mesh(6, quota=2))
    assert emulated.emulated_up(plan)
    with pytest.raises(EmulatorError, match="PendingVpcPeeringConnectionLimitExceeded"):
        emulated.emulated_up(scheduled.unscheduled(plan))


# -- emulated: the floor makes the emulation's calls ---------------------------------------


def test_floor_makes_the_emulations_boto3_calls() -> None:
    emulated = bench("emulated")
    plan = plan_of(small_mesh(3))
    with emulated.counting_calls() as emulation:
        assert emulated.emulated_up(plan)
    with emulated.counting_calls() as floor:
        made = emulated.direct_calls(plan)
    assert emulation == floor
    assert emulation["ec2:CreateRoute"] == 6
    assert made == 3 + 3 + 6 + 6


def test_the_reset_figure_undoes_the_leftovers_it_times() -> None:
    from peerstack.emulator import Emulation

    emulated = bench("emulated")
    with Emulation(plan_of(small_mesh(2))) as env:
        env.up()
        env.checkpoint()
        vpcs = len(env.ec2("111111111111", "us-east-1").describe_vpcs()["Vpcs"])
        emulated.leave_leftovers(env)
        assert not env.verify().ok
        env.reset()
        assert env.verify().ok
        assert len(env.ec2("111111111111", "us-east-1").describe_vpcs()["Vpcs"]) == vpcs


def test_cli_benchmark_measures_the_cpu_time_of_a_whole_process() -> None:
    cpu = bench("cli")._command("validate", str(EXAMPLES_DIR / "hub-cross-account.yaml"))
    # More than nothing (the child was counted), less than a wall clock could drift to.
    assert 0.0 < cpu < 30.0
