"""boto3 sessions per account and region: the one seam between verify and an AWS.

Verify asks a :data:`SessionFactory` for a session acting in an account and a region.
:class:`AwsSessions` reaches real AWS the way a deploy does (the account's profile or
ambient credentials, then its role); an emulation hands its own sessions instead
(``verify(plan, sessions=emulation.session)``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from peerstack.errors import CredentialsError
from peerstack.plan.model import AccountPlan

if TYPE_CHECKING:
    import boto3

__all__ = ["AwsSessions", "SessionFactory"]

SessionFactory = Callable[[AccountPlan, str], "boto3.Session"]
"""``(account, region) -> boto3.Session`` acting in that account, in that region."""

_STS_REGION = "us-east-1"
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
    }
)


class AwsSessions:
    """Sessions for real AWS, one set of credentials per account (cached).

    An account with ``profile`` starts from that profile, any other from the ambient
    credentials (environment, shared config, instance role). With ``role_arn`` the role is
    then assumed (with ``external_id`` when given). The credentials' account is checked
    against the plan's id, so verify never reads the wrong account by mistake.
    """

    def __init__(self, *, session_name: str = "peerstack-verify") -> None:
        self._session_name = session_name
        self._lock = threading.Lock()
        self._credentials: dict[str, dict[str, str] | None] = {}
        self._sessions: dict[tuple[str, str], boto3.Session] = {}

    def __call__(self, account: AccountPlan, region: str) -> boto3.Session:
        key = (account.alias, region)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                session = self._session(account, region)
                self._sessions[key] = session
            return session

    def _session(self, account: AccountPlan, region: str) -> boto3.Session:
        import boto3

        if account.alias not in self._credentials:
            self._credentials[account.alias] = self._resolve(account)
        credentials = self._credentials[account.alias]
        if credentials is None:
            return boto3.Session(profile_name=account.profile, region_name=region)
        return boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=region,
        )

    def _resolve(self, account: AccountPlan) -> dict[str, str] | None:
        """Assume the account's role (None: use the base credentials as they are)."""
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        base = boto3.Session(profile_name=account.profile, region_name=_STS_REGION)
        sts: Any = base.client("sts")
        try:
            if account.role_arn is None:
                found = sts.get_caller_identity()["Account"]
                if found != account.id:
                    raise CredentialsError(
                        f"the credentials for account {account.alias!r} are for account "
                        f"{found}, not {account.id}",
                        hint="set AWS_PROFILE (or the account's `profile`) to credentials of "
                        "that account, or give it a `role_arn`",
                    )
                return None
            kwargs: dict[str, str] = {
                "RoleArn": account.role_arn,
                "RoleSessionName": self._session_name,
            }
            if account.external_id is not None:
                kwargs["ExternalId"] = account.external_id
            creds = sts.assume_role(**kwargs)["Credentials"]
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            raise CredentialsError(
                f"cannot act in account {account.alias!r} ({account.id}): {code or exc}",
                hint="check the credentials in the environment and the role's trust policy",
            ) from exc
        except BotoCoreError as exc:
            raise CredentialsError(
                f"no usable AWS credentials for account {account.alias!r}: {exc}",
                hint="set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run "
                "`aws sso login`",
            ) from exc
        return {
            "AccessKeyId": creds["AccessKeyId"],
            "SecretAccessKey": creds["SecretAccessKey"],
            "SessionToken": creds["SessionToken"],
        }


def is_auth_error(code: str) -> bool:
    """An AWS error code that means the credentials cannot do what was asked."""
    return code in _AUTH_CODES
