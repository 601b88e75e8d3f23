"""Peering connections, their acceptance and their options, as terraform-provider-aws does them.

Cited: ``internal/service/ec2/vpc_peering_connection.go``, ``..._accepter.go`` and
``vpc_peering_connection_options.go`` (v6.28.0).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from peerstack._facts.peering import ADOPTABLE, NOT_FOUND, PeeringStatus
from peerstack.emulator._handlers._base import (
    Outputs,
    Request,
    ResourceHandler,
    already_gone,
    camel,
    field_of,
)
from peerstack.emulator._rules import (
    check_auto_accept,
    check_options,
    check_outstanding_requests,
)
from peerstack.emulator._state import ResourceState
from peerstack.errors import EmulatorError

__all__ = ["ACCEPTER", "CONNECTION", "OPTIONS"]

_SIDES = (
    ("requester", "RequesterPeeringConnectionOptions", "RequesterVpcInfo"),
    ("accepter", "AccepterPeeringConnectionOptions", "AccepterVpcInfo"),
)


def _describe(req: Request, pcx_id: str) -> dict[str, Any]:
    found = req.ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx_id])
    return cast(dict[str, Any], found["VpcPeeringConnections"][0])


def _accept(req: Request, pcx_id: str) -> dict[str, Any]:
    response = req.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    return cast(dict[str, Any], response["VpcPeeringConnection"])


def _create_connection(req: Request) -> Outputs:
    """vpc_peering_connection.go:103-153: CreateVpcPeeringConnection with tags; with
    auto_accept (same account and region only) AcceptVpcPeeringConnection."""
    req.only(
        {"vpcId", "peerVpcId", "peerOwnerId", "peerRegion", "autoAccept", "requester", "accepter"}
    )
    peer_owner = req.get("peerOwnerId") or req.account_id
    peer_region = req.get("peerRegion") or req.region
    auto_accept = bool(req.get("autoAccept"))
    if auto_accept:
        check_auto_accept(req, peer_owner, peer_region)
    else:
        check_outstanding_requests(req)
    kwargs: dict[str, Any] = {"VpcId": req.require("vpcId"), "PeerVpcId": req.require("peerVpcId")}
    if req.get("peerOwnerId"):
        kwargs["PeerOwnerId"] = req.get("peerOwnerId")
    if req.get("peerRegion"):
        kwargs["PeerRegion"] = req.get("peerRegion")
    if req.tags:
        kwargs["TagSpecifications"] = req.tag_specifications("vpc-peering-connection")
    pcx = req.ec2.create_vpc_peering_connection(**kwargs)["VpcPeeringConnection"]
    pcx_id = pcx["VpcPeeringConnectionId"]
    status: str = PeeringStatus.PENDING_ACCEPTANCE
    if auto_accept:
        status = _accept(req, pcx_id)["Status"]["Code"]
    outputs: dict[str, Any] = {
        "acceptStatus": status,
        "peerOwnerId": peer_owner,
        "peerRegion": peer_region,
        "autoAccept": auto_accept,
    }
    outputs.update(_set_options(req, pcx_id))
    return pcx_id, outputs


def _update_connection(req: Request, old: ResourceState, changed: frozenset[str]) -> Outputs:
    """vpc_peering_connection.go:207-232: accept when auto_accept is now set and the
    connection is pending; options blocks; tags."""
    pcx_id = old.id
    outputs = dict(old.outputs)
    if "autoAccept" in changed and req.get("autoAccept"):
        pcx = _describe(req, pcx_id)
        if pcx["Status"]["Code"] == PeeringStatus.PENDING_ACCEPTANCE:
            outputs["acceptStatus"] = _accept(req, pcx_id)["Status"]["Code"]
        outputs["autoAccept"] = True
    if changed & {"requester", "accepter"}:
        outputs.update(_set_options(req, pcx_id))
    if "tags" in changed:
        req.update_tags(pcx_id, old)
    return pcx_id, outputs


def _delete_connection(req: Request, old: ResourceState) -> None:
    """vpc_peering_connection.go:234-262: DeleteVpcPeeringConnection (gone or already
    deleting is fine)."""
    with already_gone("InvalidVpcPeeringConnectionID.NotFound", "InvalidStateTransition"):
        req.ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=old.id)


def _read_connection(req: Request) -> Outputs:
    """An import (ImportStatePassthrough): vpc_peering_connection.go, Read. Seen from the
    accepter's account (and not the requester's), the VPCs read the other way round."""
    from botocore.exceptions import ClientError

    pcx_id = str(req.require("id"))
    items: list[Any] = []
    try:
        found = req.ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx_id])
        items = list(found["VpcPeeringConnections"])
    except ClientError as exc:
        if "NotFound" not in exc.response.get("Error", {}).get("Code", ""):
            raise
    if not items:
        raise EmulatorError(
            f"{req.what}: there is no peering connection {pcx_id!r} in account "
            f"{req.account_id}, {req.region} to import; check the id, and that the link's "
            "requester is the VPC that requested it"
        )
    pcx = items[0]
    status = pcx["Status"]["Code"]
    if status not in ADOPTABLE:
        raise EmulatorError(
            f"{req.what}: the peering connection {pcx_id!r} is {status!r}; only an active "
            "(or pending) connection can be adopted"
        )
    requester = pcx.get("RequesterVpcInfo", {})
    accepter = pcx.get("AccepterVpcInfo", {})
    mine, peer = requester, accepter
    if accepter.get("OwnerId") == req.account_id != requester.get("OwnerId"):
        mine, peer = accepter, requester
    return pcx_id, {
        "acceptStatus": status,
        "vpcId": mine.get("VpcId", ""),
        "peerVpcId": peer.get("VpcId", ""),
        "peerOwnerId": peer.get("OwnerId", ""),
        "peerRegion": accepter.get("Region", req.region),
        "tags": {t["Key"]: t["Value"] for t in pcx.get("Tags", [])},
    }


CONNECTION = ResourceHandler(
    create=_create_connection,
    update=_update_connection,
    updatable=frozenset({"autoAccept", "requester", "accepter"}),
    delete=_delete_connection,
    read=_read_connection,
)


def _create_accepter(req: Request) -> Outputs:
    """vpc_peering_connection_accepter.go:87-117: one describe; accept only when the
    connection is pending-acceptance; CreateTags on the connection (in this region)."""
    req.only({"vpcPeeringConnectionId", "autoAccept", "requester", "accepter"})
    pcx_id = req.require("vpcPeeringConnectionId")
    pcx = _describe(req, pcx_id)
    status = pcx["Status"]["Code"]
    if status in NOT_FOUND:
        # FindVPCPeeringConnectionByID treats an ended connection as not found
        # (vpc_peering_connection_accepter.go, Create: "error reading EC2 VPC Peering
        # Connection"); a request that expired or was rejected must be made again.
        raise EmulatorError(
            f"{req.what}: error reading EC2 VPC Peering Connection ({pcx_id}): it is "
            f"{status!r}, so there is nothing to accept; ask its requester for a new request"
        )
    if req.get("autoAccept") and status == PeeringStatus.PENDING_ACCEPTANCE:
        pcx = _accept(req, pcx_id)
    outputs = _accepter_outputs(req, pcx)
    outputs.update(_set_options(req, pcx_id))
    if req.tags:
        req.ec2.create_tags(
            Resources=[pcx_id], Tags=[{"Key": k, "Value": v} for k, v in req.tags.items()]
        )
    # Create ends with Read, which sets the tags the connection carries in this account
    # (the ones it had, an adopted connection's owner's included, and the ones just added).
    outputs["tags"] = outputs["tagsAll"] = _account_tags(req, pcx_id)
    return pcx_id, outputs


def _account_tags(req: Request, pcx_id: str) -> dict[str, str]:
    """The connection's tags as this account sees them, which the provider's Read takes
    from DescribeVpcPeeringConnections: each account tags a connection for itself. moto
    answers that describe with the requester's tags only, so they are looked up in this
    account's own tag store (no API call: the provider makes none for it)."""
    found = req.backend().tags.get(pcx_id, {})
    return {str(k): str(v) for k, v in found.items()}


def _accepter_outputs(req: Request, pcx: Mapping[str, Any]) -> dict[str, Any]:
    requester = pcx.get("RequesterVpcInfo", {})
    accepter = pcx.get("AccepterVpcInfo", {})
    return {
        "acceptStatus": pcx["Status"]["Code"],
        "vpcId": accepter.get("VpcId", ""),
        "peerVpcId": requester.get("VpcId", ""),
        "peerOwnerId": requester.get("OwnerId", ""),
        "peerRegion": accepter.get("Region", req.region),
        "autoAccept": bool(req.get("autoAccept")),
    }


def _update_accepter(req: Request, old: ResourceState, changed: frozenset[str]) -> Outputs:
    """The accepter shares the connection's Update (vpc_peering_connection_accepter.go:25-26)."""
    pcx_id = old.id
    pcx = _describe(req, pcx_id)
    if "autoAccept" in changed and req.get("autoAccept"):
        if pcx["Status"]["Code"] == PeeringStatus.PENDING_ACCEPTANCE:
            pcx = _accept(req, pcx_id)
    outputs = {**old.outputs, **_accepter_outputs(req, pcx)}
    if changed & {"requester", "accepter"}:
        outputs.update(_set_options(req, pcx_id))
    if "tags" in changed:
        req.update_tags(pcx_id, old)
        outputs["tags"] = outputs["tagsAll"] = dict(req.tags)
    return pcx_id, outputs


def _nothing(req: Request, old: ResourceState) -> None:
    """Deleting it makes no API call: the provider's delete is a no-op
    (vpc_peering_connection_accepter.go:27; vpc_peering_connection_options.go:114-120)."""


ACCEPTER = ResourceHandler(
    create=_create_accepter,
    update=_update_accepter,
    updatable=frozenset({"autoAccept", "requester", "accepter"}),
    delete=_nothing,
)


def _create_options(req: Request) -> Outputs:
    """vpc_peering_connection_options.go:40-58: one describe, then
    ModifyVpcPeeringConnectionOptions at once (checkActive=false); the id is the
    connection's."""
    req.only({"vpcPeeringConnectionId", "requester", "accepter"})
    pcx_id = req.require("vpcPeeringConnectionId")
    _describe(req, pcx_id)
    return pcx_id, {"vpcPeeringConnectionId": pcx_id, **_set_options(req, pcx_id)}


def _update_options(req: Request, old: ResourceState, changed: frozenset[str]) -> Outputs:
    """vpc_peering_connection_options.go:97-112: the same modify, with the new blocks."""
    pcx_id = old.id
    return pcx_id, {**old.outputs, **_set_options(req, pcx_id)}


OPTIONS = ResourceHandler(
    create=_create_options,
    update=_update_options,
    updatable=frozenset({"requester", "accepter"}),
    delete=_nothing,
)


def _set_options(req: Request, pcx_id: str) -> dict[str, Any]:
    """Apply the ``requester`` / ``accepter`` option blocks of a request, as AWS allows."""
    blocks: dict[str, Any] = {}
    for side, key, _ in _SIDES:
        block = req.inputs.get(side)
        if not block:
            continue
        unknown = {k for k, v in block.items() if v and camel(k) != "allowRemoteVpcDnsResolution"}
        if unknown:
            raise EmulatorError(f"{req.what}: peering options {sorted(unknown)} are not emulated")
        blocks[key] = {
            "AllowDnsResolutionFromRemoteVpc": bool(field_of(block, "allowRemoteVpcDnsResolution"))
        }
    if not blocks:
        return {}
    check_options(
        req,
        pcx_id,
        requester="RequesterPeeringConnectionOptions" in blocks,
        accepter="AccepterPeeringConnectionOptions" in blocks,
    )
    response = req.ec2.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx_id, **blocks
    )
    outputs: dict[str, Any] = {}
    for side, key, _ in _SIDES:
        if key in blocks:
            applied: Mapping[str, Any] = cast(Mapping[str, Any], response).get(key) or {}
            outputs[side] = {
                "allowRemoteVpcDnsResolution": bool(applied.get("AllowDnsResolutionFromRemoteVpc"))
            }
    return outputs
