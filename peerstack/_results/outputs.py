"""A stack's outputs, whichever engine produced them; secrets are masked in every ``repr``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from peerstack.plan._outputs import StackOutputs

__all__ = ["SECRET", "Outputs"]

SECRET = "[secret]"
"""What a secret value looks like in a ``repr`` or in JSON written without ``show_secrets``."""


@dataclass(frozen=True, slots=True, repr=False)
class Outputs:
    """A stack's outputs: the ids peerstack exports, and any other output by name.

    Secret outputs are shown as ``[secret]`` by ``repr`` and by :meth:`to_dict` unless
    ``show_secrets=True``.
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    secret_names: frozenset[str] = frozenset()

    @classmethod
    def from_output_map(cls, output_map: Mapping[str, Any]) -> Outputs:
        """From the SDK's ``OutputMap`` (name -> ``OutputValue(value, secret)``)."""
        values: dict[str, Any] = {}
        secret: set[str] = set()
        for name, output in output_map.items():
            values[name] = getattr(output, "value", output)
            if getattr(output, "secret", False):
                secret.add(name)
        return cls(MappingProxyType(values), frozenset(secret))

    @property
    def stack(self) -> StackOutputs:
        """peerstack's own outputs, typed: ids by VPC, table and link; reachability."""
        return StackOutputs.parse(self.values)

    @property
    def vpc_ids(self) -> Mapping[str, str]:
        """VPC id by VPC name (created and adopted VPCs)."""
        return self.stack.vpc_ids

    @property
    def route_table_ids(self) -> Mapping[str, Mapping[str, str]]:
        """Route table id by VPC name, then route table name (``main``, ...)."""
        return self.stack.route_table_ids

    @property
    def peering_connection_ids(self) -> Mapping[str, str]:
        """VPC peering connection id (``pcx-...``) by link name."""
        return self.stack.peering_connection_ids

    @property
    def reachability(self) -> Mapping[str, tuple[str, ...]]:
        """For each VPC, the VPCs it can reach (as planned, exported by the program)."""
        return self.stack.reachability

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def __bool__(self) -> bool:
        return bool(self.values)

    def to_dict(self, *, show_secrets: bool = False) -> dict[str, Any]:
        return {
            name: value if show_secrets or name not in self.secret_names else SECRET
            for name, value in self.values.items()
        }

    def __repr__(self) -> str:
        body = ", ".join(f"{name}={value!r}" for name, value in self.to_dict().items())
        return f"Outputs({body})"
