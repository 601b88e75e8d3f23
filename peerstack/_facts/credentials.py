"""What to tell someone whose AWS credentials fail, said the same way by every command.

A deploy (the provider, through Pulumi) and a verify (boto3) meet the same failures:
no credentials at all, credentials of another account than the topology names, a role
that cannot be assumed, an STS or EC2 endpoint out of reach. Each has one hint here.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ASSUME_ROLE_HINT",
    "ENDPOINT_ACCESS_KEY",
    "NO_CREDENTIALS_HINT",
    "UNREACHABLE_HINT",
    "WRONG_ACCOUNT_HINT",
]

NO_CREDENTIALS_HINT: Final = (
    "set AWS credentials in the environment (AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY; `aws sso login` for SSO)"
)
"""No credentials were found, or AWS rejected them."""

WRONG_ACCOUNT_HINT: Final = (
    "point AWS_PROFILE (or the account's `profile`) at credentials of that account, or "
    "give the account a `role_arn`"
)
"""The credentials are valid, but for another account than the topology names."""

ASSUME_ROLE_HINT: Final = (
    "check that the role exists, that its trust policy allows the caller's account (and "
    "the topology's external_id, if any), and that your credentials may call "
    "sts:AssumeRole on it"
)
"""Assuming an account's role failed."""

UNREACHABLE_HINT: Final = "check the network (and, with --endpoint, that the endpoint is up)"
"""An AWS endpoint did not answer."""

ENDPOINT_ACCESS_KEY: Final = "test"
"""The dummy credentials sent to a local endpoint (LocalStack and moto accept any), so
that no real credential ever reaches it."""
