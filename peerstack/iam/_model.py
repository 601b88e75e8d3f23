"""What ``peerstack iam`` answers: per account, a policy and a trust policy; plain data."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from peerstack._provider.calls import Op

__all__ = ["AccountIam", "Grant", "IamPlan", "PolicyDocument"]

PolicyDocument: TypeAlias = dict[str, Any]
"""An IAM policy document (``{"Version": "2012-10-17", "Statement": [...]}``)."""


@dataclass(frozen=True, slots=True)
class Grant:
    """Why an action is in a policy: a resource type (or invoke), an operation, the source."""

    action: str
    type: str
    """Pulumi type token of the resource or invoke."""
    operation: Op | None
    """None for invokes, which are reads."""
    source: str

    @property
    def reason(self) -> str:
        what = self.type.rsplit(":", 1)[-1]
        if self.operation is not None:
            return f"{what} {self.operation}"
        return f"{what} (read)" if self.type.startswith("peerstack:") else f"{what} (invoke)"


@dataclass(frozen=True, slots=True)
class AccountIam:
    """The IAM one account needs for what the topology deploys in it."""

    alias: str
    id: str
    regions: tuple[str, ...]
    """Where peerstack acts in this account: every statement is scoped to these."""
    policy: PolicyDocument
    """The permissions policy: for the role (``role_arn``), or for the deploying principal
    itself in an account reached with ambient credentials or a profile."""
    role_arn: str | None = None
    external_id: str | None = None
    trust_policy: PolicyDocument | None = None
    """Who may assume the role (None when the account assumes no role)."""
    grants: tuple[Grant, ...] = ()

    @property
    def actions(self) -> tuple[str, ...]:
        """Every action of the policy, sorted."""
        found = {
            action
            for statement in self.policy["Statement"]
            for action in _as_list(statement["Action"])
        }
        return tuple(sorted(found))

    @property
    def role_name(self) -> str | None:
        """The role's name (its ARN's last part), or None."""
        return self.role_arn.rsplit("/", 1)[-1] if self.role_arn else None

    @property
    def role_path(self) -> str:
        """The role's path (``/`` unless its ARN has one)."""
        if not self.role_arn:
            return "/"
        resource = self.role_arn.split(":", 5)[5]  # role/path/name
        parts = resource.split("/")[1:-1]
        return "/" + "".join(f"{p}/" for p in parts)

    def reasons(self) -> dict[str, list[str]]:
        """Action -> why (``Vpc create: vpc_.go:194-198``), for every granted action."""
        found: dict[str, list[str]] = {}
        for grant in self.grants:
            entry = f"{grant.reason}: {grant.source}"
            reasons = found.setdefault(grant.action, [])
            if entry not in reasons:
                reasons.append(entry)
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.alias,
            "id": self.id,
            "regions": list(self.regions),
            "role_arn": self.role_arn,
            "external_id": self.external_id,
            "policy": self.policy,
            "trust_policy": self.trust_policy,
            "actions": list(self.actions),
            "reasons": self.reasons(),
        }


@dataclass(frozen=True, slots=True)
class IamPlan:
    """The IAM of a whole topology: per account, and for the principal that deploys."""

    topology: str
    accounts: tuple[AccountIam, ...]
    principal: str | None
    """Who deploys (the trust policies' principal); None when no account has a role."""
    deployer_policy: PolicyDocument | None = None
    """What the principal itself needs to assume the roles (None: no role)."""
    verify: bool = False
    """The policies include what ``peerstack verify`` reads."""
    notes: tuple[str, ...] = ()
    _index: dict[str, AccountIam] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update((a.alias, a) for a in self.accounts)

    def account(self, alias: str) -> AccountIam:
        return self._index[alias]

    def by_id(self) -> Mapping[str, AccountIam]:
        return {a.id: a for a in self.accounts}

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (``peerstack iam FILE --format json``)."""
        return {
            "topology": self.topology,
            "principal": self.principal,
            "verify": self.verify,
            "accounts": [a.to_dict() for a in self.accounts],
            "deployer_policy": self.deployer_policy,
            "notes": list(self.notes),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
