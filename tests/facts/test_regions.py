"""Regions, partitions and zones: from botocore's own data, checked as far as offline allows."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from peerstack._facts import regions as _regions
from peerstack.errors import TopologyError
from peerstack.topology import Account, Subnet, topology_from_text

HEADER = 'name: t\naccounts: {n: {id: "111111111111"}}\n'


def problems(text: str):
    with pytest.raises(TopologyError) as info:
        topology_from_text(HEADER + text, file="t.yaml")
    return info.value.problems


def _botocore_data() -> dict:
    spec = importlib.util.find_spec("botocore")
    assert spec is not None and spec.submodule_search_locations
    path = Path(spec.submodule_search_locations[0], "data", "partitions.json")
    return json.loads(path.read_text())


def test_a_misspelt_region_is_refused_with_the_closest_known_one() -> None:
    (p,) = problems("vpcs: {a: {cidr: 10.0.0.0/16, region: us-easst-1}}\n")
    assert p.path == "vpcs.a.region" and p.line == 3
    assert p.message == "'us-easst-1' is not an AWS region"
    assert p.hint == "did you mean 'us-east-1'?"


def test_a_region_nobody_knows_says_where_the_list_comes_from() -> None:
    (p,) = problems("defaults: {region: mars-north-1}\nvpcs: {a: {cidr: 10.0.0.0/16}}\n")
    assert p.path == "defaults.region" and p.message == "'mars-north-1' is not an AWS region"
    assert "installed botocore" in (p.hint or "") and "upgrade" in (p.hint or "")


def test_every_region_botocore_knows_is_accepted_and_pseudo_regions_are_not() -> None:
    for entry in _botocore_data()["partitions"]:
        for region in entry["regions"]:
            if region.endswith("-global"):
                assert not _regions.is_region(region)
            else:
                assert _regions.is_region(region), region
                assert _regions.partition(region) == entry["id"], region


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eu-isoe-west-1", "aws-iso-e"),  # was taken for `aws`
        ("us-isof-south-1", "aws-iso-f"),  # was given a partition AWS does not have
        ("eusc-de-east-1", "aws-eusc"),
    ],
)
def test_partitions_come_from_the_same_data(region: str, partition: str) -> None:
    assert _regions.partition(region) == partition


def test_validating_reads_the_data_without_importing_botocore() -> None:
    code = (
        "import sys; from peerstack.topology import topology_from_text; "
        "topology_from_text('name: t\\ndefaults: {region: eu-west-1}\\n"
        'accounts: {n: {id: \\"111111111111\\"}}\\nvpcs: {a: {cidr: 10.0.0.0/16}}\\n\'); '
        "print('botocore' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_role_arns_in_every_partition_and_only_those() -> None:
    iso = Account(id="111111111111", role_arn="arn:aws-iso-f:iam::111111111111:role/p")
    assert iso.role_arn
    with pytest.raises(TopologyError) as info:
        Account(id="111111111111", role_arn="arn:aws-moon:iam::111111111111:role/p")
    assert "names the partition 'aws-moon', which AWS does not have" in str(info.value)


@pytest.mark.parametrize(
    ("region", "prefix"),
    [
        ("us-east-1", "use1"),
        ("eu-west-1", "euw1"),
        ("ap-northeast-1", "apne1"),
        ("ap-southeast-2", "apse2"),
        ("ca-central-1", "cac1"),
        ("cn-northwest-1", "cnnw1"),
        ("us-gov-west-1", "usgw1"),
        ("us-iso-east-1", None),  # the convention is not known to hold there: not checked
    ],
)
def test_zone_id_prefixes(region: str, prefix: str | None) -> None:
    assert _regions.zone_id_prefix(region) == prefix


def test_zone_shapes() -> None:
    for az in ("a", "us-east-1a", "us-west-2-lax-1a", "use1-az1", "usw2-lax1-az1"):
        assert Subnet(name="s", cidr="10.0.0.0/24", az=az).az == az
    with pytest.raises(TopologyError) as info:
        Subnet(name="s", cidr="10.0.0.0/24", az="zone-one")
    assert info.value.problems[0].message == "'zone-one' is not an availability zone"


def test_a_zone_id_of_another_region_is_refused(problems_of) -> None:
    found = problems_of("""
        vpcs:
          a:
            cidr: 10.0.0.0/16
            subnets:
              - {name: ok, cidr: 10.0.0.0/24, az: use1-az4}
              - {name: bad, cidr: 10.0.1.0/24, az: euw1-az1}
              - {name: local, cidr: 10.0.2.0/24, az: us-east-1-bos-1a}
              - {name: far, cidr: 10.0.3.0/24, az: us-west-2-lax-1a}
        """)
    assert [(p.path, p.message) for p in found] == [
        (
            "vpcs.a.subnets[1].az",
            "zone id 'euw1-az1' is not in the VPC's region 'us-east-1', whose zone ids start "
            "with 'use1-'",
        ),
        (
            "vpcs.a.subnets[3].az",
            "availability zone 'us-west-2-lax-1a' is not in the VPC's region 'us-east-1'",
        ),
    ]


@pytest.mark.parametrize(
    ("name", "region"),
    [("aws", "us-east-1"), ("aws-cn", "cn-north-1"), ("aws-us-gov", "us-gov-west-1")],
)
def test_each_partition_signs_its_global_calls_in_its_own_region(name: str, region: str) -> None:
    assert _regions.signing_region(name) == region


def test_every_partition_botocore_knows_has_a_signing_region_of_its_own() -> None:
    for name in _regions.partition_names():
        assert _regions.partition(_regions.signing_region(name)) == name
