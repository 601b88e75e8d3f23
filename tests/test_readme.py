"""The README's examples run, so it never lies."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import EXAMPLES, ROOT

README = (ROOT / "README.md").read_text()


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def _python_blocks() -> dict[str, str]:
    """Each plain ```python block, named by the heading it is under and its first line."""
    blocks: dict[str, str] = {}
    heading, fence = "", ""
    code: list[str] = []
    for line in README.splitlines(keepends=True):
        if not fence:
            if line.startswith("```"):
                fence, code = line.strip(), []
            elif line.startswith("#"):
                heading = line.lstrip("#").strip()
        elif line.startswith("```"):
            if fence == "```python":
                name = f"{heading}: {code[0].strip()}"
                assert name not in blocks, name
                blocks[name] = "".join(code)
            fence = ""
        else:
            code.append(line)
    return blocks


PYTHON_BLOCKS = _python_blocks()


def test_every_python_block_has_its_test() -> None:
    assert PYTHON_BLOCKS
    assert sorted(PYTHON_BLOCKS.values()) == sorted(_blocks("python"))


@pytest.mark.parametrize("code", PYTHON_BLOCKS.values(), ids=PYTHON_BLOCKS.keys())
def test_python_example_runs(code: str) -> None:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_output_shown_is_what_users_get() -> None:
    (shown,) = [b for b in _blocks("text") if b.startswith("$ peerstack validate")]
    command, *expected = shown.strip().splitlines()
    args = command.removeprefix("$ peerstack ").split()
    result = subprocess.run(
        [sys.executable, "-m", "peerstack", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "400"},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == expected


def test_the_complete_test_file_passes_without_warnings(tmp_path: Path) -> None:
    """The ```python pytest block, run by pytest as a user's test file, with the plugin."""
    (code,) = re.findall(r"```python pytest\n(.*?)```", README, flags=re.S)
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "hub-cross-account.yaml").write_text(
        (ROOT / "examples" / "hub-cross-account.yaml").read_text()
    )
    (tmp_path / "test_network.py").write_text(code)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_network.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
    assert "warning" not in result.stdout.lower(), result.stdout


def _tour() -> list[str]:
    (tour,) = [b for b in _blocks("sh") if "peerstack validate" in b]
    commands = [line.split("#")[0].split(">")[0].strip() for line in tour.strip().splitlines()]
    return [c for c in commands if c.startswith("peerstack ")]


TOUR = _tour()


def test_the_tour_has_its_commands() -> None:
    assert len(TOUR) >= 5
    assert {c.split()[1] for c in TOUR} >= {"validate", "plan", "up", "diff"}


@pytest.mark.parametrize("command", TOUR)
def test_tour_command_succeeds(command: str) -> None:
    """Every command of the tour needs no cloud: --emulate runs in the process."""
    args = command.removeprefix("peerstack ").split()
    if "examples/*.yaml" in args:
        args = [a for a in args if a != "examples/*.yaml"] + [
            str(p.relative_to(ROOT)) for p in EXAMPLES
        ]
    result = subprocess.run(
        [sys.executable, "-m", "peerstack", *args], cwd=ROOT, capture_output=True, text=True
    )
    # `diff` exits 1 when the two versions differ, as the tour says (git diff --exit-code).
    expected = 1 if args[0] == "diff" else 0
    assert result.returncode == expected, (command, result.stderr)


def test_pulumi_program_example_deploys_in_the_emulation() -> None:
    """The ```python program block, run as the Pulumi program of an emulated deploy."""
    from peerstack import build_plan, load_topology
    from peerstack.emulator import Emulation

    (code,) = re.findall(r"```python program\n(.*?)```", README, flags=re.S)
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        plan = build_plan(load_topology("examples/mesh-two-regions.yaml"))
        with Emulation(plan) as emulation:
            deployment = emulation.up(program=lambda: exec(code, {}))
            assert deployment.outputs["reachability"] == {
                vpc: list(peers) for vpc, peers in plan.reachability.items()
            }
            assert set(deployment.outputs["peering_connection_ids"]) == {
                link.name for link in plan.links
            }
            assert emulation.verify().ok
    finally:
        os.chdir(cwd)


def test_the_interactive_up_shown_is_what_users_get(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ```text interactive up transcript: each row shown is a row `up` prints (the
    table's borders aside), against the fake `pulumi` of the CLI tests."""
    from typer.testing import CliRunner

    from peerstack import build_plan
    from peerstack._cli import _common
    from peerstack._cli.app import app
    from tests.helpers import fake_cli

    (shown,) = re.findall(r"```text interactive up\n(.*?)```", README, flags=re.S)
    command, *lines = shown.strip().splitlines()
    plan = build_plan(ROOT / "examples" / "hub-cross-account.yaml")
    fake = fake_cli.FakePulumi.install(tmp_path / "fake")
    events = fake_cli.events_for(plan, stack="prod", project="peerstack-corp")
    fake.update(preview={"events": events}, up={"events": events})
    monkeypatch.setenv("PATH", fake_cli.on_path(fake))
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "readme")
    monkeypatch.setattr(_common, "has_terminal", lambda: True)
    monkeypatch.chdir(tmp_path)
    args = command.removeprefix("$ peerstack ").split()
    args[1] = str(ROOT / args[1])
    from peerstack.automation import _deployment
    from peerstack.emulator import Emulation

    with Emulation(plan) as aws:  # what the pre-flight reads: the adopted VPC is there
        monkeypatch.setattr(_deployment, "AwsClients", lambda endpoint=None: aws.ec2)
        result = CliRunner().invoke(app, args, input="y\n", env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    printed = [
        " ".join(line.replace("│", " ").replace("┃", " ").split())
        for line in result.output.splitlines()
    ]
    for line in lines:
        words = " ".join(line.split())
        if words in ("...", "") or words.startswith("updated stack"):
            continue
        if words.startswith("Deploy these changes?"):
            assert any(p.startswith("Deploy these changes? [y/N]:") for p in printed)
            continue
        assert words in printed, words
    assert any(p.startswith("updated stack prod of topology corp in ") for p in printed)


def test_every_example_is_in_the_examples_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in EXAMPLES if f"| `{p.name}` |" not in readme]
    assert missing == []
