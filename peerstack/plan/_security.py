"""Security groups and rules across peers (``allow``), and the AWS rules they must follow.

A rule goes into a security group the VPC already has (``existing.security_groups``) or
one peerstack creates in a created VPC (``vpcs.<vpc>.security_groups``): peerstack adds
its own rules as standalone resources and never touches the group's other rules. Each
allowed peer CIDR block is one rule (IPv6 where both sides have IPv6); a peer's group is
one rule that references it (``account-id/sg-id`` across accounts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from peerstack._facts.quotas import QUOTAS
from peerstack.plan._context import Context
from peerstack.plan._links import Declared
from peerstack.plan.model import (
    ALL_PROTOCOLS,
    LinkPlan,
    SecurityGroupPlan,
    SecurityRulePlan,
    VpcPlan,
)
from peerstack.topology import Allow, FieldPath

__all__ = ["check_rule_quota", "plan_security_groups", "plan_security_rules"]

_GROUP_NAME_MAX = 255
"""AWS: a security group's name is up to 255 characters."""

ANY_IPV4 = "0.0.0.0/0"
ANY_IPV6 = "::/0"


def plan_security_groups(ctx: Context, vpcs: Mapping[str, VpcPlan]) -> list[SecurityGroupPlan]:
    """The groups peerstack creates in created VPCs, in declaration order."""
    topology = ctx.topology
    groups: list[SecurityGroupPlan] = []
    for vpc_name, vpc in topology.vpcs.items():
        plan = vpcs.get(vpc_name)
        if plan is None:
            continue
        first: dict[str, int] = {}
        for index, name in ctx.items_of(vpc_name, "security_groups", vpc.security_groups):
            path: FieldPath = ("vpcs", vpc_name, "security_groups", index)
            if name in first:
                line = ctx.line(("vpcs", vpc_name, "security_groups", first[name]))
                ctx.error(
                    path,
                    f"security group {name!r} of {vpc_name!r} is listed twice"
                    + (f" (first on line {line})" if line else ""),
                    hint="name each security group of the VPC once",
                )
                continue
            first[name] = index
            group_name = f"{topology.name}-{vpc_name}-{name}"
            if group_name.startswith("sg-") or len(group_name) > _GROUP_NAME_MAX:
                ctx.error(
                    path,
                    f"AWS would refuse the group name {group_name!r} "
                    "(<topology>-<vpc>-<group>): a name is at most 255 characters and "
                    "does not start with 'sg-'",
                    hint="rename the topology (`name`) so that it does not start with 'sg-'",
                )
                continue
            groups.append(
                SecurityGroupPlan(
                    vpc=vpc_name,
                    name=name,
                    group_name=group_name,
                    description=f"peerstack {topology.name}: {name} of {vpc_name}",
                    egress=(ANY_IPV4, ANY_IPV6) if plan.ipv6 else (ANY_IPV4,),
                )
            )
    return groups


def plan_security_rules(
    ctx: Context,
    links: list[tuple[Declared, LinkPlan]],
    vpcs: Mapping[str, VpcPlan],
    groups: list[SecurityGroupPlan],
) -> list[SecurityRulePlan]:
    """Every rule the links' ``allow`` entries make, in declaration order."""
    created: dict[str, set[str]] = {}
    for group in groups:
        created.setdefault(group.vpc, set()).add(group.name)
    _check_group_ids(ctx, vpcs)
    _check_members(ctx)
    rules: list[SecurityRulePlan] = []
    placed: dict[str, tuple[str, FieldPath]] = {}
    """rule key -> (link, where its entry was written)"""
    for declared, link in links:
        for index, allow in enumerate(declared.allow):
            path = (*declared.allow_path, index)
            if allow.to not in (link.requester, link.accepter):
                if declared.peering is not None:
                    ctx.error(
                        (*path, "to"),
                        f"{allow.to!r} is not a side of this link "
                        f"({link.requester!r} -- {link.accepter!r})",
                        hint=f"`to` names the VPC that lets the traffic in: {link.requester!r} "
                        f"or {link.accepter!r}",
                    )
                continue  # a mesh's or hub's entry for another member's links
            own = vpcs[allow.to]
            peer = vpcs[link.peer_of(allow.to)]
            for rule in _rules(ctx, path, allow, own, peer, link, created):
                first = placed.get(rule.key)
                if first is not None:
                    line = ctx.line(first[1])
                    ctx.error(
                        path,
                        f"security group {rule.group!r} of {rule.vpc!r} would get the rule "
                        f"{rule.protocol_name} {rule.ports} from {rule.source} twice: over "
                        f"{first[0]!r}{f' (line {line})' if line else ''} and over {link.name!r}",
                        hint="AWS refuses a rule a group already has "
                        "(InvalidPermission.Duplicate): allow it once, or use another group",
                    )
                    continue
                placed[rule.key] = (link.name, path)
                rules.append(rule)
    return rules


def _rules(
    ctx: Context,
    path: FieldPath,
    allow: Allow,
    own: VpcPlan,
    peer: VpcPlan,
    link: LinkPlan,
    created: Mapping[str, set[str]],
) -> list[SecurityRulePlan]:
    found = _group(ctx, (*path, "group"), allow.group, own, "`to`", created)
    ports = allow.port_range
    protocol = ALL_PROTOCOLS if allow.protocol == "all" else allow.protocol

    def rule(
        group_id: str | None,
        *,
        cidr: str | None = None,
        peer_group: str | None = None,
        referenced: str | None = None,
        referenced_account: str | None = None,
    ) -> SecurityRulePlan:
        return SecurityRulePlan(
            vpc=own.name,
            group=allow.group,
            group_id=group_id,
            referenced_account_id=referenced_account,
            peer=peer.name,
            link=link.name,
            protocol=protocol,
            from_port=ports[0] if ports else None,
            to_port=ports[1] if ports else None,
            cidr=cidr,
            peer_group=peer_group,
            referenced_group_id=referenced,
        )

    if allow.peer_group is not None:
        where = (*path, "peer_group")
        if link.cross_region:
            ctx.error(
                where,
                f"cannot reference security group {allow.peer_group!r} of {peer.name!r} from "
                f"{own.name!r}: they are in different regions ({own.region} and "
                f"{peer.region}), and AWS allows security group references over a peering "
                "only within one region",
                hint="allow the peer's CIDR blocks instead: remove `peer_group`",
            )
            return []
        peer_found = _group(ctx, where, allow.peer_group, peer, "the peer", created)
        if found is None or peer_found is None:
            return []
        group_id, peer_id = found.id, peer_found.id
        if peer_id is None:  # created by peerstack: the id comes from the group resource
            account = peer.account_id if link.cross_account else None
            return [rule(group_id, peer_group=allow.peer_group, referenced_account=account)]
        referenced = f"{peer.account_id}/{peer_id}" if link.cross_account else peer_id
        return [rule(group_id, peer_group=allow.peer_group, referenced=referenced)]
    if found is None:
        return []
    group_id = found.id
    both_ipv6 = own.ipv6 and peer.ipv6
    sources: list[str] = []
    if allow.protocol != "icmpv6":
        sources += peer.cidrs
    if allow.protocol != "icmp" and both_ipv6:
        sources += peer.ipv6_destination()
    if not sources:  # icmpv6 between VPCs that do not both have IPv6
        lacking = " and ".join(repr(v.name) for v in (own, peer) if not v.ipv6)
        ctx.error(
            (*path, "protocol"),
            f"icmpv6 from {peer.name!r}'s blocks allows nothing: {lacking} "
            f"{'has' if ' and ' not in lacking else 'have'} no IPv6",
            hint="give both VPCs IPv6, or allow icmp (IPv4)",
        )
        return []
    return [rule(group_id, cidr=cidr) for cidr in sources]


@dataclass(frozen=True, slots=True)
class _Found:
    id: str | None
    """The adopted group's id; None for a group peerstack creates."""


def _group(
    ctx: Context,
    path: FieldPath,
    name: str,
    vpc: VpcPlan,
    role: str,
    created: Mapping[str, set[str]],
) -> _Found | None:
    """``vpc``'s group ``name``, or None (reported)."""
    if vpc.managed:
        own = created.get(vpc.name, set())
        if name in own:
            return _Found(None)
        if not ctx.topology.vpcs[vpc.name].security_groups:
            ctx.error(
                path,
                f"{vpc.name!r} ({role}) is created by peerstack and declares no security "
                f"groups, so its group {name!r} cannot be found",
                hint=f"declare it: `security_groups: [{name}]` under `vpcs.{vpc.name}`",
            )
            return None
        ctx.unknown(path, "security group", name, sorted(own), of=vpc.name)
        return None
    group_id = vpc.security_groups.get(name)
    if group_id is None:
        ctx.unknown(path, "security group", name, vpc.security_groups, of=vpc.name)
        return None
    return _Found(group_id)


def _check_group_ids(ctx: Context, vpcs: Mapping[str, VpcPlan]) -> None:
    """A security group belongs to one VPC: the same id under two names is a mistake."""
    seen: dict[str, tuple[str, str]] = {}
    for vpc in vpcs.values():
        for name, group_id in vpc.security_groups.items():
            first = seen.get(group_id)
            if first is not None:
                other_vpc, other = first
                ctx.error(
                    ("vpcs", vpc.name, "existing", "security_groups", name),
                    f"{group_id!r} is already named {other!r}"
                    + (f" in VPC {other_vpc!r}" if other_vpc != vpc.name else "")
                    + "; a security group belongs to one VPC and needs one name",
                    hint="name each security group once",
                )
                continue
            seen[group_id] = (vpc.name, name)


def _check_members(ctx: Context) -> None:
    """A mesh's or hub's ``allow`` entry names one of its VPCs."""
    topology = ctx.topology
    for index, mesh in ctx.entries("meshes", topology.meshes):
        for position, allow in enumerate(mesh.allow):
            if allow.to not in mesh.members:
                ctx.error(
                    ("meshes", index, "allow", position, "to"),
                    f"{allow.to!r} is not a member of mesh {mesh.name!r}",
                    hint=f"`to` names a member: {', '.join(repr(m) for m in mesh.members)}",
                )
    for index, hub in ctx.entries("hubs", topology.hubs):
        # A spoke is a VPC's name, or a mapping that names it (with its own routes).
        spokes = {spoke if isinstance(spoke, str) else spoke.vpc for spoke in hub.spokes}
        for position, allow in enumerate(hub.allow):
            if allow.to != hub.hub and allow.to not in spokes:
                ctx.error(
                    ("hubs", index, "allow", position, "to"),
                    f"{allow.to!r} is neither the hub {hub.hub!r} nor one of its spokes",
                    hint=f"`to` names {hub.hub!r} (a rule per spoke) or a spoke",
                )


def check_rule_quota(ctx: Context, rules: list[SecurityRulePlan]) -> None:
    """Inbound rules per group per address family; a group reference counts in both."""
    limit = ctx.topology.quotas.rules_per_security_group
    count: dict[tuple[str, str, str], int] = {}
    created = {(r.vpc, r.group) for r in rules if r.creates_group}
    for rule in rules:
        families = ("IPv4", "IPv6") if rule.cidr is None else ("IPv6" if rule.ipv6 else "IPv4",)
        for family in families:
            key = (rule.vpc, rule.group, family)
            count[key] = count.get(key, 0) + 1
    for (vpc, group, family), n in count.items():
        if n > limit:
            where: FieldPath = (
                (
                    "vpcs",
                    vpc,
                    "security_groups",
                    ctx.topology.vpcs[vpc].security_groups.index(group),
                )
                if (vpc, group) in created
                else ("vpcs", vpc, "existing", "security_groups", group)
            )
            ctx.error(
                where,
                f"security group {group!r} of {vpc!r} would get {n} {family} inbound rules from "
                f"peerstack alone; the quota is {limit} per group per address family",
                hint=QUOTAS["rules_per_security_group"].raise_hint(
                    "allow fewer peers; the group's own rules count too"
                ),
            )
