"""How the account providers reach AWS beyond what the topology says (pure data).

Explicit providers ignore ``aws:*`` stack configuration, so anything a provider needs
that the topology does not say (an emulator's endpoint, static credentials) comes from
:class:`ProviderSettings`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from peerstack._facts.credentials import ENDPOINT_ACCESS_KEY

if TYPE_CHECKING:
    from peerstack.plan import Plan

__all__ = [
    "ENDPOINT_SERVICES",
    "ProviderSettings",
    "endpoint_settings",
    "provider_region",
    "session_name",
]

ENDPOINT_SERVICES = ("ec2", "iam", "sts")
"""Services pointed at :attr:`ProviderSettings.endpoint` (all the providers call)."""

_MASK = "'***'"


@dataclass(frozen=True, slots=True, repr=False)
class ProviderSettings:
    """How the account providers reach AWS, beyond what the topology says.

    Use it to point every provider at an emulator (LocalStack, ``moto_server``) or to pass
    static credentials. ``access_key`` and ``secret_key`` are handed to Pulumi as secrets
    and never shown in ``repr``.
    """

    endpoint: str | None = None
    """One URL for every service the providers call (ec2, iam, sts), e.g. an emulator's."""
    skip_credentials_validation: bool = False
    skip_requesting_account_id: bool = False
    skip_metadata_api_check: bool = False
    skip_region_validation: bool = False
    access_key: str | None = None
    secret_key: str | None = None
    default_region: str | None = None
    """Region of the providers themselves (STS, assume-role); resources set their own.
    Default: per account, the plan's ``AccountPlan.region``."""

    def __repr__(self) -> str:
        parts = []
        for field in fields(self):
            name = field.name
            value = getattr(self, name)
            if value is None or value is False:
                continue
            shown = _MASK if name in ("access_key", "secret_key") else repr(value)
            parts.append(f"{name}={shown}")
        return f"ProviderSettings({', '.join(parts)})"


def session_name(topology: str) -> str:
    """The STS session name a provider uses when it assumes an account's role."""
    return f"peerstack-{topology}"[:64]


def endpoint_settings(url: str, *, default_region: str | None = None) -> ProviderSettings:
    """Provider settings that point every AWS provider at ``url`` (LocalStack, a moto server).

    Credential validation, the account id lookup, the metadata API and region validation are
    skipped, and fixed dummy credentials are used, so no real AWS credential is ever sent to
    (or stored for) the local endpoint.
    """
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


def provider_region(plan: Plan, alias: str, settings: ProviderSettings) -> str | None:
    """The provider's own region (STS calls); every resource names its region anyway.

    The plan decides it (``defaults.region``, else the smallest of the account's VPC
    regions), so reordering VPCs never changes it. If it does change, pulumi-aws v7
    updates the provider in place; resources, which carry their own region, are neither
    updated nor replaced.
    """
    if settings.default_region is not None:
        return settings.default_region
    return plan.account(alias).region
