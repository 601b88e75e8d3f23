"""Deployment against the SDK's own seams: PulumiCommand (a fake `pulumi`) and the
LocalWorkspace options. The inline program itself runs only in the end-to-end tests."""

from __future__ import annotations

import importlib.metadata
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi.automation import ConfigValue

from peerstack._provider import tokens
from peerstack.automation import (
    SECRET,
    Deployment,
    Event,
    EventKind,
    LinkState,
    Outputs,
    aws_plugin_version,
)
from peerstack.emulator import Emulation
from peerstack.errors import (
    DeployError,
    HandoverError,
    PluginInstallError,
    PulumiNotInstalledError,
    PulumiVersionError,
    StackLockedError,
    TopologyError,
)
from peerstack.plan import Plan
from peerstack.topology import topology_from_data
from tests.helpers.fake_cli import (
    FakePulumi,
    aws_resource_count,
    events_for,
    on_path,
    resource_count,
)

PROJECT = "peerstack-mesh"


def deployment(plan: Plan, fake: FakePulumi, tmp_path: Path, **options: Any) -> Deployment:
    options.setdefault("work_dir", tmp_path / "work")
    options.setdefault("pulumi_home", tmp_path / "pulumi-home")
    return Deployment(plan, pulumi_command=fake.command(), **options)


# -- the workspace ----------------------------------------------------------------------


def test_default_backend_is_a_file_backend_inside_the_work_dir(
    mesh: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = Deployment(mesh).workspace_options()

    work_dir = tmp_path / ".peerstack" / "mesh"
    assert options.work_dir == str(work_dir)
    assert options.project_settings is not None
    assert options.project_settings.name == PROJECT
    assert options.project_settings.runtime == "python"
    assert options.project_settings.backend is not None
    assert options.project_settings.backend.url == f"file://{work_dir}/.pulumi-state"
    assert callable(options.program)
    assert options.secrets_provider is None  # the passphrase, for a self-managed backend


def test_any_backend_url_and_secrets_provider_are_used_as_given(mesh: Plan, tmp_path: Path) -> None:
    options = Deployment(
        mesh,
        work_dir=tmp_path,
        backend_url="s3://state-bucket/peerstack?region=eu-west-1",
        secrets_provider="awskms://alias/peerstack",
        project="network",
    ).workspace_options()

    assert options.project_settings is not None
    assert options.project_settings.name == "network"
    assert options.project_settings.backend is not None
    assert options.project_settings.backend.url == "s3://state-bucket/peerstack?region=eu-west-1"
    assert options.secrets_provider == "awskms://alias/peerstack"


def test_the_cli_environment_carries_no_secret(mesh: Plan, tmp_path: Path, passphrase: str) -> None:
    options = Deployment(mesh, work_dir=tmp_path).workspace_options()

    assert options.env_vars == {"PULUMI_SKIP_UPDATE_CHECK": "true"}
    assert passphrase not in repr(Deployment(mesh, work_dir=tmp_path))


def test_preview_writes_the_project_and_runs_an_inline_program_on_the_stack(
    mesh: Plan, fake: FakePulumi, tmp_path: Path
) -> None:
    fake.update(preview={"events": events_for(mesh, stack="dev", project=PROJECT)})
    result = deployment(mesh, fake, tmp_path, parallel=4).preview()

    project = yaml.safe_load((tmp_path / "work" / "Pulumi.yaml").read_text())
    assert project["name"] == PROJECT
    assert project["backend"] == {"url": f"file://{tmp_path / 'work' / '.pulumi-state'}"}
    assert (tmp_path / "work" / ".pulumi-state").is_dir()

    assert fake.ran("stack", "select") and fake.ran("stack", "init", "dev")
    (preview,) = fake.ran("preview")
    assert preview[preview.index("--exec-kind") + 1] == "auto.inline"
    assert any(arg.startswith("--client=127.0.0.1:") for arg in preview)
    assert preview[preview.index("--parallel") + 1] == "4"
    assert preview[preview.index("--stack") + 1] == "dev"

    # The AWS resources among the steps: the stack, providers and components not counted.
    assert result.changes.to_dict() == {"create": aws_resource_count(mesh)}
    assert len(result.steps) == resource_count(mesh)
    assert result.stack == "dev" and result.topology == "mesh" and result.engine == "pulumi"
    assert result.duration.total_seconds() > 0


def test_every_call_gets_pulumi_home_and_the_passphrase_from_the_environment(
    mesh: Plan, fake: FakePulumi, tmp_path: Path
) -> None:
    fake.update(preview={"events": events_for(mesh, stack="dev", project=PROJECT)})
    deployment(mesh, fake, tmp_path).preview()

    calls = [c for c in fake.calls() if c["args"] != ["version"]]
    assert calls
    assert {c["pulumi_home"] for c in calls} == {str(tmp_path / "pulumi-home")}
    assert all(c["passphrase_set"] and c["skip_update_check"] == "true" for c in calls)
    assert {c["cwd"] for c in calls} == {str(tmp_path / "work")}


def test_the_aws_plugin_is_installed_once_at_the_version_of_pulumi_aws(
    mesh: Plan, fake: FakePulumi, tmp_path: Path
) -> None:
    fake.update(preview={"events": events_for(mesh, stack="dev", project=PROJECT)})
    deploy = deployment(mesh, fake, tmp_path)
    deploy.preview()
    deploy.preview()

    version = "v" + importlib.metadata.version("pulumi-aws")
    assert aws_plugin_version() == version
    assert fake.ran("plugin", "install") == [["plugin", "install", "resource", "aws", version]]


def test_config_is_set_on_the_stack_with_secrets_marked(
    mesh: Plan, fake: FakePulumi, tmp_path: Path
) -> None:
    fake.update(preview={"events": events_for(mesh, stack="dev", project=PROJECT)})
    deployment(
        mesh,
        fake,
        tmp_path,
        config={"aws:region": "us-east-1", "team:token": ConfigValue("s3cr3t-token", secret=True)},
    ).preview()

    (set_all,) = fake.ran("config", "set-all")
    assert ["--plaintext", "aws:region=us-east-1"] == set_all[
        set_all.index("--plaintext") : set_all.index("--plaintext") + 2
    ]
    assert "team:token=s3cr3t-token" == set_all[set_all.index("--secret") + 1]


def test_up_returns_typed_outputs_and_the_change_summary(
    mesh: Plan, fake: FakePulumi, tmp_path: Path
) -> None:
    fake.update(
        up={"events": events_for(mesh, stack="dev", project=PROJECT)},
        last_operation={"kind": "update", "resourceChanges": {"create": 20, "same": 1}},
        outputs={
            "vpc_ids": {"web": "vpc-0a", "api": "vpc-0b"},
            "route_table_ids": {"web": {"main": "rtb-01", "public": "rtb-02"}},
            "peering_connection_ids": {"api--web": "pcx-01"},
            "reachability": {"web": ["api"], "api": ["web"]},
            "admin_token": "hunter22",
        },
        secret_outputs=["admin_token"],
    )
    result = deployment(mesh, fake, tmp_path).up()

    (up,) = fake.ran("up")
    assert up[:3] == ["up", "--yes", "--skip-preview"]
    # Counted by the one rule from the engine's steps, not taken from its summary (which
    # counts the stack, the providers and the components too).
    assert result.changes.to_dict() == {"create": aws_resource_count(mesh)}
    assert result.changes.changed == aws_resource_count(mesh)
    assert result.verification is None and result.ok and not result.emulated
    assert result.outputs.vpc_ids == {"web": "vpc-0a", "api": "vpc-0b"}
    assert result.outputs.route_table_ids["web"]["public"] == "rtb-02"
    assert result.outputs.peering_connection_ids == {"api--web": "pcx-01"}
    assert result.outputs.reachability["web"] == ("api",)
    assert result.outputs["admin_token"] == "hunter22"
    assert "hunter22" not in repr(result)
    assert SECRET in repr(result)
    assert result.to_dict()["outputs"]["admin_token"] == SECRET
    assert result.to_dict(show_secrets=True)["outputs"]["admin_token"] == "hunter22"


def test_outputs_of_an_existing_stack(mesh: Plan, fake: FakePulumi, tmp_path: Path) -> None:
    fake.add_stack("dev")
    fake.update(outputs={"vpc_ids": {"web": "vpc-0a"}})
    outputs = deployment(mesh, fake, tmp_path).outputs()

    assert isinstance(outputs, Outputs)
    assert outputs.vpc_ids == {"web": "vpc-0a"}
    assert not fake.ran("stack", "init")
    assert not fake.ran("plugin", "install")


def test_outputs_of_a_stack_that_does_not_exist(
    mesh: Plan, fake: FakePulumi, tmp_path: Path
) -> None:
    with pytest.raises(DeployError, match="stack 'dev' does not exist") as info:
        deployment(mesh, fake, tmp_path).outputs()
    assert info.value.hint is not None and "peerstack up" in info.value.hint
    assert not fake.ran("stack", "init")


def test_destroy_selects_the_stack_and_never_creates_one(
    mesh: Plan, fake: FakePulumi, tmp_path: Path
) -> None:
    fake.add_stack("prod")
    fake.update(
        destroy={"events": events_for(mesh, stack="prod", project=PROJECT, op="delete")},
        last_operation={"kind": "destroy", "resourceChanges": {"delete": 21}},
    )
    result = deployment(mesh, fake, tmp_path, stack="prod").destroy()

    (destroy,) = fake.ran("destroy")
    assert destroy[:3] == ["destroy", "--skip-preview", "--yes"]
    assert destroy[destroy.index("--exec-kind") + 1] == "auto.inline"
    assert result.changes.to_dict() == {"delete": aws_resource_count(mesh)}
    assert result.counts_by_type()["VpcPeeringConnection"] == len(mesh.links)
    assert not fake.ran("stack", "init")


def test_refresh(mesh: Plan, fake: FakePulumi, tmp_path: Path) -> None:
    fake.add_stack("dev")
    fake.update(
        refresh={"events": events_for(mesh, stack="dev", project=PROJECT, op="refresh")},
        last_operation={"kind": "refresh", "resourceChanges": {"same": 21}},
    )
    result = deployment(mesh, fake, tmp_path).refresh()

    (refresh,) = fake.ran("refresh")
    assert refresh[:3] == ["refresh", "--skip-preview", "--yes"]
    assert result.changes.to_dict() == {"same": aws_resource_count(mesh)}
    assert result.changes.changed == 0


def test_up_verifies_only_when_asked(plan_of: Any, fake: FakePulumi, tmp_path: Path) -> None:
    """``up(verify=True)`` reads AWS back, as `peerstack verify` does (moto here, holding
    what the fake engine's outputs name); by default an up is not verified (above)."""
    from moto import mock_aws

    from peerstack.testing import emulated

    # Ambient credentials are moto's default account; prod is reached by its role.
    plan = plan_of(
        """
        name: real
        defaults: {account: net, region: us-east-1}
        accounts:
          net: {id: "123456789012"}
          prod: {id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/p"}
        vpcs:
          a: {cidr: 10.1.0.0/16}
          b: {cidr: 10.2.0.0/16, account: prod, region: eu-west-1}
        peerings: [{requester: a, accepter: b}]
        """
    )
    stack = deployment(plan, fake, tmp_path)
    with mock_aws(), emulated(plan) as env:
        fake.update(up={"events": []}, outputs=env.outputs)
        verified = stack.up(verify=True)
        fake.update(outputs={**env.outputs, "peering_connection_ids": {"a--b": "pcx-0f"}})
        wrong = stack.up(verify=True)

    assert verified.verification is not None and verified.ok
    assert verified.verification.summary() == "verified: 1 link, 2 routes match the plan of 'real'"
    assert wrong.verification is not None and not wrong.ok
    assert "link-missing" in {d.kind for d in wrong.verification.differences}


# -- several stacks -----------------------------------------------------------------------


def test_several_stacks_from_one_process_at_once(
    mesh: Plan, fake: FakePulumi, tmp_path: Path
) -> None:
    fake.update(
        up={"events": events_for(mesh, stack="dev", project=PROJECT)},
        last_operation={"kind": "update", "resourceChanges": {"create": 21}},
        outputs={"vpc_ids": {"web": "vpc-0a"}},
    )
    results: dict[str, Any] = {}

    def deploy(stack: str) -> None:
        results[stack] = deployment(mesh, fake, tmp_path, stack=stack).up()

    threads = [threading.Thread(target=deploy, args=(name,)) for name in ("dev", "staging")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert set(results) == {"dev", "staging"}
    assert {args[args.index("--stack") + 1] for args in fake.ran("up")} == {"dev", "staging"}
    assert sorted(args[2] for args in fake.ran("stack", "init")) == ["dev", "staging"]


# -- events ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v3.200.0", "v3.210.0"], ids=["event-log-file", "grpc"])
def test_engine_events_reach_the_callback_as_progress(
    mesh: Plan, tmp_path: Path, version: str
) -> None:
    fake = FakePulumi.install(tmp_path / "fake", version=version)
    fake.update(up={"events": events_for(mesh, stack="dev", project=PROJECT)})
    events: list[Event] = []
    deployment(mesh, fake, tmp_path, on_event=events.append).up()

    kinds = [event.kind for event in events]
    assert kinds[0] is EventKind.STARTED
    assert kinds[-2:] == [EventKind.SUMMARY, EventKind.FINISHED]
    last = events[-1].progress
    resources = resource_count(mesh)
    assert (last.planned, last.done, last.failed) == (resources, resources, 0)
    assert {link.state for link in last.links.values()} == {LinkState.DONE}
    assert set(last.links) == {link.name for link in mesh.links}


def test_a_per_call_callback_replaces_the_default_one(
    mesh: Plan, fake: FakePulumi, tmp_path: Path
) -> None:
    fake.update(preview={"events": events_for(mesh, stack="dev", project=PROJECT)})
    default: list[Event] = []
    given: list[Event] = []
    deployment(mesh, fake, tmp_path, on_event=default.append).preview(on_event=given.append)

    assert given and not default


# -- failures ------------------------------------------------------------------------------


def test_a_locked_stack(mesh: Plan, fake: FakePulumi, tmp_path: Path) -> None:
    fake.update(
        up={
            "exit": 255,
            "stderr": (
                "error: the stack is currently locked by 1 lock(s). Either wait for the other "
                "process(es) to end or delete the lock file with `pulumi cancel`.\n"
            ),
        }
    )
    with pytest.raises(StackLockedError) as info:
        deployment(mesh, fake, tmp_path, stack="prod").up()

    assert "locked" in str(info.value)
    assert info.value.hint is not None
    assert f"pulumi cancel --yes --stack prod --cwd {tmp_path / 'work'}" in info.value.hint


def test_plugin_install_failing_offline(mesh: Plan, fake: FakePulumi, tmp_path: Path) -> None:
    fake.update(
        plugin_install={
            "exit": 255,
            "stderr": (
                "error: [resource plugin aws-7.51.1] downloading from : Get "
                '"https://api.github.com/repos/pulumi/pulumi-aws/releases/tags/v7.51.1": '
                "dial tcp: lookup api.github.com: no such host\n"
            ),
        }
    )
    with pytest.raises(PluginInstallError) as info:
        deployment(mesh, fake, tmp_path).preview()

    assert "no such host" in str(info.value)
    assert info.value.hint is not None
    assert "pulumi plugin install resource aws v" in info.value.hint
    assert "--emulate" in info.value.hint
    assert not fake.ran("preview")


def test_pulumi_missing_from_path(
    mesh: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    deploy = Deployment(mesh, work_dir=tmp_path / "work")

    with pytest.raises(PulumiNotInstalledError) as info:
        deploy.preview()
    assert "not found" in str(info.value)
    assert info.value.hint is not None
    assert "get.pulumi.com" in info.value.hint and "--emulate" in info.value.hint


def test_the_pulumi_on_path_is_used_by_default(
    mesh: Plan, fake: FakePulumi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", on_path(fake))
    fake.update(preview={"events": events_for(mesh, stack="dev", project=PROJECT)})
    Deployment(mesh, work_dir=tmp_path / "work").preview()

    assert fake.ran("preview")


@pytest.mark.parametrize("operation", ["refresh", "destroy"])
def test_inline_refresh_and_destroy_need_pulumi_3_181(
    mesh: Plan, tmp_path: Path, operation: str
) -> None:
    fake = FakePulumi.install(tmp_path / "fake", version="v3.150.0")
    fake.add_stack("dev")
    deploy = deployment(mesh, fake, tmp_path)

    with pytest.raises(PulumiVersionError, match=r">= 3\.181\.0; the installed one is 3\.150\.0"):
        getattr(deploy, operation)()
    assert not fake.ran(operation)


def test_a_self_managed_backend_needs_a_passphrase(
    mesh: Plan, fake: FakePulumi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE")
    with pytest.raises(DeployError, match="passphrase") as info:
        deployment(mesh, fake, tmp_path).preview()

    assert info.value.hint is not None and "PULUMI_CONFIG_PASSPHRASE_FILE" in info.value.hint
    assert not fake.ran("stack")


def test_a_passphrase_file_is_enough(
    mesh: Plan, fake: FakePulumi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE_FILE", str(tmp_path / "passphrase"))
    fake.update(preview={"events": events_for(mesh, stack="dev", project=PROJECT)})
    deployment(mesh, fake, tmp_path).preview()

    assert fake.ran("preview")


def test_pulumi_cloud_needs_no_passphrase(
    mesh: Plan, fake: FakePulumi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE")
    fake.update(preview={"events": events_for(mesh, stack="dev", project=PROJECT)})
    deployment(mesh, fake, tmp_path, backend_url="https://api.pulumi.com").preview()

    assert fake.ran("preview")


def test_an_invalid_topology_fails_before_pulumi_is_touched(
    fake: FakePulumi, tmp_path: Path
) -> None:
    data = {
        "name": "bad",
        "accounts": {"a": {"id": "111111111111"}},
        "defaults": {"account": "a", "region": "us-east-1"},
        "vpcs": {"x": {"cidr": "10.0.0.0/16"}, "y": {"cidr": "10.0.0.0/16"}},
        "peerings": [{"requester": "x", "accepter": "y"}],
    }
    with pytest.raises(TopologyError):
        Deployment(topology_from_data(data), pulumi_command=fake.command(), work_dir=tmp_path)
    assert fake.commands() == [["version"]]  # only PulumiCommand's own version check


def test_a_topology_file_path_is_accepted(tmp_path: Path, examples: Path) -> None:
    deploy = Deployment(examples / "mesh-two-regions.yaml", work_dir=tmp_path)
    assert deploy.plan.topology == "mesh" and deploy.project_name == PROJECT


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"stack": "has space"}, "invalid stack name"),
        ({"parallel": 0}, "parallel must be at least 1"),
        ({"endpoint": "localhost:4566"}, "http"),
    ],
)
def test_bad_arguments(mesh: Plan, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Deployment(mesh, **options)


# -- day 2: handing a created VPC over, what the state holds -------------------------------


def _state_with_created_vpc(plan: Plan, vpc: str, vpc_id: str) -> dict[str, Any]:
    """A checkpoint in which this stack created ``vpc`` (its component, Vpc and subnet)."""
    stack = f"urn:pulumi:dev::{PROJECT}::"
    top = f"{stack}{tokens.TOPOLOGY}::{plan.topology}"
    component = f"{stack}{tokens.TOPOLOGY}${tokens.VPC_COMPONENT}::{plan.topology}.{vpc}"
    inner = f"{stack}{tokens.TOPOLOGY}${tokens.VPC_COMPONENT}$"
    return {
        "version": 3,
        "deployment": {
            "resources": [
                {"urn": top, "type": tokens.TOPOLOGY, "custom": False},
                {"urn": component, "type": tokens.VPC_COMPONENT, "parent": top},
                {
                    "urn": f"{inner}{tokens.VPC}::{plan.topology}.{vpc}",
                    "type": tokens.VPC,
                    "id": vpc_id,
                    "custom": True,
                    "parent": component,
                },
                {
                    "urn": f"{inner}{tokens.SUBNET}::{plan.topology}.{vpc}.a",
                    "type": tokens.SUBNET,
                    "id": "subnet-0a",
                    "custom": True,
                    "parent": component,
                },
            ]
        },
    }


def _adopting(plan_of: Any, vpc_id: str) -> Plan:
    return plan_of(
        f"""
        name: t
        defaults: {{account: net, region: us-east-1}}
        accounts: {{net: {{id: "111111111111"}}}}
        vpcs:
          a: {{cidr: 10.0.0.0/16}}
          b: {{existing: {{vpc_id: {vpc_id}, cidrs: [10.1.0.0/16], route_tables: {{main: rtb-0123456789abcdef0}}}}}}
        peerings: [{{requester: a, accepter: b}}]
        """
    )


def test_up_refuses_to_delete_a_created_vpc_now_adopted(
    plan_of: Any, fake: FakePulumi, tmp_path: Path
) -> None:
    vpc_id = "vpc-0b0b0b0b0b0b0b0b0"
    plan = _adopting(plan_of, vpc_id)
    fake.update(state=_state_with_created_vpc(plan, "b", vpc_id))
    with pytest.raises(HandoverError, match="'b' was created by this stack") as info:
        deployment(plan, fake, tmp_path).up()
    assert info.value.hint is not None and "--release b" in info.value.hint
    assert not fake.ran("up")
    assert not (fake.root / "imported.json").exists()


def test_a_released_vpc_is_kept_in_aws_by_the_state(
    plan_of: Any, fake: FakePulumi, tmp_path: Path
) -> None:
    vpc_id = "vpc-0b0b0b0b0b0b0b0b0"
    plan = _adopting(plan_of, vpc_id)
    fake.update(
        state=_state_with_created_vpc(plan, "b", vpc_id),
        up={"events": []},
        last_operation={"kind": "update", "resourceChanges": {"delete": 2}},
    )
    # The VPC is in AWS (the stack created it): the pre-flight finds it there.
    with Emulation(plan) as env:
        deployment(plan, fake, tmp_path, aws_clients=env.ec2).up(release=["b"])

    imported = json.loads((fake.root / "imported.json").read_text())
    retained = {
        r["urn"].rsplit("::", 1)[-1]: r.get("retainOnDelete", False)
        for r in imported["deployment"]["resources"]
    }
    # The VPC, everything under its component, and the component; nothing else.
    assert retained == {"t": False, "t.b": True, "t.b.a": True}
    assert fake.ran("up")  # after the import


def test_the_state_lists_what_destroy_would_delete(
    plan_of: Any, fake: FakePulumi, tmp_path: Path
) -> None:
    plan = _adopting(plan_of, "vpc-0b0b0b0b0b0b0b0b0")
    fake.update(state=_state_with_created_vpc(plan, "b", "vpc-0b0b0b0b0b0b0b0b0"))
    fake.add_stack("dev")
    records = deployment(plan, fake, tmp_path).state()
    assert [(r.type, r.name, r.id) for r in records if r.type == tokens.VPC] == [
        (tokens.VPC, "t.b", "vpc-0b0b0b0b0b0b0b0b0")
    ]
