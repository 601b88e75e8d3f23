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

from peerstack import _tokens as tokens
from peerstack.plan import Plan
from peerstack.plan.model import slug

SCRIPT = Path(__file__).resolve().parent / "fake_pulumi.py"

PEERING = tokens.CONNECTION
ACCEPTER = tokens.ACCEPTER
ROUTE = tokens.ROUTE
VPC = tokens.VPC
COMPONENT = tokens.TOPOLOGY
LINK_PARENT = f"{COMPONENT}$peerstack:index:Link"


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


def urn(stack: str, project: str, type_: str, name: str, *, parent: str = COMPONENT) -> str:
    qualified = f"{parent}${type_}" if parent else type_
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def step(kind: str, op: str, urn_: str, type_: str) -> dict[str, Any]:
    """A resourcePreEvent / resOutputsEvent / resOpFailedEvent as the engine writes it."""
    metadata = {"op": op, "urn": urn_, "type": type_, "provider": ""}
    if kind == "resOpFailedEvent":
        return {kind: {"metadata": metadata, "status": 1, "steps": 0}}
    return {kind: {"metadata": metadata}}


def link_resources(plan: Plan, stack: str, project: str) -> list[tuple[str, str]]:
    """``(urn, type)`` of every resource a link is made of, named as PeeringTopology names
    them: ``{topology}.{link}`` and ``{topology}.{vpc}.{table}.{destination}``."""
    resources: list[tuple[str, str]] = []
    for link in plan.links:
        name = f"{plan.topology}.{link.name}"
        resources.append((urn(stack, project, PEERING, name, parent=LINK_PARENT), PEERING))
        if link.needs_accepter:
            resources.append((urn(stack, project, ACCEPTER, name, parent=LINK_PARENT), ACCEPTER))
    for route in plan.routes:
        name = f"{plan.topology}.{route.vpc}.{slug(route.route_table)}.{slug(route.destination)}"
        resources.append((urn(stack, project, ROUTE, name, parent=LINK_PARENT), ROUTE))
    return resources


def resource_count(plan: Plan) -> int:
    """How many resources :func:`events_for` reports."""
    return len(plan.vpcs) + len(link_resources(plan, "s", "p"))


def events_for(
    plan: Plan, *, stack: str, project: str, op: str = "create", finish: bool = True
) -> list[dict[str, Any]]:
    """The events of an operation that does ``op`` to every resource of ``plan``."""
    resources = [(urn(stack, project, VPC, f"{plan.topology}.{v.name}"), VPC) for v in plan.vpcs]
    resources += link_resources(plan, stack, project)
    events: list[dict[str, Any]] = [{"preludeEvent": {"config": {}}}]
    for urn_, type_ in resources:
        events.append(step("resourcePreEvent", op, urn_, type_))
        if finish:
            events.append(step("resOutputsEvent", op, urn_, type_))
    if finish:
        events.append(
            {
                "summaryEvent": {
                    "maybeCorrupt": False,
                    "durationSeconds": 3,
                    "resourceChanges": {op: len(resources)},
                    "PolicyPacks": {},
                }
            }
        )
    return events
