"""``aws.ec2.Route``, as terraform-provider-aws ``internal/service/ec2/vpc_route.go`` does it."""

from __future__ import annotations

import zlib
from typing import Any

from peerstack.emulator._handlers._base import Outputs, Request, ResourceHandler, already_gone
from peerstack.emulator._rules import check_route
from peerstack.emulator._state import ResourceState
from peerstack.errors import EmulatorError

__all__ = ["ROUTE"]

_TARGETS = {"vpcPeeringConnectionId": "VpcPeeringConnectionId", "gatewayId": "GatewayId"}


def _destination(req: Request) -> tuple[str | None, str | None]:
    ipv4 = req.get("destinationCidrBlock")
    ipv6 = req.get("destinationIpv6CidrBlock")
    if bool(ipv4) == bool(ipv6):
        raise EmulatorError(
            f"{req.what} needs exactly one of destinationCidrBlock and destinationIpv6CidrBlock"
        )
    return ipv4, ipv6


def _target(req: Request) -> tuple[str, str]:
    targets = {k: req.get(k) for k in _TARGETS if req.get(k)}
    if len(targets) != 1:
        raise EmulatorError(f"{req.what} needs exactly one target, has {sorted(targets)}")
    ((key, value),) = targets.items()
    return key, value


def _call(req: Request, *, new: bool) -> tuple[dict[str, Any], str]:
    """The CreateRoute / ReplaceRoute arguments, once AWS's rules are checked; the state
    AWS would show for the route."""
    table_id = req.require("routeTableId")
    ipv4, ipv6 = _destination(req)
    key, target = _target(req)
    pcx_id = target if key == "vpcPeeringConnectionId" else None
    state = check_route(req, table_id, ipv6=ipv6 if new else None, pcx_id=pcx_id)
    kwargs: dict[str, Any] = {"RouteTableId": table_id, _TARGETS[key]: target}
    if ipv4:
        kwargs["DestinationCidrBlock"] = ipv4
    else:
        kwargs["DestinationIpv6CidrBlock"] = ipv6
    return kwargs, state


def _create(req: Request) -> Outputs:
    """vpc_route.go:191-287: CreateRoute; the id is ``r-`` + table id + CRC32 of the
    destination as written (id.go:14-16, create/hashcode.go)."""
    req.only({"routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", *_TARGETS})
    kwargs, state = _call(req, new=True)
    req.ec2.create_route(**kwargs)
    table_id = kwargs["RouteTableId"]
    ipv4, ipv6 = _destination(req)
    destination = ipv4 or ipv6 or ""
    return f"r-{table_id}{zlib.crc32(destination.encode())}", {
        "state": state,
        "origin": "CreateRoute",
        "instanceId": "",
        "instanceOwnerId": "",
        "networkInterfaceId": "",
    }


def _update(req: Request, old: ResourceState, changed: frozenset[str]) -> Outputs:
    """vpc_route.go:353-432: ReplaceRoute with the new target."""
    kwargs, state = _call(req, new=False)
    req.ec2.replace_route(**kwargs)
    return old.id, {**old.outputs, "state": state}


def _delete(req: Request, old: ResourceState) -> None:
    """vpc_route.go:434-491: DeleteRoute (a route already gone is fine)."""

    kwargs: dict[str, Any] = {"RouteTableId": old.inputs["routeTableId"]}
    if old.inputs.get("destinationCidrBlock"):
        kwargs["DestinationCidrBlock"] = old.inputs["destinationCidrBlock"]
    else:
        kwargs["DestinationIpv6CidrBlock"] = old.inputs["destinationIpv6CidrBlock"]
    with already_gone("InvalidRoute.NotFound", "InvalidRouteTableID.NotFound"):
        req.ec2.delete_route(**kwargs)


def _read(req: Request) -> Outputs:
    """An import: vpc_route.go, resourceRouteImportState splits ``ROUTETABLEID_DESTINATION``
    and Read finds the route (FindRouteByIPv4Destination / ...IPv6...) in that table."""
    import_id = str(req.require("id"))
    table_id, sep, destination = import_id.partition("_")
    if not sep or not table_id.startswith("rtb-") or not destination:
        raise EmulatorError(
            f"{req.what}: {import_id!r} is not a route import id (ROUTETABLEID_DESTINATION)"
        )
    key = "DestinationIpv6CidrBlock" if ":" in destination else "DestinationCidrBlock"
    tables = req.ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"]
    found = next(
        (r for t in tables for r in t.get("Routes", []) if r.get(key) == destination), None
    )
    if found is None:
        raise EmulatorError(
            f"{req.what}: no route to {destination} in route table {table_id} (account "
            f"{req.account_id}, {req.region}) to import; set `routes_exist: false` on the "
            "adopted peering to create the link's routes instead"
        )
    outputs: dict[str, Any] = {
        "routeTableId": table_id,
        "destinationCidrBlock" if key == "DestinationCidrBlock" else "destinationIpv6CidrBlock": (
            destination
        ),
        "vpcPeeringConnectionId": found.get("VpcPeeringConnectionId", ""),
        "gatewayId": found.get("GatewayId", ""),
        "state": found.get("State", "active"),
        "origin": found.get("Origin", "CreateRoute"),
        "instanceId": "",
        "instanceOwnerId": "",
        "networkInterfaceId": "",
    }
    return f"r-{table_id}{zlib.crc32(destination.encode())}", outputs


ROUTE = ResourceHandler(
    create=_create, update=_update, updatable=frozenset(_TARGETS), delete=_delete, read=_read
)
