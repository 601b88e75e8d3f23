"""The part of an invalid topology that did validate, so the planner can check it too.

Field-level problems (pydantic's) and cross-object problems (the planner's) are found in
one round: when validation fails, each entry of ``accounts``, ``vpcs``, ``peerings``,
``meshes``, ``hubs`` and ``accepts`` that has no problem of its own is kept, as are the
valid fields of ``defaults`` and ``quotas``, and the result is planned. What was left out
is recorded in :class:`~peerstack.topology._omitted.Omitted`, so that the planner does
not report what merely follows from it (a link to a VPC whose entry is invalid is not a
link to an "unknown VPC").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from peerstack.topology._omitted import Omitted
from peerstack.topology._source import FieldPath, SourceMap
from peerstack.topology.models import Defaults, Quotas, Topology

__all__ = ["UNLIMITED", "salvage"]

UNLIMITED = 10**9
"""A quota whose own value is invalid is not checked: any count stays below this."""

_PLACEHOLDER_NAME = "topology"


def salvage(data: Mapping[Any, Any], error: ValidationError, source: SourceMap) -> Topology:
    """The entries of ``data`` that validated, as a Topology marked with what was omitted."""
    bad = [_clean(e["loc"]) for e in error.errors(include_url=False)]

    def invalid(*prefix: str | int) -> bool:
        return any(loc[: len(prefix)] == prefix for loc in bad)

    def whole(section: str) -> bool:
        """The section itself is wrong (type, missing, too short), not one of its entries."""
        return (section,) in bad

    name = data.get("name")
    if invalid("name") or not isinstance(name, str):
        name = _PLACEHOLDER_NAME

    defaults, bad_defaults = _fields(Defaults, data.get("defaults", {}), "defaults", invalid)
    quotas, bad_quotas = _fields(Quotas, data.get("quotas", {}), "quotas", invalid)
    if bad_quotas:
        quotas = Quotas.model_construct(
            **{**dict(quotas), **{field: UNLIMITED for field in bad_quotas}}
        )

    accounts, bad_accounts, every_account, _ = _entries(data, "accounts", bad, whole)
    vpcs, bad_vpcs, every_vpc, item_positions = _entries(data, "vpcs", bad, whole)
    lists: dict[str, list[Any]] = {}
    positions: dict[str, tuple[int, ...]] = {}
    for section in ("peerings", "meshes", "hubs", "accepts"):
        lists[section], positions[section] = _items(data, section, invalid, whole)

    raw_accounts = data.get("accounts")
    topology = Topology.model_construct(
        name=name,
        defaults=defaults,
        accounts=accounts,
        vpcs=vpcs,
        quotas=quotas,
        peerings=lists["peerings"],
        meshes=lists["meshes"],
        hubs=lists["hubs"],
        accepts=lists["accepts"],
    )
    topology._source = source
    topology._omitted = Omitted(
        vpcs=frozenset(bad_vpcs),
        accounts=frozenset(bad_accounts),
        every_vpc=every_vpc,
        every_account=every_account,
        defaults=frozenset(bad_defaults),
        partial_vpcs=frozenset(vpc for vpc, _ in item_positions),
        item_positions=item_positions,
        accounts_written=len(raw_accounts) if isinstance(raw_accounts, Mapping) else 0,
        positions=positions,
    )
    return topology


def _clean(loc: tuple[str | int, ...]) -> FieldPath:
    return tuple(
        part
        for part in loc
        if isinstance(part, int) or not (part.startswith(("function-", "[")) or part == "[key]")
    )


def _model_type(section: str) -> type[BaseModel]:
    annotation = Topology.model_fields[section].annotation
    # dict[Name, Vpc] / list[Peering]: the model is the last type argument
    model = annotation.__args__[-1]  # type: ignore[union-attr]
    assert isinstance(model, type) and issubclass(model, BaseModel)
    return model


def _validated(model: type[BaseModel], value: Any) -> Any:
    try:
        return model.__pydantic_validator__.validate_python(value)
    except ValidationError:  # pragma: no cover - only entries without errors get here
        return None


def _fields(model: type[BaseModel], raw: Any, section: str, invalid: Any) -> tuple[Any, set[str]]:
    """The fields of a flat section (defaults, quotas) that validated, and those that did not."""
    everything = set(model.model_fields)
    if not isinstance(raw, Mapping):
        return model(), everything
    kept = {k: v for k, v in raw.items() if isinstance(k, str) and not invalid(section, k)}
    validated = _validated(model, kept)
    if validated is None:  # pragma: no cover - defensive
        return model(), everything
    return validated, {k for k in raw if isinstance(k, str) and invalid(section, k)} & everything


_PARTIAL = ("subnets", "security_groups")
"""Lists of a VPC entry whose invalid items can be left out, the VPC kept."""


def _entries(
    data: Mapping[Any, Any], section: str, bad: list[FieldPath], whole: Any
) -> tuple[dict[str, Any], set[str], bool, dict[tuple[str, str], tuple[int, ...]]]:
    """The entries of ``accounts`` or ``vpcs`` that validated; the names of the others;
    and, for VPCs kept without some invalid subnets or security groups, where each kept
    item of those lists was written."""
    raw = data.get(section)
    if whole(section) or not isinstance(raw, Mapping):
        return {}, set(), True, {}
    model = _model_type(section)
    kept: dict[str, Any] = {}
    dropped: set[str] = set()
    partial: dict[tuple[str, str], tuple[int, ...]] = {}
    for name, entry in raw.items():
        value = None
        own = [loc[2:] for loc in bad if loc[:2] == (section, name)]
        if isinstance(name, str) and not own:
            value = _validated(model, entry)
        elif isinstance(name, str) and section == "vpcs":
            trimmed = _without_items(entry, own)
            if trimmed is not None:
                value = _validated(model, trimmed[0])
                if value is not None:
                    partial.update(((name, key), at) for key, at in trimmed[1].items())
        if value is None:
            dropped.add(str(name))
        else:
            kept[name] = value
    return kept, dropped, False, partial


def _without_items(
    entry: Any, problems: list[FieldPath]
) -> tuple[dict[str, Any], dict[str, tuple[int, ...]]] | None:
    """``entry`` without the list items the problems are in, and where each kept item of
    those lists was written, when every problem is in an item of a :data:`_PARTIAL` list;
    None otherwise."""
    if not isinstance(entry, Mapping):
        return None
    drop: dict[str, set[int]] = {}
    for loc in problems:
        if len(loc) < 2 or loc[0] not in _PARTIAL or not isinstance(loc[1], int):
            return None
        if not isinstance(entry.get(loc[0]), list):
            return None
        drop.setdefault(str(loc[0]), set()).add(loc[1])
    trimmed = dict(entry)
    positions: dict[str, tuple[int, ...]] = {}
    for key, indexes in drop.items():
        positions[key] = tuple(i for i in range(len(entry[key])) if i not in indexes)
        trimmed[key] = [entry[key][i] for i in positions[key]]
    return trimmed, positions


def _items(
    data: Mapping[Any, Any], section: str, invalid: Any, whole: Any
) -> tuple[list[Any], tuple[int, ...]]:
    """The entries of a list section that validated, and the position each was written at."""
    raw = data.get(section, [])
    if whole(section) or not isinstance(raw, list):
        return [], ()
    model = _model_type(section)
    kept: list[Any] = []
    positions: list[int] = []
    for index, entry in enumerate(raw):
        if invalid(section, index):
            continue
        value = _validated(model, entry)
        if value is not None:
            kept.append(value)
            positions.append(index)
    return kept, tuple(positions)
