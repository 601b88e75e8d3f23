"""EC2 clients per account and region: the one seam between verify and an AWS.

Verify asks a :data:`ClientFactory` for an EC2 client acting in an account and a region.
:class:`AwsClients` (the default) reaches real AWS the way a deploy does: the account's
profile or the ambient credentials, then its role; or, given an ``endpoint``, a local
emulator (LocalStack, a moto server) with dummy credentials. An in-process emulation
hands its own clients::

    verify(plan, clients=lambda account, region: emulation.client(
        "ec2", account=account, region=region))
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from peerstack._facts.credentials import (
    ASSUME_ROLE_HINT,
    ENDPOINT_ACCESS_KEY,
    NO_CREDENTIALS_HINT,
    UNREACHABLE_HINT,
    WRONG_ACCOUNT_HINT,
)
from peerstack._text import scrub
from peerstack.errors import CredentialsError
from peerstack.plan.model import AccountPlan

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_sts import STSClient

__all__ = ["AwsClients", "ClientFactory", "Credentials", "assume_role", "is_auth_error"]

ClientFactory: TypeAlias = Callable[[AccountPlan, str], "EC2Client"]
"""``(account, region) -> EC2 client`` acting in that account, in that region."""

_AUTH_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "AuthFailure",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "OptInRequired",
    }
)


@dataclass(frozen=True, slots=True, repr=False)
class Credentials:
    """Temporary credentials from STS (never shown in ``repr``)."""

    access_key_id: str
    secret_access_key: str
    session_token: str

    def __repr__(self) -> str:
        return "Credentials(***)"


def assume_role(sts: STSClient, account: AccountPlan, session_name: str) -> Credentials:
    """Assume ``account``'s role (with its external id, if any) through ``sts``.

    Raises ``ValueError`` when the account has no role, and lets botocore's errors through
    for the caller to word: verify and the emulation explain them differently.
    """
    if account.role_arn is None:
        raise ValueError(f"account {account.alias!r} has no role to assume")
    if account.external_id is not None:
        response = sts.assume_role(
            RoleArn=account.role_arn,
            RoleSessionName=session_name,
            ExternalId=account.external_id,
        )
    else:
        response = sts.assume_role(RoleArn=account.role_arn, RoleSessionName=session_name)
    creds = response["Credentials"]
    return Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


class AwsClients:
    """EC2 clients for real AWS, or for a local endpoint, one set of credentials per account.

    Real AWS: an account with ``profile`` starts from that profile, any other from the
    ambient credentials (environment, shared config, instance role); with ``role_arn`` the
    role is then assumed (with ``external_id`` when given). Without a role, the
    credentials' account is checked against the plan's id, so verify never reads the
    wrong account by mistake.

    With ``endpoint`` every call (STS and EC2) goes to that URL with dummy credentials, as
    ``peerstack up --endpoint`` does: roles are assumed there, and no account is checked
    (an emulator answers for whatever account it likes).
    """

    def __init__(self, *, endpoint: str | None = None, session_name: str = "peerstack-verify"):
        self._endpoint = endpoint
        self._session_name = session_name
        self._lock = threading.Lock()
        self._credentials: dict[str, Credentials | None] = {}
        self._clients: dict[tuple[str, str], EC2Client] = {}

    @property
    def endpoint(self) -> str | None:
        return self._endpoint

    def __call__(self, account: AccountPlan, region: str) -> EC2Client:
        key = (account.alias, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                if account.alias not in self._credentials:
                    self._credentials[account.alias] = self._resolve(account)
                session = self._session(account, region, self._credentials[account.alias])
                client = session.client("ec2", endpoint_url=self._endpoint)
                self._clients[key] = client
            return client

    def _session(
        self, account: AccountPlan, region: str, credentials: Credentials | None
    ) -> boto3.Session:
        import boto3

        if credentials is not None:
            return boto3.Session(
                aws_access_key_id=credentials.access_key_id,
                aws_secret_access_key=credentials.secret_access_key,
                aws_session_token=credentials.session_token,
                region_name=region,
            )
        if self._endpoint is not None:
            return boto3.Session(
                aws_access_key_id=ENDPOINT_ACCESS_KEY,
                aws_secret_access_key=ENDPOINT_ACCESS_KEY,
                region_name=region,
            )
        return boto3.Session(profile_name=account.profile, region_name=region)

    def _resolve(self, account: AccountPlan) -> Credentials | None:
        """Assume the account's role (None: use the base credentials as they are)."""
        from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
        from botocore.exceptions import ConnectionError as Unreachable

        if account.role_arn is None and self._endpoint is not None:
            return None
        base = self._session(account, account.signing_region, None)
        sts: STSClient = base.client("sts", endpoint_url=self._endpoint)
        try:
            if account.role_arn is None:
                found = sts.get_caller_identity()["Account"]
                if found != account.id:
                    raise CredentialsError(
                        f"the credentials for account {account.alias!r} are for account "
                        f"{found}, not {account.id}",
                        hint=WRONG_ACCOUNT_HINT,
                    )
                return None
            return assume_role(sts, account, self._session_name)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            raise CredentialsError(
                scrub(f"cannot act in account {account.alias!r} ({account.id}): {code or exc}"),
                hint=ASSUME_ROLE_HINT if account.role_arn else NO_CREDENTIALS_HINT,
            ) from exc
        except (Unreachable, HTTPClientError) as exc:
            raise CredentialsError(
                scrub(f"cannot reach STS for account {account.alias!r}: {exc}"),
                hint=UNREACHABLE_HINT,
            ) from exc
        except BotoCoreError as exc:
            raise CredentialsError(
                scrub(f"no usable AWS credentials for account {account.alias!r}: {exc}"),
                hint=NO_CREDENTIALS_HINT,
            ) from exc


def is_auth_error(code: str) -> bool:
    """An AWS error code that means the credentials cannot do what was asked."""
    return code in _AUTH_CODES
