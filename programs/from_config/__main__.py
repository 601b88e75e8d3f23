"""``pulumi up`` with the repository's Pulumi.yaml: deploy the topology file in stack config.

    pulumi stack init dev
    pulumi config set peerstack:topology examples/mesh-two-regions.yaml
    pulumi up

Every account's provider is configured from the topology (role, profile) and the ambient
AWS credentials; ``aws:*`` stack config is not used. Set ``peerstack:endpoint`` to aim
every provider at an emulator such as LocalStack instead.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from peerstack import PeeringTopology, ProviderSettings, TopologyError, build_plan
from peerstack.automation import endpoint_settings


def topology_path(config: pulumi.Config) -> Path:
    path = Path(config.require("topology")).expanduser()
    if path.is_absolute():
        return path
    # Relative to the project (where Pulumi.yaml is), whatever the current directory.
    return project_root() / path


def project_root() -> Path:
    """The directory of Pulumi.yaml, as the engine gives it; under unit-test mocks (which
    give a placeholder), the one the engine would find: the first directory above this
    program that holds a Pulumi.yaml."""
    given = pulumi.get_root_directory()
    if given and _is_project(Path(given)):
        return Path(given)
    here = Path(__file__).resolve()
    return next((p for p in here.parents if _is_project(p)), here.parents[2])


def _is_project(directory: Path) -> bool:
    return any((directory / name).is_file() for name in ("Pulumi.yaml", "Pulumi.yml"))


def provider_settings(config: pulumi.Config) -> ProviderSettings | None:
    endpoint = config.get("endpoint")
    return endpoint_settings(endpoint) if endpoint else None


def main() -> None:
    config = pulumi.Config("peerstack")
    path = topology_path(config)
    try:
        plan = build_plan(path)
    except TopologyError as exc:
        # Every problem, with its file:line, and no Python traceback.
        raise pulumi.RunError(str(exc)) from None
    PeeringTopology(plan.topology, plan, provider_settings=provider_settings(config)).export()


main()
