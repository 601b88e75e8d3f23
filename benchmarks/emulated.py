"""Emulated deploy: ``up --emulate`` of a 20-VPC mesh against its floor, in the same run;
and what a test pays for an emulated environment: another one, or a shared one reset.

``up --emulate`` is timed through the code path the CLI takes (``Emulation(plan)``, then
``up()``, then ``verify()``), without the progress display. Its floor is the sum of:

- the same boto3 calls issued directly to moto (``direct_calls``: assume a role per
  account, create the VPCs, connections, accepts and routes, then the reads verify
  makes), moto started and stopped as the emulation does; and
- the raw pulumi_aws program registering the same resources under plain mocks.

Before timing, one untimed run of each counts the boto3 operations both make: the floor
must issue exactly the emulation's calls, or the comparison is refused.

Diagnostic: the emulation running the raw program instead of PeeringTopology separates
what the components cost (see ``overhead``) from what the emulator's own mocks cost.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from benchmarks._figures import Figure, Timing, fastest, measure
from benchmarks._mocked import run_program
from benchmarks.overhead import refused
from benchmarks.raw_program import raw_program
from benchmarks.topologies import mesh
from peerstack import Plan, build_plan, topology_from_data
from peerstack._facts.tags import TagKey
from peerstack.plan import MAIN

SIZE = 20
TARGET_RATIO = 1.2
SMALL = 2
"""A test's emulated environment: two VPCs and their link."""
SMALL_TARGET = 1.5
RESET_TARGET = 0.2
"""A shared environment's reset, at most this share of deploying it again."""
ROUNDS = 4
CHUNK = 200  # values per filter, as verify reads
ROLE = "peerstack-emulation"


def emulated_up(plan: Plan, program: Callable[[], object] | None = None) -> bool:
    """``peerstack up --emulate``'s path: deploy into a fresh emulation, then verify."""
    from peerstack.emulator import Emulation

    with Emulation(plan) as emulation:
        emulation.up(program=program)  # type: ignore[arg-type]
        return emulation.verify().ok


def direct_calls(plan: Plan) -> int:
    """The emulation's boto3 calls, straight to moto; returns the number of resources made."""
    import boto3
    import botocore.session
    from botocore.config import Config
    from moto import mock_aws

    for vpc in plan.vpcs:
        if not vpc.managed or vpc.subnets or len(vpc.cidrs) > 1 or vpc.ipv6:
            raise NotImplementedError(f"the floor covers plain created VPCs, not {vpc.name!r}")
    if any(route.route_table != MAIN for route in plan.routes):
        raise NotImplementedError("the floor covers routes in main route tables only")
    made = 0
    with mock_aws():
        botocore_session = botocore.session.Session()
        botocore_session.set_config_variable("ignore_configured_endpoint_urls", True)
        sts = boto3.Session(
            aws_access_key_id="AKIAPEERSTACKFLOOR",
            aws_secret_access_key="floor",
            region_name="us-east-1",
            botocore_session=botocore_session,
        ).client("sts")
        sessions = {}
        for account in {v.account_id for v in plan.vpcs}:
            creds = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName=ROLE
            )["Credentials"]
            sessions[account] = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                botocore_session=botocore_session,
            )
        clients: dict[tuple[str, str], Any] = {}

        def ec2(account: str, region: str) -> Any:
            if (account, region) not in clients:
                clients[(account, region)] = sessions[account].client(
                    "ec2", region_name=region, config=Config(retries={"total_max_attempts": 1})
                )
            return clients[(account, region)]

        def tags(kind: str, tagged: Mapping[str, str]) -> list[dict[str, Any]]:
            return [
                {"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in tagged.items()]}
            ]

        vpc_ids, main_tables = {}, {}
        for vpc in plan.vpcs:
            client = ec2(vpc.account_id, vpc.region)
            vpc_id = client.create_vpc(
                CidrBlock=vpc.cidrs[0], TagSpecifications=tags("vpc", vpc.tags)
            )["Vpc"]["VpcId"]
            if vpc.dns_hostnames:
                client.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
            # The provider reads the VPC back after creating it (its Read).
            client.describe_vpcs(VpcIds=[vpc_id])
            for attribute in ("enableDnsSupport", "enableDnsHostnames"):
                client.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)
            main_tables[vpc.name] = client.describe_route_tables(
                Filters=[
                    {"Name": "vpc-id", "Values": [vpc_id]},
                    {"Name": "association.main", "Values": ["true"]},
                ]
            )["RouteTables"][0]["RouteTableId"]
            vpc_ids[vpc.name] = vpc_id
            made += 1

        connections = {}
        for link in plan.links:
            requester = ec2(link.requester_account_id, link.requester_region)
            accepter = ec2(link.accepter_account_id, link.accepter_region)
            kwargs: dict[str, Any] = {}
            if link.peer_owner_id:
                kwargs["PeerOwnerId"] = link.peer_owner_id
            if link.peer_region:
                kwargs["PeerRegion"] = link.peer_region
            pcx = requester.create_vpc_peering_connection(
                VpcId=vpc_ids[link.requester],
                PeerVpcId=vpc_ids[link.accepter],
                TagSpecifications=tags("vpc-peering-connection", link.tags),
                **kwargs,
            )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
            if not link.auto_accept:
                # The accepter reads the connection, and accepts it while it is pending.
                accepter.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])
            (requester if link.auto_accept else accepter).accept_vpc_peering_connection(
                VpcPeeringConnectionId=pcx
            )
            made += 1
            if not link.auto_accept:
                accepter.create_tags(
                    Resources=[pcx],
                    Tags=tags("vpc-peering-connection", link.accepter_tags)[0]["Tags"],
                )
                made += 1
            if link.cross_region:
                raise NotImplementedError("the floor covers links within one region")
            # Options on both sides, DNS on or off: one describe, then the modify.
            for side, client in (("Requester", requester), ("Accepter", accepter)):
                client.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])
                client.modify_vpc_peering_connection_options(
                    VpcPeeringConnectionId=pcx,
                    **{
                        f"{side}PeeringConnectionOptions": {
                            "AllowDnsResolutionFromRemoteVpc": link.dns_resolution
                        }
                    },
                )
                made += 1
            connections[link.name] = pcx

        for route in plan.routes:
            vpc = plan.vpc(route.vpc)
            ec2(vpc.account_id, vpc.region).create_route(
                RouteTableId=main_tables[route.vpc],
                DestinationCidrBlock=route.destination,
                VpcPeeringConnectionId=connections[route.link],
            )
            made += 1

        # What verify reads back, per account and region: the VPCs (by id, and any tagged
        # as the topology's, so that a leftover is seen), their subnets and tables, the
        # connections on either side of them; DNS attributes.
        places: dict[tuple[str, str], list[str]] = {}
        for vpc in plan.vpcs:
            places.setdefault((vpc.account_id, vpc.region), []).append(vpc_ids[vpc.name])
        for (account, region), ids in places.items():
            client = ec2(account, region)
            ours = [{"Name": f"tag:{TagKey.TOPOLOGY}", "Values": [plan.topology]}]
            _read(client, "describe_vpcs", "Vpcs", Filters=ours)
            for operation, key, name in (
                ("describe_vpcs", "Vpcs", "vpc-id"),
                ("describe_subnets", "Subnets", "vpc-id"),
                ("describe_route_tables", "RouteTables", "vpc-id"),
                (
                    "describe_vpc_peering_connections",
                    "VpcPeeringConnections",
                    "requester-vpc-info.vpc-id",
                ),
                (
                    "describe_vpc_peering_connections",
                    "VpcPeeringConnections",
                    "accepter-vpc-info.vpc-id",
                ),
            ):
                for chunk in _chunks(ids):
                    _read(client, operation, key, Filters=[{"Name": name, "Values": chunk}])
        for vpc in plan.vpcs:
            if vpc.dns_hostnames:
                client = ec2(vpc.account_id, vpc.region)
                for attribute in ("enableDnsSupport", "enableDnsHostnames"):
                    client.describe_vpc_attribute(VpcId=vpc_ids[vpc.name], Attribute=attribute)
    return made


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _read(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


@contextlib.contextmanager
def counting_calls() -> Iterator[Counter[str]]:
    """Count boto3 operations (``ec2:CreateVpc``, ...) made inside the block."""
    import botocore.client

    calls: Counter[str] = Counter()
    client_class: Any = botocore.client.BaseClient  # _make_api_call is private: not in stubs
    original = client_class._make_api_call

    def counted(self: Any, operation: str, params: Any) -> Any:
        calls[f"{self.meta.service_model.service_name}:{operation}"] += 1
        return original(self, operation, params)

    client_class._make_api_call = counted
    try:
        yield calls
    finally:
        client_class._make_api_call = original


def small_environment(*, quick: bool) -> Figure:
    """What a test pays for one more emulated environment, imports and caches warm."""
    plan = build_plan(topology_from_data(mesh(SMALL)))
    name = f"another emulated environment of {SMALL} VPCs / its boto3 calls"
    if not emulated_up(plan):  # the first one, which imports and warms caches
        return refused(name, "the emulated deploy does not verify")
    direct_calls(plan)
    rounds = 2 if quick else 6
    up = fastest([measure(lambda: emulated_up(plan)) for _ in range(rounds)]).wall
    calls = fastest([measure(lambda: direct_calls(plan)) for _ in range(rounds)]).wall
    return Figure(
        name=name,
        value=up / calls,
        unit="x",
        target=f"<= {SMALL_TARGET}",
        ok=up / calls <= SMALL_TARGET,
        detail=f"best of {rounds}: deploy and verify {up * 1000:.0f} ms, the same boto3 "
        f"calls to moto {calls * 1000:.0f} ms",
    )


def leave_leftovers(env: Any) -> None:
    """What a test leaves behind in a shared environment: a deleted route, an extra VPC."""
    plan = env.plan
    vpc = plan.vpcs[0]
    ec2 = env.ec2(vpc.account_id, vpc.region)
    table = env.outputs["route_table_ids"][vpc.name][MAIN]
    route = next(r for r in plan.routes if r.vpc == vpc.name)
    ec2.delete_route(RouteTableId=table, DestinationCidrBlock=route.destination)
    ec2.create_vpc(CidrBlock="10.250.0.0/16")


def reset_environment(*, quick: bool) -> Figure:
    """A shared environment's per-test reset against deploying the environment again."""
    from peerstack.emulator import Emulation

    plan = build_plan(topology_from_data(mesh(SMALL)))
    name = f"reset of an emulated environment of {SMALL} VPCs / its deploy"
    if not emulated_up(plan):  # imports and caches warm
        return refused(name, "the emulated deploy does not verify")

    def deploy() -> None:
        with Emulation(plan) as fresh:
            fresh.up()

    rounds = 2 if quick else 6
    with Emulation(plan) as env:
        env.up()
        env.checkpoint()

        def fault_then_reset() -> Any:
            leave_leftovers(env)
            return measure(env.reset)

        resets = [fault_then_reset() for _ in range(rounds)]
        if not env.verify().ok:
            return refused(name, "the reset environment does not verify")
    reset = fastest(resets).wall
    up = fastest([measure(deploy) for _ in range(rounds)]).wall
    return Figure(
        name=name,
        value=reset / up,
        unit="x",
        target=f"<= {RESET_TARGET}",
        ok=reset / up <= RESET_TARGET,
        detail=f"best of {rounds}: reset after a deleted route and an extra VPC "
        f"{reset * 1000:.1f} ms, deploy {up * 1000:.0f} ms",
    )


def run(*, quick: bool = False) -> list[Figure]:
    return [small_environment(quick=quick), reset_environment(quick=quick), *_mesh(quick=quick)]


def _mesh(*, quick: bool) -> list[Figure]:
    plan = build_plan(topology_from_data(mesh(SIZE)))

    name = f"emulated deploy over its floor, mesh of {SIZE} VPCs"
    with counting_calls() as emulation_calls:
        if not emulated_up(plan):
            return [refused(name, "the emulated deploy does not verify")]
    with counting_calls() as floor_calls:
        direct_calls(plan)
    if emulation_calls != floor_calls:
        missing, extra = emulation_calls - floor_calls, floor_calls - emulation_calls
        return [
            refused(
                name,
                f"the floor's boto3 calls differ from the emulation's: missing "
                f"{dict(missing)}, extra {dict(extra)}",
            )
        ]
    resources = len(run_program(lambda: raw_program(plan)).custom)

    steps: dict[str, Callable[[], object]] = {
        "up": lambda: emulated_up(plan),
        "boto3": lambda: direct_calls(plan),
        "mocks": lambda: run_program(lambda: raw_program(plan)),
        "raw up": lambda: emulated_up(plan, lambda: raw_program(plan)),
    }
    times: dict[str, list[Timing]] = {step: [] for step in steps}
    paused: dict[str, list[Timing]] = {step: [] for step in ("up", "boto3", "mocks")}
    for _ in range(1 if quick else ROUNDS):
        for step, fn in steps.items():
            times[step].append(measure(fn))
        for step in paused:
            paused[step].append(measure(steps[step], pause_gc=True))
    best = {step: fastest(values) for step, values in times.items()}
    calm = {step: fastest(values).wall for step, values in paused.items()}
    floor = best["boto3"].wall + best["mocks"].wall
    ratio = best["up"].wall / floor
    calls = sum(emulation_calls.values())

    def gc_share(step: str) -> str:
        return f"{best[step].gc / best[step].wall:.0%} in GC"

    return [
        Figure(
            name=f"up --emulate, mesh of {SIZE} VPCs",
            value=best["up"].wall,
            unit="s",
            target="(report)",
            ok=True,
            detail=f"{resources} resources, {calls} boto3 calls, deploy and verify; "
            + gc_share("up"),
        ),
        Figure(
            name=f"  floor: the same {calls} boto3 calls to moto",
            value=best["boto3"].wall,
            unit="s",
            target="(report)",
            ok=True,
            detail="counted equal to the emulation's, operation by operation; " + gc_share("boto3"),
        ),
        Figure(
            name=f"  floor: raw SDK registering the {resources} resources",
            value=best["mocks"].wall,
            unit="s",
            target="(report)",
            ok=True,
            detail="plain mocks; " + gc_share("mocks"),
        ),
        Figure(
            name=name,
            value=ratio,
            unit="x",
            target=f"<= {TARGET_RATIO:.1f}",
            ok=ratio <= TARGET_RATIO,
            detail=f"best of {len(times['up'])}: {best['up'].wall:.2f} s vs {floor:.2f} s; "
            f"GC paused: {calm['up']:.2f} s vs {calm['boto3'] + calm['mocks']:.2f} s "
            f"= {calm['up'] / (calm['boto3'] + calm['mocks']):.2f}",
        ),
        Figure(
            name="  emulation of the raw program / floor",
            value=best["raw up"].wall / floor,
            unit="x",
            target="(diagnostic)",
            ok=True,
            detail="the emulator's own cost, without peerstack's components; " + gc_share("raw up"),
        ),
    ]
