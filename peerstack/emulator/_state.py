"""The emulated stack's state: what the engine knows of each resource between runs.

Like a Pulumi checkpoint: one entry per URN with its id, inputs, outputs, parent,
provider and dependencies, and the options that decide what a delete does
(``retain_on_delete``, ``protect``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["ResourceState", "StackState", "delete_order"]


@dataclass(frozen=True, slots=True)
class ResourceState:
    """One resource as the engine recorded it after its last step."""

    urn: str
    type: str
    name: str
    custom: bool
    id: str
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    parent: str = ""
    provider: str = ""
    """The provider reference ``URN::id`` (custom resources), or ""."""
    dependencies: frozenset[str] = frozenset()
    property_dependencies: Mapping[str, frozenset[str]] = field(default_factory=dict)
    account_id: str | None = None
    region: str | None = None
    retain_on_delete: bool = False
    delete_before_replace: bool = False
    protect: bool = False
    external: bool = False
    """Read, not managed (``Resource.get``): leaving the state deletes nothing."""
    import_id: str = ""
    """The id it was imported with (``import_``), which may differ from :attr:`id`
    (a route's import id is ``rtb-..._destination``); "" when it was created."""

    @property
    def provider_urn(self) -> str:
        return self.provider.rsplit("::", 1)[0] if self.provider else ""

    def retained(self) -> ResourceState:
        """This resource, marked so that deleting it leaves it in AWS."""
        return replace(self, retain_on_delete=True)


class StackState:
    """Resources by URN, in the order they were created."""

    def __init__(self, resources: Iterable[ResourceState] = ()) -> None:
        self._resources: dict[str, ResourceState] = {r.urn: r for r in resources}

    def __iter__(self) -> Iterator[ResourceState]:
        return iter(list(self._resources.values()))

    def __len__(self) -> int:
        return len(self._resources)

    def __contains__(self, urn: object) -> bool:
        return urn in self._resources

    def get(self, urn: str) -> ResourceState | None:
        return self._resources.get(urn)

    def put(self, resource: ResourceState) -> None:
        self._resources[resource.urn] = resource

    def remove(self, urn: str) -> None:
        self._resources.pop(urn, None)

    def descendants(self, urn: str) -> list[ResourceState]:
        """Every resource whose parent chain leads to ``urn``."""
        children: dict[str, list[ResourceState]] = {}
        for resource in self._resources.values():
            children.setdefault(resource.parent, []).append(resource)
        found: list[ResourceState] = []
        todo = list(children.get(urn, ()))
        while todo:
            resource = todo.pop()
            found.append(resource)
            todo.extend(children.get(resource.urn, ()))
        return found

    def copy(self) -> StackState:
        return StackState(self._resources.values())


def delete_order(doomed: Iterable[ResourceState]) -> list[ResourceState]:
    """``doomed`` in the order the engine deletes them: a resource goes before everything
    it depends on, its parent and its provider (pulumi ``pkg/resource/deploy``: dependents
    before dependencies, children before parents, resources before their provider)."""
    items = {r.urn: r for r in doomed}
    # before[u] = resources that must be deleted before u (those that need u).
    before: dict[str, set[str]] = {urn: set() for urn in items}
    for resource in items.values():
        needs = {*resource.dependencies, resource.parent, resource.provider_urn}
        for other in needs:
            if other in items and other != resource.urn:
                before[other].add(resource.urn)
    ordered: list[ResourceState] = []
    done: set[str] = set()
    creation = list(items)
    while len(done) < len(items):
        # Latest-created first among those whose dependents are gone (stable, like the engine).
        ready = [u for u in reversed(creation) if u not in done and before[u] <= done]
        if not ready:  # a cycle cannot happen in a Pulumi state; be safe anyway
            ready = [u for u in reversed(creation) if u not in done]
        for urn in ready:
            done.add(urn)
            ordered.append(items[urn])
    return ordered
