"""The two Pulumi programs in programs/, run under Pulumi's mocks as `pulumi up` would."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime.config import set_all_config

from peerstack import load_topology
from peerstack._provider import tokens
from peerstack._runtime import run_program
from peerstack._runtime.recording import _AwsMocks, _RecordingMonitor
from peerstack.testing import MockRun, run_mocked
from tests.helpers.paths import ROOT, example

FROM_CONFIG = ROOT / "programs" / "from_config" / "__main__.py"
IN_PYTHON = ROOT / "programs" / "in_python" / "__main__.py"
OUTPUTS = {"vpc_ids", "route_table_ids", "peering_connection_ids", "reachability"}


def run_file(
    path: Path, config: dict[str, str] | None = None
) -> tuple[_RecordingMonitor, dict[str, Any]]:
    """Run a program file the way the Python language host does; return its exports."""
    monitor = _RecordingMonitor(_AwsMocks(preview=False, route_tables={}))

    def program() -> None:
        set_all_config(config or {})
        runpy.run_path(str(path), run_name="__main__")

    exports = run_program(
        program, monitor.mocks, monitor=monitor, preview=False, project="peerstack", stack="dev"
    )
    return monitor, exports


def registered(monitor: _RecordingMonitor) -> set[tuple[str, str]]:
    return {(request.type, request.name) for request, _, _, _ in monitor._records}


def test_pulumi_yaml_runs_the_config_program() -> None:
    text = (ROOT / "Pulumi.yaml").read_text()
    assert "main: programs/from_config/" in text
    assert "topology:" in text


def test_config_program_deploys_the_file_in_stack_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # a relative path is taken from the project directory
    monitor, exports = run_file(
        FROM_CONFIG, {"peerstack:topology": "examples/hub-cross-account.yaml"}
    )
    expected: MockRun = run_mocked(load_topology(example("hub-cross-account")))
    assert registered(monitor) == {(r.type, r.name) for r in expected}
    assert set(exports) == OUTPUTS
    assert exports["reachability"] == expected.outputs["reachability"]
    assert exports["peering_connection_ids"] == expected.outputs["peering_connection_ids"]
    assert exports["vpc_ids"] == expected.outputs["vpc_ids"]


def test_config_program_points_providers_at_an_endpoint() -> None:
    monitor, _ = run_file(
        FROM_CONFIG,
        {
            "peerstack:topology": str(example("specific-routes")),
            "peerstack:endpoint": "http://localhost:4566",
        },
    )
    providers = [
        args
        for request, args, _, _ in monitor._records
        if request.type.startswith("pulumi:providers:")
    ]
    assert len(providers) == 1
    assert "http://localhost:4566" in providers[0].inputs["endpoints"]
    assert providers[0].inputs["skipCredentialsValidation"] == "true"


def test_config_program_reports_topology_problems_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\n"
        "defaults: {account: main, region: us-east-1}\n"
        'accounts: {main: {id: "111111111111"}}\n'
        "vpcs:\n"
        "  a: {cidr: 10.0.0.0/16}\n"
        "  b: {cidr: 10.0.0.0/16}\n"
        "peerings:\n"
        "  - {requester: a, accepter: b}\n"
    )
    with pytest.raises(pulumi.RunError) as info:
        run_file(FROM_CONFIG, {"peerstack:topology": str(bad)})
    assert f"{bad}:" in str(info.value)
    assert "overlap" in str(info.value)


def test_config_program_needs_the_topology_setting() -> None:
    with pytest.raises(pulumi.ConfigMissingError):
        run_file(FROM_CONFIG, {})


def test_python_program_builds_its_topology_in_code() -> None:
    monitor, exports = run_file(IN_PYTHON)
    assert set(exports) == OUTPUTS
    assert exports["reachability"] == {
        "shared": ["app-eu", "app-us"],
        "app-us": ["shared"],
        "app-eu": ["shared"],
    }
    types = [t for t, _ in registered(monitor)]
    assert types.count(tokens.ACCEPTER) == 2


# -- what the Python language host reads from a fresh clone -------------------------------
# With `toolchain: pip` the host resolves `virtualenv` against the project's root (the
# directory of Pulumi.yaml), creates it when it is missing, and installs only the
# requirements.txt of the program's directory, running pip there (pulumi
# sdk/python/toolchain/pip.go: resolveVirtualEnvironmentPath, InstallDependencies).


@pytest.mark.parametrize(
    "project", [ROOT / "Pulumi.yaml", ROOT / "programs" / "in_python" / "Pulumi.yaml"]
)
def test_a_fresh_clone_installs_peerstack_for_each_program(project: Path) -> None:
    import tomllib

    import yaml

    settings = yaml.safe_load(project.read_text())
    root = project.parent
    runtime = settings["runtime"]
    assert runtime["name"] == "python"
    assert runtime["options"]["toolchain"] == "pip"
    # The virtualenv is the repository's own .venv, the README's install location.
    venv = (root / runtime["options"]["virtualenv"]).resolve()
    assert venv == (ROOT / ".venv").resolve()
    program = (root / settings.get("main", ".")).resolve()
    assert (program / "__main__.py").exists()
    requirements = program / "requirements.txt"
    assert requirements.exists(), f"{requirements} is what the language host installs"
    lines = [
        line.strip()
        for line in requirements.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    # pip runs in the program's directory: `-e ../..` is this checkout, peerstack itself.
    assert lines == ["-e ../.."]
    installed = (program / lines[0].removeprefix("-e ").strip()).resolve()
    pyproject = tomllib.loads((installed / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "peerstack"
    assert any(dep.startswith("pulumi-aws") for dep in pyproject["project"]["dependencies"])


GUIDE_MOCKS_RUN = """
import runpy, sys
import pulumi
from pulumi.runtime.config import set_all_config

class Mocks(pulumi.runtime.Mocks):  # as in Pulumi's unit-testing guide
    def new_resource(self, args):
        return [args.name + "_id", args.inputs]
    def call(self, args):
        return {}

pulumi.runtime.set_mocks(Mocks(), project="peerstack", stack="dev", preview=False)
set_all_config({"peerstack:topology": "examples/mesh-two-regions.yaml"})
runpy.run_path(sys.argv[1], run_name="__main__")
print("registered")
"""


def test_config_program_runs_under_pulumis_own_mocks(tmp_path: Path) -> None:
    """pulumi.runtime.set_mocks gives a placeholder root directory; the program finds its
    project the way the engine does, and a relative path in config resolves there."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", GUIDE_MOCKS_RUN, str(FROM_CONFIG)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "registered" in result.stdout
    assert "file not found" not in result.stderr


def test_the_requirements_install_from_the_programs_folder_as_the_readme_says() -> None:
    for program in ("from_config", "in_python"):
        folder = ROOT / "programs" / program
        lines = [
            line.strip()
            for line in (folder / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
        assert lines == ["-e ../.."]
        assert ((folder / "../..").resolve() / "pyproject.toml").is_file()
    assert (
        "cd programs/from_config && pip install -r\nrequirements.txt"
        in (ROOT / "README.md").read_text()
    )
