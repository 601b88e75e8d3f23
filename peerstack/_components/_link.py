"""``peerstack:index:Link``: one peering connection, its acceptance, options and routes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from peerstack import _tokens as tokens
from peerstack._components._vpc import VpcComponent
from peerstack.plan.model import LinkPlan, RoutePlan

__all__ = ["LinkComponent"]


class LinkComponent(pulumi.ComponentResource):
    """Everything one link of the plan needs in AWS, and nothing else.

    - ``VpcPeeringConnection`` in the requester's account and region; ``peer_owner_id``,
      ``peer_region`` and ``auto_accept`` only when the plan sets them;
    - ``VpcPeeringConnectionAccepter`` in the accepter's account and region, only when
      the link cannot be auto-accepted;
    - ``PeeringConnectionOptions`` per side (its own account and region), only with DNS
      resolution: AWS sets options on active connections only, each side by its owner;
    - one ``Route`` per plan route over the link (per discovered table for adopted VPCs
      whose tables are found at deploy time), in its side's account and region.

    Options and routes take the connection id from the accepter (or from the connection
    when auto-accepted), so they wait for acceptance through their inputs alone.

    Secondary IPv4 blocks: the connection waits for the requester's block associations,
    because AWS refuses to associate a block with a requester VPC while its request is
    pending acceptance. Routes do not wait for the peer's associations: AWS does not
    check a peering route's destination against the peer's blocks, and the association
    runs in parallel with the connection, which every route waits for anyway.

    Attributes: ``peering_connection_id``; ``accepted_id`` (the same id, available once
    the connection is active).
    """

    # No class-level annotations (see VpcComponent).

    def __init__(
        self,
        name: str,
        link: LinkPlan,
        *,
        prefix: str,
        topology: str,
        tags: Mapping[str, str],
        vpcs: Mapping[str, VpcComponent],
        routes: Iterable[RoutePlan],
        parent: pulumi.Resource,
    ) -> None:
        super().__init__(tokens.LINK, name, None, pulumi.ResourceOptions(parent=parent))
        self.plan = link
        requester = vpcs[link.requester]
        accepter = vpcs[link.accepter]
        side_opts = {
            link.requester: pulumi.ResourceOptions(parent=self, provider=requester.provider),
            link.accepter: pulumi.ResourceOptions(parent=self, provider=accepter.provider),
        }
        base_tags = {
            **tags,
            **link.tags,
            "peerstack:topology": topology,
            "peerstack:link": link.name,
            "Name": f"{topology}-{link.name}",
        }

        connection_opts = side_opts[link.requester]
        if requester.cidr_associations:
            # AWS refuses to add a block to a requester VPC whose request is pending
            # acceptance: associate every secondary block before requesting.
            connection_opts = pulumi.ResourceOptions.merge(
                connection_opts,
                pulumi.ResourceOptions(depends_on=list(requester.cidr_associations.values())),
            )
        self.connection = aws.ec2.VpcPeeringConnection(
            name,
            vpc_id=requester.vpc_id,
            peer_vpc_id=accepter.vpc_id,
            peer_owner_id=link.peer_owner_id,
            peer_region=link.peer_region,
            auto_accept=True if link.auto_accept else None,
            region=link.requester_region,
            tags={**base_tags, "peerstack:side": "requester"},
            opts=connection_opts,
        )
        self.peering_connection_id: pulumi.Output[str] = self.connection.id
        self.accepted_id: pulumi.Output[str]
        self.accepter: aws.ec2.VpcPeeringConnectionAccepter | None = None
        if link.needs_accepter:
            self.accepter = aws.ec2.VpcPeeringConnectionAccepter(
                name,
                vpc_peering_connection_id=self.connection.id,
                auto_accept=True,
                region=link.accepter_region,
                tags={**base_tags, "peerstack:side": "accepter"},
                opts=side_opts[link.accepter],
            )
            self.accepted_id = self.accepter.vpc_peering_connection_id
        else:
            self.accepted_id = self.connection.id

        self.options: dict[str, aws.ec2.PeeringConnectionOptions] = {}
        if link.dns_resolution:
            # Remote DNS resolution needs DNS support and hostnames on the VPCs: wait for
            # any change to those attributes (e.g. when DNS is turned on later).
            vpc_resources = [v.resource for v in (requester, accepter) if v.resource is not None]
            for side, vpc in (("requester", link.requester), ("accepter", link.accepter)):
                options: dict[str, Any] = {side: {"allow_remote_vpc_dns_resolution": True}}
                self.options[side] = aws.ec2.PeeringConnectionOptions(
                    f"{name}.{side}",
                    vpc_peering_connection_id=self.accepted_id,
                    region=vpcs[vpc].plan.region,
                    opts=pulumi.ResourceOptions.merge(
                        side_opts[vpc], pulumi.ResourceOptions(depends_on=vpc_resources)
                    ),
                    **options,
                )

        self.routes: list[aws.ec2.Route] = []
        for route in routes:
            own = vpcs[route.vpc]
            destination: dict[str, pulumi.Input[str] | None]
            if route.deferred:
                assert route.ipv6_of is not None  # deferred: the plan names the VPC
                peer = vpcs[route.ipv6_of]
                destination = {"destination_ipv6_cidr_block": peer.ipv6_cidr_block}
            elif route.ipv6:
                destination = {"destination_ipv6_cidr_block": route.destination}
            else:
                destination = {"destination_cidr_block": route.destination}
            for table, table_id in own.tables_for(route.route_table):
                self.routes.append(
                    aws.ec2.Route(
                        f"{prefix}.{route.key_in(table)}",
                        route_table_id=table_id,
                        vpc_peering_connection_id=self.accepted_id,
                        region=own.plan.region,
                        opts=side_opts[route.vpc],
                        **destination,
                    )
                )
        # No register_outputs (see VpcComponent).
