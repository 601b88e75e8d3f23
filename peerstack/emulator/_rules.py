"""AWS rules moto does not enforce, and peerstack relies on: checked before each call.

moto accepts some requests AWS refuses; an emulation that accepted them would hide the
very mistakes it exists to catch. Each check raises what AWS would answer.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from peerstack._facts.peering import NOT_FOUND, PeeringStatus
from peerstack.emulator._handlers._base import Request
from peerstack.errors import EmulatorError

__all__ = [
    "check_auto_accept",
    "check_options",
    "check_outstanding_requests",
    "check_route",
    "check_security_rule",
    "check_subnet_ipv6",
]


def check_auto_accept(req: Request, peer_owner: str, peer_region: str) -> None:
    """AWS auto-accepts only within one account and one region (terraform-provider-aws
    refuses peer_region with auto_accept before any call, vpc_peering_connection.go:117)."""
    if peer_owner != req.account_id or peer_region != req.region:
        raise EmulatorError(
            f"{req.what}: auto_accept works only within one account and region (peer: "
            f"account {peer_owner}, {peer_region}); accept with a VpcPeeringConnectionAccepter "
            "in the peer's account and region"
        )


def check_outstanding_requests(req: Request) -> None:
    """AWS limits how many requests an account may have pending acceptance at once, across
    its regions (PendingVpcPeeringConnectionLimitExceeded). Counted at the moment of
    each request, as AWS does: accepted, rejected and deleted requests no longer count.

    moto files a cross-region request under both regions' backends, so requests are
    counted once each, by id.
    """
    from moto.ec2.models import ec2_backends

    limit = req.quotas.get("outstanding_requests_per_account")
    if limit is None:
        return
    pending = {
        pcx_id
        for backend in ec2_backends[req.account_id].values()
        for pcx_id, pcx in backend.vpc_pcxs.items()
        if pcx.status["Code"] == PeeringStatus.PENDING_ACCEPTANCE
        and pcx.vpc.owner_id == req.account_id
    }
    if len(pending) >= limit:
        raise EmulatorError(
            # AWS's own code and message; the rest says why.
            f"{req.what}: PendingVpcPeeringConnectionLimitExceeded: Vpc peering connection "
            f"request limit exceeded (account {req.account_id} has {len(pending)} requests "
            f"pending acceptance, the limit of {limit} outstanding requests)"
        )


def check_options(req: Request, pcx_id: str, *, requester: bool, accepter: bool) -> None:
    """AWS sets peering options only on an active connection, each side by its owner in
    its own region ("OperationNotPermitted ... Peering options can be added only to
    active peerings")."""
    pcx = req.backend().vpc_pcxs.get(pcx_id)
    if pcx is None:
        return  # moto raises InvalidVpcPeeringConnectionID.NotFound itself
    code = pcx.status["Code"]
    if code != PeeringStatus.ACTIVE:
        raise EmulatorError(
            f"{req.what}: OperationNotPermitted: peering connection {pcx_id} is {code!r}; "
            "peering options can be set only on an active connection"
        )
    here = (req.account_id, req.region)
    for side, wanted, vpc in (
        ("requester", requester, pcx.vpc),
        ("accepter", accepter, pcx.peer_vpc),
    ):
        if wanted and here != (vpc.owner_id, vpc.region):
            raise EmulatorError(
                f"{req.what}: OperationNotPermitted: the {side} options of {pcx_id} can be set "
                f"only by account {vpc.owner_id} in {vpc.region}, not by {here[0]} in {here[1]}"
            )


def check_route(req: Request, table_id: str, *, ipv6: str | None, pcx_id: str | None) -> str:
    """Refuse the routes AWS refuses; return the state AWS would show for the route."""
    backend: Any = req.backend()
    table = backend.route_tables.get(table_id)
    if table is None:
        return "active"  # moto raises InvalidRouteTableID.NotFound itself
    if ipv6 and any(r.destination_ipv6_cidr_block == ipv6 for r in table.routes):
        raise EmulatorError(
            f"{req.what}: RouteAlreadyExists: {table_id} already has a route to {ipv6}"
        )
    if pcx_id is None:
        return "active"
    pcx = backend.vpc_pcxs.get(pcx_id)
    if pcx is None:
        return "active"  # moto raises InvalidVpcPeeringConnectionID.NotFound itself
    if table.vpc_id not in (pcx.vpc.id, pcx.peer_vpc.id):
        raise EmulatorError(
            f"{req.what}: InvalidParameterValue: route table {table_id} is in {table.vpc_id}, "
            f"which is not a side of peering connection {pcx_id}"
        )
    code = pcx.status["Code"]
    if code in NOT_FOUND:
        raise EmulatorError(
            f"{req.what}: InvalidVpcPeeringConnectionID.NotFound: peering connection {pcx_id} "
            f"is {code!r}"
        )
    return "active" if code == PeeringStatus.ACTIVE else "blackhole"


def check_subnet_ipv6(req: Request, vpc_id: str, block: str, *, subnet_id: str | None) -> None:
    """A subnet's IPv6 block is a /64 inside one of its VPC's IPv6 blocks, and no other
    subnet of the VPC has it (moto takes any block: CreateSubnet and
    AssociateSubnetCidrBlock answer InvalidSubnet.Range / InvalidSubnet.Conflict)."""
    try:
        network = ipaddress.ip_network(block)
    except ValueError:
        raise EmulatorError(
            f"{req.what}: InvalidParameterValue: {block!r} is not a CIDR block"
        ) from None
    backend: Any = req.backend()
    vpc = backend.vpcs.get(vpc_id)
    if vpc is None:
        return  # moto raises InvalidVpcID.NotFound itself
    own = [
        ipaddress.ip_network(a["cidr_block"])
        for a in vpc.get_cidr_block_association_set(ipv6=True)
        if a.get("cidr_block_state", {}).get("state") == "associated"
    ]
    if not (
        isinstance(network, ipaddress.IPv6Network)
        and network.prefixlen == 64
        and any(network.subnet_of(b) for b in own if isinstance(b, ipaddress.IPv6Network))
    ):
        held = ", ".join(str(b) for b in own) or "no IPv6 block"
        raise EmulatorError(
            f"{req.what}: InvalidSubnet.Range: the IPv6 CIDR {block!r} is invalid for a "
            f"subnet of {vpc_id} ({held}): a subnet takes a /64 of its VPC's block"
        )
    for other in backend.describe_subnets(filters={"vpc-id": [vpc_id]}):
        if other.id == subnet_id:
            continue
        for association in other.ipv6_cidr_block_associations.values():
            state = association.get("ipv6CidrBlockState", {}).get("State")
            if state == "associated" and association.get("ipv6CidrBlock") == str(network):
                raise EmulatorError(
                    f"{req.what}: InvalidSubnet.Conflict: the IPv6 CIDR {block!r} conflicts "
                    f"with {other.id}"
                )


def check_security_rule(req: Request, group_id: str, referenced: str) -> None:
    """A rule may reference a group of its own VPC, or of a VPC peered with it in the same
    region over an active connection (``account-id/sg-id`` across accounts); moto checks
    neither the peering nor the other account."""
    from moto.ec2.models import ec2_backends

    backend: Any = req.backend()
    own = backend.get_security_group_from_id(group_id)
    if own is None:
        return  # moto raises InvalidGroup.NotFound itself
    owner, _, peer_id = referenced.rpartition("/")
    owner = owner or req.account_id
    peer_backend: Any = ec2_backends[owner][req.region]
    peer = peer_backend.get_security_group_from_id(peer_id)
    if peer is None:
        raise EmulatorError(
            f"{req.what}: InvalidGroup.NotFound: security group {peer_id} of account {owner} "
            f"does not exist in {req.region} (a rule references groups of its own region only)"
        )
    if peer.vpc_id == own.vpc_id:
        return
    vpcs = {own.vpc_id, peer.vpc_id}
    for candidate in (backend, peer_backend):
        for pcx in candidate.vpc_pcxs.values():
            if {pcx.vpc.id, pcx.peer_vpc.id} == vpcs and pcx.status["Code"] == PeeringStatus.ACTIVE:
                return
    raise EmulatorError(
        f"{req.what}: InvalidGroup.NotFound: {peer_id} is in {peer.vpc_id}, which has no active "
        f"peering connection with {own.vpc_id} (the VPC of {group_id}): AWS lets a rule "
        "reference a peer's group only over an active connection"
    )
