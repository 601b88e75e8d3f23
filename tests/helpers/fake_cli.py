"""Install the fake `pulumi` (fake_pulumi.py) and build the engine events it replays."""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi.automation import PulumiCommand

from peerstack._results import is_aws
from peerstack.plan import Plan
from peerstack.testing import run_mocked
from tests.helpers.engine_events import engine_events

SCRIPT = Path(__file__).resolve().parent / "fake_pulumi.py"


@dataclass
class FakePulumi:
    """A fake `pulumi` at ``root/bin/pulumi`` with a scenario and a record of its calls."""

    root: Path

    @classmethod
    def install(cls, root: Path, *, version: str = "v3.200.0") -> FakePulumi:
        (root / "bin").mkdir(parents=True)
        binary = root / "bin" / "pulumi"
        binary.write_text(f"#!{sys.executable}\n" + SCRIPT.read_text())
        binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        fake = cls(root)
        fake.scenario = {"version": version}
        return fake

    @property
    def bin_dir(self) -> str:
        return str(self.root / "bin")

    @property
    def scenario(self) -> dict[str, Any]:
        path = self.root / "scenario.json"
        return json.loads(path.read_text()) if path.exists() else {}

    @scenario.setter
    def scenario(self, value: dict[str, Any]) -> None:
        (self.root / "scenario.json").write_text(json.dumps(value))

    def update(self, **entries: Any) -> None:
        self.scenario = {**self.scenario, **entries}

    def add_stack(self, name: str) -> None:
        path = self.root / "stacks.json"
        stacks = json.loads(path.read_text()) if path.exists() else []
        path.write_text(json.dumps([*stacks, name]))

    def command(self) -> PulumiCommand:
        """The SDK's own PulumiCommand, pointed at this fake (it runs `pulumi version`)."""
        return PulumiCommand(root=str(self.root))

    def calls(self) -> list[dict[str, Any]]:
        path = self.root / "calls.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    def commands(self) -> list[list[str]]:
        """Every call's arguments, without the leading --non-interactive."""
        return [[a for a in c["args"] if a != "--non-interactive"] for c in self.calls()]

    def ran(self, *words: str) -> list[list[str]]:
        """The calls whose arguments start with ``words``."""
        return [args for args in self.commands() if args[: len(words)] == list(words)]


def on_path(fake: FakePulumi) -> str:
    """A PATH with the fake first and no other `pulumi`."""
    return os.pathsep.join([fake.bin_dir, os.path.dirname(sys.executable), "/usr/bin", "/bin"])


def resource_count(plan: Plan) -> int:
    """How many resources :func:`events_for` reports: the stack and every registration."""
    return len(run_mocked(plan).resources) + 1


def aws_resource_count(plan: Plan) -> int:
    """How many of them a result's ``changes`` counts: the AWS resources (no stack,
    provider or component)."""
    return sum(is_aws(resource.type) for resource in run_mocked(plan).resources)


def events_for(
    plan: Plan, *, stack: str, project: str, op: str = "create", finish: bool = True
) -> list[dict[str, Any]]:
    """The engine events of an operation that does ``op`` to every resource of ``plan``
    (without the final ``cancelEvent``, which the fake CLI adds as the real one does)."""
    return engine_events(plan, stack=stack, project=project, op=op, finish=finish)[:-1]


def state_for(plan: Plan, *, stack: str, project: str) -> dict[str, Any]:
    """The checkpoint (``pulumi stack export``) of a stack holding every resource of ``plan``."""
    resources = []
    for resource in run_mocked(plan).resources:
        rest = resource.urn.split("::", 2)[2]
        parent = resource.parent.split("::", 2)[2] if resource.parent else ""
        resources.append(
            {
                "urn": f"urn:pulumi:{stack}::{project}::{rest}",
                "type": resource.type,
                "id": resource.id or "",
                "custom": resource.custom,
                "parent": f"urn:pulumi:{stack}::{project}::{parent}" if parent else "",
            }
        )
    return {"version": 3, "deployment": {"resources": resources}}
