"""Expanding peerings, meshes and hubs into links, and the checks between two VPCs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from peerstack._cidr import overlaps, parse_network
from peerstack._facts.quotas import QUOTAS
from peerstack._facts.regions import partition
from peerstack.plan._context import Context
from peerstack.plan._vpcs import REGION_UNKNOWN
from peerstack.plan.model import AcceptPlan, LinkPlan, VpcPlan
from peerstack.topology import Allow, ExistingPeering, FieldPath, Peering, RouteSpec, Spoke


@dataclass(frozen=True, slots=True)
class Declared:
    """A link as declared, before the VPCs on both sides are known to be valid."""

    name: str
    requester: str
    accepter: str
    dns_resolution: bool
    origin: str
    path: FieldPath
    """Where to point errors about this link (requester side for peerings)."""
    tags: Mapping[str, str]
    peering: Peering | None = None
    """The explicit peering (None for links of meshes and hubs)."""
    routes: Mapping[str, RouteSpec] | None = None
    """Per-side routes, keyed by VPC name, of a peering or a hub's spoke; their errors point
    under ``path`` (``<path>.routes.<vpc>``)."""
    allow: tuple[Allow, ...] = ()
    """Security group rules of the peering, mesh or hub (entries for other VPCs of a mesh
    or hub included: they apply to the links of the VPC they name)."""
    allow_path: FieldPath = ()
    """Where the ``allow`` list was written."""
    existing: ExistingPeering | None = None
    """The existing connection the link adopts, if any."""
    existing_path: FieldPath = ()
    """Where that connection's id is written."""


def declared_links(ctx: Context) -> list[Declared]:
    """Every link the topology declares, in declaration order, with names, unchecked."""
    topology = ctx.topology
    default_dns = topology.defaults.dns_resolution
    base_tags = topology.defaults.tags
    links: list[Declared] = []
    for index, peering in ctx.entries("peerings", topology.peerings):
        links.append(
            Declared(
                name=peering.name or f"{peering.requester}--{peering.accepter}",
                requester=peering.requester,
                accepter=peering.accepter,
                dns_resolution=_pick(peering.dns_resolution, default_dns),
                origin=f"peerings[{index}]",
                path=("peerings", index),
                tags={**base_tags, **peering.tags},
                peering=peering,
                routes=peering.routes,
                allow=tuple(peering.allow),
                allow_path=("peerings", index, "allow"),
                existing=peering.existing,
                existing_path=("peerings", index, "existing", "peering_id"),
            )
        )
    for index, mesh in ctx.entries("meshes", topology.meshes):
        members = _unique_members(ctx, ("meshes", index, "members"), mesh.members)
        # Requester is the alphabetically first member, so reordering the list (or adding
        # a member anywhere in it) never changes an existing link.
        ordered = sorted(members)
        pairs = [f"{a}--{b}" for i, a in enumerate(ordered) for b in ordered[i + 1 :]]
        _unknown_keys(ctx, ("meshes", index, "existing"), mesh.existing, pairs, "link")
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                links.append(
                    Declared(
                        name=f"{a}--{b}",
                        requester=a,
                        accepter=b,
                        dns_resolution=_pick(mesh.dns_resolution, default_dns),
                        origin=f"meshes[{index}] ({mesh.name})",
                        path=("meshes", index, "members", members[b]),
                        tags={**base_tags, **mesh.tags},
                        allow=tuple(mesh.allow),
                        allow_path=("meshes", index, "allow"),
                        existing=mesh.existing.get(f"{a}--{b}"),
                        existing_path=("meshes", index, "existing", f"{a}--{b}", "peering_id"),
                    )
                )
    for index, hub in ctx.entries("hubs", topology.hubs):
        entries = [s if isinstance(s, Spoke) else Spoke(vpc=s) for s in hub.spokes]
        spokes = _unique_members(ctx, ("hubs", index, "spokes"), [s.vpc for s in entries])
        hub_dns = _pick(hub.dns_resolution, default_dns)
        _unknown_keys(ctx, ("hubs", index, "existing"), hub.existing, list(spokes), "spoke")
        for spoke, position in spokes.items():
            entry = entries[position]
            links.append(
                Declared(
                    name=f"{hub.hub}--{spoke}",
                    requester=hub.hub,
                    accepter=spoke,
                    dns_resolution=_pick(entry.dns_resolution, hub_dns),
                    origin=f"hubs[{index}] ({hub.name or hub.hub})",
                    path=("hubs", index, "spokes", position),
                    tags={**base_tags, **hub.tags},
                    routes=entry.routes,
                    allow=tuple(hub.allow),
                    allow_path=("hubs", index, "allow"),
                    existing=hub.existing.get(spoke),
                    existing_path=("hubs", index, "existing", spoke, "peering_id"),
                )
            )
    return links


def _unknown_keys(
    ctx: Context,
    path: FieldPath,
    existing: Mapping[str, ExistingPeering],
    known: list[str],
    what: str,
) -> None:
    """An adopted connection keyed by a spoke or link the group does not have."""
    for key in existing:
        if key in known:
            continue
        turned = "--".join(reversed(key.split("--", 1)))
        if turned in known:
            ctx.error(
                (*path, key),
                f"unknown {what} {key!r}",
                hint=f"the link is named {turned!r}: the alphabetically first member "
                "requests it. An existing connection requested the other way round needs "
                "a `peerings:` entry instead",
            )
            continue
        ctx.unknown((*path, key), what, key, known)


def _pick(value: bool | None, default: bool) -> bool:
    return default if value is None else value


def _unique_members(ctx: Context, path: FieldPath, names: list[str]) -> dict[str, int]:
    """Name -> first position; a repeated member is an error (it would peer with itself)."""
    seen: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in seen:
            ctx.error(
                (*path, position),
                f"{name!r} is listed twice (first at position {seen[name]})",
                hint="list each VPC once",
            )
            continue
        seen[name] = position
    return seen


def resolve_links(
    ctx: Context, declared: list[Declared], vpcs: Mapping[str, VpcPlan]
) -> list[tuple[Declared, LinkPlan]]:
    """Check each declared link and decide everything about it."""
    all_names = ctx.topology.vpcs
    by_pair: dict[frozenset[str], Declared] = {}
    by_name: dict[str, Declared] = {}
    by_id: dict[str, Declared] = {}
    resolved: list[tuple[Declared, LinkPlan]] = []
    for link in declared:
        ok = True
        for role in ("requester", "accepter"):
            name = getattr(link, role)
            if name not in all_names:
                where = (*link.path, role) if link.peering is not None else link.path
                ctx.unknown(where, "VPC", name, all_names, kind="VPC")
                ok = False
        if not ok:
            continue
        if link.requester == link.accepter:
            ctx.error(
                link.path,
                f"VPC {link.requester!r} cannot be peered with itself",
                hint="a peering connects two different VPCs",
            )
            continue
        pair = frozenset((link.requester, link.accepter))
        first = by_pair.get(pair)
        if first is not None:
            line = ctx.line(first.path)
            ctx.error(
                link.path,
                f"{link.requester!r} and {link.accepter!r} are already peered by "
                f"{first.origin}{f' on line {line}' if line else ''}; AWS allows one "
                "peering connection per VPC pair",
                hint="remove one of the two declarations",
            )
            continue
        by_pair[pair] = link
        other = by_name.get(link.name)
        if other is not None:
            ctx.error(
                (*link.path, "name") if link.peering is not None else link.path,
                f"link name {link.name!r} is already used by {other.origin}",
                hint="give one of the peerings a different `name`",
            )
            continue
        by_name[link.name] = link
        req = vpcs.get(link.requester)
        acc = vpcs.get(link.accepter)
        if req is None or acc is None:
            continue  # the VPC itself is invalid; that problem is already reported
        if partition(req.region) != partition(acc.region) and _known(ctx, req, acc):
            ctx.error(
                link.path,
                f"cannot peer {req.name!r} ({req.region}) with {acc.name!r} ({acc.region}): "
                f"they are in different AWS partitions ({partition(req.region)} and "
                f"{partition(acc.region)})",
                hint="VPC peering never crosses partitions; use a VPN or another transit",
            )
            continue
        _check_overlap(ctx, link, req, acc)
        existing = link.existing
        if existing is not None and not _check_adoptable(ctx, link, existing, req, acc, by_id):
            continue
        resolved.append(
            (
                link,
                LinkPlan(
                    name=link.name,
                    requester=req.name,
                    accepter=acc.name,
                    requester_account_id=req.account_id,
                    accepter_account_id=acc.account_id,
                    requester_region=req.region,
                    accepter_region=acc.region,
                    dns_resolution=link.dns_resolution,
                    origin=link.origin,
                    tags=link.tags,
                    existing_id=existing.peering_id if existing is not None else None,
                    imports_routes=existing is not None and existing.routes_exist,
                    existing_path=link.existing_path if existing is not None else (),
                ),
            )
        )
    return resolved


def _check_adoptable(
    ctx: Context,
    link: Declared,
    existing: ExistingPeering,
    req: VpcPlan,
    acc: VpcPlan,
    by_id: dict[str, Declared],
) -> bool:
    """An existing connection joins VPCs that exist: both sides must be adopted VPCs, and
    one connection is adopted by one link."""
    path = link.existing_path
    created = [v.name for v in (req, acc) if v.managed]
    if created:
        ctx.error(
            path,
            f"link {link.name!r} adopts the existing connection {existing.peering_id!r}, but "
            f"peerstack creates {' and '.join(repr(v) for v in created)}: a connection "
            "that exists can only join VPCs that exist",
            hint="adopt the VPCs too (`existing:` with their vpc_id and cidrs), or drop "
            "`existing` from the peering to request a new connection",
        )
        return False
    first = by_id.get(existing.peering_id)
    if first is not None:
        line = ctx.line(first.existing_path)
        ctx.error(
            path,
            f"the connection {existing.peering_id!r} is already adopted by {first.origin}"
            f"{f' on line {line}' if line else ''}",
            hint="each existing connection joins one pair of VPCs: fix the id",
        )
        return False
    by_id[existing.peering_id] = link
    return True


def _known(ctx: Context, *vpcs: VpcPlan) -> bool:
    """The VPCs' regions are their own (not stand-ins for an invalid `defaults.region`)."""
    return not any(v.region == REGION_UNKNOWN for v in vpcs)


def _check_overlap(ctx: Context, link: Declared, a: VpcPlan, b: VpcPlan) -> None:
    for block_a in (*a.cidrs, *a.ipv6_cidrs):
        net_a = parse_network(block_a)
        for block_b in (*b.cidrs, *b.ipv6_cidrs):
            if overlaps(net_a, parse_network(block_b)):
                ctx.error(
                    link.path,
                    f"cannot peer {a.name!r} and {b.name!r}: {block_a} (of {a.name!r}) "
                    f"overlaps {block_b} (of {b.name!r})",
                    hint="AWS rejects peering between VPCs with overlapping CIDR blocks; "
                    "renumber one VPC or drop this link",
                )
                return


def check_peering_quota(
    ctx: Context, links: list[tuple[Declared, LinkPlan]], accepts: list[AcceptPlan]
) -> None:
    """Every connection of a VPC counts: its links and the outside requests it accepts."""
    limit = ctx.topology.quotas.peerings_per_vpc
    count: dict[str, int] = {}
    for _, link in links:
        count[link.requester] = count.get(link.requester, 0) + 1
        count[link.accepter] = count.get(link.accepter, 0) + 1
    for accept in accepts:
        count[accept.vpc] = count.get(accept.vpc, 0) + 1
    for vpc, n in count.items():
        if n > limit:
            ctx.error(
                ("vpcs", vpc),
                f"{vpc!r} has {n} peering connections; the quota is {limit} per VPC",
                hint=QUOTAS["peerings_per_vpc"].raise_hint("use fewer links"),
            )
