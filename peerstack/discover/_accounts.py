"""The accounts discover reads: how they are written on the command line, and how the
ambient credentials' account is found when none is written.

``ALIAS=ACCOUNT_ID`` uses the ambient credentials (checked to be that account's);
``ALIAS=ACCOUNT_ID:ROLE_ARN`` assumes the role; ``ALIAS=ACCOUNT_ID:PROFILE`` takes a
named profile of the shared AWS config. ``ALIAS=`` may be left out: the alias is then the
profile's name, or ``account-ACCOUNT_ID``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from peerstack._facts.credentials import NO_CREDENTIALS_HINT, UNREACHABLE_HINT
from peerstack.discover._names import slug
from peerstack.errors import CredentialsError, TopologyError
from peerstack.plan import AccountPlan
from peerstack.topology import Account

__all__ = [
    "AccountsLike",
    "account_alias",
    "account_plans",
    "ambient_account",
    "parse_account",
]

AccountsLike = Mapping[str, Account | str]
"""Accounts by alias: a topology :class:`~peerstack.Account`, or an account id (ambient
credentials)."""

_SPEC = re.compile(r"^(?:(?P<alias>[^=]+)=)?(?P<id>[^:]+)(?::(?P<access>.+))?$")


def account_alias(account_id: str, profile: str | None = None) -> str:
    """The alias of an account written without one: its profile's name, else its id."""
    return (slug(profile) if profile else "") or f"account-{account_id}"


def parse_account(text: str) -> tuple[str, Account]:
    """``ALIAS=ACCOUNT_ID[:ROLE_ARN|:PROFILE]`` as an alias and a topology account.

    :raises ValueError: the text does not have that shape (the message says which part).
    :raises TopologyError: the id, the role or the alias is not valid for a topology.
    """
    match = _SPEC.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not ALIAS=ACCOUNT_ID[:ROLE_ARN or :PROFILE]")
    access = match.group("access")
    role_arn = access if access and access.startswith("arn:") else None
    profile = access if access and role_arn is None else None
    account = Account(id=match.group("id"), role_arn=role_arn, profile=profile)
    alias = match.group("alias") or account_alias(account.id, profile)
    return alias, account


def account_plans(accounts: AccountsLike) -> tuple[AccountPlan, ...]:
    """Each account as the plan describes one: what :data:`~peerstack.verify.ClientFactory`
    takes. Aliases and ids are checked as a topology checks them."""
    from peerstack.topology import topology_from_data

    written = {
        alias: ({"id": value} if isinstance(value, str) else value.model_dump(exclude_none=True))
        for alias, value in accounts.items()
    }
    if not written:
        raise TopologyError.single("accounts", "give at least one account to discover")
    checked = topology_from_data({"name": "discover", "accounts": written, "vpcs": {}})
    return tuple(
        AccountPlan(
            alias=alias,
            id=account.id,
            role_arn=account.role_arn,
            external_id=account.external_id,
            profile=account.profile,
        )
        for alias, account in checked.accounts.items()
    )


def ambient_account(*, endpoint: str | None = None) -> tuple[str, Account]:
    """The account of the ambient credentials (STS ``GetCallerIdentity``), with its alias.

    With ``endpoint`` the call goes there with dummy credentials, as every other call of
    ``--endpoint`` does.

    :raises CredentialsError: no credentials, or STS does not answer.
    """
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

    from peerstack._facts.credentials import ENDPOINT_ACCESS_KEY

    if endpoint is not None:
        session = boto3.Session(
            aws_access_key_id=ENDPOINT_ACCESS_KEY,
            aws_secret_access_key=ENDPOINT_ACCESS_KEY,
            region_name="us-east-1",
        )
    else:
        session = boto3.Session()
    try:
        sts = session.client(
            "sts", endpoint_url=endpoint, region_name=session.region_name or "us-east-1"
        )
        found = sts.get_caller_identity()["Account"]
    except EndpointConnectionError as exc:
        raise CredentialsError(f"cannot reach STS: {exc}", hint=UNREACHABLE_HINT) from exc
    except (ClientError, BotoCoreError) as exc:
        raise CredentialsError(
            f"no usable AWS credentials to find the account to discover: {type(exc).__name__}",
            hint=NO_CREDENTIALS_HINT + ", or name the accounts with --account",
        ) from exc
    profile = session.profile_name if session.profile_name != "default" else None
    return account_alias(found, profile), Account(id=found, profile=profile)
