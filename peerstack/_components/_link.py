"""``peerstack:index:Link``: one peering connection, its acceptance, options and routes."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterable, Mapping
from typing import Any

import pulumi

from peerstack._components._aws import aws
from peerstack._components._vpc import VpcComponent
from peerstack._facts.peering import PeeringStatus
from peerstack._provider import tokens
from peerstack.plan import (
    DISCOVERED,
    AcceptPlan,
    LinkPlan,
    RoutePlan,
    SecurityRulePlan,
    connection_import_id,
    names,
    route_import,
)

__all__ = ["AcceptedLinkComponent", "LinkComponent"]

_ACTIVE_POLLS = 60
_ACTIVE_POLL_SECONDS = 2.0


class LinkComponent(pulumi.ComponentResource):
    """Everything one link of the plan needs in AWS, and nothing else.

    - ``VpcPeeringConnection`` in the requester's account and region; ``peer_owner_id``,
      ``peer_region`` and ``auto_accept`` only when the plan sets them;
    - ``VpcPeeringConnectionAccepter`` in the accepter's account and region, only when
      the link cannot be auto-accepted;
    - ``PeeringConnectionOptions`` per side (its own account and region), with remote DNS
      resolution on or off as planned: AWS sets options on active connections only, each
      side by its owner;
    - one ``Route`` per plan route over the link (per discovered table for adopted VPCs
      whose tables are found at deploy time), in its side's account and region;
    - one ``vpc.SecurityGroupIngressRule`` per plan security rule over the link, in the
      group's account and region: standalone rules, so the group's other rules (managed
      elsewhere) are never touched. A rule that references the peer's group waits for
      the connection to be active (AWS refuses the reference before).

    Options and routes take the connection id from the accepter (or from the connection
    when auto-accepted), so they wait for acceptance through their inputs alone.

    Requests past the account's quota of pending requests: the connection waits
    (``depends_on``) for the accepter of the link the plan says it waits for
    (:attr:`LinkPlan.waits_for`, handed in as ``waits_for``), so that no account ever has
    more requests pending acceptance than AWS allows. The accepter's create ends only
    once the connection is active: terraform-provider-aws,
    ``internal/service/ec2/vpc_peering_connection_accepter.go`` (resourceVPCPeeringAccepterCreate
    calls acceptVPCPeeringConnection, which waits in waitVPCPeeringConnectionActive, in
    ``vpc_peering_connection.go``); the engine starts a dependent only when that create is done.

    Secondary IPv4 blocks: the connection waits for the requester's block associations,
    because AWS refuses to associate a block with a requester VPC while its request is
    pending acceptance. Routes do not wait for the peer's associations: AWS does not
    check a peering route's destination against the peer's blocks, and the association
    runs in parallel with the connection, which every route waits for anyway.

    Attributes: ``peering_connection_id``; ``accepted_id`` (the same id, available once
    the connection is active).
    """

    def __init__(
        self,
        name: str,
        link: LinkPlan,
        *,
        prefix: str,
        vpcs: Mapping[str, VpcComponent],
        routes: Iterable[RoutePlan],
        rules: Iterable[SecurityRulePlan] = (),
        parent: pulumi.Resource,
        waits_for: pulumi.Resource | None = None,
        kept_imports: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(tokens.LINK, name, None, pulumi.ResourceOptions(parent=parent))
        self.plan = link
        self.prefix = prefix
        self.vpcs = vpcs
        self.kept_imports = kept_imports or {}
        self.connection = self._request(waits_for)
        self.peering_connection_id: pulumi.Output[str] = self.connection.id
        self.accepter = self._accept() if link.needs_accepter else None
        self.accepted_id: pulumi.Output[str] = (
            self.accepter.vpc_peering_connection_id
            if self.accepter is not None
            else self.connection.id
        )
        self.options = self._options()
        self.routes = [resource for route in routes for resource in self._route(route)]
        self.rules = [self._rule(rule) for rule in rules]
        # Outputs that resolve once every resource of the link exists: the engine reports
        # the component done only then (and progress shows the link done).
        self.register_outputs(
            {
                "peering_connection_id": self.accepted_id,
                "options": {side: options.id for side, options in self.options.items()},
                "routes": [route.id for route in self.routes],
                "security_rules": [rule.id for rule in self.rules],
            }
        )

    def _imported(self, name: str, planned: str | None) -> dict[str, Any]:
        """Options of a resource taken over: its import id (the one the stack's state holds,
        when the deployment passed it, so that a resource imported once stays imported
        under one id), and kept in AWS whenever Pulumi deletes it: peerstack never deletes
        what it did not create. None of that for a resource peerstack creates."""
        found = self.kept_imports.get(name, planned)
        if found is None:
            return {}
        return {"import_": found, "retain_on_delete": True}

    def _opts(self, vpc: str, **more: Any) -> pulumi.ResourceOptions:
        """Options for a resource of ``vpc``'s side: its account's provider, this parent."""
        return pulumi.ResourceOptions(parent=self, provider=self.vpcs[vpc].provider, **more)

    def _request(self, waits_for: pulumi.Resource | None) -> aws.ec2.VpcPeeringConnection:
        link = self.plan
        requester = self.vpcs[link.requester]
        # AWS refuses to add a block to a requester VPC whose request is pending
        # acceptance: associate every secondary block before requesting.
        waits: list[pulumi.Resource] = list(requester.cidr_associations.values())
        if waits_for is not None:
            waits.append(waits_for)
        name = names.link(self.prefix, link.name)
        more = self._imported(name, connection_import_id(link, requester.provider_region))
        if more:
            # The tags are the connection's owner's: left as they are.
            more["ignore_changes"] = ["tags"]
        return aws.ec2.VpcPeeringConnection(
            name,
            vpc_id=requester.vpc_id,
            peer_vpc_id=self.vpcs[link.accepter].vpc_id,
            peer_owner_id=link.peer_owner_id,
            peer_region=link.peer_region,
            auto_accept=True if link.sets_auto_accept else None,
            region=link.requester_region,
            tags=dict(link.tags) or None,
            opts=self._opts(link.requester, depends_on=waits or None, **more),
        )

    def _accept(self) -> aws.ec2.VpcPeeringConnectionAccepter:
        link = self.plan
        return aws.ec2.VpcPeeringConnectionAccepter(
            names.link(self.prefix, link.name),
            vpc_peering_connection_id=self.connection.id,
            auto_accept=True,
            region=link.accepter_region,
            # An adopted connection is active already: creating the accepter only reads
            # it (vpc_peering_connection_accepter.go, Create accepts only a pending one),
            # and leaves its owner's tags alone (the plan gives it none, and the
            # accepter's Read returns the connection's tags: they must not be diffed).
            tags=dict(link.accepter_tags) or None,
            opts=self._opts(
                link.accepter, **({"ignore_changes": ["tags"]} if link.adopted else {})
            ),
        )

    def _options(self) -> dict[str, aws.ec2.PeeringConnectionOptions]:
        """Remote DNS resolution, per side, by its own account in its own region.

        Registered whether DNS is on or off: the provider's delete of these options does
        nothing in AWS (terraform-provider-aws, resourceVPCPeeringConnectionOptionsDelete:
        "Don't do anything with the underlying VPC Peering Connection"), so turning DNS
        off must be an update that sets it false, never a removal.
        """
        link = self.plan
        # Remote DNS resolution needs DNS support and hostnames on the VPCs: wait for any
        # change to those attributes (e.g. when DNS is turned on later).
        vpc_resources = [
            vpc.resource
            for vpc in (self.vpcs[link.requester], self.vpcs[link.accepter])
            if vpc.resource is not None
        ]
        options: dict[str, aws.ec2.PeeringConnectionOptions] = {}
        for side, vpc in (("requester", link.requester), ("accepter", link.accepter)):
            region = self.vpcs[vpc].plan.region
            connection_id = self.accepted_id
            if side == "requester" and link.requester_waits_for_active:
                connection_id = self._active_in(vpc, region)
            block: dict[str, Any] = {side: {"allow_remote_vpc_dns_resolution": link.dns_resolution}}
            options[side] = aws.ec2.PeeringConnectionOptions(
                names.options(self.prefix, link.name, side),
                vpc_peering_connection_id=connection_id,
                region=region,
                opts=self._opts(vpc, depends_on=vpc_resources),
                **block,
            )
        return options

    def _active_in(self, vpc: str, region: str) -> pulumi.Output[str]:
        """The connection id, once ``region`` sees the connection active.

        The accepter waits for ``active`` in the accepter's region only, and the options
        resource neither checks nor waits (it modifies at once: terraform-provider-aws,
        modifyVPCPeeringConnectionOptions with checkActive=false); across regions the
        requester's region can still say ``pending-acceptance`` for a moment, and AWS then
        refuses its options ("OperationNotPermitted ... is not active"). So the requester
        side reads the connection in its own region until it is active.
        """
        opts = pulumi.InvokeOptions(parent=self, provider=self.vpcs[vpc].provider)

        async def when_active(connection_id: str) -> str:
            # ec2.getVpcPeeringConnections takes a region (the singular data source does
            # not): the connection is listed once this region has it active.
            query = {
                "region": region,
                "filters": [
                    {"name": "vpc-peering-connection-id", "values": [connection_id]},
                    {"name": "status-code", "values": [str(PeeringStatus.ACTIVE)]},
                ],
            }
            for _ in range(_ACTIVE_POLLS):
                found = await pulumi.runtime.invoke_async(
                    tokens.GET_PEERING_CONNECTIONS, query, opts=opts
                )
                if "ids" not in (found or {}):
                    # No provider answered: the data source always returns `ids` (empty
                    # when nothing matches). Unit-test mocks that answer every call with
                    # {} (Pulumi's testing guide) know no AWS to wait for.
                    return connection_id
                if connection_id in (found.get("ids") or ()):
                    return connection_id
                await asyncio.sleep(_ACTIVE_POLL_SECONDS)
            raise pulumi.RunError(
                f"peering connection {connection_id} of link {self.plan.name!r} is not active "
                f"in {region} after {_ACTIVE_POLLS * _ACTIVE_POLL_SECONDS:.0f} s; its DNS "
                "options cannot be set until it is"
            )

        return self.accepted_id.apply(when_active)

    def _route(self, route: RoutePlan) -> list[aws.ec2.Route]:
        own = self.vpcs[route.vpc]
        destination: dict[str, pulumi.Input[str] | None]
        if route.deferred:
            assert route.ipv6_of is not None  # deferred: the plan names the VPC
            block: pulumi.Input[str] | None = self.vpcs[route.ipv6_of].ipv6_cidr_block
            # The VPC's block, or a subnet's /64 of it (the plan says which).
            vpc_block = self.vpcs[route.ipv6_of].ipv6_cidr_block
            if vpc_block is not None and route.ipv6_index is not None:
                block = vpc_block.apply(functools.partial(_subnet_of, route))
            destination = {"destination_ipv6_cidr_block": block}
        elif route.ipv6:
            destination = {"destination_ipv6_cidr_block": route.destination}
        else:
            destination = {"destination_cidr_block": route.destination}
        resources = []
        for table, table_id in own.tables_for(route.route_table):
            name = names.route(self.prefix, route, table)
            planned = None
            if self.plan.imports_routes:
                # An adopted link joins adopted VPCs, whose table ids and blocks are known
                # while the program runs.
                assert isinstance(table_id, str) and not route.deferred
                planned = route_import(route, table_id, own.plan, own.provider_region)
            more = self._imported(name, planned)
            more.update(_renamed(self.prefix, route, table, own))
            resources.append(
                aws.ec2.Route(
                    name,
                    route_table_id=table_id,
                    vpc_peering_connection_id=self.accepted_id,
                    region=own.plan.region,
                    opts=self._opts(route.vpc, **more),
                    **destination,
                )
            )
        return resources

    def _rule(self, rule: SecurityRulePlan) -> aws.vpc.SecurityGroupIngressRule:
        own = self.vpcs[rule.vpc]
        source: dict[str, pulumi.Input[str] | None]
        waits: list[pulumi.Resource] = []
        if rule.peer_group is not None:
            referenced: pulumi.Input[str]
            if rule.referenced_group_id is not None:
                referenced = rule.referenced_group_id
            else:  # a group peerstack creates in the peer: its id once it exists
                peer_id = self.vpcs[rule.peer].security_group_ids[rule.peer_group]
                account = rule.referenced_account_id
                referenced = (
                    peer_id if account is None else pulumi.Output.concat(account, "/", peer_id)
                )
            source = {"referenced_security_group_id": referenced}
            # AWS accepts a reference to a peer's group only over an active connection.
            waits.append(self.accepter if self.accepter is not None else self.connection)
        elif rule.deferred:
            assert rule.ipv6_of is not None  # deferred: the plan names the VPC
            source = {"cidr_ipv6": self.vpcs[rule.ipv6_of].ipv6_cidr_block}
        elif rule.ipv6:
            source = {"cidr_ipv6": rule.cidr}
        else:
            source = {"cidr_ipv4": rule.cidr}
        group_id: pulumi.Input[str] = (
            own.security_group_ids[rule.group] if rule.group_id is None else rule.group_id
        )
        return aws.vpc.SecurityGroupIngressRule(
            names.security_rule(self.prefix, rule),
            security_group_id=group_id,
            ip_protocol=rule.protocol,
            from_port=rule.from_port,
            to_port=rule.to_port,
            region=own.plan.region,
            tags=dict(rule.tags),
            opts=self._opts(rule.vpc, depends_on=waits or None),
            **source,
        )


class AcceptedLinkComponent(pulumi.ComponentResource):
    """A connection an outside party requested to one of our VPCs (``Plan.accepts``):
    a ``peerstack:index:Link`` whose requester is not ours.

    - ``VpcPeeringConnectionAccepter`` in our VPC's account and region, with
      ``vpc_peering_connection_id`` the request's id and ``auto_accept``: the provider
      accepts a pending request and waits for it to be active (terraform-provider-aws,
      ``internal/service/ec2/vpc_peering_connection_accepter.go``, Create); destroying it
      does nothing in AWS (its Delete is a no-op: the connection is the requester's to
      delete);
    - ``PeeringConnectionOptions`` with the ``accepter`` block only: each side sets its own
      options, and ours is the accepter (peering_connection_options.go);
    - one ``Route`` per plan route over the connection, in our VPC's tables.

    Nothing is requested, so nothing waits in the request schedule.
    """

    def __init__(
        self,
        name: str,
        accept: AcceptPlan,
        *,
        prefix: str,
        vpc: VpcComponent,
        routes: Iterable[RoutePlan],
        parent: pulumi.Resource,
    ) -> None:
        super().__init__(tokens.LINK, name, None, pulumi.ResourceOptions(parent=parent))
        self.plan = accept
        self.vpc = vpc
        opts = pulumi.ResourceOptions(parent=self, provider=vpc.provider)
        self.accepter = aws.ec2.VpcPeeringConnectionAccepter(
            names.link(prefix, accept.name),
            vpc_peering_connection_id=accept.peering_id,
            auto_accept=True,
            region=accept.region,
            tags=dict(accept.tags),
            opts=opts,
        )
        self.accepted_id: pulumi.Output[str] = self.accepter.vpc_peering_connection_id
        self.options = aws.ec2.PeeringConnectionOptions(
            names.options(prefix, accept.name, "accepter"),
            vpc_peering_connection_id=self.accepted_id,
            accepter={"allow_remote_vpc_dns_resolution": accept.dns_resolution},
            region=accept.region,
            opts=opts,
        )
        self.routes = [
            aws.ec2.Route(
                names.route(prefix, route, table),
                route_table_id=table_id,
                vpc_peering_connection_id=self.accepted_id,
                region=accept.region,
                opts=pulumi.ResourceOptions.merge(
                    opts, pulumi.ResourceOptions(**_renamed(prefix, route, table, vpc))
                ),
                **(
                    {"destination_ipv6_cidr_block": route.destination}
                    if route.ipv6
                    else {"destination_cidr_block": route.destination}
                ),
            )
            for route in routes
            for table, table_id in vpc.tables_for(route.route_table)
        ]
        self.register_outputs(
            {
                "peering_connection_id": self.accepted_id,
                "options": {"accepter": self.options.id},
                "routes": [route.id for route in self.routes],
            }
        )


def _renamed(prefix: str, route: RoutePlan, table: str, vpc: VpcComponent) -> dict[str, Any]:
    """Routes in an adopted VPC's tables are named by table id, so that renaming a table's
    key, or listing tables that were discovered, renames no route; a route named by the
    table's key (before 0.2) moves to its new name instead of being replaced."""
    if vpc.plan.managed or route.route_table in (DISCOVERED, table):
        return {}
    return {"aliases": [pulumi.Alias(name=names.route(prefix, route, route.route_table))]}


def _subnet_of(route: RoutePlan, vpc_block: str | None) -> Any:
    """The /64 a route goes to, once AWS has given the peer VPC its block (always, on a
    real engine; mocks that echo inputs leave it None, and then the route's is too)."""
    return route.deferred_block(vpc_block) if vpc_block else None
