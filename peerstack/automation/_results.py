"""One small result type per operation; secrets are masked in every ``repr``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from peerstack.automation._events import ResourceStep, normalize_op
from peerstack.plan._outputs import StackOutputs

__all__ = [
    "SECRET",
    "ChangeSummary",
    "DestroyResult",
    "Outputs",
    "PreviewResult",
    "RefreshResult",
    "UpResult",
]

SECRET = "[secret]"
"""What a secret value looks like in a ``repr`` or in JSON written without ``show_secrets``."""

_ORDER = ("create", "import", "update", "replace", "delete", "same")
_SYMBOLS = {
    "create": "+",
    "import": "=>",
    "update": "~",
    "replace": "+-",
    "delete": "-",
    "same": "=",
}


@dataclass(frozen=True, slots=True)
class ChangeSummary(Mapping[str, int]):
    """Resources by operation (``create``, ``update``, ``replace``, ``delete``, ``same`` ...)."""

    counts: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_op_map(cls, op_map: Mapping[Any, int] | None) -> ChangeSummary:
        """From the SDK's ``OpMap`` (keys are ``OpType`` or plain strings)."""
        counts: dict[str, int] = {}
        for op, count in (op_map or {}).items():
            key = normalize_op(op)
            counts[key] = counts.get(key, 0) + int(count)
        return cls(MappingProxyType(counts))

    def __getitem__(self, op: str) -> int:
        return self.counts.get(op, 0)

    def __iter__(self) -> Iterator[str]:
        return iter(self.counts)

    def __len__(self) -> int:
        return len(self.counts)

    @property
    def changed(self) -> int:
        """Resources that are created, updated, replaced or deleted."""
        return sum(n for op, n in self.counts.items() if op not in ("same", "read", "refresh"))

    def __str__(self) -> str:
        if not self.counts:
            return "no resources"
        ops = [op for op in _ORDER if self.counts.get(op)]
        ops += sorted(op for op in self.counts if op not in _ORDER and self.counts[op])
        return ", ".join(f"{_SYMBOLS.get(op, '')}{self.counts[op]} {op}" for op in ops)

    def __repr__(self) -> str:
        return f"ChangeSummary({dict(self.counts)!r})"

    def to_dict(self) -> dict[str, int]:
        return dict(self.counts)


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


@dataclass(frozen=True, slots=True)
class _Result:
    stack: str
    changes: ChangeSummary
    duration: timedelta

    def _base_dict(self, operation: str) -> dict[str, Any]:
        return {
            "operation": operation,
            "stack": self.stack,
            "changes": self.changes.to_dict(),
            "duration_seconds": round(self.duration.total_seconds(), 3),
        }


@dataclass(frozen=True, slots=True)
class PreviewResult(_Result):
    """What ``up`` would change: ``changes`` counts resources by operation, ``steps``
    names each resource and what would happen to it (``same`` ones included)."""

    steps: tuple[ResourceStep, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            **self._base_dict("preview"),
            "steps": [
                {"op": s.op, "type": s.type, "name": s.name, "link": s.link, "vpc": s.vpc}
                for s in self.steps
                if s.custom and s.op not in ("same", "read")
            ],
        }


@dataclass(frozen=True, slots=True)
class UpResult(_Result):
    """What ``up`` changed, and the stack's outputs afterwards."""

    outputs: Outputs = field(default_factory=Outputs)

    def to_dict(self, *, show_secrets: bool = False) -> dict[str, Any]:
        return {**self._base_dict("up"), "outputs": self.outputs.to_dict(show_secrets=show_secrets)}


@dataclass(frozen=True, slots=True)
class RefreshResult(_Result):
    """What ``refresh`` found different in the cloud and took into the stack's state."""

    def to_dict(self) -> dict[str, Any]:
        return self._base_dict("refresh")


@dataclass(frozen=True, slots=True)
class DestroyResult(_Result):
    """What ``destroy`` deleted (adopted VPCs are never among them)."""

    def to_dict(self) -> dict[str, Any]:
        return self._base_dict("destroy")
