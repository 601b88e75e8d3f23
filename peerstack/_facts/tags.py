"""Tags: AWS's limits, and the keys peerstack puts on what it creates.

AWS ("Tag your Amazon EC2 resources", Tag restrictions): at most 50 tags per resource;
keys of 1 to 128 characters, values of at most 256; keys starting with ``aws:`` (in any
case) are AWS's own. peerstack owns ``Name`` and every key starting with ``peerstack:``
on the resources it creates: the plan computes each resource's final tag set from these
keys (:mod:`peerstack.plan`), and verify, iam and the benchmarks recognise peerstack's
resources by the same keys.
"""

from __future__ import annotations

import enum
import hashlib
from typing import Final

__all__ = [
    "AWS_PREFIX",
    "MAX_TAGS",
    "MAX_TAG_KEY",
    "MAX_TAG_VALUE",
    "OWN_PREFIX",
    "TagKey",
    "bounded_value",
    "is_own_key",
]

MAX_TAGS: Final = 50
"""Tags per resource, peerstack's own included."""
MAX_TAG_KEY: Final = 128
MAX_TAG_VALUE: Final = 256
AWS_PREFIX: Final = "aws:"
"""Keys AWS keeps for itself (compared without case)."""
OWN_PREFIX: Final = "peerstack:"
"""Keys peerstack keeps for itself (compared without case): a topology cannot set them."""


class TagKey(enum.StrEnum):
    """Every tag key peerstack sets, and on what."""

    NAME = "Name"
    """What the console shows: ``<topology>-<what>`` (:func:`bounded_value`)."""
    TOPOLOGY = "peerstack:topology"
    """Every resource peerstack creates; IAM policies scope changes and deletes by it."""
    VPC = "peerstack:vpc"
    """A created VPC, its subnets, route tables and security groups; a security group rule."""
    ROUTE_TABLE = "peerstack:route-table"
    """A route table peerstack creates: its name in the topology."""
    SECURITY_GROUP = "peerstack:security-group"
    """A security group peerstack creates (and its egress rules): its name in the topology."""
    LINK = "peerstack:link"
    """A peering connection, its acceptance, and the security group rules over it."""
    SIDE = "peerstack:side"
    """A peering connection (``requester``) or its acceptance (``accepter``)."""
    RULE = "peerstack:rule"
    """A security group rule: its key in the plan (:func:`bounded_value`)."""


def is_own_key(key: str) -> bool:
    """A key peerstack sets itself, which a topology may not set."""
    return key == TagKey.NAME or key.lower().startswith(OWN_PREFIX)


_DIGEST = 12


def bounded_value(value: str) -> str:
    """``value`` as a tag value AWS accepts (at most 256 characters), the same every time.

    A longer value keeps its first characters, readable, and ends with ``~`` and 12 hex
    digits of its SHA-256: two long values that differ anywhere stay different.
    """
    if len(value) <= MAX_TAG_VALUE:
        return value
    digest = hashlib.sha256(value.encode()).hexdigest()[:_DIGEST]
    return f"{value[: MAX_TAG_VALUE - _DIGEST - 1]}~{digest}"
