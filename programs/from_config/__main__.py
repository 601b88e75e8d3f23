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

from peerstack import PeeringTopology, ProviderSettings, TopologyError, load_topology

OUTPUTS = ("vpc_ids", "route_table_ids", "peering_connection_ids", "reachability")


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
    if not endpoint:
        return None
    # Emulators accept any credentials and have no metadata API or account lookup.
    return ProviderSettings(
        endpoint=endpoint,
        skip_credentials_validation=True,
        skip_requesting_account_id=True,
        skip_metadata_api_check=True,
        skip_region_validation=True,
        access_key="test",
        secret_key="test",
    )


def main() -> None:
    config = pulumi.Config("peerstack")
    path = topology_path(config)
    try:
        topology = load_topology(path)
        component = PeeringTopology(
            topology.name, topology, provider_settings=provider_settings(config)
        )
    except (TopologyError, OSError) as exc:
        # Every problem, with its file:line, and no Python traceback.
        raise pulumi.RunError(str(exc)) from None
    for name in OUTPUTS:
        pulumi.export(name, getattr(component, name))


main()
