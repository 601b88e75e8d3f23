"""From a plan to each account's policy: what it creates, accepts, modifies, and where.

Pure: reads the plan (``peerstack.plan``) and the data of ``_actions``, and writes policy
documents as dicts. Two steps:

1. :func:`footprints`: per account, which resource types it holds in which regions,
   which links it requests or accepts (and between which VPCs), which route tables it
   routes into. A day-2 change merges the footprints of the old and the new plan: the
   change deletes what only the old one has.
2. :func:`_statements`: the actions the provider calls for those types (every operation:
   create, read, update, delete), each put in the statement that scopes it as tightly as
   EC2 allows:

   - ``Describe*`` support no resource-level permissions: ``Resource: "*"``, scoped by
     ``aws:RequestedRegion`` only (every statement carries that condition);
   - creates are allowed on new resources that carry ``peerstack:topology`` in their
     TagSpecifications (``aws:RequestTag``), and ``ec2:CreateTags`` only as part of those
     creates (``ec2:CreateAction``);
   - changes and deletes act on resources tagged ``peerstack:topology``
     (``aws:ResourceTag``): every VPC, subnet, route table and connection peerstack
     creates carries it;
   - what carries no peerstack tag is named instead: adopted VPCs and adopted (imported)
     connections by ARN; acceptance by
     the VPCs it joins (``ec2:RequesterVpc`` / ``ec2:AccepterVpc``: the accepter does
     not see the requester's tags); routes by table ARN (adopted tables), by VPC
     (``ec2:Vpc``, discovered tables) or, in a created VPC, by region: its main table is
     made by AWS with the VPC and never tagged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from peerstack._facts.regions import partition
from peerstack._facts.tags import TagKey
from peerstack._provider import tokens
from peerstack._provider.calls import (
    AUTHORIZED_ON,
    CREATES,
    INVOKE_CALLS,
    NO_PERMISSION_NEEDED,
    RESOURCE_CALLS,
    ROUTE_ACTIONS,
    RULE_ACTIONS,
    Kind,
    Op,
)
from peerstack.iam._model import AccountIam, Grant, IamPlan, PolicyDocument
from peerstack.plan import MAIN, AccountPlan, LinkPlan, Plan, VpcPlan

__all__ = [
    "TOPOLOGY_TAG",
    "USED_FEATURES",
    "VERIFY_ACTIONS",
    "Footprint",
    "footprints",
    "iam_plan",
    "principal_for",
]

TOPOLOGY_TAG = TagKey.TOPOLOGY.value
"""The tag every resource peerstack creates carries (a topology cannot set it: the plan
refuses keys starting with ``peerstack:``)."""

USED_FEATURES: frozenset[str] = frozenset()
"""Provider features (``_actions.FEATURES``) peerstack's components use in every account.

None today: no IPAM, tenancy, inline routes, VGW propagation, option blocks on
connections or accepters, or unknown tag values. ``auto_accept`` is decided per link,
and ``subnet_attributes`` per VPC (subnets with IPv6). A component that starts using one
in every account adds it here (the enforced emulation fails, naming the missing action,
until it does)."""

VERIFY_ACTIONS: tuple[str, ...] = (
    "ec2:DescribeRouteTables",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeVpcs",
)
"""What ``peerstack verify`` reads in every account and region of the plan's VPCs
(``peerstack/verify/_read.py``), besides DescribeVpcAttribute on created VPCs that
resolve DNS, and DescribeSecurityGroupRules where the plan adds security group rules."""

_MAYBE_KEPT = frozenset({tokens.CONNECTION, tokens.ROUTE})
"""Types peerstack imports (kept in AWS whatever happens to the stack) or creates."""

PREFLIGHT = "peerstack:preflight"
"""What grants the pre-flight's reads stand for: before a preview or an up of a topology
that adopts anything, peerstack reads the adopted VPCs, their tables and connections."""

VERSION = "2012-10-17"


@dataclass(frozen=True, slots=True, order=True)
class VpcRef:
    """A VPC as an ARN can name it before deploy: created ones have no id yet."""

    account_id: str
    region: str
    vpc_id: str | None

    def arn(self) -> str:
        return _arn(self.region, self.account_id, Kind.VPC, self.vpc_id or "*")


@dataclass
class Footprint:
    """What one account does for a topology (or for a change between two)."""

    alias: str
    account_id: str
    topologies: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Pulumi type token -> regions where the account holds resources of that type."""
    invokes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    features: set[str] = field(default_factory=set)
    requests: set[tuple[VpcRef, VpcRef]] = field(default_factory=set)
    """(requester, accepter) of every link whose connection this account creates."""
    accepts: set[tuple[VpcRef, VpcRef]] = field(default_factory=set)
    """(requester, accepter) of every link this account accepts (auto-accept included)."""
    routes_in_created: set[str] = field(default_factory=set)
    """Regions where the account routes into tables of VPCs peerstack created."""
    routes_in_tables: set[tuple[str, str]] = field(default_factory=set)
    """(region, route table id): listed tables of adopted VPCs."""
    routes_in_vpcs: set[VpcRef] = field(default_factory=set)
    """Adopted VPCs whose tables are discovered at deploy time."""
    rules_in_groups: set[tuple[str, str]] = field(default_factory=set)
    """(region, security group id): groups of adopted VPCs that get ingress rules."""
    adopted_peerings: set[tuple[str, str]] = field(default_factory=set)
    """(region, connection id): adopted connections this account manages a side of; they
    carry no peerstack tag (the import leaves their owner's tags alone)."""
    verify_regions: set[str] = field(default_factory=set)
    verify_dns_regions: set[str] = field(default_factory=set)
    preflight_regions: set[str] = field(default_factory=set)
    """Regions of adopted VPCs, which the pre-flight reads before every preview and up."""
    deleted: set[str] = field(default_factory=set)
    """Types of which the account holds a resource peerstack may delete (every type but
    connections and routes that existed before: imported, they are kept in AWS)."""

    def merge(self, other: Footprint) -> None:
        self.topologies |= other.topologies
        self.regions |= other.regions
        for token, regions in other.types.items():
            self.types[token] |= regions
        for token, regions in other.invokes.items():
            self.invokes[token] |= regions
        self.features |= other.features
        self.requests |= other.requests
        self.accepts |= other.accepts
        self.routes_in_created |= other.routes_in_created
        self.routes_in_tables |= other.routes_in_tables
        self.routes_in_vpcs |= other.routes_in_vpcs
        self.rules_in_groups |= other.rules_in_groups
        self.adopted_peerings |= other.adopted_peerings
        self.verify_regions |= other.verify_regions
        self.verify_dns_regions |= other.verify_dns_regions
        self.preflight_regions |= other.preflight_regions
        self.deleted |= other.deleted

    def regions_of(self, *types: str) -> set[str]:
        found: set[str] = set()
        for token in types:
            found |= self.types.get(token, set())
        return found


def _ref(vpc: VpcPlan) -> VpcRef:
    return VpcRef(vpc.account_id, vpc.region, None if vpc.managed else vpc.vpc_id)


def footprints(plan: Plan) -> dict[str, Footprint]:
    """Per account alias (of accounts that act), what it does for ``plan``."""
    found: dict[str, Footprint] = {}

    def of(vpc: VpcPlan) -> Footprint:
        fp = found.get(vpc.account)
        if fp is None:
            fp = found[vpc.account] = Footprint(vpc.account, vpc.account_id)
            fp.topologies.add(plan.topology)
            fp.features |= USED_FEATURES
        fp.regions.add(vpc.region)
        return fp

    for vpc in plan.vpcs:
        fp = of(vpc)
        fp.verify_regions.add(vpc.region)
        if not vpc.managed:
            fp.preflight_regions.add(vpc.region)
            if vpc.discovers_route_tables:
                fp.invokes[tokens.GET_ROUTE_TABLES].add(vpc.region)
            continue
        fp.types[tokens.VPC].add(vpc.region)
        if vpc.dns_hostnames:
            fp.verify_dns_regions.add(vpc.region)
        if vpc.secondary_cidrs:
            fp.types[tokens.CIDR_ASSOCIATION].add(vpc.region)
        if vpc.named_route_tables:
            fp.types[tokens.ROUTE_TABLE].add(vpc.region)
        if vpc.subnets:
            fp.types[tokens.SUBNET].add(vpc.region)
        if any(s.ipv6 for s in vpc.subnets):
            # vpc_subnet.go: CreateSubnet with Ipv6CidrBlock, then ModifySubnetAttribute for
            # assign_ipv6_address_on_creation (and Associate/DisassociateSubnetCidrBlock
            # when a subnet's index changes).
            fp.features.add("subnet_attributes")
        if any(s.route_table != MAIN for s in vpc.subnets):
            fp.types[tokens.ASSOCIATION].add(vpc.region)
    for link in plan.links:
        _link(plan, link, of)
    for accept in plan.accepts:
        # A request from outside: our account accepts it (the requester's VPC id is not
        # ours to know: any VPC of the peer's account), tags it as the accepter creates,
        # and sets our side's options; the connection is the peer's to delete.
        vpc = plan.vpc(accept.vpc)
        fp = of(vpc)
        fp.types[tokens.ACCEPTER].add(accept.region)
        fp.types[tokens.OPTIONS].add(accept.region)
        fp.accepts.add((VpcRef(accept.peer.account_id, accept.peer.region, None), _ref(vpc)))
    imported = {link.name for link in plan.links if link.imports_routes}
    for route in plan.routes:
        vpc = plan.vpc(route.vpc)
        fp = of(vpc)
        fp.types[tokens.ROUTE].add(vpc.region)
        if route.link not in imported:
            fp.deleted.add(tokens.ROUTE)
        if vpc.managed:
            fp.routes_in_created.add(vpc.region)
        elif vpc.discovers_route_tables:
            fp.routes_in_vpcs.add(_ref(vpc))
        else:
            fp.routes_in_tables.add((vpc.region, vpc.route_table_ids[route.route_table]))
    for group in plan.security_groups:
        vpc = plan.vpc(group.vpc)
        fp = of(vpc)
        fp.types[tokens.SECURITY_GROUP].add(vpc.region)
        fp.types[tokens.SECURITY_EGRESS_RULE].add(vpc.region)
    for rule in plan.security_rules:
        vpc = plan.vpc(rule.vpc)
        fp = of(vpc)
        fp.types[tokens.SECURITY_RULE].add(vpc.region)
        if rule.group_id is not None:  # a created group's rules: by the group's tag
            fp.rules_in_groups.add((vpc.region, rule.group_id))
    return found


def _link(plan: Plan, link: LinkPlan, of: Any) -> None:
    requester, accepter = plan.vpc(link.requester), plan.vpc(link.accepter)
    pair = (_ref(requester), _ref(accepter))
    side = of(requester)
    side.types[tokens.CONNECTION].add(link.requester_region)
    side.types[tokens.OPTIONS].add(link.requester_region)
    other = of(accepter)
    other.types[tokens.OPTIONS].add(link.accepter_region)
    if link.needs_accepter:
        other.types[tokens.ACCEPTER].add(link.accepter_region)
    if link.requester_waits_for_active:
        side.invokes[tokens.GET_PEERING_CONNECTIONS].add(link.requester_region)
    if link.existing_id is not None:
        # Imported: neither requested nor accepted again; each side changes its options
        # (and the requester deletes it on destroy), named by id.
        side.adopted_peerings.add((link.requester_region, link.existing_id))
        other.adopted_peerings.add((link.accepter_region, link.existing_id))
        return
    side.deleted.add(tokens.CONNECTION)
    side.requests.add(pair)
    if link.auto_accept:
        side.features.add("auto_accept")
        side.accepts.add(pair)
    if link.needs_accepter:
        other.accepts.add(pair)


def principal_for(plan: Plan, principal: str | None = None) -> str | None:
    """The principal the trust policies name.

    ``principal`` as given (an ARN, or an account id for that account's root: every
    principal of it whose own policy allows ``sts:AssumeRole``); else, when exactly one
    account of the plan uses the ambient credentials (no role, no profile), that
    account's root. None when no account assumes a role. ValueError when a role needs a
    principal and none can be told.
    """
    roles = [a for a in _acting(plan) if a.role_arn]
    if principal is not None:
        if principal.isdigit() and len(principal) == 12:
            return f"arn:{_partition_of(plan)}:iam::{principal}:root"
        if not (principal.startswith("arn:") and ":iam::" in principal):
            raise ValueError(
                f"principal {principal!r} is not an IAM principal ARN or an account id "
                "(arn:aws:iam::123456789012:role/deployer, arn:aws:iam::123456789012:root)"
            )
        return principal
    if not roles:
        return None
    ambient = [a for a in _acting(plan) if not a.role_arn and not a.profile]
    if len(ambient) == 1:
        return f"arn:{_partition_of(plan)}:iam::{ambient[0].id}:root"
    raise ValueError(
        "no principal to trust: the topology has "
        + (
            f"{len(ambient)} accounts on ambient credentials"
            if ambient
            else "no account on ambient credentials"
        )
        + "; name the principal that deploys (its ARN, or an account id)"
    )


def _partition_of(plan: Plan) -> str:
    """The plan's partition (peering and roles never cross one)."""
    return partition(plan.vpcs[0].region) if plan.vpcs else "aws"


def _acting(plan: Plan) -> list[AccountPlan]:
    used = {v.account for v in plan.vpcs}
    return [a for a in plan.accounts if a.alias in used]


def iam_plan(
    plan: Plan,
    *,
    previous: Plan | None = None,
    principal: str | None = None,
    verify: bool = False,
) -> IamPlan:
    """Per account, the policy (and trust policy) for deploying ``plan``.

    ``previous``: the plan deployed now; the policies then also cover the change from it
    (deleting what only it has). ``verify``: add what ``peerstack verify`` reads.
    ``principal``: who deploys (see :func:`principal_for`).
    """
    prints = footprints(plan)
    if previous is not None:
        for alias, before in footprints(previous).items():
            if alias in prints and prints[alias].account_id == before.account_id:
                prints[alias].merge(before)
            elif alias not in prints:
                prints[alias] = before
    trusted = principal_for(plan, principal)
    accounts = []
    for account in (*plan.accounts, *(previous.accounts if previous else ())):
        found = prints.pop(account.alias, None)
        if found is not None:
            accounts.append(_account(account, found, trusted, verify=verify))
    roles = sorted({a.role_arn for a in accounts if a.role_arn})
    deployer = None
    if roles:
        deployer = _document(
            [{"Sid": "AssumePeerstackRoles", "Action": "sts:AssumeRole", "Resource": roles}]
        )
    return IamPlan(
        topology=plan.topology,
        accounts=tuple(accounts),
        principal=trusted if roles else None,
        deployer_policy=deployer,
        verify=verify,
        notes=_NOTES,
    )


_NOTES = (
    "sts:GetCallerIdentity (the provider checks the account twice) needs no permission.",
    "Accounts without role_arn: attach the policy to the principal that deploys.",
    "Routes into a created VPC's main table are scoped by region only: AWS creates that "
    "table with the VPC, and it carries no peerstack tag.",
    "Accepting: the accepter cannot see the requester's tags, so it tags the connection "
    "itself (CreateTags with peerstack:topology) and is scoped by the VPCs it joins.",
)


def _account(
    account: AccountPlan, fp: Footprint, principal: str | None, *, verify: bool
) -> AccountIam:
    grants = _grants(fp)
    statements = _statements(fp, {g.action for g in grants}, verify=verify)
    trust = None
    if account.role_arn and principal is not None:
        trust = trust_policy(principal, account.external_id)
    return AccountIam(
        alias=account.alias,
        id=account.id,
        regions=tuple(sorted(fp.regions)),
        policy=_document(statements),
        role_arn=account.role_arn,
        external_id=account.external_id,
        trust_policy=trust,
        grants=tuple(grants),
    )


def trust_policy(principal: str, external_id: str | None) -> PolicyDocument:
    """Who may assume the role: the deploying principal, with the external id if any."""
    statement: dict[str, Any] = {
        "Sid": "PeerstackDeployer",
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
    }
    if external_id is not None:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return {"Version": VERSION, "Statement": [statement]}


def _grants(fp: Footprint) -> list[Grant]:
    grants: list[Grant] = []
    for token in sorted(fp.types):
        for op in Op:
            if op is Op.DELETE and token in _MAYBE_KEPT and token not in fp.deleted:
                continue  # all imported, all kept in AWS (retain_on_delete)
            for call in RESOURCE_CALLS[token][op]:
                if call.when is None or call.when in fp.features:
                    grants.append(Grant(call.action, token, op, call.source))
    for token in sorted(fp.invokes):
        for call in INVOKE_CALLS[token]:
            grants.append(Grant(call.action, token, None, call.source))
    if fp.preflight_regions:
        grants += [
            Grant(action, PREFLIGHT, None, "peerstack/verify/_preflight.py (read_snapshot)")
            for action in VERIFY_ACTIONS
        ]
    return [g for g in grants if g.action not in NO_PERMISSION_NEEDED]


def _statements(fp: Footprint, actions: set[str], *, verify: bool) -> list[dict[str, Any]]:
    regions = sorted(fp.regions)
    tag = _one_or_many(sorted(fp.topologies))
    created_vpcs = fp.regions_of(tokens.VPC)
    statements: list[dict[str, Any]] = []

    def add(
        sid: str,
        wanted: Iterable[str],
        resources: Iterable[str],
        *,
        pool: set[str] = actions,
        **conditions: Any,
    ) -> None:
        chosen = sorted(set(wanted) & pool)
        listed = sorted(set(resources))
        if not chosen or not listed:
            return
        statement: dict[str, Any] = {"Sid": sid, "Action": chosen, "Resource": listed}
        merged: dict[str, dict[str, Any]] = {}
        for operator, values in conditions.items():
            merged.setdefault(operator, {}).update(values)
        statement["Condition"] = merged
        statements.append(statement)

    def arns(kind: Kind, where: Iterable[str]) -> list[str]:
        return [_arn(region, fp.account_id, kind, "*") for region in where]

    # Reads: no resource-level permissions.
    add("Read", [a for a in actions if AUTHORIZED_ON[a] == ()], ["*"])

    # New resources, tagged as they are created.
    new = {kind: fp.regions_of(*_MADE_BY[kind]) for kind in Kind}
    new_tag = {"aws:RequestTag/" + TOPOLOGY_TAG: tag}
    add("CreateVpcs", ["ec2:CreateVpc"], arns(Kind.VPC, new[Kind.VPC]), StringEquals=new_tag)
    add(
        "CreateInPeerstackVpcs",
        ["ec2:CreateSubnet", "ec2:CreateRouteTable", "ec2:CreateSecurityGroup"],
        [
            *arns(Kind.SUBNET, new[Kind.SUBNET]),
            *arns(Kind.ROUTE_TABLE, new[Kind.ROUTE_TABLE]),
            *arns(Kind.SECURITY_GROUP, new[Kind.SECURITY_GROUP]),
        ],
        StringEquals=new_tag,
    )
    requesting = {(r.region, a.arn()) for r, a in fp.requests}
    add(
        "RequestPeerings",
        ["ec2:CreateVpcPeeringConnection"],
        arns(Kind.PEERING, {region for region, _ in requesting}),
        StringEquals=new_tag,
        ArnLike={"ec2:AccepterVpc": sorted({arn for _, arn in requesting})},
    )
    creating = sorted(a.split(":", 1)[1] for a in CREATES if a in actions)
    add(
        "TagOnCreate",
        ["ec2:CreateTags"] if creating else [],
        [res for kind in Kind for res in arns(kind, new[kind])],
        StringEquals={**new_tag, "ec2:CreateAction": creating},
    )

    # The VPCs peerstack created, by tag; adopted ones by ARN (peering them only).
    vpc_tag = {"aws:ResourceTag/" + TOPOLOGY_TAG: tag}
    on_vpcs = {
        a
        for a in actions
        if Kind.VPC in AUTHORIZED_ON[a]
        and a not in ("ec2:CreateVpc", "ec2:CreateTags", "ec2:DeleteTags")
        and a not in _PEERING_ON_VPC
    }
    add("PeerstackVpcs", on_vpcs, arns(Kind.VPC, created_vpcs), StringEquals=vpc_tag)
    requester_vpcs = {r for r, _ in fp.requests if r.account_id == fp.account_id}
    accepter_vpcs = {a for _, a in fp.accepts if a.account_id == fp.account_id}
    add(
        "RequestFromPeerstackVpcs",
        ["ec2:CreateVpcPeeringConnection"],
        arns(Kind.VPC, {v.region for v in requester_vpcs if v.vpc_id is None}),
        StringEquals=vpc_tag,
    )
    add(
        "AcceptIntoPeerstackVpcs",
        ["ec2:AcceptVpcPeeringConnection"],
        arns(Kind.VPC, {v.region for v in accepter_vpcs if v.vpc_id is None}),
        StringEquals=vpc_tag,
    )
    add(
        "RequestFromAdoptedVpcs",
        ["ec2:CreateVpcPeeringConnection"],
        [v.arn() for v in requester_vpcs if v.vpc_id is not None],
    )
    add(
        "AcceptIntoAdoptedVpcs",
        ["ec2:AcceptVpcPeeringConnection"],
        [v.arn() for v in accepter_vpcs if v.vpc_id is not None],
    )

    # Acceptance, by the VPCs the connection joins.
    add(
        "AcceptPeerings",
        ["ec2:AcceptVpcPeeringConnection"],
        arns(Kind.PEERING, {a.region for _, a in fp.accepts}),
        ArnLike={
            "ec2:RequesterVpc": sorted({r.arn() for r, _ in fp.accepts}),
            "ec2:AccepterVpc": sorted({a.arn() for _, a in fp.accepts}),
        },
    )
    accepter_regions = fp.regions_of(tokens.ACCEPTER)
    add(
        "TagAcceptedPeerings",
        ["ec2:CreateTags"] if accepter_regions else [],
        arns(Kind.PEERING, accepter_regions),
        StringEquals=new_tag,
    )

    # Everything else peerstack created and tagged: changes, deletes, tag updates.
    own = {
        Kind.VPC: created_vpcs,
        Kind.SUBNET: fp.regions_of(tokens.SUBNET),
        Kind.ROUTE_TABLE: fp.regions_of(tokens.ROUTE_TABLE),
        Kind.PEERING: fp.regions_of(tokens.CONNECTION, tokens.ACCEPTER, tokens.OPTIONS),
        Kind.SECURITY_GROUP: fp.regions_of(tokens.SECURITY_GROUP),
        Kind.SECURITY_GROUP_RULE: fp.regions_of(tokens.SECURITY_RULE, tokens.SECURITY_EGRESS_RULE),
    }
    managed = {
        a
        for a in actions
        if any(k is not Kind.VPC for k in AUTHORIZED_ON[a])
        and a not in CREATES
        and a not in ROUTE_ACTIONS
        and a not in RULE_ACTIONS
        and a not in ("ec2:CreateTags", "ec2:DeleteTags", "ec2:AcceptVpcPeeringConnection")
    }
    add(
        "ManagePeerstackResources",
        managed,
        [res for kind in Kind if kind is not Kind.VPC for res in arns(kind, own[kind])],
        StringEquals=vpc_tag,
    )
    add(
        "ManageAdoptedPeerings",
        {a for a in managed if Kind.PEERING in AUTHORIZED_ON[a]},
        [_arn(region, fp.account_id, Kind.PEERING, pcx) for region, pcx in fp.adopted_peerings],
    )
    add(
        "RetagPeerstackResources",
        ["ec2:CreateTags", "ec2:DeleteTags"],
        [res for kind in Kind for res in arns(kind, own[kind])],
        StringEquals=vpc_tag,
    )

    # Routes: tables peerstack may not have tagged.
    add("RoutesInCreatedVpcs", ROUTE_ACTIONS, arns(Kind.ROUTE_TABLE, fp.routes_in_created))
    add(
        "RoutesInAdoptedTables",
        ROUTE_ACTIONS,
        [
            _arn(region, fp.account_id, Kind.ROUTE_TABLE, table)
            for region, table in fp.routes_in_tables
            if region not in fp.routes_in_created
        ],
    )
    discovered = {v for v in fp.routes_in_vpcs if v.region not in fp.routes_in_created}
    add(
        "RoutesInAdoptedVpcs",
        ROUTE_ACTIONS,
        arns(Kind.ROUTE_TABLE, {v.region for v in discovered}),
        ArnEquals={"ec2:Vpc": sorted(v.arn() for v in discovered)},
    )

    # Security group rules: into groups of adopted VPCs, never tagged by peerstack.
    add(
        "RulesInAdoptedGroups",
        RULE_ACTIONS,
        [
            *(
                _arn(region, fp.account_id, Kind.SECURITY_GROUP, group)
                for region, group in fp.rules_in_groups
            ),
            *arns(Kind.SECURITY_GROUP_RULE, {region for region, _ in fp.rules_in_groups}),
        ],
    )

    # Rules into (and the egress rules of) groups peerstack created and tagged.
    created_groups = fp.regions_of(tokens.SECURITY_GROUP)
    add(
        "RulesInPeerstackGroups",
        {*RULE_ACTIONS, "ec2:AuthorizeSecurityGroupEgress"},
        arns(Kind.SECURITY_GROUP, created_groups),
        StringEquals=vpc_tag,
    )
    add(
        "NewRulesInPeerstackGroups",
        ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress"],
        arns(Kind.SECURITY_GROUP_RULE, created_groups),
    )

    if verify:
        # The groups and rules peerstack adds rules to or creates, where it does.
        rule_reads: tuple[str, ...] = ()
        if fp.rules_in_groups or created_groups:
            rule_reads = ("ec2:DescribeSecurityGroupRules",)
        if created_groups:
            rule_reads += ("ec2:DescribeSecurityGroups",)
        reads = {*VERIFY_ACTIONS, *rule_reads, "ec2:DescribeVpcAttribute"}
        add("VerifyReads", [*VERIFY_ACTIONS, *rule_reads], ["*"], pool=reads)
        add(
            "VerifyVpcAttributes",
            ["ec2:DescribeVpcAttribute"],
            arns(Kind.VPC, fp.verify_dns_regions),
            pool=reads,
            StringEquals=vpc_tag,
        )
    for statement in statements:
        statement["Effect"] = "Allow"
        condition = statement.pop("Condition")
        condition.setdefault("StringEquals", {})["aws:RequestedRegion"] = regions
        statement["Condition"] = condition
    return [_ordered(s) for s in statements]


_MADE_BY: Mapping[Kind, tuple[str, ...]] = {
    Kind.VPC: (tokens.VPC,),
    Kind.SUBNET: (tokens.SUBNET,),
    Kind.ROUTE_TABLE: (tokens.ROUTE_TABLE,),
    Kind.PEERING: (tokens.CONNECTION,),
    Kind.SECURITY_GROUP: (tokens.SECURITY_GROUP,),
    Kind.SECURITY_GROUP_RULE: (tokens.SECURITY_RULE, tokens.SECURITY_EGRESS_RULE),
}
"""Which resource types create each kind (and so need ec2:Create<kind>)."""

_PEERING_ON_VPC = frozenset({"ec2:CreateVpcPeeringConnection", "ec2:AcceptVpcPeeringConnection"})
"""Authorized on one VPC of the connection (the requester's, the accepter's): statements
of their own, since that VPC may be adopted (named by ARN) or created (by tag)."""


def _ordered(statement: dict[str, Any]) -> dict[str, Any]:
    keys = ("Sid", "Effect", "Action", "Resource", "Condition")
    return {k: statement[k] for k in keys if k in statement}


def _document(statements: list[dict[str, Any]]) -> PolicyDocument:
    for statement in statements:
        statement.setdefault("Effect", "Allow")
    return {"Version": VERSION, "Statement": [_ordered(s) for s in statements]}


def _arn(region: str, account_id: str, kind: Kind, resource_id: str) -> str:
    return f"arn:{partition(region)}:ec2:{region}:{account_id}:{kind}/{resource_id}"


def _one_or_many(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values
