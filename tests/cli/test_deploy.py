"""`peerstack preview|up|refresh|destroy|outputs` as a user runs them: exit codes and the
words they read. The `pulumi` on PATH is the fake one of tests/automation/fake_pulumi.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peerstack._cli import _common
from peerstack._cli.app import app
from peerstack.plan import Plan, build_plan
from peerstack.topology import load_topology
from tests.helpers import fake_cli
from tests.helpers.paths import example

MESH = example("mesh-two-regions")
PROJECT = "peerstack-mesh"
runner = CliRunner()


@pytest.fixture
def mesh() -> Plan:
    return build_plan(load_topology(MESH))


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    fake = fake_cli.FakePulumi.install(tmp_path / "fake-pulumi")
    monkeypatch.setenv("PATH", fake_cli.on_path(fake))
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "not-logged-anywhere")
    monkeypatch.chdir(tmp_path)
    return fake


def run(*args: str, input: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=input)


def test_preview_shows_the_changes_and_changes_nothing(fake: Any, mesh: Plan) -> None:
    fake.update(preview={"events": fake_cli.events_for(mesh, stack="dev", project=PROJECT)})
    result = run("preview", str(MESH))

    assert result.exit_code == 0, result.output
    # The AWS resources: the stack, the providers and the components are not counted.
    count = fake_cli.aws_resource_count(mesh)
    assert "previewed stack dev of topology mesh" in result.stdout
    assert f"+{count} create" in result.stdout
    assert "nothing was changed" in result.stdout
    assert fake.ran("preview") and not fake.ran("up")
    # The work dir defaults to .peerstack/<topology> under the current directory.
    assert (Path.cwd() / ".peerstack" / "mesh" / "Pulumi.yaml").exists()


def test_preview_as_json_pipes_cleanly(fake: Any, mesh: Plan) -> None:
    fake.update(preview={"events": fake_cli.events_for(mesh, stack="qa", project=PROJECT)})
    result = run("preview", str(MESH), "--stack", "qa", "--format", "json", "--parallel", "3")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["operation"] == "preview" and data["stack"] == "qa"
    assert data["topology"] == "mesh"
    assert data["changes"] == {"create": fake_cli.aws_resource_count(mesh)}
    assert len(data["steps"]) == fake_cli.aws_resource_count(mesh)
    assert {s["link"] for s in data["steps"] if s["link"]} == {k.name for k in mesh.links}
    (preview,) = fake.ran("preview")
    assert preview[preview.index("--parallel") + 1] == "3"


def test_up_reports_each_link_and_the_ids(fake: Any, mesh: Plan) -> None:
    fake.update(
        up={"events": fake_cli.events_for(mesh, stack="dev", project=PROJECT)},
        last_operation={"kind": "update", "resourceChanges": {"create": 36}},
        outputs={
            "vpc_ids": {"web": "vpc-0a"},
            "peering_connection_ids": {"api--web": "pcx-0123"},
            "route_table_ids": {"web": {"main": "rtb-01"}},
            "reachability": {"web": ["api"]},
        },
    )
    result = run("up", str(MESH), "--yes")

    assert result.exit_code == 0, result.output
    assert "updated stack dev of topology mesh" in result.stdout
    # Counted from the engine's steps (AWS resources), not from its own summary.
    assert f"+{fake_cli.aws_resource_count(mesh)} create" in result.stdout
    assert "pcx-0123" in result.stdout and "vpc-0a" in result.stdout and "rtb-01" in result.stdout
    # Not a terminal: one line per link as it finishes, on stderr.
    for link in mesh.links:
        assert f"link {link.name}: done" in result.stderr


def test_up_as_json_carries_the_outputs(fake: Any, mesh: Plan) -> None:
    fake.update(
        up={"events": fake_cli.events_for(mesh, stack="dev", project=PROJECT)},
        outputs={"peering_connection_ids": {"api--web": "pcx-0123"}, "token": "s3cr3t"},
        secret_outputs=["token"],
    )
    result = run("up", str(MESH), "-f", "json", "--yes")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["outputs"]["peering_connection_ids"] == {"api--web": "pcx-0123"}
    assert data["outputs"]["token"] == "[secret]"
    assert "s3cr3t" not in result.output


def test_outputs(fake: Any) -> None:
    fake.add_stack("prod")
    fake.update(outputs={"vpc_ids": {"web": "vpc-0a", "api": "vpc-0b"}})

    table = run("outputs", str(MESH), "--stack", "prod")
    assert table.exit_code == 0, table.output
    assert "vpc-0a" in table.stdout and "vpc-0b" in table.stdout

    as_json = run("outputs", str(MESH), "--stack", "prod", "--format", "json")
    assert json.loads(as_json.stdout) == {"vpc_ids": {"web": "vpc-0a", "api": "vpc-0b"}}


def test_outputs_of_a_stack_never_deployed(fake: Any) -> None:
    result = run("outputs", str(MESH), "--stack", "nope")

    assert result.exit_code == 1
    assert "stack 'nope' does not exist" in result.stderr
    assert "Traceback" not in result.output


def test_refresh(fake: Any, mesh: Plan) -> None:
    fake.add_stack("dev")
    fake.update(
        refresh={"events": fake_cli.events_for(mesh, stack="dev", project=PROJECT, op="same")},
        last_operation={"kind": "refresh", "resourceChanges": {"same": 36}},
    )
    result = run("refresh", str(MESH))

    assert result.exit_code == 0, result.output
    same = fake_cli.aws_resource_count(mesh)
    assert "refreshed stack dev" in result.stdout and f"={same} same" in result.stdout


# -- destroy asks first --------------------------------------------------------------------


def _destroyable(fake: Any, mesh: Plan, monkeypatch: pytest.MonkeyPatch | None = None) -> None:
    fake.add_stack("dev")
    fake.update(
        destroy={"events": fake_cli.events_for(mesh, stack="dev", project=PROJECT, op="delete")},
        last_operation={"kind": "destroy", "resourceChanges": {"delete": 36}},
        state=fake_cli.state_for(mesh, stack="dev", project=PROJECT),
    )
    if monkeypatch is not None:
        monkeypatch.setattr(_common, "has_terminal", lambda: True)


def test_destroy_asks_and_yes_destroys(
    fake: Any, mesh: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    _destroyable(fake, mesh, monkeypatch)
    result = run("destroy", str(MESH), input="y\n")

    assert result.exit_code == 0, result.output
    # What the stack's state holds, not what the topology file says.
    assert "4 VPCs (mesh.api, mesh.batch, mesh.data, mesh.web)" in result.stderr
    assert "6 peering connections, 22 routes and" in result.stderr
    assert "Destroy?" in result.stderr
    deleted = fake_cli.aws_resource_count(mesh)
    assert "destroyed stack dev" in result.stdout and f"-{deleted} delete" in result.stdout
    assert fake.ran("destroy")


def test_destroy_answered_no_destroys_nothing(
    fake: Any, mesh: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    _destroyable(fake, mesh, monkeypatch)
    result = run("destroy", str(MESH), input="n\n")

    assert result.exit_code == 1
    assert "nothing was destroyed" in result.stderr
    assert not fake.ran("destroy")


def test_destroy_without_input_fails_cleanly(fake: Any, mesh: Plan) -> None:
    _destroyable(fake, mesh)
    result = run("destroy", str(MESH))

    assert result.exit_code == 2
    assert "destroy asks for confirmation, and there is no terminal to answer from" in (
        result.stderr
    )
    assert "--yes" in result.stderr
    assert "Traceback" not in result.output
    assert not fake.ran("destroy")


def test_destroy_yes_does_not_ask(fake: Any, mesh: Plan) -> None:
    _destroyable(fake, mesh)
    result = run("destroy", str(MESH), "--yes")

    assert result.exit_code == 0, result.output
    assert "Destroy?" not in result.output
    assert fake.ran("destroy")


def test_destroy_mentions_adopted_vpcs_are_kept(fake: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = example("hub-cross-account")
    plan = build_plan(hub)
    fake.add_stack("dev")
    fake.update(state=fake_cli.state_for(plan, stack="dev", project="peerstack-corp"))
    monkeypatch.setattr(_common, "has_terminal", lambda: True)
    result = run("destroy", str(hub), input="n\n")

    assert "The adopted VPCs (legacy) are left as they are." in result.stderr
    assert "corp.legacy" not in result.stderr


# -- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["preview", "up", "refresh", "destroy", "outputs"])
def test_without_pulumi_every_command_says_how_to_install_it(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_common, "has_terminal", lambda: True)
    result = run(command, str(MESH))

    assert result.exit_code == 3, result.output
    assert "Pulumi CLI (`pulumi`) was not found" in result.stderr
    assert "get.pulumi.com" in result.stderr
    assert "--emulate" in result.stderr
    assert "Traceback" not in result.output


def test_an_old_pulumi_cannot_destroy_inline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_cli.FakePulumi.install(tmp_path / "old", version="v3.150.0")
    fake.add_stack("dev")
    monkeypatch.setenv("PATH", fake_cli.on_path(fake))
    monkeypatch.chdir(tmp_path)
    result = run("destroy", str(MESH), "--yes")

    assert result.exit_code == 3
    assert ">= 3.181.0" in result.stderr and "3.150.0" in result.stderr
    assert "upgrade" in result.stderr


def test_a_locked_stack_says_how_to_cancel(fake: Any) -> None:
    fake.update(
        up={
            "exit": 255,
            "stderr": "error: the stack is currently locked by 1 lock(s). Either wait.\n",
        }
    )
    result = run("up", str(MESH), "--stack", "prod", "--yes")

    assert result.exit_code == 1
    assert "stack 'prod' is locked by another update" in result.stderr
    assert "pulumi cancel --yes --stack prod" in result.stderr


def test_missing_credentials(fake: Any) -> None:
    fake.update(
        up={
            "exit": 255,
            "stdout": "    error: pulumi:providers:aws resource 'mesh.platform' has a problem: "
            "No valid credential sources found.\n",
        }
    )
    result = run("up", str(MESH), "--yes")

    assert result.exit_code == 3
    assert "No valid credential sources found" in result.stderr
    assert "AWS_PROFILE" in result.stderr


def test_an_exception_in_the_program(fake: Any) -> None:
    fake.update(
        preview={
            "exit": 255,
            "stdout": "error: python inline source runtime error: boom\nTraceback...\n",
        }
    )
    result = run("preview", str(MESH))

    assert result.exit_code == 1
    assert "the peerstack program raised an exception during `preview`" in result.stderr
    assert "boom" in result.stderr
    assert "Traceback" not in result.stderr


def test_plugin_install_failing_offline(fake: Any) -> None:
    fake.update(plugin_install={"exit": 255, "stderr": "error: dial tcp: lookup api.github.com\n"})
    result = run("up", str(MESH), "--yes")

    assert result.exit_code == 3
    assert "aws plugin" in result.stderr and "--emulate" in result.stderr


def test_no_passphrase(fake: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE")
    result = run("up", str(MESH), "--yes")

    assert result.exit_code == 1
    assert "PULUMI_CONFIG_PASSPHRASE" in result.stderr
    assert not fake.ran("up")


def test_the_passphrase_never_shows(fake: Any) -> None:
    fake.update(up={"exit": 255, "stdout": "error: leaked not-logged-anywhere\n"})
    result = run("up", str(MESH), "--yes")

    assert result.exit_code == 1
    assert "not-logged-anywhere" not in result.output
    assert "[secret]" in result.stderr


def test_an_invalid_topology_touches_nothing(fake: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\naccounts: {a: {id: '1'}}\nvpcs: {}\n")
    result = run("up", str(bad), "--yes")

    assert result.exit_code == 2
    assert "nothing was deployed" in result.stderr
    assert fake.commands() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stack", "no spaces please"], "invalid stack name"),
        (["--endpoint", "localhost:4566"], "endpoint must be an http(s) URL"),
    ],
)
def test_bad_options(fake: Any, args: list[str], message: str) -> None:
    result = run("preview", str(MESH), *args)

    assert result.exit_code == 2
    assert message in result.stderr
    assert fake.commands() == []


def test_emulate_does_not_take_a_backend_or_endpoint(fake: Any) -> None:
    result = run("up", str(MESH), "--emulate", "--backend", "s3://bucket")

    assert result.exit_code == 2
    assert "--backend and --endpoint do not apply" in result.stderr


@pytest.mark.parametrize("command", ["preview", "up"])
def test_emulate_hands_over_to_the_emulation(
    command: str, fake: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerstack._cli import emulate

    calls: list[tuple[Path, str]] = []

    def emulated(file: Path, *, output_format: str, previous: Any, release: Any, **_: Any) -> int:
        calls.append((file, output_format))
        return 7

    monkeypatch.setattr(emulate, f"{command}_emulated", emulated)
    result = run(command, str(MESH), "--emulate", "--format", "json")

    assert result.exit_code == 7
    assert calls == [(MESH, "json")]
    assert fake.commands() == []


def test_debug_shows_pulumi_s_full_output_without_secrets(
    fake: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # --debug sets PEERSTACK_DEBUG in this process; restore it for the tests after this one.
    monkeypatch.setenv("PEERSTACK_DEBUG", "0")
    fake.update(
        up={
            "exit": 255,
            "stdout": "Updating (dev):\n    detail only the full output has\n"
            "    error: leaked not-logged-anywhere\n",
        }
    )
    plain = run("up", str(MESH), "--yes")
    debug = run("--debug", "up", str(MESH), "--yes")

    assert plain.exit_code == debug.exit_code == 1
    assert "detail only the full output has" not in plain.stderr
    assert "detail only the full output has" in debug.stderr
    assert "not-logged-anywhere" not in debug.output


# -- up asks first ---------------------------------------------------------------------------


def _deployable(fake: Any, mesh: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    fake.update(
        preview={"events": fake_cli.events_for(mesh, stack="dev", project=PROJECT)},
        up={"events": fake_cli.events_for(mesh, stack="dev", project=PROJECT)},
        last_operation={"kind": "update", "resourceChanges": {"create": 36}},
    )
    monkeypatch.setattr(_common, "has_terminal", lambda: True)


def test_up_shows_the_changes_per_link_and_vpc_and_asks(
    fake: Any, mesh: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deployable(fake, mesh, monkeypatch)
    result = run("up", str(MESH), input="y\n")

    assert result.exit_code == 0, result.output
    assert "link api--web" in result.stderr and "VPC web" in result.stderr
    assert "Deploy these changes?" in result.stderr
    assert fake.ran("preview") and fake.ran("up")
    assert "updated stack dev" in result.stdout


def test_up_answered_no_changes_nothing(
    fake: Any, mesh: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deployable(fake, mesh, monkeypatch)
    result = run("up", str(MESH), input="n\n")

    assert result.exit_code == 1
    assert "nothing was changed" in result.stderr
    assert fake.ran("preview") and not fake.ran("up")


def test_up_without_a_terminal_and_without_yes_refuses(fake: Any, mesh: Plan) -> None:
    result = run("up", str(MESH))

    assert result.exit_code == 2
    assert "up asks for confirmation, and there is no terminal to answer from" in result.stderr
    assert "--yes" in result.stderr
    assert fake.commands() == []


def test_up_with_nothing_to_change_does_not_ask(
    fake: Any, mesh: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.update(
        preview={"events": fake_cli.events_for(mesh, stack="dev", project=PROJECT, op="same")}
    )
    monkeypatch.setattr(_common, "has_terminal", lambda: True)
    result = run("up", str(MESH))

    assert result.exit_code == 0, result.output
    assert "no changes" in result.stderr and "Deploy these changes?" not in result.stderr
    assert not fake.ran("up")


def test_up_release_hands_a_vpc_over(fake: Any, mesh: Plan) -> None:
    fake.update(up={"events": []})
    result = run("up", str(MESH), "--yes", "--release", "web")

    # web is created by this topology: there is nothing to release.
    assert result.exit_code == 2
    assert "cannot release 'web'" in result.stderr


def test_refresh_can_clear_pending_creates(fake: Any, mesh: Plan) -> None:
    fake.add_stack("dev")
    fake.update(refresh={"events": []})
    result = run("refresh", str(MESH), "--clear-pending-creates")

    assert result.exit_code == 0, result.output
    (refresh,) = fake.ran("refresh")
    assert "--clear-pending-creates" in refresh
    assert "dropped from the state" in result.stdout
