"""Which route goes in which route table, and the checks AWS would otherwise fail on."""

from __future__ import annotations

import ipaddress
import itertools
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from peerstack._cidr import (
    Network,
    contains,
    more_specific,
    overlaps,
    parse_network,
    subnet_ipv6_block,
)
from peerstack._facts.quotas import QUOTAS
from peerstack._reachability import (
    AcceptedConnection,
    Link,
    Reachability,
    Route,
    SubnetEndpoint,
    VpcModel,
    carried,
    outside_peers,
    reachability,
    vpc_model,
)
from peerstack.plan._accepts import Accepted
from peerstack.plan._context import Context
from peerstack.plan._links import Declared
from peerstack.plan.model import (
    DISCOVERED,
    IPV6_PREFIX,
    AcceptPlan,
    ExternalPeerPlan,
    LinkPlan,
    RoutePlan,
    SubnetPlan,
    VpcPlan,
)
from peerstack.topology import FieldPath, RouteSpec


def plan_routes(
    ctx: Context, links: list[tuple[Declared, LinkPlan]], vpcs: Mapping[str, VpcPlan]
) -> list[RoutePlan]:
    routes: list[RoutePlan] = []
    # (vpc, table, destination) -> (link, path): one destination per table
    placed: dict[tuple[str, str, str], tuple[str, FieldPath]] = {}
    for declared, link in links:
        specs = _side_specs(ctx, declared, link)
        for side in (link.requester, link.accepter):
            own = vpcs[side]
            peer = vpcs[link.peer_of(side)]
            spec, spec_path = specs.get(side, (None, declared.path))
            destinations = _destinations(ctx, spec, spec_path, own, peer)
            tables = _tables(ctx, spec, spec_path, own)
            for table in tables:
                for destination, dest_path in destinations:
                    key = (own.name, table, _normalize(destination))
                    first = placed.get(key)
                    if first is not None:
                        ctx.error(
                            dest_path,
                            f"route table {table!r} of {own.name!r} would route {destination} "
                            f"twice: over {first[0]!r} and over {link.name!r}",
                            hint=_duplicate_hint(own, first[0], link.name),
                        )
                        continue
                    placed[key] = (link.name, dest_path)
                    routes.append(
                        RoutePlan(
                            vpc=own.name,
                            route_table=table,
                            destination=destination,
                            peer=peer.name,
                            link=link.name,
                            ipv6_index=_ipv6_index(destination, peer),
                        )
                    )
    return routes


def plan_accept_routes(
    ctx: Context, accepts: list[Accepted], vpcs: Mapping[str, VpcPlan], routes: list[RoutePlan]
) -> list[RoutePlan]:
    """Our side's routes to each outside peer; a table routes a destination once, whether
    over a link or an accepted connection (``routes`` holds the links' routes)."""
    placed = {(r.vpc, r.route_table, _normalize(r.destination)): r.link for r in routes}
    result: list[RoutePlan] = []
    for accepted in accepts:
        accept = accepted.plan
        own = vpcs[accept.vpc]
        spec = accepted.entry.routes
        path = (*accepted.path, "routes")
        destinations = _external_destinations(ctx, spec, path, own, accept.peer)
        for table in _tables(ctx, spec, path, own):
            for destination, dest_path in destinations:
                key = (own.name, table, _normalize(destination))
                first = placed.get(key)
                if first is not None:
                    ctx.error(
                        dest_path,
                        f"route table {table!r} of {own.name!r} would route {destination} "
                        f"twice: over {first!r} and over {accept.name!r}",
                        hint=_duplicate_hint(own, first, accept.name),
                    )
                    continue
                placed[key] = accept.name
                result.append(
                    RoutePlan(
                        vpc=own.name,
                        route_table=table,
                        destination=destination,
                        peer=accept.peer.name,
                        link=accept.name,
                    )
                )
    return result


def _external_destinations(
    ctx: Context, spec: RouteSpec | None, path: FieldPath, own: VpcPlan, peer: ExternalPeerPlan
) -> list[tuple[str, FieldPath]]:
    """Destinations our side routes to an outside peer: its name (every block, IPv6 too
    when our VPC has IPv6) or literal blocks inside it."""
    whole = [*peer.cidrs, *(peer.ipv6_cidrs if own.ipv6 else ())]
    if spec is None or spec.to is None:
        return [(d, path) for d in whole]
    result: list[tuple[str, FieldPath]] = []
    for index, target in enumerate(spec.to):
        tpath = (*path, "to", index)
        if target == peer.name:
            result.extend((d, tpath) for d in whole)
        elif "/" in target:
            literal = _external_literal(ctx, tpath, target, own, peer)
            if literal is not None:
                result.append((literal, tpath))
        elif "." in target and target.partition(".")[0] == peer.name:
            ctx.error(
                tpath,
                f"{peer.name!r} is outside the topology, so its subnets are unknown to peerstack",
                hint="route to a literal CIDR inside it instead",
            )
        elif target.partition(".")[0] in ctx.topology.vpcs:
            ctx.error(
                tpath,
                f"{target!r} is not the outside peer; destinations must be in {peer.name!r}",
                hint="peering is not transitive: traffic cannot go through this connection to "
                "another VPC",
            )
        else:
            ctx.unknown(tpath, "destination", target, [peer.name])
    return result


def _external_literal(
    ctx: Context, path: FieldPath, text: str, own: VpcPlan, peer: ExternalPeerPlan
) -> str | None:
    try:
        net = parse_network(text)
    except ValueError as exc:
        ctx.error(path, str(exc))
        return None
    if net.version == 6 and not own.ipv6:
        ctx.error(
            path,
            f"{own.name!r} has no IPv6, so it cannot route the IPv6 destination {text!r}",
            hint="drop this destination",
        )
        return None
    blocks = peer.ipv6_cidrs if net.version == 6 else peer.cidrs
    if not any(contains(parse_network(b), net) for b in blocks):
        ctx.error(
            path,
            f"destination {text!r} is not inside the outside peer {peer.name!r} "
            f"({', '.join(blocks) or 'no IPv6 blocks'})",
            hint="a route over a peering can only reach addresses in the peer VPC; list the "
            "peer's blocks under `peer.cidrs` / `peer.ipv6_cidrs`",
        )
        return None
    return text


def _ipv6_index(destination: str, peer: VpcPlan) -> int | None:
    """The ``ipv6_index`` of the subnet a destination ``ipv6:<vpc>.<subnet>`` names."""
    if not destination.startswith(IPV6_PREFIX):
        return None
    name = destination.partition(".")[2]
    return next((s.ipv6_index for s in peer.subnets if name and s.name == name), None)


def _duplicate_hint(vpc: VpcPlan, first: str, second: str) -> str:
    if first == second:
        return "list each destination once"
    return (
        f"the two peers overlap; route more specific destinations (a subnet `peer.subnet` or a "
        f"CIDR) or use different `tables` of {vpc.name!r} for each link"
    )


def _normalize(destination: str) -> str:
    if "/" not in destination:
        return destination
    return str(parse_network(destination))


def _side_specs(
    ctx: Context, declared: Declared, link: LinkPlan
) -> dict[str, tuple[RouteSpec, FieldPath]]:
    if declared.routes is None:
        return {}
    specs: dict[str, tuple[RouteSpec, FieldPath]] = {}
    for vpc, spec in declared.routes.items():
        path = (*declared.path, "routes", vpc)
        if vpc not in (link.requester, link.accepter):
            ctx.error(
                path,
                f"{vpc!r} is not a side of this link ({link.requester!r} -- {link.accepter!r})",
                hint=f"key `routes` by {link.requester!r} or {link.accepter!r}",
            )
            continue
        specs[vpc] = (spec, path)
    return specs


def _destinations(
    ctx: Context, spec: RouteSpec | None, path: FieldPath, own: VpcPlan, peer: VpcPlan
) -> list[tuple[str, FieldPath]]:
    """Destinations one side routes to its peer; literal ones are checked against the peer."""
    if spec is None or spec.to is None:
        return [(d, path) for d in _whole_vpc(own, peer)]
    result: list[tuple[str, FieldPath]] = []
    for index, target in enumerate(spec.to):
        tpath = (*path, "to", index)
        if "/" in target:
            literal = _literal(ctx, tpath, target, own, peer)
            if literal is not None:
                result.append((literal, tpath))
        elif "." in target:
            vpc_name, _, subnet_name = target.partition(".")
            if not _is_peer(ctx, tpath, vpc_name, own, peer):
                continue
            subnet = next((s for s in peer.subnets if s.name == subnet_name), None)
            if subnet is None:
                known = [s.name for s in peer.subnets]
                if not peer.managed:
                    ctx.error(
                        tpath,
                        f"{peer.name!r} is adopted, so its subnets are unknown to peerstack",
                        hint="route to a literal CIDR inside it instead",
                    )
                else:
                    ctx.unknown(tpath, "subnet", subnet_name, known, of=peer.name)
                continue
            result.append((subnet.cidr, tpath))
            if subnet.ipv6 and own.ipv6 and peer.ipv6:
                result.append((f"{IPV6_PREFIX}{peer.name}.{subnet.name}", tpath))
        else:
            if _is_peer(ctx, tpath, target, own, peer):
                result.extend((d, tpath) for d in _whole_vpc(own, peer))
    return result


def _whole_vpc(own: VpcPlan, peer: VpcPlan) -> list[str]:
    destinations = list(peer.cidrs)
    if own.ipv6 and peer.ipv6:
        destinations.extend(peer.ipv6_destination())
    return destinations


def _is_peer(ctx: Context, path: FieldPath, name: str, own: VpcPlan, peer: VpcPlan) -> bool:
    if name == peer.name:
        return True
    if name == own.name:
        ctx.error(
            path,
            f"{own.name!r} cannot route to itself over a peering; destinations must be in "
            f"the peer {peer.name!r}",
            hint=f"write {peer.name!r} (the whole peer) or `{peer.name}.SUBNET`",
        )
    elif name in ctx.topology.vpcs:
        ctx.error(
            path,
            f"{name!r} is not the peer of this link; destinations must be in {peer.name!r}",
            hint="peering is not transitive: traffic cannot go through this link to a third "
            "VPC; peer the two VPCs directly",
        )
    else:
        ctx.unknown(path, "VPC", name, ctx.topology.vpcs, kind="VPC")
    return False


def _literal(ctx: Context, path: FieldPath, text: str, own: VpcPlan, peer: VpcPlan) -> str | None:
    try:
        net = parse_network(text)
    except ValueError as exc:
        ctx.error(path, str(exc))
        return None
    if net.version == 6:
        if not own.ipv6:
            ctx.error(
                path,
                f"{own.name!r} has no IPv6, so it cannot route the IPv6 destination {text!r}",
                hint=f"set `ipv6: true` on {own.name!r}, or drop this destination",
            )
            return None
        if not peer.ipv6:
            ctx.error(
                path,
                f"{peer.name!r} has no IPv6, so {text!r} cannot be inside it",
                hint=f"set `ipv6: true` on {peer.name!r}, or drop this destination",
            )
            return None
        if not peer.ipv6_cidrs:
            ctx.error(
                path,
                f"the IPv6 block of {peer.name!r} is assigned by AWS at deploy time, so "
                f"{text!r} cannot be checked against it",
                hint=f"route {peer.name!r} (its whole IPv4 and IPv6 space) instead",
            )
            return None
        blocks: tuple[str, ...] = peer.ipv6_cidrs
    else:
        blocks = peer.cidrs
    if not any(contains(parse_network(b), net) for b in blocks):
        ctx.error(
            path,
            f"destination {text!r} is not inside the peer {peer.name!r} ({', '.join(blocks)})",
            hint="a route over a peering can only reach addresses in the peer VPC",
        )
        return None
    return text


def _tables(ctx: Context, spec: RouteSpec | None, path: FieldPath, own: VpcPlan) -> list[str]:
    if spec is None or spec.tables is None:
        return list(own.route_tables)
    if own.discovers_route_tables:
        ctx.error(
            (*path, "tables"),
            f"the route tables of {own.name!r} are discovered at deploy time, so none can be "
            "selected by name",
            hint=f"list them under vpcs.{own.name}.existing.route_tables (e.g. "
            "{main: rtb-...}) to select some",
        )
        return []
    tables: list[str] = []
    for index, table in enumerate(spec.tables):
        if table not in own.route_tables:
            ctx.unknown(
                (*path, "tables", index), "route table", table, own.route_tables, of=own.name
            )
        elif table in tables:
            ctx.error((*path, "tables", index), f"route table {table!r} is listed twice")
        else:
            tables.append(table)
    return tables


def check_route_quota(ctx: Context, routes: list[RoutePlan]) -> None:
    limit = ctx.topology.quotas.routes_per_table
    count: dict[tuple[str, str, bool], int] = {}
    for route in routes:
        key = (route.vpc, route.route_table, route.ipv6)
        count[key] = count.get(key, 0) + 1
    for (vpc, table, ipv6), n in count.items():
        if n > limit:
            family = "IPv6" if ipv6 else "IPv4"
            which = "every route table" if table == DISCOVERED else f"route table {table!r}"
            ctx.error(
                ("vpcs", vpc),
                f"{which} of {vpc!r} would hold {n} {family} peering routes; the quota is "
                f"{limit} per table per address family",
                hint=QUOTAS["routes_per_table"].raise_hint("route fewer destinations"),
            )


def endpoint_subnets(vpc: VpcPlan) -> tuple[SubnetPlan, ...] | None:
    """The subnets that are ``vpc``'s endpoints in reachability; None: it is taken whole.

    A VPC whose plan has no subnets is taken whole, by the plan and by verify alike,
    whatever subnets AWS shows: an adopted VPC's subnets are not the topology's (any of
    its tables may serve some), and a created VPC without subnets has only the tables
    that subnets added later would use.
    """
    return vpc.subnets if vpc.managed and vpc.subnets else None


def plan_reachability(
    ctx: Context,
    vpcs: Mapping[str, VpcPlan],
    links: list[LinkPlan],
    routes: list[RoutePlan],
    accepts: Sequence[AcceptPlan] = (),
) -> Reachability:
    """Reachability of the planned network, by the model verify applies to AWS; warnings
    for routes that make nothing reachable.

    Endpoints: each subnet of a created VPC, with its route table, or the VPC taken whole
    (:func:`endpoint_subnets`). Tables hold the planned routes and a local route per
    block of their VPC; an IPv6 block AWS assigns at deploy time is stood for by a
    distinct private block. An outside peer is one endpoint assumed to route our VPC's
    blocks back (:func:`~peerstack._reachability.outside_peers`).
    """
    ipv6 = _ipv6_blocks(vpcs)
    by_table: dict[tuple[str, str], list[RoutePlan]] = defaultdict(list)
    for route in routes:
        by_table[(route.vpc, route.route_table)].append(route)
    origins = {link.name: link.origin for link in links}
    models = [_vpc_model(ctx, vpc, ipv6, by_table, origins) for vpc in vpcs.values()]
    peers, peer_links = outside_peers(
        AcceptedConnection(
            accept.name,
            accept.peer.name,
            tuple(parse_network(c) for c in (*accept.peer.cidrs, *accept.peer.ipv6_cidrs)),
            accept.vpc,
            _blocks(vpcs[accept.vpc], ipv6),
        )
        for accept in accepts
    )
    return reachability(
        [*models, *peers],
        [*(Link(link.name, (link.requester, link.accepter)) for link in links), *peer_links],
    )


def _blocks(vpc: VpcPlan, ipv6: Mapping[str, tuple[Network, ...]]) -> tuple[Network, ...]:
    return (*(parse_network(c) for c in vpc.cidrs), *ipv6.get(vpc.name, ()))


def _vpc_model(
    ctx: Context,
    vpc: VpcPlan,
    ipv6: Mapping[str, tuple[Network, ...]],
    by_table: Mapping[tuple[str, str], list[RoutePlan]],
    origins: Mapping[str, str],
) -> VpcModel:
    """One VPC as planned: its tables' routes (warning about routes that reach nothing)."""
    blocks = _blocks(vpc, ipv6)
    planned_subnets = endpoint_subnets(vpc)
    subnets = (
        None
        if planned_subnets is None
        else [
            SubnetEndpoint(s.name, _subnet_addresses(s, ipv6.get(vpc.name)), s.route_table)
            for s in planned_subnets
        ]
    )
    used = set(vpc.route_tables) if subnets is None else {s.table for s in subnets}
    tables: dict[str, tuple[Route, ...]] = {}
    for table in vpc.route_tables:
        planned = by_table.get((vpc.name, table), [])
        entries: list[tuple[Route, RoutePlan | None]] = [(Route(b), None) for b in blocks]
        entries += [
            (Route(destination, route.link), route)
            for route in planned
            for destination in _destinations_of(route, ipv6)
        ]
        tables[table] = tuple(r for r, _ in entries)
        if not planned:
            continue
        if table not in used:
            _warn_unused(ctx, vpc, table, planned, origins)
        else:
            _warn_covered(ctx, vpc, table, entries)
    return vpc_model(vpc.name, blocks, tables, subnets)


def _warn_unused(
    ctx: Context,
    vpc: VpcPlan,
    table: str,
    planned: list[RoutePlan],
    origins: Mapping[str, str],
) -> None:
    peers = sorted({r.peer for r in planned})
    count = len(planned)
    ctx.warn(
        ("vpcs", vpc.name),
        f"route table {table!r} of {vpc.name!r} gets {count} peering route"
        f"{'s' if count != 1 else ''} (to {', '.join(peers)}) but no subnet uses it: "
        f"{'they make' if count != 1 else 'it makes'} nothing reachable",
        hint=_unused_hint(vpc, sorted({origins.get(r.link, "") for r in planned})),
    )


def _unused_hint(vpc: VpcPlan, declared: list[str]) -> str:
    """What the user can do, where the links that route there were declared: a mesh
    routes every table of its members; a peering or a hub's spoke can pick tables."""
    used = sorted({s.route_table for s in vpc.subnets})
    uses = f"`routes: {{{vpc.name}: {{tables: [{', '.join(used)}]}}}}`"
    meshes = [origin for origin in declared if origin.startswith("meshes")]
    others = [origin for origin in declared if origin and origin not in meshes]
    fixes = [f"give a subnet of {vpc.name!r} no `route_table`, so that it uses the main table"]
    if others:
        fixes.append(f"add {uses} to {', '.join(others)} to route only the tables in use")
    if meshes:
        fixes.append(
            f"a mesh ({', '.join(meshes)}) routes every table of its members: to choose "
            f"the tables of {vpc.name!r}, declare its links as `peerings` with {uses}"
        )
    return "; or ".join(fixes)


def _warn_covered(
    ctx: Context, vpc: VpcPlan, table: str, entries: list[tuple[Route, RoutePlan | None]]
) -> None:
    """Warn about planned routes that more specific routes of their table cover entirely."""
    routes = [r for r, _ in entries]
    for (route, planned), parts in zip(entries, carried(routes), strict=True):
        if planned is None or parts:
            continue
        covering = [
            f"{other.destination}"
            + (f" over {other_plan.link}" if other_plan is not None else " (local)")
            for other, other_plan in entries
            if more_specific(other.destination, route.destination)
        ]
        ctx.warn(
            ("vpcs", vpc.name),
            f"in route table {table!r} of {vpc.name!r}, the route to {planned.destination} "
            f"over {planned.link!r} carries nothing: more specific routes take all of it "
            f"({', '.join(covering)}), so {vpc.name!r} does not reach {planned.peer!r} there",
            hint="route the other peers more narrowly, or use separate `tables` for them",
        )


def _ipv6_blocks(vpcs: Mapping[str, VpcPlan]) -> dict[str, tuple[Network, ...]]:
    """Each VPC's IPv6 blocks: the known ones, or a distinct stand-in for AWS's /56."""
    known = [parse_network(c) for vpc in vpcs.values() for c in vpc.ipv6_cidrs]
    blocks: dict[str, tuple[Network, ...]] = {}
    candidates = _stand_ins()
    for name in sorted(vpcs):
        vpc = vpcs[name]
        if vpc.ipv6_cidrs:
            blocks[name] = tuple(parse_network(c) for c in vpc.ipv6_cidrs)
        elif vpc.ipv6:
            block = next(c for c in candidates if not any(overlaps(c, k) for k in known))
            blocks[name] = (block,)
    return blocks


def _stand_ins() -> Iterator[Network]:
    """/56 blocks of the private range fd00::/8, in order."""
    base = int(ipaddress.IPv6Address("fd00::"))
    for index in itertools.count():
        yield ipaddress.IPv6Network((base + (index << 72), 56))


def _subnet_addresses(subnet: SubnetPlan, ipv6: tuple[Network, ...] | None) -> tuple[Network, ...]:
    """A subnet's IPv4 block, and its /64 of its VPC's (stand-in) IPv6 block if it has one."""
    addresses = [parse_network(subnet.cidr)]
    if subnet.ipv6_index is not None and ipv6:
        addresses.append(parse_network(subnet_ipv6_block(str(ipv6[0]), subnet.ipv6_index)))
    return tuple(addresses)


def _destinations_of(
    route: RoutePlan, ipv6: Mapping[str, tuple[Network, ...]]
) -> tuple[Network, ...]:
    if route.ipv6_of is not None:
        blocks = (
            ipv6.get(route.ipv6_of, ())[:1]
            if route.ipv6_index is not None
            else ipv6.get(route.ipv6_of, ())
        )
        return tuple(parse_network(route.deferred_block(str(b))) for b in blocks)
    return (parse_network(route.destination),)


__all__ = [
    "check_route_quota",
    "endpoint_subnets",
    "plan_accept_routes",
    "plan_reachability",
    "plan_routes",
]
