"""Readable, stable topology names for what AWS names by id.

A name comes from the object's ``Name`` tag, made to fit the topology's name rule
(lowercase letters, digits, ``-`` and ``_``, at most 64 characters, no ``--``), else from
its id (``rtb-0123456789abcdef0`` is a valid name). Names that would collide get their
object's id appended, so each is still derived from AWS alone: discovering the same
estate again gives the same names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["NameChoice", "choose_names", "slug"]

_LONGEST = 64
_OTHER = re.compile(r"[^a-z0-9_-]+")
_DASHES = re.compile(r"-{2,}")
_EDGES = "-_"


def slug(text: str) -> str:
    """``text`` as a topology name, or ``""`` when nothing of it is usable.

    >>> slug("Prod VPC (eu)")
    'prod-vpc-eu'
    """
    name = _DASHES.sub("-", _OTHER.sub("-", text.strip().lower()))
    return name[:_LONGEST].strip(_EDGES)


def _with_id(base: str, resource_id: str) -> str:
    """``base-<hex of the id>``, cut to fit: unique as the id is."""
    tail = resource_id.partition("-")[2] or resource_id
    if base == resource_id:
        return base
    room = _LONGEST - len(tail) - 1
    head = base[:room].strip(_EDGES)
    return f"{head}-{tail}" if head else slug(resource_id)


@dataclass(frozen=True, slots=True)
class NameChoice:
    """Names chosen for a set of objects, and the names several of them wanted."""

    names: Mapping[str, str]
    """Object id -> its name."""
    collisions: Mapping[str, tuple[str, ...]]
    """A wanted name -> the ids that wanted it (each got its id appended)."""


def choose_names(
    wanted: Iterable[tuple[str, str | None]], *, taken: Iterable[str] = ()
) -> NameChoice:
    """Names for ``(id, Name tag or None)`` pairs, unique among them and unlike ``taken``."""
    pairs = [(object_id, slug(tag or "") or slug(object_id)) for object_id, tag in wanted]
    reserved = set(taken)
    counts = Counter(name for _, name in pairs)
    names: dict[str, str] = {}
    collisions: dict[str, list[str]] = {}
    for object_id, name in pairs:
        if counts[name] > 1 or name in reserved:
            collisions.setdefault(name, []).append(object_id)
            name = _with_id(name, object_id)
        names[object_id] = name
    # A tag may spell another object's suffixed name: those fall back to their ids.
    final = Counter(names.values())
    for object_id, name in names.items():
        if final[name] > 1 and name != slug(object_id):
            names[object_id] = slug(object_id)
    return NameChoice(names, {k: tuple(v) for k, v in collisions.items()})
