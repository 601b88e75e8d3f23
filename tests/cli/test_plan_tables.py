"""`peerstack plan` at 80 and 120 columns: every value whole, every line within the width."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.topologies import mesh
from peerstack import build_plan
from peerstack._cli.app import app
from tests.helpers.paths import EXAMPLES, example

GOLDEN = Path(__file__).parent / "golden"
WIDTHS = (80, 120)
runner = CliRunner()


def plan_output(path: Path, width: int) -> str:
    result = runner.invoke(app, ["plan", str(path)], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("width", WIDTHS)
def test_the_hub_example_reads_as_recorded(width: int) -> None:
    """The whole table, as a user sees it (PEERSTACK_UPDATE_GOLDEN=1 rewrites it)."""
    shown = "\n".join(
        line.rstrip() for line in plan_output(example("hub-cross-account"), width).splitlines()
    )
    golden = GOLDEN / f"plan-hub-cross-account-{width}.txt"
    if os.environ.get("PEERSTACK_UPDATE_GOLDEN"):
        golden.write_text(shown + "\n", encoding="utf-8")
    assert shown + "\n" == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_value_is_cut_and_no_line_is_wider_than_the_terminal(path: Path, width: int) -> None:
    output = plan_output(path, width)
    lines = output.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    assert "…" not in output
    words = {w.strip("│┃,") for line in lines for w in line.split()}
    plan = build_plan(path)
    values = {
        *(v.name for v in plan.vpcs),
        *(cidr for v in plan.vpcs for cidr in (*v.cidrs, *v.ipv6_cidrs)),
        *(f"({v.account_id})" for v in plan.vpcs),
        *(f"({v.vpc_id})" for v in plan.vpcs if v.vpc_id),
        *(link.name for link in plan.links),
        *(r.destination for r in plan.routes),
        *(r.ports for r in plan.security_rules),
        *(f"({r.referenced_group_id})" for r in plan.security_rules if r.referenced_group_id),
    }
    assert values <= words, sorted(values - words)


@pytest.mark.parametrize("width", WIDTHS)
def test_security_group_rules_are_shown_only_when_there_are_any(width: int) -> None:
    shown = plan_output(example("security-groups"), width)
    assert "Security group rules (inbound)" in shown
    # A reference names the peer's group, written as AWS takes it across accounts.
    assert "(111111111111/sg-0a1b2c3d4e5f60718)" in shown
    assert "ipv6:analytics" in shown
    assert "Security group rules" not in plan_output(example("hub-cross-account"), width)


def _write(tmp_path: Path, data: dict[str, object]) -> Path:
    path = tmp_path / "big.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    return path


def test_a_large_plan_is_summarised_per_vpc_and_kind_of_link(tmp_path: Path) -> None:
    path = _write(tmp_path, mesh(30))  # 435 links, 870 routes
    result = runner.invoke(app, ["plan", str(path)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    shown = result.stdout
    assert "Links by kind" in shown
    assert "435 │ same account, same region" in shown
    assert "│ vpc000 │    29 │     29 │ main 29" in shown
    assert "all 29 others" in shown
    assert "435 links and 870 routes are summarised: --full lists every one" in shown
    assert "Routes by route table" not in shown
    assert "vpc000--vpc001" not in shown


def test_full_lists_every_link_and_route_of_a_large_plan(tmp_path: Path) -> None:
    path = _write(tmp_path, mesh(30))
    result = runner.invoke(app, ["plan", str(path), "--full"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    the_plan = build_plan(path)
    for link in the_plan.links:
        assert f" {link.name} " in result.stdout
    assert "Routes by route table" in result.stdout
    assert "summarised" not in result.stdout


def test_summary_summarises_a_small_plan_too() -> None:
    result = runner.invoke(
        app, ["plan", str(example("hub-cross-account")), "--summary"], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 0, result.output
    assert "Links by kind" in result.stdout
    assert "4 links and 17 routes are summarised" in result.stdout


def test_subnets_are_listed_with_their_ipv6_64() -> None:
    shown = plan_output(example("ipv6-subnets"), 120)
    assert "Subnets" in shown
    assert "│ hub   │ api    │ 10.10.1.0/24 │ /64 #1 │ us-east-1a │ api         │" in shown
    assert "│       │ ops    │ 10.10.3.0/24 │ -      │ us-east-1a │ main        │" in shown


def test_an_accepted_request_is_a_link_and_its_peer_an_outside_endpoint() -> None:
    shown = plan_output(example("accept-partner"), 200)
    assert "2 VPCs, 1 link, 4 routes, 1 request accepted from outside" in shown
    assert "accepts pcx-0f1f1f1f1f1f1f1f1 from atlas (536727724300, us-east-1)" in shown
    assert "│ atlas--app │ atlas (outside) │ app" in shown
    assert "Outside peers (our side only: assumed to route back)" in shown
    assert "│ atlas │ 536727724300, us-east-1 │ 192.168.248.0/21 │ app" in shown
    result = runner.invoke(
        app, ["plan", str(example("accept-partner")), "--summary"], env={"COLUMNS": "200"}
    )
    assert "accepts from outside" in result.stdout
    assert "│ app   │     2 │" in result.stdout  # its link and the accepted request


def test_a_request_that_waits_says_for_which_acceptance(tmp_path: Path) -> None:
    data = mesh(4, regions=("us-east-1", "eu-west-1"))
    data["quotas"] = {**data["quotas"], "outstanding_requests_per_account": 1}
    path = _write(tmp_path, data)
    result = runner.invoke(app, ["plan", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    the_plan = build_plan(path)
    waiting = [link for link in the_plan.links if link.waits_for]
    assert waiting
    for link in waiting:
        assert f"requested once {link.waits_for} is accepted" in result.stdout
