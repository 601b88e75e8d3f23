"""What every resource handler works with: the request, the old state, the moto backend.

A handler turns one step of the engine (create, update, delete, read) into the boto3
calls the AWS provider makes for it, in the resource's account and region. An input the
handler does not know fails loudly: nothing is ever faked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from peerstack._facts.regions import partition
from peerstack._provider.tokens import short_type
from peerstack.errors import EmulatorError

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

    from peerstack.emulator._state import ResourceState

__all__ = [
    "COMMON_INPUTS",
    "Outputs",
    "Request",
    "ResourceHandler",
    "already_gone",
    "camel",
    "field_of",
    "str_map",
]

Outputs = tuple[str, dict[str, Any]]
"""``(id, outputs)`` of a created, updated or read resource."""

COMMON_INPUTS = frozenset({"region", "tags", "tagsAll"})
"""Inputs every AWS resource may carry that need no call of their own."""


@dataclass(frozen=True, slots=True)
class Request:
    """One resource step: where, with what inputs, through which client."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    account_id: str
    region: str
    ec2: EC2Client
    tags: Mapping[str, str] = field(default_factory=dict)
    """The resource's tags merged over its provider's default tags (``tagsAll``)."""
    backend: Callable[[], Any] = lambda: None
    """moto's EC2 backend of this account and region (for the rules moto skips)."""
    quotas: Mapping[str, int] = field(default_factory=dict)

    @property
    def what(self) -> str:
        return f"{short_type(self.type)} {self.name!r}"

    def get(self, key: str, default: Any = None) -> Any:
        value = self.inputs.get(key)
        return default if value is None else value

    def require(self, key: str) -> Any:
        value = self.inputs.get(key)
        if value is None or value == "":
            raise EmulatorError(f"{self.what} has no {key!r}")
        return value

    def only(self, handled: set[str] | frozenset[str]) -> None:
        """Fail loudly on an input that would change AWS but that the emulator ignores."""
        for key, value in self.inputs.items():
            if key in handled or key in COMMON_INPUTS or key == "id":
                continue
            if value in (None, False, "", [], {}):
                continue
            raise EmulatorError(f"{self.what}: the input {key!r} ({value!r}) is not emulated")

    def tag_specifications(self, resource_type: str) -> list[dict[str, Any]]:
        if not self.tags:
            return []
        tags = [{"Key": k, "Value": v} for k, v in self.tags.items()]
        return [{"ResourceType": resource_type, "Tags": tags}]

    def arn(self, kind: str, resource_id: str) -> str:
        return (
            f"arn:{partition(self.region)}:ec2:{self.region}:{self.account_id}:{kind}/{resource_id}"
        )

    def update_tags(self, resource_id: str, old: ResourceState) -> None:
        """What the provider's tags interceptor does on update: DeleteTags, CreateTags."""
        before = _str_map(old.outputs.get("tagsAll")) or _str_map(old.inputs.get("tags"))
        after = dict(self.tags)
        gone = [k for k in before if k not in after]
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        if gone:
            self.ec2.delete_tags(Resources=[resource_id], Tags=[{"Key": k} for k in gone])
        if changed:
            self.ec2.create_tags(
                Resources=[resource_id], Tags=[{"Key": k, "Value": v} for k, v in changed.items()]
            )


Create = Callable[[Request], Outputs]
Update = Callable[[Request, "ResourceState", frozenset[str]], Outputs]
Delete = Callable[[Request, "ResourceState"], None]
Read = Callable[[Request], Outputs]


@dataclass(frozen=True, slots=True)
class ResourceHandler:
    """The emulation of one Pulumi resource type."""

    create: Create
    delete: Delete
    update: Update | None = None
    """None: the provider has no update for this type (every change replaces it)."""
    updatable: frozenset[str] = frozenset()
    """Inputs :attr:`update` applies; a change to any other input is not emulated."""
    read: Read | None = None


@contextlib.contextmanager
def already_gone(*codes: str) -> Iterator[None]:
    """A delete that finds the object gone (one of these AWS error codes) has succeeded,
    as the provider's deletes treat NotFound."""
    from botocore.exceptions import ClientError

    try:
        yield
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code", "") not in codes:
            raise


def camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def field_of(block: Any, name: str) -> Any:
    """A field of a nested input block, by its Pulumi name (``roleArn``) or ``role_arn``.

    Blocks written as plain dicts (not ``...Args`` classes) keep their snake_case keys.
    """
    if not isinstance(block, Mapping):
        return None
    for key, value in block.items():
        if camel(key) == name:
            return value
    return None


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None}


str_map = _str_map
