"""Estates built by hand, with plain boto3 calls, and the round trip every one must make.

:class:`Hand` acts in any account the way a person (or another tool) does: it assumes a
role there through STS, as the AWS console's account switching does, and calls EC2. No
part of peerstack makes the estate. :func:`round_trip` then discovers it, deploys the
topology into the emulation (which joins the same moto), verifies, deploys again and
destroys, describing the whole estate before and after each step.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from unittest import mock

import boto3
import botocore.session
from moto import mock_aws

from peerstack._provider.changes import Change
from peerstack._results import ResourceStep as EmulatedStep
from peerstack.discover import DiscoverResult, discover
from peerstack.emulator import Emulation
from peerstack.plan import AccountPlan
from peerstack.verify import VerifyResult

NET = "111111111111"
DATA = "222222222222"
PARTNER = "999999999999"
"""An account outside the organisation: never discovered."""

KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


class Hand:
    """EC2 clients acting in any account and region, entered by assuming a role."""

    def __init__(self) -> None:
        self._clients: dict[tuple[str, str], Any] = {}
        self._loader: Any = None

    def _session(self, **credentials: Any) -> boto3.Session:
        # Service models load once, not once per account (as the emulation does).
        session = botocore.session.Session()
        if self._loader is None:
            self._loader = session.get_component("data_loader")
        else:
            session.register_component("data_loader", self._loader)
        return boto3.Session(botocore_session=session, **credentials)

    def ec2(self, account_id: str, region: str) -> Any:
        key = (account_id, region)
        if key not in self._clients:
            sts = self._session(**KEYS).client("sts", region_name="us-east-1")
            creds = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account_id}:role/console", RoleSessionName="by-hand"
            )["Credentials"]
            self._clients[key] = self._session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            ).client("ec2", region_name=region)
        return self._clients[key]

    def clients(self, account: AccountPlan, region: str) -> Any:
        """The :data:`~peerstack.verify.ClientFactory` discover reads through."""
        return self.ec2(account.id, region)

    # -- what people do in the console -----------------------------------------------------

    def vpc(
        self, account: str, region: str, cidr: str, name: str | None = None, **more: Any
    ) -> str:
        tags = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}] if name else []
        return str(
            self.ec2(account, region).create_vpc(CidrBlock=cidr, TagSpecifications=tags, **more)[
                "Vpc"
            ]["VpcId"]
        )

    def main_table(self, account: str, region: str, vpc_id: str) -> str:
        (table,) = self.ec2(account, region).describe_route_tables(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "association.main", "Values": ["true"]},
            ]
        )["RouteTables"]
        return str(table["RouteTableId"])

    def table(self, account: str, region: str, vpc_id: str, name: str, *subnets: str) -> str:
        ec2 = self.ec2(account, region)
        table = ec2.create_route_table(
            VpcId=vpc_id,
            TagSpecifications=[
                {"ResourceType": "route-table", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )["RouteTable"]["RouteTableId"]
        for subnet in subnets:
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        return str(table)

    def subnet(self, account: str, region: str, vpc_id: str, cidr: str) -> str:
        return str(
            self.ec2(account, region).create_subnet(VpcId=vpc_id, CidrBlock=cidr)["Subnet"][
                "SubnetId"
            ]
        )

    def peer(
        self,
        requester: tuple[str, str, str],
        accepter: tuple[str, str, str],
        *,
        accept: bool = True,
        name: str | None = None,
    ) -> str:
        """Request a connection from ``(account, region, vpc)`` to another; accept it there."""
        account, region, vpc_id = requester
        peer_account, peer_region, peer_vpc = accepter
        kwargs: dict[str, Any] = {"VpcId": vpc_id, "PeerVpcId": peer_vpc}
        if peer_account != account:
            kwargs["PeerOwnerId"] = peer_account
        if peer_region != region:
            kwargs["PeerRegion"] = peer_region
        if name:
            kwargs["TagSpecifications"] = [
                {"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Name", "Value": name}]}
            ]
        pcx = str(
            self.ec2(account, region).create_vpc_peering_connection(**kwargs)[
                "VpcPeeringConnection"
            ]["VpcPeeringConnectionId"]
        )
        if accept:
            self.ec2(peer_account, peer_region).accept_vpc_peering_connection(
                VpcPeeringConnectionId=pcx
            )
        return pcx

    def route(self, account: str, region: str, table: str, destination: str, pcx: str) -> None:
        key = "DestinationIpv6CidrBlock" if ":" in destination else "DestinationCidrBlock"
        self.ec2(account, region).create_route(
            RouteTableId=table, VpcPeeringConnectionId=pcx, **{key: destination}
        )

    def ipv6_of(self, account: str, region: str, vpc_id: str) -> str:
        (vpc,) = self.ec2(account, region).describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
        return str(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])


# -- the whole estate, described ------------------------------------------------------------

_DESCRIBES = (
    ("describe_vpcs", "Vpcs", "VpcId"),
    ("describe_subnets", "Subnets", "SubnetId"),
    ("describe_route_tables", "RouteTables", "RouteTableId"),
    ("describe_vpc_peering_connections", "VpcPeeringConnections", "VpcPeeringConnectionId"),
    ("describe_security_groups", "SecurityGroups", "GroupId"),
    ("describe_security_group_rules", "SecurityGroupRules", "SecurityGroupRuleId"),
)

Described = dict[tuple[str, str, str, str], str]
"""(account, region, kind, id) -> the object as AWS describes it (JSON, keys sorted)."""


def describe(hand: Hand, accounts: Iterable[str], regions: Iterable[str]) -> Described:
    """Everything EC2 holds in these accounts and regions: a full describe of each kind."""
    found: Described = {}
    for account in accounts:
        for region in regions:
            ec2 = hand.ec2(account, region)
            for operation, key, id_key in _DESCRIBES:
                for item in getattr(ec2, operation)()[key]:
                    found[(account, region, key, item[id_key])] = json.dumps(
                        _sorted(item), sort_keys=True, default=str
                    )
    return found


def _sorted(value: Any) -> Any:
    """Lists in a stable order: AWS does not promise one."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def changed(before: Described, after: Described) -> set[tuple[str, str, str, str]]:
    """The objects added, removed or changed."""
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


# -- the round trip ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundTrip:
    """What each step of discover -> preview -> up -> verify -> up -> destroy found."""

    before: Described
    found: DiscoverResult
    preview: tuple[EmulatedStep, ...]
    up: tuple[EmulatedStep, ...]
    after_up: Described
    verify: VerifyResult
    again: tuple[EmulatedStep, ...]
    destroy: tuple[EmulatedStep, ...]
    after_destroy: Described

    def aws_ops(self, steps: Iterable[EmulatedStep]) -> set[tuple[str, str]]:
        """(operation, type) of every step on an AWS resource."""
        return {(str(s.op), s.type) for s in steps if s.aws}

    def ops(self, steps: Iterable[EmulatedStep]) -> set[str]:
        return {str(s.op) for s in steps if s.aws}

    def connection_ids(self) -> set[str]:
        return {str(p["existing"]["peering_id"]) for p in self.found.data.get("peerings", [])}


Build = Callable[[Hand], Any]


def round_trip(
    build: Build,
    accounts: dict[str, str],
    regions: list[str],
    *,
    seen: Iterable[str] = (),
    name: str = "estate",
    every_step: bool = False,
) -> tuple[RoundTrip, Any]:
    """Build the estate by hand, then discover, up, verify, destroy (and, with
    ``every_step``, preview first and up again after verify; else those are empty).

    ``seen`` adds accounts to describe (outside ones) besides those discovered. Returns the
    round trip and what ``build`` returned (the ids the test needs).
    """
    # moto loads thousands of AMIs into every account and region it starts; none is used.
    with mock.patch.dict(os.environ, {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}), mock_aws():
        hand = Hand()
        made = build(hand)
        everyone = [*accounts.values(), *seen]
        before = describe(hand, everyone, regions)
        found = discover(accounts, regions, clients=hand.clients, name=name)
        with Emulation() as env:  # joins the active moto: the estate is there
            preview = env.preview(found.topology).steps if every_step else ()
            up = env.up(found.topology)
            after_up = describe(hand, everyone, regions)
            verified = env.verify()
            again = env.up().steps if every_step else ()
            destroyed = env.destroy()
        after_destroy = describe(hand, everyone, regions)
    trip = RoundTrip(
        before=before,
        found=found,
        preview=preview,
        up=up.steps,
        after_up=after_up,
        verify=verified,
        again=again,
        destroy=destroyed.steps,
        after_destroy=after_destroy,
    )
    return trip, made


ONLY_READS = {str(Change.IMPORT), str(Change.SAME), str(Change.READ)}
"""What a step of an AWS resource may be when nothing in AWS is to change."""

NO_OP_CREATES = {
    "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
    "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions",
}
"""Types peerstack registers for an adopted connection without importing them: the
accepter of an active connection only reads it, and DNS options set to what AWS holds
change nothing (see the module docstring of tests/discover/test_cross_account.py)."""
