"""End to end: a real `pulumi` previews, deploys, verifies and destroys a topology against a
moto server on loopback (endpoint mode). Skipped, with the reason, without `pulumi` on PATH.

Needs the `aws` plugin matching pulumi-aws: installed on first run (network once), or
already in PULUMI_HOME. When it can't be installed the tests skip and say so.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peerstack._cli.app import app
from peerstack.automation import Deployment, Event, EventKind, LinkState
from peerstack.errors import PluginInstallError
from peerstack.plan import Plan, build_plan
from peerstack.topology import topology_from_text

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        shutil.which("pulumi") is None,
        reason="needs the Pulumi CLI on PATH (install: curl -fsSL https://get.pulumi.com | sh)",
    ),
]

# moto's server puts every request signed with dummy keys in account 123456789012.
TOPOLOGY = """\
name: e2e
defaults: {account: main, region: us-east-1}
accounts:
  main: {id: "123456789012"}
vpcs:
  a:
    cidr: 10.10.0.0/16
    subnets:
      - {name: app, cidr: 10.10.1.0/24, az: a, route_table: app}
  b: {cidr: 10.20.0.0/16}
  c: {region: us-west-2, cidr: 10.30.0.0/16}
peerings:
  - {requester: a, accepter: b}
  - {requester: a, accepter: c}
"""


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # boto3 in this test (verify) reaches the same server; so would any stray client.
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "e2e-passphrase")
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def plan() -> Plan:
    return build_plan(topology_from_text(TOPOLOGY, file="e2e.yaml"))


def _or_skip_offline(call: Any) -> Any:
    try:
        return call()
    except PluginInstallError as exc:
        pytest.skip(f"the aws plugin could not be installed (offline?): {exc}")


def test_preview_up_verify_destroy(plan: Plan, endpoint: str, tmp_path: Path) -> None:
    events: list[Event] = []
    deployment = Deployment(
        plan, stack="e2e", work_dir=tmp_path / "work", endpoint=endpoint, on_event=events.append
    )

    preview = _or_skip_offline(deployment.preview)
    assert preview.changes["create"] > 0
    assert preview.changes.changed == preview.changes["create"]

    up = deployment.up(verify=True)
    assert up.changes == preview.changes  # counted alike: AWS resources only
    assert up.verification is not None
    assert up.ok, [str(d) for d in up.verification.differences]
    assert set(up.outputs.peering_connection_ids) == {"a--b", "a--c"}
    assert all(v.startswith("pcx-") for v in up.outputs.peering_connection_ids.values())
    assert up.outputs.reachability == {k: tuple(v) for k, v in plan.reachability.items()}
    finished = [e for e in events if e.kind is EventKind.FINISHED][-1].progress
    assert {link.state for link in finished.links.values()} == {LinkState.DONE}

    again = deployment.preview()
    assert again.changes.changed == 0, str(again.changes)

    destroyed = deployment.destroy()
    assert destroyed.changes.to_dict() == {"delete": up.changes["create"]}
    assert not deployment.outputs()


def test_the_cli_up_and_destroy_against_an_endpoint(
    endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    topology = tmp_path / "e2e.yaml"
    topology.write_text(TOPOLOGY)
    runner = CliRunner()

    up = runner.invoke(
        app, ["up", str(topology), "--endpoint", endpoint, "--stack", "cli", "--yes"]
    )
    if up.exit_code == 3 and "aws plugin" in up.stderr:
        pytest.skip(f"the aws plugin could not be installed (offline?): {up.stderr}")
    assert up.exit_code == 0, up.output
    assert "updated stack cli" in up.stdout and "pcx-" in up.stdout

    outputs = runner.invoke(app, ["outputs", str(topology), "--stack", "cli", "-f", "json"])
    assert outputs.exit_code == 0, outputs.output
    assert "a--b" in outputs.stdout

    destroy = runner.invoke(
        app, ["destroy", str(topology), "--endpoint", endpoint, "--stack", "cli", "--yes"]
    )
    assert destroy.exit_code == 0, destroy.output
    assert "destroyed stack cli" in destroy.stdout


# -- --emulate with the real engine ends where the in-process engine does ------------------

MULTI_ACCOUNT = """\
name: twoeng
defaults: {account: net, region: us-east-1, dns_resolution: true}
accounts:
  net: {id: "111111111111"}
  prod: {id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/peerstack"}
vpcs:
  hub:
    cidr: 10.0.0.0/16
    subnets: [{name: tools, cidr: 10.0.1.0/24, az: a, route_table: tools}]
  app: {account: prod, region: eu-west-1, cidr: 10.1.0.0/16}
  api: {account: prod, cidr: 10.2.0.0/16}
hubs:
  - {hub: hub, spokes: [app, api]}
"""


def _emulated(args: list[str]) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["up", *args, "--emulate", "-f", "json"])
    if result.exit_code == 3 and "aws plugin" in result.stderr:
        pytest.skip(f"the aws plugin could not be installed (offline?): {result.stderr}")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_both_engines_end_in_the_same_verified_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    topology = tmp_path / "twoeng.yaml"
    topology.write_text(MULTI_ACCOUNT)
    real = _emulated([str(topology), "--engine", "pulumi"])
    mocked = _emulated([str(topology), "--engine", "mocks"])

    assert real["engine"] == "pulumi" and mocked["engine"] == "mocks"
    assert real["verification"]["ok"] and mocked["verification"]["ok"]
    assert real["verification"]["reachability"] == mocked["verification"]["reachability"]
    assert sorted(real["outputs"]["peering_connection_ids"]) == sorted(
        mocked["outputs"]["peering_connection_ids"]
    )
    # One result type, counted by one rule: both engines report the same changes.
    assert real["changes"] == mocked["changes"]
    assert real["resources"] == mocked["resources"]
    assert list(real) == list(mocked)


def test_the_real_engine_applies_a_day_2_change_in_the_emulation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    old = tmp_path / "old.yaml"
    old.write_text(MULTI_ACCOUNT)
    new = tmp_path / "new.yaml"
    new.write_text(MULTI_ACCOUNT.replace("dns_resolution: true", "dns_resolution: false"))
    real = _emulated([str(new), "--from", str(old), "--engine", "pulumi"])
    mocked = _emulated([str(new), "--from", str(old), "--engine", "mocks"])

    assert real["verification"]["ok"] and mocked["verification"]["ok"]
    # DNS off is an update of the options (and the VPCs' hostnames), never a delete.
    assert "delete" not in real["changes"] and real["changes"]["update"] >= 4
    assert "delete" not in mocked["changes"] and mocked["changes"]["update"] >= 4
