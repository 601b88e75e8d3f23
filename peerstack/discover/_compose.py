"""From what was read to a draft topology that adopts all of it.

- Every VPC the accounts own becomes an ``existing:`` VPC with its blocks, every route
  table by name (``main`` for the main table) and the security groups the ``allow``
  entries name. A default VPC is adopted only when a connection joins it.
- Every active connection between two of those VPCs becomes a ``peerings`` entry that
  adopts it (``existing: {peering_id, routes_exist: true}``), requester and accepter as
  AWS has them, with each side's routes over it as they are (:mod:`._routes`) and its
  remote DNS resolution.
- Every active request from an account not discovered, accepted by one of ours, becomes
  an ``accepts`` entry.
- Everything else that touches these VPCs is a finding, and a comment where it helps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from peerstack._facts.peering import PeeringStatus
from peerstack.discover._draft import Draft, Entry
from peerstack.discover._estate import Estate
from peerstack.discover._names import choose_names
from peerstack.discover._report import Finding, FindingKind
from peerstack.discover._routes import SideRoutes, side_routes
from peerstack.discover._rules import Allowed, NotExpressible, Side, allowed_rules
from peerstack.discover._yaml import flow
from peerstack.plan import MAIN, AccountPlan
from peerstack.verify import PeeringSide, PeeringSnapshot, VpcSnapshot

__all__ = ["compose"]


def compose(estate: Estate, name: str, *, include_default_vpcs: bool = False) -> Draft:
    """A draft topology adopting what ``estate`` holds, with its findings."""
    return _Composer(estate, name, include_default_vpcs).compose()


@dataclass(frozen=True, slots=True)
class _Vpc:
    """An adopted VPC: what was read, its name and its tables' and groups' names."""

    found: VpcSnapshot
    name: str
    account: AccountPlan
    tables: Mapping[str, str]
    """Route table id -> name, the main table first."""
    groups: Mapping[str, str]
    """Security group id -> name."""


class _Composer:
    def __init__(self, estate: Estate, name: str, include_default_vpcs: bool) -> None:
        self.estate = estate
        self.findings: list[Finding] = []
        self.vpcs: dict[str, _Vpc] = {}
        """VPC id -> the adopted VPC."""
        self.used_groups: dict[str, set[str]] = {}
        self.outside_names: dict[str, str] = {}
        self.draft = Draft(name=name, accounts={}, defaults={})
        self.tables = {t.id: t for t in estate.snapshot.route_tables}
        self._adopt_vpcs(include_default_vpcs)

    # -- VPCs, and the names of what they hold -------------------------------------------

    def _adopt_vpcs(self, include_default_vpcs: bool) -> None:
        snapshot = self.estate.snapshot
        live = {
            side.vpc_id
            for c in snapshot.peerings
            if not c.ended
            for side in (c.requester, c.accepter)
        }
        chosen: list[VpcSnapshot] = []
        for vpc in self._ordered(snapshot.vpcs):
            skipped = vpc.id in self.estate.default_vpcs and vpc.id not in live
            if skipped and not include_default_vpcs:
                self._finding(
                    FindingKind.DEFAULT_VPC_SKIPPED,
                    vpc.id,
                    f"default VPC {vpc.id} ({', '.join(vpc.cidrs)}) is not adopted: no "
                    "connection joins it",
                    hint="pass --include-default-vpcs to adopt default VPCs too",
                    place=(vpc.account_id, vpc.region),
                )
                continue
            chosen.append(vpc)
        names = choose_names((v.id, v.tags.get("Name")) for v in chosen)
        self._collisions("VPCs", names.collisions)
        for vpc in chosen:
            account = self.estate.account_of(vpc.account_id)
            assert account is not None  # only the accounts' own VPCs are read
            self.vpcs[vpc.id] = _Vpc(
                vpc, names.names[vpc.id], account, self._table_names(vpc), self._group_names(vpc)
            )

    def _ordered(self, vpcs: Sequence[VpcSnapshot]) -> list[VpcSnapshot]:
        accounts = [a.id for a in self.estate.accounts]
        regions = list(self.estate.regions)
        return sorted(
            vpcs,
            key=lambda v: (
                accounts.index(v.account_id),
                regions.index(v.region),
                v.tags.get("Name", ""),
                v.id,
            ),
        )

    def _table_names(self, vpc: VpcSnapshot) -> dict[str, str]:
        tables = sorted(self.estate.snapshot.tables_of(vpc.id), key=lambda t: (not t.main, t.id))
        others = [t for t in tables if not t.main]
        names = choose_names(((t.id, t.tags.get("Name")) for t in others), taken=(MAIN,))
        self._collisions(f"route tables of {vpc.id}", names.collisions)
        found = {t.id: MAIN for t in tables if t.main}
        found.update(sorted(names.names.items(), key=lambda item: item[1]))
        return found

    def _group_names(self, vpc: VpcSnapshot) -> dict[str, str]:
        groups = self.estate.groups_of(vpc.id)
        return dict(choose_names((g.id, g.name) for g in groups).names)

    def _collisions(self, what: str, collisions: Mapping[str, Sequence[str]]) -> None:
        for name, ids in collisions.items():
            self._finding(
                FindingKind.NAME_COLLISION,
                ", ".join(ids),
                f"{len(ids)} {what} would be named {name!r} (or the name is taken): each "
                "got its id appended",
                hint="give them distinct Name tags in AWS before discovering again, if you like",
            )

    def _finding(
        self,
        kind: FindingKind,
        subject: str,
        message: str,
        *,
        hint: str | None = None,
        place: tuple[str | None, str | None] = (None, None),
        changes_aws: bool = False,
        entry: dict[str, Any] | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                kind=kind,
                subject=subject,
                message=message,
                hint=hint,
                account_id=place[0],
                region=place[1],
                changes_aws=changes_aws,
                entry=entry,
            )
        )

    # -- the draft -------------------------------------------------------------------------

    def compose(self) -> Draft:
        for connection in self.estate.snapshot.peerings:
            self._connection(connection)
        self._accounts_and_defaults()
        for vpc in self.vpcs.values():
            self.draft.vpcs[vpc.name] = self._vpc_entry(vpc)
        self.draft.header = self._header()
        self.draft.findings = self.findings
        return self.draft

    def _accounts_and_defaults(self) -> None:
        for account in self.estate.accounts:
            written: dict[str, Any] = {"id": account.id}
            for key in ("role_arn", "external_id", "profile"):
                if getattr(account, key):
                    written[key] = getattr(account, key)
            self.draft.accounts[account.alias] = written
        aliases = Counter(v.account.alias for v in self.vpcs.values())
        regions = Counter(v.found.region for v in self.vpcs.values())
        self.draft.defaults = {
            "account": _most_common(aliases, [a.alias for a in self.estate.accounts]),
            "region": _most_common(regions, list(self.estate.regions)),
        }

    def _header(self) -> list[str]:
        accounts = ", ".join(f"{a.alias} ({a.id})" for a in self.estate.accounts)
        return [
            f"Discovered by `peerstack discover` in {accounts}; regions "
            f"{', '.join(self.estate.regions)}.",
            "Every VPC, route table and connection below exists and is adopted as it is:",
            "`peerstack preview` shows imports, and applying it changes nothing in AWS but",
            "what the report says. Comments mark each choice discover made.",
        ]

    def _vpc_entry(self, vpc: _Vpc) -> Entry:
        found = vpc.found
        spell = self.estate.spell
        existing: dict[str, Any] = {"vpc_id": found.id, "cidrs": [spell(c) for c in found.cidrs]}
        if found.ipv6_cidrs:
            existing["ipv6_cidrs"] = [spell(c) for c in found.ipv6_cidrs]
        existing["route_tables"] = {name: table_id for table_id, name in vpc.tables.items()}
        used = self.used_groups.get(found.id, set())
        if used:
            existing["security_groups"] = {
                vpc.groups[g]: g for g in sorted(used, key=lambda g: vpc.groups[g])
            }
        data: dict[str, Any] = {}
        if vpc.account.alias != self.draft.defaults["account"]:
            data["account"] = vpc.account.alias
        if found.region != self.draft.defaults["region"]:
            data["region"] = found.region
        data["existing"] = existing
        entry = Entry(data, found.id, place=(found.account_id, found.region))
        tag = found.tags.get("Name")
        default = " (the default VPC)" if found.id in self.estate.default_vpcs else ""
        entry.note((), f"{found.id}{default}" + (f", Name {tag!r}" if tag else ", no Name tag"))
        for table_id, name in vpc.tables.items():
            entry.note(("existing", "route_tables", name), self._table_note(table_id, name))
        return entry

    def _table_note(self, table_id: str, name: str) -> str:
        table = self.tables[table_id]
        explicit = len(table.subnet_ids)
        vpc_subnets = len(self.estate.snapshot.subnets_of(table.vpc_id))
        if table.main:
            used = vpc_subnets - sum(
                len(t.subnet_ids) for t in self.estate.snapshot.tables_of(table.vpc_id)
            )
            usage = "main table, " + (f"used by {used} subnet(s)" if used else "no subnet uses it")
        else:
            usage = f"used by {explicit} subnet(s)" if explicit else "no subnet uses it"
        tag = table.tags.get("Name")
        return f"{usage}" + (f"; Name {tag!r}" if tag and name != MAIN else "")

    # -- connections ---------------------------------------------------------------------

    def _connection(self, connection: PeeringSnapshot) -> None:
        requester = self.vpcs.get(connection.requester.vpc_id)
        accepter = self.vpcs.get(connection.accepter.vpc_id)
        if requester is None and accepter is None:
            return
        if connection.ended:
            self._ended(connection, requester or accepter)
        elif requester is not None and accepter is not None:
            if connection.status == PeeringStatus.ACTIVE:
                self._link(connection, requester, accepter)
            else:
                self._pending(connection, requester, accepter)
        else:
            self._half(connection, requester, accepter)

    def _routes_over(self, connection: PeeringSnapshot, vpc: _Vpc) -> list[str]:
        return [
            f"{vpc.tables[t.id]}: {r.destination}"
            for t in self.estate.snapshot.tables_of(vpc.found.id)
            for r in t.routes
            if r.target == connection.id
        ]

    def _ended(self, connection: PeeringSnapshot, vpc: _Vpc | None) -> None:
        assert vpc is not None
        routes = self._routes_over(connection, vpc)
        extra = (
            f"; {vpc.name!r} still routes over it ({'; '.join(routes)}): blackholes verify reports"
            if routes
            else ""
        )
        self._finding(
            FindingKind.CONNECTION_ENDED,
            connection.id,
            f"{connection.id} is {connection.status!r}: skipped, it carries no traffic{extra}",
            hint="delete the routes over it" if routes else None,
            place=(vpc.found.account_id, vpc.found.region),
        )
        self.draft.footer.append(f"{connection.id}: {connection.status} (skipped)")

    def _pending(self, connection: PeeringSnapshot, requester: _Vpc, accepter: _Vpc) -> None:
        self._finding(
            FindingKind.CONNECTION_PENDING,
            connection.id,
            f"{connection.id} is {connection.status!r}: requested by {requester.name!r}, to be "
            f"accepted by {accepter.name!r}; not adopted, since accepting it is a decision",
            hint="accept it in AWS and discover again; or declare the peering with `existing: "
            f"{{peering_id: {connection.id}, routes_exist: false}}`, and `up` accepts it",
            place=(requester.found.account_id, requester.found.region),
        )
        self.draft.footer.append(
            f"{connection.id}: {connection.status} from {requester.name} to {accepter.name} "
            "(not adopted: see the report)"
        )

    def _half(
        self, connection: PeeringSnapshot, requester: _Vpc | None, accepter: _Vpc | None
    ) -> None:
        """A connection with one side discovered."""
        ours = requester or accepter
        assert ours is not None
        other = connection.accepter if requester is not None else connection.requester
        place = (ours.found.account_id, ours.found.region)
        if self.estate.account_of(other.account_id) is not None:
            self._finding(
                FindingKind.PEER_NOT_DISCOVERED,
                connection.id,
                f"{connection.id} joins {ours.name!r} with {other.vpc_id} in account "
                f"{other.account_id}, {other.region or '?'}, which was not read: not adopted",
                hint=f"discover again with --region {other.region}" if other.region else None,
                place=place,
            )
            self.draft.footer.append(
                f"{connection.id}: {connection.status}, to {other.vpc_id} (not read)"
            )
        elif requester is not None:
            self._finding(
                FindingKind.REQUEST_TO_OUTSIDE,
                connection.id,
                f"{requester.name!r} requested {connection.id} ({connection.status}) to "
                f"{other.vpc_id} in account {other.account_id}, which is not discovered: a "
                "topology adopts connections between its own VPCs, and accepts requests from "
                "outside only",
                hint=f"discover account {other.account_id} too, to adopt the connection",
                place=place,
            )
            self.draft.footer.append(
                f"{connection.id}: {connection.status}, requested by {requester.name} to account "
                f"{other.account_id} (see the report)"
            )
        else:
            assert accepter is not None
            self._accept(connection, accepter, other)

    # -- adopted connections -------------------------------------------------------------

    def _link(self, connection: PeeringSnapshot, requester: _Vpc, accepter: _Vpc) -> None:
        place = (requester.found.account_id, requester.found.region)
        dns = self._dns(connection, requester, accepter)
        routes = {
            requester.name: self._side_routes(connection, requester, accepter),
            accepter.name: self._side_routes(connection, accepter, requester),
        }
        data: dict[str, Any] = {
            "requester": requester.name,
            "accepter": accepter.name,
            "existing": {"peering_id": connection.id, "routes_exist": True},
            "dns_resolution": dns,
            "routes": {side: spec.entry(self.estate.spell) for side, spec in routes.items()},
        }
        entry = Entry(data, connection.id, (requester.name, accepter.name), place=place)
        tag = connection.tags.get("Name")
        entry.note(
            (),
            f"{connection.id}" + (f" (Name {tag!r})" if tag else "") + f": active; requested "
            f"in {requester.account.alias} {requester.found.region}, accepted in "
            f"{accepter.account.alias} {accepter.found.region}",
        )
        if connection.requester.dns_resolution != connection.accepter.dns_resolution:
            entry.note(("dns_resolution",), self._dns_note(connection))
        for side, spec in routes.items():
            self._left_out(entry, connection, side, spec)
        self._allow(entry, requester, accepter)
        self.draft.peerings.append(entry)

    def _dns(self, connection: PeeringSnapshot, requester: _Vpc, accepter: _Vpc) -> bool:
        sides = (connection.requester.dns_resolution, connection.accepter.dns_resolution)
        if sides[0] == sides[1]:
            return sides[0]
        changed = requester if sides[0] else accepter
        self._finding(
            FindingKind.DNS_DIFFERS,
            connection.id,
            f"{self._dns_note(connection)}: `up` turns remote DNS resolution off on the "
            f"side of {changed.name!r}",
            hint="a link has one `dns_resolution`: write `true` to turn it on on both sides "
            "instead",
            place=(changed.found.account_id, changed.found.region),
            changes_aws=True,
        )
        return False

    @staticmethod
    def _dns_note(connection: PeeringSnapshot) -> str:
        requester = "on" if connection.requester.dns_resolution else "off"
        accepter = "on" if connection.accepter.dns_resolution else "off"
        return (
            f"dns_resolution differs per side in AWS (requester {requester}, accepter "
            f"{accepter}): kept off"
        )

    def _side_routes(self, connection: PeeringSnapshot, own: _Vpc, peer: _Vpc) -> SideRoutes:
        return side_routes(
            connection_id=connection.id,
            tables=self.estate.snapshot.tables_of(own.found.id),
            names=own.tables,
            own=own.found,
            peer=peer.found,
            peer_name=peer.name,
        )

    def _left_out(
        self, entry: Entry, connection: PeeringSnapshot, side: str, spec: SideRoutes
    ) -> None:
        if not spec.left_out:
            return
        vpc = next(v for v in self.vpcs.values() if v.name == side)
        shown = "; ".join(f"{r.table}: {r.destination}" for r in spec.left_out)
        entry.note(("routes", side), f"also routes over it, not described here: {shown}")
        for route in spec.left_out:
            kind = (
                FindingKind.ROUTES_DIFFER_PER_TABLE
                if route.reason.startswith("its table")
                else FindingKind.ROUTE_NOT_EXPRESSIBLE
            )
            self._finding(
                kind,
                f"{route.table_id} {route.destination}",
                f"the route to {route.destination} over {connection.id} in table "
                f"{route.table!r} of {side!r} is left out: {route.reason}; verify reports it "
                "as a route the plan does not have",
                hint="make the tables of that side route the same destinations, or delete it",
                place=(vpc.found.account_id, vpc.found.region),
            )

    def _allow(self, entry: Entry, requester: _Vpc, accepter: _Vpc) -> None:
        for own, peer in ((requester, accepter), (accepter, requester)):
            sides = (
                Side(own.name, own.found, own.groups),
                Side(peer.name, peer.found, peer.groups),
            )
            for found in allowed_rules(self.estate, *sides):
                self._rule(entry, own, peer, found)

    def _rule(self, entry: Entry, own: _Vpc, peer: _Vpc, found: Allowed | NotExpressible) -> None:
        place = (own.found.account_id, own.found.region)
        if isinstance(found, NotExpressible):
            self._finding(
                FindingKind.SECURITY_RULE_NOT_EXPRESSIBLE,
                found.group_id,
                f"{own.groups[found.group_id]!r} ({found.group_id}) of {own.name!r} allows "
                f"{found.text}, which no `allow` entry describes: {found.reason}",
                place=place,
            )
            return
        if found.entry in entry.allow:
            return
        entry.allow.append(found.entry)
        self.used_groups.setdefault(own.found.id, set()).add(found.group_id)
        if found.peer_group_id is not None:
            self.used_groups.setdefault(peer.found.id, set()).add(found.peer_group_id)
        self._finding(
            FindingKind.SECURITY_RULE_NOT_IMPORTED,
            found.group_id,
            f"{own.groups[found.group_id]!r} ({found.group_id}) of {own.name!r} allows "
            f"{found.text}: written as a commented `allow` entry, since peerstack creates "
            "security group rules and cannot import them (AWS refuses a duplicate rule)",
            hint="uncomment it only after revoking the rule in AWS (peerstack then creates "
            "it again and manages it)",
            place=place,
            entry=found.entry,
        )

    # -- requests from outside -----------------------------------------------------------

    def _accept(self, connection: PeeringSnapshot, ours: _Vpc, outside: PeeringSide) -> None:
        blocks = self.estate.peer_blocks(connection, "requester")
        peer: dict[str, Any] = {
            "name": self._outside_name(connection, outside),
            "account_id": outside.account_id,
            "region": outside.region or ours.found.region,
            "cidrs": [self.estate.spell(c) for c in blocks.cidrs],
        }
        if blocks.ipv6_cidrs:
            peer["ipv6_cidrs"] = [self.estate.spell(c) for c in blocks.ipv6_cidrs]
        data: dict[str, Any] = {"vpc": ours.name, "peering_id": connection.id, "peer": peer}
        place = (ours.found.account_id, ours.found.region)
        if connection.status != PeeringStatus.ACTIVE:
            data["dns_resolution"] = False
            self._pending_from_outside(connection, ours, data)
            return
        data["routes"] = {"to": []}
        data["dns_resolution"] = connection.accepter.dns_resolution
        entry = Entry(data, connection.id, (ours.name,), place=place)
        entry.note(
            (),
            f"{connection.id}: active; requested by {outside.vpc_id} in account "
            f"{outside.account_id}, accepted by {ours.name!r}",
        )
        routes = self._routes_over(connection, ours)
        if routes:
            entry.note(("routes",), f"routes over it exist, left out: {'; '.join(routes)}")
            self._finding(
                FindingKind.ACCEPTED_ROUTES_NOT_IMPORTED,
                connection.id,
                f"{ours.name!r} routes over the accepted request {connection.id} "
                f"({'; '.join(routes)}): peerstack creates an accepted request's routes and "
                "cannot import them, so `routes` is empty; verify reports them as routes "
                "the plan does not have",
                hint="leave them as they are, or delete them and write `routes` for "
                "peerstack to create",
                place=place,
            )
        self.draft.accepts.append(entry)

    def _pending_from_outside(
        self, connection: PeeringSnapshot, ours: _Vpc, data: dict[str, Any]
    ) -> None:
        self._finding(
            FindingKind.REQUEST_FROM_OUTSIDE,
            connection.id,
            f"{connection.id} from account {data['peer']['account_id']} to {ours.name!r} is "
            f"{connection.status!r}: not accepted, since accepting it is a decision; its "
            "`accepts` entry is written as a comment",
            hint="uncomment the entry (without `routes`, every table routes the whole peer) "
            "and `up` accepts the request",
            place=(ours.found.account_id, ours.found.region),
            entry=data,
        )
        self.draft.footer.append(f"{connection.id}: {connection.status}, from outside (below)")
        self.draft.suggested.append(f"  - {flow(data)}")

    def _outside_name(self, connection: PeeringSnapshot, outside: PeeringSide) -> str:
        known = self.outside_names.get(outside.vpc_id)
        if known is not None:
            return known
        taken = {v.name for v in self.vpcs.values()} | set(self.outside_names.values())
        names = choose_names([(outside.vpc_id, connection.tags.get("Name"))], taken=taken)
        self.outside_names[outside.vpc_id] = names.names[outside.vpc_id]
        return names.names[outside.vpc_id]


def _most_common(counts: Counter[str], order: Sequence[str]) -> str:
    """The most common value, the first in ``order`` among equals (``order[0]`` if none)."""
    if not counts:
        return order[0]
    return max(order, key=lambda value: (counts.get(value, 0), -order.index(value)))
