"""AWS regions, their partitions and zone ids (no Pulumi, and no boto3 import).

The regions and partitions come from botocore's own endpoint data
(``botocore/data/partitions.json``, or ``endpoints.json`` in older releases), read as
JSON once: botocore is installed with boto3, so the list is as current as the SDK that
will deploy, and nobody maintains a copy by hand. Importing botocore itself would cost
``peerstack validate`` a large part of its start-up, so the file is found with
``importlib.util.find_spec`` and parsed directly.

What can be checked offline, and what cannot:

- a region name: against the regions botocore knows (a region AWS opened after the
  installed botocore was released is refused until botocore is upgraded);
- a zone name (``us-east-1a``, or a Local Zone ``us-west-2-lax-1a``): that it belongs to
  the VPC's region;
- a zone id (``use1-az1``): that its prefix is the region's zone-id prefix, derived from
  the region name as AWS names them (``us-east-1`` -> ``use1``, ``ap-southeast-2`` ->
  ``apse2``, ``us-gov-west-1`` -> ``usgw1``) in the partitions where that convention is
  known to hold (``aws``, ``aws-cn``, ``aws-us-gov``); elsewhere zone ids are not checked.

Not knowable offline: whether a zone letter exists in a region (regions have three to
six zones), which zone id a letter maps to in a given account (AWS shuffles the mapping
per account), whether an account has enabled an opt-in region or Local Zone.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = [
    "botocore_version",
    "is_region",
    "partition",
    "partition_names",
    "regions",
    "signing_region",
    "suggest_region",
    "zone_id_prefix",
    "zone_id_region_prefix",
    "zone_name_region",
]

_DEFAULT_PARTITION = "aws"
"""botocore's answer for a name no partition's pattern matches."""


@dataclass(frozen=True, slots=True)
class _Partition:
    name: str
    pattern: re.Pattern[str]
    regions: frozenset[str]


def _data_file() -> Path:
    spec = importlib.util.find_spec("botocore")
    for base in (spec.submodule_search_locations or []) if spec else []:
        for name in ("partitions.json", "endpoints.json"):
            path = Path(base, "data", name)
            if path.is_file():
                return path
    raise RuntimeError(
        "botocore's endpoint data (botocore/data/partitions.json) was not found; "
        "peerstack reads AWS's region list from it: reinstall boto3"
    )


@cache
def _partitions() -> tuple[_Partition, ...]:
    document = json.loads(_data_file().read_text(encoding="utf-8"))
    found = []
    for entry in document["partitions"]:
        name = entry.get("id") or entry["partition"]  # partitions.json / endpoints.json
        pattern = re.compile(entry["regionRegex"])
        # Pseudo-regions such as "aws-global" are listed too; real ones match the pattern.
        names = frozenset(r for r in entry.get("regions", {}) if pattern.fullmatch(r))
        found.append(_Partition(name=name, pattern=pattern, regions=names))
    return tuple(found)


@cache
def regions() -> frozenset[str]:
    """Every region botocore knows, in every partition."""
    return frozenset(r for p in _partitions() for r in p.regions)


def is_region(name: str) -> bool:
    return name in regions()


@cache
def partition_names() -> frozenset[str]:
    """``aws``, ``aws-cn``, ``aws-us-gov``, ``aws-iso``, ... as ARNs spell them."""
    return frozenset(p.name for p in _partitions())


def partition(region: str) -> str:
    """The AWS partition a region belongs to (peering and roles never cross one).

    A region botocore lists belongs to its partition; any other name to the first
    partition whose region pattern matches it, else ``aws`` (as botocore resolves it).
    """
    for candidate in _partitions():
        if region in candidate.regions:
            return candidate.name
    for candidate in _partitions():
        if candidate.pattern.fullmatch(region):
            return candidate.name
    return _DEFAULT_PARTITION


@cache
def signing_region(partition_name: str) -> str:
    """The region a partition's global endpoints sign in: where STS is called to assume
    roles and check credentials, and where IAM lives (``aws``: ``us-east-1``,
    ``aws-cn``: ``cn-north-1``, ``aws-us-gov``: ``us-gov-west-1`` ...).

    From botocore's ``endpoints.json``: the credential scope of the partition's global IAM
    endpoint; a partition without one signs in the first region of its STS endpoints.
    """
    path = _data_file().with_name("endpoints.json")
    if path.is_file():
        document = json.loads(path.read_text(encoding="utf-8"))
        for entry in document["partitions"]:
            if entry["partition"] != partition_name:
                continue
            iam = entry.get("services", {}).get("iam", {})
            scope = iam.get("endpoints", {}).get(iam.get("partitionEndpoint"), {})
            region = scope.get("credentialScope", {}).get("region")
            if region:
                return str(region)
            sts = entry.get("services", {}).get("sts", {}).get("endpoints", {})
            known = sorted(r for r in sts if r in regions())
            if known:
                return str(known[0])
    found = sorted(r for p in _partitions() if p.name == partition_name for r in p.regions)
    return found[0] if found else "us-east-1"


def suggest_region(name: str) -> str | None:
    """The known region closest to a misspelt one (``us-easst-1`` -> ``us-east-1``)."""
    close = difflib.get_close_matches(name.lower(), sorted(regions()), n=1, cutoff=0.75)
    return close[0] if close else None


@cache
def botocore_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("botocore")
    except PackageNotFoundError:  # pragma: no cover - botocore comes with boto3
        return None


# How AWS abbreviates the words of a region name in its zone ids.
_ZONE_ID_WORDS = {
    "east": "e",
    "west": "w",
    "north": "n",
    "south": "s",
    "central": "c",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "gov": "g",
}
_ZONE_ID_PARTITIONS = frozenset({"aws", "aws-cn", "aws-us-gov"})


def zone_id_prefix(region: str) -> str | None:
    """The prefix of the region's zone ids (``us-east-1`` -> ``use1``), when derivable.

    None where the naming convention is not known to hold (isolated partitions, or a
    word the convention has no abbreviation for): then zone ids are not checked.
    """
    if partition(region) not in _ZONE_ID_PARTITIONS:
        return None
    area, *words, number = region.split("-")
    if not words or not number.isdigit():
        return None
    try:
        return area + "".join(_ZONE_ID_WORDS[word] for word in words) + number
    except KeyError:
        return None


# A zone name is its region and a letter, or for a Local Zone the region, a location and
# a number, and a letter: us-east-1a, us-west-2-lax-1a.
_ZONE_NAME_RE = re.compile(
    r"(?P<region>[a-z]{2,4}(?:-[a-z]+)+-\d{1,2})(?:-[a-z]{3,4}-\d{1,2})?[a-z]"
)
# A zone id is the region's zone-id prefix and az<n> (Local Zones: a location between).
_ZONE_ID_RE = re.compile(r"(?P<prefix>[a-z]{2,8}\d{1,2})(?:-[a-z]{3,4}\d{1,2})?-az\d{1,2}")


def zone_name_region(zone: str) -> str | None:
    """The region of a zone name (``us-west-2-lax-1a`` -> ``us-west-2``), None if not one."""
    match = _ZONE_NAME_RE.fullmatch(zone)
    return match.group("region") if match else None


def zone_id_region_prefix(zone: str) -> str | None:
    """The region prefix of a zone id (``use1-az1`` -> ``use1``), None if not a zone id."""
    match = _ZONE_ID_RE.fullmatch(zone)
    return match.group("prefix") if match else None
