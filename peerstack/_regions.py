"""AWS regions and the partitions they belong to (no Pulumi, no boto3)."""

from __future__ import annotations

__all__ = ["partition"]


def partition(region: str) -> str:
    """The AWS partition a region belongs to (peering and roles never cross one)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso"):
        return "aws-iso" + region[len("us-iso") :].split("-")[0]
    return "aws"
