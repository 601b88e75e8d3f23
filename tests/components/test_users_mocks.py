"""PeeringTopology in a user's own program, unit-tested with the plain mocks of Pulumi's
testing guide (every call answered with ``{}``): it finishes at once and registers what
peerstack's own kit registers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

from peerstack import PeeringTopology, build_plan
from peerstack._runtime import run_program
from peerstack.testing import run_mocked
from tests.helpers.paths import EXAMPLES


class GuideMocks(pulumi.runtime.Mocks):
    """As in Pulumi's unit-testing guide: ids made up, inputs echoed, calls answered {}."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}_id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        return {}


class Recorder(GuideMocks):
    def __init__(self) -> None:
        self.registered: list[tuple[str, str]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered.append((args.typ, args.name))
        return super().new_resource(args)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_registers_under_the_guides_mocks(path: Path) -> None:
    plan = build_plan(path)
    mocks = Recorder()

    def program() -> None:
        PeeringTopology(plan.topology, plan)

    run_program(program, mocks, project="mine", stack="test", preview=False)
    kit = {(r.type, r.name) for r in run_mocked(plan).resources}
    assert set(mocks.registered) == kit


def test_a_cross_region_link_with_dns_does_not_wait_for_an_answer_no_mock_gives() -> None:
    # The requester's options of a cross-region link wait until the requester's region
    # sees the connection active; mocks that answer {} know no AWS to wait for.
    plan = build_plan(next(p for p in EXAMPLES if p.stem == "mesh-two-regions"))
    assert any(link.cross_region and link.requester_waits_for_active for link in plan.links)
    mocks = Recorder()

    def program() -> None:
        PeeringTopology("m", plan)

    run_program(program, mocks, project="p", stack="s", preview=False)
    options = [n for t, n in mocks.registered if t.endswith(":PeeringConnectionOptions")]
    assert len(options) == 2 * len(plan.links)
