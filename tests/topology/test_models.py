"""The topology format: YAML loading with locations, and field-level rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerstack import TopologyError, load_topology
from peerstack.topology import (
    Account,
    ExistingPeering,
    ExistingVpc,
    Hub,
    RouteSpec,
    Spoke,
    Subnet,
    Topology,
    topology_from_text,
)

GOOD = """\
name: t
defaults: {region: us-east-1}
accounts:
  main: {id: "111111111111"}
vpcs:
  a: {cidr: 10.0.0.0/16}
"""


def problems(text: str):
    with pytest.raises(TopologyError) as info:
        topology_from_text(text, file="t.yaml")
    return info.value.problems


def test_good_topology_loads_and_remembers_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GOOD)
    topology = load_topology(path)
    assert topology.vpcs["a"].cidr == "10.0.0.0/16"
    assert topology.source.file == str(path)
    assert topology.source.line_of(("vpcs", "a", "cidr")) == 6


def test_duplicate_keys_are_rejected_with_both_lines() -> None:
    (p,) = problems(GOOD + "  a: {cidr: 10.1.0.0/16}\n")
    assert p.line == 7 and p.path == "vpcs.a"
    assert "duplicate key 'a' (first written on line 6)" in p.message


def test_unquoted_account_id_gets_a_quoting_hint() -> None:
    (p,) = problems(GOOD.replace('"111111111111"', "011111111111"))
    assert p.path == "accounts.main.id" and p.line == 4
    # YAML 1.1 reads 011111111111 as an octal-ish int: the hint restores the zeros
    assert p.hint == 'quote it: "011111111111"'


def test_unknown_field_suggests_the_closest() -> None:
    (p,) = problems(GOOD + "peering: []\n")
    assert p.message == "unknown field 'peering'" and p.hint == "did you mean 'peerings'?"
    assert p.line == 7


def test_yaml_syntax_error_has_a_line() -> None:
    (p,) = problems("name: t\nvpcs: {a: [\n")
    assert p.line is not None and "YAML syntax error" in p.message


def test_missing_required_field_points_at_its_parent() -> None:
    (p,) = problems(GOOD.replace("{cidr: 10.0.0.0/16}", "{existing: {cidrs: [10.0.0.0/16]}}"))
    assert p.path == "vpcs.a.existing.vpc_id" and p.line == 6
    assert p.message == "required field is missing"


def test_account_rules() -> None:
    with pytest.raises(TopologyError, match="external_id is only used with role_arn"):
        Account(id="111111111111", external_id="x-1")
    with pytest.raises(TopologyError, match="not an IAM role ARN"):
        Account(id="111111111111", role_arn="arn:aws:iam::111111111111:user/bob")
    gov = Account(id="111111111111", role_arn="arn:aws-us-gov:iam::111111111111:role/p")
    assert gov.role_arn


def test_ids_and_azs() -> None:
    with pytest.raises(TopologyError, match="not a route table id"):
        ExistingVpc(
            vpc_id="vpc-0123456789abcdef0", cidrs=["10.0.0.0/16"], route_tables={"main": "rt-1"}
        )
    assert Subnet(name="s", cidr="10.0.0.0/24", az="use1-az1").az == "use1-az1"
    with pytest.raises(TopologyError, match="availability zone"):
        Subnet(name="s", cidr="10.0.0.0/24", az="zone-one")


def test_an_existing_peering_id_is_checked_where_it_is_written() -> None:

    assert ExistingPeering(peering_id="pcx-0123456789abcdef0").routes_exist is True
    text = (
        "name: t\ndefaults: {account: a, region: us-east-1}\n"
        'accounts: {a: {id: "111111111111"}}\n'
        "vpcs:\n"
        "  x: {existing: {vpc_id: vpc-11111111, cidrs: [10.0.0.0/16]}}\n"
        "  y: {existing: {vpc_id: vpc-22222222, cidrs: [10.1.0.0/16]}}\n"
        "peerings:\n"
        "  - requester: x\n"
        "    accepter: y\n"
        "    existing: {peering_id: pcx-12345}\n"
    )
    with pytest.raises(TopologyError) as info:
        topology_from_text(text, file="t.yaml")
    (problem,) = info.value.problems
    assert problem.path == "peerings[0].existing.peering_id"
    assert (problem.file, problem.line) == ("t.yaml", 10)
    assert "'pcx-12345' is not a peering connection id" in problem.message
    assert problem.hint and "8 or 17 hex digits" in problem.hint


def test_a_block_aws_refuses_for_its_size_is_not_offered_again_without_host_bits() -> None:
    from peerstack.errors import TopologyError
    from peerstack.topology import topology_from_text

    text = (
        "name: t\ndefaults: {account: a, region: us-east-1}\n"
        'accounts: {a: {id: "111111111111"}}\nvpcs: {x: {cidr: 10.1.0.0/8}}\n'
    )
    with pytest.raises(TopologyError) as raised:
        topology_from_text(text, file="t.yaml")
    (problem,) = raised.value.problems
    assert problem.message == (
        "VPC CIDR '10.1.0.0/8' is a /8; AWS allows /16 to /28 (e.g. '10.1.0.0/16')"
    )
    assert "did you mean '10.0.0.0/8'" not in str(raised.value)


def test_the_schema_offers_a_spoke_as_a_name_or_a_mapping_and_subnets_an_ipv6_index() -> None:
    schema = Topology.model_json_schema()
    spokes = schema["$defs"]["Hub"]["properties"]["spokes"]
    assert spokes["items"]["oneOf"] == [{"type": "string"}, {"$ref": "#/$defs/Spoke"}]
    spoke = schema["$defs"]["Spoke"]
    assert spoke["required"] == ["vpc"] and spoke["additionalProperties"] is False
    assert set(spoke["properties"]) == {"vpc", "dns_resolution", "routes"}
    assert all(p["description"] for p in spoke["properties"].values())
    index = schema["$defs"]["Subnet"]["properties"]["ipv6_index"]
    assert index["anyOf"][0] == {"maximum": 255, "minimum": 0, "type": "integer"}
    assert "/64" in index["description"]
    groups = schema["$defs"]["Vpc"]["properties"]["security_groups"]
    assert groups["type"] == "array" and groups["items"]["type"] == "string"
    assert "outbound" in groups["description"]


def test_a_spoke_is_validated_like_a_peering_from_python() -> None:
    hub = Hub(hub="h", spokes=["a", Spoke(vpc="b", routes={"b": RouteSpec(to=["h"])})])
    assert isinstance(hub.spokes[1], Spoke) and hub.spokes[0] == "a"
    with pytest.raises(TopologyError, match=r"spokes\[0\]\.vpc: required field is missing"):
        Hub(hub="h", spokes=[{"routes": {}}])


def test_the_schema_describes_accepts_and_their_outside_peer() -> None:
    schema = Topology.model_json_schema()
    accepts = schema["properties"]["accepts"]
    assert accepts["items"] == {"$ref": "#/$defs/Accept"} and accepts["description"]
    accept = schema["$defs"]["Accept"]
    assert accept["required"] == ["vpc", "peering_id", "peer"]
    assert accept["additionalProperties"] is False
    peer = schema["$defs"]["ExternalPeer"]
    assert peer["required"] == ["name", "account_id", "region", "cidrs"]
    for model in (accept, peer):
        assert all(p["description"] for p in model["properties"].values())
