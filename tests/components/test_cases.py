"""Hand-made topologies for what the examples do not cover, under Pulumi's mocks."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from peerstack import TopologyError, topology_from_data
from peerstack._provider import tokens
from peerstack.errors import AdoptionError, ProgramError
from peerstack.plan import Plan
from peerstack.testing import UNKNOWN, run_mocked
from peerstack.topology import topology_from_text

ROUTE = tokens.ROUTE
SUBNET = tokens.SUBNET
CONNECTION = tokens.CONNECTION
PROVIDER = tokens.AWS_PROVIDER

PlanOf = Callable[[str], Plan]

DISCOVERING = """
vpcs:
  app: {cidr: 10.0.0.0/16}
  legacy:
    account: prod
    existing: {vpc_id: vpc-0123456789abcdef0, cidrs: [172.31.0.0/16]}
peerings:
  - {requester: app, accepter: legacy}
"""


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_discovered_route_tables_get_one_route_each(
    plan_of: PlanOf, expect: ModuleType, preview: bool
) -> None:
    plan = plan_of(DISCOVERING)
    tables = ["rtb-0000000000000000b", "rtb-0000000000000000a"]
    run = run_mocked(plan, preview=preview, route_tables={"legacy": tables})
    expect.check_run(run)
    # A plain invoke, with the account's provider, in the VPC's region: its ids are known
    # while the program runs, so the routes show in a preview too.
    (invoke,) = run.invokes
    assert invoke.token == tokens.GET_ROUTE_TABLES
    assert invoke.provider == "prod"
    assert invoke.args == {"vpcId": "vpc-0123456789abcdef0", "region": "us-east-1"}
    routes = [r for r in run.of_type(ROUTE) if r.provider == "prod"]
    assert sorted(r.inputs["routeTableId"] for r in routes) == sorted(tables)
    assert {r.inputs["destinationCidrBlock"] for r in routes} == {"10.0.0.0/16"}
    assert run.outputs["route_table_ids"]["legacy"] == {t: t for t in tables}


def test_discovering_no_route_table_is_a_deploy_error(plan_of: PlanOf) -> None:
    # Found while the program runs, after other resources registered: never reported as
    # an invalid topology ("nothing was deployed"), always as a failed deploy.
    with pytest.raises(AdoptionError) as info:
        run_mocked(plan_of(DISCOVERING), route_tables={"legacy": []})
    assert not isinstance(info.value, TopologyError)
    assert "no route tables found" in str(info.value)
    assert "vpc-0123456789abcdef0" in str(info.value)
    assert info.value.hint is not None and "vpcs.legacy.existing" in info.value.hint


def test_adopted_vpcs_register_nothing_of_their_own(plan_of: PlanOf) -> None:
    run = run_mocked(plan_of(DISCOVERING))
    owned = [r for r in run.resources if ".legacy" in (r.parent or "") and r.custom]
    assert owned == []
    assert [r.name for r in run.of_type(tokens.VPC)] == ["t.app"]


def test_ipv6_literal_and_deferred_destinations(plan_of: PlanOf, expect: ModuleType) -> None:
    plan = plan_of(
        """
        vpcs:
          app: {cidr: 10.0.0.0/16, ipv6: true}
          legacy:
            existing:
              vpc_id: vpc-0123456789abcdef0
              cidrs: [172.31.0.0/16]
              ipv6_cidrs: ["2600:1f18:aaaa:bb00::/56"]
              route_tables: {main: rtb-0123456789abcdef0}
        peerings:
          - requester: app
            accepter: legacy
            routes:
              app: {to: ["2600:1f18:aaaa:bb00::/64", 172.31.0.0/16]}
        """
    )
    run = run_mocked(plan)
    expect.check_run(run)
    literal = run.get(ROUTE, "t.app.main.2600_1f18_aaaa_bb00__-64")
    assert literal.inputs["destinationIpv6CidrBlock"] == "2600:1f18:aaaa:bb00::/64"
    assert "destinationCidrBlock" not in literal.inputs
    # legacy routes back to app's whole space: its IPv4 block and its IPv6 block once AWS
    # has assigned it (the Vpc's output).
    back = run.get(ROUTE, "t.legacy.rtb-0123456789abcdef0.ipv6_app")
    app = run.get(tokens.VPC, "t.app")
    assert back.property_dependencies["destinationIpv6CidrBlock"] == {app.urn}


def test_subnets_by_zone_name_or_zone_id_and_secondary_blocks(
    plan_of: PlanOf, expect: ModuleType
) -> None:
    plan = plan_of(
        """
        vpcs:
          app:
            cidr: 10.0.0.0/16
            secondary_cidrs: [10.1.0.0/16]
            subnets:
              - {name: a, cidr: 10.0.1.0/24, az: a}
              - {name: b, cidr: 10.1.1.0/24, az: use1-az4, route_table: private}
        """
    )
    run = run_mocked(plan)
    expect.check_run(run)
    a = run.get(SUBNET, "t.app.a")
    b = run.get(SUBNET, "t.app.b")
    assert a.inputs["availabilityZone"] == "us-east-1a"
    assert "availabilityZoneId" not in a.inputs
    assert b.inputs["availabilityZoneId"] == "use1-az4"
    association = run.get(tokens.CIDR_ASSOCIATION, "t.app.10.1.0.0-16")
    assert run.depends_on(b, association)
    assert not run.depends_on(a, association)


def test_same_account_other_region_needs_an_accepter_in_that_region(
    plan_of: PlanOf, expect: ModuleType
) -> None:
    plan = plan_of(
        """
        name: t
        defaults: {account: net, region: us-east-1, dns_resolution: true}
        accounts:
          net: {id: "111111111111"}
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16, region: eu-west-1}
        peerings:
          - {requester: a, accepter: b}
        """
    )
    run = run_mocked(plan)
    expect.check_run(run)
    connection = run.get(CONNECTION, "t.a--b")
    assert connection.inputs["peerRegion"] == "eu-west-1"
    assert "peerOwnerId" not in connection.inputs
    accepter = run.get(tokens.ACCEPTER, "t.a--b")
    assert (accepter.provider, accepter.inputs["region"]) == ("net", "eu-west-1")
    # One provider serves both regions of the account.
    assert [p.name for p in run.of_type(PROVIDER)] == ["t.net"]


QUOTA_OF_TWO = """
vpcs:
  hub: {cidr: 10.0.0.0/16}
  s1: {cidr: 10.1.0.0/16, region: eu-west-1}
  s2: {cidr: 10.2.0.0/16, region: eu-west-1}
  s3: {cidr: 10.3.0.0/16, region: eu-west-1}
  s4: {cidr: 10.4.0.0/16, account: prod}
  s5: {cidr: 10.5.0.0/16, account: prod}
  s6: {cidr: 10.6.0.0/16}
hubs:
  - {hub: hub, spokes: [s6, s5, s4, s3, s2, s1]}
quotas: {outstanding_requests_per_account: 2}
"""


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_requests_past_the_quota_wait_for_an_earlier_acceptance(
    plan_of: PlanOf, expect: ModuleType, preview: bool
) -> None:
    run = run_mocked(plan_of(QUOTA_OF_TWO), preview=preview)
    expect.check_run(run)  # each connection waits for the accepter the plan names

    def waits(link: str) -> set[str]:
        connection = run.get(CONNECTION, f"t.{link}")
        accepters = {a.urn: a.name for a in run.of_type(tokens.ACCEPTER)}
        return {accepters[u] for u in connection.dependencies if u in accepters}

    # hub--s6 is auto-accepted (same account and region): it neither waits nor counts.
    assert {link: waits(link) for link in ("hub--s1", "hub--s2", "hub--s6")} == {
        "hub--s1": set(),
        "hub--s2": set(),
        "hub--s6": set(),
    }
    assert waits("hub--s3") == {"t.hub--s1"}
    assert waits("hub--s4") == {"t.hub--s2"}
    assert waits("hub--s5") == {"t.hub--s3"}


def test_a_hand_built_plan_whose_links_wait_in_a_cycle_is_refused(plan_of: PlanOf) -> None:
    plan = plan_of(QUOTA_OF_TWO)
    first, second = plan.links[0], plan.links[1]
    looped = dataclasses.replace(
        plan,
        links=(
            dataclasses.replace(first, waits_for=second.name),
            dataclasses.replace(second, waits_for=first.name),
            *plan.links[2:],
        ),
    )
    with pytest.raises(ValueError, match="wait for each other in a cycle"):
        run_mocked(looped)


def test_providers_one_per_account_with_its_credentials(plan_of: PlanOf) -> None:
    plan = plan_of(
        """
        name: creds
        defaults: {account: net, region: us-west-2}
        accounts:
          net: {id: "111111111111", profile: networking}
          prod:
            id: "222222222222"
            role_arn: arn:aws:iam::222222222222:role/peerstack
            external_id: creds-peering
          unused: {id: "333333333333"}
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16, account: prod, region: eu-west-1}
          c: {cidr: 10.2.0.0/16, account: prod, region: ap-south-1}
        peerings:
          - {requester: a, accepter: b}
        """
    )
    run = run_mocked(plan)
    providers = {p.name: p.inputs for p in run.of_type(PROVIDER)}
    assert set(providers) == {"creds.net", "creds.prod"}  # none for an account without VPCs
    assert providers["creds.net"]["profile"] == "networking"
    assert providers["creds.net"]["region"] == "us-west-2"
    assert "assumeRoles" not in providers["creds.net"]
    prod = providers["creds.prod"]
    assert "profile" not in prod
    assert prod["region"] == "us-west-2"  # the plan's home region: `defaults.region`
    assert json.loads(prod["assumeRoles"]) == [
        {
            "roleArn": "arn:aws:iam::222222222222:role/peerstack",
            "externalId": "creds-peering",
            "sessionName": "peerstack-creds",
        }
    ]


def test_provider_settings_reach_every_provider_and_secrets_stay_secret(
    plan_of: PlanOf,
) -> None:
    from peerstack._components import ProviderSettings

    settings = ProviderSettings(
        endpoint="http://localhost:4566",
        skip_credentials_validation=True,
        skip_requesting_account_id=True,
        skip_metadata_api_check=True,
        skip_region_validation=True,
        access_key="AKIAEXAMPLEKEY",
        secret_key="wJalrXUtnFEMI-example-secret",
        default_region="eu-central-1",
    )
    assert "wJalr" not in repr(settings) and "AKIAEXAMPLEKEY" not in repr(settings)
    assert "endpoint='http://localhost:4566'" in repr(settings)
    run = run_mocked(plan_of(DISCOVERING), provider_settings=settings)
    providers = run.of_type(PROVIDER)
    assert len(providers) == 2
    for provider in providers:
        inputs = provider.inputs
        assert json.loads(inputs["endpoints"]) == [
            {service: "http://localhost:4566" for service in ("ec2", "iam", "sts")}
        ]
        for flag in (
            "skipCredentialsValidation",
            "skipRequestingAccountId",
            "skipMetadataApiCheck",
            "skipRegionValidation",
        ):
            assert inputs[flag] == "true"
        assert inputs["region"] == "eu-central-1"
        assert provider.secret_inputs == {"accessKey", "secretKey"}
        assert inputs["secretKey"] == "wJalrXUtnFEMI-example-secret"
        assert "wJalr" not in repr(provider)


def test_without_settings_providers_carry_no_credentials_or_endpoints(plan_of: PlanOf) -> None:
    run = run_mocked(plan_of(DISCOVERING))
    for provider in run.of_type(PROVIDER):
        assert not {"accessKey", "secretKey", "endpoints", "token"} & set(provider.inputs)
        assert provider.secret_inputs == frozenset()


def test_names_do_not_depend_on_declaration_order(expect: ModuleType) -> None:
    data: dict[str, Any] = {
        "name": "order",
        "defaults": {"account": "main", "region": "us-east-1", "dns_resolution": True},
        "accounts": {
            "main": {"id": "111111111111"},
            "other": {"id": "222222222222"},
        },
        "vpcs": {
            "a": {
                "cidr": "10.0.0.0/16",
                "subnets": [
                    {"name": "x", "cidr": "10.0.1.0/24", "az": "a", "route_table": "rx"},
                    {"name": "y", "cidr": "10.0.2.0/24", "az": "b", "route_table": "ry"},
                ],
            },
            "b": {"cidr": "10.1.0.0/16", "account": "other", "region": "eu-west-1"},
            "c": {"cidr": "10.2.0.0/16", "account": "other", "region": "eu-west-2"},
            "d": {"cidr": "10.3.0.0/16"},
        },
        "meshes": [{"name": "m", "members": ["a", "b", "c"]}],
        "peerings": [{"requester": "d", "accepter": "a"}, {"requester": "d", "accepter": "c"}],
    }
    shuffled = {
        **data,
        "accounts": dict(reversed(list(data["accounts"].items()))),
        "vpcs": {
            **{k: v for k, v in reversed(list(data["vpcs"].items())) if k != "a"},
            "a": {**data["vpcs"]["a"], "subnets": list(reversed(data["vpcs"]["a"]["subnets"]))},
        },
        "meshes": [{"name": "m", "members": ["c", "a", "b"]}],
        "peerings": list(reversed(data["peerings"])),
    }
    first = run_mocked(topology_from_data(data))
    second = run_mocked(topology_from_data(shuffled))
    expect.check_run(first)
    one, other = _state(first), _state(second)
    assert one.keys() == other.keys()
    # Providers take their home region from the plan, so nothing follows the order.
    assert [k for k in one if one[k] != other[k]] == []


def _state(run: object) -> dict[tuple[str, str], tuple[object, ...]]:
    """(type, name) -> what the engine would store and compare for each resource."""
    from peerstack.testing import MockRun

    assert isinstance(run, MockRun)
    names = {r.urn: (r.type, r.name) for r in run.resources}
    return {
        (r.type, r.name): (
            json.dumps(r.inputs, sort_keys=True, default=repr),
            r.provider,
            names.get(r.parent or ""),
            frozenset(names[d] for d in r.dependencies),
        )
        for r in run.resources
    }


def test_two_topologies_in_one_stack_do_not_collide(plan_of: PlanOf) -> None:
    plan = plan_of(DISCOVERING)
    blue = run_mocked(plan, name="blue")
    green = run_mocked(plan, name="green")
    assert {(r.type, r.name) for r in blue}.isdisjoint({(r.type, r.name) for r in green})
    assert all(r.name == "blue" or r.name.startswith("blue.") for r in blue)


def test_a_duplicate_resource_is_refused(plan_of: PlanOf) -> None:
    """The mock monitor accepts duplicate URNs; run_mocked refuses them like the engine."""
    plan = plan_of(
        """
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16}
        peerings:
          - {requester: a, accepter: b}
        """
    )
    doubled = Plan(
        topology=plan.topology,
        accounts=plan.accounts,
        vpcs=plan.vpcs,
        links=plan.links * 2,
        routes=(),
        reachability={},
    )
    with pytest.raises(ProgramError) as info:
        run_mocked(doubled)
    assert "registered twice" in str(info.value)
    assert "peerstack:index:Link::t.a--b" in str(info.value)


def test_an_invalid_topology_registers_nothing() -> None:
    """PeeringTopology plans before it registers: a bad topology leaves no resource."""
    from peerstack._components import PeeringTopology
    from peerstack._runtime import Monitor, run_program
    from peerstack._runtime.recording import _AwsMocks

    bad = topology_from_text(
        """
        name: bad
        defaults: {account: main, region: us-east-1}
        accounts: {main: {id: "111111111111"}}
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.0.0.0/16}
        peerings:
          - {requester: a, accepter: b}
        """.replace("\n        ", "\n")
    )
    mocks = _AwsMocks(preview=False, route_tables={})
    monitor = Monitor(mocks)
    with pytest.raises(TopologyError):
        run_program(
            lambda: PeeringTopology("bad", bad) and None,  # type: ignore[arg-type,return-value]
            mocks,
            monitor=monitor,
            preview=False,
            project="p",
            stack="s",
        )
    assert monitor.resources == {}


def test_runs_repeat_and_leave_the_callers_runtime_alone(plan_of: PlanOf) -> None:
    from pulumi.runtime import settings

    before = (settings.get_project(), settings.get_stack(), settings.get_root_resource())
    plan = plan_of(DISCOVERING)
    counts = {len(run_mocked(plan, preview=i % 2 == 1, stack=f"s{i}")) for i in range(6)}
    assert len(counts) == 1
    assert (settings.get_project(), settings.get_stack(), settings.get_root_resource()) == before


def test_preview_reports_unknowns_instead_of_dropping_them(plan_of: PlanOf) -> None:
    run = run_mocked(plan_of(DISCOVERING), preview=True)
    connection = run.get(CONNECTION, "t.app--legacy")
    assert connection.inputs["vpcId"] is UNKNOWN
    assert connection.inputs["peerVpcId"] == "vpc-0123456789abcdef0"
    assert run.outputs["vpc_ids"] == {"app": UNKNOWN, "legacy": "vpc-0123456789abcdef0"}
    assert repr(UNKNOWN) == "UNKNOWN"


def test_fixture_runs_topologies(peerstack_mocks: Callable[..., object], plan_of: PlanOf) -> None:
    from peerstack.testing import MockRun

    run = peerstack_mocks(plan_of(DISCOVERING))
    assert isinstance(run, MockRun)
    assert len(run.of_type(CONNECTION)) == 1
