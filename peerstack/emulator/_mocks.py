"""Pulumi mocks that really create each resource in the emulation, through boto3.

Each registered resource becomes the boto3 calls the AWS provider would make, in the
account of the resource's provider and in the resource's ``region``; the outputs handed
back to the program are the emulation's own ids and attributes. A type, an input or an
invoke the emulator does not know fails loudly, naming it: nothing is ever faked.

Where moto is more lenient than AWS in a way that matters to peering, the rule is
checked here before the call (``_check_options``, ``_check_route``): peering options
only on an active connection and each side only by its own account in its own region,
routes only to a connection of the table's own VPC, no duplicate IPv6 route, subnets
only in zones of their region.
"""

from __future__ import annotations

import json
import re
import threading
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import pulumi
from botocore.exceptions import ClientError

from peerstack import _tokens as tokens
from peerstack._regions import partition as region_partition
from peerstack._tokens import short_type
from peerstack.emulator._results import EmulatedResource, OnResource
from peerstack.errors import EmulatorError

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

    from peerstack.emulator._aws import Emulation

__all__ = ["SUPPORTED_INVOKES", "SUPPORTED_RESOURCE_TYPES", "EmulatorMocks"]

_ROLE_ACCOUNT = re.compile(r"^arn:[\w-]+:iam::(\d{12}):role/")
_INACTIVE = ("deleted", "rejected", "failed", "expired")
# Inputs every AWS resource may carry that need no call of their own.
_COMMON_INPUTS = frozenset({"region", "tags", "tagsAll"})


@dataclass(frozen=True, slots=True)
class _Provider:
    name: str
    account_id: str
    region: str | None
    default_tags: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Request:
    """One resource to create: where, with what, through which client."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    account_id: str
    region: str
    ec2: EC2Client
    tags: Mapping[str, str]
    """The resource's tags merged over the provider's default tags (``tagsAll``)."""

    def get(self, key: str, default: Any = None) -> Any:
        value = self.inputs.get(key)
        return default if value is None else value

    def require(self, key: str) -> Any:
        value = self.inputs.get(key)
        if value is None or value == "":
            raise EmulatorError(f"{short_type(self.type)} {self.name!r} has no {key!r}")
        return value

    def tag_specifications(self, resource_type: str) -> list[dict[str, Any]]:
        if not self.tags:
            return []
        tags = [{"Key": k, "Value": v} for k, v in self.tags.items()]
        return [{"ResourceType": resource_type, "Tags": tags}]

    def arn(self, kind: str, resource_id: str) -> str:
        partition = region_partition(self.region)
        return f"arn:{partition}:ec2:{self.region}:{self.account_id}:{kind}/{resource_id}"


_Handler = Callable[[_Request], tuple[str, dict[str, Any]]]


class EmulatorMocks(pulumi.runtime.Mocks):
    """Mocks whose every resource is created in an :class:`~peerstack.emulator.Emulation`.

    With ``preview=True`` nothing is created: each resource is checked (type, account,
    region) and recorded, reads are answered by the emulation, and outputs AWS would
    assign stay unknown.
    """

    def __init__(
        self,
        emulation: Emulation,
        *,
        preview: bool = False,
        on_resource: OnResource | None = None,
    ) -> None:
        self._emulation = emulation
        self._preview = preview
        self._on_resource = on_resource
        # Pulumi registers resources from a thread pool; moto is not thread-safe.
        self._lock = threading.Lock()
        self._providers: dict[str, _Provider] = {}
        self._resources: list[EmulatedResource] = []

    @property
    def resources(self) -> tuple[EmulatedResource, ...]:
        """Every resource registered so far, in registration order."""
        with self._lock:
            return tuple(self._resources)

    # -- pulumi.runtime.Mocks ---------------------------------------------------------

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        with self._lock:
            return self._new_resource(args)

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        with self._lock:
            handler = _INVOKES.get(args.token)
            if handler is None:
                raise EmulatorError(
                    f"the emulator does not support the invoke {args.token!r}; supported: "
                    + ", ".join(sorted(_INVOKES))
                )
            inputs = dict(args.args)
            provider = self._provider(args.provider, what=f"invoke {args.token!r}")
            region = inputs.get("region") or provider.region
            if not region:
                raise EmulatorError(f"invoke {args.token!r} has no region and its provider none")
            ec2 = self._emulation.client("ec2", account=provider.account_id, region=region)
            try:
                return handler(ec2, region, inputs), []
            except ClientError as exc:
                raise EmulatorError(f"invoke {args.token!r} failed: {exc}") from exc

    # -- resources --------------------------------------------------------------------

    def _new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        if args.typ.startswith("pulumi:providers:"):
            return self._new_provider(args, inputs)
        if args.custom is False:
            # A component resource: it exists only in Pulumi.
            self._record(EmulatedResource(args.typ, args.name, None, None, None))
            return "", {}
        provider = self._provider(args.provider, what=f"{args.typ} {args.name!r}")
        region = inputs.get("region") or provider.region
        if not region:
            raise EmulatorError(
                f"{short_type(args.typ)} {args.name!r} has no `region` and its provider "
                f"{provider.name!r} none: pulumi-aws v7 resources should name their region"
            )
        if args.resource_id:
            handler = _READS.get(args.typ)
            what = "reading"
        else:
            handler = _HANDLERS.get(args.typ)
            what = "creating"
        if handler is None:
            known = sorted(_READS if args.resource_id else _HANDLERS)
            raise EmulatorError(
                f"the emulator does not support {what} resources of type {args.typ!r} "
                f"(resource {args.name!r}); supported: {', '.join(known)}"
            )
        if self._preview and not args.resource_id:
            self._record(EmulatedResource(args.typ, args.name, None, provider.account_id, region))
            return "", inputs
        tags = {**provider.default_tags, **_str_map(inputs.get("tags"))}
        request = _Request(
            type=args.typ,
            name=args.name,
            inputs=inputs if not args.resource_id else {**inputs, "id": args.resource_id},
            account_id=provider.account_id,
            region=region,
            ec2=self._emulation.client("ec2", account=provider.account_id, region=region),
            tags=tags,
        )
        try:
            resource_id, outputs = handler(request)
        except ClientError as exc:
            raise EmulatorError(
                f"{what} {short_type(args.typ)} {args.name!r} in account "
                f"{provider.account_id}, {region} failed: {exc}"
            ) from exc
        state = {**inputs, **outputs, "region": region}
        if "tags" in inputs or tags:
            state["tagsAll"] = tags
        if not args.resource_id:
            self._record(
                EmulatedResource(args.typ, args.name, resource_id, provider.account_id, region)
            )
        return resource_id, state

    def _record(self, resource: EmulatedResource) -> None:
        self._resources.append(resource)
        if self._on_resource is not None:
            self._on_resource(resource)

    # -- providers ---------------------------------------------------------------------

    def _new_provider(
        self, args: pulumi.runtime.MockResourceArgs, inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        if args.typ != tokens.AWS_PROVIDER:
            raise EmulatorError(
                f"the emulator supports only the aws provider, not {args.typ!r} ({args.name!r})"
            )
        provider = _Provider(
            name=args.name,
            account_id=self._provider_account(args.name, inputs),
            region=inputs.get("region") or None,
            default_tags=_str_map((_json(inputs.get("defaultTags")) or {}).get("tags")),
        )
        provider_id = f"emulated-{len(self._providers)}-{args.name}"
        self._providers[provider_id] = provider
        self._record(EmulatedResource(args.typ, args.name, provider_id, None, provider.region))
        return provider_id, inputs

    def _provider_account(self, name: str, inputs: Mapping[str, Any]) -> str:
        """Which account a provider acts in: its role's, its only allowed one, or ambient."""
        plan = self._emulation.plan
        allowed = [str(a) for a in _json(inputs.get("allowedAccountIds")) or []]
        roles = _json(inputs.get("assumeRoles")) or []
        if isinstance(roles, dict):
            roles = [roles]
        account_id: str | None = None
        for role in roles:
            match = _ROLE_ACCOUNT.match(str(_field(role, "roleArn") or ""))
            if match:
                account_id = match.group(1)  # a chain of roles ends in the last one's account
        if account_id is None and len(allowed) == 1:
            account_id = allowed[0]
        if account_id is None and inputs.get("profile"):
            profile = inputs["profile"]
            matching = [a.id for a in plan.accounts if a.profile == profile]
            if len(matching) == 1:
                account_id = matching[0]
        if account_id is None:
            ambient = [a.id for a in plan.accounts if not a.role_arn and not a.profile]
            if len(ambient) != 1:
                raise EmulatorError(
                    f"cannot tell which account provider {name!r} acts in: it assumes no role, "
                    f"allows no single account, and the plan has {len(ambient)} accounts on "
                    "ambient credentials"
                )
            account_id = ambient[0]
        if allowed and account_id not in allowed:
            raise EmulatorError(
                f"provider {name!r} acts in account {account_id} but allows only "
                f"{', '.join(allowed)}"
            )
        return account_id

    def _provider(self, reference: str | None, *, what: str) -> _Provider:
        if not reference:
            provider = self._providers.get("")
            if provider is None:
                account_id = self._provider_account("default", {})
                provider = _Provider("default", account_id, None, {})
                self._providers[""] = provider
            return provider
        provider_id = reference.rsplit("::", 1)[-1]
        found = self._providers.get(provider_id)
        if found is None:
            raise EmulatorError(f"{what} uses provider {reference!r}, which was never registered")
        return found


# -- resource handlers ----------------------------------------------------------------


def _create_vpc(req: _Request) -> tuple[str, dict[str, Any]]:
    _only(
        req,
        {
            "cidrBlock",
            "assignGeneratedIpv6CidrBlock",
            "enableDnsSupport",
            "enableDnsHostnames",
            "instanceTenancy",
        },
    )
    kwargs: dict[str, Any] = {"CidrBlock": req.require("cidrBlock")}
    if req.get("assignGeneratedIpv6CidrBlock"):
        kwargs["AmazonProvidedIpv6CidrBlock"] = True
    if req.get("instanceTenancy"):
        kwargs["InstanceTenancy"] = req.get("instanceTenancy")
    if req.tags:
        kwargs["TagSpecifications"] = req.tag_specifications("vpc")
    vpc = req.ec2.create_vpc(**kwargs)["Vpc"]
    vpc_id = vpc["VpcId"]
    dns_support = req.get("enableDnsSupport", True)
    dns_hostnames = req.get("enableDnsHostnames", False)
    if not dns_support:
        req.ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": False})
    if dns_hostnames:
        req.ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    main = req.ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    if len(main) != 1:
        raise EmulatorError(f"VPC {req.name!r} ({vpc_id}) has {len(main)} main route tables")
    ipv6 = vpc.get("Ipv6CidrBlockAssociationSet") or [{}]
    return vpc_id, {
        "arn": req.arn("vpc", vpc_id),
        "cidrBlock": vpc["CidrBlock"],
        "defaultRouteTableId": main[0]["RouteTableId"],
        "mainRouteTableId": main[0]["RouteTableId"],
        "dhcpOptionsId": vpc.get("DhcpOptionsId", ""),
        "enableDnsSupport": bool(dns_support),
        "enableDnsHostnames": bool(dns_hostnames),
        "enableNetworkAddressUsageMetrics": False,
        "instanceTenancy": vpc.get("InstanceTenancy", "default"),
        "ipv6CidrBlock": ipv6[0].get("Ipv6CidrBlock", ""),
        "ipv6AssociationId": ipv6[0].get("AssociationId", ""),
        "ipv6CidrBlockNetworkBorderGroup": ipv6[0].get("NetworkBorderGroup", ""),
        "ownerId": vpc["OwnerId"],
    }


def _read_vpc(req: _Request) -> tuple[str, dict[str, Any]]:
    vpc_id = req.require("id")
    vpc = req.ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    ipv6 = vpc.get("Ipv6CidrBlockAssociationSet") or [{}]
    main = req.ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    main_id = main[0]["RouteTableId"] if main else ""
    return vpc_id, {
        "arn": req.arn("vpc", vpc_id),
        "cidrBlock": vpc["CidrBlock"],
        "defaultRouteTableId": main_id,
        "mainRouteTableId": main_id,
        "ipv6CidrBlock": ipv6[0].get("Ipv6CidrBlock", ""),
        "ipv6AssociationId": ipv6[0].get("AssociationId", ""),
        "ownerId": vpc["OwnerId"],
        "tags": {t["Key"]: t["Value"] for t in vpc.get("Tags", [])},
    }


def _associate_ipv4_cidr(req: _Request) -> tuple[str, dict[str, Any]]:
    _only(req, {"vpcId", "cidrBlock"})
    association = req.ec2.associate_vpc_cidr_block(
        VpcId=req.require("vpcId"), CidrBlock=req.require("cidrBlock")
    )["CidrBlockAssociation"]
    return association["AssociationId"], {"cidrBlock": association["CidrBlock"]}


def _associate_ipv6_cidr(req: _Request) -> tuple[str, dict[str, Any]]:
    _only(req, {"vpcId", "assignGeneratedIpv6CidrBlock"})
    if not req.get("assignGeneratedIpv6CidrBlock", True):
        raise EmulatorError(
            f"VpcIpv6CidrBlockAssociation {req.name!r}: only Amazon-provided IPv6 blocks are "
            "emulated"
        )
    response = req.ec2.associate_vpc_cidr_block(
        VpcId=req.require("vpcId"), AmazonProvidedIpv6CidrBlock=True
    )
    association = response["Ipv6CidrBlockAssociation"]
    return association["AssociationId"], {
        "ipv6CidrBlock": association["Ipv6CidrBlock"],
        "assignGeneratedIpv6CidrBlock": True,
    }


def _create_subnet(req: _Request) -> tuple[str, dict[str, Any]]:
    _only(
        req,
        {
            "vpcId",
            "cidrBlock",
            "availabilityZone",
            "availabilityZoneId",
            "ipv6CidrBlock",
            "assignIpv6AddressOnCreation",
            "mapPublicIpOnLaunch",
        },
    )
    kwargs: dict[str, Any] = {"VpcId": req.require("vpcId"), "CidrBlock": req.require("cidrBlock")}
    zone = req.get("availabilityZone")
    if zone:
        if not (zone.startswith(req.region) and len(zone) > len(req.region)):
            raise EmulatorError(
                f"Subnet {req.name!r}: InvalidParameterValue: availability zone {zone!r} is not "
                f"in region {req.region!r}"
            )
        kwargs["AvailabilityZone"] = zone
    elif req.get("availabilityZoneId"):
        kwargs["AvailabilityZoneId"] = req.get("availabilityZoneId")
    if req.get("ipv6CidrBlock"):
        kwargs["Ipv6CidrBlock"] = req.get("ipv6CidrBlock")
    if req.tags:
        kwargs["TagSpecifications"] = req.tag_specifications("subnet")
    subnet = req.ec2.create_subnet(**kwargs)["Subnet"]
    subnet_id = subnet["SubnetId"]
    if req.get("mapPublicIpOnLaunch"):
        req.ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
    if req.get("assignIpv6AddressOnCreation"):
        req.ec2.modify_subnet_attribute(
            SubnetId=subnet_id, AssignIpv6AddressOnCreation={"Value": True}
        )
    ipv6 = subnet.get("Ipv6CidrBlockAssociationSet") or [{}]
    return subnet_id, {
        "arn": req.arn("subnet", subnet_id),
        "availabilityZone": subnet["AvailabilityZone"],
        "availabilityZoneId": subnet.get("AvailabilityZoneId", ""),
        "cidrBlock": subnet["CidrBlock"],
        "ipv6CidrBlock": ipv6[0].get("Ipv6CidrBlock", ""),
        "ipv6CidrBlockAssociationId": ipv6[0].get("AssociationId", ""),
        "mapPublicIpOnLaunch": bool(req.get("mapPublicIpOnLaunch")),
        "assignIpv6AddressOnCreation": bool(req.get("assignIpv6AddressOnCreation")),
        "ownerId": subnet.get("OwnerId", req.account_id),
        "privateDnsHostnameTypeOnLaunch": "ip-name",
        "vpcId": subnet["VpcId"],
    }


def _create_route_table(req: _Request) -> tuple[str, dict[str, Any]]:
    _only(req, {"vpcId"})
    kwargs: dict[str, Any] = {"VpcId": req.require("vpcId")}
    if req.tags:
        kwargs["TagSpecifications"] = req.tag_specifications("route-table")
    table = req.ec2.create_route_table(**kwargs)["RouteTable"]
    table_id = table["RouteTableId"]
    return table_id, {
        "arn": req.arn("route-table", table_id),
        "ownerId": table.get("OwnerId", req.account_id),
        "propagatingVgws": [],
        "routes": [],
        "vpcId": table["VpcId"],
    }


def _read_route_table(req: _Request) -> tuple[str, dict[str, Any]]:
    table_id = req.require("id")
    table = req.ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0]
    return table_id, {
        "arn": req.arn("route-table", table_id),
        "ownerId": table.get("OwnerId", req.account_id),
        "vpcId": table["VpcId"],
        "tags": {t["Key"]: t["Value"] for t in table.get("Tags", [])},
    }


def _associate_route_table(req: _Request) -> tuple[str, dict[str, Any]]:
    _only(req, {"routeTableId", "subnetId", "gatewayId"})
    kwargs: dict[str, Any] = {"RouteTableId": req.require("routeTableId")}
    if req.get("subnetId"):
        kwargs["SubnetId"] = req.get("subnetId")
    elif req.get("gatewayId"):
        kwargs["GatewayId"] = req.get("gatewayId")
    else:
        raise EmulatorError(f"RouteTableAssociation {req.name!r} has no subnetId or gatewayId")
    association_id = req.ec2.associate_route_table(**kwargs)["AssociationId"]
    return association_id, {}


def _create_peering(req: _Request) -> tuple[str, dict[str, Any]]:
    _only(
        req,
        {"vpcId", "peerVpcId", "peerOwnerId", "peerRegion", "autoAccept", "requester", "accepter"},
    )
    peer_owner = req.get("peerOwnerId") or req.account_id
    peer_region = req.get("peerRegion") or req.region
    auto_accept = bool(req.get("autoAccept"))
    if auto_accept and (peer_owner != req.account_id or peer_region != req.region):
        raise EmulatorError(
            f"VpcPeeringConnection {req.name!r}: auto_accept works only within one account and "
            f"region (peer: account {peer_owner}, {peer_region}); accept with a "
            "VpcPeeringConnectionAccepter in the peer's account and region"
        )
    kwargs: dict[str, Any] = {"VpcId": req.require("vpcId"), "PeerVpcId": req.require("peerVpcId")}
    if req.get("peerOwnerId"):
        kwargs["PeerOwnerId"] = req.get("peerOwnerId")
    if req.get("peerRegion"):
        kwargs["PeerRegion"] = req.get("peerRegion")
    if req.tags:
        kwargs["TagSpecifications"] = req.tag_specifications("vpc-peering-connection")
    pcx = req.ec2.create_vpc_peering_connection(**kwargs)["VpcPeeringConnection"]
    pcx_id = pcx["VpcPeeringConnectionId"]
    status = "pending-acceptance"
    if auto_accept:
        accepted = req.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
        status = accepted["VpcPeeringConnection"]["Status"]["Code"]
    outputs: dict[str, Any] = {
        "acceptStatus": status,
        "peerOwnerId": peer_owner,
        "peerRegion": peer_region,
        "autoAccept": auto_accept,
    }
    outputs.update(_set_options(req, pcx_id))
    return pcx_id, outputs


def _accept_peering(req: _Request) -> tuple[str, dict[str, Any]]:
    _only(req, {"vpcPeeringConnectionId", "autoAccept", "requester", "accepter"})
    pcx_id = req.require("vpcPeeringConnectionId")
    if req.get("autoAccept"):
        pcx = req.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)[
            "VpcPeeringConnection"
        ]
    else:
        found = req.ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx_id])
        pcx = found["VpcPeeringConnections"][0]
    if req.tags:
        req.ec2.create_tags(
            Resources=[pcx_id], Tags=[{"Key": k, "Value": v} for k, v in req.tags.items()]
        )
    requester = pcx.get("RequesterVpcInfo", {})
    accepter = pcx.get("AccepterVpcInfo", {})
    outputs: dict[str, Any] = {
        "acceptStatus": pcx["Status"]["Code"],
        "vpcId": accepter.get("VpcId", ""),
        "peerVpcId": requester.get("VpcId", ""),
        "peerOwnerId": requester.get("OwnerId", ""),
        "peerRegion": accepter.get("Region", req.region),
        "autoAccept": bool(req.get("autoAccept")),
    }
    outputs.update(_set_options(req, pcx_id))
    return pcx_id, outputs


def _peering_options(req: _Request) -> tuple[str, dict[str, Any]]:
    _only(req, {"vpcPeeringConnectionId", "requester", "accepter"})
    pcx_id = req.require("vpcPeeringConnectionId")
    return pcx_id, {"vpcPeeringConnectionId": pcx_id, **_set_options(req, pcx_id)}


def _set_options(req: _Request, pcx_id: str) -> dict[str, Any]:
    """Apply the ``requester`` / ``accepter`` option blocks of a request, as AWS allows."""
    blocks: dict[str, Any] = {}
    for side, key in (
        ("requester", "RequesterPeeringConnectionOptions"),
        ("accepter", "AccepterPeeringConnectionOptions"),
    ):
        block = req.inputs.get(side)
        if not block:
            continue
        unknown = {k for k, v in block.items() if v and _camel(k) != "allowRemoteVpcDnsResolution"}
        if unknown:
            raise EmulatorError(
                f"{short_type(req.type)} {req.name!r}: peering options {sorted(unknown)} are not "
                "emulated"
            )
        blocks[key] = {
            "AllowDnsResolutionFromRemoteVpc": bool(_field(block, "allowRemoteVpcDnsResolution"))
        }
    if not blocks:
        return {}
    _check_options(
        req,
        pcx_id,
        requester="RequesterPeeringConnectionOptions" in blocks,
        accepter="AccepterPeeringConnectionOptions" in blocks,
    )
    response = req.ec2.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx_id, **blocks
    )
    outputs: dict[str, Any] = {}
    for side, key in (
        ("requester", "RequesterPeeringConnectionOptions"),
        ("accepter", "AccepterPeeringConnectionOptions"),
    ):
        if key in blocks:
            applied: Mapping[str, Any] = cast(Mapping[str, Any], response).get(key) or {}
            outputs[side] = {
                "allowRemoteVpcDnsResolution": bool(applied.get("AllowDnsResolutionFromRemoteVpc"))
            }
    return outputs


_ROUTE_TARGETS = {
    "vpcPeeringConnectionId": "VpcPeeringConnectionId",
    "gatewayId": "GatewayId",
}


def _create_route(req: _Request) -> tuple[str, dict[str, Any]]:
    _only(
        req, {"routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", *_ROUTE_TARGETS}
    )
    table_id = req.require("routeTableId")
    kwargs: dict[str, Any] = {"RouteTableId": table_id}
    destination = req.get("destinationCidrBlock")
    ipv6 = req.get("destinationIpv6CidrBlock")
    if bool(destination) == bool(ipv6):
        raise EmulatorError(
            f"Route {req.name!r} needs exactly one of destinationCidrBlock and "
            "destinationIpv6CidrBlock"
        )
    if destination:
        kwargs["DestinationCidrBlock"] = destination
    else:
        kwargs["DestinationIpv6CidrBlock"] = ipv6
    targets = {k: req.get(k) for k in _ROUTE_TARGETS if req.get(k)}
    if len(targets) != 1:
        raise EmulatorError(f"Route {req.name!r} needs exactly one target, has {sorted(targets)}")
    for key, value in targets.items():
        kwargs[_ROUTE_TARGETS[key]] = value
    state = _check_route(req, table_id, ipv6=ipv6, pcx_id=targets.get("vpcPeeringConnectionId"))
    req.ec2.create_route(**kwargs)
    # The id the AWS provider gives a route: table id and a hash of the destination.
    route_id = f"r-{table_id}{zlib.crc32((destination or ipv6).encode())}"
    return route_id, {
        "state": state,
        "origin": "CreateRoute",
        "instanceId": "",
        "instanceOwnerId": "",
        "networkInterfaceId": "",
    }


_HANDLERS: dict[str, _Handler] = {
    tokens.VPC: _create_vpc,
    tokens.CIDR_ASSOCIATION: _associate_ipv4_cidr,
    tokens.IPV6_CIDR_ASSOCIATION: _associate_ipv6_cidr,
    tokens.SUBNET: _create_subnet,
    tokens.ROUTE_TABLE: _create_route_table,
    tokens.ASSOCIATION: _associate_route_table,
    tokens.CONNECTION: _create_peering,
    tokens.ACCEPTER: _accept_peering,
    tokens.OPTIONS: _peering_options,
    tokens.ROUTE: _create_route,
}

_READS: dict[str, _Handler] = {
    tokens.VPC: _read_vpc,
    tokens.ROUTE_TABLE: _read_route_table,
}


# -- invokes ---------------------------------------------------------------------------


def _get_route_tables(ec2: EC2Client, region: str, args: dict[str, Any]) -> dict[str, Any]:
    filters: list[Any] = []
    if args.get("vpcId"):
        filters.append({"Name": "vpc-id", "Values": [args["vpcId"]]})
    for item in args.get("filters") or []:
        filters.append({"Name": item["name"], "Values": list(item["values"])})
    for key, value in _str_map(args.get("tags")).items():
        filters.append({"Name": f"tag:{key}", "Values": [value]})
    tables = ec2.describe_route_tables(Filters=filters)
    ids = [t["RouteTableId"] for t in tables["RouteTables"]]
    return {**args, "id": region, "ids": ids, "region": region}


_Invoke = Callable[["EC2Client", str, dict[str, Any]], dict[str, Any]]

_INVOKES: dict[str, _Invoke] = {
    tokens.GET_ROUTE_TABLES: _get_route_tables,
}

SUPPORTED_RESOURCE_TYPES: frozenset[str] = frozenset(_HANDLERS)
"""Pulumi types the emulator creates (plus ``pulumi:providers:aws`` and components)."""

SUPPORTED_INVOKES: frozenset[str] = frozenset(_INVOKES)
"""Invokes the emulator answers from the emulated AWS."""


# -- AWS rules moto does not enforce -----------------------------------------------------


def _moto_backend(req: _Request) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[req.account_id][req.region]


def _check_options(req: _Request, pcx_id: str, *, requester: bool, accepter: bool) -> None:
    """AWS sets peering options only on an active connection, each side by its owner."""
    pcx = _moto_backend(req).vpc_pcxs.get(pcx_id)
    if pcx is None:
        return  # moto raises InvalidVpcPeeringConnectionID.NotFound itself
    what = f"{short_type(req.type)} {req.name!r}"
    code = pcx.status["Code"]
    if code != "active":
        raise EmulatorError(
            f"{what}: OperationNotPermitted: peering connection {pcx_id} is {code!r}; "
            "peering options can be set only on an active connection"
        )
    here = (req.account_id, req.region)
    for side, wanted, vpc in (
        ("requester", requester, pcx.vpc),
        ("accepter", accepter, pcx.peer_vpc),
    ):
        if wanted and here != (vpc.owner_id, vpc.region):
            raise EmulatorError(
                f"{what}: OperationNotPermitted: the {side} options of {pcx_id} can be set "
                f"only by account {vpc.owner_id} in {vpc.region}, not by {here[0]} in {here[1]}"
            )


def _check_route(req: _Request, table_id: str, *, ipv6: str | None, pcx_id: str | None) -> str:
    """Refuse the routes AWS refuses; return the state AWS would show for the route."""
    backend = _moto_backend(req)
    table = backend.route_tables.get(table_id)
    if table is None:
        return "active"  # moto raises InvalidRouteTableID.NotFound itself
    if ipv6 and any(r.destination_ipv6_cidr_block == ipv6 for r in table.routes):
        raise EmulatorError(
            f"Route {req.name!r}: RouteAlreadyExists: {table_id} already has a route to {ipv6}"
        )
    if pcx_id is None:
        return "active"
    pcx = backend.vpc_pcxs.get(pcx_id)
    if pcx is None:
        return "active"  # moto raises InvalidVpcPeeringConnectionID.NotFound itself
    if table.vpc_id not in (pcx.vpc.id, pcx.peer_vpc.id):
        raise EmulatorError(
            f"Route {req.name!r}: InvalidParameterValue: route table {table_id} is in "
            f"{table.vpc_id}, which is not a side of peering connection {pcx_id}"
        )
    code = pcx.status["Code"]
    if code in _INACTIVE:
        raise EmulatorError(
            f"Route {req.name!r}: InvalidVpcPeeringConnectionID.NotFound: peering connection "
            f"{pcx_id} is {code!r}"
        )
    return "active" if code == "active" else "blackhole"


# -- helpers ---------------------------------------------------------------------------


def _only(req: _Request, handled: set[str]) -> None:
    """Fail loudly on an input that would change AWS but that the emulator ignores."""
    for key, value in req.inputs.items():
        if key in handled or key in _COMMON_INPUTS or key == "id":
            continue
        if value in (None, False, "", [], {}):
            continue
        raise EmulatorError(
            f"{short_type(req.type)} {req.name!r}: the input {key!r} ({value!r}) is not emulated"
        )


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def _field(block: Any, name: str) -> Any:
    """A field of a nested input block, by its Pulumi name (``roleArn``) or ``role_arn``.

    Blocks written as plain dicts (not ``...Args`` classes) keep their snake_case keys.
    """
    if not isinstance(block, Mapping):
        return None
    for key, value in block.items():
        if _camel(key) == name:
            return value
    return None


def _json(value: Any) -> Any:
    """Provider inputs arrive JSON-encoded (``assumeRoles``, ``defaultTags``)."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        return json.loads(value)
    return value


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None}
