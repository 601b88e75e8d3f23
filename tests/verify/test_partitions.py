"""verify reaches an account in its own partition: STS in that partition's region."""

from __future__ import annotations

import pytest
from moto import mock_aws

from peerstack.verify import AwsClients
from tests.helpers.partitions import CHINA, sts_regions


def test_aws_clients_call_sts_in_the_accounts_partition(
    plan_of, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_of(CHINA)
    with mock_aws(), sts_regions(monkeypatch) as seen:
        client = AwsClients()(plan.account("prod"), "cn-northwest-1")
        assert client.meta.region_name == "cn-northwest-1"
        assert {v["OwnerId"] for v in client.describe_vpcs()["Vpcs"]} == {"222222222222"}
    assert seen == ["cn-north-1"]  # not us-east-1, which does not know aws-cn credentials
