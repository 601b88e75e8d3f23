"""`peerstack up|preview --emulate` and `peerstack verify`, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws
from typer.testing import CliRunner

from peerstack._cli.app import app
from peerstack._provider import tokens
from peerstack.emulator import Emulation
from peerstack.plan import build_plan
from peerstack.testing import emulated
from peerstack.topology import load_topology
from tests.helpers.paths import EXAMPLES, EXAMPLES_DIR, ROOT

HUB = EXAMPLES_DIR / "hub-cross-account.yaml"
runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_up_emulate_creates_verifies_and_exits_zero(path: Path) -> None:
    result = run("up", str(path), "--emulate")
    assert result.exit_code == 0, result.output
    plan = build_plan(load_topology(path))
    assert f"resources of topology {plan.topology} in the emulated AWS (moto)" in result.stdout
    assert "VpcPeeringConnection" in result.stdout
    for link in plan.links:
        assert link.name in result.stdout
    assert result.stdout.count(" active ") >= len(plan.links)
    assert (
        f"verified: {len(plan.links) + len(plan.accepts)} links, " in result.stdout
        and f"match the plan of {plan.topology!r}" in result.stdout
    )
    # Progress on stderr (not a terminal): one line per link as it finishes; an accepted
    # request from outside is a link too.
    for name in (*(link.name for link in plan.links), *(a.name for a in plan.accepts)):
        assert f"link {name}: done" in result.stderr
    for accept in plan.accepts:
        assert f"{accept.peer.name} (outside)" in result.stdout
        assert accept.peering_id in result.stdout


def test_up_emulate_json_is_for_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("up", str(HUB), "--emulate", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["emulated"] is True and data["operation"] == "up"
    assert data["engine"] == "mocks" and data["topology"] == "corp" and data["previous"] is None
    # The very shape a real `up -f json` prints (here through the fake `pulumi`).
    real = _real_up_json(tmp_path, monkeypatch)
    assert list(real) == list(data)
    assert real["emulated"] is False and real["verification"] is None
    assert {tuple(s) for s in real["steps"]} == {tuple(s) for s in data["steps"]}
    assert real["changes"] == data["changes"] == {"create": 44}
    assert real["resources"] == data["resources"]
    assert data["resources"]["VpcPeeringConnectionAccepter"] == 4
    assert data["verification"]["ok"] is True
    assert data["verification"]["differences"] == []
    assert set(data["outputs"]["peering_connection_ids"]) == {
        "shared--legacy",
        "shared--app-eu",
        "shared--app-us",
        "shared--sandbox",
    }
    assert data["outputs"]["vpc_ids"]["legacy"] == "vpc-0123456789abcdef0"


def _real_up_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    from tests.helpers import fake_cli

    plan = build_plan(HUB)
    fake = fake_cli.FakePulumi.install(tmp_path / "fake")
    fake.update(up={"events": fake_cli.events_for(plan, stack="dev", project="peerstack-corp")})
    monkeypatch.setenv("PATH", fake_cli.on_path(fake))
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "not-a-secret")
    monkeypatch.chdir(tmp_path)
    from peerstack.automation import _deployment

    with Emulation(plan) as aws:  # what the pre-flight reads: the adopted VPC is there
        monkeypatch.setattr(_deployment, "AwsClients", lambda endpoint=None: aws.ec2)
        result = run("up", str(HUB.resolve()), "--yes", "-f", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_up_emulate_exits_one_when_the_network_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deploy that leaves a route out (injected after `up`) fails verification."""
    real_up = Emulation.up

    def up_then_lose_a_route(self: Emulation, *args: Any, **kwargs: Any) -> Any:
        deployment = real_up(self, *args, **kwargs)
        self.client("ec2", account="network", region="us-east-1").delete_route(
            RouteTableId=deployment.outputs["route_table_ids"]["shared"]["main"],
            DestinationCidrBlock="10.2.0.0/16",
        )
        return deployment

    monkeypatch.setattr(Emulation, "up", up_then_lose_a_route)
    result = run("up", str(HUB), "--emulate")
    assert result.exit_code == 1, result.output
    assert "route-missing" in result.stdout
    assert "shared/main -> 10.2.0.0/16" in result.stdout
    # The dns subnet (main table) no longer reaches app-us; the tools subnet still does.
    assert "subnet-reachability" in result.stdout
    assert "shared.dns <-> app-us.app-a" in result.stdout
    assert "2 differences from the plan" in result.stdout


def test_preview_emulate_lists_what_up_would_create() -> None:
    result = run("preview", str(HUB), "--emulate")
    assert result.exit_code == 0, result.output
    assert "44 resources would be created" in result.stdout
    assert "corp.shared--app-eu" in result.stdout
    assert "nothing was created" in result.stdout
    assert "verified" not in result.stdout


def test_preview_emulate_json() -> None:
    result = run("preview", str(HUB), "--emulate", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["operation"] == "preview" and data["emulated"] is True
    created = [s for s in data["steps"] if s["op"] == "create"]
    assert sum(data["resources"].values()) == len(created) == data["changes"]["create"] == 44
    routes = [r for r in created if r["type"] == tokens.ROUTE]
    assert {r["account_id"] for r in routes} == {"111111111111", "222222222222", "333333333333"}


def test_an_invalid_topology_touches_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'name: bad\naccounts: {a: {id: "111111111111"}}\n'
        "defaults: {account: a, region: us-east-1}\n"
        "vpcs:\n  x: {cidr: 10.0.0.0/16}\n  y: {cidr: 10.0.0.0/16}\n"
        "peerings:\n  - {requester: x, accepter: y}\n"
    )
    result = run("up", str(bad), "--emulate")
    assert result.exit_code == 2
    assert "bad.yaml:" in result.stderr and "overlap" in result.stderr
    assert "nothing was deployed" in result.stderr
    assert "Traceback" not in result.output


def test_an_emulator_failure_is_one_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "999999999999")
    result = run("up", str(HUB), "--emulate")
    assert result.exit_code == 1
    assert "error: MOTO_ACCOUNT_ID is set" in result.stderr
    assert "Traceback" not in result.output


# -- peerstack verify ---------------------------------------------------------------------

# Ambient credentials are moto's default account, so the real-AWS sessions can read it.
REAL = """\
name: real
defaults: {account: net, region: us-east-1, dns_resolution: true}
accounts:
  net: {id: "123456789012"}
  prod: {id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/p"}
vpcs:
  a: {cidr: 10.1.0.0/16}
  b: {cidr: 10.2.0.0/16, account: prod, region: eu-west-1}
peerings:
  - {requester: a, accepter: b}
"""


@pytest.fixture
def real_file(tmp_path: Path) -> Path:
    path = tmp_path / "real.yaml"
    path.write_text(REAL)
    return path


def test_verify_finds_resources_by_tags_and_exits_zero(real_file: Path) -> None:
    with mock_aws(), emulated(real_file):
        result = run("verify", str(real_file))
    assert result.exit_code == 0, result.output
    assert "verified: 1 link, 2 routes match the plan of 'real'" in result.stdout


def test_verify_exits_one_and_shows_each_difference(real_file: Path) -> None:
    with mock_aws(), emulated(real_file) as env:
        pcx = env.outputs["peering_connection_ids"]["a--b"]
        env.client("ec2", account="prod", region="eu-west-1").modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=pcx,
            AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": False},
        )
        table = run("verify", str(real_file))
        as_json = run("verify", str(real_file), "--format", "json")
    assert table.exit_code == 1
    assert "dns-option" in table.stdout and "a--b (accepter)" in table.stdout
    assert "1 difference from the plan" in table.stdout
    assert as_json.exit_code == 1
    data = json.loads(as_json.stdout)
    assert [d["kind"] for d in data["differences"]] == ["dns-option"]


def test_verify_without_credentials_for_an_account_exits_three(real_file: Path) -> None:
    other = real_file.read_text().replace('"123456789012"', '"111111111111"')
    real_file.write_text(other)
    with mock_aws():
        result = run("verify", str(real_file))
    assert result.exit_code == 3, result.output
    assert "credentials for account 'net' are for account 123456789012" in result.stderr
    assert "hint" in result.stderr


def test_verify_backend_needs_a_stack(real_file: Path) -> None:
    result = run("verify", str(real_file), "--backend", "file:///tmp/x")
    assert result.exit_code == 2
    assert "--backend and --work-dir need --stack" in result.stderr


def test_verify_takes_ids_from_the_stack_outputs(
    real_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import peerstack.automation
    from peerstack.automation import Outputs

    asked: dict[str, Any] = {}

    class FakeDeployment:
        def __init__(self, plan: Any, **kwargs: Any) -> None:
            asked.update(kwargs, topology=plan.topology)

        def outputs(self) -> Outputs:
            return Outputs(outputs)

    monkeypatch.setattr(peerstack.automation, "Deployment", FakeDeployment)
    with mock_aws(), emulated(real_file) as env:
        outputs = {
            **env.outputs,
            "peering_connection_ids": {"a--b": "pcx-00000000000000000"},
        }
        result = run("verify", str(real_file), "--stack", "prod", "--backend", "file:///state")
    assert asked == {
        "topology": "real",
        "stack": "prod",
        "backend_url": "file:///state",
        "work_dir": None,
    }
    assert result.exit_code == 1, result.output
    assert "link-missing" in result.stdout and "pcx-00000000000000000" in result.stdout


def test_a_failing_deploy_says_it_once(tmp_path: Path) -> None:
    """One error line, even though every resource waiting on the failed one fails too."""
    import subprocess
    import sys

    path = tmp_path / "two.yaml"
    # moto knows no zone use1-az9: the subnet fails, and its association and every route
    # of the link wait on it.
    path.write_text(
        "name: two\n"
        "defaults: {account: a, region: us-east-1}\n"
        'accounts: {a: {id: "111111111111"}}\n'
        "vpcs:\n"
        "  x: {cidr: 10.1.0.0/16, subnets: [{name: s, cidr: 10.1.1.0/24, az: use1-az9,"
        " route_table: t}]}\n"
        "  y: {cidr: 10.2.0.0/16}\n"
        "peerings:\n  - {requester: x, accepter: y}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "peerstack", "up", str(path), "--emulate"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, done.stderr
    assert "creating Subnet 'two.x.s'" in errors[0]
    assert "Traceback" not in done.stderr and "never retrieved" not in done.stderr


# -- day 2 from the command line -------------------------------------------------------------


def _variant(tmp_path: Path, edit: Any) -> Path:
    import yaml

    data = yaml.safe_load(HUB.read_text())
    edit(data)
    path = tmp_path / "next.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_up_from_an_old_version_applies_only_the_changes(tmp_path: Path) -> None:
    def drop_sandbox(data: dict[str, Any]) -> None:
        data["hubs"][0]["spokes"].remove("sandbox")
        data["defaults"]["dns_resolution"] = False

    new = _variant(tmp_path, drop_sandbox)
    result = run("up", str(new), "--emulate", "--from", str(HUB))
    assert result.exit_code == 0, result.output
    assert f"deployed {HUB}" in result.stdout
    assert "brought it to topology corp" in result.stdout
    assert "deleted" in result.stdout and "updated" in result.stdout
    assert "corp.shared--sandbox" in result.stdout  # its connection is deleted
    assert "verified:" in result.stdout
    # One progress view for both deploys: each reports its links as they finish.
    assert result.stderr.count("link shared--app-eu: done") == 2


def test_up_from_as_json_counts_what_diff_predicts_on_the_readme_s_day_2_example() -> None:
    """`up NEW --emulate --from OLD -f json` lists the steps, and what deploying OLD did;
    `peerstack diff OLD NEW` predicts its changes, counted by the same rule: AWS
    resources, a replacement once, providers and components not at all."""
    new = EXAMPLES_DIR / "changes" / "hub-next-week.yaml"
    done = run("up", str(new), "--emulate", "--from", str(HUB), "-f", "json")
    predicted = run("diff", str(HUB), str(new), "-f", "json")

    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    # What deploying OLD did comes first, in the same shape.
    assert data["previous"]["topology"] == "corp" and data["previous"]["previous"] is None
    assert data["previous"]["changes"] == {"create": 44}
    assert data["previous"]["verification"]["ok"] is True
    assert data["verification"]["ok"] is True
    changed = {op: n for op, n in data["changes"].items() if op != "same"}
    assert changed == {"create": 6, "update": 7, "delete": 9}  # the README says so
    steps = {(s["op"], s["type"], s["name"]) for s in data["steps"]}
    assert len(steps) == sum(changed.values())
    assert ("delete", tokens.CONNECTION, "corp.shared--sandbox") in steps
    assert ("create", tokens.SUBNET, "corp.shared.db") in steps
    assert predicted.exit_code == 1, predicted.output  # it changes something
    assert json.loads(predicted.stdout)["resources"]["counts"] == changed


def test_preview_from_an_old_version(tmp_path: Path) -> None:
    def drop_sandbox(data: dict[str, Any]) -> None:
        data["hubs"][0]["spokes"].remove("sandbox")

    new = _variant(tmp_path, drop_sandbox)
    result = run("preview", str(new), "--emulate", "--from", str(HUB))
    assert result.exit_code == 0, result.output
    assert f"bringing {HUB} to {new}" in result.stdout
    assert "deleted" in result.stdout
    assert "nothing was changed" in result.stdout


def test_from_without_emulate_is_refused() -> None:
    result = run("up", str(HUB), "--from", str(HUB), "--yes")
    assert result.exit_code == 2
    assert "--from applies with --emulate" in result.stderr


def test_up_emulate_says_what_it_imported_and_the_plan_which_link_is_adopted() -> None:
    path = EXAMPLES_DIR / "adopt-peering.yaml"
    result = run("up", str(path), "--emulate")
    assert result.exit_code == 0, result.output
    assert "and imported 3 existing ones" in result.stdout
    assert "link core--warehouse: done (3 create, 3 import)" in result.stderr
    planned = run("plan", str(path))
    assert planned.exit_code == 0, planned.output
    assert "adopted pcx-0e0e0e0e0e0e0e0e0 (accepted already)" in planned.stdout
