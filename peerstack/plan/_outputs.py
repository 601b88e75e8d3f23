"""The stack outputs of every peerstack deployment, as one typed object.

:class:`~peerstack.PeeringTopology` produces them, the programs export them, the
Automation API reads them back and verify takes its ids from them: each of those uses
:class:`StackOutputs` and :data:`OUTPUT_NAMES`, so the contract lives here alone.
Pure data: no Pulumi import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias

__all__ = ["OUTPUT_NAMES", "OutputsLike", "StackOutputs"]

OUTPUT_NAMES = ("vpc_ids", "route_table_ids", "peering_connection_ids", "reachability")
"""The stack outputs every peerstack deployment exports, in this order."""


class _HasValues(Protocol):
    """Anything that holds stack outputs by name (automation's ``Outputs``)."""

    @property
    def values(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class StackOutputs:
    """Ids of a deployment and its planned reachability, read from stack outputs.

    Entries that are absent (not deployed yet, or unknown in a preview) are simply
    missing; verify then finds those resources by their tags.
    """

    vpc_ids: Mapping[str, str] = field(default_factory=dict)
    """VPC name -> VPC id (created and adopted VPCs)."""
    route_table_ids: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """VPC name -> route table name (``main`` ...) -> id; discovered tables by their id."""
    peering_connection_ids: Mapping[str, str] = field(default_factory=dict)
    """Link name -> peering connection id (``pcx-...``)."""
    reachability: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """VPC name -> the VPCs it reaches, as planned."""

    @classmethod
    def parse(cls, outputs: object) -> StackOutputs:
        """From stack outputs: a mapping of output names to values, an object with such
        a ``values`` mapping (automation's ``Outputs``), a StackOutputs, or None."""
        if isinstance(outputs, StackOutputs):
            return outputs
        values = outputs if isinstance(outputs, Mapping) else getattr(outputs, "values", None)
        if not isinstance(values, Mapping):
            return cls()

        def mapping(name: str) -> Mapping[str, Any]:
            value = values.get(name)
            return value if isinstance(value, Mapping) else {}

        return cls(
            vpc_ids=_strings(mapping("vpc_ids")),
            route_table_ids={
                vpc: _strings(tables)
                for vpc, tables in mapping("route_table_ids").items()
                if isinstance(tables, Mapping)
            },
            peering_connection_ids=_strings(mapping("peering_connection_ids")),
            reachability={
                vpc: tuple(str(p) for p in peers)
                for vpc, peers in mapping("reachability").items()
                if isinstance(peers, list | tuple)
            },
        )

    def to_dict(self) -> dict[str, Any]:
        """The outputs as exported (plain dicts and lists, JSON-ready)."""
        return {
            "vpc_ids": dict(self.vpc_ids),
            "route_table_ids": {vpc: dict(t) for vpc, t in self.route_table_ids.items()},
            "peering_connection_ids": dict(self.peering_connection_ids),
            "reachability": {vpc: list(p) for vpc, p in self.reachability.items()},
        }


def _strings(values: Mapping[str, Any]) -> dict[str, str]:
    """Only the entries with a value: unknown (None or empty) ids are left out."""
    return {str(k): str(v) for k, v in values.items() if isinstance(v, str) and v}


OutputsLike: TypeAlias = "StackOutputs | Mapping[str, Any] | _HasValues | None"
"""What :meth:`StackOutputs.parse` reads: outputs by name, or an object holding them."""
