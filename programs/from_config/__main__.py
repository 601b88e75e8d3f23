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
    # Relative to the project (where Pulumi.yaml is), whatever the current directory;
    # this program is the project's `main`, two levels below Pulumi.yaml.
    root = pulumi.get_root_directory() or Path(__file__).resolve().parents[2]
    return Path(root) / path


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
