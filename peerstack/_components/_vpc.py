"""``peerstack:index:Vpc``: one VPC of the plan, created or adopted."""

from __future__ import annotations

import functools
from collections.abc import Iterable

import pulumi

from peerstack._cidr import subnet_ipv6_block
from peerstack._components._aws import aws
from peerstack._provider import tokens
from peerstack.errors import AdoptionError
from peerstack.plan import MAIN, SecurityGroupPlan, VpcPlan, names, route_tables_of

__all__ = ["VpcComponent"]


def _subnet_block(vpc_block: str | None, *, index: int) -> str | None:
    # A VPC's block is always known once AWS has made it; mocks that echo inputs leave
    # it None, and then the subnet's is too.
    return subnet_ipv6_block(vpc_block, index) if vpc_block else None


class VpcComponent(pulumi.ComponentResource):
    """A VPC and what peerstack owns in it; an adopted VPC owns nothing and is only read.

    Created: ``Vpc``, one ``VpcIpv4CidrBlockAssociation`` per secondary block, ``Subnet``s
    (with their /64 of the VPC's IPv6 block, and IPv6 addresses on creation, when the plan
    gives them an ``ipv6_index``),
    one ``RouteTable`` per named table and a ``RouteTableAssociation`` per subnet that uses
    one. Subnets without a named table use the VPC's main table, which AWS creates with
    the VPC (``main_route_table_id``).

    Security groups the plan creates in the VPC: one ``ec2.SecurityGroup`` each, with no
    inline rules (standalone rules never fight inline ones). The provider revokes the
    allow-all egress rule AWS gives a new group (terraform-provider-aws,
    ``internal/service/ec2/vpc_security_group.go``, resourceSecurityGroupCreate:
    "Revoke the default egress rule"), so one ``vpc.SecurityGroupEgressRule`` per
    :attr:`SecurityGroupPlan.egress` block lets every protocol out again, as AWS's own
    default does.

    Attributes: ``vpc_id``; ``route_table_ids`` (by table name, ``main`` included; by id
    for discovered tables); ``security_group_ids`` (created groups by topology name);
    ``ipv6_cidr_block`` (the Amazon-provided block of a created VPC with IPv6, known after
    deploy; else None).
    """

    def __init__(
        self,
        name: str,
        vpc: VpcPlan,
        *,
        prefix: str,
        provider: aws.Provider,
        provider_region: str | None = None,
        parent: pulumi.Resource,
        groups: Iterable[SecurityGroupPlan] = (),
    ) -> None:
        super().__init__(tokens.VPC_COMPONENT, name, None, pulumi.ResourceOptions(parent=parent))
        self.plan = vpc
        self.prefix = prefix
        self.provider = provider
        self.provider_region = provider_region
        """The region the account's provider acts in (import ids outside it carry theirs)."""
        self.discovered: tuple[str, ...] = ()
        """An adopted VPC's route tables found at deploy time (when it lists none)."""
        self.resource: aws.ec2.Vpc | None = None
        self.cidr_associations: dict[str, aws.ec2.VpcIpv4CidrBlockAssociation] = {}
        self.subnets: dict[str, aws.ec2.Subnet] = {}
        self.route_tables: dict[str, aws.ec2.RouteTable] = {}
        self.associations: dict[str, aws.ec2.RouteTableAssociation] = {}
        self.security_groups: dict[str, aws.ec2.SecurityGroup] = {}
        self.egress_rules: list[aws.vpc.SecurityGroupEgressRule] = []
        self.vpc_id: pulumi.Input[str]
        self.route_table_ids: dict[str, pulumi.Input[str]]
        self.ipv6_cidr_block: pulumi.Output[str] | None = None
        if vpc.managed:
            self._create(vpc)
            for group in groups:
                self._group(group)
        else:
            self._adopt(vpc)
        self.security_group_ids: dict[str, pulumi.Output[str]] = {
            name: group.id for name, group in self.security_groups.items()
        }
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "route_table_ids": self.route_table_ids,
                "subnet_ids": {name: subnet.id for name, subnet in self.subnets.items()},
                "cidr_associations": {
                    cidr: association.id for cidr, association in self.cidr_associations.items()
                },
                "route_table_associations": {
                    subnet: association.id for subnet, association in self.associations.items()
                },
                "security_group_ids": self.security_group_ids,
                "egress_rules": [rule.id for rule in self.egress_rules],
            }
        )

    def _create(self, vpc: VpcPlan) -> None:
        opts = pulumi.ResourceOptions(parent=self, provider=self.provider)
        region = vpc.region
        resource = aws.ec2.Vpc(
            names.vpc(self.prefix, vpc.name),
            cidr_block=vpc.cidrs[0],
            enable_dns_support=True,
            enable_dns_hostnames=vpc.dns_hostnames,
            assign_generated_ipv6_cidr_block=vpc.ipv6,
            region=region,
            tags=dict(vpc.tags),
            opts=opts,
        )
        self.resource = resource
        self.vpc_id = resource.id
        if vpc.ipv6:
            self.ipv6_cidr_block = resource.ipv6_cidr_block
        for cidr in vpc.secondary_cidrs:
            self.cidr_associations[cidr] = aws.ec2.VpcIpv4CidrBlockAssociation(
                names.cidr_association(self.prefix, vpc.name, cidr),
                vpc_id=resource.id,
                cidr_block=cidr,
                region=region,
                opts=opts,
            )
        self.route_table_ids = {MAIN: resource.main_route_table_id}
        for table in vpc.named_route_tables:
            route_table = aws.ec2.RouteTable(
                names.route_table(self.prefix, vpc.name, table),
                vpc_id=resource.id,
                region=region,
                tags=dict(vpc.route_table_tags[table]),
                opts=opts,
            )
            self.route_tables[table] = route_table
            self.route_table_ids[table] = route_table.id
        for subnet in vpc.subnets:
            zone = subnet.availability_zone
            # The /64 is known once AWS has given the VPC its /56.
            ipv6_block = (
                None
                if subnet.ipv6_index is None
                else resource.ipv6_cidr_block.apply(
                    functools.partial(_subnet_block, index=subnet.ipv6_index)
                )
            )
            created = aws.ec2.Subnet(
                names.subnet(self.prefix, vpc.name, subnet.name),
                vpc_id=self._vpc_id_for(subnet.block),
                cidr_block=subnet.cidr,
                availability_zone=None if subnet.az_is_id else zone,
                availability_zone_id=zone if subnet.az_is_id else None,
                ipv6_cidr_block=ipv6_block,
                assign_ipv6_address_on_creation=True if subnet.ipv6 else None,
                region=region,
                tags=dict(subnet.tags),
                opts=opts,
            )
            self.subnets[subnet.name] = created
            if subnet.route_table != MAIN:
                self.associations[subnet.name] = aws.ec2.RouteTableAssociation(
                    names.association(self.prefix, vpc.name, subnet.name),
                    subnet_id=created.id,
                    route_table_id=self.route_tables[subnet.route_table].id,
                    region=region,
                    opts=opts,
                )

    def _group(self, group: SecurityGroupPlan) -> None:
        opts = pulumi.ResourceOptions(parent=self, provider=self.provider)
        region = self.plan.region
        created = aws.ec2.SecurityGroup(
            names.security_group(self.prefix, group),
            name=group.group_name,
            description=group.description,
            vpc_id=self.vpc_id,
            region=region,
            tags=dict(group.tags),
            opts=opts,
        )
        self.security_groups[group.name] = created
        for destination in group.egress:
            ipv6 = ":" in destination
            self.egress_rules.append(
                aws.vpc.SecurityGroupEgressRule(
                    names.security_egress_rule(self.prefix, group, destination),
                    security_group_id=created.id,
                    ip_protocol="-1",
                    cidr_ipv4=None if ipv6 else destination,
                    cidr_ipv6=destination if ipv6 else None,
                    region=region,
                    tags=dict(group.egress_tags),
                    opts=opts,
                )
            )

    def _vpc_id_for(self, block: str) -> pulumi.Input[str]:
        """The VPC id, through the association of the block that holds a subnet.

        AWS refuses a subnet outside the VPC's associated blocks, so a subnet in a
        secondary block must wait for that block's association: taking the VPC id from
        the association's output makes it wait without an explicit ``depends_on``.
        """
        association = self.cidr_associations.get(block)
        return association.vpc_id if association is not None else self.vpc_id

    def _adopt(self, vpc: VpcPlan) -> None:
        assert vpc.vpc_id is not None  # the plan sets it for every adopted VPC
        self.vpc_id = vpc.vpc_id
        if not vpc.discovers_route_tables:
            self.route_table_ids = dict(vpc.route_table_ids)
            return
        # A plain (not Output) invoke: the ids are known while the program runs, so the
        # routes into these tables are registered, and shown, in a preview too.
        found = aws.ec2.get_route_tables(
            vpc_id=vpc.vpc_id,
            region=vpc.region,
            opts=pulumi.InvokeOptions(parent=self, provider=self.provider),
        )
        ids = sorted(found.ids or ())
        self.discovered = tuple(ids)
        if not ids:
            # Found while the program runs, so resources may already be registered (and,
            # in an `up`, created): a deploy failure, not an invalid topology.
            raise AdoptionError(
                f"no route tables found for adopted VPC {vpc.name!r} ({vpc.vpc_id!r}) in "
                f"account {vpc.account_id!r}, region {vpc.region!r}",
                hint=f"check vpcs.{vpc.name}.existing (the VPC id, account and region), or "
                "list its tables under `existing.route_tables`",
            )
        self.route_table_ids = {rtb: rtb for rtb in ids}

    def tables_for(self, route_table: str) -> list[tuple[str, pulumi.Input[str]]]:
        """``(name, id)`` of the tables a plan route in ``route_table`` goes into; an adopted
        VPC's tables are named by their ids (``route_tables_of``)."""
        if not self.plan.managed:
            return list(route_tables_of(self.plan, route_table, {self.plan.name: self.discovered}))
        return [(route_table, self.route_table_ids[route_table])]
