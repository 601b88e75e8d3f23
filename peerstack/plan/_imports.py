"""What a plan imports: the existing connections and routes it takes over, by resource name,
with the import id the AWS provider reads them by.

The components register these ids and the pre-flight compares them with AWS and with the
stack's state before anything registers: both take them from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from peerstack._provider import tokens
from peerstack._provider.imports import import_id, route_import_id
from peerstack.plan import names
from peerstack.plan.model import DISCOVERED, LinkPlan, Plan, RoutePlan, VpcPlan

__all__ = [
    "PlannedImport",
    "connection_import_id",
    "planned_imports",
    "route_import",
    "route_tables_of",
]

ProviderRegion = Callable[[str], str | None]
"""Account alias -> the region its provider acts in."""


@dataclass(frozen=True, slots=True)
class PlannedImport:
    """One resource the program imports instead of creating."""

    type: str
    name: str
    """Its Pulumi name (see :mod:`peerstack.plan.names`)."""
    import_id: str
    """What the program registers as ``import_`` (``id``, or ``id@region``)."""
    resource_id: str
    """The id of the AWS object (a route's ``rtb-..._destination``)."""
    region: str
    link: str
    """The link it belongs to."""


def connection_import_id(link: LinkPlan, provider_region: str | None) -> str | None:
    """The import id of an adopted link's connection, read in the requester's region."""
    if link.existing_id is None:
        return None
    return import_id(link.existing_id, link.requester_region, provider_region)


def route_tables_of(
    vpc: VpcPlan, table: str, discovered: Mapping[str, Sequence[str]]
) -> list[tuple[str, str]]:
    """``(name, id)`` of the tables a route in ``table`` goes into, for an adopted VPC:
    named by id, so renaming a table's key (or listing tables that were discovered)
    renames no route. ``discovered``: VPC name -> table ids found at deploy time."""
    if table == DISCOVERED:
        return [(table_id, table_id) for table_id in discovered.get(vpc.name, ())]
    table_id = vpc.route_table_ids[table]
    return [(table_id, table_id)]


def planned_imports(
    plan: Plan,
    prefix: str,
    provider_region: ProviderRegion,
    discovered: Mapping[str, Sequence[str]] = {},
) -> Iterator[PlannedImport]:
    """Every connection and route the plan imports, as the components register them."""
    for link in plan.links:
        if link.existing_id is None:
            continue
        requester = plan.vpc(link.requester)
        found = connection_import_id(link, provider_region(requester.account))
        assert found is not None
        yield PlannedImport(
            tokens.CONNECTION,
            names.link(prefix, link.name),
            found,
            link.existing_id,
            link.requester_region,
            link.name,
        )
        if link.imports_routes:
            yield from _routes(plan, prefix, link, provider_region, discovered)


def _routes(
    plan: Plan,
    prefix: str,
    link: LinkPlan,
    provider_region: ProviderRegion,
    discovered: Mapping[str, Sequence[str]],
) -> Iterator[PlannedImport]:
    for route in plan.routes_over(link.name):
        vpc = plan.vpc(route.vpc)
        for table, table_id in route_tables_of(vpc, route.route_table, discovered):
            yield PlannedImport(
                tokens.ROUTE,
                names.route(prefix, route, table),
                route_import_id(
                    table_id, route.destination, vpc.region, provider_region(vpc.account)
                ),
                f"{table_id}_{route.destination}",
                vpc.region,
                link.name,
            )


def route_import(route: RoutePlan, table_id: str, vpc: VpcPlan, provider_region: str | None) -> str:
    """A route's import id in one table of an adopted VPC."""
    return route_import_id(table_id, route.destination, vpc.region, provider_region)
