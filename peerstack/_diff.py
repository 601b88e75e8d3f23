"""``peerstack diff OLD NEW``: what a change to a topology does, before anything is deployed.

Two views, both computed from the two plans and what their programs register (under
Pulumi's mocks: no cloud, no CLI):

- the network: links added, removed or changed, routes added and removed per table,
  security group rules added and removed per group, DNS switched, and reachability
  gained and lost, VPC by VPC;
- the resources: what the engine would create, update, replace and delete, by name. An
  input change is classified with the provider's own rules (ForceNew arguments,
  ``_components/changes.py``); a resource that is replaced gets a new id, so whatever
  takes that id as an input changes too (and is replaced itself when that input is
  ForceNew), as the engine would find.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from peerstack._provider import tokens
from peerstack._provider.changes import RULES, Change, DeleteEffect, classify
from peerstack._provider.imports import split_import_id
from peerstack._results import ChangeSummary, ResourceStep
from peerstack.plan import (
    AcceptPlan,
    LinkPlan,
    Plan,
    RoutePlan,
    SecurityRulePlan,
    TopologySource,
    build_plan,
)

__all__ = ["LinkChange", "ResourceChange", "RouteChange", "RuleChange", "TopologyDiff", "diff"]


@dataclass(frozen=True, slots=True)
class LinkChange:
    """A link added, removed, or changed (``what`` says how)."""

    link: str
    change: str
    """``added``, ``removed`` or ``changed``."""
    what: tuple[str, ...] = ()
    """For a changed link: e.g. ``dns_resolution: on -> off``, ``accepter: app -> api``."""


@dataclass(frozen=True, slots=True)
class RouteChange:
    """A route added to or removed from one route table."""

    vpc: str
    route_table: str
    destination: str
    link: str
    change: str
    """``added`` or ``removed``."""


@dataclass(frozen=True, slots=True)
class RuleChange:
    """A security group rule added to or removed from one group."""

    vpc: str
    group: str
    allows: str
    """``tcp 5432``, ``icmp all``, ``all all``."""
    source: str
    """A block, ``ipv6:<vpc>``, or ``<peer>.<group>`` (a referenced group)."""
    link: str
    change: str
    """``added`` or ``removed``."""


@dataclass(frozen=True, slots=True)
class ResourceChange:
    """What the engine would do to one resource."""

    op: Change
    type: str
    name: str
    keys: tuple[str, ...] = ()
    """The inputs that changed (update, replace), or why it is replaced."""
    note: str | None = None
    """What it means in AWS, when that is not what the operation suggests."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": str(self.op),
            "type": self.type,
            "name": self.name,
            "keys": list(self.keys),
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class TopologyDiff:
    """The difference between two versions of a topology."""

    old: Plan
    new: Plan
    vpcs: tuple[tuple[str, str], ...] = ()
    """``(vpc, change)``: ``added``, ``removed``, or what changed about it."""
    links: tuple[LinkChange, ...] = ()
    routes: tuple[RouteChange, ...] = ()
    security_rules: tuple[RuleChange, ...] = ()
    security_groups: tuple[tuple[str, str, str], ...] = ()
    """``(vpc, group, change)`` for groups peerstack creates: ``added`` or ``removed``."""
    gained: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """VPC -> the peers it reaches in the new version and did not reach before."""
    lost: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """VPC -> the peers it reached before and no longer reaches."""
    resources: tuple[ResourceChange, ...] = ()
    """Every resource that is created, updated, replaced or deleted (``same`` left out)."""

    @property
    def renamed(self) -> bool:
        """The topology's name changes: its resources are named (and its stack found) by
        it, so every resource would be created anew and the old ones left in place."""
        return self.old.topology != self.new.topology

    @property
    def changed(self) -> bool:
        """Anything differs: the network, or any resource."""
        return bool(
            self.vpcs
            or self.links
            or self.routes
            or self.security_rules
            or self.security_groups
            or self.gained
            or self.lost
            or self.resources
        )

    def counts(self) -> dict[str, int]:
        """AWS resources by operation (``{"create": 3, "delete": 1}``), counted as an
        ``up`` counts its changes (:class:`~peerstack.automation.ChangeSummary`): each
        AWS resource once, a replacement once, providers and components not at all."""
        steps = (ResourceStep(op=c.op, type=c.type, name=c.name) for c in self.resources)
        return ChangeSummary.count(steps).to_dict()

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old.topology,
            "new": self.new.topology,
            "changed": self.changed,
            "renamed": self.renamed,
            "vpcs": [{"vpc": vpc, "change": change} for vpc, change in self.vpcs],
            "links": [
                {"link": c.link, "change": c.change, "what": list(c.what)} for c in self.links
            ],
            "routes": [
                {
                    "vpc": r.vpc,
                    "route_table": r.route_table,
                    "destination": r.destination,
                    "link": r.link,
                    "change": r.change,
                }
                for r in self.routes
            ],
            "security_rules": [
                {
                    "vpc": r.vpc,
                    "group": r.group,
                    "allows": r.allows,
                    "source": r.source,
                    "link": r.link,
                    "change": r.change,
                }
                for r in self.security_rules
            ],
            "security_groups": [
                {"vpc": vpc, "group": group, "change": change}
                for vpc, group, change in self.security_groups
            ],
            "reachability": {
                "gained": {k: list(v) for k, v in self.gained.items()},
                "lost": {k: list(v) for k, v in self.lost.items()},
            },
            "resources": {
                "counts": self.counts(),
                "changes": [c.to_dict() for c in self.resources],
            },
        }


def diff(old: TopologySource, new: TopologySource) -> TopologyDiff:
    """Compare two versions of a topology (paths, Topologies, Plans or data).

    Raises TopologyError when either is invalid, naming its file and lines.
    """
    from peerstack._runtime import run_mocked

    old_plan, new_plan = build_plan(old), build_plan(new)
    gained, lost = _reachability(old_plan, new_plan)
    return TopologyDiff(
        old=old_plan,
        new=new_plan,
        vpcs=tuple(_vpcs(old_plan, new_plan)),
        links=tuple(_links(old_plan, new_plan)),
        routes=tuple(_routes(old_plan, new_plan)),
        security_rules=tuple(_rules(old_plan, new_plan)),
        security_groups=tuple(_groups(old_plan, new_plan)),
        gained=gained,
        lost=lost,
        resources=tuple(_resources(run_mocked(old_plan), run_mocked(new_plan))),
    )


# -- the network ---------------------------------------------------------------------------


def _vpcs(old: Plan, new: Plan) -> Iterable[tuple[str, str]]:
    before = {v.name: v for v in old.vpcs}
    after = {v.name: v for v in new.vpcs}
    for name in sorted(before.keys() | after.keys()):
        a, b = before.get(name), after.get(name)
        if a is None:
            yield name, "added"
        elif b is None:
            yield name, "removed"
        else:
            what = []
            for label, x, y in (
                ("account", a.account_id, b.account_id),
                ("region", a.region, b.region),
                ("blocks", ", ".join(a.cidrs), ", ".join(b.cidrs)),
                ("ipv6", _on(a.ipv6), _on(b.ipv6)),
                ("route tables", ", ".join(a.route_tables), ", ".join(b.route_tables)),
                ("subnets", _subnets(a.subnets), _subnets(b.subnets)),
                ("created", _on(a.managed), _on(b.managed)),
            ):
                if x != y:
                    what.append(f"{label}: {x or '-'} -> {y or '-'}")
            if what:
                yield name, "; ".join(what)


def _subnets(subnets: Iterable[Any]) -> str:
    return ", ".join(
        f"{s.name} {s.cidr}"
        + (f" + IPv6 /64 #{s.ipv6_index}" if s.ipv6_index is not None else "")
        + f" ({s.route_table})"
        for s in subnets
    )


def _links(old: Plan, new: Plan) -> Iterable[LinkChange]:
    """Links, and requests accepted from outside (links whose requester is not ours)."""
    before: dict[str, LinkPlan | AcceptPlan] = {k.name: k for k in old.links}
    before.update((k.name, k) for k in old.accepts)
    after: dict[str, LinkPlan | AcceptPlan] = {k.name: k for k in new.links}
    after.update((k.name, k) for k in new.accepts)
    for name in sorted(before.keys() | after.keys()):
        a, b = before.get(name), after.get(name)
        if a is None:
            assert b is not None
            yield LinkChange(name, "added", _accepting("added", b))
        elif b is None:
            yield LinkChange(name, "removed", _accepting("removed", a))
        else:
            if isinstance(a, AcceptPlan) and isinstance(b, AcceptPlan):
                what = tuple(_accept_changes(a, b))
            elif isinstance(a, LinkPlan) and isinstance(b, LinkPlan):
                what = tuple(_link_changes(a, b))
            else:
                what = (f"kind: {_kind(a)} -> {_kind(b)}",)
            if what:
                yield LinkChange(name, "changed", what)


def _kind(link: LinkPlan | AcceptPlan) -> str:
    return "accepted from outside" if isinstance(link, AcceptPlan) else "link"


def _accepting(change: str, link: LinkPlan | AcceptPlan) -> tuple[str, ...]:
    """What an accepted request added or removed is: the request and who made it."""
    if not isinstance(link, AcceptPlan):
        return ()
    peer = link.peer
    return (
        f"{change}: accepts {link.peering_id} from {peer.name} "
        f"({peer.account_id}, {peer.region}) into {link.vpc}",
    )


def _accept_changes(a: AcceptPlan, b: AcceptPlan) -> Iterable[str]:
    for label, x, y in (
        ("request", a.peering_id, b.peering_id),
        ("dns_resolution", _on(a.dns_resolution), _on(b.dns_resolution)),
        ("peer account", a.peer.account_id, b.peer.account_id),
        ("peer region", a.peer.region, b.peer.region),
        (
            "peer blocks",
            ", ".join((*a.peer.cidrs, *a.peer.ipv6_cidrs)),
            ", ".join((*b.peer.cidrs, *b.peer.ipv6_cidrs)),
        ),
    ):
        if x != y:
            yield f"{label}: {x} -> {y}"


def _link_changes(a: LinkPlan, b: LinkPlan) -> Iterable[str]:
    for label, x, y in (
        ("requester", a.requester, b.requester),
        ("accepter", a.accepter, b.accepter),
        ("dns_resolution", _on(a.dns_resolution), _on(b.dns_resolution)),
        ("acceptance", _acceptance(a), _acceptance(b)),
    ):
        if x != y:
            yield f"{label}: {x} -> {y}"


def _acceptance(link: LinkPlan) -> str:
    return "auto-accepted" if link.auto_accept else "accepted by the accepter"


def _routes(old: Plan, new: Plan) -> Iterable[RouteChange]:
    def key(route: RoutePlan) -> tuple[str, str, str, str]:
        return (route.vpc, route.route_table, route.destination, route.link)

    before = {key(r) for r in old.routes}
    after = {key(r) for r in new.routes}
    for vpc, table, destination, link in sorted(before - after):
        yield RouteChange(vpc, table, destination, link, "removed")
    for vpc, table, destination, link in sorted(after - before):
        yield RouteChange(vpc, table, destination, link, "added")


def _groups(old: Plan, new: Plan) -> Iterable[tuple[str, str, str]]:
    before = {(g.vpc, g.name) for g in old.security_groups}
    after = {(g.vpc, g.name) for g in new.security_groups}
    for vpc, group in sorted(before - after):
        yield vpc, group, "removed"
    for vpc, group in sorted(after - before):
        yield vpc, group, "added"


def _rules(old: Plan, new: Plan) -> Iterable[RuleChange]:
    def key(rule: SecurityRulePlan) -> tuple[str, str, str, str, str]:
        return (rule.vpc, rule.group, f"{rule.protocol_name} {rule.ports}", rule.source, rule.link)

    before = {key(r) for r in old.security_rules}
    after = {key(r) for r in new.security_rules}
    for vpc, group, allows, source, link in sorted(before - after):
        yield RuleChange(vpc, group, allows, source, link, "removed")
    for vpc, group, allows, source, link in sorted(after - before):
        yield RuleChange(vpc, group, allows, source, link, "added")


def _reachability(
    old: Plan, new: Plan
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    gained: dict[str, tuple[str, ...]] = {}
    lost: dict[str, tuple[str, ...]] = {}
    for vpc in sorted({v.name for v in old.vpcs} | {v.name for v in new.vpcs}):
        before = set(old.reachability.get(vpc, ()))
        after = set(new.reachability.get(vpc, ()))
        if after - before:
            gained[vpc] = tuple(sorted(after - before))
        if before - after:
            lost[vpc] = tuple(sorted(before - after))
    return gained, lost


def _on(value: bool) -> str:
    return "on" if value else "off"


# -- the resources ------------------------------------------------------------------------


def _resources(old_run: Any, new_run: Any) -> list[ResourceChange]:
    before = {r.urn: r for r in old_run.resources}
    after = {r.urn: r for r in new_run.resources}
    changes: dict[str, ResourceChange] = {}
    # New and kept resources, in registration order, so that a replaced resource is
    # decided before the resources that take its id.
    replaced: set[str] = set()
    for urn, resource in after.items():
        previous = before.get(urn)
        if previous is None:
            if resource.custom:
                # An adopted connection and its existing routes are imported, not created.
                op = Change.IMPORT if resource.import_id else Change.CREATE
                changes[urn] = ResourceChange(op, resource.type, resource.name)
            continue
        refused = _refused_import(previous, resource)
        if refused is not None:
            changes[urn] = ResourceChange(Change.IMPORT, resource.type, resource.name, note=refused)
            continue
        op, keys = classify(resource.type, previous.inputs, resource.inputs)
        reasons = set(keys)
        if previous.provider != resource.provider:
            op, reasons = Change.REPLACE, reasons | {"provider"}
        # Inputs that come from a replaced resource get its new id.
        touched = {
            key
            for key, urns in resource.property_dependencies.items()
            if urns & replaced and key not in ("tags",)
        }
        if touched and op is not Change.REPLACE:
            rules = RULES.get(resource.type)
            if rules is not None and touched & rules.replace_on:
                op = Change.REPLACE
            elif op is Change.SAME:
                op = Change.UPDATE
            reasons |= {f"{key} (new id)" for key in touched}
        if op is Change.REPLACE:
            replaced.add(urn)
        if op is not Change.SAME and resource.custom:
            changes[urn] = ResourceChange(op, resource.type, resource.name, tuple(sorted(reasons)))
    gone = {urn for urn in before if urn not in after}
    # A connection deleted or replaced takes its options and acceptance with it; only
    # without that does deleting them leave something behind in AWS.
    links_gone = {
        before[urn].parent
        for urn in gone | replaced
        if urn in before and before[urn].type == tokens.CONNECTION
    }
    prefix = old_run.plan.topology
    accepted = {f"{prefix}.{a.name}" for a in old_run.plan.accepts}
    for urn in gone:
        resource = before[urn]
        if not resource.custom:
            continue
        rules = RULES.get(resource.type)
        note = None
        if resource.retain_on_delete:
            note = _KEPT
        elif rules is not None and rules.delete is DeleteEffect.NOTHING:
            if resource.parent not in links_gone:  # its link's connection stays
                note = _NOTHING.get(resource.type, "deleting it changes nothing in AWS")
            parent = before.get(resource.parent or "")
            if resource.type == tokens.ACCEPTER and parent is not None:
                if parent.name in accepted:
                    note = _OUTSIDE
        changes[urn] = ResourceChange(Change.DELETE, resource.type, resource.name, note=note)
    order = {
        Change.CREATE: 0,
        Change.IMPORT: 0,
        Change.UPDATE: 1,
        Change.REPLACE: 2,
        Change.DELETE: 3,
    }
    return sorted(
        changes.values(), key=lambda c: (order.get(c.op, 9), c.type != tokens.AWS_PROVIDER, c.name)
    )


_OUTSIDE = "leaves the connection as it is: its requester, outside the topology, deletes it"

_KEPT = "only leaves the stack: it existed before peerstack, which never deletes it"


def _refused_import(previous: Any, resource: Any) -> str | None:
    """Why `up` refuses to import ``resource`` in place of ``previous`` (the pre-flight,
    before anything registers), or None. The engine would import it, then delete what the
    stack held (an import-replacement): a route the stack created, or another connection."""
    if not resource.import_id:
        return None
    new_id = split_import_id(resource.import_id, None)[0]
    if previous.import_id is None:
        if resource.type == tokens.CONNECTION:
            return None  # the stack's own connection, named by its id: nothing to import
        return (
            "refused before deploy: the stack created it, and importing it in its place "
            "would delete it (keep `routes_exist: false` for routes the stack made)"
        )
    if split_import_id(previous.import_id, None)[0] != new_id:
        return (
            f"refused before deploy: the stack holds {previous.import_id}; remove the link "
            "first (what it holds stays in AWS), then adopt the other one"
        )
    return None


_NOTHING = {
    tokens.ACCEPTER: "leaves the connection as it is (the connection's own delete removes it)",
    tokens.OPTIONS: "leaves the DNS options as they are in AWS",
}
