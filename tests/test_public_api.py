"""The package's front door changes only deliberately."""

from __future__ import annotations

import subprocess
import sys

import pydantic
import pytest

import peerstack
from peerstack import topology as topology_pkg

PUBLIC = {
    "Accept",
    "AcceptPlan",
    "ExternalPeer",
    "Account",
    "Allow",
    "SecurityGroupPlan",
    "SecurityRulePlan",
    "Defaults",
    "Deployment",
    "DestroyResult",
    "Outputs",
    "PeeringTopology",
    "PreviewResult",
    "ProviderSettings",
    "RefreshResult",
    "UpResult",
    "TopologyDiff",
    "VerifyResult",
    "diff",
    "verify",
    "DiscoverResult",
    "discover",
    "ExistingPeering",
    "ExistingVpc",
    "Hub",
    "LinkPlan",
    "Mesh",
    "Peering",
    "PeerstackError",
    "Plan",
    "Problem",
    "Quotas",
    "RoutePlan",
    "RouteSpec",
    "Spoke",
    "Subnet",
    "Topology",
    "TopologyError",
    "Vpc",
    "VpcPlan",
    "build_plan",
    "load_topology",
    "topology_from_data",
}


def test_all_is_exactly_the_public_names() -> None:
    assert set(peerstack.__all__) == PUBLIC
    for name in peerstack.__all__:
        assert getattr(peerstack, name) is not None


def test_all_is_sorted_and_names_every_public_attribute() -> None:
    """Classes first, then functions, each alphabetical; nothing public left out."""
    assert peerstack.__all__ == sorted(peerstack.__all__, key=lambda n: (n[0].islower(), n))
    assert len(set(peerstack.__all__)) == len(peerstack.__all__)
    code = (
        "import types, peerstack; print(sorted(n for n, v in vars(peerstack).items() "
        "if not n.startswith('_') and not isinstance(v, types.ModuleType) "
        "and n not in ('annotations', 'importlib', 'TYPE_CHECKING', 'Any')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    eager = set(eval(result.stdout))
    assert eager <= set(peerstack.__all__)
    assert set(peerstack.__all__) == eager | set(peerstack._LAZY)
    assert dir(peerstack) == sorted(peerstack.__all__)


def test_importing_peerstack_does_not_import_pulumi_or_boto3() -> None:
    code = "import sys, peerstack; print(sorted(m for m in ('pulumi', 'boto3', 'moto') if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_every_model_field_has_a_description() -> None:
    missing = []
    for name in topology_pkg.__all__:
        model = getattr(topology_pkg, name)
        if isinstance(model, type) and issubclass(model, pydantic.BaseModel):
            missing += [
                f"{name}.{f}" for f, info in model.model_fields.items() if not info.description
            ]
    assert missing == []


def test_python_callers_get_topology_error_not_pydantic_error() -> None:
    with pytest.raises(peerstack.TopologyError) as topology:
        peerstack.Topology(name="x", accounts={"a": {"id": "1"}}, vpcs={})
    assert topology.value.problems[0].path == "accounts.a.id"
    with pytest.raises(peerstack.TopologyError) as vpc:
        peerstack.Vpc(cidr="10.0.0.0/8")
    assert "AWS allows /16 to /28" in vpc.value.problems[0].message


def test_topology_can_be_built_from_model_objects() -> None:
    topology = peerstack.Topology(
        name="py",
        defaults=peerstack.Defaults(region="us-east-1"),
        accounts={"main": peerstack.Account(id="111111111111")},
        vpcs={
            "a": peerstack.Vpc(cidr="10.0.0.0/16"),
            "b": peerstack.Vpc(cidr="10.1.0.0/16"),
        },
        peerings=[peerstack.Peering(requester="a", accepter="b")],
    )
    plan = peerstack.build_plan(topology)
    assert plan.reachability == {"a": ("b",), "b": ("a",)}
    assert plan.to_dict()["links"][0]["auto_accept"] is True


def test_help_shows_each_field_and_a_plain_signature() -> None:
    import inspect

    doc = peerstack.Subnet.__doc__ or ""
    assert doc.startswith("A subnet of a created VPC.")
    assert "cidr (str, required): IPv4 block inside one of the VPC's blocks" in doc
    assert "Annotated" not in doc and "AfterValidator" not in str(inspect.signature(peerstack.Vpc))
    assert "route_table: 'str | None' = None" in str(inspect.signature(peerstack.Subnet))
    # The JSON Schema keeps the class's own words.
    assert peerstack.Subnet.model_json_schema()["description"] == "A subnet of a created VPC."


def test_ipaddress_networks_are_accepted_where_cidrs_are() -> None:
    import ipaddress

    vpc = peerstack.Vpc(
        cidr=ipaddress.ip_network("10.0.0.0/16"),
        secondary_cidrs=[ipaddress.ip_network("10.1.0.0/16")],
        subnets=[peerstack.Subnet(name="a", cidr=ipaddress.ip_network("10.0.1.0/24"), az="a")],
    )
    assert (vpc.cidr, vpc.secondary_cidrs, vpc.subnets[0].cidr) == (
        "10.0.0.0/16",
        ["10.1.0.0/16"],
        "10.0.1.0/24",
    )
    spec = peerstack.RouteSpec(to=[ipaddress.ip_network("10.2.1.0/24")])
    assert spec.to == ["10.2.1.0/24"]
