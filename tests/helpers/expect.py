"""Checks of a mocked run against its plan: what every topology must register.

Each check derives what it expects from the plan (never from numbers seen in a run), so
the same function holds for every example and every hand-made topology.
"""

from __future__ import annotations

import ipaddress
import json
from collections import Counter
from typing import Any

from peerstack._provider import tokens
from peerstack.plan import DISCOVERED, IPV6_PREFIX, MAIN
from peerstack.plan.model import slug
from peerstack.testing import UNKNOWN, MockRun, RegisteredResource

TOPOLOGY = tokens.TOPOLOGY
VPC_COMPONENT = tokens.VPC_COMPONENT
LINK_COMPONENT = tokens.LINK
PROVIDER = tokens.AWS_PROVIDER
VPC = tokens.VPC
CIDR_ASSOCIATION = tokens.CIDR_ASSOCIATION
SUBNET = tokens.SUBNET
ROUTE_TABLE = tokens.ROUTE_TABLE
ASSOCIATION = tokens.ASSOCIATION
CONNECTION = tokens.CONNECTION
ACCEPTER = tokens.ACCEPTER
OPTIONS = tokens.OPTIONS
ROUTE = tokens.ROUTE
SECURITY_RULE = tokens.SECURITY_RULE
SECURITY_GROUP = tokens.SECURITY_GROUP
SECURITY_EGRESS_RULE = tokens.SECURITY_EGRESS_RULE

TAGGABLE = {
    VPC,
    SUBNET,
    ROUTE_TABLE,
    CONNECTION,
    ACCEPTER,
    SECURITY_RULE,
    SECURITY_GROUP,
    SECURITY_EGRESS_RULE,
}
VPC_OWNED = {
    VPC,
    CIDR_ASSOCIATION,
    SUBNET,
    ROUTE_TABLE,
    ASSOCIATION,
    SECURITY_GROUP,
    SECURITY_EGRESS_RULE,
}


def known(value: Any) -> bool:
    return value is not UNKNOWN and value is not None


def one(resources: list[RegisteredResource], what: str) -> RegisteredResource:
    assert len(resources) == 1, f"expected exactly one {what}, found {len(resources)}"
    return resources[0]


def component_of(run: MockRun, resource: RegisteredResource) -> RegisteredResource:
    assert resource.parent is not None, f"{resource.name} has no parent"
    return run.by_urn(resource.parent)


def check_run(run: MockRun, name: str | None = None) -> None:
    """Every check below, for one run."""
    name = run.plan.topology if name is None else name
    check_unique(run)
    check_components(run, name)
    check_providers(run)
    check_vpcs(run)
    check_links(run)
    check_accepts(run)
    check_routes(run)
    check_security_groups(run)
    check_security_rules(run)
    check_tags(run)
    check_outputs(run)


def check_unique(run: MockRun) -> None:
    urns = Counter(r.urn for r in run.resources)
    assert [u for u, n in urns.items() if n > 1] == []
    keys = Counter((r.type, r.name) for r in run.resources)
    assert [k for k, n in keys.items() if n > 1] == []


def check_components(run: MockRun, name: str) -> None:
    plan = run.plan
    top = one(run.of_type(TOPOLOGY), "PeeringTopology")
    assert top.name == name
    vpcs = run.of_type(VPC_COMPONENT)
    links = run.of_type(LINK_COMPONENT)
    assert sorted(c.name for c in vpcs) == sorted(f"{name}.{v.name}" for v in plan.vpcs)
    assert sorted(c.name for c in links) == sorted(
        f"{name}.{link}" for link in (*(k.name for k in plan.links), *_accept_names(plan))
    )
    for component in [*vpcs, *links, *run.of_type(PROVIDER)]:
        assert component.parent == top.urn
    # Every AWS resource hangs under the component of its VPC or link.
    for resource in run.resources:
        if resource.type in VPC_OWNED:
            assert component_of(run, resource).type == VPC_COMPONENT
        elif resource.type in (CONNECTION, ACCEPTER, OPTIONS, ROUTE, SECURITY_RULE):
            assert component_of(run, resource).type == LINK_COMPONENT
    # The engine reports a component done only once it registers its outputs.
    for component in [top, *vpcs, *links]:
        assert component.urn in run.registered_outputs, f"{component.name} registers no outputs"
    if not run.preview:
        for link in links:
            outputs = run.registered_outputs[link.urn]
            children = [r for r in run.children_of(link.urn) if r.type == ROUTE]
            assert len(outputs["routes"]) == len(children)
            assert outputs["peering_connection_id"]


def check_providers(run: MockRun) -> None:
    plan = run.plan
    used = {v.account for v in plan.vpcs}
    providers = run.of_type(PROVIDER)
    assert sorted(p.name.rsplit(".", 1)[-1] for p in providers) == sorted(used)
    for provider in providers:
        account = plan.account(provider.name.rsplit(".", 1)[-1])
        if not provider.inputs.get("skipRequestingAccountId"):
            # Pinned to its account: other credentials fail before anything is created.
            allowed = provider.inputs["allowedAccountIds"]
            allowed = json.loads(allowed) if isinstance(allowed, str) else allowed
            assert allowed == [account.id], provider.name
    for resource in run.resources:
        if resource.custom and resource.type != PROVIDER:
            assert resource.provider in used, f"{resource.name}: provider {resource.provider}"
            assert resource.inputs["region"], f"{resource.name} has no region"


def check_vpcs(run: MockRun) -> None:
    plan = run.plan
    for vpc in plan.vpcs:
        owned = [
            r
            for r in run.resources
            if r.type in VPC_OWNED and component_of(run, r).name.endswith(f".{vpc.name}")
        ]
        by_type = Counter(r.type for r in owned)
        if not vpc.managed:
            assert owned == [], f"adopted VPC {vpc.name} got {sorted(by_type)}"
            continue
        named_tables = [t for t in vpc.route_tables if t not in (MAIN, DISCOVERED)]
        expected = {
            VPC: 1,
            CIDR_ASSOCIATION: len(vpc.secondary_cidrs),
            SUBNET: len(vpc.subnets),
            ROUTE_TABLE: len(named_tables),
            ASSOCIATION: sum(1 for s in vpc.subnets if s.route_table != MAIN),
            SECURITY_GROUP: len(plan.groups_of(vpc.name)),
            SECURITY_EGRESS_RULE: sum(len(g.egress) for g in plan.groups_of(vpc.name)),
        }
        assert by_type == +Counter(expected), vpc.name
        for resource in owned:
            assert resource.provider == vpc.account
            assert resource.inputs["region"] == vpc.region
        created = one([r for r in owned if r.type == VPC], f"Vpc {vpc.name}")
        assert created.inputs["cidrBlock"] == vpc.cidrs[0]
        assert created.inputs["assignGeneratedIpv6CidrBlock"] is vpc.ipv6
        assert created.inputs["enableDnsHostnames"] is vpc.dns_hostnames
        assert created.inputs["enableDnsSupport"] is True
        blocks = sorted(r.inputs["cidrBlock"] for r in owned if r.type == CIDR_ASSOCIATION)
        assert blocks == sorted(vpc.secondary_cidrs)
        subnets = {r.inputs["cidrBlock"]: r for r in owned if r.type == SUBNET}
        assert sorted(subnets) == sorted(s.cidr for s in vpc.subnets)
        for subnet in vpc.subnets:
            created_subnet = subnets[subnet.cidr]
            zone_key = "availabilityZoneId" if subnet.az_is_id else "availabilityZone"
            assert created_subnet.inputs[zone_key] == subnet.availability_zone
            if subnet.ipv6_index is None:
                assert "ipv6CidrBlock" not in created_subnet.inputs
                assert "assignIpv6AddressOnCreation" not in created_subnet.inputs
            else:
                # The subnet's /64 of the VPC's block, which AWS assigns at deploy.
                assert created_subnet.inputs["assignIpv6AddressOnCreation"] is True
                block = created_subnet.inputs["ipv6CidrBlock"]
                assert created.urn in created_subnet.property_dependencies["ipv6CidrBlock"]
                if run.preview:
                    assert block is UNKNOWN
                else:
                    network = ipaddress.IPv6Network(block)
                    assert network.prefixlen == 64
                    assert (int(network.network_address) >> 64) & 0xFF == subnet.ipv6_index
            # A subnet in a secondary block waits for that block's association.
            for association in (r for r in owned if r.type == CIDR_ASSOCIATION):
                inside = ipaddress.ip_network(subnet.cidr).subnet_of(
                    ipaddress.ip_network(association.inputs["cidrBlock"])  # type: ignore[arg-type]
                )
                assert run.depends_on(created_subnet, association) is inside


def _subnet_resource(run: MockRun, vpc: str, subnet: str) -> RegisteredResource:
    found = [
        r
        for r in run.of_type(SUBNET)
        if component_of(run, r).name.endswith(f".{vpc}") and r.name.endswith(f".{subnet}")
    ]
    return one(found, f"subnet {vpc}.{subnet}")


def _vpc_resource(run: MockRun, vpc: str) -> RegisteredResource | None:
    for resource in run.of_type(VPC):
        if component_of(run, resource).name.endswith(f".{vpc}"):
            return resource
    return None


def check_links(run: MockRun) -> None:
    plan = run.plan
    vpc_ids = run.outputs["vpc_ids"]
    for link in plan.links:
        component = run.get(LINK_COMPONENT, _link_component_name(run, link.name))
        children = run.children_of(component.urn)
        requester = plan.vpc(link.requester)
        accepter = plan.vpc(link.accepter)

        connection = one([c for c in children if c.type == CONNECTION], f"connection {link.name}")
        assert connection.provider == requester.account
        assert connection.inputs["region"] == link.requester_region
        assert connection.inputs.get("peerOwnerId") == link.peer_owner_id
        assert connection.inputs.get("peerRegion") == link.peer_region
        assert connection.inputs.get("autoAccept") == (True if link.sets_auto_accept else None)
        # An adopted link imports its connection; a requested one imports nothing.
        assert connection.import_id == link.existing_id
        assert connection.inputs["vpcId"] == vpc_ids[link.requester]
        assert connection.inputs["peerVpcId"] == vpc_ids[link.accepter]
        # AWS refuses to associate a block with a requester whose request is pending.
        for association in run.of_type(CIDR_ASSOCIATION):
            if component_of(run, association).name.endswith(f".{link.requester}"):
                assert run.depends_on(connection, association)

        if link.waits_for is not None:
            # Past its account's quota of pending requests: requested only once the link
            # it waits for is accepted (and active).
            earlier = run.get(LINK_COMPONENT, _link_component_name(run, link.waits_for))
            waited = one(
                [c for c in run.children_of(earlier.urn) if c.type == ACCEPTER],
                f"accepter {link.waits_for}",
            )
            assert waited.urn in connection.dependencies, f"{link.name} does not wait"

        accepters = [c for c in children if c.type == ACCEPTER]
        assert len(accepters) == (1 if link.needs_accepter else 0)
        accepted = connection
        if link.needs_accepter:
            accepted = accepters[0]
            assert accepted.provider == accepter.account
            assert accepted.inputs["region"] == link.accepter_region
            assert accepted.inputs["autoAccept"] is True
            assert run.depends_on(accepted, connection)
            if known(connection.id):
                assert accepted.inputs["vpcPeeringConnectionId"] == connection.id

        options = {c.name.rsplit(".", 1)[-1]: c for c in children if c.type == OPTIONS}
        # Both sides, DNS on or off: deleting options does nothing in AWS, so turning DNS
        # off has to be an update of these resources.
        assert sorted(options) == ["accepter", "requester"]
        for side, vpc in (("requester", requester), ("accepter", accepter)):
            option = options[side]
            assert option.provider == vpc.account
            assert option.inputs["region"] == vpc.region
            assert option.inputs[side] == {"allowRemoteVpcDnsResolution": link.dns_resolution}
            other = "accepter" if side == "requester" else "requester"
            assert other not in option.inputs
            assert run.depends_on(option, accepted)
            # Directly, not only through the connection: an update that turns DNS on
            # changes the VPCs' attributes, which must land before the options.
            for created in (_vpc_resource(run, v) for v in (link.requester, link.accepter)):
                if created is not None:
                    assert created.urn in option.dependencies
            if known(connection.id):
                assert option.inputs["vpcPeeringConnectionId"] == connection.id
        if link.requester_waits_for_active:
            # Read in the requester's region until active there, before its options.
            reads = [
                i
                for i in run.invokes
                if i.token == tokens.GET_PEERING_CONNECTIONS
                and i.args.get("region") == link.requester_region
                and (not known(connection.id) or str(connection.id) in str(i.args["filters"]))
            ]
            assert reads or run.preview, f"{link.name}: no read in {link.requester_region}"


def _accept_names(plan: Any) -> set[str]:
    return {accept.name for accept in plan.accepts}


def check_accepts(run: MockRun) -> None:
    """A request from outside: accepted in our VPC's account and region by its id, our
    side's options only, nothing requested."""
    plan = run.plan
    for accept in plan.accepts:
        vpc = plan.vpc(accept.vpc)
        component = run.get(LINK_COMPONENT, _link_component_name(run, accept.name))
        children = run.children_of(component.urn)
        assert [c for c in children if c.type == CONNECTION] == []
        accepter = one([c for c in children if c.type == ACCEPTER], f"accepter {accept.name}")
        assert accepter.provider == vpc.account
        assert accepter.inputs["region"] == accept.region == vpc.region
        assert accepter.inputs["vpcPeeringConnectionId"] == accept.peering_id
        assert accepter.inputs["autoAccept"] is True
        assert accepter.import_id is None
        (option,) = [c for c in children if c.type == OPTIONS]
        assert option.name.endswith(".accepter")
        assert option.provider == vpc.account and option.inputs["region"] == vpc.region
        assert option.inputs["accepter"] == {"allowRemoteVpcDnsResolution": accept.dns_resolution}
        assert "requester" not in option.inputs
        assert run.depends_on(option, accepter)


def _link_component_name(run: MockRun, link: str) -> str:
    top = one(run.of_type(TOPOLOGY), "PeeringTopology")
    return f"{top.name}.{link}"


def _destination(route: RegisteredResource) -> Any:
    if "destinationCidrBlock" in route.inputs:
        return route.inputs["destinationCidrBlock"]
    return route.inputs["destinationIpv6CidrBlock"]


def check_routes(run: MockRun) -> None:
    """One Route per plan route and table, with the plan's destination, after acceptance.

    After a deploy, each route is matched on its table id too; in a preview table ids are
    unknown, so routes to one destination over one link are matched as a group.
    """
    plan = run.plan
    routes = run.of_type(ROUTE)
    table_ids = run.outputs["route_table_ids"]
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for planned in plan.routes:
        tables = (
            list(table_ids[planned.vpc].values())
            if planned.route_table == DISCOVERED
            else [table_ids[planned.vpc][planned.route_table]]
        )
        groups.setdefault((planned.vpc, planned.link, planned.destination), []).extend(tables)
    matched = 0
    for (vpc_name, link_name, destination), tables in groups.items():
        vpc = plan.vpc(vpc_name)
        component = run.get(LINK_COMPONENT, _link_component_name(run, link_name))
        children = run.children_of(component.urn)
        imports_routes = False
        if link_name in _accept_names(plan):
            # Accepted from outside: routes go over the request, once accepted.
            accepted = one([c for c in children if c.type == ACCEPTER], "accepter")
            connection_id: Any = plan.accept(link_name).peering_id
        else:
            link = plan.link(link_name)
            imports_routes = link.imports_routes
            connection = one([c for c in children if c.type == CONNECTION], "connection")
            connection_id = connection.id
            accepted = (
                one([c for c in children if c.type == ACCEPTER], "accepter")
                if link.needs_accepter
                else connection
            )
        deferred = destination.startswith(IPV6_PREFIX)
        of, _, subnet_name = destination.removeprefix(IPV6_PREFIX).partition(".")
        peer = _vpc_resource(run, of) if deferred else None
        candidates = [
            r
            for r in children
            if r.type == ROUTE
            and r.provider == vpc.account
            and r.inputs["region"] == vpc.region
            and (
                peer.urn in r.property_dependencies.get("destinationIpv6CidrBlock", ())
                # A VPC's block and a subnet's /64 of it both come from the peer's Vpc.
                and r.name.endswith(f".{slug(destination)}")
                if peer is not None
                else _destination(r) == destination
            )
        ]
        ipv6 = deferred or ":" in destination
        key = "destinationIpv6CidrBlock" if ipv6 else "destinationCidrBlock"
        assert all(key in r.inputs for r in candidates), destination
        if deferred:
            # The peer's Amazon-provided block: its Vpc's output, known after deploy only.
            for route in candidates:
                block = route.inputs[key]
                if run.preview:
                    assert block is UNKNOWN
                elif subnet_name:
                    # A subnet's /64 of the peer's block, by the subnet's ipv6_index.
                    assert block == _subnet_resource(run, of, subnet_name).inputs["ipv6CidrBlock"]
                else:
                    assert ipaddress.ip_network(block).prefixlen == 56
        if run.preview:
            assert len(candidates) == len(tables), (vpc_name, destination)
        else:
            assert sorted(r.inputs["routeTableId"] for r in candidates) == sorted(tables)
            for route in candidates:
                assert route.inputs["vpcPeeringConnectionId"] == connection_id
        for route in candidates:
            assert run.depends_on(route, accepted)
            # Imported by their provider's id, ROUTETABLEID_DESTINATION, when they exist.
            assert route.import_id == (
                f"{route.inputs['routeTableId']}_{destination}" if imports_routes else None
            )
        matched += len(candidates)
    assert len(routes) == matched


def _group_resource(run: MockRun, vpc: str, group: str) -> RegisteredResource:
    prefix = one(run.of_type(TOPOLOGY), "PeeringTopology").name
    return one(
        [r for r in run.of_type(SECURITY_GROUP) if r.name == f"{prefix}.{vpc}.{group}"],
        f"SecurityGroup {vpc}.{group}",
    )


def check_security_groups(run: MockRun) -> None:
    """One group per plan group, under its VPC, named as planned, with no inline rules,
    and one allow-all egress rule per planned egress block (the provider revokes AWS's)."""
    plan = run.plan
    assert len(run.of_type(SECURITY_GROUP)) == len(plan.security_groups)
    for group in plan.security_groups:
        vpc = plan.vpc(group.vpc)
        registered = _group_resource(run, group.vpc, group.name)
        assert component_of(run, registered).name.endswith(f".{group.vpc}")
        inputs = registered.inputs
        assert inputs["name"] == group.group_name
        assert inputs["description"] == group.description
        assert not inputs.get("ingress") and not inputs.get("egress")
        assert inputs["tags"]["peerstack:security-group"] == group.name
        assert _vpc_resource(run, group.vpc) is not None
        assert (registered.provider, inputs["region"]) == (vpc.account, vpc.region)
        egress = [
            r
            for r in run.of_type(SECURITY_EGRESS_RULE)
            if registered.urn in r.property_dependencies.get("securityGroupId", ())
        ]
        assert sorted(r.inputs.get("cidrIpv4") or r.inputs["cidrIpv6"] for r in egress) == sorted(
            group.egress
        )
        assert all(r.inputs["ipProtocol"] == "-1" for r in egress)


def check_security_rules(run: MockRun) -> None:
    """One standalone ingress rule per plan rule, under its link, in the group's account
    and region, with the plan's protocol, ports and source; a reference to the peer's
    group waits for acceptance."""
    plan = run.plan
    rules = run.of_type(SECURITY_RULE)
    prefix = one(run.of_type(TOPOLOGY), "PeeringTopology").name
    assert sorted(r.name for r in rules) == sorted(
        f"{prefix}.{rule.key}" for rule in plan.security_rules
    )
    by_name = {r.name.removeprefix(f"{prefix}."): r for r in rules}
    for rule in plan.security_rules:
        registered = by_name[rule.key]
        vpc = plan.vpc(rule.vpc)
        link = plan.link(rule.link)
        component = component_of(run, registered)
        assert component.name == _link_component_name(run, link.name)
        assert (registered.provider, registered.inputs["region"]) == (vpc.account, vpc.region)
        inputs = registered.inputs
        if rule.creates_group:  # the created group's id, through its output
            group = _group_resource(run, rule.vpc, rule.group)
            assert group.urn in registered.property_dependencies["securityGroupId"]
            assert (inputs["securityGroupId"] is UNKNOWN) is run.preview
        else:
            assert inputs["securityGroupId"] == rule.group_id
        assert inputs["ipProtocol"] == rule.protocol
        assert inputs.get("fromPort") == rule.from_port
        assert inputs.get("toPort") == rule.to_port
        assert registered.inputs["tags"]["peerstack:rule"] == rule.key
        sources = {k for k in ("cidrIpv4", "cidrIpv6", "referencedSecurityGroupId") if k in inputs}
        if rule.peer_group is not None:
            assert sources == {"referencedSecurityGroupId"}
            referenced = inputs["referencedSecurityGroupId"]
            if rule.referenced_group_id is not None:
                assert referenced == rule.referenced_group_id
            else:
                peer_group = _group_resource(run, rule.peer, rule.peer_group)
                assert (
                    peer_group.urn in registered.property_dependencies["referencedSecurityGroupId"]
                )
                if not run.preview:
                    owner = rule.referenced_account_id
                    assert referenced == (
                        peer_group.id if owner is None else f"{owner}/{peer_group.id}"
                    )
            children = run.children_of(component.urn)
            accepted = one(
                [
                    c
                    for c in children
                    if c.type == (ACCEPTER if link.needs_accepter else CONNECTION)
                ],
                "accepted connection",
            )
            assert run.depends_on(registered, accepted)
        elif rule.deferred:
            assert sources == {"cidrIpv6"}
            peer = _vpc_resource(run, rule.ipv6_of or "")
            assert peer is not None
            assert peer.urn in registered.property_dependencies.get("cidrIpv6", ())
            assert (inputs["cidrIpv6"] is UNKNOWN) is run.preview
        else:
            assert sources == {"cidrIpv6" if rule.ipv6 else "cidrIpv4"}
            assert inputs["cidrIpv6" if rule.ipv6 else "cidrIpv4"] == rule.cidr


def check_tags(run: MockRun) -> None:
    """Every tagged resource carries exactly the tags the plan computed for it (the
    components pass the plan's sets through), within AWS's 50."""
    expected = planned_tags(run.plan, _prefix(run))
    for resource in run.resources:
        if resource.type not in TAGGABLE:
            continue
        if resource.type in (CONNECTION, ACCEPTER) and _adopted(run, resource):
            # The owner's tags stay as they are: an import must match them.
            assert "tags" not in resource.inputs
            continue
        tags = resource.inputs["tags"]
        assert tags == expected[(resource.type, resource.name)], resource.name
        assert len(tags) <= 50
        assert tags["peerstack:topology"] == run.plan.topology
        assert all(len(value) <= 256 for value in tags.values())


def planned_tags(plan: Any, prefix: str) -> dict[tuple[str, str], dict[str, str]]:
    """(type, resource name) -> the tags the plan gives that resource."""
    from peerstack.plan import names

    found: dict[tuple[str, str], dict[str, str]] = {}
    for vpc in plan.vpcs:
        if not vpc.managed:
            continue
        found[(VPC, names.vpc(prefix, vpc.name))] = dict(vpc.tags)
        for subnet in vpc.subnets:
            found[(SUBNET, names.subnet(prefix, vpc.name, subnet.name))] = dict(subnet.tags)
        for table, tags in vpc.route_table_tags.items():
            found[(ROUTE_TABLE, names.route_table(prefix, vpc.name, table))] = dict(tags)
    for group in plan.security_groups:
        found[(SECURITY_GROUP, names.security_group(prefix, group))] = dict(group.tags)
        for to in group.egress:
            key = (SECURITY_EGRESS_RULE, names.security_egress_rule(prefix, group, to))
            found[key] = dict(group.egress_tags)
    for link in plan.links:
        found[(CONNECTION, names.link(prefix, link.name))] = dict(link.tags)
        found[(ACCEPTER, names.link(prefix, link.name))] = dict(link.accepter_tags)
    for accept in plan.accepts:
        found[(ACCEPTER, names.link(prefix, accept.name))] = dict(accept.tags)
    for rule in plan.security_rules:
        found[(SECURITY_RULE, names.security_rule(prefix, rule))] = dict(rule.tags)
    return found


def _prefix(run: MockRun) -> str:
    """The PeeringTopology's name (its resources' names start with it)."""
    return next(r.name for r in run.resources if r.type == tokens.TOPOLOGY)


def _adopted(run: MockRun, resource: RegisteredResource) -> bool:
    assert resource.parent is not None
    link = run.by_urn(resource.parent).name.split(".", 1)[1]
    return link not in _accept_names(run.plan) and run.plan.link(link).adopted


def check_outputs(run: MockRun) -> None:
    plan = run.plan
    outputs = run.outputs
    assert set(outputs) == {
        "vpc_ids",
        "route_table_ids",
        "peering_connection_ids",
        "reachability",
    }
    assert outputs["reachability"] == {k: list(v) for k, v in plan.reachability.items()}
    assert set(outputs["vpc_ids"]) == {v.name for v in plan.vpcs}
    assert set(outputs["peering_connection_ids"]) == {
        link.name for link in plan.links
    } | _accept_names(plan)
    for accept in plan.accepts:
        value = outputs["peering_connection_ids"][accept.name]
        assert value == accept.peering_id or (run.preview and value is UNKNOWN)
    for vpc in plan.vpcs:
        tables = outputs["route_table_ids"][vpc.name]
        if vpc.managed:
            assert known(outputs["vpc_ids"][vpc.name]) is not run.preview
            assert set(tables) == set(vpc.route_tables)
        else:
            assert outputs["vpc_ids"][vpc.name] == vpc.vpc_id
            if not vpc.discovers_route_tables:
                assert tables == dict(vpc.route_table_ids)
    for link in plan.links:
        component = run.get(LINK_COMPONENT, _link_component_name(run, link.name))
        connection = one(
            [c for c in run.children_of(component.urn) if c.type == CONNECTION], "connection"
        )
        value = outputs["peering_connection_ids"][link.name]
        assert value == (UNKNOWN if run.preview else connection.id)


def dependency_depth(run: MockRun) -> int:
    """The longest chain of AWS resources waiting for one another (deploy wall time)."""
    custom = {r.urn: r for r in run.resources if r.custom and r.type != PROVIDER}
    depth: dict[str, int] = {}

    def of(urn: str) -> int:
        if urn not in depth:
            resource = custom[urn]
            depth[urn] = 1 + max((of(d) for d in resource.dependencies if d in custom), default=0)
        return depth[urn]

    return max((of(u) for u in custom), default=0)
