"""One ``aws.Provider`` per account, configured only from the plan and ``ProviderSettings``.

Explicit providers ignore ``aws:*`` stack configuration, so everything a provider needs
comes from the topology (account id, role, profile) or from :class:`ProviderSettings`.
Every resource passes ``region=`` itself (pulumi-aws v7), so one provider serves every
region of its account.
"""

from __future__ import annotations

from typing import Any

import pulumi

from peerstack._components._aws import aws
from peerstack._components.settings import (
    ENDPOINT_SERVICES,
    ProviderSettings,
    provider_region,
    session_name,
)
from peerstack.plan import AccountPlan, Plan

__all__ = ["make_providers"]


def provider_args(
    plan: Plan,
    account: AccountPlan,
    settings: ProviderSettings,
    secrets: dict[str, pulumi.Output[str]],
) -> dict[str, Any]:
    """The provider's inputs: only what differs from the provider's defaults."""
    args: dict[str, Any] = {"region": provider_region(plan, account.alias, settings)}
    if not settings.skip_requesting_account_id:
        # Pin the provider to its account: credentials of another account (a wrong
        # profile, ambient credentials) fail at configure time, before anything is
        # created, with "AWS account ID not allowed: <id>" (aws-sdk-go-base,
        # VerifyAccountIDAllowed). Without the account id lookup there is nothing to
        # check against, so endpoint mode leaves it out.
        args["allowed_account_ids"] = [account.id]
    if account.profile is not None:
        args["profile"] = account.profile
    # Args classes, not dicts: the provider's nested config is sent as JSON, and only args
    # classes are translated to the provider's names (roleArn); a dict's keys go as is.
    if account.role_arn is not None:
        args["assume_roles"] = [
            aws.ProviderAssumeRoleArgs(
                role_arn=account.role_arn,
                external_id=account.external_id,
                session_name=session_name(plan.topology),
            )
        ]
    if settings.endpoint is not None:
        args["endpoints"] = [
            aws.ProviderEndpointArgs(
                **{service: settings.endpoint for service in ENDPOINT_SERVICES}
            )
        ]
    for flag in (
        "skip_credentials_validation",
        "skip_requesting_account_id",
        "skip_metadata_api_check",
        "skip_region_validation",
    ):
        if getattr(settings, flag):
            args[flag] = True
    args.update(secrets)
    return args


def make_providers(
    prefix: str, plan: Plan, settings: ProviderSettings, parent: pulumi.Resource
) -> dict[str, aws.Provider]:
    """One provider per account that owns a VPC of the plan, keyed by account alias."""
    secrets: dict[str, pulumi.Output[str]] = {}
    if settings.access_key is not None:
        secrets["access_key"] = pulumi.Output.secret(settings.access_key)
    if settings.secret_key is not None:
        secrets["secret_key"] = pulumi.Output.secret(settings.secret_key)
    used = {v.account for v in plan.vpcs}
    opts = pulumi.ResourceOptions(parent=parent)
    return {
        account.alias: aws.Provider(
            f"{prefix}.{account.alias}",
            opts=opts,
            **provider_args(plan, account, settings, secrets),
        )
        for account in plan.accounts
        if account.alias in used
    }
