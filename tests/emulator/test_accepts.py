"""Accepting a request from outside the organisation in the emulation: the partner's
pending request is accepted, our side routed and its option set; day 2 and destroy leave
the connection to its requester; a request that ended fails like the provider."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from peerstack._components import topology_program
from peerstack._provider import tokens
from peerstack._provider.changes import Change
from peerstack.emulator import Emulation
from peerstack.errors import PeerstackError, PreflightError
from peerstack.plan import build_plan
from peerstack.verify import DifferenceKind
from tests.helpers.paths import example

Data = dict[str, Any]

PCX = "pcx-0f1f1f1f1f1f1f1f1"
PRIVATE = "rtb-0b1b1b1b1b1b1b1b1"
PARTNER = "536727724300"
BASE: Data = yaml.safe_load(example("accept-partner").read_text())


def changed(edit: Callable[[Data], None]) -> Data:
    data = copy.deepcopy(BASE)
    edit(data)
    return data


def connection(env: Emulation, account: str = "network") -> dict[str, Any]:
    ec2 = env.client("ec2", account=account, region="us-east-1")
    (found,) = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[PCX])[
        "VpcPeeringConnections"
    ]
    return dict(found)


def routes_in(env: Emulation, table: str) -> dict[str, str]:
    ec2 = env.client("ec2", account="network", region="us-east-1")
    (found,) = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"]
    return {
        r["DestinationCidrBlock"]: r.get("VpcPeeringConnectionId", "")
        for r in found["Routes"]
        if r.get("GatewayId") != "local"
    }


def test_the_partners_request_is_accepted_and_only_our_side_is_set() -> None:
    with Emulation(BASE) as env:
        # Made before the deploy, from the partner's account: pending our acceptance.
        before = connection(env, PARTNER)
        assert before["Status"]["Code"] == "pending-acceptance"
        assert before["RequesterVpcInfo"]["OwnerId"] == PARTNER
        assert before["AccepterVpcInfo"]["VpcId"] == "vpc-0a1a1a1a1a1a1a1a1"
        result = env.up()
        created = {(s.type, s.name) for s in result.of(Change.CREATE)}
        assert (tokens.ACCEPTER, "partner.atlas--app") in created
        assert (tokens.OPTIONS, "partner.atlas--app.accepter") in created
        assert (tokens.OPTIONS, "partner.atlas--app.requester") not in created
        assert not [s for s in result.steps if s.type == tokens.CONNECTION and "atlas" in s.name]
        after = connection(env)
        assert after["Status"]["Code"] == "active"
        assert (
            after["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is False
        )
        assert routes_in(env, PRIVATE)["192.168.248.0/21"] == PCX
        assert env.outputs["peering_connection_ids"]["atlas--app"] == PCX
        verified = env.verify()
        assert verified.ok, verified.differences
        assert ("atlas--app", PCX, "active") in {
            (s.link, s.connection_id, s.status) for s in verified.links
        }
        assert verified.reachability["app"] == ("atlas", "tools")
        assert verified.reachability["atlas"] == ("app",)


def test_day_2_dns_and_routes_change_our_side_and_destroy_leaves_the_connection() -> None:
    def dns_on_and_every_table(data: Data) -> None:
        data["accepts"][0]["dns_resolution"] = True
        del data["accepts"][0]["routes"]

    with Emulation(BASE) as env:
        env.up()
        second = env.up(changed(dns_on_and_every_table))
        assert {(str(s.op), s.name) for s in second.steps if s.aws and s.op is not Change.SAME} == {
            ("update", "partner.atlas--app.accepter"),
            ("create", "partner.app.rtb-0a1a1a1a1a1a1a1a1.192.168.248.0-21"),
        }
        assert connection(env)["AccepterVpcInfo"]["PeeringOptions"][
            "AllowDnsResolutionFromRemoteVpc"
        ]
        assert env.verify().ok, env.verify().differences
        env.destroy()
        # The accepter's delete does nothing in AWS: the partner's connection stays,
        # our routes to it are gone.
        assert connection(env)["Status"]["Code"] == "active"
        assert "192.168.248.0/21" not in routes_in(env, PRIVATE)


def test_dropping_the_accept_removes_our_routes_only() -> None:
    def drop(data: Data) -> None:
        del data["accepts"]

    with Emulation(BASE) as env:
        env.up()
        env.up(changed(drop))
        assert connection(env)["Status"]["Code"] == "active"
        assert "192.168.248.0/21" not in routes_in(env, PRIVATE)
        # Left in place, the connection is now one the plan does not have.
        kinds = {d.kind for d in env.verify().differences}
        assert kinds == {DifferenceKind.PEERING_UNEXPECTED}


def test_a_request_the_partner_deleted_cannot_be_accepted() -> None:
    with Emulation(BASE) as env:
        partner = env.client("ec2", account=PARTNER, region="us-east-1")
        partner.delete_vpc_peering_connection(VpcPeeringConnectionId=PCX)
        with pytest.raises(PeerstackError, match=r"pcx-0f1f1f1f1f1f1f1f1.*'deleted'"):
            env.up()


def test_a_request_to_another_vpc_is_refused_first_and_verify_names_it() -> None:
    """The id names a request to another of our VPCs: the pre-flight refuses it before
    anything registers (AWS would accept it all the same, and refuse our routes over it);
    accepted anyway by a program of one's own, verify says it does not join the VPC."""

    def to_db(data: Data) -> None:
        data["vpcs"]["db"] = {
            "existing": {"vpc_id": "vpc-0c1c1c1c1c1c1c1c1", "cidrs": ["10.50.0.0/16"]}
        }
        data["accepts"][0]["vpc"] = "db"
        del data["accepts"][0]["routes"]

    def to_app(data: Data) -> None:
        to_db(data)
        data["accepts"][0]["vpc"] = "app"

    def to_app_without_routes(data: Data) -> None:
        to_app(data)
        data["accepts"][0]["routes"] = {"to": []}

    with Emulation(changed(to_db)) as env:
        env.up()
        with pytest.raises(
            PreflightError, match="is a request to vpc-0c1c1c1c1c1c1c1c1, not to 'app'"
        ):
            env.up(changed(to_app))
    with Emulation(changed(to_db)) as env:
        env.up()
        plan = build_plan(changed(to_app_without_routes))
        env.up(plan, program=topology_program(plan))  # a program without the pre-flight
        differences = env.verify().differences
        wrong = [d for d in differences if d.kind is DifferenceKind.LINK_WRONG_VPCS]
        assert [d.subject for d in wrong] == ["atlas--app"]
        assert "does not request a connection to 'app'" in wrong[0].message


def test_verify_reports_our_side_dns_changed_outside_peerstack_and_nothing_of_theirs() -> None:
    with Emulation(BASE) as env:
        env.up()
        ours = env.client("ec2", account="network", region="us-east-1")
        ours.modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=PCX,
            AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
        )
        partner = env.client("ec2", account=PARTNER, region="us-east-1")
        partner.modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=PCX,
            RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
        )
        (difference,) = env.verify().differences
        assert difference.kind is DifferenceKind.DNS_OPTION
        assert difference.subject == "atlas--app (accepter)"
        assert (difference.expected, difference.actual) == ("off", "on")
