"""The baseline: a hand-written pulumi_aws program for a plan, with no components.

Plain loops over the plan call pulumi_aws directly and register the same resources as
``PeeringTopology`` (types, names, inputs, providers, ``depends_on``), so timing the two
under the same mocks measures only what the components add. ``benchmarks.overhead``
asserts the two registered sets are equal before it times anything.

It is what a careful user would write without peerstack's components: one provider per
account, ``region=`` on every resource, connections, accepters where AWS cannot
auto-accept, DNS options per side, one route per plan route, one security group (with
its allow-all egress rules) per group the plan creates, one ingress rule per plan
security group rule.
"""

from __future__ import annotations

import functools
from typing import Any

import pulumi
import pulumi_aws as aws

from peerstack._cidr import contains, parse_network, subnet_ipv6_block
from peerstack._provider import tokens
from peerstack.plan import connection_import_id, route_import, window_of
from peerstack.plan.model import DISCOVERED, MAIN, Plan, slug


def _nth_64(vpc_block: str, *, index: int) -> str:
    return subnet_ipv6_block(vpc_block, index)


def raw_program(
    plan: Plan,
    name: str | None = None,
    *,
    component_tree: bool = False,
    link_components: bool = True,
) -> None:
    """Register every resource of ``plan`` directly (``name`` prefixes resource names).

    ``component_tree=True`` is a diagnostic, not a baseline: the same resources, parented
    under empty components of the same types and names as PeeringTopology's (which do
    nothing else, not even ``register_outputs``). It separates what the SDK charges for
    registering a component tree from what peerstack's own code costs. With
    ``link_components=False`` as well, each link's resources sit directly under the
    topology component instead of a per-link component.
    """
    prefix = plan.topology if name is None else name
    topology = plan.topology
    tree = _Tree(prefix, link_components=link_components) if component_tree else None

    def under(kind: str, key: str, **kwargs: Any) -> pulumi.ResourceOptions:
        parent = tree.component(kind, key) if tree is not None else None
        return pulumi.ResourceOptions(parent=parent, **kwargs)

    providers: dict[str, aws.Provider] = {}
    account_region = {account.alias: account.region for account in plan.accounts}
    for account in plan.accounts:
        if not any(v.account == account.alias for v in plan.vpcs):
            continue
        # The provider's own region (its STS calls): the one the plan gives the account.
        args: dict[str, Any] = {"region": account.region, "allowed_account_ids": [account.id]}
        if account.profile is not None:
            args["profile"] = account.profile
        if account.role_arn is not None:
            # An args class, not a dict: nested provider config goes as JSON, and only
            # args classes get the provider's key names (roleArn).
            args["assume_roles"] = [
                aws.ProviderAssumeRoleArgs(
                    role_arn=account.role_arn,
                    external_id=account.external_id,
                    session_name=f"peerstack-{topology}"[:64],
                )
            ]
        providers[account.alias] = aws.Provider(
            f"{prefix}.{account.alias}", opts=under("top", ""), **args
        )

    vpc_resources: dict[str, aws.ec2.Vpc] = {}
    vpc_ids: dict[str, pulumi.Input[str]] = {}
    ipv6_blocks: dict[str, pulumi.Output[str]] = {}
    associations: dict[str, list[aws.ec2.VpcIpv4CidrBlockAssociation]] = {}
    table_ids: dict[str, dict[str, pulumi.Input[str]]] = {}
    group_ids: dict[tuple[str, str], pulumi.Output[str]] = {}

    for vpc in plan.vpcs:
        opts = under("Vpc", vpc.name, provider=providers[vpc.account])
        base = f"{prefix}.{vpc.name}"
        if not vpc.managed:
            assert vpc.vpc_id is not None
            vpc_ids[vpc.name] = vpc.vpc_id
            if vpc.discovers_route_tables:
                found = aws.ec2.get_route_tables(
                    vpc_id=vpc.vpc_id,
                    region=vpc.region,
                    opts=pulumi.InvokeOptions(
                        provider=providers[vpc.account],
                        parent=tree.component("Vpc", vpc.name) if tree else None,
                    ),
                )
                table_ids[vpc.name] = {rtb: rtb for rtb in sorted(found.ids or ())}
            else:
                table_ids[vpc.name] = dict(vpc.route_table_ids)
            continue

        resource = aws.ec2.Vpc(
            base,
            cidr_block=vpc.cidrs[0],
            enable_dns_support=True,
            enable_dns_hostnames=vpc.dns_hostnames,
            assign_generated_ipv6_cidr_block=vpc.ipv6,
            region=vpc.region,
            tags=dict(vpc.tags),
            opts=opts,
        )
        vpc_resources[vpc.name] = resource
        vpc_ids[vpc.name] = resource.id
        if vpc.ipv6:
            ipv6_blocks[vpc.name] = resource.ipv6_cidr_block
        blocks = {}
        for cidr in vpc.secondary_cidrs:
            blocks[cidr] = aws.ec2.VpcIpv4CidrBlockAssociation(
                f"{base}.{slug(cidr)}",
                vpc_id=resource.id,
                cidr_block=cidr,
                region=vpc.region,
                opts=opts,
            )
        associations[vpc.name] = list(blocks.values())
        tables: dict[str, aws.ec2.RouteTable] = {}
        table_ids[vpc.name] = {MAIN: resource.main_route_table_id}
        for table in vpc.named_route_tables:
            tables[table] = aws.ec2.RouteTable(
                f"{base}.{table}",
                vpc_id=resource.id,
                region=vpc.region,
                tags=dict(vpc.route_table_tags[table]),
                opts=opts,
            )
            table_ids[vpc.name][table] = tables[table].id
        for subnet in vpc.subnets:
            # A subnet in a secondary block waits for that block's association.
            vpc_id: pulumi.Input[str] = resource.id
            for cidr, association in blocks.items():
                if contains(parse_network(cidr), parse_network(subnet.cidr)):
                    vpc_id = association.vpc_id
            zone = subnet.availability_zone
            index = subnet.ipv6_index
            created = aws.ec2.Subnet(
                f"{base}.{subnet.name}",
                vpc_id=vpc_id,
                cidr_block=subnet.cidr,
                availability_zone=None if subnet.az_is_id else zone,
                availability_zone_id=zone if subnet.az_is_id else None,
                ipv6_cidr_block=None
                if index is None
                else resource.ipv6_cidr_block.apply(functools.partial(_nth_64, index=index)),
                assign_ipv6_address_on_creation=True if index is not None else None,
                region=vpc.region,
                tags=dict(subnet.tags),
                opts=opts,
            )
            if subnet.route_table != MAIN:
                aws.ec2.RouteTableAssociation(
                    f"{base}.{subnet.name}",
                    subnet_id=created.id,
                    route_table_id=tables[subnet.route_table].id,
                    region=vpc.region,
                    opts=opts,
                )
        for group in plan.groups_of(vpc.name):
            made = aws.ec2.SecurityGroup(
                f"{base}.{group.name}",
                name=group.group_name,
                description=group.description,
                vpc_id=resource.id,
                region=vpc.region,
                tags=dict(group.tags),
                opts=opts,
            )
            group_ids[(vpc.name, group.name)] = made.id
            # The provider revokes AWS's allow-all egress rule: put it back, standalone.
            for to in group.egress:
                ipv6 = ":" in to
                aws.vpc.SecurityGroupEgressRule(
                    f"{base}.{group.name}.egress.{slug(to)}",
                    security_group_id=made.id,
                    ip_protocol="-1",
                    cidr_ipv4=None if ipv6 else to,
                    cidr_ipv6=to if ipv6 else None,
                    region=vpc.region,
                    tags=dict(group.egress_tags),
                    opts=opts,
                )

    active_ids: dict[str, pulumi.Output[str]] = {}
    accepted_by: dict[str, pulumi.Resource] = {}
    accepters: dict[str, pulumi.Resource] = {}
    # A request past its account's quota waits for an earlier link's acceptance: links
    # by window, so the one waited for always exists first.
    window = window_of(plan.links)
    for link in sorted(plan.links, key=lambda link: window[link.name]):
        base = f"{prefix}.{link.name}"
        requester = plan.vpc(link.requester)
        accepter = plan.vpc(link.accepter)
        # An adopted connection is imported as the provider reads it: no auto_accept, and
        # its owner's tags left alone.
        imported: dict[str, Any] = (
            {
                "import_": connection_import_id(link, account_region[requester.account]),
                "ignore_changes": ["tags"],
                "retain_on_delete": True,
            }
            if link.adopted
            else {}
        )
        connection = aws.ec2.VpcPeeringConnection(
            base,
            vpc_id=vpc_ids[link.requester],
            peer_vpc_id=vpc_ids[link.accepter],
            peer_owner_id=link.peer_owner_id,
            peer_region=link.peer_region,
            auto_accept=True if link.sets_auto_accept else None,
            region=link.requester_region,
            tags=dict(link.tags) or None,
            opts=under(
                "Link",
                link.name,
                provider=providers[requester.account],
                depends_on=[
                    *associations.get(link.requester, ()),
                    *([accepters[link.waits_for]] if link.waits_for else ()),
                ]
                or None,
                **imported,
            ),
        )
        active_id = connection.id
        accepted_by[link.name] = connection
        if link.needs_accepter:
            accepted = aws.ec2.VpcPeeringConnectionAccepter(
                base,
                vpc_peering_connection_id=connection.id,
                auto_accept=True,
                region=link.accepter_region,
                tags=dict(link.accepter_tags) or None,
                opts=under(
                    "Link",
                    link.name,
                    provider=providers[accepter.account],
                    **({"ignore_changes": ["tags"]} if link.adopted else {}),
                ),
            )
            accepters[link.name] = accepted
            active_id = accepted.vpc_peering_connection_id
            accepted_by[link.name] = accepted
        active_ids[link.name] = active_id
        # Options on both sides, DNS on or off (deleting them would not turn DNS off).
        both = [vpc_resources[v] for v in (link.requester, link.accepter) if v in vpc_resources]
        for side, vpc in (("requester", requester), ("accepter", accepter)):
            block: dict[str, Any] = {side: {"allow_remote_vpc_dns_resolution": link.dns_resolution}}
            connection_id: pulumi.Input[str] = active_id
            if side == "requester" and link.cross_region:
                # Wait until the requester's region sees the connection active.
                connection_id = aws.ec2.get_vpc_peering_connections_output(
                    region=vpc.region,
                    filters=pulumi.Output.from_input(active_id).apply(
                        lambda pcx: [
                            aws.ec2.GetVpcPeeringConnectionsFilterArgs(
                                name="vpc-peering-connection-id", values=[pcx]
                            ),
                            aws.ec2.GetVpcPeeringConnectionsFilterArgs(
                                name="status-code", values=["active"]
                            ),
                        ]
                    ),
                    opts=pulumi.InvokeOutputOptions(provider=providers[vpc.account]),
                ).ids.apply(lambda ids: ids[0])
            aws.ec2.PeeringConnectionOptions(
                f"{base}.{side}",
                vpc_peering_connection_id=connection_id,
                region=vpc.region,
                opts=under("Link", link.name, provider=providers[vpc.account], depends_on=both),
                **block,
            )

    # Requests from outside: accepted by id, our side's options only.
    for accept in plan.accepts:
        own = plan.vpc(accept.vpc)
        base = f"{prefix}.{accept.name}"
        accepted = aws.ec2.VpcPeeringConnectionAccepter(
            base,
            vpc_peering_connection_id=accept.peering_id,
            auto_accept=True,
            region=accept.region,
            tags=dict(accept.tags),
            opts=under("Link", accept.name, provider=providers[own.account]),
        )
        active_ids[accept.name] = accepted.vpc_peering_connection_id
        aws.ec2.PeeringConnectionOptions(
            f"{base}.accepter",
            vpc_peering_connection_id=accepted.vpc_peering_connection_id,
            accepter={"allow_remote_vpc_dns_resolution": accept.dns_resolution},
            region=accept.region,
            opts=under("Link", accept.name, provider=providers[own.account]),
        )

    accepted_names = {accept.name for accept in plan.accepts}
    for route in plan.routes:
        own = plan.vpc(route.vpc)
        if route.deferred:
            assert route.ipv6_of is not None
            deferred = ipv6_blocks[route.ipv6_of]
            if route.ipv6_index is not None:  # a subnet's /64 of the VPC's block
                deferred = deferred.apply(route.deferred_block)
            destination: dict[str, Any] = {"destination_ipv6_cidr_block": deferred}
        elif route.ipv6:
            destination = {"destination_ipv6_cidr_block": route.destination}
        else:
            destination = {"destination_cidr_block": route.destination}
        tables_of_vpc = table_ids[route.vpc]
        targets: list[tuple[str, pulumi.Input[str]]]
        if not own.managed:  # adopted tables, whose ids are known: routes named by id
            ids = (
                tables_of_vpc.values()
                if route.route_table == DISCOVERED
                else [tables_of_vpc[route.route_table]]
            )
            targets = [(str(table_id), table_id) for table_id in ids]
        else:
            targets = [(route.route_table, tables_of_vpc[route.route_table])]
        imports = route.link not in accepted_names and plan.link(route.link).imports_routes
        for table, table_id in targets:
            # Routes that exist already are imported (ROUTETABLEID_DESTINATION), and kept
            # in AWS whatever happens to the stack; routes named by an adopted table's key
            # before 0.2 move to their new names.
            existing: dict[str, Any] = (
                {
                    "import_": route_import(route, table, own, account_region[own.account]),
                    "retain_on_delete": True,
                }
                if imports
                else {}
            )
            if not own.managed and route.route_table not in (DISCOVERED, table):
                old = f"{prefix}.{route.vpc}.{slug(route.route_table)}.{slug(route.destination)}"
                existing["aliases"] = [pulumi.Alias(name=old)]
            aws.ec2.Route(
                f"{prefix}.{route.vpc}.{slug(table)}.{slug(route.destination)}",
                route_table_id=table_id,
                vpc_peering_connection_id=active_ids[route.link],
                region=own.region,
                opts=under("Link", route.link, provider=providers[own.account], **existing),
                **destination,
            )

    for rule in plan.security_rules:
        own = plan.vpc(rule.vpc)
        link = plan.link(rule.link)
        waits: list[pulumi.Resource] = []
        if rule.peer_group is not None:
            referenced: pulumi.Input[str]
            if rule.referenced_group_id is not None:
                referenced = rule.referenced_group_id
            else:  # a group this program creates in the peer
                peer_id = group_ids[(rule.peer, rule.peer_group)]
                owner = rule.referenced_account_id
                referenced = peer_id if owner is None else pulumi.Output.concat(owner, "/", peer_id)
            source: dict[str, Any] = {"referenced_security_group_id": referenced}
            waits.append(accepted_by[rule.link])  # a reference needs an active connection
        elif rule.ipv6_of is not None:
            source = {"cidr_ipv6": ipv6_blocks[rule.ipv6_of]}
        elif rule.ipv6:
            source = {"cidr_ipv6": rule.cidr}
        else:
            source = {"cidr_ipv4": rule.cidr}
        aws.vpc.SecurityGroupIngressRule(
            f"{prefix}.{rule.key}",
            security_group_id=rule.group_id
            if rule.group_id is not None
            else group_ids[(rule.vpc, rule.group)],
            ip_protocol=rule.protocol,
            from_port=rule.from_port,
            to_port=rule.to_port,
            region=own.region,
            tags=dict(rule.tags),
            opts=under(
                "Link", rule.link, provider=providers[own.account], depends_on=waits or None
            ),
            **source,
        )


class _Bare(pulumi.ComponentResource):
    """A component that only registers itself."""

    def __init__(self, typ: str, name: str, parent: pulumi.Resource | None) -> None:
        super().__init__(typ, name, None, pulumi.ResourceOptions(parent=parent))


class _Tree:
    """PeeringTopology's component tree, bare: ``{prefix}``, ``{prefix}.{vpc|link}``."""

    def __init__(self, prefix: str, *, link_components: bool = True) -> None:
        self.prefix = prefix
        self.link_components = link_components
        self.top = _Bare(tokens.TOPOLOGY, prefix, None)
        self.children: dict[tuple[str, str], _Bare] = {}

    def component(self, kind: str, key: str) -> pulumi.Resource:
        if kind == "top" or (kind == "Link" and not self.link_components):
            return self.top
        child = self.children.get((kind, key))
        if child is None:
            child = _Bare(f"peerstack:index:{kind}", f"{self.prefix}.{key}", self.top)
            self.children[(kind, key)] = child
        return child
