"""The inline Pulumi program: one PeeringTopology component, four stack outputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peerstack._components import ProviderSettings
    from peerstack.plan import Plan

__all__ = ["OUTPUT_NAMES", "endpoint_settings", "make_program"]

OUTPUT_NAMES = ("vpc_ids", "route_table_ids", "peering_connection_ids", "reachability")
"""The stack outputs every peerstack deployment exports."""

ENDPOINT_ACCESS_KEY = "test"
"""Credentials sent to a local endpoint (LocalStack and moto accept any)."""


def endpoint_settings(url: str, *, default_region: str | None = None) -> ProviderSettings:
    """Provider settings that point every AWS provider at ``url`` (LocalStack, a moto server).

    Credential validation, the account id lookup, the metadata API and region validation are
    skipped, and fixed dummy credentials are used, so no real AWS credential is ever sent to
    (or stored for) the local endpoint.
    """
    from peerstack._components import ProviderSettings

    return ProviderSettings(
        endpoint=url,
        skip_credentials_validation=True,
        skip_requesting_account_id=True,
        skip_metadata_api_check=True,
        skip_region_validation=True,
        access_key=ENDPOINT_ACCESS_KEY,
        secret_key=ENDPOINT_ACCESS_KEY,
        default_region=default_region,
    )


def make_program(plan: Plan, provider_settings: ProviderSettings | None) -> Callable[[], None]:
    """The inline program for ``plan``: the whole topology as one component."""

    def peerstack_program() -> None:
        import pulumi

        from peerstack._components import PeeringTopology

        if provider_settings is None:
            topology = PeeringTopology(plan.topology, plan)
        else:
            topology = PeeringTopology(plan.topology, plan, provider_settings=provider_settings)
        for name in OUTPUT_NAMES:
            pulumi.export(name, getattr(topology, name))

    return peerstack_program
