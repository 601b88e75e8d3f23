"""A topology whose accounts are in the aws-cn partition, and a recorder of where STS is
called (STS, like IAM, answers each partition in that partition's own signing region)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest

CHINA = """
    name: cn
    defaults: {account: net, region: cn-north-1}
    accounts:
      net: {id: "123456789012"}
      prod: {id: "222222222222", role_arn: "arn:aws-cn:iam::222222222222:role/p"}
    vpcs:
      a: {cidr: 10.1.0.0/16}
      b: {cidr: 10.2.0.0/16, account: prod, region: cn-northwest-1}
    peerings:
      - {requester: a, accepter: b}
    """


@contextmanager
def sts_regions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The region of every STS client made while the block runs."""
    seen: list[str] = []
    original = boto3.Session.client

    def client(self: boto3.Session, service: str, *args: Any, **kwargs: Any) -> Any:
        if service == "sts":
            seen.append(kwargs.get("region_name") or self.region_name)
        return original(self, service, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(boto3.Session, "client", client)
    yield seen
