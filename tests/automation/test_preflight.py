"""The Deployment reads AWS and the stack's state before a preview or an up of a topology
that adopts anything: a wrong id stops it before Pulumi runs, and the import ids the state
holds are registered again as they are."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from peerstack._provider import tokens
from peerstack.automation import Deployment
from peerstack.emulator import Emulation
from peerstack.errors import PreflightError
from peerstack.plan import build_plan
from tests.emulator.test_adoption import BASE, PCX, Data
from tests.helpers.fake_cli import FakePulumi, events_for

PROJECT = "peerstack-takeover"


def _deployment(data: Data, fake: FakePulumi, tmp_path: Path, env: Emulation) -> Deployment:
    return Deployment(
        data,
        stack="dev",
        work_dir=tmp_path / "work",
        pulumi_home=tmp_path / "home",
        pulumi_command=fake.command(),
        aws_clients=env.ec2,
    )


def test_a_wrong_peering_id_stops_up_before_pulumi_runs(fake: FakePulumi, tmp_path: Path) -> None:
    wrong = copy.deepcopy(BASE)
    wrong["peerings"][0]["existing"]["peering_id"] = "pcx-0123456789abcdef0"
    fake.update(up={"events": []})
    with Emulation(BASE) as env, pytest.raises(PreflightError) as info:
        _deployment(wrong, fake, tmp_path, env).up()
    assert not fake.ran("up")
    assert [p.path for p in info.value.problems] == ["peerings[0].existing.peering_id"]
    assert (
        "there is no peering connection 'pcx-0123456789abcdef0'" in info.value.problems[0].message
    )


def test_a_preview_is_refused_the_same_way(fake: FakePulumi, tmp_path: Path) -> None:
    wrong = copy.deepcopy(BASE)
    wrong["peerings"][0]["requester"], wrong["peerings"][0]["accepter"] = "warehouse", "core"
    with Emulation(BASE) as env, pytest.raises(PreflightError, match="other way round"):
        _deployment(wrong, fake, tmp_path, env).preview()
    assert not fake.ran("preview")


def _state(import_id: str) -> dict[str, Any]:
    """A checkpoint holding the adopted connection, imported with ``import_id``."""
    stack = f"urn:pulumi:dev::{PROJECT}::"
    link = f"{stack}{tokens.TOPOLOGY}${tokens.LINK}"
    return {
        "version": 3,
        "deployment": {
            "resources": [
                {
                    "urn": f"{link}${tokens.CONNECTION}::takeover.core--warehouse",
                    "type": tokens.CONNECTION,
                    "id": PCX,
                    "importID": import_id,
                    "custom": True,
                    "outputs": {"region": "us-east-1"},
                }
            ]
        },
    }


def test_the_import_id_the_state_holds_is_registered_again(
    fake: FakePulumi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Imported with its region spelt out (say, while the account's provider acted in
    # another region): registering the plan's plain id would make Pulumi import it again,
    # in place of itself.
    plan = build_plan(BASE)
    fake.update(
        state=_state(f"{PCX}@us-east-1"),
        preview={"events": events_for(plan, stack="dev", project=PROJECT)},
    )
    kept: list[Any] = []
    from peerstack.automation import _deployment

    def recording(*args: Any, **kwargs: Any) -> Any:
        kept.append(kwargs.get("kept_imports"))
        return lambda: None  # the program itself is not what this test is about

    monkeypatch.setattr(_deployment, "topology_program", recording)
    with Emulation(BASE) as env:
        deployment = _deployment.Deployment(
            BASE,
            stack="dev",
            work_dir=tmp_path / "work",
            pulumi_home=tmp_path / "home",
            pulumi_command=fake.command(),
            aws_clients=env.ec2,
        )
        deployment.preview()
        deployment._program()  # what the engine runs: the program, with the kept ids
    assert kept[-1] == {"takeover.core--warehouse": f"{PCX}@us-east-1"}


def test_another_connection_in_the_state_is_refused(fake: FakePulumi, tmp_path: Path) -> None:
    fake.update(state=_state("pcx-0aaaaaaaaaaaaaaaa"))
    with Emulation(BASE) as env, pytest.raises(PreflightError) as info:
        _deployment(BASE, fake, tmp_path, env).preview()
    (problem,) = info.value.problems
    assert "the stack holds pcx-0aaaaaaaaaaaaaaaa" in problem.message
    assert problem.hint is not None and "remove the link 'core--warehouse'" in problem.hint


def test_nothing_adopted_reads_no_aws(fake: FakePulumi, tmp_path: Path) -> None:
    def no_aws(*_: Any) -> Any:
        raise AssertionError("the pre-flight read AWS for a topology that adopts nothing")

    plan = build_plan(Path(__file__).parents[2] / "examples" / "mesh-two-regions.yaml")
    fake.update(preview={"events": events_for(plan, stack="dev", project="peerstack-mesh")})
    Deployment(
        plan,
        stack="dev",
        work_dir=tmp_path / "work",
        pulumi_home=tmp_path / "home",
        pulumi_command=fake.command(),
        aws_clients=no_aws,
    ).preview()
