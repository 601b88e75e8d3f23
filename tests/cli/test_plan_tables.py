"""`peerstack plan` at 80 and 120 columns: every value whole, every line within the width."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

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
