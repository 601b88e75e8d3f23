"""``peerstack:index:PeeringTopology``: a whole plan as Pulumi resources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, cast

import pulumi

from peerstack._components._link import AcceptedLinkComponent, LinkComponent
from peerstack._components._providers import make_providers
from peerstack._components._vpc import VpcComponent
from peerstack._components.settings import ProviderSettings, provider_region
from peerstack._provider import tokens
from peerstack.plan import (
    LinkPlan,
    RoutePlan,
    SecurityRulePlan,
    TopologySource,
    build_plan,
    names,
    window_of,
)
from peerstack.plan._outputs import OUTPUT_NAMES

__all__ = ["PeeringTopology"]


class PeeringTopology(pulumi.ComponentResource):
    """Every VPC, peering connection and route of a topology, as Pulumi resources.

    Give it a topology file's path, a :class:`~peerstack.Topology` (either is planned
    first: nothing is registered unless the whole topology is valid) or a
    :class:`~peerstack.Plan`. ``kept_imports`` (resource name -> import id) are the
    import ids the stack's state already holds: a deployment that reads its state passes
    them so that an adopted resource never switches import ids (which would make Pulumi
    import it again in place of itself). The components make no networking decisions: each resource
    comes from the plan.

    Children are named from topology names only (see ``peerstack.plan.names``):
    ``{name}.{vpc}``, ``{name}.{link}``, ``{name}.{vpc}.{subnet}``, ``{name}.{vpc}.{table}``,
    ``{name}.{vpc}.{table}.{destination}`` (routes) and ``{name}.{account}`` (providers),
    so adding a VPC or a link never renames an existing resource, and two topologies in
    one stack do not collide.

    Attributes (also registered as the component's outputs, and exported by
    :meth:`export`):

    - ``vpc_ids``: ``Output[dict]``, VPC name -> VPC id;
    - ``route_table_ids``: ``Output[dict]``, VPC name -> route table name -> id (tables
      discovered at deploy time are keyed by their id);
    - ``peering_connection_ids``: ``Output[dict]``, link name -> peering connection id
      (accepted requests from outside included, by their ``<peer>--<vpc>`` name);
    - ``reachability``: ``dict`` (plain, known before deploy), VPC name -> the VPCs it
      can reach.
    """

    def __init__(
        self,
        name: str,
        topology: TopologySource,
        opts: pulumi.ResourceOptions | None = None,
        *,
        provider_settings: ProviderSettings | None = None,
        kept_imports: Mapping[str, str] | None = None,
    ) -> None:
        plan = build_plan(topology)  # raises TopologyError before anything registers
        super().__init__(tokens.TOPOLOGY, name, None, opts)
        self.plan = plan
        settings = provider_settings or ProviderSettings()
        self.providers = make_providers(name, plan, settings, self)
        self.vpcs = {
            vpc.name: VpcComponent(
                names.vpc(name, vpc.name),
                vpc,
                prefix=name,
                provider=self.providers[vpc.account],
                provider_region=provider_region(plan, vpc.account, settings),
                parent=self,
                groups=plan.groups_of(vpc.name),
            )
            for vpc in plan.vpcs
        }
        routes_by_link: dict[str, list[RoutePlan]] = defaultdict(list)
        for route in plan.routes:
            routes_by_link[route.link].append(route)
        rules_by_link: dict[str, list[SecurityRulePlan]] = defaultdict(list)
        for rule in plan.security_rules:
            rules_by_link[rule.link].append(rule)

        def make(link: LinkPlan) -> LinkComponent:
            earlier = built.get(link.waits_for) if link.waits_for is not None else None
            return LinkComponent(
                names.link(name, link.name),
                link,
                prefix=name,
                vpcs=self.vpcs,
                routes=routes_by_link[link.name],
                rules=rules_by_link[link.name],
                parent=self,
                waits_for=None if earlier is None else earlier.accepter or earlier.connection,
                kept_imports=kept_imports,
            )

        # Window by window (the plan's order within one): a request that waits for
        # another link's acceptance depends on that link's accepter, built a window earlier.
        # window_of refuses a hand-built plan whose links wait in a cycle.
        window = window_of(plan.links)
        built: dict[str, LinkComponent] = {}
        for link in sorted(plan.links, key=lambda link: window[link.name]):
            built[link.name] = make(link)
        self.links = {link.name: built[link.name] for link in plan.links}
        self.accepts = {
            accept.name: AcceptedLinkComponent(
                names.link(name, accept.name),
                accept,
                prefix=name,
                vpc=self.vpcs[accept.vpc],
                routes=routes_by_link[accept.name],
                parent=self,
            )
            for accept in plan.accepts
        }
        self._vpc_ids = {n: v.vpc_id for n, v in self.vpcs.items()}
        self._route_table_ids = {n: v.route_table_ids for n, v in self.vpcs.items()}
        self._peering_ids = {n: link.peering_connection_id for n, link in self.links.items()}
        self._peering_ids.update((n, a.accepted_id) for n, a in self.accepts.items())
        self.reachability: dict[str, list[str]] = {
            vpc: list(peers) for vpc, peers in plan.reachability.items()
        }
        # Plain dicts (not one Output each) keep every entry's own known/unknown state.
        self.register_outputs(
            {
                "vpc_ids": self._vpc_ids,
                "route_table_ids": self._route_table_ids,
                "peering_connection_ids": self._peering_ids,
                "reachability": self.reachability,
            }
        )

    def export(self) -> None:
        """Export the component's outputs as the stack's (see ``OUTPUT_NAMES``)."""
        for output in OUTPUT_NAMES:
            pulumi.export(output, getattr(self, output))

    @property
    def vpc_ids(self) -> pulumi.Output[dict[str, str]]:
        """VPC name -> VPC id."""
        return pulumi.Output.from_input(cast(Any, self._vpc_ids))

    @property
    def route_table_ids(self) -> pulumi.Output[dict[str, dict[str, str]]]:
        """VPC name -> route table name -> id (discovered tables are keyed by their id)."""
        return pulumi.Output.from_input(cast(Any, self._route_table_ids))

    @property
    def peering_connection_ids(self) -> pulumi.Output[dict[str, str]]:
        """Link name -> peering connection id."""
        return pulumi.Output.from_input(cast(Any, self._peering_ids))
