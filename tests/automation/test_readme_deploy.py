"""The README's deploy examples (```python deploy blocks) run, against the fake `pulumi`.

They need a Pulumi CLI, so the plain ```python check (tests/test_readme.py) leaves them
out; here they run as written, with the fake CLI of fake_pulumi.py on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from peerstack.plan import Plan, build_plan
from peerstack.topology import load_topology
from tests.helpers.fake_cli import FakePulumi, events_for, on_path
from tests.helpers.paths import EXAMPLES, EXAMPLES_DIR, ROOT


def deploy_blocks(readme: str) -> list[str]:
    return re.findall(r"```python deploy\n(.*?)```", readme, flags=re.S)


def run_block(code: str, tmp_path: Path, fake: FakePulumi) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a copy of the examples, with every operation scripted for the fake."""
    shutil.copytree(EXAMPLES_DIR, tmp_path / "examples")
    scenario: dict[str, object] = {}
    for path in EXAMPLES:
        plan: Plan = build_plan(load_topology(path))
        if plan.topology == "mesh":
            project = f"peerstack-{plan.topology}"
            for operation, op in (("preview", "create"), ("up", "create"), ("destroy", "delete")):
                scenario[operation] = {
                    "events": events_for(plan, stack="dev", project=project, op=op)
                }
            scenario["outputs"] = {
                "peering_connection_ids": {
                    link.name: f"pcx-{i:017x}" for i, link in enumerate(plan.links)
                }
            }
    fake.update(**scenario)
    env = {**os.environ, "PATH": on_path(fake), "PULUMI_CONFIG_PASSPHRASE": "readme"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )


def test_deploy_examples_run(tmp_path: Path, fake: FakePulumi) -> None:
    blocks = deploy_blocks((ROOT / "README.md").read_text())
    if not blocks:
        pytest.skip("the README has no ```python deploy example yet")
    for number, code in enumerate(blocks):
        result = run_block(code, tmp_path / str(number), fake)
        assert result.returncode == 0, result.stderr
        assert fake.ran("up") and fake.ran("destroy")
