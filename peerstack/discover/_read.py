"""Read the live network of every account and region: a few paginated calls per place.

Per account and region: the VPCs the account owns (``owner-id``), then, filtered by
those VPCs in chunks AWS accepts, their subnets, route tables and security groups (whose
inbound rules come with them), and every peering connection the account sees there
(either side, any status). Places are read in parallel; each filter is matched again
here, so an AWS (or an emulation) that ignores one reads the same.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peerstack._cidr import aws_network
from peerstack._facts.credentials import UNREACHABLE_HINT
from peerstack.discover._estate import Blocks, Estate, GroupFound, InboundRule
from peerstack.errors import CredentialsError, PeerstackError
from peerstack.plan import AccountPlan
from peerstack.verify import (
    ClientFactory,
    PeeringSnapshot,
    RouteTableSnapshot,
    Snapshot,
    SubnetSnapshot,
    VpcSnapshot,
)
from peerstack.verify import _from_aws as from_aws
from peerstack.verify._aws import is_auth_error

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

__all__ = ["DiscoverError", "PlaceRead", "Progress", "read_estate"]

_CHUNK = 200  # AWS accepts at most 200 values per filter


class DiscoverError(PeerstackError):
    """AWS answered a read with an error that is not about credentials."""


@dataclass(frozen=True, slots=True)
class PlaceRead:
    """What one account holds in one region."""

    account: AccountPlan
    region: str
    vpcs: tuple[VpcSnapshot, ...] = ()
    default_vpcs: frozenset[str] = frozenset()
    subnets: tuple[SubnetSnapshot, ...] = ()
    route_tables: tuple[RouteTableSnapshot, ...] = ()
    peerings: tuple[PeeringSnapshot, ...] = ()
    blocks: Mapping[tuple[str, str], Blocks] | None = None
    groups: tuple[GroupFound, ...] = ()
    spelled: Mapping[str, str] | None = None
    """A block as compared (``ipaddress``'s form) -> as AWS wrote it."""


Progress = Callable[[PlaceRead, int, int], None]
"""Told after each place is read: ``(what it held, places done, places in all)``."""


def read_estate(
    accounts: Sequence[AccountPlan],
    regions: Sequence[str],
    clients: ClientFactory,
    *,
    on_place: Progress | None = None,
    max_workers: int = 8,
) -> Estate:
    """Read every account in every region; places are read ``max_workers`` at a time."""
    places = [(account, region) for account in accounts for region in regions]
    reads: list[PlaceRead] = []
    workers = max(1, min(max_workers, len(places)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="discover") as pool:
        futures = [pool.submit(_read_place, clients, a, r) for a, r in places]
        for future in futures:
            reads.append(future.result())
            if on_place is not None:
                on_place(reads[-1], len(reads), len(places))
    return _merge(tuple(accounts), tuple(regions), reads)


def _merge(
    accounts: tuple[AccountPlan, ...], regions: tuple[str, ...], reads: Iterable[PlaceRead]
) -> Estate:
    vpcs: list[VpcSnapshot] = []
    subnets: list[SubnetSnapshot] = []
    tables: list[RouteTableSnapshot] = []
    peerings: dict[str, PeeringSnapshot] = {}
    blocks: dict[tuple[str, str], Blocks] = {}
    defaults: set[str] = set()
    groups: list[GroupFound] = []
    spelled: dict[str, str] = {}
    for read in reads:
        vpcs += read.vpcs
        subnets += read.subnets
        tables += read.route_tables
        defaults |= read.default_vpcs
        groups += read.groups
        for connection in read.peerings:
            peerings.setdefault(connection.id, connection)
        blocks.update(read.blocks or {})
        for normal, text in (read.spelled or {}).items():
            spelled.setdefault(normal, text)
    snapshot = Snapshot(
        vpcs=tuple(vpcs),
        subnets=tuple(subnets),
        route_tables=tuple(tables),
        peerings=tuple(sorted(peerings.values(), key=lambda c: c.id)),
    )
    return Estate(accounts, regions, snapshot, frozenset(defaults), blocks, tuple(groups), spelled)


class _Place:
    """The calls of one account in one region."""

    def __init__(self, ec2: EC2Client, account: AccountPlan, region: str) -> None:
        self.ec2 = ec2
        self.account = account
        self.region = region

    def describe(self, operation: str, key: str, **kwargs: Any) -> list[Any]:
        client: Any = self.ec2
        items: list[Any] = []
        with self.reporting(key):
            for page in client.get_paginator(operation).paginate(**kwargs):
                items.extend(page.get(key, []))
        return items

    def describe_by(self, operation: str, key: str, name: str, values: Sequence[str]) -> list[Any]:
        items: list[Any] = []
        for start in range(0, len(values), _CHUNK):
            chunk = list(values[start : start + _CHUNK])
            items += self.describe(operation, key, Filters=[{"Name": name, "Values": chunk}])
        return items

    @contextlib.contextmanager
    def reporting(self, what: str) -> Iterator[None]:
        from botocore.exceptions import ClientError, EndpointConnectionError

        where = f"account {self.account.alias!r} ({self.account.id}), {self.region}"
        try:
            yield
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "") or "an error"
            if is_auth_error(code):
                raise CredentialsError(
                    f"cannot read {what} in {where}: {code}",
                    hint="discover needs ec2:Describe* in every account and region it reads",
                ) from exc
            raise DiscoverError(f"reading {what} in {where} failed: {code}") from exc
        except EndpointConnectionError as exc:
            raise CredentialsError(
                f"cannot reach EC2 for {where}: {exc}", hint=UNREACHABLE_HINT
            ) from exc


def _read_place(clients: ClientFactory, account: AccountPlan, region: str) -> PlaceRead:
    place = _Place(clients(account, region), account, region)
    items = place.describe(
        "describe_vpcs", "Vpcs", Filters=[{"Name": "owner-id", "Values": [account.id]}]
    )
    items = [v for v in items if str(v.get("OwnerId", account.id)) == account.id]
    vpcs = tuple(from_aws.vpc(item, account.id, region) for item in items)
    if not vpcs:
        return PlaceRead(account, region)
    ids = [v.id for v in vpcs]
    wanted = set(ids)
    subnets = place.describe_by("describe_subnets", "Subnets", "vpc-id", ids)
    tables = place.describe_by("describe_route_tables", "RouteTables", "vpc-id", ids)
    groups = place.describe_by("describe_security_groups", "SecurityGroups", "vpc-id", ids)
    peerings = [
        p
        for p in place.describe("describe_vpc_peering_connections", "VpcPeeringConnections")
        if {_side_vpc(p, "RequesterVpcInfo"), _side_vpc(p, "AccepterVpcInfo")} & wanted
    ]
    return PlaceRead(
        account,
        region,
        vpcs=vpcs,
        default_vpcs=frozenset(str(v["VpcId"]) for v in items if v.get("IsDefault")),
        subnets=tuple(from_aws.subnet(s) for s in subnets if s.get("VpcId") in wanted),
        route_tables=tuple(from_aws.route_table(t) for t in tables if t.get("VpcId") in wanted),
        peerings=tuple(from_aws.peering(p) for p in peerings),
        blocks={key: value for p in peerings for key, value in _blocks(p)},
        groups=tuple(_group(g) for g in groups if g.get("VpcId") in wanted),
        spelled=_spellings(items, tables, peerings),
    )


# -- from AWS's shapes -------------------------------------------------------------------


def _spellings(*groups: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Every block the items name, as compared -> as AWS wrote it (an IPv6 block may be
    written with leading zeros, and an import id must name it as AWS does)."""
    keys = {"CidrBlock", "Ipv6CidrBlock", "DestinationCidrBlock", "DestinationIpv6CidrBlock"}
    spelled: dict[str, str] = {}

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                if key in keys and isinstance(inner, str):
                    spelled.setdefault(_normal(inner), inner)
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for items in groups:
        walk(list(items))
    return spelled


def _normal(cidr: str) -> str:
    return str(aws_network(cidr))


def _side_vpc(item: Mapping[str, Any], key: str) -> str:
    return str((item.get(key) or {}).get("VpcId", ""))


def _blocks(item: Mapping[str, Any]) -> Iterator[tuple[tuple[str, str], Blocks]]:
    """Each side's blocks as the connection shows them: all of them (``CidrBlockSet``),
    else the primary one."""
    for side, key in (("requester", "RequesterVpcInfo"), ("accepter", "AccepterVpcInfo")):
        info = item.get(key) or {}
        ipv4 = [c["CidrBlock"] for c in info.get("CidrBlockSet") or [] if c.get("CidrBlock")]
        if not ipv4 and info.get("CidrBlock"):
            ipv4 = [info["CidrBlock"]]
        ipv6 = [
            c["Ipv6CidrBlock"] for c in info.get("Ipv6CidrBlockSet") or [] if c.get("Ipv6CidrBlock")
        ]
        blocks = Blocks(
            tuple(dict.fromkeys(_normal(c) for c in ipv4)),
            tuple(dict.fromkeys(_normal(c) for c in ipv6)),
        )
        yield (str(item["VpcPeeringConnectionId"]), side), blocks


def _rule(permission: Mapping[str, Any]) -> InboundRule:
    cidrs = [r["CidrIp"] for r in permission.get("IpRanges") or [] if r.get("CidrIp")]
    cidrs += [r["CidrIpv6"] for r in permission.get("Ipv6Ranges") or [] if r.get("CidrIpv6")]
    return InboundRule(
        protocol=str(permission.get("IpProtocol", "-1")),
        from_port=int(permission.get("FromPort", -1)),
        to_port=int(permission.get("ToPort", -1)),
        cidrs=tuple(_normal(c) for c in cidrs),
        groups=tuple(
            str(pair["GroupId"])
            for pair in permission.get("UserIdGroupPairs") or []
            if pair.get("GroupId")
        ),
    )


def _group(item: Mapping[str, Any]) -> GroupFound:
    return GroupFound(
        id=str(item["GroupId"]),
        vpc_id=str(item["VpcId"]),
        name=str(item.get("GroupName", "")),
        rules=tuple(_rule(p) for p in item.get("IpPermissions") or []),
    )
