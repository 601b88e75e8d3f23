"""Pre-flight for adoption: read AWS and the stack's state before anything registers, and
refuse what would take over the wrong thing or change what peerstack did not create.

Since Pulumi v3.174 an import is saved in the stack's state *before* the engine diffs it
(pulumi/pulumi#19339; ``pkg/resource/deploy/step_generator.go``): a wrong id is imported,
then the update fails on the replacement it would need, and the wrong connection is in the
stack from then on. A changed import id is an import-replacement that deletes the
original at the end (``step.go``, ImportStep.Apply). So every adopted id is checked
against AWS first, and every import against what the state already holds:

- an adopted VPC exists in its account and region with the blocks and route tables the
  topology lists;
- an adopted connection exists, is live, and joins the link's requester and accepter
  (owners, VPCs, regions) the way round the topology says;
- a route the link says exists (``routes_exist``) is in its table and goes over that
  connection (importing a route to a gateway would re-point it);
- an accepted request joins the peer's account and region to our VPC;
- a resource the state holds as created by peerstack is never imported in its place
  (the import-replacement would delete it), and one it holds as imported keeps its import
  id (:attr:`Preflight.kept_imports`), or is refused when the topology now names another
  object for it.

Pure checks over a :class:`~peerstack.verify.Snapshot` (:func:`check_adoption`), and one
read (:func:`preflight`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from peerstack._cidr import aws_network
from peerstack._facts.peering import ADOPTABLE, PeeringStatus
from peerstack._provider.imports import split_import_id
from peerstack.errors import PreflightError, Problem
from peerstack.plan import MAIN, AcceptPlan, LinkPlan, Plan, VpcPlan, planned_imports
from peerstack.plan._imports import PlannedImport
from peerstack.verify._aws import ClientFactory
from peerstack.verify._read import read_snapshot
from peerstack.verify._snapshot import PeeringSide, Snapshot

__all__ = ["Preflight", "StateResource", "adopts_anything", "check_adoption", "preflight"]

ProviderRegion = Callable[[str], str | None]
"""Account alias -> the region its provider acts in."""


@dataclass(frozen=True, slots=True)
class StateResource:
    """What the pre-flight needs of one resource of the stack's state."""

    type: str
    name: str
    id: str
    import_id: str = ""
    """The id it was imported with; "" when peerstack created it."""
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Preflight:
    """What the pre-flight found, for the program to use."""

    kept_imports: Mapping[str, str] = field(default_factory=dict)
    """Resource name -> the import id the state holds, registered again as it is so that
    the engine never imports a resource in place of itself."""
    discovered: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """VPC name -> the route tables found for an adopted VPC that lists none."""


def adopts_anything(plan: Plan) -> bool:
    """The plan takes over something that exists (so there is something to check)."""
    return any(not v.managed for v in plan.vpcs) or bool(plan.accepts)


def preflight(
    plan: Plan,
    clients: ClientFactory,
    *,
    prefix: str,
    provider_region: ProviderRegion,
    state: Iterable[StateResource] = (),
) -> Preflight:
    """Read AWS for what ``plan`` adopts and check it, and the stack's ``state``, before
    anything registers; raise :class:`~peerstack.errors.PreflightError` listing every
    problem (each at its place in the topology file, with a hint)."""
    held = list(state)
    if not adopts_anything(plan) and not any(r.import_id for r in held):
        return Preflight()
    snapshot = read_snapshot(_adopted_part(plan), clients)
    problems, result = check_adoption(
        plan, snapshot, prefix=prefix, provider_region=provider_region, state=held
    )
    if problems:
        raise PreflightError(problems)
    return result


def _adopted_part(plan: Plan) -> Plan:
    """The part of ``plan`` the pre-flight reads: adopted VPCs, the connections they
    adopt (between adopted VPCs only) and the requests they accept."""
    links = tuple(link for link in plan.links if link.adopted)
    return replace(
        plan,
        vpcs=tuple(v for v in plan.vpcs if not v.managed),
        links=links,
        routes=tuple(r for r in plan.routes if r.link in {link.name for link in links}),
        security_rules=(),
        security_groups=(),
    )


def check_adoption(
    plan: Plan,
    snapshot: Snapshot,
    *,
    prefix: str,
    provider_region: ProviderRegion,
    state: Iterable[StateResource] = (),
) -> tuple[list[Problem], Preflight]:
    """Every way AWS and the state differ from what ``plan`` adopts (pure)."""
    check = _Check(plan, snapshot)
    for vpc in plan.vpcs:
        if not vpc.managed:
            check.vpc(vpc)
    for link in plan.links:
        if link.existing_id is not None and check.vpcs_found(link):
            check.link(link)
    for accept in plan.accepts:
        check.accept(accept)
    discovered = {
        vpc.name: tuple(sorted(t.id for t in snapshot.tables_of(vpc.vpc_id or "")))
        for vpc in plan.vpcs
        if not vpc.managed and vpc.discovers_route_tables
    }
    imports = list(planned_imports(plan, prefix, provider_region, discovered))
    for planned in imports:
        if planned.type.endswith(":Route"):
            check.route(planned)
    kept = check.state(state, imports)
    ordered = sorted(dict.fromkeys(check.problems), key=Problem.sort_key)
    return ordered, Preflight(kept_imports=kept, discovered=discovered)


class _Check:
    def __init__(self, plan: Plan, snapshot: Snapshot) -> None:
        self.plan = plan
        self.snapshot = snapshot
        self.problems: list[Problem] = []
        self.found = {v.id: v for v in snapshot.vpcs}
        self.refused: set[str] = set()
        """Links whose connection is refused: their routes are not checked too."""

    def error(self, path: tuple[str | int, ...], message: str, hint: str | None) -> None:
        self.problems.append(self.plan.source.problem(path, message, hint))

    # -- adopted VPCs ----------------------------------------------------------------------

    def vpc(self, vpc: VpcPlan) -> None:
        path: tuple[str | int, ...] = ("vpcs", vpc.name, "existing")
        found = self.found.get(vpc.vpc_id or "")
        if found is None or (found.account_id, found.region) != (vpc.account_id, vpc.region):
            self.error(
                (*path, "vpc_id"),
                f"there is no VPC {vpc.vpc_id!r} in account {vpc.account_id} "
                f"({vpc.account!r}), region {vpc.region}",
                "check the id, and the VPC's `account` and `region` (or the defaults)",
            )
            return
        missing = [c for c in vpc.cidrs if str(aws_network(c)) not in found.cidrs]
        missing += [c for c in vpc.ipv6_cidrs if str(aws_network(c)) not in found.ipv6_cidrs]
        if missing:
            self.error(
                (*path, "cidrs"),
                f"{vpc.name!r} ({vpc.vpc_id}) has no block {', '.join(missing)}; AWS has "
                f"{', '.join((*found.cidrs, *found.ipv6_cidrs))}",
                "list the blocks the VPC has (peers route to them)",
            )
        tables = {t.id: t for t in self.snapshot.tables_of(found.id)}
        for key, table_id in vpc.route_table_ids.items():
            table = tables.get(table_id)
            if table is None:
                self.error(
                    (*path, "route_tables", key),
                    f"route table {table_id!r} ({key!r}) is not a table of {vpc.name!r} "
                    f"({vpc.vpc_id}); its tables: {', '.join(sorted(tables)) or 'none'}",
                    "copy the ids from the VPC's route tables in AWS",
                )
            elif key == MAIN and not table.main:
                main = next((t.id for t in tables.values() if t.main), "none")
                self.error(
                    (*path, "route_tables", key),
                    f"{table_id!r} is not the main route table of {vpc.name!r} "
                    f"({vpc.vpc_id}); the main table is {main}",
                    "name the main table `main`, and others by names of your own",
                )

    # -- adopted connections ---------------------------------------------------------------

    def vpcs_found(self, link: LinkPlan) -> bool:
        """Both VPCs of the link were found (else their own problems say it)."""
        return all(
            self.plan.vpc(name).vpc_id in self.found for name in (link.requester, link.accepter)
        )

    def link(self, link: LinkPlan) -> None:
        before = len(self.problems)
        self._link(link)
        if len(self.problems) > before:
            self.refused.add(link.name)

    def _link(self, link: LinkPlan) -> None:
        assert link.existing_id is not None
        path = link.existing_path
        requester, accepter = self.plan.vpc(link.requester), self.plan.vpc(link.accepter)
        connection = self.snapshot.peering(link.existing_id)
        if connection is None:
            self.error(
                path,
                f"there is no peering connection {link.existing_id!r} between "
                f"{link.requester!r} ({requester.vpc_id}) and {link.accepter!r} "
                f"({accepter.vpc_id})",
                "copy the id of the connection that joins them (the `pcx-...` AWS shows "
                "for either VPC)",
            )
            return
        if connection.status not in ADOPTABLE:
            self.error(
                path,
                f"{connection.id} is {connection.status!r}: only a live connection (active "
                "or pending acceptance) can be adopted",
                "remove `existing:` so that peerstack requests a new connection",
            )
            return
        wanted = (_side_of(requester), _side_of(accepter))
        found = (_where(connection.requester), _where(connection.accepter))
        if found == wanted:
            return
        if found == wanted[::-1]:
            self.error(
                path,
                f"{connection.id} was requested by {link.accepter!r} ({accepter.vpc_id}) and "
                f"accepted by {link.requester!r}: the link has them the other way round, so "
                "importing it would have to replace it",
                f"write `requester: {link.accepter}` and `accepter: {link.requester}`",
            )
            return
        self.error(
            path,
            f"{connection.id} joins {_shown(connection.requester)} (requester) and "
            f"{_shown(connection.accepter)} (accepter), not {link.requester!r} "
            f"({_shown_plan(requester)}) and {link.accepter!r} ({_shown_plan(accepter)})",
            f"this is another connection: use the id of the one between {link.requester!r} "
            f"and {link.accepter!r}, or remove `existing:` to request one",
        )

    def route(self, planned: PlannedImport) -> None:
        """A route ``routes_exist`` says is there goes over the adopted connection."""
        link = self.plan.link(planned.link)
        connection = self.snapshot.peering(link.existing_id or "")
        if connection is None or link.name in self.refused or not self.vpcs_found(link):
            return  # the connection's own problem says it
        table_id, _, destination = planned.resource_id.partition("_")
        table = next(
            (t for vpcs in self.found for t in self.snapshot.tables_of(vpcs) if t.id == table_id),
            None,
        )
        if table is None:
            return  # the VPC's own problem says it
        normal = str(aws_network(destination))
        route = next((r for r in table.routes if r.destination == normal), None)
        path = (*link.existing_path[:-1], "routes_exist")
        if route is None:
            self.error(
                path,
                f"there is no route to {destination} in {table_id}, which `routes_exist` says "
                f"the link {link.name!r} has",
                "set `routes_exist: false` so that peerstack creates the link's routes",
            )
        elif route.target != connection.id:
            self.error(
                path,
                f"the route to {destination} in {table_id} goes to {route.target}, not over "
                f"{connection.id}: importing it would re-point it to the peering",
                f"leave {destination} out of the link's `routes` in that table, or point "
                "the route at the peering first",
            )

    # -- accepted requests -----------------------------------------------------------------

    def accept(self, accept: AcceptPlan) -> None:
        own = self.plan.vpc(accept.vpc)
        if own.vpc_id not in self.found:
            return  # the VPC's own problem says it
        path = (*accept.path, "peering_id")
        connection = self.snapshot.peering(accept.peering_id)
        if connection is None:
            self.error(
                path,
                f"there is no peering request {accept.peering_id!r} to {accept.vpc!r} "
                f"({own.vpc_id})",
                f"ask {accept.peer.name!r} for the id of its current request",
            )
            return
        if connection.status not in (PeeringStatus.PENDING_ACCEPTANCE, *ADOPTABLE):
            self.error(
                path,
                f"{connection.id} is {connection.status!r}: there is nothing to accept",
                f"ask {accept.peer.name!r} for a new request",
            )
            return
        if connection.accepter.vpc_id != own.vpc_id:
            self.error(
                path,
                f"{connection.id} is a request to {connection.accepter.vpc_id}, not to "
                f"{accept.vpc!r} ({own.vpc_id})",
                "check the id: accept only requests made to this VPC",
            )
            return
        peer = connection.requester
        if (peer.account_id, peer.region) != (accept.peer.account_id, accept.peer.region):
            self.error(
                path,
                f"{connection.id} was requested from account {peer.account_id or '?'}, "
                f"{peer.region or '?'}, not by {accept.peer.name!r} "
                f"({accept.peer.account_id}, {accept.peer.region})",
                "check the request's id and the peer's account and region",
            )

    # -- the stack's state -------------------------------------------------------------------

    def state(self, state: Iterable[StateResource], imports: list[PlannedImport]) -> dict[str, str]:
        held = {(r.type, r.name): r for r in sorted(state, key=lambda r: (r.type, r.name))}
        planned = {(p.type, p.name): p for p in imports}
        kept: dict[str, str] = {}
        for key, resource in held.items():
            plan = planned.get(key)
            if plan is None:
                if resource.import_id:
                    kept[resource.name] = resource.import_id  # imported once: stays so
                continue
            if not resource.import_id:
                if plan.import_id != resource.id:
                    self._created(resource, plan)
                continue
            if _same_object(resource, plan):
                kept[resource.name] = resource.import_id
            else:
                self._other_object(resource, plan)
        return kept

    def _created(self, resource: StateResource, plan: PlannedImport) -> None:
        link = self.plan.link(plan.link)
        what = "route" if plan.type.endswith(":Route") else "connection"
        field_name = "routes_exist" if what == "route" else "peering_id"
        self.error(
            (*link.existing_path[:-1], field_name),
            f"the stack created the {what} {resource.name!r} ({resource.id}) itself; "
            f"importing {plan.import_id} in its place would delete it",
            "set `routes_exist: false` (the stack keeps managing the routes it created)"
            if what == "route"
            else "remove `existing:` from this link: the stack already manages its connection",
        )

    def _other_object(self, resource: StateResource, plan: PlannedImport) -> None:
        link = self.plan.link(plan.link)
        self.error(
            link.existing_path,
            f"the stack holds {resource.import_id} for {resource.name!r}, which the topology "
            f"now takes as {plan.import_id}: importing it in place of the other would make "
            "Pulumi delete what it holds",
            f"remove the link {link.name!r} and `up` (peerstack lets go of "
            f"{resource.import_id} without deleting it), then add it back with the new id",
        )


def _side_of(vpc: VpcPlan) -> tuple[str, str, str]:
    return (vpc.vpc_id or "", vpc.account_id, vpc.region)


def _where(side: PeeringSide) -> tuple[str, str, str]:
    return (side.vpc_id, side.account_id, side.region)


def _shown(side: PeeringSide) -> str:
    return f"{side.vpc_id} (account {side.account_id or '?'}, {side.region or '?'})"


def _shown_plan(vpc: VpcPlan) -> str:
    return f"{vpc.vpc_id}, account {vpc.account_id}, {vpc.region}"


def _same_object(resource: StateResource, plan: PlannedImport) -> bool:
    """Both ids name one AWS object: only the ``@region`` suffix may differ."""
    held_id, held_region = split_import_id(resource.import_id, None)
    return held_id == plan.resource_id and (held_region or resource.region) in (
        None,
        plan.region,
    )
