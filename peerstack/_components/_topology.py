"""``peerstack:index:PeeringTopology``: a whole plan as Pulumi resources."""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Any, cast

import pulumi

from peerstack import _tokens as tokens
from peerstack._components._link import LinkComponent
from peerstack._components._providers import ProviderSettings, make_providers
from peerstack._components._vpc import VpcComponent
from peerstack.plan import RoutePlan, TopologySource, build_plan

__all__ = ["PeeringTopology"]


class PeeringTopology(pulumi.ComponentResource):
    """Every VPC, peering connection and route of a topology, as Pulumi resources.

    Give it a :class:`~peerstack.Topology` (it is planned first: nothing is registered
    unless the whole topology is valid) or a :class:`~peerstack.Plan`. The components
    make no networking decisions: each resource comes from the plan.

    Children are named ``{name}.{vpc}``, ``{name}.{link}``, ``{name}.{vpc}.{subnet}``,
    ``{name}.{vpc}.{table}``, ``{name}.{vpc}.{table}.{destination}`` (routes) and
    ``{name}.{account}`` (providers): only topology names, so adding a VPC or a link
    never renames an existing resource, and two topologies in one stack do not collide.

    Attributes (also registered as the component's outputs):

    - ``vpc_ids``: ``Output[dict]``, VPC name -> VPC id;
    - ``route_table_ids``: ``Output[dict]``, VPC name -> route table name -> id (tables
      discovered at deploy time are keyed by their id);
    - ``peering_connection_ids``: ``Output[dict]``, link name -> peering connection id;
    - ``reachability``: ``dict`` (plain, known before deploy), VPC name -> the VPCs it
      can reach.
    """

    # No class-level annotations: the SDK evaluates a resource class's annotations (with
    # get_type_hints) on every registration; attributes are typed where they are set.

    def __init__(
        self,
        name: str,
        topology: TopologySource,
        opts: pulumi.ResourceOptions | None = None,
        *,
        provider_settings: ProviderSettings | None = None,
    ) -> None:
        plan = build_plan(topology)  # raises TopologyError before anything registers
        super().__init__(tokens.TOPOLOGY, name, None, opts)
        self.plan = plan
        settings = provider_settings or ProviderSettings()
        self.providers = make_providers(name, plan, settings, self)
        # Plain loops, not comprehensions: the SDK records the Python stack of every
        # registration, so each frame between the program and a resource costs time.
        self.vpcs: dict[str, VpcComponent] = {}
        for vpc in plan.vpcs:
            self.vpcs[vpc.name] = VpcComponent(
                f"{name}.{vpc.name}",
                vpc,
                topology=plan.topology,
                tags=plan.tags,
                provider=self.providers[vpc.account],
                parent=self,
            )
        routes_by_link: dict[str, list[RoutePlan]] = defaultdict(list)
        for route in plan.routes:
            routes_by_link[route.link].append(route)
        self.links: dict[str, LinkComponent] = {}
        for link in plan.links:
            self.links[link.name] = LinkComponent(
                f"{name}.{link.name}",
                link,
                prefix=name,
                topology=plan.topology,
                tags=plan.tags,
                vpcs=self.vpcs,
                routes=routes_by_link[link.name],
                parent=self,
            )

        self._vpc_ids = {n: v.vpc_id for n, v in self.vpcs.items()}
        self._route_table_ids = {n: v.route_table_ids for n, v in self.vpcs.items()}
        self._peering_ids = {n: link.peering_connection_id for n, link in self.links.items()}
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

    # The three Outputs are built on first use: gathering hundreds of ids costs time that
    # a program which never reads them (a test, a benchmark) need not pay.

    @cached_property
    def vpc_ids(self) -> pulumi.Output[dict[str, str]]:
        """VPC name -> VPC id."""
        return pulumi.Output.from_input(cast(Any, self._vpc_ids))

    @cached_property
    def route_table_ids(self) -> pulumi.Output[dict[str, dict[str, str]]]:
        """VPC name -> route table name -> id (discovered tables are keyed by their id)."""
        return pulumi.Output.from_input(cast(Any, self._route_table_ids))

    @cached_property
    def peering_connection_ids(self) -> pulumi.Output[dict[str, str]]:
        """Link name -> peering connection id."""
        return pulumi.Output.from_input(cast(Any, self._peering_ids))
