"""`peerstack.emulator.up` and `preview` from Python: what `up --emulate --from OLD
--release VPC` does, with the result a real deploy returns and the events it sends; the
real engine's path at its seams (a fake `pulumi` on PATH)."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest

from peerstack import emulator
from peerstack._provider import tokens
from peerstack.automation import Deployment, Event, EventKind, LinkState, Operation
from peerstack.emulator import _run
from peerstack.errors import PluginInstallError
from peerstack.plan import build_plan
from peerstack.verify import DifferenceKind
from tests.helpers.fake_cli import FakePulumi, aws_resource_count, events_for, on_path

OLD: dict[str, Any] = {
    "name": "rel",
    "defaults": {"account": "net", "region": "us-east-1"},
    "accounts": {"net": {"id": "111111111111"}},
    "vpcs": {"a": {"cidr": "10.1.0.0/16"}, "b": {"cidr": "10.2.0.0/16"}},
    "peerings": [{"requester": "a", "accepter": "b"}],
}
HANDED_OVER = "vpc-0b0b0b0b0b0b0b0b0"


def handed_over() -> dict[str, Any]:
    """OLD with `b` handed over to another stack: adopted now, by the id the file gives."""
    new = copy.deepcopy(OLD)
    new["vpcs"]["b"] = {
        "existing": {
            "vpc_id": HANDED_OVER,
            "cidrs": ["10.2.0.0/16"],
            "route_tables": {"main": "rtb-0b0b0b0b0b0b0b0b0"},
        }
    }
    return new


def test_day_2_with_a_release_from_python_sends_a_real_run_s_events() -> None:
    events: list[Event] = []
    result = emulator.up(handed_over(), previous=OLD, release=["b"], on_event=events.append)

    first = result.previous
    assert first is not None and first.previous is None
    assert first.engine == result.engine == "mocks" and first.emulated and result.emulated
    assert first.changes.to_dict() == {"create": aws_resource_count(build_plan(OLD))}
    assert first.verification is not None and first.verification.ok
    assert result.verification is not None
    # The emulation gave the created b another id than the file adopts: the VPC released
    # keeps this topology's tags, and verify points at it (a real handover adopts that
    # very VPC, by its id).
    (leftover,) = result.verification.differences
    assert leftover.kind is DifferenceKind.VPC_UNEXPECTED
    assert leftover.actual == first.outputs.vpc_ids["b"]
    # b leaves the stack's state (its VPC's delete is from the state only); the new
    # version adopts the VPC its file names.
    (vpc,) = [s for s in result.of("delete") if s.type == tokens.VPC]
    assert (vpc.name, vpc.vpc, vpc.account_id) == ("rel.b", "b", "111111111111")
    assert result.outputs.vpc_ids["b"] == HANDED_OVER != first.outputs.vpc_ids["b"]
    assert result.outputs.vpc_ids["a"] == first.outputs.vpc_ids["a"]
    assert result.changes["delete"] == 1 and "create" not in result.changes
    # Each operation's events, as a real engine sends them: started, steps, summary, end.
    operations = [e.progress.operation for e in events if e.kind is EventKind.STARTED]
    assert operations == [Operation.UP, Operation.UP]
    ends = [e for e in events if e.kind is EventKind.FINISHED]
    assert [e.progress.links["a--b"].state for e in ends] == [LinkState.DONE, LinkState.DONE]
    assert [events[i + 1].kind for i, e in enumerate(events) if e.kind is EventKind.SUMMARY] == [
        EventKind.FINISHED,
        EventKind.FINISHED,
    ]
    steps = [e.step for e in events if e.kind is EventKind.STEP_DONE and e.step is not None]
    assert {s.link for s in steps if s.type == tokens.CONNECTION} == {"a--b"}


# -- the real engine, at its seams ---------------------------------------------------------


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakePulumi:
    """The only `pulumi` on PATH, and no passphrase: the emulation brings its own."""
    fake = FakePulumi.install(tmp_path / "fake-pulumi")
    monkeypatch.setenv("PATH", on_path(fake))
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    return fake


def test_the_real_engine_deploys_each_version_into_the_served_emulation(
    fake: FakePulumi, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = copy.deepcopy(OLD)
    new["defaults"]["dns_resolution"] = True
    plan = build_plan(new)
    fake.update(up={"events": events_for(plan, stack="rel", project="peerstack-rel")})
    made: list[dict[str, Any]] = []

    class Recorded(Deployment):
        def __init__(self, topology: Any, **options: Any) -> None:
            made.append({"accounts": topology.accounts, **options})
            super().__init__(topology, **options)

    monkeypatch.setattr(_run, "Deployment", Recorded)
    result = emulator.up(new, previous=OLD, engine="pulumi")

    assert result.engine == "pulumi" and result.emulated
    assert result.previous is not None and result.previous.engine == "pulumi"
    # One stack, brought from OLD to the new version, through the served emulation; each
    # account reached by assuming a role there.
    assert [args[args.index("--stack") + 1] for args in fake.ran("up")] == ["rel", "rel"]
    assert {m["stack"] for m in made} == {"rel"} and len(made) == 2
    assert all(m["endpoint"].startswith("http://127.0.0.1:") for m in made)
    assert all(a.role_arn for m in made for a in m["accounts"])
    # The stack's secrets had a passphrase while it lived, and it is gone with it.
    assert all(call["passphrase_set"] for call in fake.calls() if call["args"][1:2] == ["up"])
    assert "PULUMI_CONFIG_PASSPHRASE" not in os.environ
    # Counted by the one rule, from the engine's steps.
    assert result.changes.to_dict() == {"create": aws_resource_count(plan)}
    # The fake engine runs no program, so nothing was created: the verification says so.
    assert result.verification is not None and not result.ok
    assert "link-missing" in {d.kind for d in result.verification.differences}


def test_auto_falls_back_to_the_in_process_engine_and_says_so(fake: FakePulumi) -> None:
    fake.update(plugin_install={"exit": 255, "stderr": "error: dial tcp: lookup github.com\n"})
    events: list[Event] = []
    result = emulator.up(OLD, engine="auto", on_event=events.append)

    assert result.engine == "mocks" and result.ok
    (warning,) = [e.message or "" for e in events if e.kind is EventKind.DIAGNOSTIC]
    assert "aws plugin" in warning and "running the in-process engine instead" in warning
    assert not fake.ran("up")
    # Without a callback, a warning; asked for the real engine, no fallback.
    with pytest.warns(RuntimeWarning, match="running the in-process engine instead"):
        assert emulator.preview(OLD, engine="auto").engine == "mocks"
    with pytest.raises(PluginInstallError):
        emulator.up(OLD, engine="pulumi")
    with pytest.raises(ValueError, match="in-process engine"):
        emulator.up(OLD, engine="pulumi", program=lambda: None)
